// DepthwiseConvolutionLayer: Keras' DepthwiseConv2D as a model layer, one kh x kw kernel (or M of them) per channel.
//
// Shapes: conv's output-size arithmetic per axis, C*M channels. Weights: a kh x kw x C x M kernel (Keras'
// fans: fan-in kh*kw*C, fan-out kh*kw*M, as keras' compute_fans reads a 4-D kernel) and C*M biases.
// Forward and backward are the core's DepthwiseConvolution.

/// A depthwise convolution layer (Keras DepthwiseConv2D).
public struct DepthwiseConvolutionLayer: ModelLayer, Equatable {
    /// The kernel's size, rows x cols.
    public var kernel: Pair
    /// The step between windows.
    public var stride: Pair
    /// The padding mode.
    public var padding: Padding
    /// The spacing between kernel taps.
    public var dilation: Pair
    /// The depth multiplier M: kernels (and output channels) per input channel.
    public var multiplier: Int
    /// The activation after the convolution (`.linear`: none).
    public var activation: ActivationKind
    /// Whether each output channel adds a bias.
    public var useBias: Bool

    /// Creates the layer; the defaults are Keras'.
    public init(kernel: Pair, stride: Pair = Pair(square: 1), padding: Padding = .valid, dilation: Pair = Pair(square: 1),
                multiplier: Int = 1, activation: ActivationKind = .linear, useBias: Bool = true) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.multiplier = multiplier
        self.activation = activation
        self.useBias = useBias
    }

    public var kindName: String { "depthwiseconv" }
    public var kerasClassName: String { "DepthwiseConv2D" }
    public var kerasBaseName: String { "depthwise_conv2d" }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        try LayerRules.requireImage(input.shape, for: "depthwiseconv", label: input.label)
        try LayerRules.checkSize(multiplier, "depth multiplier", label: input.label)
        let window = try LayerRules.slidingWindow(input: input.shape, kernel: kernel, stride: stride, dilation: dilation,
                                                  padding: padding, isPooling: false, label: input.label)
        let parameters = try ParameterCount.depthwise(kernel: kernel, channels: input.shape[2], multiplier: multiplier, bias: useBias)
        let (channels, overflow) = input.shape[2].multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw CoreError("\(input.label): C x M is too large") }
        return LayerShape(outputShape: [window.rows.value, window.cols.value, channels], parameters: parameters,
                          outputRows: window.rows, outputCols: window.cols, padding: window.padding,
                          receptiveField: try input.field.map { try ReceptiveField.after($0, window: window.window) })
    }

    public func weights(inputShape: [Int]) throws -> [WeightShape] {
        let channels = inputShape.last ?? 1
        let kernelWeights = WeightShape.kernel([kernel.rows, kernel.cols, channels, multiplier],
                                               fanIn: [kernel.rows, kernel.cols, channels], fanOut: [kernel.rows, kernel.cols, multiplier])
        return [kernelWeights] + (useBias ? [.bias(channels * multiplier)] : [])
    }

    public func workFactors(inputShape: [Int], outputShape: [Int]) -> [Int] { outputShape + [kernel.rows, kernel.cols] }

    /// The core depthwise convolution with this layer's settings.
    public func depthwise() throws -> DepthwiseConvolution {
        DepthwiseConvolution(try Convolution(stride: stride, padding: padding, dilation: dilation))
    }

    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor {
        try depthwise().apply(input, kernel: weights[0], bias: weights.count > 1 ? weights[1] : nil)
    }

    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        let d = try depthwise().backward(input: input, kernel: weights[0], biasShape: weights.count > 1 ? weights[1].shape : nil,
                                         outputGradient: outputGradient)
        return LayerGradient(input: d.input, weights: [d.kernel] + (d.bias.map { [$0] } ?? []))
    }
}

extension LayerSpec {
    /// A depthwise convolution layer (Keras DepthwiseConv2D).
    public static func depthwiseConv(kernel: Pair, stride: Pair = Pair(square: 1), padding: Padding = .valid,
                                     dilation: Pair = Pair(square: 1), multiplier: Int = 1, activation: ActivationKind? = nil,
                                     useBias: Bool = true) -> LayerSpec {
        LayerSpec(DepthwiseConvolutionLayer(kernel: kernel, stride: stride, padding: padding, dilation: dilation, multiplier: multiplier,
                                            activation: activation ?? .linear, useBias: useBias))
    }
}
