// SeparableConvolutionLayer: Keras' SeparableConv2D as a model layer: depthwise kh x kw per channel, then a
// 1x1 pointwise convolution to `filters` channels.
//
// Shapes: conv's output-size arithmetic per axis, `filters` channels. Weights: the depthwise kernel
// kh x kw x C x M (fans as DepthwiseConv2D's), the pointwise kernel 1 x 1 x C*M x F (fan-in C*M, fan-out F)
// and F biases. Forward and backward are the core's SeparableConvolution.

/// A separable convolution layer (Keras SeparableConv2D).
public struct SeparableConvolutionLayer: ModelLayer, Equatable {
    /// The number of output channels (F).
    public var filters: Int
    /// The depthwise kernel's size.
    public var kernel: Pair
    /// The depthwise step's stride, padding and dilation.
    public var stride: Pair
    public var padding: Padding
    public var dilation: Pair
    /// The depth multiplier M.
    public var multiplier: Int
    /// The activation after the pointwise step.
    public var activation: ActivationKind
    /// Whether each filter adds a bias.
    public var useBias: Bool

    /// Creates the layer; the defaults are Keras'.
    public init(filters: Int, kernel: Pair, stride: Pair = Pair(square: 1), padding: Padding = .valid, dilation: Pair = Pair(square: 1),
                multiplier: Int = 1, activation: ActivationKind = .linear, useBias: Bool = true) {
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.multiplier = multiplier
        self.activation = activation
        self.useBias = useBias
    }

    public var kindName: String { "separableconv" }
    public var kerasClassName: String { "SeparableConv2D" }
    public var kerasBaseName: String { "separable_conv2d" }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        try LayerRules.requireImage(input.shape, for: "separableconv", label: input.label)
        try LayerRules.checkSize(filters, "number of filters", label: input.label)
        try LayerRules.checkSize(multiplier, "depth multiplier", label: input.label)
        let window = try LayerRules.slidingWindow(input: input.shape, kernel: kernel, stride: stride, dilation: dilation,
                                                  padding: padding, isPooling: false, label: input.label)
        let parameters = try ParameterCount.separable(kernel: kernel, channels: input.shape[2], multiplier: multiplier,
                                                      filters: filters, bias: useBias)
        return LayerShape(outputShape: [window.rows.value, window.cols.value, filters], parameters: parameters,
                          outputRows: window.rows, outputCols: window.cols, padding: window.padding,
                          receptiveField: try input.field.map { try ReceptiveField.after($0, window: window.window) })
    }

    public func weights(inputShape: [Int]) throws -> [WeightShape] {
        let channels = inputShape.last ?? 1, middle = channels * multiplier
        var depthwise = WeightShape.kernel([kernel.rows, kernel.cols, channels, multiplier],
                                           fanIn: [kernel.rows, kernel.cols, channels], fanOut: [kernel.rows, kernel.cols, multiplier])
        depthwise.role = "depthwise_kernel"
        var pointwise = WeightShape.kernel([1, 1, middle, filters], fanIn: [1, 1, middle], fanOut: [1, 1, filters])
        pointwise.role = "pointwise_kernel"
        return [depthwise, pointwise] + (useBias ? [.bias(filters)] : [])
    }

    public func workFactors(inputShape: [Int], outputShape: [Int]) -> [Int] {
        // The larger of the two steps, times two: a bound of the same order as the work.
        let channels = inputShape.last ?? 1
        return [outputShape[0], outputShape[1], channels * multiplier, kernel.rows * kernel.cols + filters]
    }

    /// The core separable convolution with this layer's settings.
    public func separable() throws -> SeparableConvolution {
        SeparableConvolution(try Convolution(stride: stride, padding: padding, dilation: dilation))
    }

    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor {
        try separable().apply(input, depthwiseKernel: weights[0], pointwiseKernel: weights[1], bias: weights.count > 2 ? weights[2] : nil)
    }

    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        let d = try separable().backward(input: input, depthwiseKernel: weights[0], pointwiseKernel: weights[1],
                                         biasShape: weights.count > 2 ? weights[2].shape : nil, outputGradient: outputGradient)
        return LayerGradient(input: d.input, weights: [d.depthwiseKernel, d.pointwiseKernel] + (d.bias.map { [$0] } ?? []))
    }
}

extension LayerSpec {
    /// A separable convolution layer (Keras SeparableConv2D).
    public static func separableConv(filters: Int, kernel: Pair, stride: Pair = Pair(square: 1), padding: Padding = .valid,
                                     dilation: Pair = Pair(square: 1), multiplier: Int = 1, activation: ActivationKind? = nil,
                                     useBias: Bool = true) -> LayerSpec {
        LayerSpec(SeparableConvolutionLayer(filters: filters, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                                            multiplier: multiplier, activation: activation ?? .linear, useBias: useBias))
    }
}
