// BatchNormalization: Keras' BatchNormalization over the last axis (the channels of H x W x C).
//
// Inference form, for every cell with channel c:
//     y = gamma[c] * (x - mean[c]) / sqrt(var[c] + eps) + beta[c]          (Keras' epsilon 0.001)
// In training a layer uses the batch's own statistics instead (every cell of every example of channel c):
//     mu = mean(x),  sigma2 = mean((x - mu)^2)   (the biased variance, as Keras and the original paper),
// and moves its moving averages, which inference uses, towards them with momentum 0.99:
//     moving_mean = 0.99 * moving_mean + 0.01 * mu     (the same for the variance)
// (Keras writes this as moving -= (moving - batch) * (1 - momentum); the same numbers to rounding.)
// Gradients of the inference form (x-hat = (x - mean)/sqrt(var + eps), g = dL/dy):
//     dx = g * gamma / sqrt(var + eps);  dgamma = sum g * x-hat;  dbeta = sum g;
//     dmean = -sum g * gamma / sqrt(var + eps);  dvar = sum g * gamma * (x - mean) * (-1/2) (var + eps)^(-3/2)
// and of the training form, where the batch statistics depend on x too (Ioffe & Szegedy 2015, N cells):
//     dx = gamma / sqrt(sigma2 + eps) * (g - mean(g) - x-hat * mean(g * x-hat))

/// Batch normalization arithmetic, per channel (the last axis).
public enum BatchNormalization {
    /// Keras' default epsilon.
    public static let defaultEpsilon = 0.001
    /// Keras' default momentum of the moving averages.
    public static let momentum = 0.99

    /// The number of channels of `shape` (its last size; 1 for a number).
    static func channels(_ shape: [Int]) -> Int { shape.last ?? 1 }

    /// Checks that every per-channel vector has one value per channel and epsilon is positive.
    public static func check(inputShape: [Int], vectors: [(String, [Int])], epsilon: Double) throws {
        let c = channels(inputShape)
        for (name, shape) in vectors where shape != [c] {
            throw CoreError("batchnorm: \(name) must have one value per channel (\(c)), not \(Shape.describe(shape))",
                            hint: "the channels are the last axis of \(Shape.describe(inputShape))")
        }
        guard epsilon.isFinite, epsilon > 0 else {
            throw CoreError("batchnorm: eps must be a positive number, not \(Format.number(epsilon))", hint: "Keras uses 0.001")
        }
    }

    /// Checks that every channel's var + eps is positive (a square root is taken of it).
    static func checkVariance(_ variance: Tensor, epsilon: Double) throws {
        for (c, v) in variance.scalars.enumerated() where !(v + epsilon > 0) {
            throw CoreError("batchnorm: var + eps must be positive, but channel \(c) has var \(Format.number(v))",
                            hint: "a variance is 0 or more")
        }
    }

    /// The inference form with the given statistics.
    public static func apply(_ x: Tensor, gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor,
                             epsilon: Double = defaultEpsilon) throws -> Tensor {
        try check(inputShape: x.shape, vectors: [("gamma", gamma.shape), ("beta", beta.shape), ("mean", mean.shape), ("var", variance.shape)],
                  epsilon: epsilon)
        try checkVariance(variance, epsilon: epsilon)
        let c = channels(x.shape)
        var out = x.scalars
        for i in out.indices {
            let k = i % c
            out[i] = gamma.scalars[k] * (x.scalars[i] - mean.scalars[k]) / (variance.scalars[k] + epsilon).squareRoot() + beta.scalars[k]
        }
        return Tensor(unchecked: x.shape, scalars: out)
    }

