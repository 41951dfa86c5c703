// TransposeOperation: `transpose(x, axes)`: output axis a is input axis permutation[a]. Operand: x.
import CNNCore

/// Reordering axes.
public struct TransposeOperation: StepOperation {
    /// Output axis a is input axis permutation[a].
    public let permutation: [Int]

    /// Creates the operation.
    public init(_ permutation: [Int]) { self.permutation = permutation }

    public var name: String { "transpose" }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try Operands(operands, forward: name).tensor(0).transposed(permutation))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        paired(step, [try Tensor.transposeBackward(permutation: permutation, outputGradient: g)])
    }

    /// NumPy's `x.T` when the axes were reversed.
    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.operands[0].tensor?.transposed() == c.result else { return nil }
        return NumPyStep("\(c.reference(0, or: "x")).T")
    }
}
