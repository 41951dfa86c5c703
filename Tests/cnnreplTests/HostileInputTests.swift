// HostileInputTests: input meant to break the program must end with a clear error (or run), never a crash
// or a hang. Every file of hostile/ is run through the built binary twice, as a script file and piped on
// standard input, each within a time bound:
//   - it must end by itself with exit status 0 or 1 (a signal or the time bound is a failure);
//   - `ok-*` files must exit 0 with nothing on stderr;
//   - `err-*` files must exit 1 with `NAME:LINE:COL: error: ...` and a caret line on stderr, and, when the
//     file's first line is `# expect: TEXT`, stderr must contain TEXT.
// Files are found by listing the folder, never by hand, so a new case is never skipped. Inputs too large
// or too repetitive to keep as files (10,000 nested parentheses, a 1 MB line, ...) are made below.
import Foundation
import Testing

/// The hostile corpus folder, next to this source file.
let hostileFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("hostile").path

/// Every file of the corpus, sorted.
let hostileFiles: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: hostileFolder)) ?? []).sorted()

/// The time bound for one run, in seconds (the debug build is slow; a hang is far slower).
let hostileTimeout = 10.0

@Test func theHostileCorpusIsThere() {
    #expect(hostileFiles.count >= 100, "found \(hostileFiles.count) files in \(hostileFolder)")
    for name in hostileFiles {
        #expect(name.hasPrefix("ok-") || name.hasPrefix("err-"), "\(name) must start with ok- or err-")
    }
}

@Test(arguments: hostileFiles)
func aHostileFileEndsCleanly(_ name: String) throws {
    let path = hostileFolder + "/" + name
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    let asFile = try Executable.run([path], timeout: hostileTimeout)
    check(asFile, name: name, shownAs: path, bytes: bytes)
    let piped = try Executable.run([], stdin: bytes, timeout: hostileTimeout)
    check(piped, name: name, shownAs: "<stdin>", bytes: bytes)
}

/// The `# expect: TEXT` of a corpus file's first line, if it has one.
func expectation(in bytes: [UInt8]) -> String? {
    let firstLine = bytes.prefix { $0 != UInt8(ascii: "\n") }
    let text = String(decoding: firstLine, as: UTF8.self)
    let marker = "# expect: "
    return text.hasPrefix(marker) ? String(text.dropFirst(marker.count)) : nil
}

/// Checks one run of a corpus file against the rules at the top of this file.
func check(_ result: RunResult, name: String, shownAs: String, bytes: [UInt8],
           sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.endedCleanly, "\(name) as \(shownAs): \(result)", sourceLocation: sourceLocation)
    if name.hasPrefix("ok-") {
        #expect(result.status == 0, "\(name) as \(shownAs): \(result)", sourceLocation: sourceLocation)
        #expect(result.stderr == "", "\(name) as \(shownAs): \(result)", sourceLocation: sourceLocation)
        return
    }
    #expect(result.status == 1, "\(name) as \(shownAs): \(result)", sourceLocation: sourceLocation)
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
    let header = "^" + NSRegularExpression.escapedPattern(for: shownAs) + #":\d+:\d+: error: \S"#
    #expect(lines.first?.range(of: header, options: .regularExpression) != nil,
            "\(name) as \(shownAs): the first line is not NAME:LINE:COL: error: ...\n\(result)", sourceLocation: sourceLocation)
    #expect(hasLine(result.stderr, matching: #"^ +\| +\^+$"#) || hasLine(result.stderr, matching: #"^ +\| *\^+"#),
            "\(name) as \(shownAs): no caret line\n\(result)", sourceLocation: sourceLocation)
    if let expected = expectation(in: bytes) {
        #expect(result.stderr.contains(expected), "\(name) as \(shownAs): stderr lacks '\(expected)'\n\(result)",
                sourceLocation: sourceLocation)
    }
}

// MARK: - Generated inputs

/// A generated hostile input, with the name its failures are reported under.
struct GeneratedInput: CustomStringConvertible, Sendable {
    let name: String
    let bytes: [UInt8]
    /// Whether the input is correct (exit 0) rather than an error (exit 1 with a position).
    let isCorrect: Bool
    /// Text stderr must contain, for an error.
    let expected: String?
    /// The time bound: a megabyte of input takes a few seconds in a debug build; a hang takes forever.
    var timeout: Double { bytes.count > 100_000 ? 30 : hostileTimeout }

