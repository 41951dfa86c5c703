// DepthwiseConvolution: Keras' DepthwiseConv2D, one small convolution per input channel.
//
// An H x W x C input and a kh x kw x C x M kernel (M = depth multiplier) give H' x W' x (C*M): output
// channel c*M + m is input channel c alone convolved with the kernel slice k[:, :, c, m] (plus bias
// b[c*M + m]). Nothing mixes channels; that is the pointwise 1x1 convolution's job in a separable
// convolution (SeparableConvolution.swift). Keras orders the outputs the same way (channel-major).
// Each channel runs through the core's ordinary convolution (ConvolutionFast, ConvolutionBackward) on an
// H x W x 1 slice with a kh x kw x 1 x M bank, so the output-size arithmetic, the padding rule and the
// backward pass are conv's; the multiply-adds are H' * W' * C * M * kh * kw, C times fewer than a full
// convolution to the same C*M channels would take.

/// The settings of a depthwise convolution: stride, padding and dilation, as for `Convolution`.
public struct DepthwiseConvolution: Equatable, Sendable {
    /// The per-channel convolution's settings.
    public let convolution: Convolution

    /// Creates the settings.
    public init(_ convolution: Convolution) {
        self.convolution = convolution
    }

    /// The checked geometry: the per-channel plan and the sizes of the whole operation.
    public struct Plan: Equatable, Sendable {
        /// The plan of one channel: H x W x 1 with a kh x kw x 1 x M bank.
        public let channelPlan: ConvolutionPlan
        /// The input's shape as given (H x W x C).
        public let inputShape: [Int]
        /// The kernel's shape as given (kh x kw x C x M).
        public let kernelShape: [Int]
        /// Input channels (C).
        public let channels: Int
        /// The depth multiplier (M).
        public let multiplier: Int
        /// H' x W' x (C*M).
        public let outputShape: [Int]
        /// Whether a bias of C*M values is added.
        public let hasBias: Bool

        /// The output-size arithmetic (conv's).
        public var arithmetic: String { channelPlan.arithmetic }
        /// Multiply-adds: H' * W' * C * M * kh * kw.
        public var multiplyAdds: Int { channelPlan.multiplyAdds * channels }
    }

