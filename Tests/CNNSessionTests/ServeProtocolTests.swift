// The `--serve` protocol (docs/PROTOCOL.md) through CNNSession's Server: requests in as JSON lines,
// responses out; variables persist; errors carry ranges and the caret text; `show` and saved pictures come
// back as PNGs that decode; completion and help read the registry; lines that are not requests get an
// error response and the session goes on.
import CNNImage
import CNNSession
import Foundation
import Testing

/// A server over a fresh session, and a helper that sends one request line and decodes the answer.
private struct Client {
    let server = Server(session: Session(options: SessionOptions()))

    func send(_ line: String) throws -> ServeResponse {
        let answer = server.respond(toLine: line)
        #expect(!answer.contains("\n"), "a response is one line")
        return try JSONDecoder().decode(ServeResponse.self, from: Data(answer.utf8))
    }

    func send(_ request: ServeRequest) throws -> ServeResponse {
        let data = try JSONEncoder().encode(request)
        return try send(String(decoding: data, as: UTF8.self))
    }
}

@Test func executeReturnsTheREPLTextAndVariablesPersist() throws {
    let client = Client()
    let first = try client.send(#"{"id": 1, "type": "execute", "code": "x = reshape(range(1, 26), 5x5)"}"#)
    #expect(first.id == .number(1))
    #expect(first.ok)
    #expect(first.parts.map(\.kind) == ["text"])
    #expect(first.parts.first?.text?.hasPrefix("x = reshape(range(1, 26), 5x5)   25 -> 5x5") == true)
    let second = try client.send(ServeRequest(id: .text("b"), type: "execute", code: "conv(x, ones(3, 3))"))
    #expect(second.id == .text("b"))
    #expect(second.ok)
    let text = try #require(second.parts.first?.text)
    #expect(text.contains("5x5 * 3x3, stride 1, valid -> 3x3"))
    #expect(text.contains("   63   72   81\n"))
}

@Test func anErrorHasItsMessageRangeHintAndCaret() throws {
    let client = Client()
    _ = try client.send(ServeRequest(type: "execute", code: "x = ones(4, 4)"))
    let response = try client.send(ServeRequest(type: "execute", code: "y = conv(x, ones(5, 5))"))
    #expect(!response.ok)
    let error = try #require(response.parts.last)
    #expect(error.kind == "error")
    #expect(error.message?.contains("does not fit") == true)
    #expect(error.range == ServeRange(startLine: 1, startColumn: 5, endLine: 1, endColumn: 24))
    let text = try #require(error.text)
    #expect(text.contains("y = conv(x, ones(5, 5))"))
    #expect(text.contains("^^^^"), "the report underlines the call")
    // The session goes on and x is still there.
    let after = try client.send(ServeRequest(type: "execute", code: "x"))
    #expect(after.ok)
    #expect(after.parts.first?.text?.contains("4x4") == true)
}

@Test func aSyntaxErrorIsAnErrorPartToo() throws {
    let response = try Client().send(ServeRequest(type: "execute", code: "x = conv(1,, 2)"))
    #expect(!response.ok)
    #expect(response.parts.map(\.kind) == ["error"])
    #expect(response.parts[0].range?.startLine == 1)
    #expect(response.parts[0].text?.contains("^") == true)
}

@Test func showSendsTheHeatmapTextAndAPNGThatDecodes() throws {
    let client = Client()
    let response = try client.send(ServeRequest(type: "execute", code: "show reshape(range(1, 26), 5x5) ones(3, 3)"))
    #expect(response.ok)
    #expect(response.parts.map(\.kind) == ["text", "image"])
    let image = response.parts[1]
    #expect(image.mime == "image/png")
    let bytes = try #require(image.png.flatMap { Data(base64Encoded: $0) })
    let picture = try PNGCodec.decode([UInt8](bytes)).picture
    #expect(picture.width == image.width)
    #expect(picture.height == image.height)
    #expect(picture.width > picture.height, "two maps side by side")
}

@Test func aSavedPictureComesBackWithItsPath() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnnrepl-serve-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let client = Client()
    let response = try client.send(ServeRequest(type: "execute", code: "savegrid(rand(4, 4, 3), \"\(folder)/grid.png\", titles=\"m\")"))
    #expect(response.ok)
    let image = try #require(response.parts.first { $0.kind == "image" })
    #expect(image.path == "\(folder)/grid.png")
    let bytes = try #require(image.png.flatMap { Data(base64Encoded: $0) })
    #expect(try PNGCodec.decode([UInt8](bytes)).picture.width == image.width)
}

