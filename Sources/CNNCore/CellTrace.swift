// CellTrace (convolution): how one output cell of a convolution was made, term by term.
//
// A trace lists every kernel tap of one output cell: which input cell it read (in the coordinates of the
// unpadded input, so a tap in the zero padding has a row or column outside 0..<H / 0..<W and is flagged
// `isPadding`), the channel, the kernel position, the input value, the weight and their product; then the
// bias and the sum. Terms come in the order ky, kx, c, the order ConvolutionReference adds them, and join the
// sum as there (a fused multiply-add of the input value and the weight; `product` is the product rounded on its
// own, for showing), so `value` equals the reference output bit for bit. Pooling keeps its own trace types.

/// One multiply of a convolution cell: input value times kernel weight.
public struct ConvolutionTerm: Equatable, Sendable {
    /// Input row (iy) in unpadded coordinates; negative or >= H for a padding tap.
    public let inputRow: Int
    /// Input column (ix) in unpadded coordinates; negative or >= W for a padding tap.
    public let inputColumn: Int
    /// Input channel (c).
    public let channel: Int
    /// Kernel row (ky).
    public let kernelRow: Int
    /// Kernel column (kx).
    public let kernelColumn: Int
    /// Whether the tap falls in the zero padding (its input value is 0 and it adds nothing).
    public let isPadding: Bool
    /// The input value read (0 for a padding tap).
    public let inputValue: Double
    /// The kernel weight.
    public let weight: Double
    /// inputValue * weight (0 for a padding tap).
    public let product: Double
}

/// Everything that went into one output cell of a convolution.
public struct ConvolutionCellTrace: Equatable, Sendable {
    /// The output cell traced: [oy, ox] or [oy, ox, f].
    public let outputIndex: [Int]
    /// Output row (oy).
    public let outputRow: Int
    /// Output column (ox).
    public let outputColumn: Int
    /// The filter (output channel) f.
    public let filter: Int
    /// The geometry of the whole convolution.
    public let plan: ConvolutionPlan
    /// Every tap, in the order ky, kx, c.
    public let terms: [ConvolutionTerm]
    /// The bias added, or nil when the convolution has none.
    public let bias: Double?
    /// The sum of the products of the taps inside the input (padding taps add nothing).
    public let productSum: Double
    /// The output value: productSum + bias.
    public let value: Double
    /// Input rows the window covers, top to bottom, in unpadded coordinates (may reach into the padding).
    public let rowRange: ClosedRange<Int>
    /// Input columns the window covers, left to right, in unpadded coordinates (may reach into the padding).
    public let columnRange: ClosedRange<Int>

    /// The terms that read real input cells (not padding).
    public var inputTerms: [ConvolutionTerm] { terms.filter { !$0.isPadding } }
}

extension Convolution {
    /// The largest number of terms (kh * kw * C) a trace lists.
    public static let maxTraceTerms = 1_000_000

    /// Traces one output cell: every input value, weight and product that made it, and their sum.
    /// - Parameters:
    ///   - input: H x W or H x W x C.
    ///   - kernel: kh x kw, kh x kw x C or kh x kw x C x F.
    ///   - bias: nil, or one value per filter.
    ///   - outputIndex: [oy, ox] for a 2-D output, [oy, ox, f] for an H' x W' x F output.
    /// - Throws: `CoreError` when the shapes do not fit or the index is outside the output.
    public func trace(input: Tensor, kernel: Tensor, bias: Tensor? = nil, at outputIndex: [Int]) throws -> ConvolutionCellTrace {
        let plan = try plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape)
        let outputText = Shape.describe(plan.outputShape)
        guard outputIndex.count == plan.outputShape.count else {
            let expected = plan.outputShape.count == 2 ? "[row, column]" : "[row, column, filter]"
            throw CoreError(
                "conv trace: the output is \(outputText), so a cell is \(expected), not \(outputIndex)",
                hint: "give \(plan.outputShape.count) indices")
        }
        for (axis, i) in outputIndex.enumerated() where i < 0 || i >= plan.outputShape[axis] {
            let names = ["row", "column", "filter"]
            throw CoreError(
                "conv trace: \(names[axis]) \(i) is outside the \(outputText) output",
                hint: "\(names[axis])s run from 0 to \(plan.outputShape[axis] - 1)")
        }
        let termCount = plan.kernel.rows * plan.kernel.cols * plan.inputChannels
        guard termCount <= Convolution.maxTraceTerms else {
            throw CoreError(
                "conv trace: one cell of this convolution has \(Format.count(termCount)) terms, too many to list",
                hint: "the limit is \(Format.count(Convolution.maxTraceTerms)); trace a smaller kernel")
        }
        let oy = outputIndex[0], ox = outputIndex[1]
        let f = outputIndex.count == 3 ? outputIndex[2] : 0

        let x = input.scalars, w = kernel.scalars
        let height = plan.inputHeight, width = plan.inputWidth, channels = plan.inputChannels
        let kernelWidth = plan.kernel.cols, filters = plan.filters
        let top = oy * stride.rows - plan.paddingAmounts.top
        let left = ox * stride.cols - plan.paddingAmounts.left

        var terms: [ConvolutionTerm] = []
        var sum = 0.0
        for ky in 0..<plan.kernel.rows {
            let iy = top + ky * dilation.rows
            for kx in 0..<kernelWidth {
                let ix = left + kx * dilation.cols
                let isPadding = iy < 0 || iy >= height || ix < 0 || ix >= width
                for c in 0..<channels {
                    let weight = w[((ky * kernelWidth + kx) * channels + c) * filters + f]
                    var inputValue = 0.0
                    var product = 0.0
                    if !isPadding {
                        inputValue = x[(iy * width + ix) * channels + c]
                        product = inputValue * weight
                        sum.addProduct(inputValue, weight)
                    }
                    terms.append(ConvolutionTerm(
                        inputRow: iy, inputColumn: ix, channel: c, kernelRow: ky, kernelColumn: kx,
                        isPadding: isPadding, inputValue: inputValue, weight: weight, product: product))
                }
            }
        }
        let biasValue = bias.map { $0.scalars[f] }
        let span = plan.kernelSpan
        return ConvolutionCellTrace(
            outputIndex: outputIndex, outputRow: oy, outputColumn: ox, filter: f, plan: plan,
            terms: terms, bias: biasValue, productSum: sum, value: biasValue.map { sum + $0 } ?? sum,
            rowRange: top...(top + span.rows - 1), columnRange: left...(left + span.cols - 1))
    }
}
