// TransposedConvolutionOperation: `transposedconv(x, k, stride=, padding=valid|same, output_padding=, bias=)`,
// Keras' Conv2DTranspose, everything specific to it.
//
// Operands: input (H x W x In), kernel (kh x kw x Out x In, Keras' layout) and bias (Out values) if given.
// Forward and backward are CNNCore's TransposedConvolution (the convolution of the zero-inserted input with
// the flipped kernel); a trace shows both views of a cell (the input cells scattered onto it, and that
// convolution); the walk back finds the input cells whose kernel placement covers the region; NumPy code
// calls the `conv2d_transpose` helper.
import CNNCore

/// A transposed convolution with its settings and plan.
public struct TransposedConvolutionOperation: StepOperation {
    /// Stride, padding and output padding.
    public let transposed: TransposedConvolution
    /// The checked geometry.
    public let plan: TransposedConvolution.Plan

    /// Creates the operation from its settings and plan.
    public init(_ transposed: TransposedConvolution, plan: TransposedConvolution.Plan) {
        self.transposed = transposed
        self.plan = plan
    }

    public var name: String { "transposedconv" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: name)
        return .tensor(try transposed.apply(try o.tensor(0), kernel: try o.tensor(1), bias: try o.optional(2)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        let bias = o.count > 2 ? try o.tensor(2) : nil
        let d = try transposed.backward(input: try o.tensor(0), kernel: try o.tensor(1), biasShape: bias?.shape, outputGradient: g)
        return paired(step, [d.input, d.kernel, d.bias])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let input = operands.first?.tensor, operands.count >= 2, let kernel = operands[1].tensor else { return nil }
        let bias = operands.count > 2 ? operands[2].tensor : nil
        let found = try transposed.trace(input: input, kernel: kernel, bias: bias, at: index)
        return .transposed(scatter: found.scatter, convolution: found.convolution, expanded: found.expanded, plan: found.plan,
                           input: operands[0], kernel: operands[1])
    }

    /// Output rows o0..o1 need the input rows i with i*s + ky - crop in o0..o1 for some tap ky.
    public func chainLink(_ operands: [Operand]) -> ChainLink {
        let rows = plan.rows, cols = plan.cols
        var text = "transposedconv \(rows.kernel)x\(cols.kernel), stride \(transposed.stride)"
        if transposed.padding != .valid { text += ", \(transposed.padding)" }
        @Sendable func along(_ a: TransposedConvolution.Axis, _ range: ClosedRange<Int>) -> ClosedRange<Int>? {
            let low = range.lowerBound + a.crop - (a.kernel - 1), high = range.upperBound + a.crop
            let first = max(0, low >= 0 ? (low + a.stride - 1) / a.stride : -((-low) / a.stride))
            let last = min(a.input - 1, high >= 0 ? high / a.stride : -1)
            return first <= last ? first...last : nil
        }
        return .inputRegion(text: text, channels: .every) { r, c in
            guard let found = along(rows, r), let other = along(cols, c) else { return nil }
            return (found, other)
        }
    }

    public var headerNote: HeaderNote? { .transposedConvolution(plan) }

    public func gradientRule(position: Int) -> GradientRule { .kernelWeight }

    public var biasPosition: Int? { 2 }

    public var operandRoles: [String] { ["x", "kernel", "bias"] }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.hasWeightsAndBias else { return nil }
        var arguments = [c.reference(0, or: "x"), c.reference(1, or: "kernel")]
        if transposed.stride != Pair(square: 1) { arguments.append("stride=\(PythonText.pair(transposed.stride))") }
        let r = plan.rows, k = plan.cols
        arguments.append("padding=((\(r.padBefore), \(r.padAfter)), (\(k.padBefore), \(k.padAfter)))")
        if c.references.count > 2 { arguments.append("bias=\(c.references[2])") }
        return NumPyStep("conv2d_transpose(\(arguments.joined(separator: ", ")))",
                         note: "padding \(transposed.padding): the zeros around the zero-inserted input (Keras 3's rule)",
                         helpers: ["conv2d", "conv2d_transpose"])
    }

    /// The summary of its step.
    var summary: StepSummary {
        .kernelOperation(KernelOperationSummary(kind: .transposed, inputShape: plan.inputShape, kernelShapes: [plan.kernelShape],
                                                stride: transposed.stride,
                                                padding: "\(transposed.padding)" + (transposed.outputPadding.map { ", output_padding \($0)" } ?? ""),
                                                outputShape: plan.outputShape))
    }

