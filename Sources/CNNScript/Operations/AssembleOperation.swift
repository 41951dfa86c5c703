// AssembleOperation: a literal such as `[a, b]` or `[1, w; 0, 2]` built from values: the operands fill the
// result's cells one after another (a number one cell, a tensor all of its cells).
import CNNCore

/// Building a tensor literal from values.
public struct AssembleOperation: StepOperation {
    /// The result's shape.
    public let shape: [Int]

    /// Creates the operation.
    public init(shape: [Int]) { self.shape = shape }

    public var name: String { "literal" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: name)
        return .tensor(try Tensor(shape: shape, scalars: try operands.indices.flatMap { try o.tensor($0).scalars }))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        // Only numbers and tensors fill a literal; every operand is one of them.
        let o = backwardOperands(step)
        let parts = try step.operands.indices.map(o.tensor)
        return paired(step, try Tensor.assembleBackward(partShapes: parts.map(\.shape), outputGradient: g))
    }
}
