// LayerLanguage: the language side of one kind of model layer, next to the language operation it is.
//
// A kind of layer (CNNCore's ConvolutionLayer, PoolingLayer, ...) computes itself in the core. Here it adds
// what the language knows of it: the layer-line keywords that declare it in a `model` block, the steps `run`
// records for it (the same operations as the interactive call, so `trace`, `grad` and `step` work on a run's
// results), and its Keras and PyTorch code. Each conformance sits in the operation's file in Operations/;
// the registry of kinds is `Builtins.layerKinds` (BuiltinsLayers.swift). CNNCodegen reaches a layer's code
// through `LayerCode`.
import CNNCore

/// What the language knows of a kind of model layer.
protocol LayerLanguage: ModelLayer {
    /// The layer-line keywords that declare this kind, in documentation order (`maxpool` and `avgpool`).
    static var keywords: [LayerKeyword] { get }
    /// How its layer line(s) read, for `help model`: "dense N [activation]".
    static var lineUsage: String { get }
    /// The layer line that declares this layer (without a name or `from`): "conv 8 3x3 same relu". `load`
    /// prints a model read from a file with these lines (ModelText.swift).
    var line: String { get }
    /// Runs the layer in `run` on one input, recording its step(s).
    func run(_ input: LayerRunInput) throws -> LayerRun
    /// Its line(s) of a Keras `Sequential([...])`.
    func keras(_ layer: LayerAnalysis) -> [PythonRow]
    /// Its module(s) of a PyTorch `nn.Sequential`.
    func torch(_ layer: LayerAnalysis) -> [TorchModule]
}

/// One line of generated Python with an optional end-of-line comment.
public struct PythonRow: Sendable {
    /// The code, e.g. `layers.Conv2D(32, (3, 3)),`.
    public var code: String
    /// The comment after it, if any.
    public var comment: String?
}

/// One module of a PyTorch `nn.Sequential`: its name, its constructor and a comment.
public struct TorchModule: Sendable {
    /// The module's name, e.g. "conv2d" or "conv2d_relu".
    public var name: String
    /// The constructor, e.g. `nn.Conv2d(1, 32, kernel_size=(3, 3))`.
    public var code: String
    /// The comment after it, if any.
    public var comment: String?
}

/// What one layer of `run` gets: its analysis, its input, its weights and the names to use.
struct LayerRunInput {
    /// The layer's analysis.
    var layer: LayerAnalysis
    /// The input operand (the previous layer's output variable, or the model's input).
    var input: Operand
    /// The input tensor.
    var tensor: Tensor
    /// The variable the output goes to, e.g. "mnist_1".
    var variable: String
    /// The weights drawn for the layer, kernel then bias.
    var weights: [DrawnWeight]
    /// "layer 1 (conv)", for messages.
    var label: String

    /// The input's name as a script writes it.
    var inputName: String { input.name ?? input.text }

    /// The `i`-th weight as an operand, nil when the layer has fewer weights.
    func weight(_ i: Int) -> Operand? {
        guard i < weights.count else { return nil }
        return Operand(name: weights[i].draw.variable, text: weights[i].draw.variable,
                       value: .tensor(weights[i].tensor), provenance: weights[i].provenance)
    }

    /// The kernel (the first weight) as an operand with its tensor, or an error naming the layer.
    func kernel() throws -> (operand: Operand, tensor: Tensor) {
        guard let kernel = weight(0), let tensor = kernel.tensor else { throw CoreError("\(label): the kernel is missing") }
        return (kernel, tensor)
    }

    /// The weight draws, for the run's record.
    var draws: [WeightDraw] { weights.map(\.draw) }

    /// The layer's record: its step, then the activation (if any) as a second step on its result, whose operand
    /// is named "NAME_K before relu" so that a trace of the layer's output shows both.
    func finish(output: Tensor, expression: String, step: Step, activation: ActivationKind?) throws -> LayerRun {
        guard let activation, activation != .linear else {
            return LayerRun(analysis: layer, variable: variable, output: output,
                            provenance: Provenance(expression: expression, step: step), mainStep: step,
                            activation: nil, weights: draws)
        }
        let before = Operand(name: nil, text: "\(variable) before \(activation.rawValue)", value: .tensor(output),
                             provenance: Provenance(expression: expression, step: step))
        let activated = try ActivationOperation(activation).forward([before]).tensorValue(variable)
        let activationStep = Step(operation: ActivationOperation(activation), operands: [before],
                                  summary: .mapped(from: output.shapeDescription, to: activated.shapeDescription,
                                                   how: .activation(activation, inputRank: nil)))
        return LayerRun(analysis: layer, variable: variable, output: activated,
                        provenance: Provenance(expression: "\(activation.rawValue)(\(expression))", step: activationStep),
                        mainStep: step, activation: activation, weights: draws)
    }
}

