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
        return .window(window, text: text, keepsChannel: true)
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
