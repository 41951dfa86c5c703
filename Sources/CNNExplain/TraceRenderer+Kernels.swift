// TraceRenderer+Kernels: the trace of one cell of the convolutions beyond conv: depthwise (one channel's
// convolution), convolve (conv with the flipped kernel), transposed (the scatter view and the convolution
// over the zero-inserted input, Dumoulin & Visin), separable (depthwise, then a dot product across channels)
// and batch normalization (one channel's formula with its numbers).
import CNNCore
import CNNScript

extension TraceRenderer {
    /// The lines for the explanations of the convolution family and batch norm.
    func kernelFamilyLines(_ explanation: CellExplanation, index: [Int], cell: String) -> [String] {
        switch explanation {
        case let .depthwise(trace, slice, input, channel, m, multiplier):
            let name = operandName(input)
            var lines = ["  depthwise: output channel \(index.last ?? 0) = input channel \(channel) alone, with kernel [:, :, \(channel), \(m)]"
                         + (multiplier > 1 ? " (multiplier \(multiplier): output channel = \(channel)*\(multiplier) + \(m))" : "")]
            lines += convolutionLines(trace, plan: trace.plan, inputName: "\(name) channel \(channel)", input: slice)
            return lines
        case let .flippedKernel(trace, input, kernel, flipped):
            var lines: [String] = []
            if flipped.rank == 2, let original = kernel.tensor {
                lines.append("  convolve turns \(operandName(kernel)) 180 degrees (rows and columns reversed), then slides it like conv:")
                lines += sideBySide([matrix(original), matrix(flipped)], separators: ["->"]).map { "    " + $0 }
            } else {
                lines.append("  convolve turns \(operandName(kernel)) 180 degrees (its rows and columns reversed), then slides it like conv")
            }
            lines += convolutionLines(trace, plan: trace.plan, inputName: operandName(input), input: input.tensor ?? flipped)
            return lines
        case let .transposed(scatter, convolution, expanded, plan, input, kernel):
            return transposedLines(scatter: scatter, convolution: convolution, expanded: expanded, plan: plan,
                                   inputName: operandName(input), kernelName: operandName(kernel), cell: cell)
        case let .separable(trace, input):
            let name = operandName(input)
            var lines = ["  1. depthwise: each channel of \(name) with its own kernel; channel 0:"]
            lines += convolutionLines(trace.firstChannel, plan: trace.firstChannel.plan, inputName: "\(name) channel 0", input: trace.firstSlice)
            let position = index.prefix(2).map(String.init).joined(separator: ", ")
            lines.append("  the depthwise values at [\(position)], one per channel (C*M = \(trace.depthwiseValues.count)): "
                         + list(trace.depthwiseValues))
            let terms = zip(trace.depthwiseValues, trace.pointwiseWeights).map { "\(printer.number($0))*\(printer.number($1))" }
            let shown = terms.count <= 8 ? terms : Array(terms.prefix(6)) + ["… (\(terms.count) terms)"]
            let products = zip(trace.depthwiseValues, trace.pointwiseWeights).reduce(0) { $0 + $1.0 * $1.1 }
            lines.append("  2. pointwise (1x1): \(cell) = depthwise values . pk[0, 0, :, \(trace.filter)]")
            lines.append("  = " + shown.joined(separator: " + ") + " = \(printer.number(products))")
            if let b = trace.bias { lines.append("  + bias \(printer.number(b)) = \(printer.number(trace.value))") }
            return lines
        case let .normalized(input, channel, x, gamma, beta, mean, variance, epsilon, value):
            let inputCell = "\(operandName(input))[\(index.map(String.init).joined(separator: ", "))]"
            let root = (variance + epsilon).squareRoot()
            return ["  channel \(channel): \(cell) = (x - mean)/sqrt(var + eps)*gamma + beta with x = \(inputCell)",
                    "  = (\(printer.number(x)) - \(printer.number(mean)))/sqrt(\(printer.number(variance)) + \(Format.number(epsilon)))"
                        + "*\(printer.number(gamma)) + \(printer.number(beta))",
                    "  = \(printer.number(x - mean))/\(printer.number(root))*\(printer.number(gamma)) + \(printer.number(beta))"
                        + " = \(printer.number((x - mean) / root))*\(printer.number(gamma)) + \(printer.number(beta)) = \(printer.number(value))"]
        default:
            return []
        }
    }

    /// Both views of a transposed convolution's cell.
    private func transposedLines(scatter: [TransposedConvolution.ScatterTerm], convolution: ConvolutionCellTrace, expanded: Tensor,
                                 plan: TransposedConvolution.Plan, inputName: String, kernelName: String, cell: String) -> [String] {
        let channelled = plan.inputShape.count == 3 || plan.kernelShape.count == 4
        let f = convolution.filter
        var lines = ["  view 1, scatter: input cell [i, j] adds its value times \(kernelName)[ky, kx] to output cell"
                     + " [i*\(plan.rows.stride) + ky - \(plan.rows.crop), j*\(plan.cols.stride) + kx - \(plan.cols.crop)]; onto \(cell) land:"]
        let texts = scatter.map { t -> String in
            let x = channelled ? "\(inputName)[\(t.inputRow), \(t.inputColumn), \(t.channel)]" : "\(inputName)[\(t.inputRow), \(t.inputColumn)]"
            let k = channelled ? "\(kernelName)[\(t.kernelRow), \(t.kernelColumn), \(f), \(t.channel)]" : "\(kernelName)[\(t.kernelRow), \(t.kernelColumn)]"
            return "    \(x) * \(k) = \(printer.number(t.inputValue)) * \(printer.number(t.weight)) = \(printer.number(t.product))"
        }
        if texts.isEmpty {
            lines.append("    no input cell: this output cell only gets the bias (or 0)")
        }
        lines += texts.count <= 12 ? texts : Array(texts.prefix(10)) + ["    … (\(texts.count) products)"]
        let products = scatter.map { printer.number($0.product) }
        lines.append("  " + SumText.line(label: "sum", terms: products.count <= 12 ? products : Array(products.prefix(6)),
                                         total: printer.number(scatter.reduce(0) { $0.addingProduct($1.inputValue, $1.weight) })))
        lines.append("  view 2, convolution: \(inputName) with zeros inserted and padded (\(Shape.describe(expanded.shape))), the kernel flipped:")
        lines += convolutionLines(convolution, plan: convolution.plan, inputName: "the zero-inserted \(inputName)", input: expanded)
        return lines
    }

    /// A 2-D tensor as right-aligned rows.
    private func matrix(_ t: Tensor) -> [String] {
        guard t.rank == 2 else { return [] }
        let texts = t.scalars.map(printer.number)
        let width = texts.map(\.count).max() ?? 1
        return (0..<t.shape[0]).map { r in
            (0..<t.shape[1]).map { c in
                let text = texts[r * t.shape[1] + c]
                return String(repeating: " ", count: width - text.count) + text
            }.joined(separator: "  ")
        }
    }

    /// "1.5, 2, -0.25" (at most 12 values, then "…").
    private func list(_ values: [Double]) -> String {
        let shown = values.prefix(12).map(printer.number).joined(separator: ", ")
        return values.count <= 12 ? shown : shown + ", … (\(values.count) values)"
    }
}
