// DiagnosticRenderer: turns diagnostics into the plain text a learner reads, with the source line and carets.
//
//     lessons/stride.cnn:4:5: error: conv: a 5x5 kernel does not fit a 4x4 input with valid padding
//       4 | y = conv(x, k)
//         |     ^^^^^^^^^^
//       hint: use padding=same or a smaller kernel
//
// - The first line is `FILE:LINE:COLUMN: error: MESSAGE`. Without a file name (REPL input) it is just
//   `error: MESSAGE`: the excerpt below shows the line number, and a one-line entry needs no location.
// - The excerpt shows every line of the range (a range over more than four lines shows its first two
//   lines, "...", and its last line); line numbers are right-aligned to the widest one shown.
// - Carets sit under the range, clamped to the line; an empty range (a point, like a missing ')') gets one
//   caret. Columns are converted to terminal cells: a tab expands to the next multiple of 4, East Asian
//   wide characters (Hangul, CJK) take two cells, combining marks none; control characters print as '?'.
// - Notes follow as `  note: ...` (with their own excerpt when they point somewhere), then the hint.
// - Colour is off unless asked for (no terminal detection here): red "error", yellow "warning", bold
//   message, green carets. Golden transcripts are recorded without colour.
// A diagnostic whose range lies outside the text (line 0, or past the last line) gets no excerpt and no
// line:column.
import CNNScript

/// Renders diagnostics as plain text with a source excerpt, carets, notes and hint.
public struct DiagnosticRenderer: Sendable {
    /// Whether to add ANSI colour codes.
    public var useColor: Bool
    /// How many cells a tab advances to (the next multiple of this).
    public static let tabWidth = 4
    /// Ranges over more lines than this are shown shortened.
    public static let maxExcerptLines = 4

    /// Creates a renderer, with colour off by default.
    public init(useColor: Bool = false) {
        self.useColor = useColor
    }

    /// Said in the REPL after an error on a line of a model block that is still open (the line is left out).
    public static let lineLeftOutOfOpenBlock = "  (that line was left out; the model block is still open: type it again, or end)\n"

    /// The text for one diagnostic about `source`, ending with a newline.
    public func render(_ diagnostic: Diagnostic, in source: SourceText) -> String {
        let range = diagnostic.range
        let hasPosition = range.start.line >= 1 && range.start.line <= source.lineCount
        var header = ""
        if let name = source.name {
            header = hasPosition ? "\(name):\(range.start.line):\(range.start.column): " : "\(name): "
        }
        let severity = diagnostic.severity.rawValue
        let label = useColor ? paint(severity, diagnostic.severity == .error ? "1;31" : "1;33") : severity
        let message = useColor ? paint(diagnostic.message, "1") : diagnostic.message
        var text = header + label + ": " + message + "\n"
        if hasPosition {
            text += excerpt(range, in: source)
        }
        for note in diagnostic.notes {
            text += "  note: " + note.message + "\n"
            if let noteRange = note.range, noteRange.start.line >= 1, noteRange.start.line <= source.lineCount {
                text += excerpt(noteRange, in: source)
            }
        }
        if let hint = diagnostic.hint {
            text += "  hint: " + hint + "\n"
        }
        return text
    }

    /// The text for several diagnostics, one after another.
    public func render(_ diagnostics: [Diagnostic], in source: SourceText) -> String {
        diagnostics.map { render($0, in: source) }.joined()
    }

    // MARK: - Excerpts

    /// The source lines of `range` with carets under the covered part.
    func excerpt(_ range: SourceRange, in source: SourceText) -> String {
        let first = range.start.line
        var last = min(max(range.end.line, first), source.lineCount)
        // A range that ends at column 1 of a later line covers nothing on that line.
        if last > first && range.end.column <= 1 { last -= 1 }
        var shown: [Int?] = Array(first...last)
        if shown.count > DiagnosticRenderer.maxExcerptLines {
            shown = [first, first + 1, nil, last]
        }
        let width = String(last).count
        let blankGutter = "  " + String(repeating: " ", count: width) + " |"
        var text = ""
        for entry in shown {
            guard let lineNumber = entry else {
                text += "  " + String(repeating: " ", count: width) + " | ...\n"
                continue
            }
            let scalars = source.lineScalars(lineNumber) ?? []
            let cells = DiagnosticRenderer.cells(of: scalars)
            let lineText = cells.map(\.text).joined()
            let label = String(lineNumber)
            let gutter = "  " + String(repeating: " ", count: width - label.count) + label + " |"
            text += lineText.isEmpty ? gutter + "\n" : gutter + " " + lineText + "\n"
            // Columns covered on this line (1-based, end exclusive), clamped to the line plus one place after
            // it. A line after the first is marked from its first non-blank character.
            let lineEnd = scalars.count + 1
            let indent = scalars.prefix(while: { $0 == " " || $0 == "\t" }).count
            let startColumn = lineNumber == first ? range.start.column : indent + 1
            let endColumn = lineNumber == range.end.line ? range.end.column : lineEnd
            let from = min(max(startColumn, 1), lineEnd)
            let to = min(max(endColumn, from), lineEnd)
            var padding = 0
            for cell in cells.prefix(from - 1) { padding += cell.width }
            var caretCount = 0
            for cell in cells.dropFirst(from - 1).prefix(to - from) { caretCount += cell.width }
            caretCount = max(caretCount, 1)
            let carets = String(repeating: "^", count: caretCount)
            text += blankGutter + " " + String(repeating: " ", count: padding)
                + (useColor ? paint(carets, "32") : carets) + "\n"
        }
        return text
    }

    /// How one source character is shown: its text and the terminal cells it takes.
    struct Cell {
        var text: String
        var width: Int
    }

    /// The cells of a line: tabs expanded, control characters replaced, wide characters two cells.
    static func cells(of scalars: ArraySlice<Unicode.Scalar>) -> [Cell] {
        var cells: [Cell] = []
        cells.reserveCapacity(scalars.count)
        var column = 0
        for scalar in scalars {
            let cell: Cell
            if scalar == "\t" {
                let width = tabWidth - column % tabWidth
                cell = Cell(text: String(repeating: " ", count: width), width: width)
            } else if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                cell = Cell(text: "?", width: 1)
            } else {
                cell = Cell(text: String(Character(scalar)), width: displayWidth(of: scalar))
            }
            column += cell.width
            cells.append(cell)
        }
        return cells
    }

    /// The terminal cells a printable scalar takes: 2 for East Asian wide characters, 0 for combining
    /// marks and zero-width characters, 1 otherwise (a small, dependency-free subset of wcwidth).
    static func displayWidth(of scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x0300...0x036F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE20...0xFE2F,
             0x200B...0x200F, 0xFE00...0xFE0F:
            return 0
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// `text` wrapped in an ANSI style and a reset.
    func paint(_ text: String, _ style: String) -> String {
        "\u{1B}[\(style)m\(text)\u{1B}[0m"
    }
}
