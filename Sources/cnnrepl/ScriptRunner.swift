// ScriptRunner: runs a lesson or script file (or piped standard input) through a session.
//
// In a lesson each entry is echoed as `cnn> statement` followed by its output, exactly what typing it at
// the REPL would show; with --step it waits for Enter after each entry. The first error stops the run.
import CNNCore
import CNNSession
import Glibc

/// Runs whole scripts through a session.
struct ScriptRunner {
    let session: Session
    let console: Console
    let pauseAfterEachEntry: Bool

    /// Reads the file at `path` and runs it with echo; false if it could not be read or an error occurred.
    func runFile(path: String) -> Bool {
        switch FileText.readBytes(path: path) {
        case .success(let bytes):
            return run(bytes: bytes, fileName: path, echo: true)
        case .failure(let error):
            console.write(error.text, kind: .error)
            return false
        }
    }

    /// Runs script bytes (a file's or standard input's); bytes that are not UTF-8 are an error before anything runs.
    func run(bytes: [UInt8], fileName: String, echo: Bool) -> Bool {
        switch ScriptBytes.decode(bytes, name: fileName) {
        case .success(let text):
            return run(source: text, fileName: fileName, echo: echo)
        case .failure(let invalid):
            console.write(invalid.rendered(color: console.color), kind: .error)
            return false
        }
    }

    /// Runs `source`; `echo` prints each entry as `cnn> …` before its output (lessons).
    func run(source: String, fileName: String, echo: Bool) -> Bool {
        let pause = pauseAfterEachEntry
        return session.runScript(source, fileName: fileName, echo: echo, output: { console.write($0, kind: $1) },
            afterEntry: {
                guard pause else { return }
                console.write("   [Enter to continue]", kind: .normal)
                _ = StandardInput.readLine()
                // A terminal echoes the Enter; input from a pipe does not, so end the line here.
                if isatty(STDIN_FILENO) != 1 { console.write("\n", kind: .normal) }
            })
    }
}

/// Reads whole files with the C library.
enum FileText {
    /// The file's text (invalid UTF-8 becomes U+FFFD), or a message saying why it could not be read.
    static func read(path: String) -> Result<String, FileError> {
        readBytes(path: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The file's bytes, at most `SessionLimits.maxScriptBytes` of them, or a message saying why not.
    static func readBytes(path: String) -> Result<[UInt8], FileError> {
        // A folder or a device (such as /dev/zero) is not a script; a named pipe is (`cnnrepl <(...)`).
        var status = stat()
        if stat(path, &status) == 0 {
            let type = status.st_mode & S_IFMT
            if type == S_IFDIR || type == S_IFCHR || type == S_IFBLK || type == S_IFSOCK {
                let kind = type == S_IFDIR ? "a folder" : type == S_IFSOCK ? "a socket" : "a device"
                return .failure(FileError("'\(path)' is \(kind), not a script file",
                                          hint: "give the name of a .cnn script, e.g. cnnrepl lessons/padding.cnn"))
            }
        }
        guard let handle = fopen(path, "rb") else {
            return .failure(FileError("cannot open '\(path)': \(String(cString: strerror(errno)))",
                                      hint: "check the name of the script"))
        }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if bytes.count > SessionLimits.maxScriptBytes {
                return .failure(.tooLarge("'\(path)'"))
            }
            if n < buffer.count { break }
        }
        if ferror(handle) != 0 {
            return .failure(FileError("cannot read '\(path)': \(String(cString: strerror(errno)))"))
        }
        return .success(bytes)
    }
}

/// A file that could not be read, with the reason and what to do about it.
struct FileError: Error {
    let message: String
    let hint: String?
    init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    /// The lines cnnrepl prints for it: "cnnrepl: error: ..." and "  hint: ...".
    var text: String {
        "cnnrepl: error: \(message)\n" + (hint.map { "  hint: \($0)\n" } ?? "")
    }

    /// A script larger than the script size limit.
    static func tooLarge(_ what: String) -> FileError {
        FileError("\(what) is larger than the script size limit of \(Format.count(SessionLimits.maxScriptBytes)) bytes",
                  hint: "split the script into smaller files and run them one after the other (docs/LIMITS.md)")
    }
}
