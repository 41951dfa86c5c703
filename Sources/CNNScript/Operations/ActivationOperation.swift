// ActivationOperation: `relu`, `leakyrelu`, `sigmoid`, `tanh`, `softmax` (and the identity a dropout layer
// is when predicting), applied cell by cell (softmax: along the last axis).
//
// Operand: input. CNNCore's Activation computes it and its backward pass; a trace shows the value before
// and after (softmax: the vector, its maximum, the exponentials and their sum).
import CNNCore
import Glibc

/// An activation function.
public struct ActivationOperation: StepOperation {
    /// Which function.
    public let kind: ActivationKind
    /// The factor for negative values (leakyrelu only).
    public let slope: Double

    /// Creates the operation.
    public init(_ kind: ActivationKind, slope: Double = Activation.defaultLeakySlope) {
        self.kind = kind
        self.slope = slope
    }

    public var name: String { kind == .linear ? "same" : kind.rawValue }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try Activation.apply(kind, to: try Operands(operands, forward: name).tensor(0), slope: slope))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        paired(step, [try Activation.backward(kind, input: try backwardOperands(step).tensor(0), outputGradient: g, slope: slope)])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let input = operands.first?.tensor, let before = input.value(at: index) else { return nil }
        if kind == .softmax { return softmax(of: input, operand: operands[0], at: index) }
        let after = kind == .linear ? before : try Activation.apply(kind, to: Tensor(scalar: before), slope: slope).scalars[0]
        return .activation(kind, slope: slope, input: operands[0], before: before, after: after)
    }

    /// The vector along the last axis through `index`, with what softmax computes of it.
    private func softmax(of input: Tensor, operand: Operand, at index: [Int]) -> CellExplanation? {
        guard let length = input.shape.last, let position = index.last else { return nil }
        var start = index
        start[start.count - 1] = 0
        guard let base = input.offset(of: start), base + length <= input.count else { return nil }
        let x = Array(input.scalars[base..<(base + length)])
        guard let largest = x.max() else { return nil }
        let exponentials = x.map { Glibc.exp($0 - largest) }
        return .softmax(input: operand, vector: x, exponentials: exponentials, maximum: largest,
                        sum: exponentials.reduce(0, +), position: position)
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        .cellByCell(text: kind == .linear ? "unchanged" : "\(kind.rawValue), cell by cell")
    }

    public func gradientRule(position: Int) -> GradientRule { .activation(kind, slope: slope) }

    public var isActivation: Bool { true }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1 else { return nil }
        let x = c.reference(0, or: "x")
        switch kind {
        case .relu: return NumPyStep("np.maximum(\(x), 0)")
        case .leakyrelu: return NumPyStep("np.where(\(x) < 0, \(PythonText.float(slope)) * \(x), \(x))")
        case .sigmoid: return NumPyStep("sigmoid(\(x))", helpers: ["sigmoid"])
        case .tanh: return NumPyStep("np.tanh(\(x))")
        case .softmax: return NumPyStep("softmax(\(x))", helpers: ["softmax"])
        case .linear: return NumPyStep("\(x).copy()", note: "unchanged (no activation, or dropout, which is off when predicting)")
        }
    }
}
