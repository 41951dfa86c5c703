// TrainingCommands: `train`, `evaluate`, `predict` and `plot`, the commands that fit a declared model to
// a data set and use what it learned (Sources/CNNCore/Training).
//
//     train MODEL DATA [epochs=20] [batch=32] [optimizer=adam] [lr=RATE] [augment=flip,shift=N]
//     evaluate MODEL DATA        predict MODEL x        plot HISTORY
// `train` draws the model's weights from the session's random generator (Glorot uniform, zero biases, as
// `run` does), so `seed N` before it repeats a run exactly; the shuffles and dropout use a seed drawn from
// the same generator. The trained weights stay with the session under the model's name (TrainedModels.swift,
// for `evaluate` and `predict`) until the model is trained again or redeclared, and the history is stored
// in the variable `history` (like Keras' `history = model.fit(...)`).
import CNNCore

extension Commands {
    /// The learning commands, in documentation order: one step of gradient descent on a variable
    /// (GradientDescent.swift), then fitting and using a model.
    static let learning = [step, train, evaluate, predict, plot]

    /// `step`: one step of gradient descent (GradientDescent.swift).
    static let step = CommandDefinition(
        name: "step", usage: "step NAME RATE [loss=LOSS]",
        summary: "One step of gradient descent: NAME = NAME - RATE * grad(loss, NAME), then the loss again.",
        details: """
            Moves every value of the variable against its gradient, scaled by the learning rate, and prints
            the values before, the gradient and the values after. Then everything between the variable and
            the loss (the variable `loss`, or loss=LOSS) is computed again from the new values, and the loss
            before and after is shown: repeat the step and watch the loss fall. Variables that held a
            recomputed value (a feature map made from the kernel) are updated too.
            """,
        examples: ["step k 0.1", "step w 0.01 loss=err"],
        body: Interpreter.gradientDescentStep)

    /// `train`: fit a model to a data set.
    static let train = CommandDefinition(
        name: "train", usage: "train MODEL DATA [epochs=20] [batch=32] [optimizer=sgd|momentum|rmsprop|adam] [lr=RATE] [augment=flip,shift=N]",
        summary: "Fit a declared model to a data set, like Keras' model.fit, and show loss and accuracy per epoch.",
        details: """
            Weights start Glorot uniform (biases 0) from the session's random generator, so `seed N` first
            repeats a run; a model loaded from a .keras file starts from the weights it was loaded with. Each epoch shuffles the training examples, and for every batch averages the
            gradient g of the crossentropy over its examples and lets the optimizer move the weights by Keras 3's
            rules with Keras' defaults (lr 0.01 for sgd and momentum, 0.001 for rmsprop and adam; every state
            starts at 0 and t counts the steps from 1):
            sgd: w -= lr * g.
            momentum: v = 0.9 v - lr * g, w += v.
            rmsprop: s = 0.9 s + 0.1 g^2, w -= lr * g / sqrt(s + 1e-7).
            adam: m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g^2, w -= lr_t * m / (sqrt(v) + 1e-7)
            with lr_t = lr * sqrt(1 - 0.999^t) / (1 - 0.9^t).
            Keras puts epsilon inside the root for rmsprop and, for adam, folds the bias correction into lr_t
            and adds epsilon to sqrt(v); PyTorch adds epsilon after the root in both (to sqrt(v_hat) for adam), so its steps differ slightly.
            Dropout is active only while training. The model must end in softmax with one unit per class.
            augment=flip,shift=2 changes every training image each time a batch takes it: mirrored left to right
            half of the time (flip), and moved by up to 2 pixels up or down and left or right (shift=N, the cells
            moved in being 0), drawn from the seeded generator in example order; validation images stay as
            they are. augment=flip and augment=shift=2 take one of the two.
            After each epoch the held-out examples give val_loss and val_accuracy. The history is kept in
            the variable `history` (plot history, save(history, "curves.png")); the weights stay with the
            model for evaluate and predict.
            """,
        examples: ["train small data epochs=20 batch=32 optimizer=adam lr=0.01", "train small data epochs=20 augment=flip,shift=2"],
        body: Interpreter.trainCommand)