    var description: String { name }

    init(_ name: String, _ text: String, isCorrect: Bool = false, expected: String? = nil) {
        self.init(name, Array(text.utf8), isCorrect: isCorrect, expected: expected)
    }

    init(_ name: String, _ bytes: [UInt8], isCorrect: Bool = false, expected: String? = nil) {
        self.name = name
        self.bytes = bytes
        self.isCorrect = isCorrect
        self.expected = expected
    }
}

let deep = 10_000

let generatedInputs: [GeneratedInput] = [
    GeneratedInput("10,000 nested parentheses", "x = " + String(repeating: "(", count: deep) + "1" + String(repeating: ")", count: deep) + "\n",
                   expected: "expression nests deeper than"),
    GeneratedInput("10,000 unclosed parentheses", "x = " + String(repeating: "(", count: deep) + "\n", expected: "error:"),
    GeneratedInput("10,000 unary minuses", "x = " + String(repeating: "-", count: deep) + "1\n", expected: "expression nests deeper than"),
    GeneratedInput("10,000 nested brackets", "x = " + String(repeating: "[", count: deep) + "1" + String(repeating: "]", count: deep) + "\n",
                   expected: "expression nests deeper than"),
    GeneratedInput("10,000 nested calls", "x = " + String(repeating: "relu(", count: deep) + "1" + String(repeating: ")", count: deep) + "\n",
                   expected: "expression nests deeper than"),
    GeneratedInput("10,000 chained indexings", "x = ones(2, 2)\ny = x" + String(repeating: "[0]", count: deep) + "\n",
                   expected: "expression nests deeper than"),
    GeneratedInput("10,000 additions", "x = 1" + String(repeating: " + 1", count: deep) + "\n", expected: "error:"),
    GeneratedInput("10,000 nested slices", "x = ones(2, 2)\ny = x[" + String(repeating: "x[", count: deep) + "0" + String(repeating: "]", count: deep) + "]\n",
                   expected: "error:"),
    GeneratedInput("a 1 MB line that is a correct vector", "x = [" + Array(repeating: "1", count: 330_000).joined(separator: ",") + "]\n",
                   isCorrect: true),
    GeneratedInput("a 1 MB line that is one unknown name", "x = " + String(repeating: "a", count: 990_000) + "\n", expected: "unknown name"),
    GeneratedInput("a 1 MB comment and then an error", "# " + String(repeating: "c", count: 990_000) + "\nx = zz\n",
                   expected: "2:5: error: unknown name 'zz'"),
    GeneratedInput("a 1 MB string", "x = \"" + String(repeating: "s", count: 990_000) + "\"\ny = zz\n", expected: "2:5: error: unknown name 'zz'"),
    GeneratedInput("100,000 statements then an error", String(repeating: "x = 1\n", count: 100_000) + "y = zz\n",
                   expected: "100001:5: error: unknown name 'zz'"),
    GeneratedInput("100,000 statements", String(repeating: "x = 1;", count: 100_000) + "\n", isCorrect: true),
    GeneratedInput("a model of 20,000 layers that fails at the end",
                   "model m 8x8x1\n" + String(repeating: "  relu\n", count: 20_000) + "  conv 8 9x9\nend\n",
                   expected: "20002:3: error: layer 20001 (conv)"),
    GeneratedInput("a model block never closed", "model m 8x8x1\n" + String(repeating: "  relu\n", count: 20_000), expected: "error:"),
    // Long histories of one variable (issue 13): freeing them at exit, at `clear` or on replacement recursed
    // once per step and crashed with signal 11; each value now keeps a bounded history (docs/LIMITS.md).
    GeneratedInput("30,000 updates of one variable", "a = 0\n" + String(repeating: "a = a + 1\n", count: 30_000), isCorrect: true),
    GeneratedInput("30,000 in-place relu of one map, then clear",
                   "x = rand(2, 2)\n" + String(repeating: "relu x\n", count: 30_000) + "clear\n", isCorrect: true),
    GeneratedInput("10,000 convolutions of one map, then a constant in its place",
                   "x = rand(2, 2)\n" + String(repeating: "x = conv(x, ones(1, 1))\n", count: 10_000) + "x = 5\n", isCorrect: true),
    GeneratedInput("300 chains of 30 steps, then clear",
                   (0..<300).map { v in "v\(v) = ones(2, 2)\n" + String(repeating: "v\(v) = v\(v) + 1\n", count: 30) }.joined() + "clear\n",
                   isCorrect: true),
    GeneratedInput("a trace and a grad beyond the kept history",
                   "k = ones(1, 1)\nx = conv(ones(2, 2), k)\n" + String(repeating: "x = x + 1\n", count: 3_000)
                   + "trace x[0, 0]\nloss = sum(x)\ng = grad(loss, k)\n",
                   expected: "in the last 1,000 steps of its history"),
    GeneratedInput("every byte value", (0...255).map(UInt8.init), expected: "error:"),
    GeneratedInput("1,000 invalid bytes", [UInt8](repeating: 0xFF, count: 1000), expected: "1:1: error: this byte (0xFF) is not UTF-8 text"),
]

