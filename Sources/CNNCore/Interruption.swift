// Interruption: how a long computation learns that the user pressed Ctrl-C.
//
// The REPL's signal handler calls `Interruption.request()`; long loops (convolution, pooling, matrix
// products) call `Interruption.check(_:)` every so often (once per output row or block, so the cost is
// invisible) and stop with a CoreError. The session clears the request before each statement, so an
// interrupted statement leaves every variable as it was.
import Synchronization

/// A process-wide "please stop" flag, safe to set from a signal handler.
public enum Interruption {
    private static let flag = Atomic<Bool>(false)

    /// Asks running computations to stop at their next check (async-signal-safe: one atomic store).
    public static func request() {
        flag.store(true, ordering: .relaxed)
    }

    /// Forgets an earlier request (called before each statement).
    public static func clear() {
        flag.store(false, ordering: .relaxed)
    }

    /// Whether a stop was requested.
    public static var isRequested: Bool {
        flag.load(ordering: .relaxed)
    }

    /// Throws if a stop was requested; `operation` names what was interrupted.
    public static func check(_ operation: String) throws {
        if flag.load(ordering: .relaxed) {
            throw CoreError("\(operation): interrupted (Ctrl-C); nothing was changed")
        }
    }
}