    /// `evaluate`: loss and accuracy.
    static let evaluate = CommandDefinition(
        name: "evaluate", usage: "evaluate MODEL DATA",
        summary: "The trained model's loss and accuracy on the training and the validation examples.",
        details: "Dropout is off, as in Keras' model.evaluate. Numbers print with Keras' 4 decimals, or more after `precision N` with N above 4.",
        examples: ["evaluate small data"],
        body: Interpreter.evaluateCommand)

    /// `predict`: class probabilities of one example.
    static let predict = CommandDefinition(
        name: "predict", usage: "predict MODEL x",
        summary: "The trained model's probability for every class of one example, and the most likely class.",
        details: "x is an image in the model's input shape, e.g. example(data, 0), a held-out digit. Probabilities print with 4 decimals, or more after `precision N` with N above 4.",
        examples: ["predict small example(data, 0)"],
        body: Interpreter.predictCommand)

    /// `plot`: training curves.
    static let plot = CommandDefinition(
        name: "plot", usage: "plot HISTORY",
        summary: "Draw the accuracy and loss curves of a training run (training and validation) in the terminal.",
        details: "Training (*) and validation (o) per epoch; save(history, \"curves.png\") writes the same as a picture.",
        examples: ["plot history"],
        body: Interpreter.plotCommand)
}

extension Interpreter {
    /// `augment=flip`, `augment=shift` (2 pixels), `augment=flip,shift=N`, `augment=shift,shift=N`... read from
    /// the `augment` setting, the words joined to it by commas (positional `flip`/`shift` right after it) and `shift=N`.
    func augmentation(_ setting: Argument, _ arguments: [Argument], _ context: EvaluationContext) throws -> Augmentation {
        let usage = "e.g. augment=flip,shift=2 (flips and shifts of up to 2 pixels), augment=flip or augment=shift"
        var result = Augmentation()
        var words = [setting.value]
        if let at = arguments.firstIndex(where: { $0.range == setting.range }) {
            for next in arguments[(at + 1)...] {
                guard next.label == nil, let word = next.value.identifierName, word == "flip" || word == "shift" else { break }
                words.append(next.value)
            }
        }
        for word in words {
            switch word.identifierName {
            case "flip": result.flip = true
            case "shift": result.shift = max(result.shift, 2)
            default:
                throw Diagnostic("augment takes flip and shift, not '\(context.text(word.range))'", at: word.range, hint: usage)
            }
        }
        if let shift = arguments.first(where: { $0.label?.text == "shift" }) {
            let pixels = try integer(shift.value, context, what: "the shift")
            guard (1...Augmentation.maxShift).contains(pixels) else {
                throw Diagnostic("shift must be from 1 to \(Augmentation.maxShift) pixels, not \(pixels)", at: shift.range, hint: usage)
            }
            result.shift = pixels
        }
        return result
    }