    /// The gradients of the inference form: x, gamma, beta, mean, var.
    public static func backward(_ x: Tensor, gamma: Tensor, mean: Tensor, variance: Tensor, epsilon: Double,
                                outputGradient g: Tensor) throws -> [Tensor] {
        try GradientShapes.check(g, expected: x.shape, for: "batchnorm")
        let c = channels(x.shape)
        var dx = [Double](repeating: 0, count: x.count)
        var dgamma = [Double](repeating: 0, count: c), dbeta = dgamma, dmean = dgamma, dvar = dgamma
        for i in 0..<x.count {
            let k = i % c
            let root = (variance.scalars[k] + epsilon).squareRoot()
            let centred = x.scalars[i] - mean.scalars[k]
            dx[i] = g.scalars[i] * gamma.scalars[k] / root
            dgamma[k] += g.scalars[i] * centred / root
            dbeta[k] += g.scalars[i]
            dmean[k] -= g.scalars[i] * gamma.scalars[k] / root
            dvar[k] += g.scalars[i] * gamma.scalars[k] * centred * -0.5 / (root * root * root)
        }
        return [Tensor(unchecked: x.shape, scalars: dx)] + [dgamma, dbeta, dmean, dvar].map { Tensor(unchecked: [c], scalars: $0) }
    }

    /// Each channel's mean and (biased) variance over every cell of every example of a batch.
    public static func statistics(_ batch: [Tensor]) -> (mean: [Double], variance: [Double]) {
        let c = channels(batch.first?.shape ?? [1])
        var sum = [Double](repeating: 0, count: c), count = 0
        for x in batch { for i in 0..<x.count { sum[i % c] += x.scalars[i] }; count += x.count / max(c, 1) }
        let mean = sum.map { $0 / Double(max(count, 1)) }
        var squares = [Double](repeating: 0, count: c)
        for x in batch { for i in 0..<x.count { let d = x.scalars[i] - mean[i % c]; squares[i % c] += d * d } }
        return (mean, squares.map { $0 / Double(max(count, 1)) })
    }

    /// A batch in training: normalized with the batch's own statistics; returns the outputs and the statistics.
    public static func trainingForward(_ batch: [Tensor], gamma: Tensor, beta: Tensor, epsilon: Double = defaultEpsilon)
        throws -> (outputs: [Tensor], mean: [Double], variance: [Double]) {
        let (mean, variance) = statistics(batch)
        let m = Tensor(unchecked: [mean.count], scalars: mean), v = Tensor(unchecked: [variance.count], scalars: variance)
        return (try batch.map { try apply($0, gamma: gamma, beta: beta, mean: m, variance: v, epsilon: epsilon) }, mean, variance)
    }

    /// The gradients of a training batch: each example's dx, and dgamma, dbeta summed over the batch.
    public static func trainingBackward(_ batch: [Tensor], gamma: Tensor, epsilon: Double = defaultEpsilon,
                                        outputGradients: [Tensor]) throws -> (inputs: [Tensor], gamma: Tensor, beta: Tensor) {
        let c = channels(batch.first?.shape ?? [1])
        let (mean, variance) = statistics(batch)
        var n = 0
        for x in batch { n += x.count / max(c, 1) }
        var gSum = [Double](repeating: 0, count: c), gxSum = gSum
        for (x, g) in zip(batch, outputGradients) {
            try GradientShapes.check(g, expected: x.shape, for: "batchnorm")
            for i in 0..<x.count {
                let k = i % c
                gSum[k] += g.scalars[i]
                gxSum[k] += g.scalars[i] * (x.scalars[i] - mean[k]) / (variance[k] + epsilon).squareRoot()
            }
        }
        let count = Double(max(n, 1))
        let inputs = zip(batch, outputGradients).map { x, g in
            var dx = [Double](repeating: 0, count: x.count)
            for i in 0..<x.count {
                let k = i % c
                let root = (variance[k] + epsilon).squareRoot()
                let xhat = (x.scalars[i] - mean[k]) / root
                dx[i] = gamma.scalars[k] / root * (g.scalars[i] - gSum[k] / count - xhat * gxSum[k] / count)
            }
            return Tensor(unchecked: x.shape, scalars: dx)
        }
        return (inputs, Tensor(unchecked: [c], scalars: gxSum), Tensor(unchecked: [c], scalars: gSum))
    }

    /// Keras' update of a moving average towards the batch's statistic: moving - (moving - batch) * (1 - momentum).
    public static func moved(_ moving: Double, towards batch: Double) -> Double {
        moving - (moving - batch) * (1 - momentum)
    }
}
