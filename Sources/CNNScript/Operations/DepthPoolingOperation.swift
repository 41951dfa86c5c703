// DepthPoolingOperation: `depthmaxpool(x, size)`, max pooling across neighbouring channels.
//
// Operand: input. CNNCore's DepthwisePooling computes, differentiates and traces it.
import CNNCore

/// Max pooling over groups of `size` neighbouring channels.
public struct DepthPoolingOperation: StepOperation {
    /// How many neighbouring channels share one maximum.
    public let size: Int

    /// Creates the operation.
    public init(size: Int) { self.size = size }

    public var name: String { "pooled" }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try DepthwisePooling(size: size).apply(try Operands(operands, forward: name).tensor(0)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        paired(step, [try DepthwisePooling(size: size).backward(input: try backwardOperands(step).tensor(0), outputGradient: g)])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let input = operands.first?.tensor else { return nil }
        return .poolingSummary(try DepthwisePooling(size: size).trace(input: input, at: index), input: operands[0])
    }

    public func gradientRule(position: Int) -> GradientRule { .channelGroupWinner }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1 else { return nil }
        let x = c.reference(0, or: "x")
        let shape = c.operandShapes.first ?? []
        guard shape.count == 3, size >= 1 else { return NumPyStep(x) }
        return NumPyStep("\(x).reshape(\(shape[0]), \(shape[1]), \(shape[2] / size), \(size)).max(axis=3)",
                         note: "the largest of every \(size) neighbouring channels")
    }
}
