// Losses: one number that says how far a prediction is from its target, and its gradient.
//
// Conventions (Keras' defaults, so numbers agree with a Keras model's `loss`):
//   - mse(y, t) = mean over ALL cells of (y - t)^2. Keras' MeanSquaredError averages over the last axis
//     and then over the batch, which is the same mean. The learning material's example: output (0.7, 0)
//     against target (1, 0) errs by 0.3 in the first output, so mse = (0.3^2 + 0^2) / 2 = 0.045.
//     Gradient: dL/dy = 2 (y - t) / n, n the number of cells (dL/dt is its negative).
//   - crossentropy(p, t) takes PROBABILITIES p (Keras' categorical_crossentropy with from_logits=False),
//     such as the output of softmax, and a target t of the same shape, usually one-hot. As Keras does, each
//     example's p is first rescaled to sum to 1, then clipped (Keras' epsilon 1e-7 keeps log(0) out):
//         q = p / sum(p),   per example: -sum over classes c of t_c * log(clip(q_c, 1e-7, 1 - 1e-7))
//     The last axis holds the classes; a vector is one example, a B x C matrix B examples, and the loss
//     is the mean over the examples. p = [0.5, 0.2, 0.1] against [1, 0, 0]: q_0 = 0.5 / 0.8 = 0.625, loss
//     -log(0.625) = 0.47, as in Keras. The gradient is that formula's: with T = sum of t_c over the
//     classes whose q_c was not clipped,
//         dL/dp_j = (T - t_j / q_j) / sum(p) / B      (T / sum(p) / B where q_j was clipped)
//     so p = [0.7, 0.2, 0.1], t = [1, 0, 0] gives [-0.43, 1, 1] (JAX through Keras' function gives the
//     same; Tests/CNNCoreTests/Fixtures/keras). Raising a wrong class's p lowers the others' share, which is
//     why its gradient is not 0. A clip exactly at a bound passes the gradient (1), as TensorFlow and
//     PyTorch do. An example whose p does not sum to a positive number is refused (Keras would give nan).
//   - When p was made by softmax(z), the two are computed together from the logits z (Keras does the same
//     when it sees a softmax output): per example sum_c t_c * (logsumexp(z) - z_c), with
//     logsumexp(z) = max z + log(sum_c e^(z_c - max z)), which never overflows, and the simple gradient
//         dL/dz_c = (softmax(z)_c * sum_c' t_c' - t_c) / B      (softmax(z) - t for a one-hot t)
//     `crossEntropy(logits:target:)` and `crossEntropyLogitsGradient` are that fused form.
import Glibc

/// The losses a learner can compute: their names as the language writes them.
public enum LossKind: String, Equatable, Sendable, CaseIterable {
    /// The mean squared error, `mse(y, t)`.
    case meanSquaredError = "mse"
    /// The categorical crossentropy of probabilities, `crossentropy(p, t)`.
    case crossEntropy = "crossentropy"
}

/// Loss values and their gradients.
public enum Loss {
    /// Keras' epsilon: probabilities are clipped to [epsilon, 1 - epsilon] before the logarithm.
    public static let epsilon = 1e-7

    // MARK: - Mean squared error

    /// mean((y - t)^2) over every cell; throws unless y and t have the same shape.
    public static func meanSquaredError(_ prediction: Tensor, _ target: Tensor) throws -> Double {
        try checkShapes(prediction, target, for: "mse")
        var sum = 0.0
        for i in 0..<prediction.count {
            let error = prediction.scalars[i] - target.scalars[i]
            sum += error * error
        }
        return sum / Double(prediction.count)
    }

    /// dL/dy = 2 (y - t) / n for the mean squared error (dL/dt is its negative).
    public static func meanSquaredErrorGradient(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
        try checkShapes(prediction, target, for: "mse")
        let n = Double(prediction.count)
        return Tensor(unchecked: prediction.shape,
                      scalars: (0..<prediction.count).map { 2 * (prediction.scalars[$0] - target.scalars[$0]) / n })
    }

    // MARK: - Crossentropy of probabilities

