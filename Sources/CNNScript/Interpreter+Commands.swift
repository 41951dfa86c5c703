// Interpreter+Commands: the command form `op name [args]` and the REPL's own commands
// (help, vars, clear, reset, seed, precision, trace, show, params, summary, run).
import CNNCore

extension Interpreter {
    func runCommand(_ name: Name, arguments: [Argument], statement: Statement,
                    _ context: EvaluationContext) throws -> Outcome {
        switch name.text {
        case "help":
            guard let first = arguments.first else { return .help(topic: nil) }
            guard arguments.count == 1, first.label == nil else {
                throw Diagnostic("help takes one name", at: first.range, hint: "e.g. help conv")
            }
            let topic: String
            switch first.value.kind {
            case .identifier(let word), .string(let word): topic = word
            case .call(let called, _): topic = called.text
            default: throw Diagnostic("help takes a name, e.g. help conv", at: first.range)
            }
            guard Builtins.named(topic) != nil || Commands.named(topic) != nil else {
                let guess = Suggestions.closest(to: topic, among: Builtins.names + Commands.names)
                throw Diagnostic("there is no built-in or command called '\(topic)'", at: first.range,
                                 hint: guess.map { "did you mean '\($0)'? (type `help` for the list)" } ?? "type `help` for the list")
            }
            return .help(topic: topic)
        case "vars":
            try expectNoArguments(name, arguments)
            return .variables(environment.all)
        case "clear":
            try expectNoArguments(name, arguments)
            clearVariables()
            return .message("cleared: no variables")
        case "reset":
            try expectNoArguments(name, arguments)
            clearVariables()
            random.restart(from: RandomGenerator.defaultSeed)
            output.precision = OutputSettings.defaultPrecision
            return .message("reset: no variables, seed \(RandomGenerator.defaultSeed), precision \(OutputSettings.defaultPrecision)")
        case "seed":
            let value = try singleInteger(name, arguments, context, range: 0...Int.max, example: "seed 42")
            random.restart(from: UInt64(value))
            return .message("seed \(value): random numbers start over from here")
        case "precision":
            let value = try singleInteger(name, arguments, context, range: 0...OutputSettings.maxPrecision, example: "precision 3")
            output.precision = value
            return .message("precision \(value): numbers that are not whole show \(value) decimal\(value == 1 ? "" : "s")")
        case "trace":
            return try trace(name, arguments, context)
        case "show":
            return try show(name, arguments, context)
        case "params":
            return try parameters(name, arguments, context)
        case "run":
            return try runModel(name, arguments, context)
        case "step":
            return try gradientDescentStep(name, arguments, context)
        case "train": return try trainCommand(name, arguments, context)
        case "evaluate": return try evaluateCommand(name, arguments, context)
        case "predict": return try predictCommand(name, arguments, context)
        case "plot": return try plotCommand(name, arguments, context)
        case "limits": return try limitsCommand(name, arguments, context)
        case "code":
            return try codeCommand(name, arguments, context)
        case "summary":
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
        default:
            return try operationCommand(name, arguments, statement: statement, context)
        }
    }

    private func expectNoArguments(_ name: Name, _ arguments: [Argument]) throws {
        if let first = arguments.first {
            throw Diagnostic("\(name.text) takes no arguments", at: first.range)
        }
    }

    private func singleInteger(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext,
                               range: ClosedRange<Int>, example: String) throws -> Int {
        guard arguments.count == 1, arguments[0].label == nil else {
            let culprit = arguments.count > 1 ? arguments[1].range : arguments.first?.range ?? name.range
            throw Diagnostic("\(name.text) takes one whole number", at: culprit, hint: "e.g. \(example)")
        }
        let expr = arguments[0].value
        let number = try wholeNumber(expr, context, what: "\(name.text)'s argument")
        guard let value = Int(exactly: number), range.contains(value) else {
            let upper = range.upperBound == Int.max ? " up to \(Int.max)" : " to \(range.upperBound)"
            throw Diagnostic("\(name.text) takes a whole number from \(range.lowerBound)\(upper), not \(Interpreter.numberText(expr, number, context))",
                             at: arguments[0].range, hint: "e.g. \(example)")
        }
        return value
    }

