// Activations: the non-linear functions applied after a convolution or dense layer.
//
// All but softmax work element by element and keep the shape (ReLU applied to a feature map gives the
// activation map of the same size). Softmax works along the last axis: each vector (each row of a
// matrix, each pixel's channels of a map) becomes positive values that sum to 1.
// Numerical care, as in Keras/NumPy:
//   - sigmoid uses 1/(1 + e^-x) for x >= 0 and e^x/(1 + e^x) below, so e^ never overflows for large |x|;
//   - softmax subtracts each vector's largest value before e^, which changes nothing mathematically but
//     keeps softmax([1000, 1001, 1002]) finite.
// Leaky ReLU's slope defaults to 0.3, the default of Keras 3's LeakyReLU layer (`negative_slope=0.3`;
// note that tf.nn.leaky_relu and PyTorch default to 0.2 and 0.01). Like Keras, a negative slope is refused.
// NaN passes through every function unchanged, as in NumPy.
import Glibc

/// The activation functions of the core, by `ActivationKind` or one by one.
public enum Activation {
    /// Leaky ReLU's slope for negative inputs when none is given: 0.3, as Keras 3's LeakyReLU.
    public static let defaultLeakySlope = 0.3

    /// Applies an activation to every element (softmax: to every vector along the last axis).
    /// `slope` is used by `.leakyrelu` only and must be a finite number of 0 or more.
    public static func apply(_ kind: ActivationKind, to input: Tensor,
                             slope: Double = defaultLeakySlope) throws -> Tensor {
        if kind != .linear { try Limits.checkMemory(forElements: input.count, what: kind.rawValue, shape: input.shape) }
        switch kind {
        case .relu:
            let count = input.count
            let values = input.scalars.withUnsafeBufferPointer { x in
                [Double](unsafeUninitializedCapacity: count) { y, initialized in
                    for i in 0..<count { y[i] = relu(x[i]) }
                    initialized = count
                }
            }
            return Tensor(unchecked: input.shape, scalars: values)
        case .relu6:
            return input.map(relu6)
        case .leakyrelu:
            guard slope.isFinite, slope >= 0 else {
                throw CoreError("leakyrelu: the slope must be a number of 0 or more, not \(Format.number(slope))",
                                hint: "Keras' LeakyReLU uses 0.3 by default; 0 gives plain relu")
            }
            return input.map { leakyRelu($0, slope: slope) }
        case .sigmoid:
            return input.map(sigmoid)
        case .tanh:
            return input.map { Glibc.tanh($0) }
        case .softmax:
            return softmax(input)
        case .linear:
            return input
        }
    }

    /// relu on every example of a batch in place (the examples on the cores): each value becomes `relu` of it.
    /// Training's forward pass, which keeps no separate copy of a relu layer's input (relu's slope is read from
    /// its output: `reluBackwardInPlace`).
    public static func reluInPlace(_ batch: inout [Tensor]) throws {
        try batch.withUnsafeMutableBufferPointer { examples in
            let shared = SharedExamples(base: examples.baseAddress, count: examples.count)
            _ = try Parallel.map(examples.count) { i in
                guard let base = shared.base, i < shared.count else { return }
                base[i].withUnsafeMutableScalars { y in
                    for j in y.indices { y[j] = relu(y[j]) }
                }
            }
        }
    }

    /// A batch's examples for the worker threads; each piece mutates only its own example.
    struct SharedExamples: @unchecked Sendable {
        let base: UnsafeMutablePointer<Tensor>?
        let count: Int
    }

    /// max(0, x); NaN stays NaN, and relu(-0.0) is +0.0 (as in Keras), so it never prints as -0.00.
    @inline(__always)
    public static func relu(_ x: Double) -> Double {
        x > 0 || x.isNaN ? x : 0
    }

    /// min(max(0, x), 6); NaN stays NaN.
    @inline(__always)
    public static func relu6(_ x: Double) -> Double {
        x.isNaN ? x : Swift.min(Swift.max(x, 0), 6) + 0
    }

    /// x for x >= 0, slope * x below; NaN stays NaN.
    @inline(__always)
    public static func leakyRelu(_ x: Double, slope: Double) -> Double {
        x < 0 ? slope * x : x
    }

    /// 1 / (1 + e^-x), computed without overflow: sigmoid(-1000) is 0 and sigmoid(1000) is 1.
    public static func sigmoid(_ x: Double) -> Double {
        if x >= 0 {
            return 1 / (1 + Glibc.exp(-x))
        }
        let e = Glibc.exp(x)  // x < 0 (or NaN), so e is at most 1
        return e / (1 + e)
    }

    /// e^(x_i - max) / sum_j e^(x_j - max) along the last axis; every vector sums to 1.
    public static func softmax(_ input: Tensor) -> Tensor {
        var output = input
        let length = Swift.max(input.shape.last ?? 1, 1)
        output.withUnsafeMutableScalars { values in
            var start = 0
            while start + length <= values.count {
                let end = start + length
                var largest = values[start]
                for i in start..<end where values[i] > largest { largest = values[i] }
                var sum = 0.0
                for i in start..<end {
                    values[i] = Glibc.exp(values[i] - largest)
                    sum += values[i]
                }
                for i in start..<end { values[i] /= sum }
                start = end
            }
        }
        return output
    }

    /// The function written out for step headers, e.g. "relu(x) = max(0, x)".
    public static func formula(_ kind: ActivationKind, slope: Double = defaultLeakySlope) -> String {
        switch kind {
        case .relu: return "relu(x) = max(0, x)"
        case .relu6: return "relu6(x) = min(max(0, x), 6)"
        case .leakyrelu: return "leakyrelu(x) = x if x >= 0, else \(Format.number(slope)) * x"
        case .sigmoid: return "sigmoid(x) = 1 / (1 + e^-x)"
        case .tanh: return "tanh(x) = (e^x - e^-x) / (e^x + e^-x)"
        case .softmax: return "softmax(x)_i = e^(x_i - max x) / sum_j e^(x_j - max x), along the last axis"
        case .linear: return "linear(x) = x"
        }
    }
}