@Test func htmlPartsAreSentOnlyWhenAsked() throws {
    let client = Client()
    let plain = try client.send(ServeRequest(type: "execute", code: "a = ones(2, 3)"))
    #expect(!plain.parts.contains { $0.kind == "html" })
    let asked = try client.send(ServeRequest(type: "execute", code: "a = ones(2, 3)", html: true))
    let html = try #require(asked.parts.first { $0.kind == "html" }?.html)
    #expect(html.contains("<table"))
    #expect(html.contains("<th scope=\"row\">1</th>"))
}

@Test func completionComesFromTheRegistryAndTheVariables() throws {
    let client = Client()
    _ = try client.send(ServeRequest(type: "execute", code: "convolved = ones(2, 2)"))
    let response = try client.send(#"{"type": "complete", "code": "y = con", "cursor": 7}"#)
    let part = try #require(response.parts.first)
    #expect(part.kind == "completion")
    let matches = try #require(part.matches)
    #expect(matches.contains("conv"))
    #expect(matches.contains("convolved"))
    #expect(matches.allSatisfy { $0.hasPrefix("con") })
    #expect(part.start == 4 && part.end == 7)
}

@Test func inspectGivesTheHelpOfTheNameUnderTheCursor() throws {
    let client = Client()
    let response = try client.send(#"{"type": "inspect", "code": "maxpool(x)", "cursor": 3}"#)
    let part = try #require(response.parts.first)
    #expect(part.kind == "help")
    #expect(part.name == "maxpool")
    #expect(part.text?.contains("maxpool(") == true)
    let unknown = try client.send(#"{"type": "inspect", "code": "nothing_here", "cursor": 2}"#)
    #expect(unknown.ok && unknown.parts.isEmpty)
}

@Test func linesThatAreNotRequestsNeverStopTheSession() throws {
    let client = Client()
    _ = try client.send(ServeRequest(type: "execute", code: "kept = 7"))
    let hostile = ["not json", "{", "[]", "null", "42", #"{"type": 3}"#, #"{"code": "x"}"#, #"{"type": "execute"}"#,
                   #"{"type": "launch"}"#, #"{"type": "execute", "code": "(1 + "}"#, #"{"type": "complete", "code": "x", "cursor": -5}"#,
                   #"{"type": "complete", "code": "x", "cursor": 99999999999}"#, "{\"type\": \"execute\", \"code\": \"\u{0}\"}",
                   String(repeating: "[", count: 100_000)]
    for line in hostile {
        let response = try client.send(line)
        if line.contains("complete") { continue }
        #expect(!response.ok, "\(line.prefix(40)) should fail")
        #expect(response.parts.first?.kind == "error")
        #expect(response.parts.first?.message?.isEmpty == false)
    }
    let after = try client.send(ServeRequest(type: "execute", code: "kept"))
    #expect(after.ok)
    #expect(after.parts.first?.text == "kept = 7\n")
}

@Test func helloSaysTheVersions() throws {
    let response = try Client().send(#"{"type": "hello"}"#)
    #expect(response.parts.first?.protocolVersion == Server.protocolVersion)
    #expect(response.parts.first?.text?.hasPrefix("cnnrepl ") == true)
}

@Test func helpAnswersForKnownAndUnknownNames() throws {
    let client = Client()
    let known = try client.send(#"{"type": "help", "name": "maxpool"}"#)
    #expect(known.parts.first?.text?.hasPrefix("maxpool(") == true)
    let typo = try client.send(#"{"type": "help", "name": "maxpoll"}"#)
    #expect(typo.parts.first?.text?.contains("did you mean 'maxpool'?") == true)
    let tour = try client.send(#"{"type": "help"}"#)
    #expect((tour.parts.first?.text?.count ?? 0) > 1000)
}

@Test func isCompleteTellsAConsoleWhetherToReadAnotherLine() throws {
    let client = Client()
    let cases = ["x = ones(2, 2)": "complete", "x = ones(2,": "incomplete", "model m 28x28x1": "incomplete", "x = )": "invalid"]
    for (code, status) in cases {
        let response = try client.send(ServeRequest(type: "is_complete", code: code))
        #expect(response.parts.first?.kind == "status")
        #expect(response.parts.first?.text == status, "\(code)")
    }
}
