// Completion: tab completion of built-ins, commands and variable names through readline.
import CNNSession
import CReadline
import Glibc

/// Connects readline's completion hooks to the session's list of names.
enum Completion {
    nonisolated(unsafe) private static var session: Session?
    nonisolated(unsafe) private static var matches: [String] = []
    nonisolated(unsafe) private static var nextMatch = 0

    /// Installs the completion function; names come from `session.completions(prefix:)`.
    static func install(session: Session) {
        Completion.session = session
        rl_attempted_completion_function = { text, _, _ in
            rl_attempted_completion_over = 1
            return rl_completion_matches(text) { text, state in
                if state == 0 {
                    let prefix = text.map { String(cString: $0) } ?? ""
                    Completion.matches = Completion.session?.completions(prefix: prefix) ?? []
                    Completion.nextMatch = 0
                }
                guard Completion.nextMatch < Completion.matches.count else { return nil }
                let word = Completion.matches[Completion.nextMatch]
                Completion.nextMatch += 1
                return strdup(word)
            }
        }
    }
}

/// SIGINT handling: at the prompt Ctrl-C abandons the line; during a computation it asks it to stop.
enum Interrupts {
    /// True while readline is waiting for a line.
    nonisolated(unsafe) static var atPrompt = false
    nonisolated(unsafe) private static var lineAbandoned = false

    /// Installs the SIGINT handler.
    static func installForPrompt() {
        signal(SIGINT) { _ in
            if Interrupts.atPrompt {
                Interrupts.lineAbandoned = true
                write(STDOUT_FILENO, "^C\n", 3)
                rl_on_new_line()
                rl_replace_line("", 0)
                rl_redisplay()
            } else {
                write(STDOUT_FILENO, "\n", 1)
                Session.requestInterrupt()
            }
        }
    }

    /// Whether Ctrl-C abandoned the line since the last call (then a half-typed block is dropped too).
    static func takeLineAbandoned() -> Bool {
        defer { lineAbandoned = false }
        return lineAbandoned
    }
}
