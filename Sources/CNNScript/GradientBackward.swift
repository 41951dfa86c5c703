// GradientBackward: one recorded step, differentiated: given dL/d(its result), dL/d(each operand).
//
// Every step the interpreter records (Provenance.swift) holds its operation with its settings and its
// operands with their values at the time, which is all a backward pass needs; each operation knows its own
// backward rule (Operations/). Numbers take part as 1-element tensors, so `y = w * x` with numbers is
// differentiated like any element-wise product.
import CNNCore

/// The gradient one step hands back to one of its operands.
public struct OperandGradient {
    /// The operand (for a fused crossentropy: the logits, the softmax step's own operand).
    public var operand: Operand
    /// Its position among the step's operands (for a fused crossentropy: the prediction's position).
    public var position: Int
    /// dL/d(operand), the operand's shape (a 1-element vector for a number).
    public var gradient: Tensor
    /// Whether this gradient went through crossentropy and softmax together.
    public var fusedSoftmax: Bool = false

    /// Creates a gradient for an operand.
    public init(operand: Operand, position: Int, gradient: Tensor, fusedSoftmax: Bool = false) {
        self.operand = operand
        self.position = position
        self.gradient = gradient
        self.fusedSoftmax = fusedSoftmax
    }
}

enum GradientBackward {
    /// dL/d(operand) for each tensor or number operand of `step`, given `outputGradient` = dL/d(result).
    /// `fuseSoftmax` allows a crossentropy to differentiate its softmax input together with it.
    static func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        try step.operation.gradients(of: step, outputGradient: g, fuseSoftmax: fuseSoftmax)
    }
}
