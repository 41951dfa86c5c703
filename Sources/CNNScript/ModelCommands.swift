// ModelCommands: the commands about declared models: `params` (a layer's parameter count with its
// arithmetic), `model` (declared by a block, ModelBuilder.swift), `summary` (Keras' table) and `run`
// (a forward pass with fresh weights, ModelRun+Forward.swift).
import CNNCore

extension Commands {
    /// The model commands, in documentation order.
    static let models = [params, model, summary, run]

    /// `params`: a layer's parameter count.
    static let params = CommandDefinition(
        name: "params", usage: "params conv KxKxCINxCOUT | params dense INxOUT | params maxpool",
        summary: "Count a layer's parameters with the arithmetic written out.",
        details: """
            A conv layer has kh x kw x Cin x Cout weights plus one bias per filter; a dense layer in x out weights plus out biases; \
            depthwiseconv kh x kw x C plus C; separableconv its depthwise and pointwise weights plus Cout; transposedconv \
            kh x kw x Out x In plus Out; batchnorm 4 x C (gamma and beta trainable, the moving mean and variance not); \
            pooling and flatten have none.
            """,
        examples: ["params conv 3x3x32x64", "params dense 12544x128", "params depthwiseconv 3x3x32", "params separableconv 3x3x32x64"],
        body: Interpreter.paramsCommand)

    /// `model`: declares a network (the block itself is a statement of its own).
    static let model = CommandDefinition(
        name: "model", usage: "model NAME SHAPE ... end",
        summary: "Declare a network layer by layer from an input shape: a stack like Keras' Sequential, or a graph.",
        details: "One layer per line; the block ends with `end`. The layer lines:\n"
            + Builtins.layerKinds.map { "- " + $0.lineUsage }.joined(separator: "\n")
            + "\nKeras' spellings work too: padding=same, activation=relu, strides=2, pool_size=2."
            + "\nGraphs (Keras' functional API): each line takes the line above unless it says otherwise."
            + "\n- NAME = LAYER ...   names a layer (Keras' name=)"
            + "\n- LAYER ... from NAME   takes NAME, or `input` (the model's input), instead of the line above"
            + "\n- add A B, concat A B   join named layers; add A joins the line above and A"
            + "\nA layer can only take layers above it, and every branch must lead to the last layer."
            + "\nA model trained in Keras: m = load(\"model.keras\") prints its block and keeps its weights;"
            + " save(m, \"m.keras\") gives a model back to Keras (see load and save).",
        examples: ["model tiny 28x28x1\n  conv 8 3x3 relu\n  maxpool 2x2\n  flatten\n  dense 10 softmax\nend",
                   "model residual 56x56x64\n  conv 64 3x3 same relu\n  f = conv 64 3x3 same\n  add f input\n  relu\nend",
                   "model projection 56x56x64\n  conv 128 3x3 stride 2 same relu\n  f = conv 128 3x3 same\n  shortcut = conv 128 1x1 stride 2 from input\n  add f shortcut\n  relu\nend"],
        body: Interpreter.modelCommand)

    /// `summary`: a model's table.
    static let summary = CommandDefinition(
        name: "summary", usage: "summary NAME", summary: "Print a model's layers, output shapes and parameter counts like Keras.",
        details: "With the arithmetic of every count and the receptive field of every layer. A graph's table has Keras' \"Connected to\" column, where paths join the receptive field covers every path (the largest, when they are centred alike), and after upsampling (transposedconv, upsample) the jump is a fraction of a pixel.", examples: ["summary mnist"],
        body: Interpreter.summaryCommand)

