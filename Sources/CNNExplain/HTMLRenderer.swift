// HTMLRenderer: outcomes as HTML fragments, for exported lesson pages and (optionally) Jupyter.
//
// A matrix becomes a real table (a caption, row and column headers) with each cell shaded like the
// heatmap (viridis from the smallest value to the largest) and its number written in it, so the colour
// never carries the meaning alone; an H x W x C stack becomes one table per channel. A `trace` of a
// convolution or pooling becomes tables too (HTMLRenderer+Trace.swift). Outcomes without a fragment (help,
// summaries, ...) are left to their text.
import CNNCore
import CNNScript

/// Renders outcomes as HTML fragments (no side effects; the page around them is the caller's).
public struct HTMLRenderer: Sendable {
    /// How numbers are printed (as in the text).
    public var printer: TensorPrinter
    /// Tables larger than this on a side are left to the text.
    public static let maxSide = 32
    /// Stacks with more channels than this are left to the text.
    public static let maxChannels = 8

    /// Creates a renderer printing numbers with `precision` decimals.
    public init(precision: Int = 2) {
        printer = TensorPrinter(precision: precision)
    }

    /// `text` with &, <, >, " and ' written as entities.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The fragment for `outcome`, or nil when its text (in a `<pre>`) is the best way to show it.
    /// `id` makes the fragment's class names unique on the page (several traces on one page).
    public func fragment(for outcome: Outcome, id: String) -> String? {
        switch outcome {
        case .assigned(let name, .tensor(let tensor), let provenance, let source):
            return matrixFragment(tensor, provenance: provenance, source: source, name: name)
        case .value(.tensor(let tensor), let provenance, let source):
            return matrixFragment(tensor, provenance: provenance, source: source, name: nil)
        case .trace(let name, let index, let variable, let fieldArithmetic):
            return traceFragment(name: name, index: index, variable: variable, fieldArithmetic: fieldArithmetic, id: id)
        default:
            return nil
        }
    }

    // MARK: - Matrices

    /// The header lines (as in the text) and a shaded table, for an H x W tensor small enough to read.
    func matrixFragment(_ tensor: Tensor, provenance: Provenance?, source: String, name: String?) -> String? {
        let maps: [(Tensor, String)]
        let label = name ?? source
        if fits(tensor) {
            maps = [(tensor, label + ", " + tensor.shapeDescription)]
        } else if tensor.rank == 3, (1...HTMLRenderer.maxChannels).contains(tensor.shape[2]),
                  let first = HTMLRenderer.channel(tensor, 0), fits(first) {
            // H x W x C: one table per channel, each with its own shading, as `show` draws a stack.
            maps = (0..<tensor.shape[2]).compactMap { channel in
                HTMLRenderer.channel(tensor, channel).map { ($0, "\(label)[:, :, \(channel)], \($0.shapeDescription)") }
            }
        } else {
            return nil
        }
        let text = OutcomeRenderer(precision: printer.precision)
        var header = [text.header(source: source, tensor: tensor, provenance: provenance)]
        if let step = provenance?.step { header += StepNotes.lines(for: step).map { "  " + $0 } }
        return "<pre class=\"head\">" + HTMLRenderer.escape(header.joined(separator: "\n")) + "</pre>\n"
            + maps.map { table($0.0, caption: $0.1) }.joined()
    }

    /// Channel `channel` of an H x W x C stack, as H x W.
    static func channel(_ tensor: Tensor, _ channel: Int) -> Tensor? {
        guard tensor.rank == 3, channel < tensor.shape[2] else { return nil }
        let depth = tensor.shape[2]
        let values = stride(from: channel, to: tensor.count, by: depth).map { tensor.scalars[$0] }
        return try? Tensor(shape: [tensor.shape[0], tensor.shape[1]], scalars: values)
    }

    /// Whether `tensor` is a matrix small enough for a table.
    func fits(_ tensor: Tensor) -> Bool {
        tensor.rank == 2 && tensor.shape[0] >= 1 && tensor.shape[1] >= 1
            && tensor.shape[0] <= HTMLRenderer.maxSide && tensor.shape[1] <= HTMLRenderer.maxSide
    }

