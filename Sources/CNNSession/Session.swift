// Session: one REPL or script session, text in and text out. No terminal I/O happens here: the executable
// and the transcript tests both drive a Session and decide where its output goes.
//
// A script is run in entries: an entry is what one REPL input would be (a line, or several lines when
// brackets or a model block stay open). With echo, each entry is printed as `cnn> line` (continuation
// lines `...> line`) before its output, and comment lines are printed as narration, with a blank line
// before a narration block that follows code. A script is parsed whole before anything runs, so a syntax
// error anywhere stops it before it starts (all syntax errors are reported).
import CNNCore
import CNNScript
import CNNExplain
import CNNCodegen

/// The version of cnnrepl, shown by `--version` and the REPL banner.
public enum Version {
    /// The semantic version string.
    public static let string = "0.1.0"
}

/// Limits a session enforces on its input.
public enum SessionLimits {
    /// The largest script (file or standard input) accepted, in bytes.
    public static let maxScriptBytes = SourceText.maxUTF8Count
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
    public var precision = OutputSettings.defaultPrecision
    /// The terminal's width in columns (`show` fits its heatmaps into it).
    public var width = 80
    /// Whether the terminal shows 24-bit colour (COLORTERM=truecolor or 24bit); otherwise 256 colours.
    public var trueColor = false
    /// Whether output goes to a terminal, so `train` may redraw a progress bar in place (else plain lines).
    public var liveProgress = false
    /// Folders a script may write in besides the folder cnnrepl runs in and its own (--allow-write).
    public var allowWrite: [String] = []
    /// Whether results may say how long they took (the REPL and scripts: yes; transcripts: no).
    public var showsTimes = false

    /// Default options: no colour, default seed, 2 decimals, 80 columns.
    public init() {}
}

/// One unit of input: a REPL entry, or a group of script lines run (and echoed) together.
public struct Entry: Sendable {
    /// The text of the entry (one or more lines).
    public var text: String
    /// The line of the script it starts on (1 in the REPL).
    public var firstLine: Int
    /// Whether it is a comment line shown as narration.
    public var isNarration: Bool

    /// Creates an entry.
    public init(text: String, firstLine: Int, isNarration: Bool) {
        self.text = text
        self.firstLine = firstLine
        self.isNarration = isNarration
    }
}

/// What a statement did, as data, for a `Session.observer`.
public enum SessionEvent {
    /// A statement ran and produced this outcome.
    case outcome(Outcome)
    /// The entry or statement failed with these diagnostics (in this source).
    case diagnostics([Diagnostic], SourceText)
    /// The statement failed with an error that is not a diagnostic (no source range).
    case failure(String)
}

/// One interpreter session with its variables, settings and output rendering.
public final class Session {
    /// The options the session was started with.
    public let options: SessionOptions
    /// The interpreter holding the session's variables.
    public let interpreter: Interpreter
    /// Told of each statement's result as data, right after its text was output (the `--serve` protocol
    /// and `export` turn outcomes into pictures and tables); nil: nobody listens.
    public var observer: ((SessionEvent) -> Void)?
    private var lastWasCode = false
    /// Whether a statement of the current entry or script has run (a Ctrl-C after it stops the rest).
    var runStarted = false

    /// Creates a session.
    public init(options: SessionOptions) {
        self.options = options
        self.interpreter = Interpreter(seed: options.seed, precision: options.precision)
        interpreter.output.liveProgress = options.liveProgress
        interpreter.output.showsTimes = options.showsTimes
        interpreter.codeGenerator = PythonCodeGenerator()
    }

    /// Asks a running computation to stop at its next check (called from a signal handler).
    public static func requestInterrupt() {
        Interruption.request()
    }

    /// Forgets a Ctrl-C left from an earlier entry (one that came after that entry's last check). A front end
    /// calls it when it starts taking Ctrl-C for a new entry: from then on a Ctrl-C stops that entry, also
    /// one that comes before its first statement starts (the entry is still being parsed or saved to the
    /// history, or the machine is busy).
    public static func forgetInterrupt() {
        Interruption.clear()
    }

    /// Parses one REPL entry as typed so far. When the result `isIncomplete` (open brackets, an open model
    /// block), the REPL reads another line; otherwise `run(_:output:)` runs it without parsing it again.
    public func parse(entry source: String) -> ParseResult {
        Parser.parse(SourceText(source, name: nil))
    }