/// The generated code of layers, and the small pieces of text their code shares.
public enum LayerCode {
    /// The Keras line(s) of one layer.
    public static func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        guard let language = layer.spec.layer as? any LayerLanguage else { return [unwritable(layer)] }
        return language.keras(layer)
    }

    /// The PyTorch module(s) of one layer.
    public static func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        guard let language = layer.spec.layer as? any LayerLanguage else {
            return [TorchModule(name: layer.name, code: "nn.Identity()", comment: unwritable(layer).comment)]
        }
        return language.torch(layer)
    }

    /// A comment for a layer kind the language does not know (a kind added to the core only).
    private static func unwritable(_ layer: LayerAnalysis) -> PythonRow {
        PythonRow(code: "# \(layer.spec.kerasClassName)", comment: "cnnrepl cannot write this layer's code yet")
    }

    /// "conv2d: 26x26x32, 320 parameters": cnnrepl's name, shape and count of a layer, for a Keras comment.
    static func kerasComment(_ layer: LayerAnalysis) -> String {
        let counted = layer.parameters.value == 0 ? "" : ", \(Format.count(layer.parameters.value)) parameters"
        return "\(layer.name): \(layer.outputShapeDescription)\(counted)"
    }

    /// `activation="relu"` and friends; leaky ReLU with cnnrepl's slope 0.3 (Keras' string "leaky_relu" would
    /// mean 0.2); nil for none or linear.
    static func kerasActivation(_ kind: ActivationKind?) -> String? {
        guard let kind, kind != .linear else { return nil }
        if kind == .leakyrelu {
            return "lambda x: keras.activations.leaky_relu(x, negative_slope=\(PythonText.float(Activation.defaultLeakySlope)))"
        }
        return PythonText.string(kind.rawValue)
    }

    /// A Keras ZeroPadding2D line for padding Keras' Conv2D and pooling layers cannot express.
    static func kerasZeroPadding(_ amounts: PaddingAmounts, why: String?) -> PythonRow {
        PythonRow(code: "layers.ZeroPadding2D(padding=((\(amounts.top), \(amounts.bottom)), (\(amounts.left), \(amounts.right)))),",
                  comment: why)
    }

    /// H x W x C as PyTorch holds it (C x H x W); vectors and H x W maps keep their order.
    public static func channelsFirst(_ shape: [Int]) -> [Int] {
        shape.count == 3 ? [shape[2], shape[0], shape[1]] : shape
    }

    /// "28x28x32 in cnnrepl, (32, 28, 28) here; 320 parameters": cnnrepl's shape and count for a comment.
    static func torchComment(_ layer: LayerAnalysis) -> String {
        var text = layer.outputShapeDescription
        if layer.outputShape.count == 3 { text += " in cnnrepl, \(PythonText.tuple(channelsFirst(layer.outputShape))) here" }
        if layer.parameters.value > 0 { text += "; \(Format.count(layer.parameters.value)) parameters" }
        return text
    }

    /// The activation module after a conv or dense layer, named "conv2d_relu" and so on (none for linear).
    static func torchActivationModules(_ kind: ActivationKind?, after name: String, outputRank: Int) -> [TorchModule] {
        guard let kind, let code = torchActivation(kind, outputRank: outputRank) else { return [] }
        return [TorchModule(name: "\(name)_\(kind.rawValue)", code: code, comment: nil)]
    }

    /// nn.ReLU(), nn.Softmax(dim=1), ...; softmax runs along the channels (images) or features (vectors),
    /// which PyTorch holds on axis 1, and along the last axis of an H x W map. Nil for linear.
    static func torchActivation(_ kind: ActivationKind, outputRank: Int) -> String? {
        switch kind {
        case .relu: return "nn.ReLU()"
        case .relu6: return "nn.ReLU6()"
        case .sigmoid: return "nn.Sigmoid()"
        case .tanh: return "nn.Tanh()"
        case .softmax: return outputRank == 2 ? "nn.Softmax(dim=-1)" : "nn.Softmax(dim=1)"
        case .leakyrelu: return "nn.LeakyReLU(\(PythonText.float(Activation.defaultLeakySlope)))"
        case .linear: return nil
        }
    }

    /// nn.ZeroPad2d((left, right, top, bottom)): PyTorch lists the sides from the last axis backwards.
    static func torchZeroPad(_ amounts: PaddingAmounts) -> String {
        "nn.ZeroPad2d((\(amounts.left), \(amounts.right), \(amounts.top), \(amounts.bottom)))"
    }

    /// nn.ConstantPad2d((left, right, top, bottom), value).
    static func torchConstantPad(_ amounts: PaddingAmounts, value: String) -> String {
        "nn.ConstantPad2d((\(amounts.left), \(amounts.right), \(amounts.top), \(amounts.bottom)), \(value))"
    }

    /// A pair as a layer line writes it: "2" or "2x3".
    static func word(_ pair: Pair) -> String {
        pair.rows == pair.cols ? "\(pair.rows)" : pair.sizeDescription
    }

    /// A pair as the script writes it: "2" or "[2, 3]".
    static func script(_ pair: Pair) -> String {
        pair.rows == pair.cols ? "\(pair.rows)" : "[\(pair.rows), \(pair.cols)]"
    }
}
