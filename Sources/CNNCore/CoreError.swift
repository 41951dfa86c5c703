// CoreError: the one error type of the numeric core.
//
// Every operation that can be handed bad input (mismatched shapes, a kernel larger than its input,
// a zero stride, a size whose element count overflows) throws a CoreError instead of trapping. The
// message is written for a learner: it says what was wrong in the terms of the operation, and the
// optional hint says what to do about it. A message may quote what the user typed or a file held (a path,
// a header field); control characters in it are shown escaped (Format.visible), so an error can never
// drive the terminal (clear the screen, set the title).

/// An error raised by the numeric core, with a message a learner can act on.
public struct CoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, e.g. "conv: a 5x5 kernel does not fit a 3x3 input with valid padding".
    public var message: String
    /// What to do about it, e.g. "use padding=same or a smaller kernel"; nil when nothing useful can be said.
    public var hint: String?

    /// Creates an error with a message and an optional hint.
    public init(_ message: String, hint: String? = nil) {
        self.message = Format.visible(message)
        self.hint = hint.map(Format.visible)
    }

    public var description: String {
        if let hint { return "\(message); \(hint)" }
        return message
    }
}
