// SessionCommands: the commands that look after the session itself: `help` (the overview, or one
// built-in or command), `vars` (the variables), `clear` and `reset` (forget them), `seed N` (restart the
// random generator) and `precision N` (the decimals of numbers).
import CNNCore

extension Commands {
    /// The session's own commands, in documentation order.
    static let session = [help, vars, clear, reset, seed, precision]

    /// `help`: the overview, or one built-in or command explained.
    static let help = CommandDefinition(
        name: "help", usage: "help [NAME]", summary: "List everything, or explain one built-in or command.",
        details: "help conv shows the signature, what it computes and an example.", examples: ["help", "help conv"],
        body: Interpreter.helpCommand)

    /// `vars`: the variables.
    static let vars = CommandDefinition(
        name: "vars", usage: "vars", summary: "List the variables: name, shape and how each was made.",
        details: "", examples: ["vars"],
        body: Interpreter.varsCommand)

    /// `clear`: forget the variables.
    static let clear = CommandDefinition(
        name: "clear", usage: "clear", summary: "Forget every variable (the seed and precision stay).",
        details: "`reset` does the same and also restores the default seed and precision.", examples: ["clear"],
        body: Interpreter.clearCommand)

    /// `reset`: forget the variables, restore the seed and precision.
    static let reset = CommandDefinition(
        name: "reset", usage: "reset", summary: "Forget every variable and restore the default seed and precision.",
        details: "", examples: ["reset"],
        body: Interpreter.resetCommand)

    /// `seed`: restart the random generator.
    static let seed = CommandDefinition(
        name: "seed", usage: "seed N", summary: "Restart the random generator from seed N.",
        details: "The same seed gives the same numbers on every machine; a session starts with seed 42.",
        examples: ["seed 7"],
        body: Interpreter.seedCommand)

    /// `precision`: the decimals of numbers.
    static let precision = CommandDefinition(
        name: "precision", usage: "precision N", summary: "Show N decimals for numbers that are not whole (default 2).",
        details: """
            Whole numbers always print without decimals. Other numbers print as NumPy prints them with
            np.set_printoptions(precision=N, floatmode="fixed"): the exact binary value rounded to N decimals
            (0.125 -> 0.12, 2.675 -> 2.67), a negative value that rounds to zero as -0.00, and a whole tensor
            in scientific notation (1.00e-05) when a non-zero value is below 1e-4, one is 1e8 or more, or the
            largest is more than 1000 times the smallest. evaluate and predict use at least 4 decimals (Keras').
            """,
        examples: ["precision 4"],
        body: Interpreter.precisionCommand)
}

extension Interpreter {
    /// `help` or `help NAME`: checks that NAME is a built-in or a command.
    func helpCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
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
        guard Vocabulary.helpTopics.contains(topic) else {
            let guess = Suggestions.closest(to: topic, among: Vocabulary.helpTopics)
            throw Diagnostic("there is no built-in or command called '\(topic)'", at: first.range,
                             hint: guess.map { "did you mean '\($0)'? (type `help` for the list)" } ?? "type `help` for the list")
        }
        return .help(topic: topic)
    }

    /// `vars`: every variable, in the order they were first assigned.
    func varsCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        try expectNoArguments(name, arguments)
        return .variables(environment.all)
    }

    /// `clear`: forgets every variable.
    func clearCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        try expectNoArguments(name, arguments)
        clearVariables()
        return .settings(.cleared)
    }

    /// `reset`: forgets every variable and restores the default seed and precision.
    func resetCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        try expectNoArguments(name, arguments)
        clearVariables()
        random.restart(from: RandomGenerator.defaultSeed)
        output.precision = OutputSettings.defaultPrecision
        return .settings(.reset(seed: RandomGenerator.defaultSeed, precision: OutputSettings.defaultPrecision))
    }

    /// `seed N`: restarts the random generator from N.
    func seedCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        let value = try singleInteger(name, arguments, context, range: 0...Int.max, example: "seed 42")
        random.restart(from: UInt64(value))
        return .settings(.seeded(UInt64(value)))
    }

    /// `precision N`: shows N decimals for numbers that are not whole.
    func precisionCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        let value = try singleInteger(name, arguments, context, range: 0...OutputSettings.maxPrecision, example: "precision 3")
        output.precision = value
        return .settings(.precision(value))
    }

    // MARK: - Arguments

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
}
