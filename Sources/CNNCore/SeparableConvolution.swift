// SeparableConvolution: Keras' SeparableConv2D, a depthwise convolution and then a 1x1 pointwise one.
//
//     d = depthwiseconv(x, dk)          H x W x C  * kh x kw x C x M      -> H' x W' x (C*M)
//     y = conv(d, pk) + b               H' x W' x (C*M) * 1 x 1 x (C*M) x F -> H' x W' x F
// The depthwise step filters each channel on its own; the pointwise step mixes the channels, one dot
// product per cell. Weights: kh*kw*C*M + C*M*F (+ F biases), against kh*kw*C*F for a full convolution;
// multiply-adds H'W'(kh*kw*C*M + C*M*F) against H'W'*kh*kw*C*F (MobileNet's saving, Howard et al. 2017).
// Both steps are the core's own kernels (DepthwiseConvolution, Convolution), forward and backward.

/// The settings of a separable convolution: the depthwise step's stride, padding and dilation.
public struct SeparableConvolution: Equatable, Sendable {
    /// The depthwise step (the pointwise step is a 1x1 convolution, stride 1, valid).
    public let depthwise: DepthwiseConvolution

    /// Creates the settings.
    public init(_ convolution: Convolution) {
        depthwise = DepthwiseConvolution(convolution)
    }

    /// The pointwise step: a 1x1 convolution.
    public static func pointwise() throws -> Convolution { try Convolution() }

    /// The checked geometry of both steps.
    public struct Plan: Equatable, Sendable {
        /// The depthwise step.
        public let depthwise: DepthwiseConvolution.Plan
        /// The pointwise step, on the depthwise result.
        public let pointwise: ConvolutionPlan
        /// H' x W' x F.
        public var outputShape: [Int] { pointwise.outputShape }
        /// Multiply-adds of both steps.
        public var multiplyAdds: Int { depthwise.multiplyAdds + pointwise.multiplyAdds }
    }

    /// Checks the shapes: `pointwiseShape` must be 1 x 1 x (C*M) x F, the bias F values.
    public func plan(inputShape: [Int], depthwiseShape: [Int], pointwiseShape: [Int], biasShape: [Int]?) throws -> Plan {
        let first = try depthwise.plan(inputShape: inputShape, kernelShape: depthwiseShape, biasShape: nil)
        let middle = first.outputShape[2]
        guard pointwiseShape.count == 4, pointwiseShape[0] == 1, pointwiseShape[1] == 1, pointwiseShape[2] == middle else {
            throw CoreError("separableconv: the pointwise kernel must be 1 x 1 x \(middle) x F (\(middle) = C*M channels of the depthwise step), not \(Shape.describe(pointwiseShape))",
                            hint: "e.g. a 1x1x\(middle)x8 kernel for 8 output channels")
        }
        let second = try speaking { try Self.pointwise().plan(inputShape: first.outputShape, kernelShape: pointwiseShape, biasShape: biasShape) }
        return Plan(depthwise: first, pointwise: second)
    }

    private func speaking<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CoreError where error.message.hasPrefix("conv") {
            throw CoreError("separableconv" + error.message.dropFirst("conv".count), hint: error.hint)
        }
    }

    /// The depthwise step's result d (before the pointwise step).
    public func depthwiseResult(_ input: Tensor, depthwiseKernel: Tensor) throws -> Tensor {
        try depthwise.apply(input, kernel: depthwiseKernel)
    }

    /// The separable convolution: pointwise(depthwise(x, dk), pk) + b.
    public func apply(_ input: Tensor, depthwiseKernel: Tensor, pointwiseKernel: Tensor, bias: Tensor? = nil) throws -> Tensor {
        let plan = try plan(inputShape: input.shape, depthwiseShape: depthwiseKernel.shape,
                            pointwiseShape: pointwiseKernel.shape, biasShape: bias?.shape)
        let d = try depthwise.apply(input, kernel: depthwiseKernel)
        return try Self.pointwise().apply(d, kernel: pointwiseKernel, bias: bias, plan: plan.pointwise)
    }

    /// The gradients: input, depthwise kernel, pointwise kernel and bias.
    public func backward(input: Tensor, depthwiseKernel: Tensor, pointwiseKernel: Tensor, biasShape: [Int]?,
                         outputGradient: Tensor) throws -> (input: Tensor, depthwiseKernel: Tensor, pointwiseKernel: Tensor, bias: Tensor?) {
        let d = try depthwise.apply(input, kernel: depthwiseKernel)
        let second = try Self.pointwise().backward(input: d, kernel: pointwiseKernel, biasShape: biasShape, outputGradient: outputGradient)
        let first = try depthwise.backward(input: input, kernel: depthwiseKernel, biasShape: nil, outputGradient: second.input)
        return (first.input, first.kernel, second.kernel, second.bias)
    }
}

/// One output cell of a separable convolution: the depthwise values at its position and the pointwise
/// dot product that mixes them.
public struct SeparableCellTrace: Equatable, Sendable {
    /// The depthwise step's trace of the cell's first channel (channel 0, multiplier index 0).
    public let firstChannel: ConvolutionCellTrace
    /// Channel 0 of the input, H x W x 1 (what `firstChannel`'s rows and columns refer to).
    public let firstSlice: Tensor
    /// d[oy, ox, j] for every depthwise channel j = c*M + m.
    public let depthwiseValues: [Double]
    /// pk[0, 0, j, f] for every j.
    public let pointwiseWeights: [Double]
    /// The bias added, if any.
    public let bias: Double?
    /// The output value.
    public let value: Double
    /// The filter f.
    public let filter: Int
    /// The depth multiplier M.
    public let multiplier: Int
}

extension SeparableConvolution {
    /// The trace of output cell [oy, ox, f].
    public func trace(input: Tensor, depthwiseKernel: Tensor, pointwiseKernel: Tensor, bias: Tensor?, at index: [Int]) throws -> SeparableCellTrace {
        let plan = try plan(inputShape: input.shape, depthwiseShape: depthwiseKernel.shape, pointwiseShape: pointwiseKernel.shape,
                            biasShape: bias?.shape)
        guard index.count == 3, zip(index, plan.outputShape).allSatisfy({ $0 >= 0 && $0 < $1 }) else {
            throw CoreError("separableconv trace: the output is \(Shape.describe(plan.outputShape)), so a cell is [row, column, channel] inside it")
        }
        let d = try depthwise.apply(input, kernel: depthwiseKernel)
        let middle = d.shape[2], f = index[2], filters = plan.pointwise.filters
        let at = (index[0] * d.shape[1] + index[1]) * middle
        let values = Array(d.scalars[at..<(at + middle)])
        let weights = (0..<middle).map { pointwiseKernel.scalars[$0 * filters + f] }
        var sum = 0.0
        for j in 0..<middle { sum.addProduct(values[j], weights[j]) }
        let b = bias.map { $0.scalars[f] }
        let first = try depthwise.trace(input: input, kernel: depthwiseKernel, bias: nil, at: [index[0], index[1], 0])
        return SeparableCellTrace(firstChannel: first.trace, firstSlice: first.slice, depthwiseValues: values, pointwiseWeights: weights,
                                  bias: b, value: b.map { sum + $0 } ?? sum, filter: f, multiplier: plan.depthwise.multiplier)
    }
}
