// cnnrepl: the executable. Parses the command line and hands over to the REPL or the script runner.
//
// This file only wires things together: the language lives in CNNScript, rendering in CNNExplain, and one
// session (text in, text out) in CNNSession. Exit status: 0 on success, 1 on any error in a script.
import ArgumentParser
import CNNCore
import CNNSession
import Glibc

/// The `cnnrepl` command: run a lesson or script, evaluate code, or start the interactive REPL.
@main
struct CNNRepl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnnrepl",
        abstract: "An educational, step-by-step interpreter for convolutional neural networks.",
        discussion: """
            With no FILE and a terminal on standard input, starts the REPL (type `help`).
            `cnnrepl export LESSON --to ipynb|html|md [-o FILE]` writes a lesson as a notebook, a web page or
            Markdown (cnnrepl export --help); --serve speaks JSON lines for editors and Jupyter (docs/PROTOCOL.md).
            With a FILE (e.g. lessons/padding.cnn), runs it statement by statement, echoing each one as
            `cnn> statement` followed by its output. Standard input that is not a terminal is read as a script.
            """,
        version: CNNSession.Version.string
    )

    @Argument(help: "A script to run, e.g. lessons/padding.cnn.")
    var file: String?

    @Option(name: [.short, .customLong("eval")], help: "Run CODE (after FILE, if given) and exit.")
    var eval: [String] = []

    @Flag(name: .long, help: "Pause after each statement of a script until Enter is pressed.")
    var step = false

    @Flag(name: .long, help: "Speak the machine protocol on standard input and output: one JSON request per line, one JSON answer per line (docs/PROTOCOL.md).")
    var serve = false

    @Flag(name: .customLong("no-color"), help: "Plain text without colour (also when NO_COLOR is set).")
    var noColor = false

    @Option(name: .long, help: "Seed of the random generator at start-up.")
    var seed: UInt64?

    @Option(name: .customLong("max-elements"), help: "The most elements one tensor may hold (default 100000000; `limits` shows all limits).")
    var maxElements: Int?

    @Option(name: .customLong("allow-write"), help: "A folder a script may also write files in (besides the current folder and the script's own); may be repeated.")
    var allowWrite: [String] = []

    @Option(name: .customLong("max-memory"), help: "The most memory all tensors of the session may hold, e.g. 4GB or 500MB (default 2GB).")
    var maxMemory: String?

    /// Runs `cnnrepl export ...` or the root command.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "export" {
            runAndExit(ExportCommand.self) { try ExportCommand.parse(Array(arguments.dropFirst())) }
        }
        runAndExit(CNNRepl.self) { try parseAsRoot() }
    }

    /// Parses and runs a command, then exits: 0 on success (also for --help and --version), 1 on any
    /// error, a mistyped option included (ArgumentParser alone would use 64 for those).
    static func runAndExit<Command: ParsableCommand>(_ type: Command.Type, _ parse: () throws -> any ParsableCommand) -> Never {
        do {
            var command = try parse()
            try command.run()
            Glibc.exit(0)
        } catch {
            if Command.exitCode(for: error) == .success { Command.exit(withError: error) }
            let message = Command.fullMessage(for: error)
            if !message.isEmpty {
                fflush(stdout)
                fputs(message + "\n", stderr)
            }
            Glibc.exit(1)
        }
    }

    /// The session's limits from --max-elements and --max-memory, checked against their ranges.
    func startLimits() throws -> ResourceLimits {
        var limits = ResourceLimits.defaults
        if let maxElements {
            guard (Limits.smallestElementLimit...Limits.largestElementLimit).contains(maxElements) else {
                throw ValidationError("--max-elements must be from \(Limits.smallestElementLimit) to \(Format.count(Limits.largestElementLimit)), not \(maxElements)")
            }
            limits.maxElements = maxElements
        }
        if let maxMemory {
            guard let bytes = Limits.parseBytes(maxMemory),
                  (Limits.smallestMemoryLimit...Limits.largestMemoryLimit).contains(bytes) else {
                let why = Limits.largestMemoryLimitReason
                throw ValidationError("--max-memory must be a size from 1MB to \(String(Limits.bytesText(Limits.largestMemoryLimit).filter { $0 != " " })) such as 4GB or 500MB, not '\(maxMemory)'\(why.isEmpty ? "" : " (\(why))")")
            }
            limits.maxMemoryBytes = bytes
        }
        return limits
    }

    mutating func run() throws {
        if serve {
            guard file == nil, eval.isEmpty, !step else {
                throw ValidationError("--serve reads its code from requests: give no FILE, -e or --step with it")
            }
            // Output for a machine: no colour, no timings, no progress redrawn in place, the default width.
            var options = SessionOptions()
            if let seed { options.seed = seed }
            options.allowWrite = allowWrite
            let session = Session(options: options)
            session.interpreter.limits = try startLimits()
            ServeLoop.run(session: session)
            return
        }
        let stdinIsTerminal = isatty(STDIN_FILENO) == 1
        let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
        let colorWanted = !noColor && stdoutIsTerminal && Terminal.colorAllowedByEnvironment()
        var options = SessionOptions()
        options.color = colorWanted
        // `show` fits heatmaps to the terminal and uses 24-bit colour where the terminal says it has it.
        if stdoutIsTerminal { options.width = Terminal.width() }
        options.liveProgress = stdoutIsTerminal
        options.showsTimes = stdoutIsTerminal  // a script's output stays the same from run to run
        let colorTerm = getenv("COLORTERM").map { String(cString: $0) } ?? ""
        options.trueColor = colorTerm == "truecolor" || colorTerm == "24bit"
        if let seed { options.seed = seed }
        options.allowWrite = allowWrite
        let session = Session(options: options)
        session.interpreter.limits = try startLimits()
        let console = Console(color: colorWanted)

        var ok = true
        if let file {
            let runner = ScriptRunner(session: session, console: console, pauseAfterEachEntry: step)
            ok = runner.runFile(path: file)
            if !ok { throw ExitCode(1) }
        }
        for code in eval {
            let runner = ScriptRunner(session: session, console: console, pauseAfterEachEntry: false)
            ok = runner.run(source: code, fileName: "<eval>", echo: false)
            if !ok { throw ExitCode(1) }
        }
        if file != nil || !eval.isEmpty { return }

        if stdinIsTerminal {
            REPL(session: session, console: console).run()
        } else {
            let runner = ScriptRunner(session: session, console: console, pauseAfterEachEntry: false)
            switch StandardInput.readAll() {
            case .success(let bytes):
                ok = runner.run(bytes: bytes, fileName: "<stdin>", echo: false)
            case .failure(let error):
                console.write(error.text, kind: .error)
                ok = false
            }
            if !ok { throw ExitCode(1) }
        }
    }
}
