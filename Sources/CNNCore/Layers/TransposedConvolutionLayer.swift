// TransposedConvolutionLayer: Keras' Conv2DTranspose as a model layer, the learned upsampling of U-Net's decoder.
//
// Shapes: out = (in - 1)*stride + k - 2*pad + output_padding per axis (TransposedConvolution.swift: Keras 3's
// rule; same without output_padding gives in*stride). Weights: a kh x kw x F x Cin kernel (Keras' layout;
// keras' compute_fans then takes fan-in kh*kw*F and fan-out kh*kw*Cin) and F biases. Forward and backward
// are the core's TransposedConvolution.
// Receptive field: an output cell sees at most ceil(k/s) input cells per axis, and neighbouring output cells
// are 1/s input cells apart (ReceptiveField.transposed: the jump divides by s).

/// A transposed convolution layer (Keras Conv2DTranspose).
public struct TransposedConvolutionLayer: ModelLayer, Equatable {
    /// The number of output channels (F).
    public var filters: Int
    /// The kernel's size.
    public var kernel: Pair
    /// The upsampling stride.
    public var stride: Pair
    /// valid or same.
    public var padding: Padding
    /// Extra rows/columns at the bottom/right, or nil (Keras' None).
    public var outputPadding: Pair?
    /// The activation after it.
    public var activation: ActivationKind
    /// Whether each filter adds a bias.
    public var useBias: Bool

    /// Creates the layer; the defaults are Keras'.
    public init(filters: Int, kernel: Pair, stride: Pair = Pair(square: 1), padding: Padding = .valid, outputPadding: Pair? = nil,
                activation: ActivationKind = .linear, useBias: Bool = true) {
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.activation = activation
        self.useBias = useBias
    }

    public var kindName: String { "transposedconv" }
    public var kerasClassName: String { "Conv2DTranspose" }
    public var kerasBaseName: String { "conv2d_transpose" }

    /// The core transposed convolution with this layer's settings.
    public func transposed() throws -> TransposedConvolution {
        try TransposedConvolution(stride: stride, padding: padding, outputPadding: outputPadding)
    }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        try LayerRules.requireImage(input.shape, for: "transposedconv", label: input.label)
        try LayerRules.checkSize(filters, "number of filters", label: input.label)
        for size in [kernel.rows, kernel.cols] { try LayerRules.checkSize(size, "kernel size", label: input.label) }
        for size in [stride.rows, stride.cols] { try LayerRules.checkSize(size, "stride", label: input.label) }
        let settings = try transposed()
        let rows = settings.axis(input: input.shape[0], kernel: kernel.rows, stride: stride.rows, outputPadding: outputPadding?.rows)
        let cols = settings.axis(input: input.shape[1], kernel: kernel.cols, stride: stride.cols, outputPadding: outputPadding?.cols)
        for axis in [rows, cols] {
            guard axis.output.value >= 1 else { throw CoreError("\(input.label): the output would have no rows or columns (\(axis.output.formula))") }
            try LayerRules.checkSize(axis.output.value, "output size", label: input.label)
        }
        let parameters = try ParameterCount.transposed(kernel: kernel, outputs: filters, inputs: input.shape[2], bias: useBias)
        return LayerShape(outputShape: [rows.output.value, cols.output.value, filters], parameters: parameters,
                          outputRows: rows.output, outputCols: cols.output,
                          receptiveField: input.field.flatMap {
                              ReceptiveField.transposed($0, kernel: kernel, stride: stride, zerosBefore: Pair(rows.padBefore, cols.padBefore))
                          })
    }

    public func weights(inputShape: [Int]) throws -> [WeightShape] {
        let inputs = inputShape.last ?? 1
        let kernelWeights = WeightShape.kernel([kernel.rows, kernel.cols, filters, inputs],
                                               fanIn: [kernel.rows, kernel.cols, filters], fanOut: [kernel.rows, kernel.cols, inputs])
        return [kernelWeights] + (useBias ? [.bias(filters)] : [])
    }

    public func workFactors(inputShape: [Int], outputShape: [Int]) -> [Int] {
        inputShape + [kernel.rows, kernel.cols, filters]
    }

    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor {
        try transposed().apply(input, kernel: weights[0], bias: weights.count > 1 ? weights[1] : nil)
    }

    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        let d = try transposed().backward(input: input, kernel: weights[0], biasShape: weights.count > 1 ? weights[1].shape : nil,
                                          outputGradient: outputGradient)
        return LayerGradient(input: d.input, weights: [d.kernel] + (d.bias.map { [$0] } ?? []))
    }
}

extension LayerSpec {
    /// A transposed convolution layer (Keras Conv2DTranspose).
    public static func transposedConv(filters: Int, kernel: Pair, stride: Pair = Pair(square: 1), padding: Padding = .valid,
                                      outputPadding: Pair? = nil, activation: ActivationKind? = nil, useBias: Bool = true) -> LayerSpec {
        LayerSpec(TransposedConvolutionLayer(filters: filters, kernel: kernel, stride: stride, padding: padding, outputPadding: outputPadding,
                                             activation: activation ?? .linear, useBias: useBias))
    }
}
