// ActivationKind: the names of the activation functions, as a model spec and the script language write them.
//
// The raw values are the lower-case names Keras accepts for `activation=` ("relu", "softmax", ...), with
// Keras' LeakyReLU layer written "leakyrelu". The functions themselves live in Activations.swift.

/// An activation function by name.
public enum ActivationKind: String, Equatable, Hashable, Sendable, CaseIterable {
    /// max(0, x).
    case relu
    /// 1 / (1 + e^-x), squashing any value into (0, 1).
    case sigmoid
    /// The hyperbolic tangent, squashing any value into (-1, 1).
    case tanh
    /// e^x_i / sum_j e^x_j over the last axis: values that are positive and sum to 1.
    case softmax
    /// x for x >= 0, slope * x below (Keras 3's LeakyReLU; default slope 0.3).
    case leakyrelu
    /// min(max(0, x), 6): ReLU capped at 6 (Keras' ReLU(max_value=6), MobileNet's activation).
    case relu6
    /// x unchanged (Keras' "linear", i.e. no activation).
    case linear
}
