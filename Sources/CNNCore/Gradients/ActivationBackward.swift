// ActivationBackward: the gradients of the activation functions with respect to their input.
//
// An element-wise activation y = f(x) passes the gradient on scaled by its slope at x:
//     dL/dx = dL/dy * f'(x)
//   relu:      f'(x) = 1 for x > 0, else 0 (0 at x = 0 itself, as TensorFlow and JAX take it)
//   relu6:     f'(x) = 1 for 0 < x < 6, else 0
//   leakyrelu: f'(x) = 1 for x >= 0, slope below (the forward pass uses x for x >= 0)
//   sigmoid:   f'(x) = s(x) * (1 - s(x))
//   tanh:      f'(x) = 1 - tanh(x)^2
//   linear:    f'(x) = 1
// Softmax mixes a whole vector (along the last axis), so each input gets the gradient of every output:
//     dL/dx_i = y_i * (dL/dy_i - sum_j dL/dy_j * y_j)
// When softmax feeds crossentropy, the two are differentiated together from the logits instead (Losses.swift),
// which is simpler and stable.
import Glibc

extension Activation {
    /// The slope f'(x) of an element-wise activation at x (softmax has no per-element slope: nil).
    public static func derivative(_ kind: ActivationKind, at x: Double, slope: Double = defaultLeakySlope) -> Double? {
        switch kind {
        case .relu: return reluSlope(x)
        case .relu6: return x > 0 && x < 6 ? 1 : (x.isNaN ? .nan : 0)
        case .leakyrelu: return x < 0 ? slope : (x.isNaN ? .nan : 1)
        case .sigmoid:
            let s = sigmoid(x)
            return s * (1 - s)
        case .tanh:
            let t = Glibc.tanh(x)
            return 1 - t * t
        case .linear: return 1
        case .softmax: return nil
        }
    }

    /// relu's slope at x: 1 above 0, NaN for NaN, else 0.
    @inline(__always)
    static func reluSlope(_ x: Double) -> Double {
        x > 0 ? 1 : (x.isNaN ? .nan : 0)
    }

    /// relu's dL/dx for every example of a batch, computed in place in `gradients` (dL/dy on entry), given
    /// relu's outputs: y > 0 exactly where x > 0 and y is NaN exactly where x is, so the slope read from y is
    /// relu's slope at x, and the values are the bits `backward(.relu, input: x, ...)` gives.
    public static func reluBackwardInPlace(outputs: [Tensor], gradients: inout [Tensor]) throws {
        guard outputs.count == gradients.count else {
            throw CoreError("relu: a batch of \(outputs.count) outputs has \(gradients.count) gradients")
        }
        for (y, g) in zip(outputs, gradients) { try GradientShapes.check(g, expected: y.shape, for: "relu") }
        try gradients.withUnsafeMutableBufferPointer { examples in
            let shared = SharedExamples(base: examples.baseAddress, count: examples.count)
            _ = try Parallel.map(examples.count) { i in
                guard let base = shared.base, i < shared.count else { return }
                outputs[i].scalars.withUnsafeBufferPointer { y in
                    base[i].withUnsafeMutableScalars { g in
                        for j in 0..<Swift.min(y.count, g.count) { g[j] = g[j] * reluSlope(y[j]) }
                    }
                }
            }
        }
    }

    /// dL/dx for an activation given the input `input` it was applied to and `outputGradient` = dL/dy.
    public static func backward(_ kind: ActivationKind, input: Tensor, outputGradient: Tensor,
                                slope: Double = defaultLeakySlope) throws -> Tensor {
        try GradientShapes.check(outputGradient, expected: input.shape, for: kind.rawValue)
        guard kind == .softmax else {
            let count = input.count
            let dx = input.scalars.withUnsafeBufferPointer { x in
                outputGradient.scalars.withUnsafeBufferPointer { g in
                    [Double](unsafeUninitializedCapacity: count) { dx, initialized in
                        if kind == .relu {
                            // The loop below with relu's slope written in (no switch per value).
                            for i in 0..<count { dx[i] = g[i] * reluSlope(x[i]) }
                        } else {
                            for i in 0..<count { dx[i] = g[i] * (derivative(kind, at: x[i], slope: slope) ?? 1) }
                        }
                        initialized = count
                    }
                }
            }
            return Tensor(unchecked: input.shape, scalars: dx)
        }
        let y = softmax(input).scalars
        let g = outputGradient.scalars
        var dx = [Double](repeating: 0, count: y.count)
        let length = Swift.max(input.shape.last ?? 1, 1)
        var start = 0
        while start + length <= y.count {
            var dot = 0.0
            for i in start..<(start + length) { dot.addProduct(g[i], y[i]) }
            for i in start..<(start + length) { dx[i] = y[i] * (g[i] - dot) }
            start += length
        }
        return Tensor(unchecked: input.shape, scalars: dx)
    }
}
