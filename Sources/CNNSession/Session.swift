// Session: one REPL or script session, text in and text out. No terminal I/O happens here: the executable
// and the transcript tests both drive a Session and decide where its output goes.
import CNNCore
import CNNScript
import CNNExplain

/// The version of cnnrepl, shown by `--version` and the REPL banner.
public enum Version {
    /// The semantic version string.
    public static let string = "0.1.0"
}

/// Limits a session enforces on its input.
public enum SessionLimits {
    /// The largest script (file or standard input) accepted, in bytes.
    public static let maxScriptBytes = 1_000_000
}

/// Whether a piece of output is ordinary output or an error report.
public enum OutputKind: Sendable {
    /// Ordinary output (values, steps, explanations).
    case normal
    /// An error report (goes to standard error in the executable).
    case error
}

/// Settings a session starts with.
public struct SessionOptions: Sendable {
    /// Whether output may contain ANSI colour.
    public var color = false
    /// The random seed at start-up (nil: the default seed, so lessons are reproducible).
    public var seed: UInt64?
    /// Decimals shown for non-integral numbers.
    public var precision = 2

    /// Default options: no colour, default seed, 2 decimals.
    public init() {}
}

/// One interpreter session with its variables, settings and output rendering.
public final class Session {
    /// The options the session was started with.
    public let options: SessionOptions

    /// Creates a session.
    public init(options: SessionOptions) {
        self.options = options
    }

    /// Asks a running computation to stop at its next check (called from a signal handler).
    public static func requestInterrupt() {}

    /// Whether `source` is an unfinished entry (open brackets, an open model block) that needs more lines.
    public func isIncomplete(_ source: String) -> Bool { false }

    /// Names that start with `prefix`: built-ins, commands and variables, sorted.
    public func completions(prefix: String) -> [String] { [] }

    /// Runs one REPL entry. Returns false if it reported an error (the session goes on).
    public func runEntry(_ source: String, output: (String, OutputKind) -> Void) -> Bool {
        output(source + "\n", .normal)
        return true
    }

    /// Runs a whole script. With `echo`, each entry is printed as `cnn> …` (continuation lines `...> `) before
    /// its output and comment lines are printed as narration. Stops at the first error and returns false.
    public func runScript(_ source: String, fileName: String, echo: Bool,
                          output: (String, OutputKind) -> Void, afterEntry: () -> Void) -> Bool {
        output(source, .normal)
        return true
    }
}
