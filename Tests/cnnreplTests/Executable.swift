// Executable: runs the built `cnnrepl` binary as a subprocess with a time bound, for end-to-end tests.
//
// The binary is found next to the test bundle (both live in the build folder, e.g. .build/debug), or at
// $CNNREPL_BINARY. Standard input comes from a file, output goes to files (so a large output can never
// fill a pipe and stall the child), and the child gets a small, fixed environment: no colour settings of
// the developer's shell leak in, and history goes to a temporary file.
import Foundation
import Testing

/// What one run of the executable did.
struct RunResult: CustomStringConvertible {
    /// The exit status, or nil if the process was ended by a signal or the time bound.
    var status: Int32?
    /// The signal that ended the process, if one did.
    var signal: Int32?
    /// Whether the process was still running at the time bound (then it was killed).
    var timedOut: Bool
    /// Standard output as text.
    var stdout: String
    /// Standard error as text.
    var stderr: String
    /// How long it ran, in seconds.
    var seconds: Double

    var description: String {
        let ending = timedOut ? "timed out" : signal.map { "killed by signal \($0)" } ?? "exit \(status ?? -1)"
        return "\(ending) after \(String(format: "%.2f", seconds)) s\n--- stdout (\(stdout.utf8.count) bytes):\n\(stdout.prefix(2000))\n--- stderr (\(stderr.utf8.count) bytes):\n\(stderr.prefix(2000))"
    }

    /// Whether it ended by itself with exit status 0 or 1 (no signal, no time-out).
    var endedCleanly: Bool { !timedOut && signal == nil && (status == 0 || status == 1) }
}

/// Running the `cnnrepl` executable.
enum Executable {
    /// The path of the binary under test.
    static let path: String = {
        if let custom = ProcessInfo.processInfo.environment["CNNREPL_BINARY"], !custom.isEmpty { return custom }
        // The test runner (e.g. .build/debug/cnnreplPackageTests.xctest) sits in the same folder as cnnrepl.
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: runner).deletingLastPathComponent()
        // On platforms where the bundle is a folder, climb out of it.
        while folder.path.contains(".xctest") { folder.deleteLastPathComponent() }
        let candidate = folder.appendingPathComponent("cnnrepl").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        // Fall back to the package's default build folder, found from this source file.
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return package.appendingPathComponent(".build/debug/cnnrepl").path
    }()

    /// A folder for this test process's temporary files.
    static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cnnrepl-e2e-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// A new temporary file name in `scratch` (nothing is created).
    static func temporaryPath(_ suffix: String = "") -> String {
        scratch.appendingPathComponent(UUID().uuidString + suffix).path
    }

    /// Writes `bytes` to a new temporary file and returns its path.
    static func write(_ bytes: [UInt8], suffix: String = ".cnn") throws -> String {
        let path = temporaryPath(suffix)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes `text` to a new temporary file and returns its path.
    static func write(_ text: String, suffix: String = ".cnn") throws -> String {
        try write(Array(text.utf8), suffix: suffix)
    }

    /// The environment every run starts from: no colour hints, history in a temporary file.
    static func baseEnvironment() -> [String: String] {
        var environment: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": scratch.path,
            "CNNREPL_HISTORY": temporaryPath(".history"),
            "TERM": "xterm",
            "SWIFT_BACKTRACE": "enable=no",
        ]
        if let lang = ProcessInfo.processInfo.environment["LANG"] { environment["LANG"] = lang }
        return environment
    }

    /// Runs cnnrepl (or `program`) with `arguments`, standard input from `stdin` bytes (empty by default),
    /// and extra environment variables; kills it after `timeout` seconds.
    static func run(_ arguments: [String], program: String = path, stdin: [UInt8] = [],
                    environment extra: [String: String] = [:], timeout: Double = 10) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var environment = baseEnvironment()
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.currentDirectoryURL = scratch

        let inputPath = try write(stdin, suffix: ".in")
        let outputPath = temporaryPath(".out"), errorPath = temporaryPath(".err")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        defer {
            try? input.close(); try? output.close(); try? error.close()
            for file in [inputPath, outputPath, errorPath] { try? FileManager.default.removeItem(atPath: file) }
        }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error

        let start = Date()
        try process.run()
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(start) > timeout {
                timedOut = true
                process.terminate()
                usleep(200_000)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            usleep(2_000)
        }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        let signaled = process.terminationReason == .uncaughtSignal
        return RunResult(
            status: signaled || timedOut ? nil : process.terminationStatus,
            signal: signaled && !timedOut ? process.terminationStatus : nil,
            timedOut: timedOut,
            stdout: String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: outputPath))) ?? Data(), as: UTF8.self),
            stderr: String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: errorPath))) ?? Data(), as: UTF8.self),
            seconds: seconds)
    }

    /// Runs cnnrepl with text on standard input.
    static func run(_ arguments: [String], stdin text: String, environment: [String: String] = [:],
                    timeout: Double = 10) throws -> RunResult {
        try run(arguments, stdin: Array(text.utf8), environment: environment, timeout: timeout)
    }
}

/// Whether `text` contains a line matching the pattern (a regular expression).
func hasLine(_ text: String, matching pattern: String) -> Bool {
    text.split(separator: "\n", omittingEmptySubsequences: false)
        .contains { $0.range(of: pattern, options: .regularExpression) != nil }
}
