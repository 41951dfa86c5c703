// Interpreter+Commands: running a command statement. A command of the registry (Commands.swift) runs its
// own body; any other name is the command form of a built-in, `op name [args]`: `relu f` means
// f = relu(f), `maxpool f 2` means f = maxpool(f, 2), `sum f` prints sum(f).
import CNNCore

extension Interpreter {
    /// Runs the command `name` with its arguments: a registered command, or a built-in in command form.
    func runCommand(_ name: Name, arguments: [Argument], statement: Statement,
                    _ context: EvaluationContext) throws -> Outcome {
        guard let command = Commands.named(name.text) else {
            return try operationCommand(name, arguments, statement: statement, context)
        }
        return try command.body(self)(name, arguments, context)
    }

    /// `relu f` means `f = relu(f)`; `maxpool f 2` means `f = maxpool(f, 2)`; `sum f` prints sum(f).
    private func operationCommand(_ name: Name, _ arguments: [Argument], statement: Statement,
                                  _ context: EvaluationContext) throws -> Outcome {
        guard let builtin = Builtins.named(name.text) else {
            if environment[name.text] != nil {
                throw Diagnostic("'\(name.text)' is a variable; a statement cannot start with a variable followed by a value",
                                 at: statement.range, hint: "did you forget an operator or '='? e.g. \(name.text) = ...")
            }
            let guess = Suggestions.closest(to: name.text, among: Vocabulary.helpTopics)
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
}
