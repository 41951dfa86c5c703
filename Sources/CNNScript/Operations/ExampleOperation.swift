// ExampleOperation: `example(data, i)`: one image of a data set, a constant whose class is known.
import CNNCore

/// Picking an example of a data set.
public struct ExampleOperation: StepOperation {
    /// The example's class.
    public let label: Int

    /// Creates the operation.
    public init(label: Int) { self.label = label }

    public var name: String { "example" }

    public func forward(_ operands: [Operand]) throws -> Value {
        throw CoreError("step cannot recompute an example of a data set")
    }

    /// An image of a data set is a constant: it hands no gradient on.
    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] { [] }
}
