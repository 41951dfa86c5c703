// BatchNormOperation: `batchnorm(x, gamma, beta, mean, var, eps=0.001)`, batch normalization in its
// inference form (Keras' BatchNormalization when predicting), everything specific to it.
//
// Operands: input, then one vector per channel (the last axis) each of gamma, beta, mean and var. Forward
// and backward are CNNCore's BatchNormalization; a trace writes one cell's formula with its numbers; the
// walk back is cell by cell; NumPy code is the formula itself, broadcasting over the last axis.
import CNNCore

/// Batch normalization with given statistics.
public struct BatchNormOperation: StepOperation {
    /// The epsilon added to the variance.
    public let epsilon: Double

    /// Creates the operation.
    public init(epsilon: Double = BatchNormalization.defaultEpsilon) {
        self.epsilon = epsilon
    }

    public var name: String { "normalized" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: "batchnorm")
        return .tensor(try BatchNormalization.apply(try o.tensor(0), gamma: try o.tensor(1), beta: try o.tensor(2), mean: try o.tensor(3),
                                                    variance: try o.tensor(4), epsilon: epsilon))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        let d = try BatchNormalization.backward(try o.tensor(0), gamma: try o.tensor(1), mean: try o.tensor(3), variance: try o.tensor(4),
                                                epsilon: epsilon, outputGradient: g)
        // d/dx, d/dgamma, d/dbeta, d/dmean, d/dvar, in operand order.
        return paired(step, [d[0], d[1], d[2], d[3], d[4]])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard operands.count == 5, let x = operands[0].tensor, let value = x.value(at: index) else { return nil }
        let vectors = operands.dropFirst().map { $0.numeric }
        let c = index.last ?? 0
        guard vectors.allSatisfy({ ($0?.count ?? 0) > c }) else { return nil }
        let v = vectors.map { $0?.scalars[c] ?? 0 }
        let y = v[0] * (value - v[2]) / (v[3] + epsilon).squareRoot() + v[1]
        return .normalized(input: operands[0], channel: c, x: value, gamma: v[0], beta: v[1], mean: v[2], variance: v[3],
                           epsilon: epsilon, value: y)
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink { .cellByCell(text: "batchnorm, cell by cell") }

    public var operandRoles: [String] { ["x", "gamma", "beta", "mean", "var"] }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 5, c.operands.allSatisfy({ $0.tensor != nil }) else { return nil }
        let r = (0..<5).map { c.reference($0, or: operandRoles[$0]) }
        return NumPyStep("\(r[1]) * (\(r[0]) - \(r[3])) / np.sqrt(\(r[4]) + \(PythonText.float(epsilon))) + \(r[2])",
                         note: "batch normalization with given statistics, per channel (the last axis)")
    }

    /// The built-in `batchnorm`.
    static let builtin = Builtin(
        name: "batchnorm", category: .layers,
        parameters: [
            Parameter("input", .tensor, "a tensor whose last axis is the channels (H x W x C)"),
            Parameter("gamma", .tensor, "C scales"),
            Parameter("beta", .tensor, "C shifts"),
            Parameter("mean", .tensor, "C means"),
            Parameter("var", .tensor, "C variances"),
            Parameter("eps", .number, default: "0.001", "added to the variance (Keras' epsilon)"),
        ],
        summary: "Batch normalization, inference form: (x - mean)/sqrt(var + eps)*gamma + beta per channel.",
        details: """
            Each channel is shifted to mean 0 and scaled to variance 1 by the statistics given, then scaled by gamma
            and shifted by beta. A `batchnorm` model layer uses the batch's own statistics while training and its
            moving averages (momentum 0.99) when predicting.
            """,
        examples: ["n = batchnorm(maps, ones(3), zeros(3), [0.5, 1, 2], [1, 4, 0.25])"],
        updatesInPlace: true,
        body: { context in
            let input = try context.requiredTensor("input")
            let epsilon = try context.number("eps") ?? BatchNormalization.defaultEpsilon
            let operands = context.operands(["input", "gamma", "beta", "mean", "var"])
            let operation = BatchNormOperation(epsilon: epsilon)
            let output = try operation.forward(operands)
            context.step = Step(operation: operation, operands: operands, summary: .batchNorm(shape: input.shape, epsilon: epsilon))
            return output
        })
}

// MARK: - The model layer `batchnorm` (Keras BatchNormalization)

extension BatchNormLayer: LayerLanguage {
    /// The language has no words for another epsilon or momentum, so a model read from a file with others says
    /// them in a comment (the layer computes with them).
    var line: String {
        guard epsilon != BatchNormalization.defaultEpsilon || momentum != BatchNormalization.momentum else { return "batchnorm" }
        return "batchnorm   # epsilon \(Format.number(epsilon)), momentum \(Format.number(momentum))"
    }
    static let lineUsage = "batchnorm (per channel; batch statistics in training, moving averages when predicting)"

    static var keywords: [LayerKeyword] {
        [LayerKeyword(name: "batchnorm",
                      weights: .counted(sizes: 1, usage: "params batchnorm takes the number of channels, e.g. params batchnorm 64",
                                        count: { try ParameterCount.batchNorm(channels: $0[0]).total }),
                      read: { line, words in try ModelBuilder.nothingAfter(line, words, .batchNorm()) })]
    }

    /// `run` predicts: the inference form with the moving averages.
    func run(_ input: LayerRunInput) throws -> LayerRun {
        let weights = (0..<4).compactMap { input.weight($0) }
        guard weights.count == 4 else { throw CoreError("\(input.label): the weights are missing") }
        let operation = BatchNormOperation(epsilon: epsilon)
        let operands = [input.input] + weights
        let output = try operation.forward(operands).tensorValue(input.label)
        let step = Step(operation: operation, operands: operands, summary: .batchNorm(shape: input.tensor.shape, epsilon: epsilon))
        let expression = "batchnorm(\(([input.inputName] + weights.map(\.text)).joined(separator: ", ")))"
        return try input.finish(output: output, expression: expression, step: step, activation: nil)
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        [PythonRow(code: "layers.BatchNormalization(),", comment: LayerCode.kerasComment(layer) + " (momentum 0.99, epsilon 0.001)")]
    }

    /// PyTorch's momentum is Keras' 1 - momentum; its running variance is updated with the unbiased variance.
    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        let channels = layer.inputShape.last ?? 1
        let kind = layer.inputShape.count == 3 ? "BatchNorm2d" : "BatchNorm1d"
        return [TorchModule(name: layer.name, code: "nn.\(kind)(\(channels), eps=0.001, momentum=0.01)",
                            comment: LayerCode.torchComment(layer)
                                + "; momentum 0.01 is Keras' 0.99; the running mean and variance are buffers, not parameters")]
    }
}