    /// The mean over examples of -sum_c t_c log(clip(q_c)), q = p / sum(p) per example (Keras'
    /// categorical_crossentropy); the last axis holds the classes. Throws if an example's p does not sum to
    /// a positive finite number.
    public static func crossEntropy(probabilities: Tensor, target: Tensor) throws -> Double {
        try checkShapes(probabilities, target, for: "crossentropy")
        let sums = try rowSums(probabilities)
        let length = probabilities.shape[probabilities.rank - 1]
        var total = 0.0
        for i in 0..<probabilities.count where target.scalars[i] != 0 {
            total -= target.scalars[i] * Glibc.log(clipped(probabilities.scalars[i] / sums[i / length]))
        }
        return total / Double(examples(in: probabilities))
    }

    /// dL/dp_j = (T - t_j / q_j) / sum(p) / B, with q = p / sum(p) and T the sum of t over the classes whose
    /// q is inside [1e-7, 1 - 1e-7] (the term t_j / q_j drops where q_j was clipped).
    public static func crossEntropyGradient(probabilities: Tensor, target: Tensor) throws -> Tensor {
        try checkShapes(probabilities, target, for: "crossentropy")
        let sums = try rowSums(probabilities)
        let length = Swift.max(probabilities.shape[probabilities.rank - 1], 1)
        let b = Double(examples(in: probabilities))
        var scalars = [Double](repeating: 0, count: probabilities.count)
        for (row, sum) in sums.enumerated() {
            let range = (row * length)..<((row + 1) * length)
            var kept = 0.0
            for i in range where !isClipped(probabilities.scalars[i] / sum) { kept += target.scalars[i] }
            for i in range {
                let q = probabilities.scalars[i] / sum
                let own = isClipped(q) ? 0 : target.scalars[i] / q
                scalars[i] = (kept - own) / sum / b
            }
        }
        return Tensor(unchecked: probabilities.shape, scalars: scalars)
    }

    /// dL/dt_c = -log(clip(q_c)) / B, q = p / sum(p): how the loss changes with the target (for completeness).
    public static func crossEntropyTargetGradient(probabilities: Tensor, target: Tensor) throws -> Tensor {
        try checkShapes(probabilities, target, for: "crossentropy")
        let sums = try rowSums(probabilities)
        let length = Swift.max(probabilities.shape[probabilities.rank - 1], 1)
        let b = Double(examples(in: probabilities))
        let scalars = (0..<probabilities.count).map { -Glibc.log(clipped(probabilities.scalars[$0] / sums[$0 / length])) / b }
        return Tensor(unchecked: probabilities.shape, scalars: scalars)
    }

    /// Each example's sum of p (what Keras divides p by); throws unless every sum is positive and finite.
    public static func rowSums(_ probabilities: Tensor) throws -> [Double] {
        let length = probabilities.rank == 0 ? 1 : probabilities.shape[probabilities.rank - 1]
        guard length > 0 else { return [] }
        var sums: [Double] = []
        var start = 0
        while start + length <= probabilities.count {
            let sum = probabilities.scalars[start..<(start + length)].reduce(0, +)
            guard sum.isFinite, sum > 0 else {
                let which = probabilities.count == length ? "p" : "example \(start / length)'s p"
                throw CoreError("crossentropy: \(which) sums to \(Format.number(sum)), and crossentropy divides p by its sum first (as Keras does)",
                                hint: "crossentropy takes probabilities, e.g. softmax(z); for raw scores use crossentropy(softmax(z), t)")
            }
            sums.append(sum)
            start += length
        }
        return sums
    }

    /// One example's term of the crossentropy of probabilities: -sum_c t_c log(clip(q_c)), q = p / sum(p).
    public static func crossEntropyTerm(probabilities p: ArraySlice<Double>, target t: ArraySlice<Double>, sum: Double) -> Double {
        zip(t, p).reduce(0) { $0 - ($1.0 == 0 ? 0 : $1.0 * Glibc.log(clipped($1.1 / sum))) }
    }

