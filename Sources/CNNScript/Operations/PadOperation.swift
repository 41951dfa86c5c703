// PadOperation: `pad(x, amounts, value)`: rows and columns of one value around a map. Operand: x.
import CNNCore

/// Padding with a constant.
public struct PadOperation: StepOperation {
    /// Rows and columns added on each side.
    public let amounts: PaddingAmounts
    /// The value they hold.
    public let value: Double

    /// Creates the operation.
    public init(_ amounts: PaddingAmounts, value: Double) {
        self.amounts = amounts
        self.value = value
    }

    public var name: String { "pad" }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try Operands(operands, forward: name).tensor(0).padded(amounts, value: value))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let input = try backwardOperands(step).tensor(0)
        return paired(step, [try Tensor.padBackward(inputShape: input.shape, amounts: amounts, outputGradient: g)])
    }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1, let rank = c.operandShapes.first?.count, rank >= 2 else { return nil }
        // Rows and columns padded; any channel axis left as it is.
        let widths = ["(\(amounts.top), \(amounts.bottom))", "(\(amounts.left), \(amounts.right))"]
            + Array(repeating: "(0, 0)", count: rank - 2)
        let constant = value == 0 ? "" : ", constant_values=\(PythonText.number(value))"
        return NumPyStep("np.pad(\(c.reference(0, or: "x")), (\(widths.joined(separator: ", ")))\(constant))")
    }
}

// MARK: - The model layer `zeropad P`, `zeropad RxC` or `zeropad T B L R` (Keras ZeroPadding2D)

extension ZeroPaddingLayer: LayerLanguage {
    var line: String {
        let a = amounts
        if a.top == a.bottom, a.left == a.right { return a.top == a.left ? "zeropad \(a.top)" : "zeropad \(a.top)x\(a.left)" }
        return "zeropad \(a.top) \(a.bottom) \(a.left) \(a.right)"
    }
    static let lineUsage = "zeropad P, zeropad RxC or zeropad T B L R; zeropadding P or zeropadding [T, B, L, R] (zeros around each map, as Keras' ZeroPadding2D)"

    static var keywords: [LayerKeyword] {
        // `zeropadding` is the same layer under Keras' name, with `zeropadding [t, b, l, r]` too.
        ["zeropad", "zeropadding"].map {
            LayerKeyword(name: $0, weights: .none(reason: "no weights: zero padding only adds zeros around each map"), read: read)
        }
    }

    /// `zeropad P` (every side), `zeropad RxC` (R rows above and below, C columns left and right, as Keras'
    /// padding=(R, C)) or `zeropad T B L R` (top, bottom, left, right, as `pad`'s [top, bottom, left, right]).
    private static func read(_ line: LayerLine, _ words: inout ArraySlice<Word>) throws -> LayerSpec {
        // The messages use the spelling the line used: zeropad 0 1 0 1, or Keras' zeropadding [0, 1, 0, 1].
        let keyword = line.keyword.text == "zeropadding" ? "zeropadding" : "zeropad"
        let usage = keyword == "zeropadding"
            ? "e.g. zeropadding 1, zeropadding 1x2 (rows x columns) or zeropadding [0, 1, 0, 1] (top, bottom, left, right)"
            : "e.g. zeropad 1, zeropad 1x2 (rows x columns) or zeropad 0 1 0 1 (top bottom left right)"
        func amount(_ word: Word) throws -> Int {
            guard case .number(let n) = word.kind, let value = n.integer, value >= 0 else {
                throw Diagnostic("a padding amount is a whole number of at least 0, not '\(word.text)'", at: word.range, hint: usage)
            }
            return value
        }
        guard let first = words.popFirst() else { throw Diagnostic("\(keyword) needs the padding, \(usage)", at: line.range) }
        if case .dimensions(let sizes) = first.kind {
            guard sizes.count == 2 else {
                throw Diagnostic("\(keyword) takes rows x columns such as 1x2, not '\(first.text)'", at: first.range, hint: usage)
            }
            if let extra = words.first { throw Diagnostic("\(keyword) RxC takes nothing after it", at: extra.range, hint: usage) }
            return .zeroPadding(PaddingAmounts(top: sizes[0], bottom: sizes[0], left: sizes[1], right: sizes[1]))
        }
        let all = [try amount(first)] + (try words.map(amount))
        words.removeAll()
        switch all.count {
        case 1: return .zeroPadding(PaddingAmounts(top: all[0], bottom: all[0], left: all[0], right: all[0]))
        case 4: return .zeroPadding(PaddingAmounts(top: all[0], bottom: all[1], left: all[2], right: all[3]))
        default:
            let four = keyword == "zeropadding" ? "4 ([top, bottom, left, right])" : "4 (top bottom left right)"
            throw Diagnostic("\(keyword) takes 1 amount or \(four), not \(all.count)", at: line.range, hint: usage)
        }
    }

    func run(_ input: LayerRunInput) throws -> LayerRun {
        let operation = PadOperation(amounts, value: 0)
        let output = try operation.forward([input.input]).tensorValue(input.label)
        let step = Step(operation: operation, operands: [input.input],
                        summary: .mapped(from: input.tensor.shapeDescription, to: output.shapeDescription))
        return try input.finish(output: output, expression: "pad(\(input.inputName), \(PadOperation.script(amounts)))", step: step,
                                activation: nil)
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        [PythonRow(code: "layers.ZeroPadding2D(padding=\(Self.kerasPadding(amounts))),", comment: LayerCode.kerasComment(layer))]
    }

    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        [TorchModule(name: layer.name, code: LayerCode.torchZeroPad(amounts), comment: LayerCode.torchComment(layer))]
    }

    /// Keras' padding argument: 1, (1, 2) or ((top, bottom), (left, right)).
    static func kerasPadding(_ a: PaddingAmounts) -> String {
        if a.top == a.bottom && a.left == a.right {
            return a.top == a.left ? "\(a.top)" : "(\(a.top), \(a.left))"
        }
        return "((\(a.top), \(a.bottom)), (\(a.left), \(a.right)))"
    }
}

extension PadOperation {
    /// The amounts as `pad` takes them: 1, or [top, bottom, left, right].
    static func script(_ a: PaddingAmounts) -> String {
        a.top == a.bottom && a.bottom == a.left && a.left == a.right ? "\(a.top)" : "[\(a.top), \(a.bottom), \(a.left), \(a.right)]"
    }
}
