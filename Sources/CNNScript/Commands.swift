// Commands: the registry of every command of the language, looked up by name. Each command is one
// `CommandDefinition` (CommandDefinition.swift) registered in the file that implements it; `all` puts them in the order
// of `help` and docs/LANGUAGE.md.

/// All commands of the language.
public enum Commands {
    /// Every command, in documentation order.
    public static let all: [CommandDefinition] = session + [trace, show] + models + [limits, code] + learning

    private static let byName: [String: CommandDefinition] = {
        var table: [String: CommandDefinition] = [:]
        for command in all { table[command.name] = command }
        return table
    }()

    /// The command called `name`, if there is one.
    public static func named(_ name: String) -> CommandDefinition? { byName[name] }

    /// Every command's name, in documentation order.
    public static var names: [String] { all.map(\.name) }
}
