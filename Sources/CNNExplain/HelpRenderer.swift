// HelpRenderer: the text of `help` and `help NAME`, from the same registry that runs the built-ins.
import CNNScript

/// Renders help texts.
public enum HelpRenderer {
    /// The lines of `help` (no topic) or `help NAME`.
    public static func lines(topic: String?) -> [String] {
        guard let topic else { return overview() }
        if let builtin = Builtins.named(topic) { return builtinLines(builtin) }
        if let command = Commands.named(topic) { return commandLines(command) }
        var lines = ["help: there is no built-in or command called '\(topic)'"]
        if let guess = Suggestions.closest(to: topic, among: Vocabulary.helpTopics) {
            lines.append("  did you mean '\(guess)'?")
        }
        lines.append("  type `help` for the list")
        return lines
    }

    /// A tour: every built-in by group with its one-line summary, then the commands.
    public static func overview() -> [String] {
        var lines = ["cnnrepl computes every step of a convolutional network and shows its work.",
                     "Statements end at a newline or ';'. `name = expr` assigns; `relu f` means f = relu(f).", ""]
        for category in BuiltinCategory.allCases {
            let members = Builtins.all.filter { $0.category == category }
            guard !members.isEmpty else { continue }
            lines.append(category.rawValue + ":")
            let width = members.map(\.name.count).max() ?? 0
            for builtin in members {
                lines.append("  " + builtin.name.padded(to: width) + "  " + builtin.summary)
            }
            lines.append("")
        }
        lines.append("Commands:")
        let width = Commands.all.map(\.name.count).max() ?? 0
        for command in Commands.all {
            lines.append("  " + command.name.padded(to: width) + "  " + command.summary)
        }
        lines.append("")
        lines.append("Operators: + - * / element-wise (* is the element-wise product), @ matrix product, x[i, j] indexing, x[0:3, :] slicing, w[:, 3] = 1 sets cells.")
        lines.append("Type `help NAME` for one of them.")
        return lines
    }

    static func builtinLines(_ builtin: Builtin) -> [String] {
        var lines = [builtin.signature] + TextWrap.lines("  " + builtin.summary)
        let details = builtin.details.split(separator: "\n").flatMap { TextWrap.lines("  " + $0.trimmingCharacters()) }
        if !details.isEmpty { lines.append("") ; lines += details }
        if !builtin.parameters.isEmpty {
            lines.append("")
            let width = builtin.parameters.map { $0.name.count + ($0.isVariadic ? 3 : 0) }.max() ?? 0
            for parameter in builtin.parameters {
                let name = parameter.isVariadic ? parameter.name + "..." : parameter.name
                lines.append("  " + name.padded(to: width) + "  " + parameter.summary)
            }
        }
        if let form = builtin.commandForm {
            lines.append("")
            lines += TextWrap.lines("  Command form: `\(form.words)` updates x in place (x = \(form.call)).")
        }
        if !builtin.examples.isEmpty {
            lines.append("")
            lines.append("  Example\(builtin.examples.count > 1 ? "s" : ""):")
            lines += builtin.examples.map { "    " + $0 }
        }
        return lines
    }

    static func commandLines(_ command: CommandDefinition) -> [String] {
        var lines = [command.usage] + TextWrap.lines("  " + command.summary)
        let details = command.details.split(separator: "\n").flatMap { TextWrap.lines("  " + $0.trimmingCharacters()) }
        if !details.isEmpty { lines.append(""); lines += details }
        if !command.examples.isEmpty {
            lines.append("")
            lines.append("  Example\(command.examples.count > 1 ? "s" : ""):")
            for example in command.examples {
                lines += example.split(separator: "\n").map { "    " + $0 }
            }
        }
        return lines
    }
}

extension String {
    /// The string followed by spaces up to `width` characters.
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

extension Substring {
    /// Without leading and trailing spaces.
    func trimmingCharacters() -> String {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
