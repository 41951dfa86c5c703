// RunRenderer: the text of `run NAME [x]`, a forward pass shown layer by layer.
//
// For each layer: its Keras name and shapes with the parameter arithmetic, how its weights were drawn
// (the Glorot limit instantiated), the step it performed written as the script would write it (so a
// learner can re-type it), the shape arithmetic and padding, the activation, and a short preview of the
// output (a corner of the first map, or the first values of a vector) with its range. Then the output
// and where the results are kept, with traces to try.
import CNNCore
import CNNScript

/// Renders a forward pass.
struct RunRenderer {
    let printer: TensorPrinter

    /// Rows and columns of a map shown in a preview.
    static let previewRows = 4
    /// Columns of a map (or values of a vector) shown in a preview.
    static let previewColumns = 8

    /// The lines of one run.
    func lines(_ run: ModelRun) -> [String] {
        let count = run.layers.count
        var out = ["run \(run.spec.name): \(count) layer\(count == 1 ? "" : "s") on \(run.inputVariable), \(run.input.shapeDescription) (\(run.inputOrigin))"]
        if let note = run.inputNote { out.append("  " + note) }
        if run.trained {
            out.append("  weights: the ones `train` learned for \(run.spec.name)")
        } else if let file = run.loadedFrom {
            out.append("  weights: the ones loaded from \(file) (float32 in the file, float64 here)")
        } else if run.layers.contains(where: { !$0.weights.isEmpty }) {
            out.append("  weights as in a new Keras model: kernels Glorot uniform in ±sqrt(6/(fan_in + fan_out)), biases 0")
        }
        out += previewLines(run.input, name: run.inputVariable)
        for layer in run.layers {
            out.append("")
            out += layerLines(layer, kept: run.trained ? "learned by train" : run.loadedFrom.map { "loaded from \($0)" })
        }
        out.append("")
        out += outputLines(run)
        return out
    }

    // MARK: - One layer

    /// `kept`: where the weights come from when they were not drawn ("learned by train"), nil when drawn.
    private func layerLines(_ layer: LayerRun, kept: String?) -> [String] {
        let analysis = layer.analysis
        var header = "layer \(analysis.index)  \(analysis.name) (\(analysis.spec.kerasClassName))   "
            + "\(Shape.describe(analysis.inputShape)) -> \(analysis.outputShapeDescription)"
        if analysis.parameters.value > 0 {
            header += "   params \(analysis.parameters.formula)"
        }
        var out = [header]
        out += kept.map { keptWeightLines(layer.weights, origin: $0) } ?? weightLines(layer.weights)
        out.append("  \(layer.variable) = \(layer.provenance.expression)")
        if let step = layer.mainStep {
            var line = "    " + StepSummaryText.text(step.summary)
            if !step.arithmetic.isEmpty { line += "   (\(step.arithmetic.joined(separator: "; ")))" }
            out.append(line)
            out += StepNotes.lines(for: step).map { "    " + $0 }
        }
        if let activation = layer.activation {
            let how = activation == .softmax ? "along the last axis" : "of every cell"
            var formula = Activation.formula(activation)
            if formula.hasSuffix(", along the last axis") { formula.removeLast(", along the last axis".count) }
            out.append("    then \(activation.rawValue) \(how): \(formula)")
        }
        if let note = layer.note { out.append("    (\(note))") }
        out += previewLines(layer.output, name: layer.variable)
        return out
    }

    /// "fm_1_kernel 3x3x1x8: learned by train", for a trained (or loaded) model's run.
    private func keptWeightLines(_ weights: [WeightDraw], origin: String) -> [String] {
        weights.map { "  \($0.variable) \(Shape.describe($0.shape)): \(origin)" }
    }

    private func weightLines(_ weights: [WeightDraw]) -> [String] {
        var out: [String] = []
        for weight in weights {
            let shape = Shape.describe(weight.shape)
            if let fill = weight.fill {
                out.append("  \(weight.variable) \(shape): " + (fill == 0 ? "zeros" : fill == 1 ? "ones" : "all \(Format.number(fill))"))
                continue
            }
            if weight.isBias {
                out.append("  \(weight.variable) \(shape): zeros")
                continue
            }
            let limit = Format.formatFixed(weight.limit, decimals: max(3, printer.precision))
            let fans = weight.fanIn + weight.fanOut
            out.append("  \(weight.variable) \(shape): uniform in ±\(limit), limit = sqrt(6/(\(weight.fanInText) + \(weight.fanOutText)))"
                       + " = sqrt(6/\(Format.count(fans))) = \(limit)")
        }
        return out
    }

    // MARK: - Previews

