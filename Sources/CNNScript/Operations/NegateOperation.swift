// NegateOperation: `-x` for a number or a tensor. Operand: x; dy/dx = -1.
import CNNCore

/// Negation.
public struct NegateOperation: StepOperation {
    /// Creates the operation.
    public init() {}

    public var name: String { "negate" }

    public func forward(_ operands: [Operand]) throws -> Value {
        if case .number(let x)? = operands.first?.value { return .number(-x) }
        let x = try Operands(operands, forward: "-").tensor(0)
        try Limits.checkMemory(forElements: x.count, what: "-", shape: x.shape)
        return .tensor(-x)
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        paired(step, [-g])
    }

    public func gradientRule(position: Int) -> GradientRule { .negate }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1 else { return nil }
        return NumPyStep("-\(c.reference(0, or: "x"))")
    }
}
