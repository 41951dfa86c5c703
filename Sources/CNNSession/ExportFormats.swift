// ExportFormats: a run lesson (LessonDocument) as a Jupyter notebook, a self-contained HTML page or Markdown.
//
// - ipynb (nbformat 4.5, kernel "cnnrepl"): narration as markdown cells, each statement a code cell with its
//   outputs: text as a stdout stream, pictures as image/png display data, an error as an error output. Each
//   narration cell keeps its comment lines in metadata.cnnrepl.narration, so the lesson's transcript can be
//   rebuilt from the notebook (the notebook tests do).
// - html: HTMLPage's frame; matrices and convolution traces as tables (HTMLRenderer), pictures inline.
// - md: narration as paragraphs, statements and outputs as fenced blocks, pictures as data URIs.
import CNNExplain
import Foundation

/// The formats of `cnnrepl export`.
public enum ExportFormat: String, CaseIterable, Sendable {
    case ipynb, html, md

    /// The file name extension.
    public var fileExtension: String { rawValue }
}

extension LessonDocument {
    /// The document in `format`, as the text of a file.
    public func rendered(as format: ExportFormat) -> String {
        switch format {
        case .ipynb: return notebook()
        case .html: return page()
        case .md: return markdown()
        }
    }

    // MARK: - Notebook

    /// A Jupyter notebook (nbformat 4.5) with outputs.
    func notebook() -> String {
        var notebookCells: [[String: Any]] = []
        var count = 0
        for (index, cell) in cells(startingTitled: true).enumerated() {
            let id = "cell-\(index)"
            if cell.isNarration {
                notebookCells.append(["cell_type": "markdown", "id": id, "source": cell.markdown,
                              "metadata": ["cnnrepl": ["narration": cell.lines]]])
                continue
            }
            count += 1
            var outputs: [[String: Any]] = []
            for output in cell.outputs {
                switch output {
                case .text(let text, _):
                    outputs.append(["output_type": "stream", "name": "stdout", "text": text])
                case .picture(let picture, _):
                    outputs.append(["output_type": "display_data", "metadata": ["image/png": ["width": picture.width, "height": picture.height]],
                                    "data": ["image/png": Data(picture.png).base64EncodedString(), "text/plain": picture.title]])
                case .error(let text, let message):
                    outputs.append(["output_type": "error", "ename": "CnnreplError", "evalue": message,
                                    "traceback": text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)])
                }
            }
            notebookCells.append(["cell_type": "code", "id": id, "execution_count": count, "metadata": [String: Any](),
                          "source": cell.source.joined(separator: "\n"), "outputs": outputs])
        }
        let notebook: [String: Any] = [
            "nbformat": 4, "nbformat_minor": 5,
            "metadata": [
                "kernelspec": ["name": "cnnrepl", "display_name": "cnnrepl", "language": "cnnrepl"],
                "language_info": ["name": "cnnrepl", "file_extension": ".cnn", "mimetype": "text/x-cnnrepl"],
                "cnnrepl": ["lesson": fileName, "completed": completed],
            ],
            "cells": notebookCells,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: notebook, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: - HTML

    /// One self-contained page.
    func page() -> String {
        var body = ""
        for cell in cells(startingTitled: true) {
            if cell.isNarration {
                body += HTMLPage.narration(cell.lines.map(LessonDocument.narrationText), isTitle: cell.isTitle)
                continue
            }
            let outputs = cell.outputs.map { output -> String in
                switch output {
                case .text(let text, let html): return html ?? HTMLPage.text(text)
                case .picture(let picture, _):
                    return HTMLPage.picture(base64: Data(picture.png).base64EncodedString(), title: picture.title,
                                            width: picture.width, height: picture.height)
                case .error(let text, _): return HTMLPage.error(text)
                }
            }
            body += HTMLPage.code(cell.source, outputs: outputs)
        }
        return HTMLPage.page(title: title, body: body)
    }

    // MARK: - Markdown

    /// Markdown with fenced code and output blocks.
    func markdown() -> String {
        var text = ""
        for cell in cells(startingTitled: true) {
            if cell.isNarration {
                text += cell.markdown + "\n\n"
                continue
            }
            text += "```\n" + cell.source.joined(separator: "\n") + "\n```\n\n"
            for output in cell.outputs {
                switch output {
                case .text(let output, _):
                    text += "```text\n" + output + (output.hasSuffix("\n") ? "" : "\n") + "```\n\n"
                case .picture(let picture, _):
                    let alt = picture.title.replacingOccurrences(of: "]", with: "\\]")
                    text += "![\(alt)](data:image/png;base64,\(Data(picture.png).base64EncodedString()))\n\n"
                case .error(let output, _):
                    text += "```text\n" + output + (output.hasSuffix("\n") ? "" : "\n") + "```\n\n"
                }
            }
        }
        return text
    }

    // MARK: - Cells as the formats see them

    struct ExportCell {
        var isNarration: Bool
        var isTitle: Bool
        var lines: [String]
        var source: [String]
        var outputs: [LessonOutput]

        /// Narration as Markdown: the first line of the lesson a heading, Markdown's own characters escaped
        /// outside `code`, blank comment lines between paragraphs.
        var markdown: String {
            lines.enumerated().map { index, line in
                let text = LessonDocument.escapeMarkdown(LessonDocument.narrationText(line))
                return index == 0 && isTitle ? "# " + text : text
            }.joined(separator: "\n")
        }
    }

    /// The cells, the first narration line of the lesson marked as its title.
    func cells(startingTitled: Bool) -> [ExportCell] {
        cells.enumerated().map { index, cell in
            ExportCell(isNarration: cell.isNarration, isTitle: startingTitled && index == 0 && cell.isNarration,
                       lines: cell.lines, source: cell.lines, outputs: cell.outputs)
        }
    }

    /// `text` with the characters Markdown would act on escaped, except inside backquotes.
    static func escapeMarkdown(_ text: String) -> String {
        var out = "", inCode = false
        for character in text {
            if character == "`" { inCode.toggle() }
            if !inCode && "\\*_[]<>#|".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
