// StackOperation: `stack(a, b, ...)`: tensors of one shape stacked along a new last axis. Operands: the parts.
import CNNCore

/// Stacking.
public struct StackOperation: StepOperation {
    /// Creates the operation.
    public init() {}

    public var name: String { "stack" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: name)
        return .tensor(try Tensor.stack(try operands.indices.map(o.tensor)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        let parts = try step.operands.indices.map(o.tensor)
        guard let first = parts.first else { return [] }
        return paired(step, try Tensor.stackBackward(partShape: first.shape, count: parts.count, outputGradient: g))
    }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard !c.operands.isEmpty, c.tensorCount == c.operands.count else { return nil }
        let parts = c.operands.indices.map { c.reference($0, or: "x\($0)") }.joined(separator: ", ")
        return NumPyStep("np.stack([\(parts)], axis=-1)")
    }
}
