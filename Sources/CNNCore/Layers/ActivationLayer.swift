// ActivationLayer: Keras' Activation, one function applied to every value (softmax: along the last axis).
// The layer's operation is the identity and its activation is the function, so the network applies it as it
// applies a conv or dense layer's activation. No weights.

/// An activation layer.
public struct ActivationLayer: ModelLayer, Equatable {
    /// The function.
    public var activation: ActivationKind

    /// Creates the layer.
    public init(_ activation: ActivationKind) {
        self.activation = activation
    }

    public var kindName: String { "activation" }
    public var kerasClassName: String { "Activation" }
    public var kerasBaseName: String { "activation" }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        .unchanged(input, reason: "no weights: an activation is applied to each value on its own")
    }

    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor { input }

    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        LayerGradient(input: outputGradient)
    }
}

extension LayerSpec {
    /// An activation function applied to every value (Keras Activation).
    public static func activation(_ kind: ActivationKind) -> LayerSpec { LayerSpec(ActivationLayer(kind)) }
}
