// DepthwiseConvolutionOperation: `depthwiseconv(x, k, stride=, padding=, dilation=, bias=)`, Keras'
// DepthwiseConv2D, everything specific to it.
//
// Operands: input (H x W x C), kernel (kh x kw x C x M) and bias (C*M values) if given. Forward and backward
// are CNNCore's DepthwiseConvolution (each channel through conv's own kernels); a trace is conv's trace of
// the one input channel the cell reads; the walk back is conv's window, keeping to that channel; NumPy code
// calls the `depthwise_conv2d` helper.
import CNNCore

/// A depthwise convolution with its settings and plan.
public struct DepthwiseConvolutionOperation: StepOperation {
    /// Stride, padding and dilation.
    public let depthwise: DepthwiseConvolution
    /// The checked geometry.
    public let plan: DepthwiseConvolution.Plan

    /// Creates the operation from its settings and plan.
    public init(_ depthwise: DepthwiseConvolution, plan: DepthwiseConvolution.Plan) {
        self.depthwise = depthwise
        self.plan = plan
    }

    public var name: String { "depthwiseconv" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: name)
        return .tensor(try depthwise.apply(try o.tensor(0), kernel: try o.tensor(1), bias: try o.optional(2)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        let bias = o.count > 2 ? try o.tensor(2) : nil
        let d = try depthwise.backward(input: try o.tensor(0), kernel: try o.tensor(1), biasShape: bias?.shape, outputGradient: g)
        return paired(step, [d.input, d.kernel, d.bias])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let input = operands.first?.tensor, operands.count >= 2, let kernel = operands[1].tensor else { return nil }
        let bias = operands.count > 2 ? operands[2].tensor : nil
        let found = try depthwise.trace(input: input, kernel: kernel, bias: bias, at: index)
        return .depthwise(found.trace, slice: found.slice, input: operands[0], channel: found.channel,
                          multiplierIndex: found.multiplierIndex, multiplier: plan.multiplier)
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        let p = plan.channelPlan
        var text = "depthwiseconv \(p.kernel.sizeDescription), stride \(p.stride)"
        if p.dilation != Pair(square: 1) { text += ", dilation \(p.dilation)" }
        if p.padding != .valid { text += ", \(p.padding)" }
        let window = SlidingWindow(kernel: p.kernel, stride: p.stride, dilation: p.dilation,
                                   padBefore: Pair(p.paddingAmounts.top, p.paddingAmounts.left))
        // Output channel c*M + m reads input channel c only; with M = 1 that is the same channel.
        return .window(window, text: text, channels: .own(multiplier: plan.multiplier))
    }

    public var headerNote: HeaderNote? { .convolutionPadding(plan.channelPlan) }

    public func gradientRule(position: Int) -> GradientRule { .kernelWeight }

    public var biasPosition: Int? { 2 }

    public var operandRoles: [String] { ["x", "kernel", "bias"] }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.hasWeightsAndBias else { return nil }
        return NumPyStep("depthwise_conv2d(\(ConvolutionCode.arguments(c, plan: plan.channelPlan).joined(separator: ", ")))",
                         helpers: ["depthwise_conv2d"])
    }

    /// The summary of its step.
    var summary: StepSummary {
        let p = plan.channelPlan
        return .kernelOperation(KernelOperationSummary(kind: .depthwise, inputShape: plan.inputShape, kernelShapes: [plan.kernelShape],
                                                       stride: p.stride, padding: "\(p.padding)", dilation: p.dilation,
                                                       outputShape: plan.outputShape))
    }

    /// The built-in `depthwiseconv`.
    static let builtin = Builtin(
        name: "depthwiseconv", category: .layers,
        parameters: [
            Parameter("input", .tensor, "an H x W x C stack of maps"),
            Parameter("kernel", .tensor, "kh x kw x C x M: M kernels per input channel (M = depth multiplier)"),
            Parameter("stride", .pair, default: "1", "how far the window moves: 2 or [rows, cols]"),
            Parameter("padding", .padding, default: "valid", "valid, same, full, a number, or [top, bottom, left, right]"),
            Parameter("dilation", .pair, default: "1", "spacing between kernel taps"),
            Parameter("bias", .tensor, default: "none", "C*M numbers, one per output channel"),
        ],
        summary: "Convolve each channel on its own (Keras' DepthwiseConv2D): H x W x C -> H' x W' x C*M.",
        details: """
            Output channel c*M + m is input channel c alone convolved with kernel[:, :, c, m]: channels are never
            mixed (a 1x1 conv does that, as in separableconv). Sizes follow conv's arithmetic. Weights:
            kh*kw*C*M (+ C*M biases) against kh*kw*C*F for a conv to F channels.
            """,
        examples: ["d = depthwiseconv(maps, rand(3, 3, 3, 1))", "d = depthwiseconv(maps, rand(3, 3, 3, 2), stride=2, padding=same)"],
        updatesInPlace: true,
        body: { context in
            let input = try context.requiredTensor("input")
            let kernel = try context.requiredTensor("kernel")
            let bias = try context.tensor("bias", allowNumber: true)
            let depthwise = DepthwiseConvolution(try Convolution(
                stride: context.pair("stride") ?? Pair(square: 1), padding: context.padding("padding") ?? .valid,
                dilation: context.pair("dilation") ?? Pair(square: 1)))
            let plan = try depthwise.plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape)
            let operation = DepthwiseConvolutionOperation(depthwise, plan: plan)
            let operands = context.operands(["input", "kernel", "bias"])
            let output = try operation.forward(operands)
            context.step = Step(operation: operation, operands: operands, summary: operation.summary, arithmetic: [plan.arithmetic])
            return output
        })
}

