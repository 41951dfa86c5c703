// ConvolutionLayer: Keras' Conv2D as a model layer: `filters` kernels of size `kernel`, each as deep as the input.
//
// Shapes: out = (in + padding - dilated kernel)/stride + 1 per axis (OutputSize), `filters` channels.
// Weights: a kh x kw x Cin x filters kernel (fan-in kh*kw*Cin, fan-out kh*kw*filters) and one bias per filter.
// Forward and backward are the core's Convolution (Convolution.swift, Gradients/ConvolutionBackward.swift).

/// A 2-D convolution layer (Keras Conv2D).
public struct ConvolutionLayer: ModelLayer, Equatable {
    /// The number of kernels, and of output channels.
    public var filters: Int
    /// The kernel's size, rows x cols.
    public var kernel: Pair
    /// The step between windows.
    public var stride: Pair
    /// The padding mode (Keras knows valid and same; full and explicit amounts use the same arithmetic).
    public var padding: Padding
    /// The spacing between kernel taps.
    public var dilation: Pair
    /// The activation after the convolution (`.linear`: none).
    public var activation: ActivationKind
    /// Whether each filter adds a bias.
    public var useBias: Bool

    /// Creates the layer; the defaults are Keras'.
    public init(filters: Int, kernel: Pair, stride: Pair = Pair(square: 1), padding: Padding = .valid,
                dilation: Pair = Pair(square: 1), activation: ActivationKind = .linear, useBias: Bool = true) {
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.activation = activation
        self.useBias = useBias
    }

    public var kindName: String { "conv" }
    public var kerasClassName: String { "Conv2D" }
    public var kerasBaseName: String { "conv2d" }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        try LayerRules.requireImage(input.shape, for: "conv", label: input.label)
        try LayerRules.checkSize(filters, "number of filters", label: input.label)
        let window = try LayerRules.slidingWindow(input: input.shape, kernel: kernel, stride: stride, dilation: dilation,
                                                  padding: padding, isPooling: false, label: input.label)
        let parameters = try ParameterCount.convolution(kernel: kernel, inputChannels: input.shape[2],
                                                        filters: filters, bias: useBias)
        return LayerShape(outputShape: [window.rows.value, window.cols.value, filters], parameters: parameters,
                          outputRows: window.rows, outputCols: window.cols, padding: window.padding,
                          receptiveField: try input.field.map { try ReceptiveField.after($0, window: window.window) })
    }

    public func weights(inputShape: [Int]) throws -> [WeightShape] {
        let inputs = inputShape.last ?? 1
        let kernelWeights = WeightShape.kernel([kernel.rows, kernel.cols, inputs, filters],
                                               fanIn: [kernel.rows, kernel.cols, inputs], fanOut: [kernel.rows, kernel.cols, filters])
        return [kernelWeights] + (useBias ? [.bias(filters)] : [])
    }

    public func workFactors(inputShape: [Int], outputShape: [Int]) -> [Int] {
        outputShape + [kernel.rows, kernel.cols, inputShape.last ?? 1]
    }

    /// The core convolution with this layer's stride, padding and dilation.
    public func convolution() throws -> Convolution {
        try Convolution(stride: stride, padding: padding, dilation: dilation)
    }

    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor {
        try convolution().apply(input, kernel: weights[0], bias: weights.count > 1 ? weights[1] : nil)
    }

    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        let d = try convolution().backward(input: input, kernel: weights[0],
                                           biasShape: weights.count > 1 ? weights[1].shape : nil, outputGradient: outputGradient)
        return LayerGradient(input: d.input, weights: [d.kernel] + (d.bias.map { [$0] } ?? []))
    }

    /// The whole batch at once (ConvolutionBatch.swift): the same outputs as example by example.
    public func forward(batch: [Tensor], weights: [Tensor], pass: inout LayerPass) throws -> (outputs: [Tensor], memos: [[Double]?]) {
        // relu, when the network asks for it, goes on each band of the output while it is in cache.
        let relu = pass.outputRelu
        pass.outputRelu = false
        let outputs = try convolution().applyBatch(batch, kernel: weights[0], bias: weights.count > 1 ? weights[1] : nil, relu: relu)
        return (outputs, batch.map { _ in nil })
    }

    public func backward(batch: [Tensor], weights: [Tensor], memos: [[Double]?], outputGradients: [Tensor]) throws -> LayerBatchGradient {
        try backward(batch: batch, weights: weights, memos: memos, outputGradients: outputGradients, inputGradients: true)
    }

    /// The whole batch at once (ConvolutionBatch.swift); the kernel's gradient summed over every cell of the batch.
    public func backward(batch: [Tensor], weights: [Tensor], memos: [[Double]?], outputGradients: [Tensor],
                         inputGradients: Bool) throws -> LayerBatchGradient {
        let d = try convolution().backwardBatch(inputs: batch, kernel: weights[0], biasShape: weights.count > 1 ? weights[1].shape : nil,
                                                outputGradients: outputGradients, inputGradients: inputGradients)
        return LayerBatchGradient(inputs: d.inputs, weights: [d.kernel] + (d.bias.map { [$0] } ?? []))
    }
}

extension LayerSpec {
    /// A convolution layer (Keras Conv2D); nil activation means none.
    public static func conv(filters: Int, kernel: Pair, stride: Pair = Pair(square: 1), padding: Padding = .valid,
                            dilation: Pair = Pair(square: 1), activation: ActivationKind? = nil, useBias: Bool = true) -> LayerSpec {
        LayerSpec(ConvolutionLayer(filters: filters, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                                   activation: activation ?? .linear, useBias: useBias))
    }
}