    /// The pieces of softmax over one row, as traces show them: the largest z, each e^(z - max z) and their
    /// sum; softmax(z)_i = exponentials[i] / total and log(sum e^z) = largest + log(total).
    public static func softmaxParts(_ values: ArraySlice<Double>) -> (largest: Double, exponentials: [Double], total: Double) {
        let largest = values.max() ?? 0
        let exponentials = values.map { Glibc.exp($0 - largest) }
        return (largest, exponentials, exponentials.reduce(0, +))
    }

    /// True when clip(q, 1e-7, 1 - 1e-7) changed q (a value exactly at a bound is not clipped).
    public static func isClipped(_ q: Double) -> Bool { !(q >= epsilon && q <= 1 - epsilon) }

    // MARK: - Crossentropy fused with softmax

    /// The crossentropy of softmax(logits) against `target`, computed from the logits without overflow.
    public static func crossEntropy(logits: Tensor, target: Tensor) throws -> Double {
        try checkShapes(logits, target, for: "crossentropy")
        let length = logits.shape[logits.rank - 1]
        var total = 0.0
        var start = 0
        while start + length <= logits.count {
            let lse = logSumExp(logits.scalars[start..<(start + length)])
            for i in start..<(start + length) where target.scalars[i] != 0 {
                total += target.scalars[i] * (lse - logits.scalars[i])
            }
            start += length
        }
        return total / Double(examples(in: logits))
    }

    /// dL/dz_c = (softmax(z)_c * sum(t) - t_c) / B for the crossentropy of softmax(z).
    public static func crossEntropyLogitsGradient(logits: Tensor, target: Tensor) throws -> Tensor {
        try checkShapes(logits, target, for: "crossentropy")
        let length = logits.shape[logits.rank - 1]
        let b = Double(examples(in: logits))
        let p = Activation.softmax(logits).scalars
        var dz = [Double](repeating: 0, count: logits.count)
        var start = 0
        while start + length <= logits.count {
            var targetSum = 0.0
            for i in start..<(start + length) { targetSum += target.scalars[i] }
            for i in start..<(start + length) { dz[i] = (p[i] * targetSum - target.scalars[i]) / b }
            start += length
        }
        return Tensor(unchecked: logits.shape, scalars: dz)
    }

    /// dL/dt_c = (logsumexp(z) - z_c) / B for the fused crossentropy.
    public static func crossEntropyLogitsTargetGradient(logits: Tensor, target: Tensor) throws -> Tensor {
        try checkShapes(logits, target, for: "crossentropy")
        let length = logits.shape[logits.rank - 1]
        let b = Double(examples(in: logits))
        var dt = [Double](repeating: 0, count: logits.count)
        var start = 0
        while start + length <= logits.count {
            let lse = logSumExp(logits.scalars[start..<(start + length)])
            for i in start..<(start + length) { dt[i] = (lse - logits.scalars[i]) / b }
            start += length
        }
        return Tensor(unchecked: logits.shape, scalars: dt)
    }

    // MARK: - Helpers

    /// The number of examples: every position but the last (class) axis; 1 for a vector.
    public static func examples(in tensor: Tensor) -> Int {
        tensor.count / Swift.max(tensor.shape[tensor.rank - 1], 1)
    }

    /// max z + log(sum e^(z - max z)): log(sum e^z) without overflow (the crossentropy's, which traces show).
    public static func logSumExp(_ values: ArraySlice<Double>) -> Double {
        guard let largest = values.max(), largest.isFinite else { return values.max() ?? .nan }
        var sum = 0.0
        for z in values { sum += Glibc.exp(z - largest) }
        return largest + Glibc.log(sum)
    }

    /// p limited to [epsilon, 1 - epsilon].
    public static func clipped(_ p: Double) -> Double {
        Swift.min(Swift.max(p, epsilon), 1 - epsilon)
    }

    /// Throws unless prediction and target have the same shape.
    static func checkShapes(_ prediction: Tensor, _ target: Tensor, for name: String) throws {
        guard prediction.shape == target.shape else {
            throw CoreError(
                "\(name): the prediction is \(prediction.shapeDescription) but the target is \(target.shapeDescription); they must have the same shape",
                hint: name == "crossentropy" ? "the target is usually one-hot: a 1 for the right class, 0 elsewhere, e.g. [1, 0, 0]"
                                             : "give one target value for every output value")
        }
    }
}
