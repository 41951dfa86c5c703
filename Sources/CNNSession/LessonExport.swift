// LessonExport: runs a lesson and keeps it as cells, for `cnnrepl export` (notebooks, pages, Markdown).
//
// The lesson is split exactly as a run echoes it (Session.groups): a block of comment lines is a narration
// cell, a statement (with the lines it spans) a code cell. Each code cell keeps its outputs in order: the
// text a run prints (so a notebook's text equals the transcript), the pictures of `show`, `plot` and the
// pictures the statement saved, and, for a matrix or a convolution trace, an HTML fragment that a page
// shows instead of the text. The first error stops the lesson, as a run does, and is kept as an output.
import CNNCore
import CNNExplain
import CNNScript
import Foundation

/// One output of a code cell.
public enum LessonOutput: Sendable {
    /// Text as the REPL prints it; `html` is the same outcome as a table, for a page (nil: none).
    case text(String, html: String?)
    /// A picture: drawn by `show` or `plot`, or a file the statement saved (`path`).
    case picture(RenderedPicture, path: String?)
    /// An error report with its caret; `message` is its first line's message.
    case error(String, message: String)
}

/// A cell of an exported lesson.
public struct LessonCell: Sendable {
    /// Narration (comment lines) or code.
    public var isNarration: Bool
    /// The lines as written in the lesson (narration with its `#`).
    public var lines: [String]
    /// What the code printed and drew (empty for narration).
    public var outputs: [LessonOutput]
}

/// A lesson that was run: its cells, and whether it ran to its end.
public struct LessonDocument: Sendable {
    /// The lesson's file name as given.
    public var fileName: String
    /// The cells in order.
    public var cells: [LessonCell]
    /// False when an error stopped it (the error is the last output).
    public var completed: Bool

    /// The lesson's title: its first narration line without the `#`, or the file's name.
    public var title: String {
        if let first = cells.first(where: \.isNarration)?.lines.first {
            let title = LessonDocument.narrationText(first)
            if !title.isEmpty { return title }
        }
        return fileName.split(separator: "/").last.map(String.init) ?? fileName
    }

    /// A narration line without its `#` and the space after it.
    public static func narrationText(_ line: String) -> String {
        var text = Substring(line.drop { $0 == " " || $0 == "\t" })
        if text.hasPrefix("#") { text = text.dropFirst() }
        if text.hasPrefix(" ") { text = text.dropFirst() }
        return String(text)
    }
}

extension Session {
    /// Runs `source` (the lesson `fileName`) as a script and returns its cells. A syntax error anywhere
    /// stops it before it starts, as `cnnrepl FILE` does: the document then has one code cell with the error.
    public func export(source: String, fileName: String) -> LessonDocument {
        let text = SourceText(source, name: fileName)
        runStarted = false
        enterScriptWorkspace(fileName: fileName)
        defer { leaveScriptWorkspace() }
        let parsed = Parser.parse(text)
        if parsed.hasErrors || parsed.isIncomplete {
            let report = renderer.render(parsed.diagnostics, in: text)
            let message = parsed.diagnostics.first?.message ?? report
            return LessonDocument(fileName: fileName, cells: [LessonCell(isNarration: false, lines: [],
                                                                         outputs: [.error(report, message: message)])],
                                  completed: false)
        }
        var cells: [LessonCell] = []
        var fragments = 0
        for group in Session.groups(of: parsed) {
            if group.isNarration {
                cells.append(LessonCell(isNarration: true, lines: group.lines, outputs: []))
                continue
            }
            var outputs: [LessonOutput] = []
            var lastText: (index: Int, text: String)?
            var errorText = ""
            interpreter.picturesWritten = []
            observer = { [unowned self] event in
                switch event {
                case .outcome(let outcome):
                    if let last = lastText, let fragment = HTMLRenderer(precision: interpreter.output.precision)
                        .fragment(for: outcome, id: "c\(fragments)") {
                        fragments += 1
                        outputs[last.index] = .text(last.text, html: fragment)
                    }
                    lastText = nil
                    outputs += OutcomePictures.pictures(for: outcome).map { .picture($0, path: nil) }
                    outputs += savedPictures()
                case .diagnostics(let diagnostics, _):
                    outputs += savedPictures()
                    outputs.append(.error(errorText, message: diagnostics.first?.message ?? errorText))
                    errorText = ""
                case .failure(let message):
                    outputs.append(.error(errorText, message: message))
                    errorText = ""
                }
            }
            let ok = execute(parsed, statementsOnLines: group.range) { text, kind in
                switch kind {
                case .normal:
                    lastText = (outputs.count, text)
                    outputs.append(.text(text, html: nil))
                case .error:
                    errorText += text
                }
            }
            observer = nil
            cells.append(LessonCell(isNarration: false, lines: group.lines, outputs: outputs))
            if !ok { return LessonDocument(fileName: fileName, cells: cells, completed: false) }
        }
        return LessonDocument(fileName: fileName, cells: cells, completed: true)
    }

    /// The pictures the last statement saved, read back (PNG only; others are named by their path).
    private func savedPictures() -> [LessonOutput] {
        takeSavedPictures().compactMap { saved in saved.picture.map { .picture($0, path: saved.path) } }
    }

    /// The pictures statements saved since the last call, each with its PNG read back (nil for another kind
    /// of picture or a file that cannot be read); empties the interpreter's list.
    func takeSavedPictures() -> [(path: String, picture: RenderedPicture?)] {
        defer { interpreter.picturesWritten = [] }
        return interpreter.picturesWritten.map { path in
            let title = path.split(separator: "/").last.map(String.init) ?? path
            let bytes = FileManager.default.contents(atPath: path)
            return (path, bytes.flatMap { OutcomePictures.pngFile(bytes: [UInt8]($0), title: title) })
        }
    }
}
