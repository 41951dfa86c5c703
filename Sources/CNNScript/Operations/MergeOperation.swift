// MergeOperation: the step of a model graph's `add` or `concat` layer in `run`: two or more tensors added
// cell by cell (Keras' Add) or joined along the channels (Keras' Concatenate). Operands: the joined layers'
// outputs, in the order the layer line names them. CNNCore's AddLayer and ConcatLayer compute it and its
// backward pass. The layer-line keywords `add` and `concat` are read by ModelBuilder+Graph.swift (their
// words are the names of the layers they join); the Keras and PyTorch code of a graph is written by
// CNNCodegen, which calls a merge as a function of its inputs; `code numpy` adds the arrays or concatenates them.
import CNNCore

/// Adding or joining the outputs of several layers.
public struct MergeOperation: StepOperation {
    /// The core layer that computes it.
    let layer: any MergeLayer

    /// Creates the operation.
    init(_ layer: any MergeLayer) { self.layer = layer }

    public var name: String { layer.kindName }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: name)
        return .tensor(try layer.merge(try operands.indices.map(o.tensor)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        return paired(step, try layer.unmerge(try step.operands.indices.map(o.tensor), outputGradient: g))
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        layer is AddLayer ? .join(text: "add, cell by cell") : .concatenation(text: "concat along the channels")
    }

    public var operandRoles: [String] { ["x"] }

    /// `a + b` for an add, `np.concatenate([a, b], axis=-1)` (along the channels, last) for a concat.
    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count >= 2, c.tensorCount == c.operands.count else { return nil }
        let references = c.operands.indices.map { c.reference($0, or: "x\($0)") }
        if layer is AddLayer { return NumPyStep(references.joined(separator: " + ")) }
        return NumPyStep("np.concatenate([\(references.joined(separator: ", "))], axis=-1)", note: "concat: along the channels")
    }
}

/// The words of the merge layers, for `help model` and `params`.
private enum MergeWords {
    static func keyword(_ name: String, _ layer: LayerSpec, reason: String) -> LayerKeyword {
        LayerKeyword(name: name, weights: .none(reason: reason),
                     read: { line, words in try ModelBuilder.nothingAfter(line, words, layer) })
    }

    /// Runs a merge in `run`: the step on the joined layers' outputs (ModelRun+Forward.swift calls it).
    static func run(_ layer: any MergeLayer, _ input: LayerRunInput, _ operands: [Operand], symbol: String) throws -> LayerRun {
        let operation = MergeOperation(layer)
        let output = try operation.forward(operands).tensorValue(input.label)
        let names = operands.map { $0.name ?? $0.text }
        let shapes = operands.compactMap { $0.tensor?.shapeDescription }
        let step = Step(operation: operation, operands: operands,
                        summary: .mapped(from: shapes.joined(separator: symbol), to: output.shapeDescription))
        return LayerRun(analysis: input.layer, variable: input.variable, output: output,
                        provenance: Provenance(expression: "\(layer.kindName)(\(names.joined(separator: ", ")))", step: step),
                        mainStep: step, activation: nil, weights: [])
    }
}

extension AddLayer: LayerLanguage {
    /// The names of the layers it joins follow (ModelText.swift).
    var line: String { "add" }
    static let lineUsage = "add A [B ...] (the named layers cell by cell; add A: the line above plus A)"

    static var keywords: [LayerKeyword] {
        [MergeWords.keyword("add", .add, reason: AddLayer().noWeightsReason)]
    }

    func run(_ input: LayerRunInput) throws -> LayerRun { try MergeWords.run(self, input, [input.input], symbol: " + ") }

    /// Runs the merge on the outputs of the layers it joins.
    func run(_ input: LayerRunInput, merging operands: [Operand]) throws -> LayerRun {
        try MergeWords.run(self, input, operands, symbol: " + ")
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        [PythonRow(code: "layers.Add(),", comment: LayerCode.kerasComment(layer))]
    }

    func torch(_ layer: LayerAnalysis) -> [TorchModule] { [] }
}

extension ConcatLayer: LayerLanguage {
    /// The names of the layers it joins follow (ModelText.swift).
    var line: String { "concat" }
    static let lineUsage = "concat A [B ...] (the named layers side by side along the channels; concat A: the line above and A)"

    static var keywords: [LayerKeyword] {
        [MergeWords.keyword("concat", .concat, reason: ConcatLayer().noWeightsReason)]
    }

    func run(_ input: LayerRunInput) throws -> LayerRun { try MergeWords.run(self, input, [input.input], symbol: " | ") }

    /// Runs the merge on the outputs of the layers it joins.
    func run(_ input: LayerRunInput, merging operands: [Operand]) throws -> LayerRun {
        try MergeWords.run(self, input, operands, symbol: " | ")
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        [PythonRow(code: "layers.Concatenate(),", comment: LayerCode.kerasComment(layer))]
    }

    func torch(_ layer: LayerAnalysis) -> [TorchModule] { [] }
}
