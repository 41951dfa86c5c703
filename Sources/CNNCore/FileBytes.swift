// FileBytes: reading a whole file into memory and writing bytes to a file, with errors a learner can act on.
// Shared by the .npy reader/writer here and the picture formats of CNNImage.
import Glibc

/// Whole-file reading and writing, with errors that name the file and what went wrong.
public enum FileBytes {
    /// Reads the file at `path`, refusing files larger than `limit` bytes. `what` starts every message,
    /// e.g. "load 'cat.png'"; `kind` names what the file holds in the too-large message ("picture", "array").
    public static func read(path: String, limit: Int, what: String, kind: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw CoreError("\(what): cannot open the file: \(systemMessage(errno))",
                            hint: "check the name; a relative name is found next to the running script, or in the folder cnnrepl runs in")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if got > 0 { bytes += chunk[0..<got] }
            guard bytes.count <= limit else {
                throw CoreError("\(what): the file is larger than any \(kind) cnnrepl can hold (\(Format.count(limit)) bytes)",
                                hint: "a tensor holds at most 100,000,000 values; use a smaller \(kind)")
            }
            if got < chunk.count {
                if ferror(file) != 0 {
                    throw CoreError("\(what): cannot read the file: \(systemMessage(errno))")
                }
                break
            }
        }
        return bytes
    }

    /// Writes `bytes` to `path`, replacing any file there.
    public static func write(_ bytes: [UInt8], path: String, what: String) throws {
        guard let file = fopen(path, "wb") else {
            throw CoreError("\(what): cannot create the file: \(systemMessage(errno))",
                            hint: "check that the folder exists and is writable")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let writeError = errno
        let closed = fclose(file)
        guard written == bytes.count else {
            throw CoreError("\(what): could not write the whole file: \(systemMessage(writeError))")
        }
        guard closed == 0 else {
            throw CoreError("\(what): could not finish writing the file: \(systemMessage(errno))")
        }
    }

    /// The C library's text for an errno value.
    static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
