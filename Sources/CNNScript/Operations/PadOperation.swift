// PadOperation: `pad(x, amounts, value)`: rows and columns of one value around a map. Operand: x.
import CNNCore

/// Padding with a constant.
public struct PadOperation: StepOperation {
    /// Rows and columns added on each side.
    public let amounts: PaddingAmounts
    /// The value they hold.
    public let value: Double

    /// Creates the operation.
    public init(_ amounts: PaddingAmounts, value: Double) {
        self.amounts = amounts
        self.value = value
    }

    public var name: String { "pad" }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try Operands(operands, forward: name).tensor(0).padded(amounts, value: value))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let input = try backwardOperands(step).tensor(0)
        return paired(step, [try Tensor.padBackward(inputShape: input.shape, amounts: amounts, outputGradient: g)])
    }
}
