// Convolution: the settings of a 2-D convolution and the plan that checks shapes before anything is computed.
//
// Deep-learning "convolution" is cross-correlation: the kernel is slid over the input *without* being
// flipped, and each output cell is the sum of the element-wise products of the kernel and the input
// window under it (plus a bias). Layouts are Keras/TensorFlow's, channels last:
//   - H x W input       with a kh x kw kernel            -> H' x W'
//   - H x W x C input   with a kh x kw x C x F bank      -> H' x W' x F   (H x W counts as C = 1)
//   - H x W x C input   with one kh x kw x C filter      -> H' x W' x 1
// The optional bias holds one value per filter (shape [F]; a 1-element vector for a 2-D kernel).
//
// `plan(inputShape:kernelShape:biasShape:)` validates every size and returns the geometry and the
// output-size arithmetic, so a lesson can print "10x10 * 3x3, stride 1, valid -> 8x8" without computing
// anything. The computations live in ConvolutionReference.swift (plain loops a learner can read),
// ConvolutionFast.swift (im2col + blocked matrix multiply) and CellTrace.swift (one output cell, term by term).

/// The settings of a 2-D convolution: stride, padding and dilation.
public struct Convolution: Equatable, Sendable {
    /// How far the window moves per output cell, along rows and columns (each at least 1).
    public let stride: Pair
    /// How the input is surrounded with zeros before the window slides.
    public let padding: Padding
    /// The spacing between kernel taps (1 = adjacent input cells; 2 = every other cell).
    public let dilation: Pair

    /// The largest stride, dilation or explicit padding accepted (the same bound as a tensor's element count).
    public static let maxSetting = Limits.maxElements

    /// The largest number of multiply-adds one convolution may take: the work limit of every operation,
    /// `Limits.maxWork` (about a minute with the reference loops).
    public static let maxMultiplyAdds = Limits.maxWork

    /// Creates convolution settings; throws if the stride or dilation is below 1 or a padding is negative.
    public init(stride: Pair = Pair(square: 1), padding: Padding = .valid, dilation: Pair = Pair(square: 1)) throws {
        try Convolution.check(stride, name: "stride",
                              hint: "a stride of 1 visits every position, 2 every other one")
        try Convolution.check(dilation, name: "dilation",
                              hint: "a dilation of 1 is an ordinary kernel; 2 leaves one cell between taps")
        if case .explicit(let amounts) = padding {
            let sides = [("top", amounts.top), ("bottom", amounts.bottom),
                         ("left", amounts.left), ("right", amounts.right)]
            for (side, amount) in sides {
                guard amount >= 0 else {
                    throw CoreError("conv: padding cannot be negative, but the \(side) padding is \(amount)",
                                    hint: "use 0 or more zero rows/columns on each side")
                }
                guard amount <= Convolution.maxSetting else {
                    throw CoreError("conv: a \(side) padding of \(amount) is too large",
                                    hint: "the limit is \(Format.count(Convolution.maxSetting))")
                }
            }
        }
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
    }

    private static func check(_ pair: Pair, name: String, hint: String) throws {
        for value in [pair.rows, pair.cols] {
            guard value >= 1 else {
                throw CoreError("conv: the \(name) must be at least 1, not \(value)", hint: hint)
            }
            guard value <= maxSetting else {
                throw CoreError("conv: a \(name) of \(value) is too large",
                                hint: "the limit is \(Format.count(maxSetting))")
            }
        }
    }
}