    /// `train MODEL DATA [epochs=N] [batch=N] [optimizer=NAME] [lr=RATE]`.
    func trainCommand(_ name: Name, _ given: [Argument], _ context: EvaluationContext) throws -> Outcome {
        let usage = "e.g. train small data epochs=20 batch=32 optimizer=adam lr=0.01"
        // The words joined to augment= by commas (`augment=flip,shift`) are read with it, not as arguments.
        var arguments: [Argument] = []
        for argument in given {
            let joined = argument.label == nil && (argument.value.identifierName == "flip" || argument.value.identifierName == "shift")
            if joined, arguments.last?.label?.text == "augment" { continue }
            arguments.append(argument)
        }
        let (modelName, spec, modelRange) = try modelArgument(arguments, at: name, usage: usage)
        let (dataName, data) = try datasetArgument(arguments, position: 1, at: name, usage: usage)
        var options = TrainingOptions()
        for argument in arguments where argument.label != nil {
            guard let label = argument.label?.text else { continue }
            switch label {
            case "epochs":
                let epochs = try wholeNumber(argument.value, context, what: "epochs")
                guard epochs >= 1, epochs <= Double(TrainingOptions.maxEpochs) else {
                    throw Diagnostic("epochs must be from 1 to \(Format.count(TrainingOptions.maxEpochs)), not \(Format.number(epochs))", at: argument.range)
                }
                options.epochs = Int(epochs)
            case "batch":
                options.batchSize = try integer(argument.value, context, what: "the batch size")
                guard options.batchSize >= 1 else {
                    throw Diagnostic("the batch size must be at least 1, not \(options.batchSize)", at: argument.range,
                                     hint: "32 examples per batch is Keras' default")
                }
            case "optimizer":
                let choices = Optimizer.Kind.allCases.map(\.rawValue)
                guard let word = argument.value.identifierName, let kind = Optimizer.Kind(rawValue: word.lowercased()) else {
                    let given = argument.value.identifierName ?? context.text(argument.value.range)
                    let guess = Suggestions.closest(to: given, among: choices)
                    throw Diagnostic("optimizer must be one of \(choices.joined(separator: ", ")), not '\(given)'", at: argument.range,
                                     hint: guess.map { "did you mean \($0)?" })
                }
                options.optimizer = kind
            case "lr":
                let value = try evaluate(argument.value, context)
                guard case .number(let rate) = value.value, rate.isFinite, rate > 0 else {
                    throw Diagnostic("lr, the learning rate, must be a positive number", at: argument.range,
                                     hint: "Keras' defaults: 0.001 for adam and rmsprop, 0.01 for sgd and momentum")
                }
                options.learningRate = rate
            case "augment":
                options.augmentation = try augmentation(argument, given, context)
            case "shift":
                // `augment=flip,shift=2`: the shift belongs to augment (read there).
                guard arguments.contains(where: { $0.label?.text == "augment" }) else {
                    throw Diagnostic("shift= is a setting of augment", at: argument.range,
                                     hint: "write augment=shift=2, or augment=flip,shift=2 for flips too")
                }
            default:
                let guess = Suggestions.closest(to: label, among: ["epochs", "batch", "optimizer", "lr", "augment"])
                throw Diagnostic("train has no setting '\(label)'", at: argument.range,
                                 hint: guess.map { "did you mean \($0)? (\(usage))" } ?? usage)
            }
        }
        var network = try core(modelRange) { try Network(spec: spec, random: &random.generator) }
        // A model loaded from a .keras file trains on from the weights it came with (fine-tuning).
        let loaded = loadedWeights(environment[modelName], spec: spec)
        if let loaded { network.parameters = loaded.weights.flatMap { $0 } }
        options.seed = random.generator.next()
        let progress = output.progress
        let live = output.liveProgress
        let showsTimes = output.showsTimes
        var epochStart = MonotonicClock.now()
        let history = try core(name.range) {
            try Training.fit(&network, on: data, options: options) { step in
                guard let progress else { return }
                let elapsed = showsTimes ? MonotonicClock.now() - epochStart : nil
                if let finished = step.finished {
                    progress(.epoch(finished, of: step.epochs, batches: step.batches, seconds: elapsed))
                    epochStart = MonotonicClock.now()
                } else if live {
                    progress(.batch(step, seconds: elapsed))
                }
            }
        }
        trained.record(network, for: modelName, declaration: environment[modelName]?.provenance, classNames: data.classNames)
        let historyVariable = "history"
        assign(historyVariable, Variable(value: .history(history),
                                         provenance: Provenance(expression: "train \(modelName) \(dataName)", step: nil)))
        return .learning(.trained(TrainingReport(model: modelName, data: dataName, network: network, history: history,
                                                  historyVariable: historyVariable, parameterCount: network.parameterCount,
                                                  epochsShown: progress != nil, startedFrom: loaded?.file)))
    }

