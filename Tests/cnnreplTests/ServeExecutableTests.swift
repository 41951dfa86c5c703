// `cnnrepl --serve` and `cnnrepl export` as a client sees them: the executable answers JSON lines while
// standard input stays open, SIGINT during a long convolution ends that request with an "interrupted" error
// and keeps every variable, and export writes a notebook and a page (the protocol's details are tested
// through the library in CNNSessionTests/ServeProtocolTests.swift).
import Foundation
import Testing

/// A running `cnnrepl --serve`.
private final class ServeProcess {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    var buffer = Data()

    init() throws {
        process.executableURL = URL(fileURLWithPath: Executable.path)
        process.arguments = ["--serve"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func send(_ json: String) {
        input.fileHandleForWriting.write(Data((json + "\n").utf8))
    }

    /// The next response line as a JSON object.
    func response() throws -> [String: Any] {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[buffer.index(after: newline)...])
                return try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            }
            let chunk = output.fileHandleForReading.availableData
            try #require(!chunk.isEmpty, "cnnrepl --serve ended early")
            buffer += chunk
        }
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

@Test func serveKeepsItsSessionAcrossRequestsAndSurvivesAnInterrupt() throws {
    let serve = try ServeProcess()
    serve.send(#"{"id": 1, "type": "execute", "code": "big = rand(4000, 4000)"}"#)
    #expect(try serve.response()["ok"] as? Bool == true)
    serve.send(#"{"id": 2, "type": "execute", "code": "f = conv(big, ones(55, 55))"}"#)
    Thread.sleep(forTimeInterval: 0.7)
    let started = Date()
    serve.process.interrupt()
    let interrupted = try serve.response()
    #expect(Date().timeIntervalSince(started) < 5, "the convolution stops soon after SIGINT")
    #expect(interrupted["id"] as? Int == 2)
    #expect(interrupted["ok"] as? Bool == false)
    let parts = try #require(interrupted["parts"] as? [[String: Any]])
    #expect((parts.last?["message"] as? String)?.contains("interrupted") == true, "\(parts)")
    // A SIGINT between requests does nothing.
    serve.process.interrupt()
    Thread.sleep(forTimeInterval: 0.2)
    serve.send(#"{"id": 3, "type": "execute", "code": "shape(big)"}"#)
    let after = try serve.response()
    #expect(after["ok"] as? Bool == true, "\(after)")
    serve.send(#"{"id": 4, "type": "execute", "code": "f"}"#)
    let missing = try serve.response()
    #expect(missing["ok"] as? Bool == false, "f was never made")
    serve.close()
    #expect(serve.process.terminationStatus == 0)
}

@Test func anInterruptBetweenTheStatementsOfACellStopsTheRest() throws {
    // A cell of many statements: Ctrl-C used to be forgotten before each statement, so the cell ran to its
    // end (the fuzzer found it in scripts). Now the statements after the interrupt do not run.
    // (A SIGINT that arrives while the request is still being parsed stops its first statement: nothing
    // runs, and the interrupt is tried later. The cell parses in a tenth of the time it runs, about 0.3 s
    // against 3 s here, so the first try lands while it runs on any machine but a very loaded one.)
    let count = 6_000
    let code = "a = 0\\n" + String(repeating: "a = a + 1\\nm = rand(100, 100)\\n", count: count)
    var stopped: [String: Any] = [:]
    var running: ServeProcess?
    for delay in [0.5, 1.0, 2.0, 4.0] {
        let serve = try ServeProcess()
        serve.send(#"{"id": 1, "type": "execute", "code": ""# + code + #""}"#)
        Thread.sleep(forTimeInterval: delay)
        serve.process.interrupt()
        stopped = try serve.response()
        let message = ((stopped["parts"] as? [[String: Any]])?.last?["message"] as? String) ?? ""
        if message.contains("before it started") {
            // Too early: the first statement was stopped, so nothing was changed.
            serve.send(#"{"id": 2, "type": "execute", "code": "a"}"#)
            let unknown = try serve.response()
            #expect(unknown["ok"] as? Bool == false, "\(unknown)")
            serve.close()
            continue
        }
        if stopped["ok"] as? Bool == false { running = serve; break }
        serve.close()
    }
    let serve = try #require(running)
    #expect(stopped["ok"] as? Bool == false)
    let parts = try #require(stopped["parts"] as? [[String: Any]])
    #expect((parts.last?["message"] as? String)?.hasPrefix("stopped before this statement: Ctrl-C was pressed") == true, "\(parts.last ?? [:])")
    // The statements before it ran, the rest did not.
    serve.send(#"{"id": 2, "type": "execute", "code": "a"}"#)
    let value = try serve.response()
    let text = ((value["parts"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
    let a = Int(text.split(separator: "=").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
    #expect(a > 0 && a < count, "\(text)")
    serve.close()
}

@Test func exportWritesANotebookAndAPage() throws {
    let lesson = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("lessons/padding.cnn").path
    let notebook = Executable.temporaryPath(".ipynb")
    let run = try Executable.run(["export", lesson, "--to", "ipynb", "-o", notebook])
    #expect(run.status == 0, "\(run)")
    let data = try Data(contentsOf: URL(fileURLWithPath: notebook))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(json["nbformat"] as? Int == 4)
    let cells = try #require(json["cells"] as? [[String: Any]])
    #expect(cells.first?["cell_type"] as? String == "markdown")
    #expect(cells.contains { ($0["source"] as? String) == "trace s[0, 0]" })
    let page = Executable.temporaryPath(".html")
    #expect(try Executable.run(["export", lesson, "--to", "html", "-o", page]).status == 0)
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(html.contains("<table class=\"matrix"))
    #expect(!html.contains("<script"), "the page needs no script")
    #expect(!html.contains("http://") && !html.contains("https://"), "the page fetches nothing")
    let wrong = try Executable.run(["export", lesson, "--to", "pdf"])
    #expect(wrong.status == 1)
    #expect(wrong.stderr.contains("ipynb"))
}