@Test(arguments: generatedInputs)
func aGeneratedHostileInputEndsCleanly(_ input: GeneratedInput) throws {
    let path = try Executable.write(input.bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    for (result, shownAs) in [(try Executable.run([path], timeout: input.timeout), path),
                              (try Executable.run([], stdin: input.bytes, timeout: input.timeout), "<stdin>")] {
        #expect(result.endedCleanly, "\(input.name) as \(shownAs): \(result)")
        if input.isCorrect {
            #expect(result.status == 0 && result.stderr == "", "\(input.name) as \(shownAs): \(result)")
            continue
        }
        #expect(result.status == 1, "\(input.name) as \(shownAs): \(result)")
        let header = "^" + NSRegularExpression.escapedPattern(for: shownAs) + #":\d+:\d+: error: \S"#
        #expect(result.stderr.range(of: header, options: .regularExpression) != nil, "\(input.name) as \(shownAs): \(result)")
        if let expected = input.expected {
            #expect(result.stderr.contains(expected), "\(input.name) as \(shownAs): stderr lacks '\(expected)'\n\(result)")
        }
    }
}

/// The hint after a script that is too large.
let splitHint = "  hint: split the script into smaller files and run them one after the other (docs/LIMITS.md)\n"

@Test func aScriptLargerThanTheLimitIsRefusedWithoutRunning() throws {
    let bytes = Array(String(repeating: "x = 1\n", count: 200_000).utf8)  // 1.2 MB
    let path = try Executable.write(bytes)
    let asFile = try Executable.run([path], timeout: hostileTimeout)
    #expect(asFile.status == 1 && asFile.stdout == "", "\(asFile)")
    #expect(asFile.stderr == "cnnrepl: error: '\(path)' is larger than the script size limit of 1,000,000 bytes\n" + splitHint)
    let piped = try Executable.run([], stdin: bytes, timeout: hostileTimeout)
    #expect(piped.status == 1 && piped.stdout == "", "\(piped)")
    #expect(piped.stderr == "cnnrepl: error: standard input is larger than the script size limit of 1,000,000 bytes\n" + splitHint)
}

@Test func endlessInputOnAPipeIsCutOffAtTheLimit() throws {
    // /dev/zero never ends; reading must stop at the script size limit instead of filling the memory.
    let result = try shell("timeout -s KILL \(Int(hostileTimeout)) \(Executable.path) < /dev/zero", timeout: hostileTimeout + 5)
    #expect(result.endedCleanly && result.status == 1, "\(result)")
    #expect(result.stderr == "cnnrepl: error: standard input is larger than the script size limit of 1,000,000 bytes\n" + splitHint)
}

@Test func badInputInEvalIsAnErrorWithAPosition() throws {
    for code in ["(((", "\"abc", "x = 1e999", "zeros(100000, 100000)", "conv(ones(2,2), ones(2,2), stride=0)", "x[0]", ""] {
        let result = try Executable.run(["-e", code], timeout: hostileTimeout)
        #expect(result.endedCleanly, "-e \(code.debugDescription): \(result)")
        if code.isEmpty {
            #expect(result.status == 0, "\(result)")
        } else {
            #expect(result.status == 1, "-e \(code.debugDescription): \(result)")
            #expect(result.stderr.range(of: #"^<eval>:\d+:\d+: error: "#, options: .regularExpression) != nil, "\(result)")
        }
    }
}

/// Runs a shell command line (for redirections and pipelines the Process API cannot express) within a
/// time bound, with extra environment variables.
func shell(_ command: String, environment extra: [String: String] = [:], timeout: Double) throws -> RunResult {
    let script = try Executable.write(command + "\n", suffix: ".sh")
    defer { try? FileManager.default.removeItem(atPath: script) }
    // The command bounds its own programs with `timeout` (see the callers), so that nothing it started can
    // outlive a time-out here, where only the shell itself is killed.
    return try Executable.run([script], program: "/bin/sh", environment: extra, timeout: timeout)
}

@Test func temporariesStayWithinTheMemoryLimitUnderAnAddressSpaceCap() throws {
    // Issue 13: with the default 2 GB limit, a+a+...+a of an 800 MB tensor grew to 6.3 GB before the store
    // of b was refused, and under a 4 GB address-space cap it aborted (signal 6). Each temporary is now
    // checked before it is allocated, so the statement is refused at 1.6 GB.
    let result = try shell("ulimit -v 4000000; timeout -s KILL 60 \(Executable.path) -e 'a = rand(10000, 10000)' -e 'b = a+a+a+a+a+a+a+a'",
                           timeout: 65)
    #expect(result.endedCleanly && result.status == 1, "\(result)")
    #expect(result.stderr.hasPrefix("<eval>:1:5: error: +: a 10000x10000 tensor needs 800 MB, but only 400 MB"), "\(result)")
}

@Test func aMemoryLimitBeyondTheMachineIsRefusedAtStartUp() throws {
    let result = try Executable.run(["--max-memory", "1TB", "-e", "x = 1"], timeout: hostileTimeout)
    #expect(result.endedCleanly && result.status != 0 && result.stdout == "", "\(result)")
    #expect(result.stderr.contains("--max-memory must be a size from 1MB to "), "\(result)")
    #expect(result.stderr.contains("not '1TB' (this "), "\(result)")
}

@Test func aMemoryLimitBeyondTheAddressSpaceCapIsRefused() throws {
    // Under `ulimit -v` (2 GB), the session limit can be at most that, and the message says why.
    let result = try shell("ulimit -v 2000000; timeout -s KILL 10 \(Executable.path) -e 'limits memory 3 GB'", timeout: 15)
    #expect(result.endedCleanly && result.status == 1, "\(result)")
    #expect(result.stderr.contains("error: the memory limit must be from 1 MB to 2 GB: this process may use at most 2 GB of memory (ulimit -v)"),
            "\(result)")
}

