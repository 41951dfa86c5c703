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
