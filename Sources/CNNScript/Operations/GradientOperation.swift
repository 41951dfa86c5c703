// GradientOperation: `grad(loss, k)`, recorded with what explains each cell of dL/dk (GradientRecord), so
// that `trace g[i, j]` can write any cell out as the chain rule's sum. Second derivatives are not supported.
import CNNCore

/// Taking a gradient.
public struct GradientOperation: StepOperation {
    /// What backpropagation found.
    public let record: GradientRecord

    /// Creates the operation.
    public init(_ record: GradientRecord) { self.record = record }

    public var name: String { "grad" }

    public func forward(_ operands: [Operand]) throws -> Value {
        throw CoreError("step cannot recompute a gradient inside the loss", hint: "compute the loss without grad")
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        throw CoreError("grad cannot go back through another grad: second derivatives are not supported",
                        hint: "take the gradient of a loss computed from the variable")
    }
}
