// REPL: the interactive loop. GNU readline for line editing, history and tab completion.
//
// Prompts are `cnn> ` and, while brackets or a model block are open, `...> `. Ctrl-C abandons the line
// being typed (and a half-typed block) or stops a long computation, leaving every variable as it was;
// Ctrl-D on an empty line, `exit` or `quit` leaves. Each entry is saved to the history file before it runs.
import CNNScript
import CNNSession
import CReadline
import Glibc

/// The interactive read-eval-print loop.
struct REPL {
    let session: Session
    let console: Console

    /// Runs until end of input (Ctrl-D) or `exit`/`quit`.
    func run() {
        let history = HistoryFile(path: HistoryFile.defaultPath())
        history.load()
        Completion.install(session: session)
        Interrupts.installForPrompt()
        console.write("cnnrepl \(Version.string): type `help` for a tour, `help NAME` for one built-in, Ctrl-D to leave.\n", kind: .normal)

        var pending = ""
        while true {
            let prompt = pending.isEmpty ? "cnn> " : "...> "
            Interrupts.promptStarts()
            guard let bytes = LineEditor.read(prompt: prompt) else {
                Interrupts.noLineReturned()
                if pending.isEmpty {
                    console.write("\n", kind: .normal)
                    break
                }
                // Ctrl-D inside an open block abandons it.
                console.write("\n", kind: .normal)
                pending = ""
                continue
            }
            Interrupts.lineReturned()
            if Interrupts.takeLineAbandoned() {
                pending = ""
            }
            let line: String
            switch ScriptBytes.decode(bytes, name: nil) {
            case .success(let text):
                line = text
            case .failure(let invalid):
                // A line that is not UTF-8 (a terminal set to another encoding) is refused; the session goes on.
                console.write(invalid.rendered(color: console.color), kind: .error)
                pending = ""
                continue
            }
            pending += pending.isEmpty ? line : "\n" + line
            // Each entry is parsed once: the parse that finds it complete is the one that runs.
            let parsed = session.parse(entry: pending)
            if parsed.isIncomplete && Interrupts.takeEntryStop() {
                // Ctrl-C right after Enter on a line of an open block abandons the block, as at the prompt.
                pending = ""
                continue
            }
            if parsed.isIncomplete {
                // A bad line in an open model block is reported now and left out; the block stays open.
                if let report = session.openBlockError(entry: pending) {
                    console.write(report, kind: .error)
                    pending = pending.split(separator: "\n", omittingEmptySubsequences: false).dropLast().joined(separator: "\n")
                }
                continue
            }
            let entry = pending
            pending = ""
            let trimmed = entry.trimmingSpaces()
            if trimmed.isEmpty { continue }
            history.add(entry)
            history.save()
            if Vocabulary.exitWords.contains(trimmed) { break }
            _ = session.run(parsed, output: { console.write($0, kind: $1) })
            Interrupts.entryEnds()
        }
        history.save()
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

/// Thin wrapper over readline().
enum LineEditor {
    /// Shows `prompt` and returns the bytes of the line typed, or nil at end of input.
    static func read(prompt: String) -> [UInt8]? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let length = strlen(raw)
        return raw.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }
}
