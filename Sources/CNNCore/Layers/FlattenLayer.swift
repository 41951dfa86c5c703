// FlattenLayer: Keras' Flatten: all values in one vector, H x W x C -> H*W*C, pixel by pixel. No weights.

/// A flatten layer.
public struct FlattenLayer: ModelLayer, Equatable {
    /// Creates the layer.
    public init() {}

    public var kindName: String { "flatten" }
    public var kerasClassName: String { "Flatten" }
    public var kerasBaseName: String { "flatten" }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        guard let length = Shape.product(input.shape) else {
            throw CoreError("\(input.label): flattening \(Shape.describe(input.shape)) gives too many values to count")
        }
        let formula = input.shape.count == 1 ? Format.count(length) : "\(Shape.describe(input.shape)) = \(Format.count(length))"
        return LayerShape(outputShape: [length],
                          parameters: Derivation(value: 0, formula: "no weights: flatten only lines the values up in one vector"),
                          flattenedSize: Derivation(value: length, formula: formula))
    }

    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor {
        Flatten.apply(input)
    }

    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        LayerGradient(input: try outputGradient.reshaped(input.shape))
    }
}

extension LayerSpec {
    /// Flatten (Keras Flatten): all values in one vector, H x W x C -> H*W*C.
    public static var flatten: LayerSpec { LayerSpec(FlattenLayer()) }
}