/// The checked geometry of one convolution: sizes, padding, output-size arithmetic and output shape.
public struct ConvolutionPlan: Equatable, Sendable, CustomStringConvertible {
    /// The input's shape as given (H x W or H x W x C).
    public let inputShape: [Int]
    /// The kernel's shape as given (kh x kw, kh x kw x C or kh x kw x C x F).
    public let kernelShape: [Int]
    /// Input rows (H).
    public let inputHeight: Int
    /// Input columns (W).
    public let inputWidth: Int
    /// Input channels (C); 1 for an H x W input.
    public let inputChannels: Int
    /// Kernel rows and columns (kh x kw).
    public let kernel: Pair
    /// The number of filters (F), i.e. output channels.
    public let filters: Int
    /// The stride used.
    public let stride: Pair
    /// The dilation used.
    public let dilation: Pair
    /// The padding mode asked for.
    public let padding: Padding
    /// The zero rows/columns actually added on each side.
    public let paddingAmounts: PaddingAmounts
    /// Output rows with the arithmetic that gives them.
    public let outputHeight: Derivation
    /// Output columns with the arithmetic that gives them.
    public let outputWidth: Derivation
    /// The output's shape: H' x W' for a 2-D kernel on a 2-D input, else H' x W' x F.
    public let outputShape: [Int]
    /// Whether a bias (one value per filter) is added.
    public let hasBias: Bool

    /// The number of output elements.
    public var outputCount: Int { outputHeight.value * outputWidth.value * filters }

    /// The multiply-adds the convolution takes, counting padding taps (H' * W' * F * kh * kw * C).
    public var multiplyAdds: Int { outputCount * kernel.rows * kernel.cols * inputChannels }

    /// The number of rows a dilated kernel spans: (kh - 1) * dilation + 1.
    public var kernelSpan: Pair {
        Pair((kernel.rows - 1) * dilation.rows + 1, (kernel.cols - 1) * dilation.cols + 1)
    }

    /// The output-size arithmetic: one formula when rows and columns agree, else both.
    public var arithmetic: String {
        if outputHeight.formula == outputWidth.formula { return outputHeight.formula }
        return "rows: \(outputHeight.formula); columns: \(outputWidth.formula)"
    }

    /// "10x10 -> 8x8 (out = (10 - 3)/1 + 1 = 8)", for debugging; CNNExplain words a plan for people.
    public var description: String { "\(Shape.describe(inputShape)) -> \(Shape.describe(outputShape)) (\(arithmetic))" }
}

