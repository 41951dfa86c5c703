// ModelRun+Forward: `run NAME [x]`, the forward pass of a declared model with freshly drawn weights, or
// with the weights `train` learned when the model has been trained since it was declared.
//
// The command checks the model and its size, takes the input (the argument, evaluated first as it may draw
// random numbers itself, or rand(shape) drawn after the weights), draws the weights (ModelRun+Weights.swift:
// Glorot uniform like a new Keras model, zero biases, from the session's random generator, so `seed N`
// before `run` repeats a run exactly) and runs the layers one by one (ModelRun+Layers.swift), each computed
// by the core with its Step so every output can be traced back to the input. Dropout is off, as in Keras'
// model.predict. Nothing is stored until every layer has run: an error or Ctrl-C leaves the variables and
// the random generator as they were.
import CNNCore

/// Limits that keep `run` interactive.
public enum ModelRunLimits {
    /// The most multiply-adds one forward pass may take: 2 billion, a few seconds in a release build (about
    /// half a minute in a debug build); Ctrl-C stops a run between and inside layers.
    public static let maxMultiplyAdds = 2_000_000_000
    /// The most numbers (weights plus layer outputs) one run may hold: Limits.maxElements (800 MB).
    public static let maxValues = Limits.maxElements
}

extension Interpreter {
    /// `run NAME` or `run NAME x`: runs a declared model on x (or on a random input) and stores every
    /// layer's output as NAME_1 ... NAME_N and NAME_out.
    func runModel(_ command: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        guard let first = arguments.first, first.label == nil, let modelName = first.value.identifierName else {
            throw Diagnostic("run takes the name of a model, then optionally an input tensor",
                             at: arguments.first?.range ?? command.range,
                             hint: "declare a model with a model NAME SHAPE ... end block, then: run NAME or run NAME x")
        }
        if arguments.count > 2 {
            throw Diagnostic("run takes a model and at most one input", at: arguments[2].range, hint: "e.g. run \(modelName) x")
        }
        if arguments.count == 2, let label = arguments[1].label {
            throw Diagnostic("run takes the input as it is, without a name=", at: label.range, hint: "e.g. run \(modelName) x")
        }
        guard let variable = environment[modelName] else { throw unknownName(modelName, at: first.range) }
        guard case .model(let spec) = variable.value else {
            throw Diagnostic("\(modelName) is \(variable.value.kindDescription), not a model", at: first.range,
                             hint: "run works on a model declared with a model NAME SHAPE ... end block")
        }
        let analysis = try core(first.range) { try spec.analyze() }
        try core(first.range) { try ModelRunner.checkSize(spec, analysis) }

        // The input: the argument (evaluated first, as it may draw random numbers itself), or random numbers
        // in the model's input shape drawn after the weights.
        var given: (tensor: Tensor, variable: String, origin: String, provenance: Provenance?, note: String?)?
        if arguments.count == 2 {
            let argument = arguments[1]
            let evaluated = try evaluate(argument.value, context)
            guard case .tensor(let tensor) = evaluated.value else {
                throw Diagnostic("run needs an input tensor of shape \(Shape.describe(spec.inputShape)), not \(evaluated.value.kindDescription)",
                                 at: argument.range, hint: "e.g. x = rand(\(Shape.describe(spec.inputShape))), then run \(modelName) x")
            }
            let fitted = try ModelRunner.fitInput(tensor, to: spec.inputShape, model: modelName, at: argument.range)
            let origin = context.text(argument.value.range)
            if let name = evaluated.variableName, fitted.note == nil {
                given = (fitted.tensor, name, origin, evaluated.provenance, nil)
            } else {
                let provenance = fitted.note == nil ? evaluated.provenance
                    : Provenance(expression: "\(origin) read as \(Shape.describe(spec.inputShape))", step: nil)
                given = (fitted.tensor, "\(modelName)_in", origin, provenance, fitted.note)
            }
        }
        var generator = random.generator
        var weights = try core(first.range) { try ModelRunner.drawWeights(spec, analysis, using: &generator) }
        // A trained model runs with what it learned (the same shapes, in the same order: kernel, then bias).
        let network = trained.network(for: modelName, declaration: variable.provenance, spec: spec)
        // A model loaded from a .keras file runs with the weights it came with, until it is trained.
        let loaded = network == nil ? loadedWeights(variable, spec: spec) : nil
        if let loaded {
            generator = random.generator
            for layer in weights.indices where layer < loaded.weights.count {
                for weight in weights[layer].indices where weight < loaded.weights[layer].count {
                    weights[layer][weight].tensor = loaded.weights[layer][weight]
                    weights[layer][weight].loadedFrom = loaded.file
                }
            }
        }
        if let network {
            generator = random.generator
            var position = 0
            for layer in weights.indices {
                for weight in weights[layer].indices where position < network.parameters.count {
                    weights[layer][weight].tensor = network.parameters[position]
                    weights[layer][weight].trained = true
                    position += 1
                }
            }
        }
        // One record per weight, shared by the operand each layer's step records and the variable stored, so
        // that grad(loss, m_1_kernel) finds the m_1_kernel the loss was computed from.
        for layer in weights.indices {
            for weight in weights[layer].indices {
                weights[layer][weight].provenance = Provenance(expression: weights[layer][weight].origin(layer: layer + 1, model: modelName),
                                                               step: nil)
            }
        }
        let input: Tensor, inputVariable: String, inputOrigin: String, inputProvenance: Provenance?
        let storeInput: Bool
        if let given {
            (input, inputVariable, inputOrigin, inputProvenance) = (given.tensor, given.variable, given.origin, given.provenance)
            storeInput = given.variable == "\(modelName)_in"
        } else {
            input = try core(first.range) { try Tensor.rand(spec.inputShape, using: &generator) }
            inputVariable = "\(modelName)_in"
            inputOrigin = "rand(\(Shape.describe(spec.inputShape)))"
            inputProvenance = Provenance(expression: inputOrigin, step: nil)
            storeInput = true
        }
        let inputNote = given?.note

        // The layers, one after the other.
        var layers: [LayerRun] = []
        // The operand of every node of the graph: the input, then each layer's output.
        var nodes = [Operand(name: inputVariable, text: inputVariable, value: .tensor(input), provenance: inputProvenance)]
        for (offset, layer) in analysis.layers.enumerated() {
            let label = "layer \(offset + 1) (\(layer.spec.kindName))"
            let result: LayerRun
            do {
                try Interruption.check("run \(modelName)")
                let inputs = layer.inputs.map { nodes[$0] }
                result = try ModelRunner.forward(layer, inputs: inputs, variable: "\(modelName)_\(offset + 1)",
                                                 weights: weights[offset], label: label)
            } catch let error as CoreError {
                // "conv: ..." from the core becomes "layer 1 (conv): ...", naming the layer.
                var message = error.message
                if !message.hasPrefix("layer "), !message.hasPrefix("run ") {
                    if let colon = message.firstRange(of: ": ") { message = String(message[colon.upperBound...]) }
                    message = "\(label): \(message)"
                }
                throw Diagnostic(CoreError(message, hint: error.hint), at: first.range)
            }
            layers.append(result)
            nodes.append(Operand(name: result.variable, text: result.variable, value: .tensor(result.output), provenance: result.provenance))
        }

        // Everything worked: store the results.
        random.generator = generator
        if storeInput { assign(inputVariable, Variable(value: .tensor(input), provenance: inputProvenance)) }
        for (offset, layerWeights) in weights.enumerated() {
            for weight in layerWeights {
                assign(weight.draw.variable, Variable(value: .tensor(weight.tensor),
                                                      provenance: weight.provenance ?? Provenance(expression: weight.origin(layer: offset + 1, model: modelName), step: nil)))
            }
        }
        for layer in layers {
            assign(layer.variable, Variable(value: .tensor(layer.output), provenance: layer.provenance))
        }
        let outputVariable = "\(modelName)_out"
        if let last = layers.last {
            assign(outputVariable, Variable(value: .tensor(last.output), provenance: last.provenance))
        } else {
            assign(outputVariable, Variable(value: .tensor(input), provenance: inputProvenance))
        }
        var run = ModelRun(spec: spec, analysis: analysis, inputVariable: inputVariable, input: input,
                           inputOrigin: arguments.count == 2 ? inputOrigin : "random numbers in [0, 1): \(inputOrigin)",
                           inputIsRandom: arguments.count < 2, inputNote: inputNote, layers: layers,
                           outputVariable: outputVariable)
        run.trained = network != nil
        run.loadedFrom = loaded?.file
        run.classNames = network != nil ? trained.classNames(for: modelName) : nil
        lastRuns[modelName] = run
        return .modelRun(run)
    }
}