    /// The built-in `transposedconv`.
    static let builtin = Builtin(
        name: "transposedconv", category: .layers,
        parameters: [
            Parameter("input", .tensor, "an H x W map or an H x W x In stack"),
            Parameter("kernel", .tensor, "kh x kw x Out x In (Keras' Conv2DTranspose layout), or kh x kw"),
            Parameter("stride", .pair, default: "1", "the upsampling factor: 2 or [rows, cols]"),
            Parameter("padding", .word(["valid", "same"]), default: "valid", "valid or same, as Keras"),
            Parameter("output_padding", .pair, default: "none", "extra rows/columns at the bottom/right, less than the stride"),
            Parameter("bias", .tensor, default: "none", "Out numbers"),
        ],
        summary: "Upsample with a learned kernel (Keras' Conv2DTranspose): each input cell stamps a scaled kernel.",
        details: """
            out = (in - 1)*stride + k - 2*pad + output_padding (pad 0 for valid, k//2 for same); without output_padding
            Keras gives in*stride for same and (in - 1)*stride + max(k, stride) for valid. The same numbers come from
            inserting stride - 1 zeros between the input's cells, padding, and convolving with the flipped kernel:
            `trace` shows both views. It is also conv's gradient with respect to its input.
            """,
        examples: ["u = transposedconv(maps, rand(3, 3, 2, 3), stride=2, padding=same)", "u = transposedconv(a, ones(3, 3), stride=2)"],
        updatesInPlace: true,
        body: { context in
            let input = try context.requiredTensor("input")
            let kernel = try context.requiredTensor("kernel")
            let bias = try context.tensor("bias", allowNumber: true)
            let padding: Padding = try context.word("padding", choices: ["valid", "same"]) == "same" ? .same : .valid
            let transposed = try TransposedConvolution(stride: context.pair("stride") ?? Pair(square: 1), padding: padding,
                                                       outputPadding: context.pair("output_padding", minimum: 0))
            let plan = try transposed.plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape)
            let operation = TransposedConvolutionOperation(transposed, plan: plan)
            let operands = context.operands(["input", "kernel", "bias"])
            let output = try operation.forward(operands)
            context.step = Step(operation: operation, operands: operands, summary: operation.summary, arithmetic: [plan.arithmetic])
            return output
        })
}

// MARK: - The model layer `transposedconv F KxK [stride S] [valid|same] [output_padding P] [nobias] [activation]`

extension TransposedConvolutionLayer: LayerLanguage {
    var line: String {
        "transposedconv \(filters) \(kernel.sizeDescription)" + ConvolutionLine.words(stride: stride, padding: padding, outputPadding: outputPadding,
                                                                                       useBias: useBias, activation: activation)
    }
    static let lineUsage = "transposedconv F KxK [stride S] [valid|same] [output_padding P] [nobias] [activation]"

    static var keywords: [LayerKeyword] {
        [LayerKeyword(name: "transposedconv",
                      weights: .counted(sizes: 4, usage: "params transposedconv takes kh x kw x Out x In (Keras' layout), e.g. params transposedconv 3x3x32x64",
                                        count: { try ParameterCount.transposed(kernel: Pair($0[0], $0[1]), outputs: $0[2], inputs: $0[3]) }),
                      read: read)]
    }

    /// `transposedconv 32 3x3 stride 2 same`.
    private static func read(_ line: LayerLine, _ words: inout ArraySlice<Word>) throws -> LayerSpec {
        ModelBuilder.dropKerasLabel(&words, "filters")
        let filters = try ModelBuilder.count(words.popFirst(), after: line.keyword, what: "the number of filters", example: "transposedconv 32 3x3")
        ModelBuilder.dropKerasLabel(&words, "kernel_size")
        guard let sizeWord = words.popFirst() else {
            throw Diagnostic("transposedconv needs a kernel size after the filters, e.g. transposedconv \(filters) 3x3", at: line.range)
        }
        let kernel = try ModelBuilder.pair(sizeWord, what: "the kernel size")
        let o = try ConvolutionLine.read(&words, layer: "transposedconv", allowed: [.outputPadding])
        return .transposedConv(filters: filters, kernel: kernel, stride: o.stride, padding: o.padding, outputPadding: o.outputPadding,
                               activation: o.activation, useBias: o.useBias)
    }

