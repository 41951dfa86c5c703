// RecordedOperation: a step that is described in headers and `vars` but not recorded in a form that can be
// computed again or differentiated (loading a file, a sample picture, grey conversion).
import CNNCore

/// A step known by its name only.
public struct RecordedOperation: StepOperation {
    /// What the step was ("load", "sample", "gray").
    public let name: String

    /// Creates the operation.
    public init(_ name: String) { self.name = name }

    public func forward(_ operands: [Operand]) throws -> Value {
        throw CoreError("step cannot recompute \(name): it does not record how it computed its result")
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        throw CoreError("grad cannot go back through \(name): it does not record how it computed its result",
                        hint: "compute the value with operations grad knows (conv, pooling, activations, dense, arithmetic, slicing, sum, ...)")
    }
}
