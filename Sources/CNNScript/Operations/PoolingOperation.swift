// PoolingOperation: `maxpool(x, size, stride=, padding=)` and `avgpool(...)`, everything specific to them.
//
// Operand: input. CNNCore's Pooling computes the windows, their backward pass and the trace of one cell;
// the walk back follows the window (each channel its own); NumPy code calls the `maxpool2d`/`avgpool2d`
// helpers with the padding amounts and whether padded cells take part.
import CNNCore

/// Window pooling with its settings and the plan it ran with.
public struct PoolingOperation: StepOperation {
    /// Kind, window, stride and padding mode.
    public let pooling: Pooling
    /// The checked geometry for the input it ran on.
    public let plan: Pooling.Plan

    /// Creates the operation from its settings and plan.
    public init(_ pooling: Pooling, plan: Pooling.Plan) {
        self.pooling = pooling
        self.plan = plan
    }

    public var name: String { "pooled" }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try pooling.apply(try Operands(operands, forward: name).tensor(0)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        paired(step, [try pooling.backward(input: try backwardOperands(step).tensor(0), outputGradient: g)])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let input = operands.first?.tensor else { return nil }
        return .poolingWindow(try pooling.trace(input: input, at: index), input: operands[0])
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        var text = "\(pooling.kind.operationName) \(pooling.size.sizeDescription), stride \(pooling.stride)"
        if pooling.padding != .valid { text += ", \(pooling.padding.scriptName)" }
        let window = SlidingWindow(kernel: pooling.size, stride: pooling.stride,
                                   padBefore: Pair(plan.padding.top, plan.padding.left))
        return .window(window, text: text, channels: .same)
    }

    public var headerNote: HeaderNote? { .poolingPadding(plan) }

    public func gradientRule(position: Int) -> GradientRule {
        if pooling.kind == .max { return .windowWinner(smallest: false) }
        return .windowShare(cells: plan.paddingTakesPart ? pooling.size.rows * pooling.size.cols : nil)
    }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1 else { return nil }
        var arguments = [c.reference(0, or: "x"), PythonText.pair(pooling.size), PythonText.pair(pooling.stride)]
        let amounts = plan.padding
        if !amounts.isZero {
            arguments.append("((\(amounts.top), \(amounts.bottom)), (\(amounts.left), \(amounts.right)))")
        }
        var note: String?
        switch (pooling.kind, pooling.padding) {
        case (.max, .padToFit) where !amounts.isZero:
            arguments.append("pad_value=0")
            note = "padding=fit: zero rows below and columns right, which take part"
        case (.max, .same) where !amounts.isZero:
            note = "padding=same: padded cells take no part (-inf never wins)"
        case (.average, .same) where !amounts.isZero:
            arguments.append("padding_counts=False")
            note = "padding=same: each window averages its real cells only"
        case (.average, .padToFit) where !amounts.isZero:
            note = "padding=fit: zero rows below and columns right, which count in the average"
        case (.max, .ceil) where !amounts.isZero:
            note = "padding=ceil (PyTorch's ceil_mode): edge windows reach past the map; -inf there never wins"
        case (.average, .ceil) where !amounts.isZero:
            arguments.append("padding_counts=False")
            note = "padding=ceil (PyTorch's ceil_mode): each edge window averages its real cells only"
        default:
            break
        }
        let helper = pooling.kind == .max ? "maxpool2d" : "avgpool2d"
        return NumPyStep("\(helper)(\(arguments.joined(separator: ", ")))", note: note, helpers: [helper])
    }
}

// MARK: - The model layers `maxpool KxK [stride S] [valid|same]` and `avgpool ...` (Keras MaxPooling2D, AveragePooling2D)

extension PoolingLayer: LayerLanguage {
    var line: String {
        var words = "\(kind.operationName) \(size.sizeDescription)"
        if let stride, stride != size { words += " stride \(LayerCode.word(stride))" }
        switch padding {
        case .valid: break
        case .same: words += " same"
        default: words += " padding \(padding)"
        }
        return words
    }
    static let lineUsage = "maxpool KxK [stride S] [valid|same], avgpool KxK [stride S] [valid|same]"

    static var keywords: [LayerKeyword] { [keyword(.max), keyword(.average)] }

