// StepNotes: the sentences under a step header that say what the arithmetic alone does not, such as how
// much zero padding was added on each side and why.
import CNNCore
import CNNScript

/// Explanatory lines for a step.
enum StepNotes {
    /// The notes for `step` (none for most operations).
    static func lines(for step: Step) -> [String] {
        switch step.operation.headerNote {
        case .convolutionPadding(let plan)?:
            return convolutionPadding(plan)
        case .poolingPadding(let plan, let smallestWins)?:
            guard !plan.padding.isZero else { return [] }
            let picks = plan.pooling.kind == .average ? "average" : smallestWins ? "minimum" : "maximum"
            if plan.pooling.padding == .ceil {
                let rows = plan.padding.bottom, cols = plan.padding.right
                let reach = [rows > 0 ? "\(rows) row\(rows == 1 ? "" : "s") below" : nil,
                             cols > 0 ? "\(cols) column\(cols == 1 ? "" : "s") right" : nil].compactMap { $0 }
                return ["ceil (PyTorch's ceil_mode): the last windows reach \(reach.joined(separator: " and ")),"
                        + " clipped to the map: the \(picks) of real cells only"]
            }
            return ["padding: " + sides(plan.padding) + (plan.paddingTakesPart
                ? " (zeros that take part, so an odd map fits the window)"
                : " (padded cells take no part in the \(picks))")]
        case .transposedConvolution(let plan)?:
            return transposed(plan)
        case .flippedKernel(let plan)?:
            return ["convolve flips the kernel (rows and columns reversed), then slides it as conv does"] + convolutionPadding(plan)
        case nil:
            return []
        }
    }

    /// How a transposed convolution is a convolution of the zero-inserted input (Dumoulin & Visin).
    static func transposed(_ plan: TransposedConvolution.Plan) -> [String] {
        let r = plan.rows, c = plan.cols
        func axis(_ a: TransposedConvolution.Axis) -> String {
            "\(a.stride - 1) zero\(a.stride - 1 == 1 ? "" : "s") between cells, \(a.padBefore) before and \(a.padAfter) after"
        }
        let inserted = r == c || (r.stride == c.stride && r.padBefore == c.padBefore && r.padAfter == c.padAfter)
            ? axis(r) : "rows: \(axis(r)); columns: \(axis(c))"
        let zShape = plan.convolutionPlan.inputShape
        return ["as a convolution: \(inserted) -> \(Shape.describe(zShape)),",
                "  then the kernel flipped slides over it with stride 1 (Keras 3's padding; Dumoulin & Visin)"]
    }

    static func convolutionPadding(_ plan: ConvolutionPlan) -> [String] {
        let amounts = plan.paddingAmounts
        switch plan.padding {
        case .valid:
            return []
        case .same:
            var lines: [String] = []
            if amounts.isZero {
                lines.append("padding: none needed for same here")
            } else {
                lines.append("padding: " + sides(amounts))
            }
            let rows = sameWhy(n: plan.inputHeight, k: plan.kernel.rows, s: plan.stride.rows, d: plan.dilation.rows)
            let cols = sameWhy(n: plan.inputWidth, k: plan.kernel.cols, s: plan.stride.cols, d: plan.dilation.cols)
            if rows == cols {
                lines.append("  same: total = \(rows), split with the extra one at the bottom/right (TensorFlow)")
            } else {
                lines.append("  same: rows total = \(rows); columns total = \(cols); any extra one goes bottom/right (TensorFlow)")
            }
            return lines
        case .full:
            return ["padding: " + sides(amounts) + " (full: every overlap of kernel and input is computed)"]
        case .explicit:
            return amounts.isZero ? [] : ["padding: " + sides(amounts)]
        }
    }

    /// "max((ceil(10/2) - 1)*2 + 3 - 10, 0) = 1".
    static func sameWhy(n: Int, k: Int, s: Int, d: Int) -> String {
        let out = (n + s - 1) / s
        let span = (k - 1) * d + 1
        let total = max((out - 1) * s + span - n, 0)
        let kernelText = d == 1 ? "\(k)" : "(\(k) - 1)*\(d) + 1"
        return "max((ceil(\(n)/\(s)) - 1)*\(s) + \(kernelText) - \(n), 0) = \(total)"
    }

    /// "1 row of zeros above, 1 below, 1 column left, 1 right".
    static func sides(_ p: PaddingAmounts) -> String {
        func rows(_ n: Int) -> String { n == 1 ? "1 row" : "\(n) rows" }
        func cols(_ n: Int) -> String { n == 1 ? "1 column" : "\(n) columns" }
        return "\(rows(p.top)) of zeros above, \(p.bottom) below; \(cols(p.left)) left, \(p.right) right"
    }
}
