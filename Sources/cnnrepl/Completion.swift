// Completion: tab completion of built-ins, commands and variable names through readline.
import CNNSession
import CReadline
import Glibc

/// Connects readline's completion hooks to the session (`Session.completion(line:cursor:)`): the values of
/// an option after `option=`, else built-ins, commands and variables.
enum Completion {
    nonisolated(unsafe) private static var session: Session?
    nonisolated(unsafe) private static var matches: [String] = []
    nonisolated(unsafe) private static var nextMatch = 0
    /// Words end at spaces, brackets, commas, operators, `.` and `=` (readline's default keeps `,` and `)`
    /// in a word, so `conv(x,k` would complete "x,k").
    nonisolated(unsafe) private static let wordBreaks: UnsafeMutablePointer<CChar>? = strdup(" \t\n\"'`@$><=;|&{(,)[]+-*/:.")

    /// Installs the completion function.
    static func install(session: Session) {
        Completion.session = session
        rl_completer_word_break_characters = UnsafePointer(wordBreaks)
        rl_attempted_completion_function = { text, _, end in
            rl_attempted_completion_over = 1
            // The line up to the cursor, for the context of the word (which call, which option).
            let line = rl_line_buffer.map { buffer in
                String(decoding: UnsafeRawBufferPointer(start: buffer, count: Int(max(0, end))), as: UTF8.self)
            } ?? ""
            let found = Completion.session?.completion(line: line, cursor: line.unicodeScalars.count)
            Completion.matches = found?.matches ?? []
            rl_completion_append_character = found?.appendsSpace == false ? 0 : 32
            return rl_completion_matches(text) { _, state in
                if state == 0 { Completion.nextMatch = 0 }
                guard Completion.nextMatch < Completion.matches.count else { return nil }
                let word = Completion.matches[Completion.nextMatch]
                Completion.nextMatch += 1
                return strdup(word)
            }
        }
    }
}

/// SIGINT handling: at the prompt Ctrl-C abandons the line (and a half-typed block) and shows a fresh
/// `cnn> ` prompt; once Enter was pressed it asks the entry to stop (also before its first statement has
/// started: readline may still be returning the line), and a second Ctrl-C before it has stopped
/// leaves cnnrepl (for work that has no place to stop, such as making a huge tensor).
///
/// Readline's own SIGINT handling is switched off (`rl_catch_signals = 0`): it would echo `^C` and pass
/// the signal on, so the line was marked twice and the old `...> ` prompt stayed on screen.
enum Interrupts {
    /// True while readline is waiting for a line.
    nonisolated(unsafe) private static var atPrompt = false
    /// True from the moment readline returns a line until its entry has finished (after that and before
    /// the next prompt, Ctrl-C has nothing to stop).
    nonisolated(unsafe) private static var running = false
    nonisolated(unsafe) private static var lineAbandoned = false
    /// Ctrl-C came after Enter while readline was still returning the line: it is for that entry.
    nonisolated(unsafe) private static var interruptedAfterEnter = false
    nonisolated(unsafe) private static var stopRequested = false
    /// The prompt after Ctrl-C, made once so the handler does not allocate.
    nonisolated(unsafe) private static let freshPrompt: UnsafeMutablePointer<CChar>? = strdup("cnn> ")

    /// Installs the SIGINT handler.
    static func installForPrompt() {
        rl_catch_signals = 0
        // A parent may hand down SIGINT blocked (some wrappers block signals around their child); then
        // Ctrl-C would silently do nothing.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        sigprocmask(SIG_UNBLOCK, &interrupt, nil)
        signal(SIGINT) { _ in
            if Interrupts.atPrompt && rl_done != 0 {
                Interrupts.interruptedAfterEnter = true
                write(STDOUT_FILENO, "\n", 1)
            } else if Interrupts.atPrompt {
                Interrupts.lineAbandoned = true
                write(STDOUT_FILENO, "^C\n", 3)
                rl_replace_line("", 0)
                rl_set_prompt(Interrupts.freshPrompt)
                rl_on_new_line()
                rl_redisplay()
            } else if !Interrupts.running {
                return
            } else if Interrupts.stopRequested {
                write(STDOUT_FILENO, "\ncnnrepl: stopped\n", 19)
                _exit(130)
            } else {
                Interrupts.stopRequested = true
                write(STDOUT_FILENO, "\n", 1)
                Session.requestInterrupt()
            }
        }
    }

    /// Called just before readline waits for a line. Readline's "line accepted" mark (`rl_done`) is still set
    /// from the last line until readline starts: cleared here, a Ctrl-C in between counts as at the prompt. No
    /// entry runs from here on (also after one that was dropped instead of run).
    static func promptStarts() {
        rl_done = 0
        atPrompt = true
        running = false
        stopRequested = false
    }

    /// Called as soon as readline has returned a line: an older Ctrl-C is forgotten, and one from now on
    /// (or one pressed after Enter while readline was returning) asks this entry to stop.
    static func lineReturned() {
        Session.forgetInterrupt()
        stopRequested = false
        running = true  // before leaving the prompt, so that no moment takes Ctrl-C for neither
        atPrompt = false
        if interruptedAfterEnter {
            interruptedAfterEnter = false
            stopRequested = true
            Session.requestInterrupt()
        }
    }

    /// Whether Ctrl-C asked the entry being read to stop; forgets the request (for an entry that is dropped
    /// instead of run: a block still open).
    static func takeEntryStop() -> Bool {
        guard stopRequested else { return false }
        stopRequested = false
        Session.forgetInterrupt()
        return true
    }

    /// Called when readline returned no line (Ctrl-D).
    static func noLineReturned() {
        atPrompt = false
        interruptedAfterEnter = false
    }

    /// Called when an entry has finished.
    static func entryEnds() {
        running = false
    }

    /// Whether Ctrl-C abandoned the line since the last call (then a half-typed block is dropped too).
    static func takeLineAbandoned() -> Bool {
        defer { lineAbandoned = false }
        return lineAbandoned
    }
}