    /// What `params` says about every pooling layer.
    static let noWeights = LayerWeights.none(reason: "no weights: pooling only picks or averages the values in each window")

    /// `maxpool KxK [stride S] [valid|same]` or the same for `avgpool`.
    private static func keyword(_ kind: Pooling.Kind) -> LayerKeyword {
        let name = kind.operationName
        return LayerKeyword(name: name, weights: noWeights, read: { line, words in
            var size = Pair(square: 2)
            var stride: Pair?
            var padding = Padding.valid
            let options = ["stride", "strides", "same", "valid", "padding", "pool_size"]
            if let first = words.first, !options.contains(first.text) {
                size = try ModelBuilder.pair(words.popFirst(), after: line.keyword, what: "the window size")
            }
            while let word = words.popFirst() {
                switch word.text {
                case "pool_size": size = try ModelBuilder.pair(words.popFirst(), after: word, what: "the window size")
                case "stride", "strides": stride = try ModelBuilder.pair(words.popFirst(), after: word, what: "the stride")
                case "valid": padding = .valid
                case "same": padding = .same
                case "padding": padding = try ModelBuilder.padding(after: word, &words)
                default: throw ModelBuilder.unexpected(word, in: name, expected: ["stride", "valid", "same", "padding"])
                }
            }
            return LayerSpec(PoolingLayer(kind: kind, size: size, stride: stride, padding: padding))
        })
    }

    func run(_ input: LayerRunInput) throws -> LayerRun {
        let pooling = try pooling()
        let plan = try pooling.plan(inputShape: input.tensor.shape)
        let operation = PoolingOperation(pooling, plan: plan)
        let output = try operation.forward([input.input]).tensorValue(input.label)
        var arguments = [input.inputName, LayerCode.script(pooling.size)]
        if pooling.stride != pooling.size { arguments.append("stride=\(LayerCode.script(pooling.stride))") }
        if pooling.padding == .same { arguments.append("padding=same") }
        let step = Step(operation: operation, operands: [input.input], summary: .pooling(plan), arithmetic: [plan.arithmetic])
        return try input.finish(output: output, expression: "\(kind.operationName)(\(arguments.joined(separator: ", ")))",
                                step: step, activation: nil)
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        var rows: [PythonRow] = []
        var arguments = [PythonText.pair(size)]
        if let stride, stride != size { arguments.append("strides=\(PythonText.pair(stride))") }
        switch padding {
        case .valid: break
        case .same: arguments.append("padding=\"same\"")
        case .full, .explicit:
            rows.append(LayerCode.kerasZeroPadding(layer.padding ?? .zero, why: "\(padding) padding: the zeros take part in the pooling"))
        }
        rows.append(PythonRow(code: "layers.\(kerasClassName)(\(arguments.joined(separator: ", "))),", comment: LayerCode.kerasComment(layer)))
        return rows
    }

    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        let name = layer.name
        let isMax = kind == .max
        let className = isMax ? "MaxPool2d" : "AvgPool2d"
        var modules: [TorchModule] = []
        var arguments = ["kernel_size=\(PythonText.pair(size))"]
        if let stride, stride != size { arguments.append("stride=\(PythonText.pair(stride))") }
        let amounts = layer.padding ?? .zero
        var note = LayerCode.torchComment(layer)
        if !amounts.isZero {
            let symmetric = amounts.top == amounts.bottom && amounts.left == amounts.right
            if padding == .same && symmetric {
                arguments.append("padding=\(PythonText.pair(Pair(amounts.top, amounts.left)))")
                if !isMax { arguments.append("count_include_pad=False") }
                note += "; same: padded cells take no part, as in TensorFlow"
            } else if padding == .same && isMax {
                modules.append(TorchModule(name: "\(name)_pad", code: LayerCode.torchConstantPad(amounts, value: "float(\"-inf\")"),
                                           comment: "TensorFlow's same: -inf never wins, so padded cells take no part"))
            } else {
                modules.append(TorchModule(name: "\(name)_pad", code: LayerCode.torchZeroPad(amounts),
                                           comment: padding == .same
                                               ? "TensorFlow's same, not exact: its edge averages count real cells only"
                                               : "\(padding) padding: the zeros take part"))
            }
        }
        modules.append(TorchModule(name: name, code: "nn.\(className)(\(arguments.joined(separator: ", ")))", comment: note))
        return modules
    }
}
