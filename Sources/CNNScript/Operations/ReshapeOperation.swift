// ReshapeOperation: `reshape(x, shape)`, the same values row by row in a new shape. Operand: x.
import CNNCore

/// Reshaping.
public struct ReshapeOperation: StepOperation {
    /// The new shape.
    public let shape: [Int]

    /// Creates the operation.
    public init(_ shape: [Int]) { self.shape = shape }

    public var name: String { "reshape" }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try Operands(operands, forward: name).tensor(0).reshaped(shape))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        paired(step, [try Tensor.reshapeBackward(inputShape: try backwardOperands(step).tensor(0).shape, outputGradient: g)])
    }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.operands[0].tensor?.count == c.result.count else { return nil }
        return NumPyStep("\(c.reference(0, or: "x")).reshape\(PythonText.tuple(c.resultShape))")
    }
}
