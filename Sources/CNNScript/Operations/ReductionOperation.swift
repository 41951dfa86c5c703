// ReductionOperation: `sum`, `mean`, `max`, `min` over every value (a number) or along one axis.
//
// Operand: x. CNNCore's reductions compute them and their backward pass (tied maxima: see ReductionBackward).
import CNNCore

/// A reduction with the axis it ran along (nil: every value).
public struct ReductionOperation: StepOperation {
    /// Which reduction.
    public let kind: ReductionKind
    /// The axis, or nil for every value.
    public let axis: Int?

    /// Creates the operation.
    public init(_ kind: ReductionKind, axis: Int?) {
        self.kind = kind
        self.axis = axis
    }

    public var name: String { kind.rawValue }

    public func forward(_ operands: [Operand]) throws -> Value {
        let x = try Operands(operands, forward: name).tensor(0)
        guard let axis else { return .number(x.reduced(kind)) }
        return Builtins.value(of: try x.reduced(kind, axis: axis))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let x = try backwardOperands(step).tensor(0)
        return paired(step, [try Tensor.reductionBackward(kind, input: x, axis: axis, outputGradient: g)])
    }

    public func gradientRule(position: Int) -> GradientRule { .reduction(kind) }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1 else { return nil }
        // NumPy's np.max and np.min give nan when any value is nan, as cnnrepl's do.
        return NumPyStep("np.\(kind.rawValue)(\(c.reference(0, or: "x"))\(axis.map { ", axis=\($0)" } ?? ""))")
    }
}