    /// Checks the shapes: an H x W x C input (H x W counts as C = 1), a kh x kw x C x M kernel (kh x kw x C
    /// means M = 1) and a bias of C*M values.
    public func plan(inputShape: [Int], kernelShape: [Int], biasShape: [Int]?) throws -> Plan {
        guard inputShape.count == 2 || inputShape.count == 3 else {
            throw CoreError("depthwiseconv: the input must be H x W x C, not \(Shape.describe(inputShape))",
                            hint: "a depthwise convolution works on a stack of maps")
        }
        let channels = inputShape.count == 3 ? inputShape[2] : 1
        guard kernelShape.count == 3 || kernelShape.count == 4 else {
            throw CoreError("depthwiseconv: the kernel must be kh x kw x C x M (M = depth multiplier), not \(Shape.describe(kernelShape))",
                            hint: "e.g. a 3x3x\(channels)x1 kernel: one 3x3 kernel per input channel")
        }
        guard kernelShape[2] == channels else {
            throw CoreError("depthwiseconv: the input has \(channels) channel\(channels == 1 ? "" : "s") but the kernel \(Shape.describe(kernelShape)) has \(kernelShape[2])",
                            hint: "the kernel's third size is the input's channels: one kernel per channel")
        }
        let multiplier = kernelShape.count == 4 ? kernelShape[3] : 1
        let channelPlan = try Self.speaking {
            try convolution.plan(inputShape: [inputShape[0], inputShape[1], 1],
                                 kernelShape: [kernelShape[0], kernelShape[1], 1, multiplier], biasShape: nil)
        }
        let (outputChannels, overflow) = channels.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw CoreError("depthwiseconv: C x M is too large") }
        if let biasShape {
            guard biasShape == [outputChannels] else {
                throw CoreError("depthwiseconv: the bias must have one value per output channel (\(outputChannels) = \(channels) x \(multiplier)), not \(Shape.describe(biasShape))",
                                hint: "give a vector of \(outputChannels) values")
            }
        }
        let outputShape = [channelPlan.outputHeight.value, channelPlan.outputWidth.value, outputChannels]
        let outputCount = try Limits.elementCount(of: outputShape, for: "depthwiseconv output")
        try Limits.checkWork([outputCount, kernelShape[0], kernelShape[1]], what: "depthwiseconv: \(Shape.describe(inputShape)) * \(Shape.describe(kernelShape))",
                             hint: "use a smaller input or kernel")
        return Plan(channelPlan: channelPlan, inputShape: inputShape, kernelShape: kernelShape, channels: channels,
                    multiplier: multiplier, outputShape: outputShape, hasBias: biasShape != nil)
    }

    /// Runs core convolution code, its errors saying "depthwiseconv" where they said "conv".
    static func speaking<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CoreError where error.message.hasPrefix("conv") {
            throw CoreError("depthwiseconv" + error.message.dropFirst("conv".count), hint: error.hint)
        }
    }

    /// The depthwise convolution of `input` (H x W x C) with `kernel` (kh x kw x C x M), plus `bias`.
    public func apply(_ input: Tensor, kernel: Tensor, bias: Tensor? = nil) throws -> Tensor {
        let plan = try plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape)
        var output = [Double](repeating: 0, count: plan.outputShape.reduce(1, *))
        let cells = plan.outputShape[0] * plan.outputShape[1]
        let m = plan.multiplier, outputChannels = plan.channels * m
        for c in 0..<plan.channels {
            let y = try convolution.apply(Self.channel(c, of: input), kernel: Self.kernelSlice(c, of: kernel, plan: plan),
                                          bias: nil, plan: plan.channelPlan)
            for cell in 0..<cells {
                for j in 0..<m { output[cell * outputChannels + c * m + j] = y.scalars[cell * m + j] }
            }
        }
        if let b = bias?.scalars {
            for cell in 0..<cells { for o in 0..<outputChannels { output[cell * outputChannels + o] += b[o] } }
        }
        return Tensor(unchecked: plan.outputShape, scalars: output)
    }

    /// The gradients with respect to the input, the kernel and the bias (each shaped like it).
    public func backward(input: Tensor, kernel: Tensor, biasShape: [Int]?, outputGradient g: Tensor) throws -> ConvolutionGradients {
        let plan = try plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: biasShape)
        try GradientShapes.check(g, expected: plan.outputShape, for: "depthwiseconv")
        let cells = plan.outputShape[0] * plan.outputShape[1]
        let m = plan.multiplier, channels = plan.channels, outputChannels = channels * m
        var dx = [Double](repeating: 0, count: input.count)
        var dk = [Double](repeating: 0, count: kernel.count)
        let taps = kernel.shape[0] * kernel.shape[1]
        for c in 0..<channels {
            var gc = [Double](repeating: 0, count: cells * m)
            for cell in 0..<cells { for j in 0..<m { gc[cell * m + j] = g.scalars[cell * outputChannels + c * m + j] } }
            let d = try convolution.backward(input: Self.channel(c, of: input), kernel: Self.kernelSlice(c, of: kernel, plan: plan),
                                             biasShape: nil, outputGradient: Tensor(unchecked: plan.channelPlan.outputShape, scalars: gc))
            for i in 0..<(input.count / channels) { dx[i * channels + c] = d.input.scalars[i] }
            for t in 0..<taps { for j in 0..<m { dk[(t * channels + c) * m + j] = d.kernel.scalars[t * m + j] } }
        }
        var db: Tensor?
        if let biasShape {
            var sums = [Double](repeating: 0, count: outputChannels)
            for cell in 0..<cells { for o in 0..<outputChannels { sums[o] += g.scalars[cell * outputChannels + o] } }
            db = Tensor(unchecked: biasShape, scalars: sums)
        }
        return ConvolutionGradients(input: Tensor(unchecked: input.shape, scalars: dx),
                                    kernel: Tensor(unchecked: kernel.shape, scalars: dk), bias: db)
    }

    /// One output cell [oy, ox, c*M + m]: conv's trace of channel c with the kernel slice for m (and its bias).
    /// Returns the trace, the channel, the multiplier index and the H x W x 1 slice the trace's rows refer to.
    public func trace(input: Tensor, kernel: Tensor, bias: Tensor?, at index: [Int]) throws
        -> (trace: ConvolutionCellTrace, channel: Int, multiplierIndex: Int, slice: Tensor) {
        let plan = try plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape)
        guard index.count == 3, index[2] >= 0, index[2] < plan.outputShape[2] else {
            throw CoreError("depthwiseconv trace: the output is \(Shape.describe(plan.outputShape)), so a cell is [row, column, channel]")
        }
        let c = index[2] / plan.multiplier, j = index[2] % plan.multiplier
        let slice = try Self.channel(c, of: input)
        let biasSlice = bias.map { b in Tensor(unchecked: [plan.multiplier], scalars: Array(b.scalars[(c * plan.multiplier)..<((c + 1) * plan.multiplier)])) }
        let trace = try Self.speaking {
            try convolution.trace(input: slice, kernel: try Self.kernelSlice(c, of: kernel, plan: plan), bias: biasSlice, at: [index[0], index[1], j])
        }
        return (trace, c, j, slice)
    }

    /// Channel `c` of an H x W x C tensor as H x W x 1.
    static func channel(_ c: Int, of input: Tensor) throws -> Tensor {
        let channels = input.rank == 3 ? input.shape[2] : 1
        let cells = input.shape[0] * input.shape[1]
        var values = [Double](repeating: 0, count: cells)
        input.scalars.withUnsafeBufferPointer { x in
            for i in 0..<cells { values[i] = x[i * channels + c] }
        }
        return Tensor(unchecked: [input.shape[0], input.shape[1], 1], scalars: values)
    }

    /// k[:, :, c, :] of a kh x kw x C x M kernel as kh x kw x 1 x M.
    static func kernelSlice(_ c: Int, of kernel: Tensor, plan: Plan) throws -> Tensor {
        let taps = kernel.shape[0] * kernel.shape[1], m = plan.multiplier, channels = plan.channels
        var values = [Double](repeating: 0, count: taps * m)
        for t in 0..<taps { for j in 0..<m { values[t * m + j] = kernel.scalars[(t * channels + c) * m + j] } }
        return Tensor(unchecked: [kernel.shape[0], kernel.shape[1], 1, m], scalars: values)
    }
}
