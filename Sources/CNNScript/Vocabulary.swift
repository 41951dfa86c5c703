// Vocabulary: every name the language gives a meaning of its own, derived from its registries: the
// built-ins (Builtins.swift), the commands (Commands.swift), the words that start a layer line of a model
// block (ModelBuilder.keywords) and the few reserved words of the grammar. A variable or model cannot take
// one of these names (except a layer keyword that is nothing else, such as `dropout`); `help` suggests
// among the built-ins and commands, and tab completion offers them all.

/// The names the language knows.
public enum Vocabulary {
    /// The words that open and close a model block.
    public static let blockWords = ["model", "end"]
    /// The words that leave the REPL when typed on a line of their own.
    public static let exitWords = ["exit", "quit"]
    /// Words with a meaning of their own in the grammar.
    public static var reservedWords: [String] { blockWords + exitWords }

    /// Whether `name` is taken: a built-in, a command or a reserved word, so it cannot name a variable.
    public static func isReserved(_ name: String) -> Bool {
        Builtins.named(name) != nil || Commands.named(name) != nil || reservedWords.contains(name)
    }

    /// The names `help` explains: every built-in and command.
    public static var helpTopics: [String] { Builtins.names + Commands.names }

    /// Every name of the language that tab completion offers (variables come on top), sorted.
    public static let completionWords: [String] =
        Array(Set(Builtins.names + Commands.names + ModelBuilder.keywordNames + reservedWords)).sorted()
}
