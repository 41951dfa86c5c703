// Interpreter: runs statements of the cnn script language against the numeric core.
//
// It walks the tree and delegates the session's state to parts that each have one owner: the
// `Environment` of variables (with their memory footprints), the `RandomSource` every random draw comes
// from, the `ResourceLimits` of this session, the `OutputSettings` (precision, progress), the `Workspace`
// that file names resolve against, and the networks `train` learned (`TrainedModels`). A command runs the
// body of its definition in the Commands registry (Interpreter+Commands.swift); files are written when a
// statement runs. Executing a statement returns an `Outcome` (data); CNNExplain turns outcomes into text.
// Errors are `Diagnostic`s that point at the culprit in the source: an argument error underlines the
// argument, a core error (shapes that do not fit) underlines the call.
import CNNCore

/// One session of the language: its state, in named parts, and the rules for running statements.
public final class Interpreter {
    /// The variables, their order and the memory they hold (Environment.swift).
    public private(set) var environment = Environment()
    /// The random generator every random built-in, `run` and `train` draw from, and its seed.
    public internal(set) var random: RandomSource
    /// This session's changeable resource limits (elements per tensor, memory); see Limits.swift.
    public var limits = ResourceLimits.defaults
    /// Decimals of numbers, and where `train` reports its progress.
    public var output: OutputSettings
    /// The folder relative file names are resolved against (the running script's folder).
    public var workspace = Workspace()
    /// The weights `train` learned, by model name (TrainingCommands.swift).
    var trained = TrainedModels()
    /// The last `run` of each model, by name, for `show NAME` and savegrid(NAME, ...) (Interpreter+Show.swift).
    var lastRuns: [String: ModelRun] = [:]
    /// What writes the Python for `code` (CNNCodegen's PythonCodeGenerator, given by the session); nil: none.
    public var codeGenerator: (any CodeGenerator)?
    /// Pictures (.png, .pgm, .ppm) that statements wrote, in order, as resolved paths: a notebook or the
    /// `--serve` protocol shows them; whoever reads them empties the list.
    public var picturesWritten: [String] = []

    /// Creates an interpreter; `seed` nil means `RandomGenerator.defaultSeed`.
    public init(seed: UInt64? = nil, precision: Int = OutputSettings.defaultPrecision) {
        self.random = RandomSource(seed: seed ?? RandomGenerator.defaultSeed)
        self.output = OutputSettings(precision: precision)
    }

    /// Runs one statement of `source` and returns what it produced.
    public func execute(_ statement: Statement, in source: SourceText) throws -> Outcome {
        // Every tensor made by the statement is checked against this session's limits before allocation.
        environment.recountAfterDroppedHistory()
        var bound = limits
        bound.memoryInUse = environment.memoryInUse
        // Every tensor the statement makes is counted until it is freed, temporaries included (MemoryLedger).
        let ledger = MemoryLedger(allowance: max(0, limits.maxMemoryBytes - min(bound.memoryInUse, limits.maxMemoryBytes)))
        return try Limits.$current.withValue(bound) {
            try Limits.$ledger.withValue(ledger) { try executeWithinLimits(statement, in: source) }
        }
    }

    private func executeWithinLimits(_ statement: Statement, in source: SourceText) throws -> Outcome {
        let context = EvaluationContext(source: source)
        switch statement.kind {
        case .assignment(let name, let expr):
            try checkAssignable(name)
            var result = try evaluate(expr, context)
            // A model is known by its variable's name (`m = load("model.keras")`: `run m`, m_1, m_out).
            if case .model(var spec) = result.value, spec.name != name.text {
                spec.name = name.text
                result.value = .model(spec)
            }
            try store(name, Variable(value: result.value, provenance: result.provenance), at: statement.range)
            return .assigned(name: name.text, value: result.value, provenance: result.provenance,
                             source: context.text(statement.range))
        case .cellAssignment(let name, let subscripts, let value):
            return try assignCells(name, subscripts, value, statement: statement, context)
        case .expression(let expr):
            if let name = expr.identifierName, environment[name] == nil, Commands.named(name) != nil {
                return try runCommand(Name(name, range: expr.range), arguments: [], statement: statement, context)
            }
            // `help(conv)`, `seed (a - 1)`: a command written like a call runs as the command.
            if case .call(let name, let arguments) = expr.kind, Builtins.named(name.text) == nil,
               environment[name.text] == nil, Commands.named(name.text) != nil {
                return try runCommand(name, arguments: arguments, statement: statement, context)
            }
            if let name = expr.identifierName, Vocabulary.exitWords.contains(name) {
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

    /// Stores a variable made by a statement, within the session's memory limit (an error at `range` if not).
    func store(_ name: Name, _ variable: Variable, at range: SourceRange) throws {
        environment.recountAfterDroppedHistory()
        let footprint = try environment.checkMemory(storing: variable, as: name.text, limit: limits.maxMemoryBytes, at: range)
        environment.define(name.text, variable, footprint: footprint)
    }

    /// Stores a variable in the environment.
    func assign(_ name: String, _ variable: Variable) {
        environment.define(name, variable)
    }

    /// Forgets every variable, and the networks trained for models that are gone with them.
    func clearVariables() {
        environment.removeAll()
        trained.removeAll()
        lastRuns = [:]
    }

    private func checkAssignable(_ name: Name) throws {
        if Vocabulary.isReserved(name.text) {
            throw Diagnostic("'\(name.text)' is the name of a built-in, so it cannot be a variable", at: name.range,
                             hint: "choose another name, e.g. \(name.text)1 or my_\(name.text)")
        }
    }

    /// Every name tab completion may offer: the language's own (Vocabulary.swift) and the variables.
    public var completionNames: [String] {
        Array(Set(Vocabulary.completionWords + environment.names)).sorted()
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
