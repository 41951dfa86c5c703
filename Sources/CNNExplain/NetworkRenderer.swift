// NetworkRenderer: `show NAME` after `run NAME x` in words and heatmaps: a heading per row (the input, each
// layer's output with its name and shape, the first layer's filters), its maps drawn by Heatmap, and the
// prediction with its class name when the model learned from a data set that names its classes.
import CNNCore
import CNNScript

/// Writes a NetworkView as text.
struct NetworkRenderer {
    /// Draws the maps.
    var heatmap: Heatmap
    /// Writes numbers.
    var printer: TensorPrinter

    /// The lines of the view.
    func lines(_ view: NetworkView) -> [String] {
        let layers = view.rows.filter { if case .layer = $0.kind { return true } else { return false } }.count
        var out = ["\(view.model), layer by layer: the input and the maps of its \(layers) layer\(layers == 1 ? "" : "s")"
                   + (view.trained ? " (learned weights)" : " (untrained weights: run it after train to see what it learned)")]
        for row in view.rows {
            out.append("")
            out.append(heading(row))
            out += heatmap.lines(row.request)
        }
        if view.output.rank == 1, view.output.count > 1 {
            out.append("")
            out += predictionLines(view)
        }
        return out
    }

    /// "layer 1  conv2d  fm_1  26x26x8: maps 0-7 of 8, one scale".
    private func heading(_ row: NetworkView.Row) -> String {
        let shape = Shape.describe(row.shape)
        let shown = row.request.maps.count
        switch row.kind {
        case .input:
            let colour = row.request.maps.first?.rgb != nil ? " (a colour picture: in colour on a colour terminal)" : ""
            return "input  \(row.variable)  \(shape)\(colour)"
        case .layer(let index):
            var text = "layer \(index)  \(row.name)  \(row.variable)  \(shape)"
            if row.shape.count == 3 {
                text += shown < row.total ? ": maps 0-\(shown - 1) of \(row.total)" : ": \(row.total) map\(row.total == 1 ? "" : "s")"
            } else if row.shape.count == 1 {
                let drawn = row.request.maps.first?.map.shape ?? [1, row.shape[0]]
                text += drawn[0] > 1 ? ": \(Format.count(row.shape[0])) values in \(drawn[0]) rows of \(drawn[1])" : ": one cell per value"
            }
            return text
        case .filters(let index):
            let first = row.shape.count == 4 && row.shape[2] > 1 ? ", for input channel 0" : ""
            return "filters of layer \(index)  \(row.variable)  \(shape): \(shown < row.total ? "filters 0-\(shown - 1) of \(row.total)" : "\(row.total) filters")\(first), what each map looks for"
        }
    }

    /// The best three outputs, named when the classes have names.
    private func predictionLines(_ view: NetworkView) -> [String] {
        let values = view.output.scalars
        let order = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
        let names = view.classNames.flatMap { $0.count == values.count ? $0 : nil }
        func label(_ i: Int) -> String { names.map { "\($0[i]) (class \(i))" } ?? "class \(i)" }
        guard let best = order.first else { return [] }
        var out = ["prediction: \(label(best)), \(printer.number(values[best]))"]
        let next = order.dropFirst().prefix(2).map { "\(label($0)) \(printer.number(values[$0]))" }
        if !next.isEmpty { out.append("  then " + next.joined(separator: ", ")) }
        if !view.trained { out.append("  (the weights are untrained, so this answer is still a guess)") }
        return out
    }
}
