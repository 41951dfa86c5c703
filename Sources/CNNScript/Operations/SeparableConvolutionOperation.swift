// SeparableConvolutionOperation: `separableconv(x, dk, pk, stride=, padding=, dilation=, bias=)`, Keras'
// SeparableConv2D, everything specific to it.
//
// Operands: input (H x W x C), depthwise kernel dk (kh x kw x C x M), pointwise kernel pk (1 x 1 x C*M x F)
// and bias (F values) if given. Forward and backward are CNNCore's SeparableConvolution (depthwise, then a
// 1x1 conv); a trace shows the depthwise step of the cell's first channel, the depthwise values at the cell
// and the pointwise dot product; the walk back is the depthwise window over every channel; NumPy code nests
// the helpers: conv2d(depthwise_conv2d(x, dk, ...), pk).
import CNNCore

/// A separable convolution with its settings and plan.
public struct SeparableConvolutionOperation: StepOperation {
    /// The depthwise step's stride, padding and dilation.
    public let separable: SeparableConvolution
    /// The checked geometry of both steps.
    public let plan: SeparableConvolution.Plan

    /// Creates the operation from its settings and plan.
    public init(_ separable: SeparableConvolution, plan: SeparableConvolution.Plan) {
        self.separable = separable
        self.plan = plan
    }

    public var name: String { "separableconv" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: name)
        return .tensor(try separable.apply(try o.tensor(0), depthwiseKernel: try o.tensor(1), pointwiseKernel: try o.tensor(2),
                                           bias: try o.optional(3)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        let bias = o.count > 3 ? try o.tensor(3) : nil
        let d = try separable.backward(input: try o.tensor(0), depthwiseKernel: try o.tensor(1), pointwiseKernel: try o.tensor(2),
                                       biasShape: bias?.shape, outputGradient: g)
        return paired(step, [d.input, d.depthwiseKernel, d.pointwiseKernel, d.bias])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard operands.count >= 3, let input = operands[0].tensor, let dk = operands[1].tensor, let pk = operands[2].tensor else { return nil }
        let bias = operands.count > 3 ? operands[3].tensor : nil
        return .separable(try separable.trace(input: input, depthwiseKernel: dk, pointwiseKernel: pk, bias: bias, at: index), input: operands[0])
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        let p = plan.depthwise.channelPlan
        var text = "separableconv \(p.kernel.sizeDescription), stride \(p.stride)"
        if p.dilation != Pair(square: 1) { text += ", dilation \(p.dilation)" }
        if p.padding != .valid { text += ", \(p.padding)" }
        return .window(SlidingWindow(kernel: p.kernel, stride: p.stride, dilation: p.dilation,
                                     padBefore: Pair(p.paddingAmounts.top, p.paddingAmounts.left)), text: text, channels: .every)
    }

    public var headerNote: HeaderNote? { .convolutionPadding(plan.depthwise.channelPlan) }

    public func gradientRule(position: Int) -> GradientRule { .kernelWeight }

    public var biasPosition: Int? { 3 }

    public var operandRoles: [String] { ["x", "depthwise_kernel", "pointwise_kernel", "bias"] }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard (3...4).contains(c.operands.count), c.operands.prefix(3).allSatisfy({ $0.tensor != nil }) else { return nil }
        var inner = ConvolutionCode.arguments(c, plan: plan.depthwise.channelPlan)
        if c.references.count > 3 { inner.removeAll { $0.hasPrefix("bias=") } }
        var outer = ["depthwise_conv2d(\(inner.joined(separator: ", ")))", c.reference(2, or: "pointwise_kernel")]
        if c.references.count > 3 { outer.append("bias=\(c.references[3])") }
        return NumPyStep("conv2d(\(outer.joined(separator: ", ")))", note: "separable: depthwise, then a 1x1 (pointwise) convolution",
                         helpers: ["conv2d", "depthwise_conv2d"])
    }

    /// The summary of its step.
    var summary: StepSummary {
        let p = plan.depthwise.channelPlan
        return .kernelOperation(KernelOperationSummary(kind: .separable, inputShape: plan.depthwise.inputShape,
                                                       kernelShapes: [plan.depthwise.kernelShape, plan.pointwise.kernelShape],
                                                       stride: p.stride, padding: "\(p.padding)", dilation: p.dilation,
                                                       outputShape: plan.outputShape))
    }

    /// The built-in `separableconv`.
    static let builtin = Builtin(
        name: "separableconv", category: .layers,
        parameters: [
            Parameter("input", .tensor, "an H x W x C stack of maps"),
            Parameter("depthwise", .tensor, "kh x kw x C x M: the depthwise kernels (M per channel)"),
            Parameter("pointwise", .tensor, "1 x 1 x (C*M) x F: the pointwise kernels that mix the channels"),
            Parameter("stride", .pair, default: "1", "the depthwise step's stride"),
            Parameter("padding", .padding, default: "valid", "the depthwise step's padding"),
            Parameter("dilation", .pair, default: "1", "the depthwise step's dilation"),
            Parameter("bias", .tensor, default: "none", "F numbers"),
        ],
        summary: "Depthwise, then pointwise (Keras' SeparableConv2D): MobileNet's cheap replacement for conv.",
        details: """
            separableconv(x, dk, pk) = conv(depthwiseconv(x, dk), pk): each channel filtered on its own, then a 1x1
            convolution mixes them. Weights kh*kw*C*M + C*M*F (+ F) against kh*kw*C*F for conv.
            """,
        examples: ["s = separableconv(maps, rand(3, 3, 3, 1), rand(1, 1, 3, 8))"],
        updatesInPlace: true,
        body: { context in
            let input = try context.requiredTensor("input")
            let dk = try context.requiredTensor("depthwise")
            let pk = try context.requiredTensor("pointwise")
            let bias = try context.tensor("bias", allowNumber: true)
            let separable = SeparableConvolution(try Convolution(
                stride: context.pair("stride") ?? Pair(square: 1), padding: context.padding("padding") ?? .valid,
                dilation: context.pair("dilation") ?? Pair(square: 1)))
            let plan: SeparableConvolution.Plan
            do {
                plan = try separable.plan(inputShape: input.shape, depthwiseShape: dk.shape, pointwiseShape: pk.shape, biasShape: bias?.shape)
            } catch let error as CoreError where error.message.hasPrefix("depthwiseconv:") {
                throw CoreError("separableconv" + error.message.dropFirst("depthwiseconv".count), hint: error.hint)
            }
            let operation = SeparableConvolutionOperation(separable, plan: plan)
            let operands = context.operands(["input", "depthwise", "pointwise", "bias"])
            let output = try operation.forward(operands)
            context.step = Step(operation: operation, operands: operands, summary: operation.summary,
                                arithmetic: [plan.depthwise.arithmetic])
            return output
        })
}

