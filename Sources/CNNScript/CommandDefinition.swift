// CommandDefinition: one command of the language, a statement that is not a function (help, vars, seed, trace,
// model, run, train, ...). Like a `Builtin`, one definition holds everything about it: its name, how it is
// written, its documentation and its implementation, so that dispatch, `help NAME`, tab completion and
// docs/LANGUAGE.md all read the same registry (Commands.swift). A command's body is a method of the
// interpreter, kept in the file of its aspect (TrainingCommands.swift, Interpreter+Show.swift, ...)
// beside the definition that registers it.

/// A command of the language.
public struct CommandDefinition: Sendable {
    /// The command's name, the word that starts it.
    public let name: String
    /// How it is written, e.g. "trace NAME[i, j]".
    public let usage: String
    /// One line: what it does.
    public let summary: String
    /// A few sentences for `help NAME`.
    public let details: String
    /// Runnable examples.
    public let examples: [String]
    /// The implementation: the interpreter's method that runs the command with its name (for messages),
    /// its arguments as written, and the source they come from.
    let body: @Sendable (Interpreter) -> (Name, [Argument], EvaluationContext) throws -> Outcome
}