    func run(_ input: LayerRunInput) throws -> LayerRun {
        let kernel = try input.kernel()
        let bias = input.weight(1)
        let transposed = try transposed()
        let plan = try transposed.plan(inputShape: input.tensor.shape, kernelShape: kernel.tensor.shape, biasShape: bias?.tensor?.shape)
        let operation = TransposedConvolutionOperation(transposed, plan: plan)
        let operands = [input.input, kernel.operand] + (bias.map { [$0] } ?? [])
        let output = try operation.forward(operands).tensorValue(input.label)
        let step = Step(operation: operation, operands: operands, summary: operation.summary, arithmetic: [plan.arithmetic])
        return try input.finish(output: output, expression: input.callText("transposedconv", weights: [kernel.operand], bias: bias, stride: stride,
                                                           padding: padding, outputPadding: outputPadding), step: step,
                                activation: activation)
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        var arguments = ["\(filters)", PythonText.pair(kernel)]
        if stride != Pair(square: 1) { arguments.append("strides=\(PythonText.pair(stride))") }
        if padding == .same { arguments.append("padding=\"same\"") }
        if let outputPadding { arguments.append("output_padding=\(PythonText.pair(outputPadding))") }
        if let activation = LayerCode.kerasActivation(activation) { arguments.append("activation=\(activation)") }
        if !useBias { arguments.append("use_bias=False") }
        return [PythonRow(code: "layers.Conv2DTranspose(\(arguments.joined(separator: ", "))),", comment: LayerCode.kerasComment(layer))]
    }

    /// nn.ConvTranspose2d crops `padding` rows at both ends and adds `output_padding` at the end; Keras' rule can
    /// crop more at the end than at the start (same, stride 2, odd kernel), which a negative nn.ZeroPad2d does.
    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        let inputs = layer.inputShape.last ?? 1
        guard let settings = try? transposed(), layer.inputShape.count == 3 else {
            return [TorchModule(name: layer.name, code: "nn.Identity()", comment: "cnnrepl cannot write this layer's code")]
        }
        let rows = settings.axis(input: layer.inputShape[0], kernel: kernel.rows, stride: stride.rows, outputPadding: outputPadding?.rows)
        let cols = settings.axis(input: layer.inputShape[1], kernel: kernel.cols, stride: stride.cols, outputPadding: outputPadding?.cols)
        // Crops at the start (p) and at the end: the end's crop is p - output_padding, or a crop after the layer.
        func split(_ a: TransposedConvolution.Axis) -> (padding: Int, outputPadding: Int, cropEnd: Int) {
            let start = a.crop, end = a.kernel - 1 - a.padAfter
            let difference = start - end
            if difference >= 0 && difference < a.stride { return (start, difference, 0) }
            if difference < 0 { return (start, 0, -difference) }
            return (start, a.stride - 1, a.stride - 1 - difference)
        }
        let r = split(rows), c = split(cols)
        var arguments = ["\(inputs)", "\(filters)", "kernel_size=\(PythonText.pair(kernel))"]
        if stride != Pair(square: 1) { arguments.append("stride=\(PythonText.pair(stride))") }
        if r.padding != 0 || c.padding != 0 { arguments.append("padding=\(PythonText.pair(Pair(r.padding, c.padding)))") }
        if r.outputPadding != 0 || c.outputPadding != 0 {
            arguments.append("output_padding=\(PythonText.pair(Pair(r.outputPadding, c.outputPadding)))")
        }
        if !useBias { arguments.append("bias=False") }
        var modules = [TorchModule(name: layer.name, code: "nn.ConvTranspose2d(\(arguments.joined(separator: ", ")))",
                                   comment: LayerCode.torchComment(layer))]
        if r.cropEnd != 0 || c.cropEnd != 0 {
            modules.append(TorchModule(name: "\(layer.name)_crop", code: "nn.ZeroPad2d((0, \(-c.cropEnd), 0, \(-r.cropEnd)))",
                                       comment: "Keras' same: one more row/column cropped at the bottom/right than at the top/left"))
        }
        return modules + LayerCode.torchActivationModules(activation, after: layer.name, outputRank: layer.outputShape.count)
    }
}
