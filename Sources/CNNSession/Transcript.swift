// Transcript: a recorded session as text, the golden tests' format.
//
// A transcript reads like a session: input lines start with `cnn> ` (continuation lines of a multi-line
// entry with `...> `), narration lines (comments of a lesson) start with `#`, and every other line is what
// cnnrepl printed. Replaying a transcript feeds its entries, in order, to a fresh session with REPL
// semantics (an error is reported and the session goes on) and compares the whole text.

/// One entry of a transcript: the input to replay.
public struct TranscriptEntry: Equatable, Sendable {
    /// The entry's text (several lines for continuations).
    public var text: String
    /// Whether it is a narration comment rather than code.
    public var isNarration: Bool
}

/// Parsing and replaying golden transcripts.
public enum Transcript {
    /// The prompt of a new entry.
    public static let prompt = "cnn> "
    /// The prompt of a continuation line.
    public static let continuation = "...> "

    /// The entries of a transcript, in order (output lines are skipped).
    public static func entries(of text: String) -> [TranscriptEntry] {
        var result: [TranscriptEntry] = []
        var lastWasCode = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(prompt) {
                result.append(TranscriptEntry(text: String(line.dropFirst(prompt.count)), isNarration: false))
                lastWasCode = true
            } else if line.hasPrefix(continuation), lastWasCode, let last = result.indices.last {
                result[last].text += "\n" + line.dropFirst(continuation.count)
            } else if line.hasPrefix("#") {
                result.append(TranscriptEntry(text: String(line), isNarration: true))
                lastWasCode = false
            } else {
                lastWasCode = false
            }
        }
        return result
    }

    /// Replays `text`'s entries through a fresh session (REPL semantics) and returns what it printed,
    /// echo included: for a correct transcript this equals `text`. `baseDirectory` is the folder that
    /// relative file names (load, save) resolve against, e.g. "lessons" for a lesson's transcript.
    public static func replay(_ text: String, options: SessionOptions = SessionOptions(),
                              baseDirectory: String? = nil) -> String {
        let session = Session(options: options)
        session.interpreter.workspace.baseDirectory = baseDirectory
        var output = ""
        let entries = entries(of: text).map { Entry(text: $0.text, firstLine: 1, isNarration: $0.isNarration) }
        _ = session.run(entries: entries, fileName: nil, echo: true, stopOnError: false,
                        output: { text, _ in output += text }, afterEntry: {})
        return output
    }
}
