// ConvolveOperation: `convolve(x, k, stride=, padding=, dilation=, bias=)`, true convolution.
//
// What textbooks and SciPy's convolve2d call convolution: the kernel is turned 180 degrees (rows and
// columns reversed) before it slides, so convolve(x, k) = conv(x, flip(k)). Everything follows from that
// identity and conv's core code: the forward pass, the backward pass (the kernel's gradient is flipped
// back), the trace (conv's trace with the flipped kernel, shown next to the kernel as given), the walk back
// (the same window) and the NumPy code (`conv2d(x, k[::-1, ::-1])`).
import CNNCore

/// True convolution, computed as conv with the flipped kernel.
public struct ConvolveOperation: StepOperation {
    /// Stride, padding and dilation.
    public let convolution: Convolution
    /// The checked geometry (flipping does not change a kernel's shape).
    public let plan: ConvolutionPlan

    /// Creates the operation from its settings and plan.
    public init(_ convolution: Convolution, plan: ConvolutionPlan) {
        self.convolution = convolution
        self.plan = plan
    }

    public var name: String { "convolve" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: name)
        return .tensor(try convolution.apply(try o.tensor(0), kernel: Convolution.flipped(try o.tensor(1)), bias: try o.optional(2), plan: plan))
    }

    /// d/dk of conv(x, flip(k)) is conv's kernel gradient flipped back.
    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        let bias = o.count > 2 ? try o.tensor(2) : nil
        let d = try convolution.backward(input: try o.tensor(0), kernel: Convolution.flipped(try o.tensor(1)), biasShape: bias?.shape, outputGradient: g)
        return paired(step, [d.input, Convolution.flipped(d.kernel), d.bias])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let input = operands.first?.tensor, operands.count >= 2, let kernel = operands[1].tensor else { return nil }
        let bias = operands.count > 2 ? operands[2].tensor : nil
        let flipped = Convolution.flipped(kernel)
        return .flippedKernel(try convolution.trace(input: input, kernel: flipped, bias: bias, at: index), input: operands[0],
                              kernel: operands[1], flipped: flipped)
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        var text = "convolve \(plan.kernel.sizeDescription), stride \(plan.stride)"
        if plan.dilation != Pair(square: 1) { text += ", dilation \(plan.dilation)" }
        if plan.padding != .valid { text += ", \(plan.padding)" }
        return .window(SlidingWindow(kernel: plan.kernel, stride: plan.stride, dilation: plan.dilation,
                                     padBefore: Pair(plan.paddingAmounts.top, plan.paddingAmounts.left)),
                       text: text, channels: .every)
    }

    public var headerNote: HeaderNote? { .flippedKernel(plan) }

    public func gradientRule(position: Int) -> GradientRule { .kernelWeight }

    public var biasPosition: Int? { 2 }

    public var operandRoles: [String] { ["x", "kernel", "bias"] }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.hasWeightsAndBias else { return nil }
        var arguments = ConvolutionCode.arguments(c, plan: plan)
        arguments[1] += "[::-1, ::-1]"
        return NumPyStep("conv2d(\(arguments.joined(separator: ", ")))", note: "true convolution: conv2d with the kernel turned 180 degrees",
                         helpers: ["conv2d"])
    }

    /// The built-in `convolve`.
    static let builtin = Builtin(
        name: "convolve", category: .layers,
        parameters: Builtins.convolutionParameters,
        summary: "True convolution: the kernel turned 180 degrees, then slid like conv (SciPy's convolve2d).",
        details: """
            convolve(x, k) = conv(x, flip(k)), flip reversing the kernel's rows and columns. conv, like every
            deep-learning library, does not flip (cross-correlation); since a layer learns its kernel, the two
            differ only in which way round the learned weights end up. Sizes follow conv's arithmetic.
            """,
        examples: ["c = convolve(image, k)", "c = convolve(image, k, padding=full)"],
        updatesInPlace: true,
        body: { context in
            let input = try context.requiredTensor("input")
            let kernel = try context.requiredTensor("kernel")
            let bias = try context.tensor("bias", allowNumber: true)
            let convolution = try Convolution(
                stride: context.pair("stride") ?? Pair(square: 1), padding: context.padding("padding") ?? .valid,
                dilation: context.pair("dilation") ?? Pair(square: 1))
            let plan: ConvolutionPlan
            do {
                plan = try convolution.plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape)
            } catch let error as CoreError where error.message.hasPrefix("conv:") {
                throw CoreError("convolve" + error.message.dropFirst("conv".count), hint: error.hint)
            }
            let operation = ConvolveOperation(convolution, plan: plan)
            let operands = context.operands(["input", "kernel", "bias"])
            let output = try operation.forward(operands)
            context.step = Step(operation: operation, operands: operands,
                                summary: .kernelOperation(KernelOperationSummary(
                                    kind: .convolve, inputShape: input.shape, kernelShapes: [kernel.shape], stride: plan.stride,
                                    padding: "\(plan.padding)", dilation: plan.dilation, outputShape: plan.outputShape)),
                                arithmetic: [plan.arithmetic])
            return output
        })
}
