// ServeLoop: `cnnrepl --serve`, the machine protocol (docs/PROTOCOL.md) over standard input and output.
//
// One JSON request per line in, one JSON response per line out, flushed at once; the session (CNNSession's
// Server) lives until standard input ends. Ctrl-C (SIGINT) while a request runs asks its computation to
// stop: the response then reports the interruption as an error and every variable stays as it was. SIGINT
// between requests does nothing, so a client may send it late without harm (Jupyter signals the whole
// process group, and the kernel passes it on too).
import CNNSession
import Glibc

/// Reads requests from standard input until it ends.
enum ServeLoop {
    /// True while a request runs (the only time SIGINT asks for a stop).
    nonisolated(unsafe) private static var running = false

    /// Serves requests with `session` until end of input.
    static func run(session: Session) {
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        sigprocmask(SIG_UNBLOCK, &interrupt, nil)
        signal(SIGINT) { _ in
            if ServeLoop.running { Session.requestInterrupt() }
        }
        // A client that goes away mid-answer must not kill the session with SIGPIPE; the write just fails.
        signal(SIGPIPE, SIG_IGN)
        let server = Server(session: session)
        while let line = readLine(strippingNewline: true) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            Session.forgetInterrupt()
            running = true
            let answer = server.respond(toLine: line)
            running = false
            fputs(answer + "\n", stdout)
            fflush(stdout)
        }
    }
}