@Test func aDeviceOrAFolderIsNotAScript() throws {
    for (path, kind) in [("/dev/zero", "a device"), ("/", "a folder")] {
        let result = try Executable.run([path], timeout: hostileTimeout)
        #expect(result.endedCleanly && result.status == 1 && result.stdout == "", "\(result)")
        #expect(result.stderr == "cnnrepl: error: '\(path)' is \(kind), not a script file\n  hint: give the name of a .cnn script, e.g. cnnrepl lessons/padding.cnn\n",
                "\(result)")
    }
}

@Test func loadRefusesANamedPipeWithoutWaitingForAWriter() throws {
    // Issue 13: load of a FIFO blocked forever (and Ctrl-C could not stop it).
    for fifo in [Executable.temporaryPath(".npy"), Executable.temporaryPath(".png")] {
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { try? FileManager.default.removeItem(atPath: fifo) }
        let call = "load(\"\(fifo)\")"
        let result = try Executable.run(["-e", "x = \(call)"], timeout: hostileTimeout)
        #expect(result.endedCleanly && result.status == 1, "\(call): \(result)")
        #expect(result.stderr.contains("this is a named pipe (FIFO), not a file"), "\(call): \(result)")
        #expect(result.stderr.contains("hint: only regular files can be loaded"), "\(call): \(result)")
    }
}