    /// What one cell of a table carries besides its number.
    struct CellMarks {
        var classes: [String] = []
        var attributes: [String] = []
        var tap: Int?
        /// Words for a screen reader after the number (what a frame or colour shows).
        var note: String?
    }

    /// A shaded table of an H x W tensor with row and column headers; `marks` adds classes and labels.
    func table(_ tensor: Tensor, caption: String, tableClass: String = "matrix",
               marks: (Int, Int) -> CellMarks = { _, _ in CellMarks() }) -> String {
        let rows = tensor.shape[0], columns = tensor.shape[1]
        let format: (Double) -> String = tensor.isIntegral ? { [printer] in printer.number($0) } : printer.formatter(for: tensor.scalars)
        let finite = tensor.scalars.filter(\.isFinite)
        let low = finite.min() ?? 0, high = finite.max() ?? 0
        let size = columns > 12 ? " wide" : ""
        var html = "<div class=\"tablewrap\"><table class=\"\(tableClass)\(size)\">\n<caption>\(HTMLRenderer.escape(caption))</caption>\n"
        html += "<thead><tr><th scope=\"col\"><span class=\"sr\">row \\ column</span></th>"
        for column in 0..<columns { html += "<th scope=\"col\">\(column)</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for row in 0..<rows {
            html += "<tr><th scope=\"row\">\(row)</th>"
            for column in 0..<columns {
                let value = tensor.scalars[row * columns + column]
                let position = high > low ? (value - low) / (high - low) : 0.5
                let color = value.isFinite ? HeatmapPalette.color(position, .viridis) : HeatmapPalette.missing
                let dark = 0.299 * Double(color.red) + 0.587 * Double(color.green) + 0.114 * Double(color.blue) < 140
                let mark = marks(row, column)
                let classes = ([dark ? "d" : "l"] + mark.classes).joined(separator: " ")
                let attributes = mark.attributes.isEmpty ? "" : " " + mark.attributes.joined(separator: " ")
                let note = mark.note.map { "<span class=\"sr\"> \(HTMLRenderer.escape($0))</span>" } ?? ""
                let tap = mark.tap.map { "<sup class=\"tap\"><span class=\"sr\">, tap </span>\($0)</sup>" } ?? ""
                html += "<td class=\"\(classes)\" style=\"background:rgb(\(color.red),\(color.green),\(color.blue))\"\(attributes)>"
                html += HTMLRenderer.escape(format(value)) + tap + note + "</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table></div>\n"
    }
}

/// The English of the HTML fragments.
enum ExplainText {
    /// Ten tap colours, repeated for larger kernels (the tap's number tells them apart).
    static func tapColorClass(_ tap: Int) -> Int { (tap - 1) % 10 }

    static func receptiveField(input: String, rows: ClosedRange<Int>, columns: ClosedRange<Int>) -> String {
        "reads \(input) rows \(rows.lowerBound) to \(rows.upperBound), columns \(columns.lowerBound) to \(columns.upperBound)"
    }

    static let onlyPadding = "reads only padding zeros"

    static let traced = "(the traced cell)"

    static func windowCaption(input: String, output: String, index: [Int], byTap: Bool) -> String {
        "\(input): the window of \(output)[\(index.map(String.init).joined(separator: ", "))], numbered "
            + (byTap ? "by kernel tap" : "row by row")
    }

    static func kernelCaption(kernel: String) -> String {
        "\(kernel): the kernel, its taps numbered row by row"
    }

    static func outputCaption(output: String, index: [Int]) -> String {
        "\(output): \(output)[\(index.map(String.init).joined(separator: ", "))] traced (framed); point at a cell to outline what it reads"
    }

    static func convolutionLegend(taps: Int) -> String {
        "Each window cell and the kernel weight it is multiplied by carry the same number (1 to \(taps)) and the same colour; taps that fall on padding zeros add nothing and are not drawn in the input."
    }

    static func poolingLegend(cells: Int) -> String {
        "The window's cells are numbered 1 to \(cells) row by row; cells that fall on padding are not drawn in the input."
    }

    static func winner(smallest: Bool) -> String {
        smallest ? "(the smallest: the result)" : "(the largest: the result)"
    }
}
