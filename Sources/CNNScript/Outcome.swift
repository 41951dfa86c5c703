// Outcome: what executing one statement produced, as data. The interpreter computes; CNNExplain turns an
// outcome into text (step headers, matrices, traces, tables), and the session prints it.
import CNNCore

/// A variable of the session: its value and how it was made.
public struct Variable: Sendable {
    /// The current value.
    public var value: Value
    /// How the value was made (nil for values typed in directly).
    public var provenance: Provenance?
}

/// What a statement produced.
public enum Outcome: Sendable {
    /// Nothing to show (an empty statement).
    case nothing
    /// `name = expr` or the command form `op name`: the new value and how it was made.
    /// `source` is the statement as written.
    case assigned(name: String, value: Value, provenance: Provenance?, source: String)
    /// An expression statement: its value.
    case value(Value, provenance: Provenance?, source: String)
    /// A setting of the session changed or listed (`clear`, `reset`, `seed`, `precision`, `limits`).
    case settings(SettingsReport)
    /// `help` or `help NAME`.
    case help(topic: String?)
    /// `vars`: every variable in the order they were first made.
    case variables([(name: String, variable: Variable)])
    /// `params conv 3x3x32x64`: a parameter count with its arithmetic, or a layer without weights.
    case parameters(layer: String, count: Derivation?, reason: String?)
    /// A `model ... end` block was declared: its analysis.
    case modelDeclared(ModelSpec, ModelAnalysis)
    /// `summary NAME`: the model's table.
    case summary(ModelSpec, ModelAnalysis)
    /// `trace f[i, j]`: explain one cell of a variable.
    /// `trace NAME[i, j]`; `fieldArithmetic`: `trace NAME[i, j] rf` asked for the receptive-field arithmetic.
    case trace(name: String, index: [Int], variable: Variable, fieldArithmetic: Bool)
    /// `run NAME [x]`: a forward pass through a declared model, layer by layer (see ModelRun.swift).
    case modelRun(ModelRun)
    /// `code keras mnist`, `code torch mnist`, `code numpy f`: the Python code, shown or already written to
    /// a file (see CodeGenerator.swift).
    case code(CodeResult)
    /// `show f` or `show f1 f2 f3`: maps drawn as heatmaps, side by side (see ShowRequest.swift).
    case show(ShowRequest)
    /// `show NAME` after `run NAME x`: every layer's maps for that input (NetworkView.swift).
    case network(NetworkView)
    /// `step k 0.1`: one gradient-descent update of k and the loss before and after (GradientDescent.swift).
    case gradientStep(GradientStepReport)
    /// `train`, `evaluate`, `predict` or `plot` (TrainingCommands.swift).
    case learning(LearningReport)
}

/// What a command that looks after the session's settings did, as data; CNNExplain says it in words.
public enum SettingsReport: Sendable {
    /// `clear`: every variable forgotten.
    case cleared
    /// `reset`: every variable forgotten, the seed and precision back to these defaults.
    case reset(seed: UInt64, precision: Int)
    /// `seed N`: the random generator restarted from N.
    case seeded(UInt64)
    /// `precision N`: N decimals for numbers that are not whole.
    case precision(Int)
    /// `limits`: every resource limit.
    case limits(LimitsSnapshot)
    /// `limits elements N`: the new element limit per tensor.
    case elementLimit(Int)
    /// `limits memory N`: the new session memory limit, and what the variables hold now.
    case memoryLimit(bytes: Int, inUse: Int)
}

/// Every resource limit of the session, with the memory in use (docs/LIMITS.md).
public struct LimitsSnapshot: Sendable {
    /// Elements one tensor may hold (changeable).
    public var maxElements: Int
    /// Bytes the session's tensors may hold together (changeable).
    public var maxMemoryBytes: Int
    /// Bytes the variables hold now.
    public var memoryInUse: Int
    /// Multiply-adds one operation may take.
    public var maxWork: Int
    /// Multiply-adds one `run` may take.
    public var maxRunWork: Int
    /// Levels of nesting the parser accepts.
    public var maxNestingDepth: Int
    /// Bytes of a script.
    public var maxScriptBytes: Int
    /// Entries the REPL's history keeps.
    public var historyEntries: Int
}
