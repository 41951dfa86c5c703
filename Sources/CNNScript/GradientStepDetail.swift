// GradientStepDetail: the exact settings of steps recorded as `.other(name)`, so that a gradient can be
// taken through them and they can be computed again with new inputs.
//
// Most operations carry their settings in `Operation` (a convolution its stride, padding and plan). The
// small ones (slicing, sums, negation, clip, pad, transpose, stack, a literal built from values) are
// recorded as `.other(name)` for the step header; their `Step.detail` holds what the name alone cannot say:
// which cells a slice picked, along which axis a sum ran, the bounds of a clip. A loss and a gradient
// record themselves the same way. `grad` (GradientGraph.swift) and `step` (GradientDescent.swift) read it.
import CNNCore

/// The settings of a step recorded as `.other(name)`: what `grad` and `step` need to go back through it.
public enum StepDetail: Sendable {
    /// `x[...]`; operand: x. When every axis is picked by an index the result is one number.
    case slice([AxisSelection])
    /// `-x`; operand: x.
    case negate
    /// sum, mean, max or min over every cell (axis nil, a number) or along one axis; operand: x.
    case reduction(ReductionKind, axis: Int?)
    /// The same values in a new shape; operand: x.
    case reshape([Int])
    /// The axes reordered: output axis a is input axis permutation[a]; operand: x.
    case transpose([Int])
    /// Tensors of one shape stacked along a new last axis; operands: the parts.
    case stack
    /// A literal such as `[a, b]` or `[1, w; 0, 2]` built from values; the operands fill the result's
    /// cells one after another (a number one cell, a tensor all of its cells) and the result has `shape`.
    case assemble(shape: [Int])
    /// `pad(x, amounts, value)`; operand: x.
    case pad(PaddingAmounts, value: Double)
    /// `clip(x, low, high)`; operand: x.
    case clip(low: Double, high: Double)
    /// A loss of a prediction against a target; operands: prediction, target.
    case loss(LossKind)
    /// `grad(loss, k)`: d loss / d k, with what explains its cells; operands: the loss and k.
    case gradient(GradientRecord)
    /// `example(data, i)`: one image of a data set, whose class is `label`; no operands.
    case example(label: Int)
}

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