    /// For an entry whose model block is still open (`parse(entry:)` said incomplete): the report of an error on
    /// its last line, which the REPL shows at once before leaving that line out; nil when the line is fine.
    public func openBlockError(entry source: String) -> String? {
        guard let (diagnostic, text) = OpenBlockCheck.lastLineError(source) else { return nil }
        return renderer.render(diagnostic, in: text) + DiagnosticRenderer.lineLeftOutOfOpenBlock
    }

    /// What Tab offers at `cursor` (Unicode scalars) in `line`: an option's values after `option=`, else
    /// the names of the language and the session's variables (Vocabulary.completion).
    public func completion(line: String, cursor: Int) -> Completion {
        Vocabulary.completion(line: line, cursor: cursor, names: interpreter.completionNames)
    }

    /// Names that start with `prefix`: built-ins, commands and variables, sorted.
    public func completions(prefix: String) -> [String] {
        interpreter.completionNames.filter { $0.hasPrefix(prefix) }
    }

    /// Runs one REPL entry. Returns false if it reported an error (the session goes on).
    public func runEntry(_ source: String, output: (String, OutputKind) -> Void) -> Bool {
        run(parse(entry: source), output: output)
    }

    /// Runs one parsed REPL entry (from `parse(entry:)`). Returns false if it reported an error.
    public func run(_ entry: ParseResult, output: (String, OutputKind) -> Void) -> Bool {
        runStarted = false
        return execute(entry, statementsOnLines: nil, output: output)
    }

    /// Runs a whole script. With `echo`, each entry is printed as `cnn> …` before its output and comment
    /// lines are printed as narration. Stops at the first error and returns false.
    public func runScript(_ source: String, fileName: String, echo: Bool,
                          output: (String, OutputKind) -> Void, afterEntry: () -> Void) -> Bool {
        let text = SourceText(source, name: fileName)
        runStarted = false
        enterScriptWorkspace(fileName: fileName)
        defer { leaveScriptWorkspace() }
        let parsed = Parser.parse(text)
        if parsed.hasErrors || parsed.isIncomplete {
            output(renderer.render(parsed.diagnostics, in: text), .error)
            observer?(.diagnostics(parsed.diagnostics, text))
            return false
        }
        if !echo {
            return execute(parsed, statementsOnLines: nil, output: output)
        }
        for group in Session.groups(of: parsed) {
            if group.isNarration {
                if lastWasCode { output("\n", .normal) }
                output(group.lines.joined(separator: "\n") + "\n", .normal)
                lastWasCode = false
                continue
            }
            output(Session.echo(group.lines), .normal)
            lastWasCode = true
            let ok = execute(parsed, statementsOnLines: group.range, output: output)
            if !ok { return false }
            afterEntry()
        }
        return true
    }