    /// "mnist_1  28x28x32, channel 0 of 32, rows 0..3, columns 0..7:" then the corner and the range.
    func previewLines(_ tensor: Tensor, name: String) -> [String] {
        let rows = RunRenderer.previewRows, cols = RunRenderer.previewColumns
        var out: [String] = []
        switch tensor.rank {
        case 1:
            let n = tensor.count
            let shown = n <= PrintLimits.full ? n : cols
            var cells = (0..<shown).map { printer.number(tensor.scalars[$0]) }
            if shown < n { cells.append("…") }
            let what = shown < n ? "the first \(shown) of \(Format.count(n)) values" : "\(n) value\(n == 1 ? "" : "s")"
            out.append("  \(name)  \(tensor.shapeDescription), \(what):")
            out.append("    " + aligned([cells]).joined())
        case 2, 3:
            let height = tensor.shape[0], width = tensor.shape[1]
            let channels = tensor.rank == 3 ? tensor.shape[2] : 1
            let shownRows = min(height, rows), shownCols = min(width, cols)
            var label = "\(name)  \(tensor.shapeDescription)"
            if channels > 1 { label += ", channel 0 of \(channels)" }
            if shownRows < height || shownCols < width {
                label += ", rows 0..\(shownRows - 1), columns 0..\(shownCols - 1)"
            }
            out.append("  \(label):")
            var grid: [[String]] = []
            for r in 0..<shownRows {
                var row: [String] = []
                for c in 0..<shownCols {
                    let index = tensor.rank == 3 ? [r, c, 0] : [r, c]
                    row.append(tensor.value(at: index).map(printer.number) ?? "?")
                }
                if shownCols < width { row.append("…") }
                grid.append(row)
            }
            if shownRows < height { grid.append(Array(repeating: "⋮", count: 1)) }
            out += aligned(grid).map { "    " + $0 }
        default:
            out.append("  \(name)  \(tensor.shapeDescription)")
        }
        out.append("    " + rangeText(tensor))
        return out
    }

    /// "min -0.41, max 0.52, mean 0.03; 40% are 0".
    private func rangeText(_ tensor: Tensor) -> String {
        guard let first = tensor.scalars.first else { return "(empty)" }
        var low = first, high = first, sum = 0.0, zeros = 0
        for x in tensor.scalars {
            low = min(low, x)
            high = max(high, x)
            sum += x
            if x == 0 { zeros += 1 }
        }
        var text = "min \(printer.number(low)), max \(printer.number(high)), mean \(printer.number(sum / Double(tensor.count)))"
        if zeros > 0 && zeros < tensor.count {
            let percent = (Double(zeros) * 100 / Double(tensor.count)).rounded()
            text += "; \(Format.number(percent))% are 0"
        }
        return text
    }

    /// Right-aligned cells, two spaces apart; all rows share one width (an elision mark "…" is not padded).
    private func aligned(_ grid: [[String]]) -> [String] {
        let width = grid.flatMap { $0 }.filter { $0 != "…" }.map(\.count).max() ?? 1
        return grid.map { row in
            row.map { $0 == "…" ? $0 : String(repeating: " ", count: max(0, width - $0.count)) + $0 }.joined(separator: "  ")
        }
    }

    // MARK: - The output

    private func outputLines(_ run: ModelRun) -> [String] {
        let output = run.output
        let source = run.layers.last?.variable ?? run.inputVariable
        var line = "output \(run.outputVariable) (the same as \(source)): \(output.shapeDescription)"
        var out: [String] = []
        if output.rank == 1, let best = largestIndex(output) {
            line += "; the largest is \(run.outputVariable)[\(best)] = \(printer.number(output.scalars[best]))"
            if run.layers.last?.activation == .softmax || run.layers.last?.analysis.spec == .activation(.softmax) {
                // Their sum is 1 up to the last bits (0.9999999999999999 would print as 1.00 one run and 1 the next).
                let sum = output.scalars.reduce(0, +)
                line += " (softmax: the \(output.count) values add up to \(abs(sum - 1) < 1e-9 ? "1" : printer.number(sum)))"
            }
            out.append(line)
            if let names = run.classNames, names.count == output.count {
                out.append("  the prediction: \(names[best]) (class \(best)), probability \(printer.number(output.scalars[best]))")
            } else if !run.trained, run.loadedFrom == nil, run.layers.contains(where: { !$0.weights.isEmpty }) {
                out.append("  (the weights are untrained, so this answer is still a guess)")
            }
        } else {
            out.append(line)
        }
        var stored = [run.inputIsRandom || run.inputNote != nil ? run.inputVariable : nil].compactMap { $0 }
        let outputs = run.layers.map(\.variable)
        if outputs.count > 3, let firstOutput = outputs.first, let lastOutput = outputs.last {
            stored.append("\(firstOutput) ... \(lastOutput)")
        } else {
            stored += outputs
        }
        stored.append(run.outputVariable)
        out.append("kept as variables: " + stored.joined(separator: ", "))
        let weighted = run.layers.filter { !$0.weights.isEmpty }.map { String($0.analysis.index) }
        if !weighted.isEmpty {
            let prefix = run.spec.name
            let which = weighted.count == 1 ? "layer \(weighted[0])" : "layers \(weighted.joined(separator: ", "))"
            out.append("  and the weights \(prefix)_K_kernel, \(prefix)_K_bias of \(which)")
        }
        if let example = traceExample(run) { out.append("try: \(example)") }
        return out
    }

    /// The index of the largest value (the first one on ties), nil for an empty tensor.
    private func largestIndex(_ tensor: Tensor) -> Int? {
        tensor.scalars.indices.max { tensor.scalars[$0] < tensor.scalars[$1] || (tensor.scalars[$0] == tensor.scalars[$1] && $0 > $1) }
    }

    /// A trace worth trying: the first cell of the first layer with weights that gives maps (a conv layer),
    /// and one output.
    private func traceExample(_ run: ModelRun) -> String? {
        var examples: [String] = []
        if let conv = run.layers.first(where: { !$0.weights.isEmpty && $0.output.rank == 3 }) {
            examples.append("trace \(conv.variable)[\(Array(repeating: "0", count: conv.output.rank).joined(separator: ", "))]")
        }
        if let last = run.layers.last, last.output.rank == 1, let best = largestIndex(last.output) {
            examples.append("trace \(run.outputVariable)[\(best)]")
        }
        return examples.isEmpty ? nil : examples.joined(separator: "   ")
    }
}
