// Terminal: facts about the terminal that decide how output looks (colour, width).
import CNNSession
import Glibc

/// Facts about the terminal the process runs in.
enum Terminal {
    /// False when the `NO_COLOR` environment variable is set (to anything non-empty), or TERM is "dumb".
    static func colorAllowedByEnvironment() -> Bool {
        if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return true
    }

    /// The terminal's width in columns, or 80 when it cannot be told.
    static func width() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }
}

/// Reads standard input.
enum StandardInput {
    /// Reads standard input to its end: its bytes, or a message when it is larger than a script may be
    /// (reading stops there, so piping in something endless is an error, not a hang).
    static func readAll() -> Result<[UInt8], FileError> {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: buffer[0..<n])
                if bytes.count > SessionLimits.maxScriptBytes {
                    return .failure(.tooLarge("standard input"))
                }
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 {
                return .failure(FileError("cannot read standard input: \(String(cString: strerror(errno)))"))
            } else {
                break
            }
        }
        return .success(bytes)
    }

    /// Reads one line from standard input (without the newline), or nil at end of input.
    static func readLine() -> String? {
        Swift.readLine(strippingNewline: true)
    }
}
