// UpsampleLayer: Keras' UpSampling2D (nearest), every cell repeated size x size times.
//
// Shapes: (H*r) x (W*c) x C. No weights. Receptive field: the same size, and neighbouring output cells are
// 1/size input cells apart (ReceptiveField.upsampled: the jump divides by the size).
// Forward and backward are the core's Upsample.

/// An upsampling layer.
public struct UpsampleLayer: ModelLayer, Equatable {
    /// The factor along rows and columns.
    public var size: Pair

    /// Creates the layer.
    public init(size: Pair) {
        self.size = size
    }

    public var kindName: String { "upsample" }
    public var kerasClassName: String { "UpSampling2D" }
    public var kerasBaseName: String { "up_sampling2d" }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        try LayerRules.requireImage(input.shape, for: "upsample", label: input.label)
        try LayerRules.checkSize(size.rows, "size", label: input.label)
        try LayerRules.checkSize(size.cols, "size", label: input.label)
        let shape = try Upsample.outputShape(input.shape, size: size)
        try LayerRules.checkSize(shape[0], "output height", label: input.label)
        try LayerRules.checkSize(shape[1], "output width", label: input.label)
        return LayerShape(outputShape: shape,
                          parameters: Derivation(value: 0, formula: "no weights: upsampling only repeats values"),
                          outputRows: Derivation(value: shape[0], formula: "out = \(input.shape[0])*\(size.rows) = \(shape[0])"),
                          outputCols: Derivation(value: shape[1], formula: "out = \(input.shape[1])*\(size.cols) = \(shape[1])"),
                          receptiveField: input.field.flatMap { ReceptiveField.upsampled($0, by: size) })
    }

    public func workFactors(inputShape: [Int], outputShape: [Int]) -> [Int] { outputShape }

    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor {
        try Upsample.apply(input, size: size)
    }

    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        LayerGradient(input: try Upsample.backward(inputShape: input.shape, size: size, outputGradient: outputGradient))
    }
}

extension LayerSpec {
    /// Nearest upsampling (Keras UpSampling2D).
    public static func upsample(_ size: Pair) -> LayerSpec { LayerSpec(UpsampleLayer(size: size)) }
}
