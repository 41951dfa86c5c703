// ExampleOperation: `example(data, i)`: one image of a data set, a constant whose class is known.
import CNNCore

/// Picking an example of a data set.
public struct ExampleOperation: StepOperation {
    /// The example's class.
    public let label: Int
    /// The names of the data set's classes, when it names them.
    public let classNames: [String]?

    /// Creates the operation.
    public init(label: Int, classNames: [String]? = nil) {
        self.label = label
        self.classNames = classNames
    }

    public var name: String { "example" }

    public func forward(_ operands: [Operand]) throws -> Value {
        throw CoreError("step cannot recompute an example of a data set")
    }

    /// An image of a data set is a constant: it hands no gradient on.
    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] { [] }
}
