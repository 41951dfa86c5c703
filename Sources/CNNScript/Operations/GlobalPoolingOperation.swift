// GlobalPoolingOperation: `globalavgpool(x)` and `globalmaxpool(x)`: one value per whole map.
//
// Operand: input. CNNCore's GlobalPooling computes, differentiates and traces it; the walk back needs the
// whole map of the traced channel.
import CNNCore

/// Global average or max pooling.
public struct GlobalPoolingOperation: StepOperation {
    /// Average or maximum.
    public let kind: Pooling.Kind

    /// Creates the operation.
    public init(_ kind: Pooling.Kind) { self.kind = kind }

    public var name: String { "pooled" }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try GlobalPooling(kind: kind).apply(try Operands(operands, forward: name).tensor(0)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        paired(step, [try GlobalPooling(kind: kind).backward(input: try backwardOperands(step).tensor(0), outputGradient: g)])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let input = operands.first?.tensor else { return nil }
        return .poolingSummary(try GlobalPooling(kind: kind).trace(input: input, at: index), input: operands[0])
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        .wholeMap(text: "global \(kind == .max ? "max" : "average") pooling")
    }

    public func gradientRule(position: Int) -> GradientRule { .wholeMap(kind) }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1 else { return nil }
        let x = c.reference(0, or: "x"), function = kind == .max ? "max" : "mean"
        if c.operandShapes.first?.count == 3 { return NumPyStep("\(x).\(function)(axis=(0, 1))", note: "one value per map") }
        return NumPyStep("np.array([\(x).\(function)()])")
    }
}
