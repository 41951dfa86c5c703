// ConvolutionOperation: `conv(x, k, stride=, padding=, dilation=, bias=)`, everything specific to it.
//
// Operands: input, kernel, and bias if given. The forward pass and its backward are CNNCore's
// (ConvolutionFast, ConvolutionBackward); a trace lists every tap of one cell (CellTrace.swift); the walk
// back follows its sliding window; NumPy code calls the `conv2d` helper with explicit padding amounts.
import CNNCore

/// A convolution with its settings and the plan (geometry) it ran with.
public struct ConvolutionOperation: StepOperation {
    /// Stride, padding and dilation.
    public let convolution: Convolution
    /// The checked geometry for the operands it ran on.
    public let plan: ConvolutionPlan

    /// Creates the operation from its settings and plan.
    public init(_ convolution: Convolution, plan: ConvolutionPlan) {
        self.convolution = convolution
        self.plan = plan
    }

    public var name: String { "conv" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: name)
        return .tensor(try convolution.apply(try o.tensor(0), kernel: try o.tensor(1), bias: try o.optional(2), plan: plan))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        let bias = o.count > 2 ? try o.tensor(2) : nil
        let d = try convolution.backward(input: try o.tensor(0), kernel: try o.tensor(1), biasShape: bias?.shape, outputGradient: g)
        return paired(step, [d.input, d.kernel, d.bias])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let input = operands.first?.tensor, operands.count >= 2, let kernel = operands[1].tensor else { return nil }
        let bias = operands.count > 2 ? operands[2].tensor : nil
        return .convolution(try convolution.trace(input: input, kernel: kernel, bias: bias, at: index), input: operands[0])
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        var text = "conv \(plan.kernel.sizeDescription), stride \(plan.stride)"
        if plan.dilation != Pair(square: 1) { text += ", dilation \(plan.dilation)" }
        if plan.padding != .valid { text += ", \(plan.padding)" }
        let window = SlidingWindow(kernel: plan.kernel, stride: plan.stride, dilation: plan.dilation,
                                   padBefore: Pair(plan.paddingAmounts.top, plan.paddingAmounts.left))
        return .window(window, text: text, keepsChannel: false)
    }

    public var headerNote: HeaderNote? { .convolutionPadding(plan) }

    public func gradientRule(position: Int) -> GradientRule { .kernelWeight }

    public func exactGradientTerms(_ operands: [Operand], position: Int, outputGradient g: Tensor,
                                   at index: [Int]) throws -> GradientCellTerms? {
        guard operands.count >= 2, let input = operands[0].numeric, let kernel = operands[1].numeric else { return nil }
        if position == 1 {
            let sum = try convolution.kernelGradientSum(input: input, kernelShape: kernel.shape, outputGradient: g, at: index)
            return GradientCellTerms(sum: sum, factor: .input(operands[0].displayName), independentOutputs: 0)
        }
        if position == 0 {
            let sum = try convolution.inputGradientSum(kernel: kernel, inputShape: input.shape, outputGradient: g, at: index)
            return GradientCellTerms(sum: sum, factor: .kernelWeight(operands[1].displayName),
                                     independentOutputs: g.count - sum.terms.count)
        }
        return nil
    }

    public var biasPosition: Int? { 2 }

    public var operandRoles: [String] { ["x", "kernel", "bias"] }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.hasWeightsAndBias else { return nil }
        var arguments = [c.reference(0, or: "x"), c.reference(1, or: "kernel")]
        if plan.stride != Pair(square: 1) { arguments.append("stride=\(PythonText.pair(plan.stride))") }
        let amounts = plan.paddingAmounts
        var note: String?
        if !amounts.isZero {
            arguments.append("padding=((\(amounts.top), \(amounts.bottom)), (\(amounts.left), \(amounts.right)))")
            note = "padding \(plan.padding): zero rows \(amounts.top) above, \(amounts.bottom) below; "
                + "zero columns \(amounts.left) left, \(amounts.right) right"
        }
        if plan.dilation != Pair(square: 1) { arguments.append("dilation=\(PythonText.pair(plan.dilation))") }
        if c.references.count > 2 { arguments.append("bias=\(c.references[2])") }
        return NumPyStep("conv2d(\(arguments.joined(separator: ", ")))", note: note, helpers: ["conv2d"])
    }
}

extension Array where Element == Operand {
    /// conv(x, k, bias) and dense(x, w, b): two tensors, and a bias that may be a plain number.
    var hasWeightsAndBias: Bool {
        (2...3).contains(count) && prefix(2).allSatisfy { $0.tensor != nil } && allSatisfy { $0.tensor != nil || $0.isNumber }
    }
}

extension Operand {
    /// The variable's name, or the operand's text when it has none (as gradient traces name operands).
    public var displayName: String { name ?? text }
}
