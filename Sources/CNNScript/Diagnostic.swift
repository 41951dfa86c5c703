// Diagnostic: an error (or warning) about a script, as data: a message, the range it is about, a hint and notes.
//
// The lexer, the parser and later the interpreter produce diagnostics; only the front of the program
// (CNNExplain's DiagnosticRenderer, driven by a session) turns them into text. A message says what is wrong
// in a learner's terms, naming the operation ("conv: a 5x5 kernel does not fit a 3x3 input with valid
// padding"); the hint, when there is one, says what to do ("use padding=same or a smaller kernel").
import CNNCore

/// How serious a diagnostic is.
public enum Severity: String, Equatable, Hashable, Sendable {
    /// The script cannot run (or stopped) because of this.
    case error
    /// The script runs, but probably not as intended.
    case warning
}

/// An extra remark attached to a diagnostic, optionally pointing at another place in the source.
public struct DiagnosticNote: Equatable, Hashable, Sendable {
    /// The remark, e.g. "the block 'mnist' starts here".
    public var message: String
    /// The place it is about, or nil if it is about no particular place.
    public var range: SourceRange?

    /// Creates a note with a message and an optional range.
    public init(_ message: String, range: SourceRange? = nil) {
        self.message = message
        self.range = range
    }
}

/// A problem found in a script: what is wrong, where, and what to do about it.
public struct Diagnostic: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Whether this is an error or a warning.
    public var severity: Severity
    /// What is wrong, e.g. "this '[' is never closed".
    public var message: String
    /// The source the message is about; the renderer underlines it.
    public var range: SourceRange
    /// What to do about it, e.g. "add ']' after the last value"; nil when nothing useful can be said.
    public var hint: String?
    /// Further remarks, e.g. where a related construct started.
    public var notes: [DiagnosticNote]

    /// Creates a diagnostic.
    public init(_ message: String, at range: SourceRange, hint: String? = nil, notes: [DiagnosticNote] = [],
                severity: Severity = .error) {
        self.severity = severity
        self.message = Format.visible(message)  // control characters escaped: no error drives the terminal
        self.range = range
        self.hint = hint.map(Format.visible)
        self.notes = notes
    }

    /// Creates an error diagnostic from an error of the numeric core, placed at the expression that caused it.
    public init(_ error: CoreError, at range: SourceRange) {
        self.init(error.message, at: range, hint: error.hint)
    }

    /// "4:5: error: message; hint" in one line (for logs and test failures; learners see the renderer's output).
    public var description: String {
        var text = "\(range.start): \(severity.rawValue): \(message)"
        if let hint { text += "; hint: \(hint)" }
        return text
    }
}

// MARK: - Quoting source text in messages

extension Diagnostic {
    /// The longest piece of source text quoted in a message; longer text is cut with "...".
    static let maxQuotedLength = 40

    /// `text` in single quotes, cut to `maxQuotedLength` scalars: "'3abc'".
    static func quoted(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count > maxQuotedLength else { return "'\(text)'" }
        var cut = String.UnicodeScalarView()
        cut.append(contentsOf: scalars[0..<maxQuotedLength])
        return "'\(String(cut))...'"
    }

    /// A character as a message shows it: "'$'", "'×' (U+00D7)", or "U+0007" for an invisible one.
    static func describe(character scalar: Unicode.Scalar) -> String {
        let code = "U+" + hexDigits(scalar.value)
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || isInvisible(scalar) {
            return code
        }
        if scalar == "'" { return "\"'\"" }
        if scalar.isASCII { return "'\(Character(scalar))'" }
        return "'\(Character(scalar))' (\(code))"
    }

    /// Whether a scalar prints as nothing or as blank space (so quoting it would show nothing useful).
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0xA0, 0xAD, 0x1680, 0x2000...0x200F, 0x2028...0x202F, 0x205F...0x2064, 0x3000, 0xFEFF: return true
        default: return false
        }
    }

    /// At least four upper-case hexadecimal digits: 215 -> "00D7".
    static func hexDigits(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: Swift.max(0, 4 - digits.count)) + digits
    }
}
