// SummaryRenderer: a model's layers as a table laid out like Keras 3's model.summary(), with the arithmetic
// of every parameter count and the receptive field of every layer.
//
// Keras 3 (keras/src/utils/summary_utils.py, drawn by rich) prints `Model: "name"`, a boxed table with the
// columns "Layer (type)", "Output Shape" and a right-aligned "Param #", a rule between rows, and then
// " Total params: 1,625,866 (6.20 MB)", " Trainable params: ..." and " Non-trainable params: 0 (0.00 B)",
// the memory being 4 bytes per float32 weight. cnnrepl keeps that layout and those lines exactly, writes
// shapes per example as the learning material does (28x28x32, where Keras writes (None, 28, 28, 32)),
// and adds two columns: the parameter arithmetic and the receptive field (size / jump). A graph (named layers,
// add, concat) is summarised as Keras summarises a functional model: an InputLayer row first and a
// "Connected to" column naming the layers each layer takes.
import CNNCore
import CNNScript

/// Renders model declarations and summaries.
enum SummaryRenderer {
    /// The short confirmation after a `model ... end` block: the shape walk and the total.
    static func declaredLines(_ spec: ModelSpec, _ analysis: ModelAnalysis) -> [String] {
        if spec.isGraph {
            let merges = analysis.layers.filter { $0.inputs.count > 1 }.count
            let joins = merges == 0 ? "" : ", \(merges) join\(merges == 1 ? "" : "s")"
            return ["model \(spec.name): a graph of \(spec.layers.count) layer\(spec.layers.count == 1 ? "" : "s")\(joins), \(Format.count(analysis.totalParameters)) parameters",
                    "  \(Shape.describe(spec.inputShape)) -> ... -> \(Shape.describe(analysis.outputShape))",
                    "  (summary \(spec.name) shows the table, with what each layer is connected to)"]
        }
        let walk = ([Shape.describe(spec.inputShape)] + analysis.layers.map(\.outputShapeDescription)).joined(separator: " -> ")
        return ["model \(spec.name): \(spec.layers.count) layer\(spec.layers.count == 1 ? "" : "s"), \(Format.count(analysis.totalParameters)) parameters",
                "  " + walk,
                "  (summary \(spec.name) shows the table)"]
    }

    /// The column headers of the summary table.
    static let header = ["Layer (type)", "Output Shape", "Param #", "Arithmetic", "Receptive field"]

    /// The cells of one layer's row: name (type), output shape, count, arithmetic, receptive field.
    static func row(_ layer: LayerAnalysis) -> [String] {
        var arithmetic = ""
        let formula = layer.parameters.formula
        if layer.parameters.value > 0, let equals = formula.ranges(of: " = ").last {
            arithmetic = String(formula[..<equals.lowerBound])
        }
        let field = layer.receptiveField.map { "\($0.sizeDescription) / \($0.jumpDescription)" } ?? "-"
        return ["\(layer.name) (\(layer.spec.kerasClassName))", layer.outputShapeDescription,
                Format.count(layer.parameters.value), arithmetic, field]
    }

    /// The column headers of a graph's summary table: Keras' functional summary, then cnnrepl's columns.
    static let graphHeader = ["Layer (type)", "Output Shape", "Param #", "Connected to", "Arithmetic", "Receptive field"]

    /// The rows of a graph: the input layer, then each layer with the layers it takes ("conv2d[0][0]", as
    /// Keras writes node 0, tensor 0 of a layer).
    static func graphRows(_ spec: ModelSpec, _ analysis: ModelAnalysis) -> [[String]] {
        let names = ["input_layer"] + analysis.layers.map(\.name)
        let field = spec.inputShape.count == 3 ? "1x1 / 1" : "-"
        var rows = [["input_layer (InputLayer)", Shape.describe(spec.inputShape), "0", "-", "", field]]
        for layer in analysis.layers {
            var cells = row(layer)
            let sources = layer.inputs.map { ($0 >= 0 && $0 < names.count ? names[$0] : "?") + "[0][0]" }
            cells.insert(sources.joined(separator: ", "), at: 3)
            rows.append(cells)
        }
        return rows
    }

    /// The summary table and the totals.
    static func tableLines(_ spec: ModelSpec, _ analysis: ModelAnalysis) -> [String] {
        var lines = ["Model: \"\(spec.name)\"   (input \(Shape.describe(spec.inputShape)))"]
        if spec.isGraph {
            lines += BoxTable.render(header: graphHeader, rows: graphRows(spec, analysis), rightAligned: [2])
        } else {
            lines += BoxTable.render(header: header, rows: analysis.layers.map(row), rightAligned: [2])
        }
        lines.append(" Total params: \(analysis.totalDescription)")
        lines.append(" Trainable params: \(analysis.trainableDescription)")
        lines.append(" Non-trainable params: \(analysis.nonTrainableDescription)")
        lines.append("")
        if analysis.layers.count > 1 {
            lines.append(" total = \(analysis.total.formula)")
        }
        let bytes = analysis.totalParameters.multipliedReportingOverflow(by: 4)
        if !bytes.overflow {
            lines.append(" memory = \(Format.count(analysis.totalParameters)) weights x 4 bytes (float32) = \(Format.count(bytes.partialValue)) bytes"
                         + " = \(MemorySize.float32(parameters: analysis.totalParameters)) (dividing by 1,024 per unit, as Keras does)")
        }
        let example = analysis.layers.first?.outputShape ?? analysis.inputShape
        lines.append(" Output Shape is per example (Keras puts the batch first: \(Shape.describe(example)) is (None, \(example.map(String.init).joined(separator: ", "))));"
                     + " receptive field = size / jump in input pixels")
        if spec.isGraph {
            lines.append(" Connected to: the layers each layer takes, as Keras writes them (NAME[0][0]: the first output of NAME);"
                         + " where paths join, the receptive field covers all of them (the largest, when they are centred alike)")
        }
        if analysis.layers.contains(where: { $0.receptiveField?.hasFractionalJump == true }) {
            lines.append(" After upsampling the jump is a fraction (1/2: two neighbouring values per input pixel), and the size is the"
                         + " largest field of any value: neighbouring values can see fewer input pixels")
        }
        return lines
    }
}

/// A table drawn with box characters the way Keras 3's summary draws it: a heavy header, a light rule
/// between rows, one space of margin in every cell.
enum BoxTable {
    /// The lines of the table; columns in `rightAligned` are right-aligned (numbers), the rest left.
    static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        let columns = header.count
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < columns { widths[i] = max(widths[i], cell.count) }
        }
        func rule(_ left: String, _ fill: String, _ join: String, _ right: String) -> String {
            left + widths.map { String(repeating: fill, count: $0 + 2) }.joined(separator: join) + right
        }
        func line(_ cells: [String], bar: String) -> String {
            var parts: [String] = []
            for i in 0..<columns {
                let cell = i < cells.count ? cells[i] : ""
                let padding = String(repeating: " ", count: widths[i] - cell.count)
                parts.append(" " + (rightAligned.contains(i) ? padding + cell : cell + padding) + " ")
            }
            return bar + parts.joined(separator: bar) + bar
        }
        var lines = [rule("┏", "━", "┳", "┓"), line(header, bar: "┃"), rule("┡", "━", "╇", "┩")]
        for (i, row) in rows.enumerated() {
            if i > 0 { lines.append(rule("├", "─", "┼", "┤")) }
            lines.append(line(row, bar: "│"))
        }
        lines.append(rule("└", "─", "┴", "┘"))
        return lines
    }
}
