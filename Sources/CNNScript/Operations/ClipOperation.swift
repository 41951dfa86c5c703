// ClipOperation: `clip(x, low, high)`: every value kept within [low, high]. Operand: x.
import CNNCore

/// Clipping.
public struct ClipOperation: StepOperation {
    /// The bounds.
    public let low: Double, high: Double

    /// Creates the operation.
    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    public var name: String { "clip" }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try Operands(operands, forward: name).tensor(0).clipped(low: low, high: high))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let x = try backwardOperands(step).tensor(0)
        return paired(step, [try Tensor.clipBackward(input: x, low: low, high: high, outputGradient: g)])
    }

    public func gradientRule(position: Int) -> GradientRule { .clip(low: low, high: high) }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1 else { return nil }
        return NumPyStep("np.clip(\(c.reference(0, or: "x")), \(PythonText.number(low)), \(PythonText.number(high)))")
    }
}
