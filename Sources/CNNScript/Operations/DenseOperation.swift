// DenseOperation: `dense(x, w, b)`, a fully connected layer x . W + b.
//
// Operands: x, W, and b if given. CNNCore's Dense computes it, differentiates it, traces one output (the
// dot product with one column of W) and lists the exact terms of its gradients.
import CNNCore

/// A dense layer.
public struct DenseOperation: StepOperation {
    /// Creates the operation.
    public init() {}

    public var name: String { "dense" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: name)
        return .tensor(try Dense(weights: try o.tensor(1), bias: try o.optional(2)).apply(try o.tensor(0)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        let bias = o.count > 2 ? try o.tensor(2) : nil
        let d = try Dense(weights: try o.tensor(1), bias: bias).backward(input: try o.tensor(0), outputGradient: g)
        return paired(step, [d.input, d.weights, d.bias])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard operands.count >= 2, let input = operands[0].tensor, let weights = operands[1].tensor,
              let column = index.last else { return nil }
        let bias = operands.count > 2 ? operands[2].tensor : nil
        let trace = try Dense(weights: weights, bias: bias).trace(input: input, at: index)
        return .dotProduct(trace, input: operands[0], weights: operands[1], column: column)
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        operands.first?.tensor?.rank == 1 ? .everyValue(text: "dense") : .stop
    }

    public func gradientRule(position: Int) -> GradientRule { .joiningWeight }

    public func exactGradientTerms(_ operands: [Operand], position: Int, outputGradient g: Tensor,
                                   at index: [Int]) throws -> GradientCellTerms? {
        guard position < 2, operands.count >= 2, let input = operands[0].numeric, let weights = operands[1].numeric else { return nil }
        let layer = try Dense(weights: weights, bias: operands.count > 2 ? operands[2].numeric : nil)
        if position == 1 {
            let sum = try layer.weightGradientSum(input: input, outputGradient: g, at: index)
            return GradientCellTerms(sum: sum, factor: .input(operands[0].displayName), independentOutputs: g.count - sum.terms.count)
        }
        let sum = try layer.inputGradientSum(input: input, outputGradient: g, at: index)
        return GradientCellTerms(sum: sum, factor: .weight(operands[1].displayName), independentOutputs: g.count - sum.terms.count)
    }

    public var biasPosition: Int? { 2 }

    public var operandRoles: [String] { ["x", "weights", "bias"] }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.hasWeightsAndBias else { return nil }
        var code = "\(c.reference(0, or: "x")) @ \(c.reference(1, or: "weights"))"
        if c.references.count > 2 { code += " + \(c.references[2])" }
        return NumPyStep(code)
    }
}

// MARK: - The model layer `dense N [activation]` (Keras Dense)

extension DenseLayer: LayerLanguage {
    var line: String {
        "dense \(units)" + (useBias ? "" : " nobias") + (activation == .linear ? "" : " \(activation.rawValue)")
    }
    static let lineUsage = "dense N [activation]"

    static var keywords: [LayerKeyword] {
        [LayerKeyword(name: "dense",
                      weights: .counted(sizes: 2, usage: "params dense takes inputs x units, e.g. params dense 12544x128",
                                        count: { try ParameterCount.dense(inputs: $0[0], units: $0[1]) }),
                      read: read)]
    }

    /// `dense N [activation]`.
    private static func read(_ line: LayerLine, _ words: inout ArraySlice<Word>) throws -> LayerSpec {
        ModelBuilder.dropKerasLabel(&words, "units")
        let units = try ModelBuilder.count(words.popFirst(), after: line.keyword, what: "the number of units", example: "dense 128 relu")
        var activation: ActivationKind?
        if let word = words.popFirst() {
            if word.text == "activation" {
                activation = try ModelBuilder.activation(after: word, &words)
            } else if let kind = ModelBuilder.activations[word.text] {
                activation = kind
            } else {
                throw ModelBuilder.unexpected(word, in: "dense", expected: ModelBuilder.activations.keys.sorted() + ["activation"])
            }
        }
        if let extra = words.first { throw Diagnostic("dense takes a number of units and an activation, nothing more", at: extra.range) }
        return .dense(units: units, activation: activation)
    }

