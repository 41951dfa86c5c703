// Terminal: facts about the terminal that decide how output looks (colour, width).
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

/// Reads all of standard input as text; invalid UTF-8 becomes U+FFFD so the lexer can point at it.
enum StandardInput {
    /// Reads standard input to its end.
    static func readAll() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: buffer[0..<n])
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads one line from standard input (without the newline), or nil at end of input.
    static func readLine() -> String? {
        Swift.readLine(strippingNewline: true)
    }
}