    /// Runs entries one by one as typed at the REPL (transcript replay): each echoed, errors reported,
    /// and, unless `stopOnError`, the session goes on after an error.
    public func run(entries: [Entry], fileName: String?, echo: Bool, stopOnError: Bool,
                    output: (String, OutputKind) -> Void, afterEntry: () -> Void) -> Bool {
        var allOK = true
        for entry in entries {
            if entry.isNarration {
                if echo {
                    if lastWasCode { output("\n", .normal) }
                    output(entry.text + "\n", .normal)
                }
                lastWasCode = false
                continue
            }
            if echo {
                output(Session.echo(entry.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)), .normal)
            }
            lastWasCode = true
            let ok = runEntry(entry.text, output: output)
            allOK = allOK && ok
            if !ok && stopOnError { return false }
            afterEntry()
        }
        return allOK
    }

    // MARK: - Running parsed statements

    var renderer: DiagnosticRenderer { DiagnosticRenderer(useColor: options.color) }

    /// While a script runs, its relative file names resolve against its folder, and it writes only in the
    /// folder cnnrepl runs in, its own folder and the --allow-write folders.
    func enterScriptWorkspace(fileName: String) {
        interpreter.workspace.baseDirectory = Session.directory(of: fileName)
        interpreter.workspace.writableFolders = ["."] + [Session.directory(of: fileName)].compactMap { $0 } + options.allowWrite
    }

    /// Back to the REPL's workspace after a script.
    func leaveScriptWorkspace() {
        interpreter.workspace.baseDirectory = nil
        interpreter.workspace.writableFolders = nil
    }

    /// Runs the parsed statements (those starting on `lines`, or all); false at the first error.
    func execute(_ parsed: ParseResult, statementsOnLines lines: ClosedRange<Int>?,
                         output: (String, OutputKind) -> Void) -> Bool {
        if parsed.hasErrors {
            output(renderer.render(parsed.diagnostics, in: parsed.source), .error)
            observer?(.diagnostics(parsed.diagnostics, parsed.source))
            return false
        }
        // Statements are in source order: start at the first one on `lines` (a binary search) and stop after
        // the last, so echoing a long script group by group stays linear, not quadratic.
        var first = 0
        if let lines {
            var high = parsed.statements.count
            while first < high {
                let middle = (first + high) / 2
                if parsed.statements[middle].range.start.line < lines.lowerBound { first = middle + 1 } else { high = middle }
            }
        }
        for statement in parsed.statements[first...] {
            if let lines {
                if statement.range.start.line > lines.upperBound { break }
                if !lines.contains(statement.range.start.line) { continue }
            }
            // Ctrl-C pressed before a statement starts stops it and the rest (a statement that was running
            // reports it itself). The front end forgot any older one when it started taking Ctrl-C for this entry.
            if Interruption.isRequested {
                let stopped = Diagnostic(runStarted ? "stopped before this statement: Ctrl-C was pressed; the statements before it ran"
                                                    : "stopped before this statement: Ctrl-C was pressed before it started; nothing was changed",
                                         at: statement.range, hint: nil)
                output(renderer.render(stopped, in: parsed.source), .error)
                observer?(.diagnostics([stopped], parsed.source))
                return false
            }
            runStarted = true
            do {
                // A long command (train) reports its progress through the same output while it runs.
                var progressText = ProgressText(live: interpreter.output.liveProgress)
                let outcome = try withoutActuallyEscaping(output) { emit in
                    interpreter.output.progress = { event in
                        if let text = progressText.text(event) { emit(text, .normal) }
                    }
                    defer { interpreter.output.progress = nil }
                    return try interpreter.execute(statement, in: parsed.source)
                }
                var outcomeRenderer = OutcomeRenderer(precision: interpreter.output.precision, color: options.color)
                outcomeRenderer.width = options.width
                outcomeRenderer.trueColor = options.trueColor
                output(outcomeRenderer.render(outcome), .normal)
                observer?(.outcome(outcome))
            } catch let diagnostic as Diagnostic {
                output(renderer.render(diagnostic, in: parsed.source), .error)
                observer?(.diagnostics([diagnostic], parsed.source))
                return false
            } catch {
                output("error: \(error)\n", .error)
                observer?(.failure("\(error)"))
                return false
            }
        }
        return true
    }

    /// The folder part of a script's file name ("lessons" for "lessons/padding.cnn"), nil for "<stdin>".
    static func directory(of fileName: String) -> String? {
        guard !fileName.hasPrefix("<"), let slash = fileName.lastIndex(of: "/") else { return nil }
        return String(fileName[..<slash])
    }

    /// `cnn> first line` and `...> more lines`.
    static func echo(_ lines: [String]) -> String {
        var text = ""
        for (i, line) in lines.enumerated() {
            text += (i == 0 ? Transcript.prompt : Transcript.continuation) + line + "\n"
        }
        return text
    }

    /// A group of script lines: narration (comment lines) or code (the lines its statements span).
    struct Group {
        var lines: [String]
        var range: ClosedRange<Int>
        var isNarration: Bool
    }

    /// Splits a parsed script into echo groups: each code group is a line plus the lines its statements
    /// run on to; consecutive comment-only lines form one narration group; blank lines separate nothing.
    static func groups(of parsed: ParseResult) -> [Group] {
        let source = parsed.source
        var endOfStatementStartingOn: [Int: Int] = [:]
        for statement in parsed.statements {
            let start = statement.range.start.line
            endOfStatementStartingOn[start] = max(endOfStatementStartingOn[start] ?? start, statement.range.end.line)
        }
        var groups: [Group] = []
        var line = 1
        while line <= source.lineCount {
            let text = source.line(line) ?? ""
            let trimmed = text.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("\r") {
                line += 1
                continue
            }
            if trimmed.hasPrefix("#") && endOfStatementStartingOn[line] == nil {
                if let last = groups.last, last.isNarration, last.range.upperBound == line - 1 {
                    groups[groups.count - 1].lines.append(text)
                    groups[groups.count - 1].range = last.range.lowerBound...line
                } else {
                    groups.append(Group(lines: [text], range: line...line, isNarration: true))
                }
                line += 1
                continue
            }
            var end = endOfStatementStartingOn[line] ?? line
            var probe = line + 1
            while probe <= end {
                if let further = endOfStatementStartingOn[probe] { end = max(end, further) }
                probe += 1
            }
            let lines = (line...end).map { source.line($0) ?? "" }
            groups.append(Group(lines: lines, range: line...end, isNarration: false))
            line = end + 1
        }
        return groups
    }
}