/// The pieces of a forward pass, one layer at a time.
enum ModelRunner {
    // MARK: - Checks

    /// Refuses a model too large to run interactively (any size can still be summarised).
    static func checkSize(_ spec: ModelSpec, _ analysis: ModelAnalysis) throws {
        var work = 0
        var values = 0
        func add(_ a: inout Int, _ factors: [Int]) -> Bool {
            guard let product = Shape.product(factors) else { return false }
            let (sum, overflow) = a.addingReportingOverflow(product)
            guard !overflow else { return false }
            a = sum
            return true
        }
        let tooLarge = CoreError("run \(spec.name): the model is too large to run here",
                                 hint: "summary \(spec.name) still works for any size; for run use a smaller input or fewer filters")
        for layer in analysis.layers {
            guard add(&values, layer.outputShape), add(&values, [layer.parameters.value]) else { throw tooLarge }
            let factors = layer.spec.layer.workFactors(inputShape: layer.inputShape, outputShape: layer.outputShape)
            guard add(&work, factors) else { throw tooLarge }
        }
        guard values <= ModelRunLimits.maxValues else {
            throw CoreError("run \(spec.name): the weights and layer outputs would hold \(Format.count(values)) numbers, more than run allows (\(Format.count(ModelRunLimits.maxValues)))",
                            hint: "summary \(spec.name) still works for any size; for run use a smaller input or fewer filters")
        }
        guard work <= ModelRunLimits.maxMultiplyAdds else {
            throw CoreError("run \(spec.name): one pass would take \(Format.count(work)) multiply-adds, more than run allows (\(Format.count(ModelRunLimits.maxMultiplyAdds)))",
                            hint: "use a smaller input, smaller kernels or fewer filters")
        }
    }

    /// The given input in the model's input shape: as it is, or an H x W image read as H x W x 1.
    static func fitInput(_ given: Tensor, to shape: [Int], model: String, at range: SourceRange) throws -> (tensor: Tensor, note: String?) {
        if given.shape == shape { return (given, nil) }
        let wanted = Shape.describe(shape)
        if shape.count == 3, shape[2] == 1, given.shape == [shape[0], shape[1]], let reshaped = try? given.reshaped(shape) {
            return (reshaped, "the \(given.shapeDescription) input is read as \(wanted) (one channel)")
        }
        var hint = "x = rand(\(wanted)) makes a random one"
        if shape.count == 1, given.count == shape[0] {
            hint = "flatten it first: run \(model) flatten(x)"
        } else if given.count == shape.reduce(1, { $0 &* $1 }) {
            hint = "it has the right number of values; reshape it to \(wanted)"
        }
        throw Diagnostic("\(model) takes a \(wanted) input, and this is \(given.shapeDescription)", at: range, hint: hint)
    }
}
