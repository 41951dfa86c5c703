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
        // As the step header: explicit amounts read "padding 1", the named modes speak for themselves.
        if case .explicit = plan.padding { text += ", padding \(plan.padding)" } else if plan.padding != .valid { text += ", \(plan.padding)" }
        let window = SlidingWindow(kernel: plan.kernel, stride: plan.stride, dilation: plan.dilation,
                                   padBefore: Pair(plan.paddingAmounts.top, plan.paddingAmounts.left))
        return .window(window, text: text, channels: .every)
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

// MARK: - The model layer `conv F KxK [stride S] [valid|same] [dilation D] [nobias] [activation]` (Keras Conv2D)

extension ConvolutionLayer: LayerLanguage {
    var line: String {
        "conv \(filters) \(kernel.sizeDescription)" + ConvolutionLine.words(stride: stride, padding: padding, dilation: dilation,
                                                                             useBias: useBias, activation: activation)
    }
    static let lineUsage = "conv F KxK [stride S] [valid|same] [dilation D] [nobias] [activation]"

    static var keywords: [LayerKeyword] {
        [LayerKeyword(name: "conv",
                      weights: .counted(sizes: 4, usage: "params conv takes kh x kw x Cin x Cout, e.g. params conv 3x3x32x64",
                                        count: { try ParameterCount.convolution(kernel: Pair($0[0], $0[1]), inputChannels: $0[2], filters: $0[3]) }),
                      read: read)]
    }

    /// `conv F KxK [stride S] [valid|same] [dilation D] [nobias] [activation]`; Keras' spellings `padding=same`,
    /// `activation=relu`, `strides=2`, `dilation_rate=2` and `use_bias=False` are read too (ConvolutionLine).
    private static func read(_ line: LayerLine, _ words: inout ArraySlice<Word>) throws -> LayerSpec {
        ModelBuilder.dropKerasLabel(&words, "filters")
        let filters = try ModelBuilder.count(words.popFirst(), after: line.keyword, what: "the number of filters", example: "conv 32 3x3")
        ModelBuilder.dropKerasLabel(&words, "kernel_size")
        guard let sizeWord = words.popFirst() else {
            throw Diagnostic("conv needs a kernel size after the filters, e.g. conv \(filters) 3x3", at: line.range)
        }
        let kernel = try ModelBuilder.pair(sizeWord, what: "the kernel size")
        let o = try ConvolutionLine.read(&words, layer: "conv", allowed: .dilation)
        return .conv(filters: filters, kernel: kernel, stride: o.stride, padding: o.padding, dilation: o.dilation, activation: o.activation,
                     useBias: o.useBias)
    }

    func run(_ input: LayerRunInput) throws -> LayerRun {
        let kernel = try input.kernel()
        let bias = input.weight(1)
        let convolution = try convolution()
        let plan = try convolution.plan(inputShape: input.tensor.shape, kernelShape: kernel.tensor.shape, biasShape: bias?.tensor?.shape)
        let operation = ConvolutionOperation(convolution, plan: plan)
        let operands = [input.input, kernel.operand] + (bias.map { [$0] } ?? [])
        let output = try operation.forward(operands).tensorValue(input.label)
        let step = Step(operation: operation, operands: operands, summary: .convolution(plan), arithmetic: [plan.arithmetic])
        return try input.finish(output: output, expression: input.callText("conv", weights: [kernel.operand], bias: bias, stride: stride,
                                                           padding: padding, dilation: dilation), step: step,
                                activation: activation)
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        var (rows, arguments) = LayerCode.kerasWindow(layer, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        arguments.insert("\(filters)", at: 0)
        if let activation = LayerCode.kerasActivation(activation) { arguments.append("activation=\(activation)") }
        if !useBias { arguments.append("use_bias=False") }
        var note = LayerCode.kerasComment(layer)
        if stride != Pair(square: 1) && dilation != Pair(square: 1) {
            note += " (Keras refuses strides > 1 with dilation_rate > 1; cnnrepl computes it)"
        }
        rows.append(PythonRow(code: "layers.Conv2D(\(arguments.joined(separator: ", "))),", comment: note))
        return rows
    }

    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        LayerCode.torchConvolution(layer, name: layer.name, outputs: filters, kernel: kernel, stride: stride, padding: padding,
                                   dilation: dilation, groups: 1, bias: useBias, comment: LayerCode.torchComment(layer))
            + LayerCode.torchActivationModules(activation, after: layer.name, outputRank: layer.outputShape.count)
    }
}

extension LayerCode {
    /// The window arguments of a Keras convolution layer (kernel size, strides, padding, dilation_rate), and a
    /// ZeroPadding2D row before it for the padding Keras' layers do not have (full, explicit amounts).
    static func kerasWindow(_ layer: LayerAnalysis, kernel: Pair, stride: Pair, padding: Padding, dilation: Pair)
        -> (rows: [PythonRow], arguments: [String]) {
        var rows: [PythonRow] = []
        var arguments = [PythonText.pair(kernel)]
        if stride != Pair(square: 1) { arguments.append("strides=\(PythonText.pair(stride))") }
        switch padding {
        case .valid: break
        case .same: arguments.append("padding=\"same\"")
        case .full, .explicit:
            rows.append(LayerCode.kerasZeroPadding(layer.padding ?? .zero, why: "\(padding) padding: Keras has only valid and same"))
        }
        if dilation != Pair(square: 1) { arguments.append("dilation_rate=\(PythonText.pair(dilation))") }
        return (rows, arguments)
    }

    /// An `nn.Conv2d` with the padding a layer used (PyTorch's "same" only at stride 1, an `nn.ZeroPad2d`
    /// before it when the sides differ, as TensorFlow's same does at stride 2), named `name`.
    static func torchConvolution(_ layer: LayerAnalysis, name: String, outputs filters: Int, kernel: Pair, stride: Pair,
                                 padding: Padding, dilation: Pair, groups: Int, bias useBias: Bool, comment: String) -> [TorchModule] {
        var modules: [TorchModule] = []
        var arguments = ["\(layer.inputShape.count == 3 ? layer.inputShape[2] : 1)", "\(filters)",
                         "kernel_size=\(PythonText.pair(kernel))"]
        if stride != Pair(square: 1) { arguments.append("stride=\(PythonText.pair(stride))") }
        let amounts = layer.padding ?? .zero
        var note = comment
        if !amounts.isZero {
            if amounts.top == amounts.bottom && amounts.left == amounts.right {
                if padding == .same && stride == Pair(square: 1) {
                    arguments.append("padding=\"same\"")
                } else {
                    arguments.append("padding=\(PythonText.pair(Pair(amounts.top, amounts.left)))")
                    note += "; \(padding) pads \(amounts.top) row(s) and \(amounts.left) column(s) on each side"
                }
            } else {
                let why = padding == .same
                    ? "TensorFlow's same: the extra row/column goes to the bottom/right"
                    : "\(padding) padding, not the same on both sides"
                modules.append(TorchModule(name: "\(name)_pad", code: LayerCode.torchZeroPad(amounts), comment: why))
            }
        }
        if dilation != Pair(square: 1) { arguments.append("dilation=\(PythonText.pair(dilation))") }
        if groups != 1 { arguments.append("groups=\(groups)") }
        if !useBias { arguments.append("bias=False") }
        modules.append(TorchModule(name: name, code: "nn.Conv2d(\(arguments.joined(separator: ", ")))", comment: note))
        return modules
    }
}
