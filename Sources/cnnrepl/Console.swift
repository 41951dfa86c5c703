// Console: where a session's output goes. Normal output to standard output, errors to standard error.
import CNNSession
import Glibc

/// Writes session output to the process's standard streams.
struct Console {
    /// Whether ANSI colour may be used.
    let color: Bool

    /// Writes one piece of session output to the stream that fits its kind.
    func write(_ text: String, kind: OutputKind) {
        switch kind {
        case .normal:
            fputs(text, stdout)
            fflush(stdout)
        case .error:
            fflush(stdout)
            fputs(text, stderr)
            fflush(stderr)
        }
    }
}