    func run(_ input: LayerRunInput) throws -> LayerRun {
        let x = input.tensor
        let (kernel, kernelTensor) = try input.kernel()
        let bias = input.weight(1)
        let arithmetic = ["\(kernelTensor.shape[0]) x \(kernelTensor.shape[1]) weights" + (bias == nil ? "" : " + \(kernelTensor.shape[1]) biases")]
        if x.rank <= 2 {
            let operands = [input.input, kernel] + (bias.map { [$0] } ?? [])
            let output = try DenseOperation().forward(operands).tensorValue(input.label)
            let step = Step(operation: DenseOperation(), operands: operands,
                            summary: .dense(input: x.shapeDescription, weights: kernelTensor.shapeDescription, bias: bias?.tensor?.shapeDescription,
                                              output: output.shapeDescription),
                            arithmetic: arithmetic)
            let arguments = [input.inputName, kernel.text] + (bias.map { [$0.text] } ?? [])
            return try input.finish(output: output, expression: "dense(\(arguments.joined(separator: ", ")))", step: step,
                                    activation: activation)
        }
        // Keras' Dense on an image acts on the last axis: the same small dense layer at every pixel, which is
        // exactly a 1x1 convolution with the in x units kernel seen as 1x1 x in x units.
        let units = kernelTensor.shape[1]
        let asConvolution = try DenseLayer.pointwise(kernelTensor)
        let convolution = try Convolution()
        let plan = try convolution.plan(inputShape: x.shape, kernelShape: asConvolution.shape, biasShape: bias?.tensor?.shape)
        let kernelOperand = Operand(name: nil, text: "\(kernel.text) as 1x1x\(kernelTensor.shape[0])x\(units)",
                                    value: .tensor(asConvolution), provenance: nil)
        let operands = [input.input, kernelOperand] + (bias.map { [$0] } ?? [])
        let output = try ConvolutionOperation(convolution, plan: plan).forward(operands).tensorValue(input.label)
        let step = Step(operation: ConvolutionOperation(convolution, plan: plan), operands: operands,
                        summary: .convolution(plan, denseOnImage: true),
                        arithmetic: [plan.arithmetic] + arithmetic)
        var arguments = [input.inputName, "reshape(\(kernel.text), 1x1x\(kernelTensor.shape[0])x\(units))"]
        if let bias { arguments.append("bias=\(bias.text)") }
        return try input.finish(output: output, expression: "conv(\(arguments.joined(separator: ", ")))", step: step,
                                activation: activation)
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        var arguments = ["\(units)"]
        if let activation = LayerCode.kerasActivation(activation) { arguments.append("activation=\(activation)") }
        if !useBias { arguments.append("use_bias=False") }
        var note = LayerCode.kerasComment(layer)
        if layer.inputShape.count > 1 { note += " (acts on the last axis of \(Shape.describe(layer.inputShape)))" }
        return [PythonRow(code: "layers.Dense(\(arguments.joined(separator: ", "))),", comment: note)]
    }

    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        let inputs = layer.inputShape.last ?? 1
        let shape = LayerCode.torchComment(layer)
        var modules: [TorchModule]
        if layer.inputShape.count == 3 {
            var arguments = ["\(inputs)", "\(units)", "kernel_size=1"]
            if !useBias { arguments.append("bias=False") }
            modules = [TorchModule(name: layer.name, code: "nn.Conv2d(\(arguments.joined(separator: ", ")))",
                                   comment: shape + "; a Dense on each pixel's channels is a 1x1 conv")]
        } else {
            var arguments = ["\(inputs)", "\(units)"]
            if !useBias { arguments.append("bias=False") }
            modules = [TorchModule(name: layer.name, code: "nn.Linear(\(arguments.joined(separator: ", ")))", comment: shape)]
        }
        return modules + LayerCode.torchActivationModules(activation, after: layer.name, outputRank: layer.outputShape.count)
    }
}
