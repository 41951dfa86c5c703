// FlattenOperation: `flatten(x)`, every value in one vector, row by row, channels last (as Keras flattens).
//
// Operand: input. A cell of the result is one cell of the input, which is what its trace and the walk back
// say; its gradient goes back to that cell.
import CNNCore

/// Flattening to a vector.
public struct FlattenOperation: StepOperation {
    /// Creates the operation.
    public init() {}

    public var name: String { "flat" }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(Flatten.apply(try Operands(operands, forward: name).tensor(0)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        paired(step, [try Tensor.reshapeBackward(inputShape: try backwardOperands(step).tensor(0).shape, outputGradient: g)])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let input = operands.first?.tensor, let flat = index.first else { return nil }
        return .moved(from: GradientShapes.unravel(flat, shape: input.shape), input: operands[0])
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink { .unflatten }

    public func gradientRule(position: Int) -> GradientRule { .moves }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1 else { return nil }
        return NumPyStep("\(c.reference(0, or: "x")).reshape(-1)", note: "row by row, channels last, as Keras flattens")
    }
}

// MARK: - The model layer `flatten` (Keras Flatten)

extension FlattenLayer: LayerLanguage {
    var line: String { "flatten" }
    static let lineUsage = "flatten"

    static var keywords: [LayerKeyword] {
        [LayerKeyword(name: "flatten", weights: .none(reason: "no weights: flatten only lays the values out in one row"),
                      read: { line, words in try ModelBuilder.nothingAfter(line, words, .flatten) })]
    }

    func run(_ input: LayerRunInput) throws -> LayerRun {
        let x = input.tensor
        let output = try FlattenOperation().forward([input.input]).tensorValue(input.label)
        let step = Step(operation: FlattenOperation(), operands: [input.input], summary: .mapped(from: x.shapeDescription, to: output.shapeDescription),
                        arithmetic: x.rank > 1 ? ["\(x.shape.map(String.init).joined(separator: " x ")) = \(Format.count(x.count))"] : [])
        return try input.finish(output: output, expression: "flatten(\(input.inputName))", step: step, activation: nil)
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        [PythonRow(code: "layers.Flatten(),", comment: LayerCode.kerasComment(layer))]
    }

    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        let order = layer.inputShape.count == 3 ? " values, channel by channel (Keras: pixel by pixel)" : ""
        return [TorchModule(name: layer.name, code: "nn.Flatten()", comment: LayerCode.torchComment(layer) + order)]
    }
}