    /// `run`: a forward pass (ModelRun+Forward.swift).
    static let run = CommandDefinition(
        name: "run", usage: "run NAME [x]",
        summary: "Run a declared model on x (or on a random input), layer by layer, with fresh weights or the trained ones.",
        details: """
            Weights are drawn like a new Keras model's: kernels Glorot uniform in ±sqrt(6/(fan_in + fan_out))
            (a conv kernel kh x kw x Cin x Cout has fan_in = kh*kw*Cin, fan_out = kh*kw*Cout), biases 0,
            from the session's random generator (`seed N` first repeats a run). Dropout is off, as when
            predicting. Each layer prints its step, shape arithmetic and a preview. The results stay as
            variables: NAME_in (a random or reshaped input), NAME_1 ... NAME_N (each layer's output),
            NAME_out (the last one) and NAME_K_kernel, NAME_K_bias (the weights), so `trace` works on them.
            After `train NAME data`, run uses the weights train learned instead (until the model is declared
            again) and names the predicted class; `show NAME` then draws every layer's maps for x. A model
            loaded from a .keras file (m = load("model.keras")) runs with the weights of the file.
            """,
        examples: ["run mnist", "run mnist x", "trace mnist_1[0, 0, 0]", "show mnist"],
        body: Interpreter.runModel)
}

extension Interpreter {
    /// `model` is a block (`model NAME SHAPE`, the layers, `end`), which the parser reads as a statement of its
    /// own; a `model` that reaches the commands was not written as one.
    func modelCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        throw Diagnostic("model starts a block: model NAME SHAPE, then one layer per line, then end", at: name.range,
                         hint: "e.g. model tiny 28x28x1, then conv 8 3x3 relu, flatten, dense 10 softmax and end on lines of their own")
    }

    /// `summary NAME`: the model's layers, output shapes and parameter counts.
    func summaryCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        guard arguments.count == 1, let modelName = arguments[0].value.identifierName else {
            throw Diagnostic("summary takes the name of a model", at: arguments.first?.range ?? name.range,
                             hint: "declare one with a model ... end block, then: summary NAME")
        }
        guard let variable = environment[modelName] else { throw unknownName(modelName, at: arguments[0].range) }
        guard case .model(let spec) = variable.value else {
            throw Diagnostic("\(modelName) is \(variable.value.kindDescription), not a model", at: arguments[0].range)
        }
        let analysis = try core(arguments[0].range) { try spec.analyze() }
        return .summary(spec, analysis)
    }

    /// `params conv 3x3x32x64`, `params dense 12544x128`, `params maxpool`, or `params MODEL` (its summary):
    /// every layer keyword of a model block (ModelBuilder.keywords) says what its weights are.
    func paramsCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        guard let first = arguments.first, let layer = first.value.identifierName else {
            throw Diagnostic("params takes a layer and its size, e.g. params conv 3x3x32x64 or params dense 12544x128",
                             at: arguments.first?.range ?? name.range)
        }
        let sizes: [Int]?
        if arguments.count >= 2 {
            switch arguments[1].value.kind {
            case .dimensions(let d): sizes = d
            case .number(let n): sizes = n.integer.map { [$0] }
            default: sizes = nil
            }
        } else {
            sizes = nil
        }
        let sizeRange = arguments.count >= 2 ? arguments[1].range : first.range
        if let keyword = ModelBuilder.keyword(named: layer) {
            switch keyword.weights {
            case .none(let reason):
                return .parameters(layer: layer, count: nil, reason: reason)
            case .counted(let count, let usage, let formula):
                guard let sizes, sizes.count == count else { throw Diagnostic(usage, at: sizeRange) }
                let derivation = try core(sizeRange) { try formula(sizes) }
                return .parameters(layer: "\(layer) \(Shape.describe(sizes))", count: derivation, reason: nil)
            }
        }
        if let variable = environment[layer], case .model(let spec) = variable.value {
            let analysis = try core(first.range) { try spec.analyze() }
            return .summary(spec, analysis)
        }
        let guess = Suggestions.closest(to: layer, among: ModelBuilder.keywordNames)
        throw Diagnostic("params knows the layers of a model block (conv, dense, depthwiseconv, batchnorm, pooling, ...), not '\(layer)'", at: first.range,
                         hint: guess.map { "did you mean \($0)?" })
    }
}
