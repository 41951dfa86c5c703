// ExportCommand: `cnnrepl export LESSON --to ipynb|html|md [-o FILE]`. Runs the lesson in a fresh session
// (CNNSession's LessonDocument) and writes it as a notebook, a self-contained web page or Markdown, atomically.
// Without -o the file is the lesson's name with the format's extension, in the current folder; `-o -` writes
// to standard output. Exit status 1 when the lesson stopped at an error (the file still shows it).
import ArgumentParser
import CNNCore
import CNNSession
import Glibc

/// The `export` subcommand (dispatched by CNNRepl.main when the first argument is `export`).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnnrepl export",
        abstract: "Run a lesson and write it as a Jupyter notebook, a web page or Markdown.",
        discussion: """
            Narration becomes markdown cells or paragraphs, each statement a code cell with its outputs, and
            pictures are embedded. The web page is one file (no network, no scripts): matrices are shaded
            tables, a trace highlights the window and the kernel, and pointing at an output cell outlines
            what it reads. Example: cnnrepl export lessons/padding.cnn --to html -o padding.html
            """
    )

    @Argument(help: "The lesson, e.g. lessons/padding.cnn.")
    var lesson: String

    @Option(name: .customLong("to"), help: "The format: ipynb, html or md.")
    var format: String

    @Option(name: .short, help: "The file to write (default: the lesson's name with the format's extension, here; - for standard output).")
    var output: String?

    @Option(name: .long, help: "Seed of the random generator at start-up.")
    var seed: UInt64?

    mutating func run() throws {
        guard let chosen = ExportFormat(rawValue: format.lowercased()) else {
            throw ValidationError("--to must be one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")), not '\(format)'")
        }
        let source: String
        switch FileText.readBytes(path: lesson) {
        case .success(let bytes):
            switch ScriptBytes.decode(bytes, name: lesson) {
            case .success(let text): source = text
            case .failure(let invalid):
                fputs(invalid.rendered(color: false), stderr)
                throw ExitCode(1)
            }
        case .failure(let error):
            fputs(error.text, stderr)
            throw ExitCode(1)
        }
        var options = SessionOptions()
        if let seed { options.seed = seed }
        let session = Session(options: options)
        let document = session.export(source: source, fileName: lesson)
        let text = document.rendered(as: chosen)
        let base = (lesson.split(separator: "/").last.map(String.init) ?? lesson)
        let stem = base.hasSuffix(".cnn") ? String(base.dropLast(4)) : base
        let path = output ?? "\(stem).\(chosen.fileExtension)"
        if path == "-" {
            fputs(text, stdout)
            fflush(stdout)
        } else {
            do {
                try FileBytes.write(Array(text.utf8), path: path, what: "export")
            } catch let error as CoreError {
                fputs("cnnrepl: error: \(error.message)\n", stderr)
                throw ExitCode(1)
            }
            let codeCells = document.cells.filter { !$0.isNarration }.count
            print("wrote \(path): \(document.cells.count) cells (\(codeCells) with code) of \(lesson) as \(chosen.rawValue)")
        }
        if !document.completed {
            fputs("cnnrepl: \(lesson) stopped at an error; the export shows it\n", stderr)
            throw ExitCode(1)
        }
    }
}
