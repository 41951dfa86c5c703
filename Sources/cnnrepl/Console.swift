// Console: where a session's output goes. Normal output to standard output, errors to standard error.
//
// Colour is decided once, for standard output (a terminal, no --no-color, no NO_COLOR). When errors go
// somewhere else than a terminal (`2> errors.txt`), their colour codes are taken out on the way.
import CNNSession
import Glibc

/// Writes session output to the process's standard streams.
struct Console {
    /// Whether ANSI colour may be used.
    let color: Bool
    /// Whether standard error is a terminal (colour codes are kept there).
    let errorIsTerminal = isatty(STDERR_FILENO) == 1

    /// Writes one piece of session output to the stream that fits its kind.
    func write(_ text: String, kind: OutputKind) {
        switch kind {
        case .normal:
            fputs(text, stdout)
            fflush(stdout)
        case .error:
            fflush(stdout)
            fputs(color && !errorIsTerminal ? Console.withoutColor(text) : text, stderr)
            fflush(stderr)
        }
    }

    /// `text` without ANSI escape sequences (ESC [ parameters final-byte).
    static func withoutColor(_ text: String) -> String {
        guard text.unicodeScalars.contains("\u{1B}") else { return text }
        var out = String.UnicodeScalarView()
        var inEscape = false
        var sawBracket = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if !sawBracket {
                    sawBracket = true
                    if scalar != "[" { inEscape = false }
                    continue
                }
                // Parameters and intermediates are 0x20...0x3F; the final byte 0x40...0x7E ends the sequence.
                if (0x40...0x7E).contains(scalar.value) { inEscape = false }
                continue
            }
            if scalar == "\u{1B}" {
                inEscape = true
                sawBracket = false
                continue
            }
            out.append(scalar)
        }
        return String(out)
    }
}