    /// `relu f` means `f = relu(f)`; `maxpool f 2` means `f = maxpool(f, 2)`; `sum f` prints sum(f).
    private func operationCommand(_ name: Name, _ arguments: [Argument], statement: Statement,
                                  _ context: EvaluationContext) throws -> Outcome {
        guard let builtin = Builtins.named(name.text) else {
            if let variable = environment[name.text] {
                _ = variable
                throw Diagnostic("'\(name.text)' is a variable; a statement cannot start with a variable followed by a value",
                                 at: statement.range, hint: "did you forget an operator or '='? e.g. \(name.text) = ...")
            }
            let guess = Suggestions.closest(to: name.text, among: Builtins.names + Commands.names)
            throw Diagnostic("unknown command '\(name.text)'", at: name.range,
                             hint: guess.map { "did you mean '\($0)'?" } ?? "type `help` to list the built-ins and commands")
        }
        let argumentTexts = arguments.map { argument -> String in
            let value = context.text(argument.value.range)
            return argument.label.map { "\($0.text)=\(value)" } ?? value
        }
        let callText = "\(name.text)(\(argumentTexts.joined(separator: ", ")))"
        let result = try call(name, arguments, range: statement.range, context)
        let expression = callText
        let provenance = result.provenance.map { Provenance(expression: expression, step: $0.step) }
        if builtin.updatesInPlace, let first = arguments.first, first.label == nil,
           let target = first.value.identifierName, environment[target] != nil, case .tensor = result.value {
            assign(target, Variable(value: result.value, provenance: provenance))
            return .assigned(name: target, value: result.value, provenance: provenance,
                             source: "\(target) = \(callText)")
        }
        return .value(result.value, provenance: provenance, source: callText)
    }

    // MARK: - trace

    private func trace(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        guard arguments.count == 1, case .index(let base, let subscripts) = arguments[0].value.kind,
              let target = base.identifierName else {
            throw Diagnostic("trace takes one cell of a variable, e.g. trace f[1, 2]", at: arguments.first?.range ?? name.range)
        }
        guard let variable = environment[target] else { throw unknownName(target, at: base.range) }
        guard case .tensor(let tensor) = variable.value else {
            throw Diagnostic("\(target) is \(variable.value.kindDescription); trace explains cells of tensors", at: base.range)
        }
        guard subscripts.count == tensor.rank else {
            let example = (0..<tensor.rank).map { _ in "0" }.joined(separator: ", ")
            throw Diagnostic("\(target) is \(tensor.shapeDescription), so a cell needs \(tensor.rank) ind\(tensor.rank == 1 ? "ex" : "ices"), not \(subscripts.count)",
                             at: arguments[0].range, hint: "e.g. trace \(target)[\(example)]")
        }
        var index: [Int] = []
        for (axis, sub) in subscripts.enumerated() {
            guard case .index(let e) = sub.kind else {
                throw Diagnostic("trace explains one cell: give a single index on every axis, not a slice", at: sub.range)
            }
            let size = tensor.shape[axis]
            let i = try self.index(e, axis: axis, size: size, context)
            index.append(i < 0 ? i + size : i)
        }
        return .trace(name: target, index: index, variable: variable)
    }

    // MARK: - params

    private func parameters(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
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
        switch layer {
        case "conv":
            guard let sizes, sizes.count == 4 else {
                throw Diagnostic("params conv takes kh x kw x Cin x Cout, e.g. params conv 3x3x32x64", at: sizeRange)
            }
            let count = try core(sizeRange) {
                try ParameterCount.convolution(kernel: Pair(sizes[0], sizes[1]), inputChannels: sizes[2], filters: sizes[3])
            }
            return .parameters(layer: "conv \(Shape.describe(sizes))", count: count, reason: nil)
        case "dense":
            guard let sizes, sizes.count == 2 else {
                throw Diagnostic("params dense takes inputs x units, e.g. params dense 12544x128", at: sizeRange)
            }
            let count = try core(sizeRange) { try ParameterCount.dense(inputs: sizes[0], units: sizes[1]) }
            return .parameters(layer: "dense \(Shape.describe(sizes))", count: count, reason: nil)
        case "maxpool", "avgpool", "globalavgpool", "globalmaxpool", "depthmaxpool":
            return .parameters(layer: layer, count: nil, reason: "no weights: pooling only picks or averages the values in each window")
        case "flatten":
            return .parameters(layer: layer, count: nil, reason: "no weights: flatten only lays the values out in one row")
        case "dropout":
            return .parameters(layer: layer, count: nil, reason: "no weights: dropout only zeroes values at random while training")
        case "relu", "sigmoid", "tanh", "softmax", "leakyrelu":
            return .parameters(layer: layer, count: nil, reason: "no weights: an activation applies the same function to every value")
        default:
            if let variable = environment[layer], case .model(let spec) = variable.value {
                let analysis = try core(first.range) { try spec.analyze() }
                return .summary(spec, analysis)
            }
            let guess = Suggestions.closest(to: layer, among: ["conv", "dense", "maxpool", "avgpool", "flatten", "dropout"])
            throw Diagnostic("params knows conv, dense, pooling, flatten, dropout and activations, not '\(layer)'", at: first.range,
                             hint: guess.map { "did you mean \($0)?" })
        }
    }
}