/// The arguments that conv2d-like NumPy helpers share.
enum ConvolutionCode {
    /// x, kernel, then stride=, padding=, dilation= and bias= where they are not the defaults.
    static func arguments(_ c: NumPyContext, plan: ConvolutionPlan) -> [String] {
        var arguments = [c.reference(0, or: "x"), c.reference(1, or: "kernel")]
        if plan.stride != Pair(square: 1) { arguments.append("stride=\(PythonText.pair(plan.stride))") }
        let amounts = plan.paddingAmounts
        if !amounts.isZero {
            arguments.append("padding=((\(amounts.top), \(amounts.bottom)), (\(amounts.left), \(amounts.right)))")
        }
        if plan.dilation != Pair(square: 1) { arguments.append("dilation=\(PythonText.pair(plan.dilation))") }
        if c.references.count > 2 { arguments.append("bias=\(c.references[2])") }
        return arguments
    }
}

// MARK: - The model layer `depthwiseconv KxK [stride S] [valid|same] [dilation D] [multiplier M] [nobias] [activation]`

extension DepthwiseConvolutionLayer: LayerLanguage {
    var line: String {
        "depthwiseconv \(kernel.sizeDescription)" + ConvolutionLine.words(stride: stride, padding: padding, dilation: dilation,
                                                                          multiplier: multiplier, useBias: useBias, activation: activation)
    }
    static let lineUsage = "depthwiseconv KxK [stride S] [valid|same] [dilation D] [multiplier M] [nobias] [activation]"

    static var keywords: [LayerKeyword] {
        [LayerKeyword(name: "depthwiseconv",
                      weights: .counted(sizes: 3, usage: "params depthwiseconv takes kh x kw x C, e.g. params depthwiseconv 3x3x32",
                                        count: { try ParameterCount.depthwise(kernel: Pair($0[0], $0[1]), channels: $0[2]) }),
                      read: read)]
    }

    /// `depthwiseconv 3x3 stride 2 same multiplier 1`; Keras' `depth_multiplier=1` and the other spellings too.
    private static func read(_ line: LayerLine, _ words: inout ArraySlice<Word>) throws -> LayerSpec {
        ModelBuilder.dropKerasLabel(&words, "kernel_size")
        guard let sizeWord = words.popFirst() else {
            throw Diagnostic("depthwiseconv needs a kernel size, e.g. depthwiseconv 3x3", at: line.range)
        }
        let kernel = try ModelBuilder.pair(sizeWord, what: "the kernel size")
        let o = try ConvolutionLine.read(&words, layer: "depthwiseconv", allowed: [.dilation, .multiplier])
        return .depthwiseConv(kernel: kernel, stride: o.stride, padding: o.padding, dilation: o.dilation, multiplier: o.multiplier,
                              activation: o.activation, useBias: o.useBias)
    }

    func run(_ input: LayerRunInput) throws -> LayerRun {
        let kernel = try input.kernel()
        let bias = input.weight(1)
        let depthwise = try depthwise()
        let plan = try depthwise.plan(inputShape: input.tensor.shape, kernelShape: kernel.tensor.shape, biasShape: bias?.tensor?.shape)
        let operation = DepthwiseConvolutionOperation(depthwise, plan: plan)
        let operands = [input.input, kernel.operand] + (bias.map { [$0] } ?? [])
        let output = try operation.forward(operands).tensorValue(input.label)
        let step = Step(operation: operation, operands: operands, summary: operation.summary, arithmetic: [plan.arithmetic])
        return try input.finish(output: output, expression: input.callText("depthwiseconv", weights: [kernel.operand], bias: bias, stride: stride,
                                                           padding: padding, dilation: dilation), step: step,
                                activation: activation)
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        var (rows, arguments) = LayerCode.kerasWindow(layer, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        if multiplier != 1 { arguments.append("depth_multiplier=\(multiplier)") }
        if let activation = LayerCode.kerasActivation(activation) { arguments.append("activation=\(activation)") }
        if !useBias { arguments.append("use_bias=False") }
        rows.append(PythonRow(code: "layers.DepthwiseConv2D(\(arguments.joined(separator: ", "))),", comment: LayerCode.kerasComment(layer)))
        return rows
    }

    /// A grouped nn.Conv2d: groups = C, so each input channel has its own M kernels (PyTorch's depthwise convolution).
    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        let channels = layer.inputShape.last ?? 1
        return LayerCode.torchConvolution(layer, name: layer.name, outputs: channels * multiplier, kernel: kernel, stride: stride,
                                          padding: padding, dilation: dilation, groups: channels, bias: useBias,
                                          comment: LayerCode.torchComment(layer) + "; groups=\(channels): one group per channel")
            + LayerCode.torchActivationModules(activation, after: layer.name, outputRank: layer.outputShape.count)
    }
}
