// Optimizer: how the weights move after each batch, given the batch's mean gradient g.
//
// Keras 3's update rules (keras/src/optimizers/sgd.py, rmsprop.py, adam.py) with Keras' defaults, learning
// rate lr, step t = 1, 2, ..., every state starting at 0:
//   sgd:      w -= lr * g
//   momentum: v = 0.9 v - lr * g;  w += v                       (Keras SGD(momentum=0.9))
//   rmsprop:  s = 0.9 s + 0.1 g^2;  w -= lr * g / sqrt(s + 1e-7)            (RMSprop(rho=0.9, epsilon=1e-7))
//   adam:     m = 0.9 m + 0.1 g;  v = 0.999 v + 0.001 g^2;
//             w -= lr_t * m / (sqrt(v) + 1e-7),  lr_t = lr * sqrt(1 - 0.999^t) / (1 - 0.9^t)
//             (Adam(beta_1=0.9, beta_2=0.999, epsilon=1e-7): the bias correction is folded into the
//             learning rate and epsilon is added to sqrt(v), not to the root of the corrected v)
// The arithmetic is done in Keras' order (m += (g - m) * (1 - 0.9), and so on), in Double, so it agrees
// with Keras run in float64 to the last bits (Tests/CNNCoreTests/Fixtures/keras/, tools/fixtures/gen_keras.py).
// The default learning rates are Keras': 0.01 for sgd and momentum, 0.001 for rmsprop and adam.
import Glibc

/// A gradient-descent rule and its state.
public struct Optimizer: Sendable {
    /// The rules a learner can pick.
    public enum Kind: String, Sendable, CaseIterable {
        /// Plain gradient descent.
        case sgd
        /// Gradient descent with momentum 0.9.
        case momentum
        /// RMSprop: each weight's step divided by the root of its recent squared gradients.
        case rmsprop
        /// Adam: momentum and RMSprop together, with bias correction.
        case adam

        /// Keras' default learning rate for the rule.
        public var defaultLearningRate: Double {
            switch self {
            case .sgd, .momentum: return 0.01
            case .rmsprop, .adam: return 0.001
            }
        }

        /// The update written out, for the training header (Keras 3's rule as `update` computes it).
        public var formula: String { formulaLines.joined(separator: "; ") }

        /// The update written out as short lines: the rule, then (for adam) how its rate changes per step.
        public var formulaLines: [String] {
            switch self {
            case .sgd: return ["w -= lr * g"]
            case .momentum: return ["v = 0.9 v - lr * g; w += v"]
            case .rmsprop: return ["s = 0.9 s + 0.1 g^2; w -= lr * g / sqrt(s + 1e-7)"]
            case .adam:
                return ["m = 0.9 m + 0.1 g; v = 0.999 v + 0.001 g^2; w -= lr_t * m / (sqrt(v) + 1e-7)",
                        "lr_t = lr * sqrt(1 - 0.999^t) / (1 - 0.9^t) at step t = 1, 2, ... (Keras' bias correction)"]
            }
        }
    }

    /// The rule.
    public let kind: Kind
    /// The learning rate.
    public let learningRate: Double
    /// Steps taken so far.
    public private(set) var steps = 0
    private var first: [[Double]] = []
    private var second: [[Double]] = []

    /// Keras' epsilon.
    static let epsilon = 1e-7

    /// Creates an optimizer; throws unless the learning rate is a positive finite number.
    public init(kind: Kind, learningRate: Double? = nil) throws {
        let rate = learningRate ?? kind.defaultLearningRate
        guard rate.isFinite, rate > 0 else {
            throw CoreError("train: the learning rate must be a positive number, not \(Format.number(rate))",
                            hint: "Keras' default for \(kind.rawValue) is \(Format.number(kind.defaultLearningRate))")
        }
        self.kind = kind
        self.learningRate = rate
    }

    /// Moves `parameters` by the batch's mean gradients (same shapes): each gradient times `scale` (1 / the
    /// batch size when `gradients` are the batch's sums), rounded as a product of its own before the rule uses it.
    /// Every weight moves on its own, so large tensors are cut into pieces moved on the cores (the same bits).
    public mutating func update(_ parameters: inout [Tensor], gradients: [Tensor], scale: Double = 1) {
        if first.isEmpty {
            first = parameters.map { [Double](repeating: 0, count: $0.count) }
            second = first
        }
        steps += 1
        let rule = Rule(kind: kind, lr: learningRate, scale: scale, steps: steps)
        for p in parameters.indices where p < gradients.count && gradients[p].count == parameters[p].count {
            gradients[p].scalars.withUnsafeBufferPointer { g in
                first[p].withUnsafeMutableBufferPointer { m in
                    second[p].withUnsafeMutableBufferPointer { v in
                        parameters[p].withUnsafeMutableScalars { w in
                            let count = Swift.min(w.count, g.count, m.count, v.count)
                            guard count > 0, let pw = w.baseAddress, let pg = g.baseAddress, let pm = m.baseAddress,
                                  let pv = v.baseAddress else { return }
                            let state = State(w: pw, g: pg, m: pm, v: pv)
                            let pieces = Swift.max(1, Swift.min(4, count / Optimizer.piece))
                            guard pieces > 1 else { return rule.apply(state, 0..<count) }
                            _ = try? Parallel.map(pieces) { i in rule.apply(state, (i * count / pieces)..<((i + 1) * count / pieces)) }
                        }
                    }
                }
            }
        }
    }

    /// The fewest weights moved as one piece on one core.
    static let piece = 8_192

    /// One weight tensor's values, its gradient and its rule's state, for the worker threads (each piece
    /// touches only its own range).
    private struct State: @unchecked Sendable {
        let w: UnsafeMutablePointer<Double>, g: UnsafePointer<Double>
        let m: UnsafeMutablePointer<Double>, v: UnsafeMutablePointer<Double>
    }

    /// One step of the rule, with its constants for this step.
    private struct Rule: Sendable {
        let kind: Kind, lr: Double, scale: Double, alpha: Double
        // Keras' constants as Python computes them: 1 - 0.9 is 0.09999999999999998 in Double.
        let rho = 0.9, beta1 = 0.9, beta2 = 0.999

        init(kind: Kind, lr: Double, scale: Double, steps: Int) {
            self.kind = kind
            self.lr = lr
            self.scale = scale
            alpha = lr * (1 - Glibc.pow(beta2, Double(steps))).squareRoot() / (1 - Glibc.pow(beta1, Double(steps)))
        }

        /// Moves the weights in `range`.
        func apply(_ s: State, _ range: Range<Int>) {
            let w = s.w, m = s.m, v = s.v
            switch kind {
            case .sgd:
                for i in range { w[i] -= lr * (s.g[i] * scale) }
            case .momentum:
                for i in range {
                    m[i] = m[i] * 0.9 - (s.g[i] * scale) * lr
                    w[i] += m[i]
                }
            case .rmsprop:
                for i in range {
                    let g = s.g[i] * scale
                    v[i] = rho * v[i] + (1 - rho) * (g * g)
                    w[i] -= (lr * g) / (v[i] + Optimizer.epsilon).squareRoot()
                }
            case .adam:
                for i in range {
                    let g = s.g[i] * scale
                    m[i] += (g - m[i]) * (1 - beta1)
                    v[i] += (g * g - v[i]) * (1 - beta2)
                    w[i] -= (m[i] * alpha) / (v[i].squareRoot() + Optimizer.epsilon)
                }
            }
        }
    }
}
