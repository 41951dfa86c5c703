// GlobalPoolingLayer: Keras' GlobalAveragePooling2D and GlobalMaxPooling2D: one value per map, H x W x C -> C.
// No weights; forward and backward are the core's GlobalPooling.

/// A global average or max pooling layer.
public struct GlobalPoolingLayer: ModelLayer, Equatable {
    /// Max or average.
    public var kind: Pooling.Kind

    /// Creates the layer.
    public init(kind: Pooling.Kind) {
        self.kind = kind
    }

    public var kindName: String { "global" + kind.operationName }
    public var kerasClassName: String { kind == .max ? "GlobalMaxPooling2D" : "GlobalAveragePooling2D" }
    public var kerasBaseName: String { kind == .max ? "global_max_pooling2d" : "global_average_pooling2d" }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        try LayerRules.requireImage(input.shape, for: "global pooling", label: input.label)
        let how = kind == .average ? "averages each whole map into one value" : "keeps the largest value of each whole map"
        return LayerShape(outputShape: [input.shape[2]], parameters: Derivation(value: 0, formula: "no weights: global pooling \(how)"))
    }

    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor {
        try GlobalPooling(kind: kind).apply(input)
    }

    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        LayerGradient(input: try GlobalPooling(kind: kind).backward(input: input, outputGradient: outputGradient))
    }
}

extension LayerSpec {
    /// Global average pooling (Keras GlobalAveragePooling2D): one mean per map, H x W x C -> C.
    public static var globalAvgPool: LayerSpec { LayerSpec(GlobalPoolingLayer(kind: .average)) }
    /// Global max pooling (Keras GlobalMaxPooling2D): one maximum per map, H x W x C -> C.
    public static var globalMaxPool: LayerSpec { LayerSpec(GlobalPoolingLayer(kind: .max)) }
}