    /// `evaluate MODEL DATA`: the trained model's loss and accuracy on the training and validation examples.
    func evaluateCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        let usage = "e.g. evaluate small data"
        let (modelName, spec, modelRange) = try modelArgument(arguments, at: name, usage: usage)
        let (dataName, data) = try datasetArgument(arguments, position: 1, at: name, usage: usage)
        let network = try trainedNetwork(modelName, spec: spec, at: modelRange)
        func examples(_ positions: [Int]) -> [(image: Tensor, label: Int)] {
            positions.map { (image: data.image($0), label: data.labels[$0]) }
        }
        let training = try core(name.range) { try Training.evaluate(network, examples(data.trainIndices)) }
        let validation = data.validationIndices.isEmpty ? nil
            : try core(name.range) { try Training.evaluate(network, examples(data.validationIndices)) }
        return .learning(.evaluated(EvaluationReport(
            model: modelName, data: dataName,
            training: (training.loss, training.accuracy, data.trainIndices.count),
            validation: validation.map { ($0.loss, $0.accuracy, data.validationIndices.count) })))
    }

    /// `predict MODEL x`: the class probabilities of one example and the most likely class.
    func predictCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        let usage = "e.g. predict small example(data, 0)"
        let (modelName, spec, modelRange) = try modelArgument(arguments, at: name, usage: usage)
        let positional = arguments.filter { $0.label == nil }
        guard positional.count == 2 else {
            throw Diagnostic("predict takes a model and one example", at: arguments.first?.range ?? name.range, hint: usage)
        }
        let network = try trainedNetwork(modelName, spec: spec, at: modelRange)
        let evaluated = try evaluate(positional[1].value, context)
        guard case .tensor(let x) = evaluated.value else {
            throw Diagnostic("predict needs an image, not \(evaluated.value.kindDescription)", at: positional[1].range, hint: usage)
        }
        guard x.count == spec.inputShape.reduce(1, *) else {
            throw Diagnostic("\(modelName) takes \(Shape.describe(spec.inputShape)) inputs, not \(x.shapeDescription)",
                             at: positional[1].range, hint: usage)
        }
        let probabilities = try core(name.range) { try network.predict(x) }
        var label: Int?
        var classNames: [String]?
        if let example = evaluated.provenance?.step?.operation as? ExampleOperation {
            label = example.label
            classNames = example.classNames
        }
        let best = probabilities.scalars.indices.max { probabilities.scalars[$0] < probabilities.scalars[$1] } ?? 0
        return .learning(.predicted(PredictionReport(model: modelName, input: context.text(positional[1].value.range),
                                                     probabilities: probabilities, predicted: best, label: label,
                                                     classNames: classNames)))
    }

    /// `plot HISTORY`: the accuracy and loss curves of a training run, drawn in the terminal.
    func plotCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        guard arguments.count == 1, arguments[0].label == nil, let variableName = arguments[0].value.identifierName else {
            throw Diagnostic("plot takes the history of a training run", at: arguments.first?.range ?? name.range,
                             hint: "e.g. train small data, then: plot history")
        }
        guard let variable = environment[variableName] else { throw unknownName(variableName, at: arguments[0].range) }
        guard case .history(let history) = variable.value else {
            throw Diagnostic("\(variableName) is \(variable.value.kindDescription), not the history of a training run",
                             at: arguments[0].range, hint: "train a model first; it leaves its history in `history`")
        }
        return .learning(.plotted(name: variableName, history: history))
    }

    // MARK: - Arguments

    private func modelArgument(_ arguments: [Argument], at name: Name, usage: String) throws -> (String, ModelSpec, SourceRange) {
        guard let first = arguments.first, first.label == nil, let modelName = first.value.identifierName else {
            throw Diagnostic("\(name.text) takes a model first", at: arguments.first?.range ?? name.range, hint: usage)
        }
        guard let variable = environment[modelName] else { throw unknownName(modelName, at: first.range) }
        guard case .model(let spec) = variable.value else {
            throw Diagnostic("\(modelName) is \(variable.value.kindDescription), not a model", at: first.range,
                             hint: "declare one with a model ... end block")
        }
        return (modelName, spec, first.range)
    }

    private func datasetArgument(_ arguments: [Argument], position: Int, at name: Name, usage: String) throws -> (String, Dataset) {
        let positional = arguments.filter { $0.label == nil }
        guard positional.count == 2, let dataName = positional[position].value.identifierName else {
            throw Diagnostic("\(name.text) takes a model and a data set", at: arguments.first?.range ?? name.range,
                             hint: "load one first: data = dataset(\"digits\"); then \(usage)")
        }
        guard let variable = environment[dataName] else { throw unknownName(dataName, at: positional[position].range) }
        guard case .dataset(let data) = variable.value else {
            throw Diagnostic("\(dataName) is \(variable.value.kindDescription), not a data set", at: positional[position].range,
                             hint: "data = dataset(\"digits\") loads the handwritten digits")
        }
        return (dataName, data)
    }

    private func trainedNetwork(_ modelName: String, spec: ModelSpec, at range: SourceRange) throws -> Network {
        let kept = try trained.network(for: modelName, declaration: environment[modelName]?.provenance, spec: spec)
            ?? core(range) { try loadedNetwork(modelName, spec: spec) }
        guard let network = kept else {
            throw Diagnostic("\(modelName) has not been trained yet\(trained.hasEntry(for: modelName) ? " since it was declared again" : "")",
                             at: range, hint: "train it first, e.g. train \(modelName) data")
        }
        return network
    }
}
