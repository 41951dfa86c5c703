// ActivationOperation: `relu`, `leakyrelu`, `sigmoid`, `tanh`, `softmax` (and the identity a dropout layer
// is when predicting), applied cell by cell (softmax: along the last axis).
//
// Operand: input. CNNCore's Activation computes it and its backward pass; a trace shows the value before
// and after (softmax: the vector, its maximum, the exponentials and their sum).
import CNNCore
import Glibc

/// An activation function.
public struct ActivationOperation: StepOperation {
    /// Which function.
    public let kind: ActivationKind
    /// The factor for negative values (leakyrelu only).
    public let slope: Double

    /// Creates the operation.
    public init(_ kind: ActivationKind, slope: Double = Activation.defaultLeakySlope) {
        self.kind = kind
        self.slope = slope
    }

    public var name: String { kind == .linear ? "same" : kind.rawValue }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try Activation.apply(kind, to: try Operands(operands, forward: name).tensor(0), slope: slope))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        paired(step, [try Activation.backward(kind, input: try backwardOperands(step).tensor(0), outputGradient: g, slope: slope)])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let input = operands.first?.tensor, let before = input.value(at: index) else { return nil }
        if kind == .softmax { return softmax(of: input, operand: operands[0], at: index) }
        let after = kind == .linear ? before : try Activation.apply(kind, to: Tensor(scalar: before), slope: slope).scalars[0]
        return .activation(kind, slope: slope, input: operands[0], before: before, after: after)
    }

    /// The vector along the last axis through `index`, with what softmax computes of it.
    private func softmax(of input: Tensor, operand: Operand, at index: [Int]) -> CellExplanation? {
        guard let length = input.shape.last, let position = index.last else { return nil }
        var start = index
        start[start.count - 1] = 0
        guard let base = input.offset(of: start), base + length <= input.count else { return nil }
        let x = Array(input.scalars[base..<(base + length)])
        guard let largest = x.max() else { return nil }
        let exponentials = x.map { Glibc.exp($0 - largest) }
        return .softmax(input: operand, vector: x, exponentials: exponentials, maximum: largest,
                        sum: exponentials.reduce(0, +), position: position)
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        .cellByCell(text: kind == .linear ? "unchanged" : "\(kind.rawValue), cell by cell")
    }

    public func gradientRule(position: Int) -> GradientRule { .activation(kind, slope: slope) }

    public var isActivation: Bool { true }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1 else { return nil }
        let x = c.reference(0, or: "x")
        switch kind {
        case .relu: return NumPyStep("np.maximum(\(x), 0)")
        case .relu6: return NumPyStep("np.clip(\(x), 0, 6)")
        case .leakyrelu: return NumPyStep("np.where(\(x) < 0, \(PythonText.float(slope)) * \(x), \(x))")
        case .sigmoid: return NumPyStep("sigmoid(\(x))", helpers: ["sigmoid"])
        case .tanh: return NumPyStep("np.tanh(\(x))")
        case .softmax: return NumPyStep("softmax(\(x))", helpers: ["softmax"])
        case .linear: return NumPyStep("\(x).copy()", note: "unchanged (no activation, or dropout, which is off when predicting)")
        }
    }
}

// MARK: - The model layers `relu`, `sigmoid`, ... (Keras Activation) and `dropout RATE` (Keras Dropout)

extension ActivationLayer: LayerLanguage {
    var line: String { activation.rawValue }
    static var lineUsage: String { ModelBuilder.activations.keys.sorted().joined(separator: ", ") + " (an activation as a layer of its own)" }

    static var keywords: [LayerKeyword] {
        ModelBuilder.activations.keys.sorted().map { name in
            LayerKeyword(name: name, weights: .none(reason: "no weights: an activation applies the same function to every value"),
                         read: { line, words in
                             if let extra = words.first { throw Diagnostic("\(name) as a layer takes nothing after it", at: extra.range) }
                             return .activation(ModelBuilder.activations[name] ?? .linear)
                         })
        }
    }

    func run(_ input: LayerRunInput) throws -> LayerRun {
        let operation = ActivationOperation(activation)
        let output = try operation.forward([input.input]).tensorValue(input.label)
        let step = Step(operation: operation, operands: [input.input],
                        summary: .mapped(from: input.tensor.shapeDescription, to: output.shapeDescription,
                                         how: .activation(activation, inputRank: nil)))
        return LayerRun(analysis: input.layer, variable: input.variable, output: output,
                        provenance: Provenance(expression: "\(activation.rawValue)(\(input.inputName))", step: step),
                        mainStep: step, activation: nil, weights: [])
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        // leaky ReLU too stays an Activation layer, so Keras names it as cnnrepl does ("activation").
        let function = LayerCode.kerasActivation(activation) ?? "\"linear\""
        return [PythonRow(code: "layers.Activation(\(function)),", comment: LayerCode.kerasComment(layer))]
    }

    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        [TorchModule(name: layer.name, code: LayerCode.torchActivation(activation, outputRank: layer.outputShape.count) ?? "nn.Identity()",
                     comment: LayerCode.torchComment(layer))]
    }
}

extension DropoutLayer: LayerLanguage {
    var line: String { "dropout \(Format.number(rate))" }
    static let lineUsage = "dropout RATE"

    static var keywords: [LayerKeyword] {
        [LayerKeyword(name: "dropout", weights: .none(reason: "no weights: dropout only zeroes values at random while training"),
                      read: read)]
    }

    /// `dropout RATE`.
    private static func read(_ line: LayerLine, _ words: inout ArraySlice<Word>) throws -> LayerSpec {
        guard let word = words.popFirst(), case .number(let n) = word.kind else {
            throw Diagnostic("dropout needs a rate from 0 to 1, e.g. dropout 0.5", at: line.range)
        }
        guard n.value >= 0, n.value < 1 else {
            throw Diagnostic("a dropout rate is from 0 up to (not including) 1, not \(n.text)", at: word.range)
        }
        if let extra = words.first { throw Diagnostic("dropout takes one rate", at: extra.range) }
        return .dropout(rate: n.value)
    }

    /// When predicting, dropout is the identity: one step that passes every value unchanged.
    func run(_ input: LayerRunInput) throws -> LayerRun {
        let x = input.tensor
        let step = Step(operation: ActivationOperation(.linear), operands: [input.input],
                        summary: .mapped(from: x.shapeDescription, to: x.shapeDescription, how: .unchanged))
        let provenance = Provenance(expression: "\(input.inputName) (dropout \(Format.number(rate)), off when predicting)", step: step)
        return LayerRun(analysis: input.layer, variable: input.variable, output: x, provenance: provenance, mainStep: step,
                        activation: nil, weights: [],
                        note: "dropout zeroes a random \(Format.number(rate * 100))% of the values only while training; when predicting every value passes unchanged")
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        [PythonRow(code: "layers.Dropout(\(PythonText.float(rate))),", comment: LayerCode.kerasComment(layer) + " (only while training)")]
    }

    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        [TorchModule(name: layer.name, code: "nn.Dropout(p=\(PythonText.float(rate)))", comment: LayerCode.torchComment(layer) + "; only while training")]
    }
}
