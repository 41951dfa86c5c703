// MinPoolOperation: `minpool(x, size, stride=, padding=)`, the smallest value of each window.
//
// Min pooling is max pooling turned upside down: minpool(x) = -maxpool(-x). Everything here follows from
// that identity and CNNCore's max pooling: the forward pass, the backward pass (the gradient goes to the
// first smallest cell of each window, as max pooling's goes to the first largest), the trace (the window
// of -x, read back with its signs restored), the walk back (the same window) and the NumPy code
// (`-maxpool2d(-x, ...)`). Zero padding with `fit` takes part (a window over the padding can give 0); with
// `same` the padded cells take no part, as in max pooling. Keras has no MinPooling2D layer, so minpool is
// not a layer of `model` blocks (whose layers mirror Keras').
import CNNCore

/// Min pooling, computed as -maxpool(-x).
public struct MinPoolOperation: StepOperation {
    /// The max pooling of -x (kind .max) with the window, stride and padding mode.
    public let pooling: Pooling
    /// The checked geometry for the input it ran on.
    public let plan: Pooling.Plan

    /// Creates the operation for a window, stride and padding mode; checks them against the input's shape.
    public init(size: Pair, stride: Pair?, padding: Pooling.PaddingMode, inputShape: [Int]) throws {
        let pooling = Pooling(kind: .max, size: size, stride: stride, padding: padding)
        self.pooling = pooling
        plan = try Self.speakingOfMinpool { try pooling.plan(inputShape: inputShape) }
    }

    /// Runs core max pooling code, its errors saying "minpool" where they said "maxpool".
    private static func speakingOfMinpool<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CoreError where error.message.hasPrefix("maxpool") {
            throw CoreError("minpool" + error.message.dropFirst("maxpool".count), hint: error.hint)
        }
    }

    public var name: String { "pooled" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let negated = -(try Operands(operands, forward: "minpool").tensor(0))
        let largestOfNegated = try Self.speakingOfMinpool { try pooling.apply(negated) }
        return .tensor(largestOfNegated.map { -$0 + 0 })  // + 0: a zero of the padding stays 0, not -0
    }

    /// y = -M(-x), so dL/dx = M'(-x) applied to dL/dy: the two sign changes cancel.
    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let negated = -(try backwardOperands(step).tensor(0))
        return paired(step, [try Self.speakingOfMinpool { try pooling.backward(input: negated, outputGradient: g) }])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let input = operands.first?.tensor else { return nil }
        var trace = try Self.speakingOfMinpool { try pooling.trace(input: -input, at: index) }
        trace.value = -trace.value
        trace.cells = trace.cells.map { cell in
            var cell = cell
            cell.value = -cell.value
            return cell
        }
        return .poolingWindow(trace, input: operands[0], smallestWins: true)
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        var text = "minpool \(pooling.size.sizeDescription), stride \(pooling.stride)"
        if pooling.padding != .valid { text += ", \(pooling.padding.scriptName)" }
        return .window(SlidingWindow(kernel: pooling.size, stride: pooling.stride,
                                     padBefore: Pair(plan.padding.top, plan.padding.left)), text: text, channels: .same)
    }

    public var headerNote: HeaderNote? { .poolingPadding(plan, smallestWins: true) }

    public func gradientRule(position: Int) -> GradientRule { .windowWinner(smallest: true) }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1 else { return nil }
        var arguments = ["-\(c.reference(0, or: "x"))", PythonText.pair(pooling.size), PythonText.pair(pooling.stride)]
        let amounts = plan.padding
        if !amounts.isZero {
            arguments.append("((\(amounts.top), \(amounts.bottom)), (\(amounts.left), \(amounts.right)))")
            if pooling.padding == .padToFit { arguments.append("pad_value=0") }
        }
        return NumPyStep("-maxpool2d(\(arguments.joined(separator: ", "))) + 0",
                         note: "min pooling is -maxpool(-x); + 0 turns the -0 of a zero into 0", helpers: ["maxpool2d"])
    }

    /// The built-in `minpool`.
    static let builtin = Builtin(
        name: "minpool", category: .layers, parameters: Builtins.poolingParameters,
        summary: "Keep the smallest value of each window: minpool(x) = -maxpool(-x).",
        details: """
            Min pooling keeps the darkest cell of each window where max pooling keeps the brightest. It is max
            pooling of -x, negated, so its gradient goes to the first smallest cell of each window. With
            `padding=fit` the zeros added at the bottom/right take part; with `ceil` (PyTorch's ceil_mode) and
            `same` padded cells take no part.
            Keras has no MinPooling2D layer, so minpool is not a model layer.
            """,
        examples: ["p = minpool(f)", "p = minpool(f, 3, stride=1, padding=same)"],
        updatesInPlace: true,
        body: { context in
            let input = try context.requiredTensor("input")
            let operation = try MinPoolOperation(size: try context.pair("size") ?? Pair(square: 2), stride: try context.pair("stride"),
                                                 padding: try Builtins.poolingMode(context), inputShape: input.shape)
            let operands = context.operands(["input"])
            let output = try operation.forward(operands)
            context.step = Step(operation: operation, operands: operands, summary: .pooling(operation.plan, smallest: true),
                                arithmetic: [operation.plan.arithmetic])
            return output
        })
}
