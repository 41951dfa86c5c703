// Interpreter: runs statements of the cnn script language against the numeric core.
//
// It keeps the session's variables (each with the provenance of its value), the seeded random generator
// and the print precision. Executing a statement returns an `Outcome` (data); CNNExplain turns outcomes
// into text. Errors are `Diagnostic`s that point at the culprit in the source: an argument error
// underlines the argument, a core error (shapes that do not fit) underlines the call.
import CNNCore

/// The state of one session of the language and the rules for running statements.
public final class Interpreter {
    /// The variables by name.
    public private(set) var variables: [String: Variable] = [:]
    /// Variable names in the order they were first assigned (for `vars`).
    public private(set) var order: [String] = []
    /// The random generator every random built-in draws from.
    public var random: RandomGenerator
    /// The seed the generator was last started from.
    public private(set) var seed: UInt64
    /// Decimals shown for numbers that are not whole.
    public private(set) var precision: Int
    /// The folder relative file names are resolved against (the running script's folder); nil in the REPL.
    public var baseDirectory: String?
    /// The weights `train` learned, by model name (TrainingCommands.swift).
    var trained: [String: TrainedModel] = [:]
    /// Where `train` reports its progress while it runs (set by the session); nil: silently.
    public var progress: ((String) -> Void)?
    /// Whether progress may redraw a bar in place (a terminal) rather than print plain lines.
    public var liveProgress = false
    /// This session's changeable resource limits (elements per tensor, memory); see Limits.swift.
    public var limits = ResourceLimits.defaults
    /// The bytes each variable keeps alive, for the memory limit (MemoryAccounting.swift).
    var footprints: [String: Footprint] = [:]

    /// The precision a session starts with.
    public static let defaultPrecision = 2
    /// The largest precision accepted.
    public static let maxPrecision = 12

    /// Creates an interpreter; `seed` nil means `RandomGenerator.defaultSeed`.
    public init(seed: UInt64? = nil, precision: Int = Interpreter.defaultPrecision) {
        let start = seed ?? RandomGenerator.defaultSeed
        self.seed = start
        self.random = RandomGenerator(seed: start)
        self.precision = precision
    }

    /// Runs one statement of `source` and returns what it produced.
    public func execute(_ statement: Statement, in source: SourceText) throws -> Outcome {
        // Every tensor made by the statement is checked against this session's limits before allocation.
        try Limits.$current.withValue(boundLimits) { try executeWithinLimits(statement, in: source) }
    }

    private func executeWithinLimits(_ statement: Statement, in source: SourceText) throws -> Outcome {
        let context = EvaluationContext(source: source)
        switch statement.kind {
        case .assignment(let name, let expr):
            try checkAssignable(name)
            let result = try evaluate(expr, context)
            let variable = Variable(value: result.value, provenance: result.provenance)
            _ = try checkMemory(storing: variable, as: name.text, at: statement.range)
            assign(name.text, variable)
            return .assigned(name: name.text, value: result.value, provenance: result.provenance,
                             source: context.text(statement.range))
        case .expression(let expr):
            if let name = expr.identifierName, variables[name] == nil, Commands.named(name) != nil {
                return try runCommand(Name(name, range: expr.range), arguments: [], statement: statement, context)
            }
            // `help(conv)`, `seed (a - 1)`: a command written like a call runs as the command.
            if case .call(let name, let arguments) = expr.kind, Builtins.named(name.text) == nil,
               variables[name.text] == nil, Commands.named(name.text) != nil {
                return try runCommand(name, arguments: arguments, statement: statement, context)
            }
            if let name = expr.identifierName, name == "exit" || name == "quit" {
                throw Diagnostic("'\(name)' leaves the REPL only when it is typed on a line of its own", at: expr.range,
                                 hint: "a script simply ends after its last line, so it needs no \(name)")
            }
            let result = try evaluate(expr, context)
            return .value(result.value, provenance: result.provenance, source: context.text(statement.range))
        case .command(let command):
            return try runCommand(command.name, arguments: command.arguments, statement: statement, context)
        case .model(let declaration):
            return try declareModel(declaration, context)
        }
    }

    /// Stores a variable, remembering the order of first assignment.
    func assign(_ name: String, _ variable: Variable) {
        if variables[name] == nil { order.append(name) }
        variables[name] = variable
        footprints[name] = footprint(of: variable, as: name)
    }

    /// Forgets every variable.
    func clearVariables() {
        variables = [:]
        order = []
        footprints = [:]
    }

    /// Restarts the random generator.
    func reseed(_ seed: UInt64) {
        self.seed = seed
        random = RandomGenerator(seed: seed)
    }

    /// Sets the print precision.
    func setPrecision(_ value: Int) {
        precision = value
    }

    private func checkAssignable(_ name: Name) throws {
        if Builtins.named(name.text) != nil || Commands.named(name.text) != nil || Interpreter.reservedWords.contains(name.text) {
            throw Diagnostic("'\(name.text)' is the name of a built-in, so it cannot be a variable", at: name.range,
                             hint: "choose another name, e.g. \(name.text)1 or my_\(name.text)")
        }
    }

    /// Words with a meaning of their own in the language.
    static let reservedWords: Set<String> = ["model", "end", "exit", "quit"]

    /// Every name tab completion may offer: built-ins, commands and variables.
    public var completionNames: [String] {
        Array(Set(Builtins.names + Commands.names + order + ["model", "end", "exit", "quit"])).sorted()
    }
}

/// What an expression evaluated to, and how.
struct Evaluated {
    var value: Value
    var provenance: Provenance?
    var variableName: String?
}

/// Read-only facts an evaluation needs: the source (for the text of sub-expressions).
struct EvaluationContext {
    let source: SourceText
    /// The source text of `range` on one line (as headers, provenance and `vars` show it).
    func text(_ range: SourceRange) -> String { OneLineText.of(source.text(in: range)) }
}
