// GradientRecord: what `grad(loss, k)` found, kept with the gradient (GradientOperation) so that
// `trace g[i, j]` can explain any cell: every use of k on the way to the loss and what it handed back.
import CNNCore

/// What `grad(loss, k)` found, kept with the gradient so that `trace g[i, j]` can explain any cell.
public struct GradientRecord: Sendable {
    /// The loss as written in the call, e.g. "loss".
    public var lossText: String
    /// The variable the gradient is taken with respect to, e.g. "k".
    public var targetName: String
    /// k's value when the gradient was taken.
    public var target: Value
    /// Every step that used k on the way to the loss, with the gradient it handed back to k.
    public var uses: [GradientUse]
}

/// One place where k was used on the way to the loss, and what it contributed to dL/dk.
public struct GradientUse: Sendable {
    /// The step that took k as an operand (for crossentropy fused with softmax: the loss step itself).
    public var step: Step
    /// Which of the step's operands k was.
    public var operandPosition: Int
    /// The operand that was k (for a fused crossentropy: the logits that softmax was applied to).
    public var operand: Operand
    /// What the step's result is called: its variable's name, or the expression that made it.
    public var outputName: String
    /// dL/d(result of the step): the gradient that arrived at the step's output.
    public var outputGradient: Tensor
    /// This use's share of dL/dk (the shape of k).
    public var contribution: Tensor
    /// The steps from the loss down to this one, as "name = expression" (the loss first).
    public var path: [String]
    /// Whether crossentropy and softmax were differentiated together (the step is the loss, k the logits).
    public var fusedSoftmax: Bool
}