// MARK: - The model layer `separableconv F KxK [stride S] [valid|same] [dilation D] [multiplier M] [nobias] [activation]`

extension SeparableConvolutionLayer: LayerLanguage {
    var line: String {
        "separableconv \(filters) \(kernel.sizeDescription)" + ConvolutionLine.words(stride: stride, padding: padding, dilation: dilation,
                                                                                      multiplier: multiplier, useBias: useBias, activation: activation)
    }
    static let lineUsage = "separableconv F KxK [stride S] [valid|same] [dilation D] [multiplier M] [nobias] [activation]"

    static var keywords: [LayerKeyword] {
        [LayerKeyword(name: "separableconv",
                      weights: .counted(sizes: 4, usage: "params separableconv takes kh x kw x Cin x Cout, e.g. params separableconv 3x3x32x64",
                                        count: { try ParameterCount.separable(kernel: Pair($0[0], $0[1]), channels: $0[2], filters: $0[3]) }),
                      read: read)]
    }

    /// `separableconv 64 3x3 same`.
    private static func read(_ line: LayerLine, _ words: inout ArraySlice<Word>) throws -> LayerSpec {
        ModelBuilder.dropKerasLabel(&words, "filters")
        let filters = try ModelBuilder.count(words.popFirst(), after: line.keyword, what: "the number of filters", example: "separableconv 64 3x3")
        ModelBuilder.dropKerasLabel(&words, "kernel_size")
        guard let sizeWord = words.popFirst() else {
            throw Diagnostic("separableconv needs a kernel size after the filters, e.g. separableconv \(filters) 3x3", at: line.range)
        }
        let kernel = try ModelBuilder.pair(sizeWord, what: "the kernel size")
        let o = try ConvolutionLine.read(&words, layer: "separableconv", allowed: [.dilation, .multiplier])
        return .separableConv(filters: filters, kernel: kernel, stride: o.stride, padding: o.padding, dilation: o.dilation,
                              multiplier: o.multiplier, activation: o.activation, useBias: o.useBias)
    }

    func run(_ input: LayerRunInput) throws -> LayerRun {
        guard let dk = input.weight(0), let pk = input.weight(1), let dkTensor = dk.tensor, let pkTensor = pk.tensor else {
            throw CoreError("\(input.label): the kernels are missing")
        }
        let bias = input.weight(2)
        let separable = try separable()
        let plan = try separable.plan(inputShape: input.tensor.shape, depthwiseShape: dkTensor.shape, pointwiseShape: pkTensor.shape,
                                      biasShape: bias?.tensor?.shape)
        let operation = SeparableConvolutionOperation(separable, plan: plan)
        let operands = [input.input, dk, pk] + (bias.map { [$0] } ?? [])
        let output = try operation.forward(operands).tensorValue(input.label)
        let step = Step(operation: operation, operands: operands, summary: operation.summary, arithmetic: [plan.depthwise.arithmetic])
        return try input.finish(output: output, expression: input.callText("separableconv", weights: [dk, pk], bias: bias, stride: stride,
                                                           padding: padding, dilation: dilation), step: step,
                                activation: activation)
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        var (rows, arguments) = LayerCode.kerasWindow(layer, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        arguments.insert("\(filters)", at: 0)
        if multiplier != 1 { arguments.append("depth_multiplier=\(multiplier)") }
        if let activation = LayerCode.kerasActivation(activation) { arguments.append("activation=\(activation)") }
        if !useBias { arguments.append("use_bias=False") }
        rows.append(PythonRow(code: "layers.SeparableConv2D(\(arguments.joined(separator: ", "))),", comment: LayerCode.kerasComment(layer)))
        return rows
    }

    /// PyTorch has no separable layer: a grouped nn.Conv2d (depthwise, no bias, as Keras' depthwise step) and a 1x1 one.
    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        let channels = layer.inputShape.last ?? 1, middle = channels * multiplier
        var modules = LayerCode.torchConvolution(layer, name: "\(layer.name)_depthwise", outputs: middle, kernel: kernel, stride: stride,
                                                 padding: padding, dilation: dilation, groups: channels, bias: false,
                                                 comment: "separable, step 1: depthwise (groups=\(channels))")
        modules.append(TorchModule(name: "\(layer.name)_pointwise",
                                   code: "nn.Conv2d(\(middle), \(filters), kernel_size=(1, 1)\(useBias ? "" : ", bias=False"))",
                                   comment: "step 2: pointwise; " + LayerCode.torchComment(layer)))
        return modules + LayerCode.torchActivationModules(activation, after: layer.name, outputRank: layer.outputShape.count)
    }
}
