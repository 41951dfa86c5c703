// Builtins: the registry of every built-in function, looked up by name.
import CNNCore

/// All built-in functions of the language.
public enum Builtins {
    /// Every built-in, in documentation order.
    public static let all: [Builtin] = constructors + layers + tensorTools + files + pictures + learning

    private static let byName: [String: Builtin] = {
        var table: [String: Builtin] = [:]
        for builtin in all { table[builtin.name] = builtin }
        return table
    }()

    /// The built-in called `name`, if there is one.
    public static func named(_ name: String) -> Builtin? { byName[name] }

    /// Every built-in's name, sorted.
    public static var names: [String] { all.map(\.name).sorted() }
}

extension CallContext {
    /// The operands of a step: the arguments bound to `parameters`, in that order, skipping absent ones.
    func operands(_ parameters: [String]) -> [Operand] {
        parameters.compactMap { name in
            guard let argument = argument(name) else { return nil }
            return Operand(name: argument.variableName, text: argument.text, value: argument.value,
                           provenance: argument.provenance)
        }
    }

    /// A shape given as a size literal (3x3), a number (5) or a vector ([3, 3]).
    func shapeValue(_ parameter: String) throws -> [Int] {
        guard let argument = argument(parameter) else {
            throw ArgumentError(message: "\(builtin.name): missing argument '\(parameter)'", hint: nil, argument: nil)
        }
        let bad = ArgumentError(
            message: "\(builtin.name): '\(parameter)' must be a size such as 3x3 or [3, 3], not \(argument.value.kindDescription)",
            hint: nil, argument: argument.index)
        switch argument.value {
        case .dimensions(let d): return d
        case .number(let x):
            guard let n = Int(exactly: x) else { throw bad }
            return [n]
        case .tensor(let t) where t.rank == 1:
            let ints = t.scalars.compactMap { Int(exactly: $0) }
            guard ints.count == t.count else { throw bad }
            return ints
        default: throw bad
        }
    }
}