extension Convolution {
    /// Checks the shapes of a convolution and returns its geometry, without computing anything.
    /// - Parameters:
    ///   - inputShape: H x W or H x W x C.
    ///   - kernelShape: kh x kw (needs C = 1), kh x kw x C (one filter) or kh x kw x C x F (a bank).
    ///   - biasShape: nil for no bias, else [F].
    /// - Throws: `CoreError` naming what does not fit, e.g. a kernel larger than the padded input.
    public func plan(inputShape: [Int], kernelShape: [Int], biasShape: [Int]?) throws -> ConvolutionPlan {
        _ = try Limits.elementCount(of: inputShape, for: "conv input")
        _ = try Limits.elementCount(of: kernelShape, for: "conv kernel")
        let input = Shape.describe(inputShape)
        let kernelText = Shape.describe(kernelShape)

        guard inputShape.count == 2 || inputShape.count == 3 else {
            throw CoreError(
                "conv: the input must be an H x W image or an H x W x C stack of maps, not a \(inputShape.count)-D \(input) tensor",
                hint: inputShape.count == 4 && inputShape[0] == 1
                    ? "drop the batch dimension: reshape it to \(Shape.describe(Array(inputShape.dropFirst())))"
                    : "reshape it to H x W or H x W x C")
        }
        let height = inputShape[0]
        let width = inputShape[1]
        let channels = inputShape.count == 3 ? inputShape[2] : 1
        let channelWord = channels == 1 ? "channel" : "channels"

        let filters: Int
        switch kernelShape.count {
        case 2:
            guard channels == 1 else {
                throw CoreError(
                    "conv: the input has \(channels) channels but a \(kernelText) kernel has no channel axis",
                    hint: "use a \(kernelText)x\(channels) filter (one weight per channel) or a \(kernelText)x\(channels)xF filter bank")
            }
            filters = 1
        case 3:
            guard kernelShape[2] == channels else {
                throw CoreError(
                    "conv: the input has \(channels) \(channelWord) but the filter expects \(kernelShape[2]) (filter \(kernelText))",
                    hint: "a filter is kh x kw x C; its depth must equal the input's channels")
            }
            filters = 1
        case 4:
            guard kernelShape[2] == channels else {
                throw CoreError(
                    "conv: the input has \(channels) \(channelWord) but the filter bank expects \(kernelShape[2]) (kernel \(kernelText))",
                    hint: "a filter bank is kh x kw x Cin x Cout; its third size must equal the input's channels")
            }
            filters = kernelShape[3]
        case 1:
            // ones(3) is a vector of 3 values, not a 3x3 kernel (the newcomer's ones(3)).
            let n = kernelShape[0]
            throw CoreError("conv: the kernel is a vector of \(Format.count(n)) value\(n == 1 ? "" : "s"), but a kernel has rows and columns (kh x kw)",
                            hint: "ones(3, 3) or ones(3x3) is a 3x3 kernel of ones")
        default:
            throw CoreError(
                "conv: the kernel must be kh x kw, kh x kw x C or kh x kw x C x F, not a \(kernelShape.count)-D \(kernelText) tensor",
                hint: "reshape it, e.g. to 3x3 or 3x3x\(channels)x8")
        }

        if let biasShape {
            let biasCount = try Limits.elementCount(of: biasShape, for: "conv bias")
            guard biasShape.count == 1 else {
                throw CoreError(
                    "conv: the bias must be a vector with one value per filter, not a \(Shape.describe(biasShape)) tensor",
                    hint: "use a vector of \(filters) value\(filters == 1 ? "" : "s")")
            }
            guard biasCount == filters else {
                throw CoreError(
                    "conv: the bias has \(biasCount) value\(biasCount == 1 ? "" : "s") but there \(filters == 1 ? "is 1 filter" : "are \(filters) filters")",
                    hint: "give one bias per filter: a vector of \(filters)")
            }
        }

        let kernel = Pair(kernelShape[0], kernelShape[1])
        // Kernel sizes are at most Limits.maxElements and dilation at most maxSetting, so the span fits an Int.
        let spanRows = (kernel.rows - 1) * dilation.rows + 1
        let spanCols = (kernel.cols - 1) * dilation.cols + 1
        let amounts = padding.amounts(height: height, width: width, kernel: kernel, stride: stride, dilation: dilation)
        let outputHeight = OutputSize.along(inputSize: height, kernel: kernel.rows, stride: stride.rows,
                                            dilation: dilation.rows, padBefore: amounts.top, padAfter: amounts.bottom)
        let outputWidth = OutputSize.along(inputSize: width, kernel: kernel.cols, stride: stride.cols,
                                           dilation: dilation.cols, padBefore: amounts.left, padAfter: amounts.right)
        guard outputHeight.value >= 1, outputWidth.value >= 1 else {
            let spanText = dilation == Pair(square: 1) ? "" : " with dilation \(dilation) (spanning \(spanRows)x\(spanCols))"
            let paddingText: String
            switch padding {
            case .explicit: paddingText = "with padding \(padding)"
            default: paddingText = "with \(padding) padding"
            }
            let failing = outputHeight.value < 1 ? outputHeight : outputWidth
            let advice = dilation == Pair(square: 1)
                ? "use padding=same or a smaller kernel" : "use padding=same, a smaller kernel or less dilation"
            throw CoreError(
                "conv: a \(kernel.sizeDescription) kernel\(spanText) does not fit a \(height)x\(width) input \(paddingText)",
                hint: "\(failing.formula); \(advice)")
        }

        let outputShape = kernelShape.count == 2 && inputShape.count == 2
            ? [outputHeight.value, outputWidth.value]
            : [outputHeight.value, outputWidth.value, filters]
        let outputCount = try Limits.elementCount(of: outputShape, for: "conv output")
        try Limits.checkWork([outputCount, kernel.rows, kernel.cols, channels], what: "conv: \(input) * \(kernelText)",
                             hint: "use a smaller input, kernel or fewer filters")

        return ConvolutionPlan(
            inputShape: inputShape, kernelShape: kernelShape,
            inputHeight: height, inputWidth: width, inputChannels: channels,
            kernel: kernel, filters: filters, stride: stride, dilation: dilation,
            padding: padding, paddingAmounts: amounts,
            outputHeight: outputHeight, outputWidth: outputWidth,
            outputShape: outputShape, hasBias: biasShape != nil)
    }
}
