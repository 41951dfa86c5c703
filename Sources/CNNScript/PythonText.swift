// PythonText: how values are spelled in the Python that cnnrepl writes (the operations' NumPy code and
// CNNCodegen's scripts): numbers at full precision, tuples, strings, names that are valid and do not clash with Python's keywords or the script's helpers.
import CNNCore

/// Spelling values and names as Python source text.
public enum PythonText {
    /// A number as Python reads it back exactly: whole numbers without a decimal point ("3"), others as
    /// the shortest text that round-trips (Swift's and Python's repr agree: "0.1", "1e-05"), and
    /// np.nan / np.inf / -np.inf for the special values.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "np.nan" }
        if value.isInfinite { return value < 0 ? "-np.inf" : "np.inf" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0" }
        if value == value.rounded(), abs(value) < 1e15, let whole = Int(exactly: value) { return String(whole) }
        return "\(value)"
    }

    /// A number that must read as a float in Python even when whole ("3.0"), e.g. a dropout rate.
    public static func float(_ value: Double) -> String {
        let text = number(value)
        if text.contains(".") || text.contains("e") || text.contains("np.") { return text }
        return text + ".0"
    }

    /// "(3, 3)", "(784,)", "()".
    public static func tuple(_ values: [Int]) -> String {
        if values.count == 1 { return "(\(values[0]),)" }
        return "(" + values.map(String.init).joined(separator: ", ") + ")"
    }

    /// "(2, 1)" for a row/column pair.
    public static func pair(_ pair: Pair) -> String { "(\(pair.rows), \(pair.cols))" }

    /// A double-quoted Python string literal.
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2, with: "0")
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Python's reserved words, and `print` and `os`, which the scripts use: a variable called `lambda` in
    /// cnnrepl becomes `lambda_`.
    static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
        "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
        "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
        "match", "case", "type", "print", "os",
    ]

    /// A valid Python name for `name`: letters, digits and underscores, not starting with a digit, not a
    /// keyword and not one of `reserved` (an underscore is appended until it is free of those).
    public static func identifier(_ name: String, reserved: Set<String> = []) -> String {
        var text = ""
        for scalar in name.unicodeScalars {
            let isLetter = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
            let isDigit = scalar >= "0" && scalar <= "9"
            text.unicodeScalars.append(isLetter || isDigit ? scalar : "_")
        }
        if text.isEmpty { text = "x" }
        if let first = text.unicodeScalars.first, first >= "0" && first <= "9" { text = "_" + text }
        while keywords.contains(text) || reserved.contains(text) { text += "_" }
        return text
    }

    /// Lines of code with their comments lined up in one column after the longest code (up to `limit`
    /// characters; longer code keeps its comment two spaces after it).
    public static func aligned(_ rows: [(code: String, comment: String?)], indent: String = "", limit: Int = 64) -> [String] {
        let width = rows.filter { $0.comment != nil }.map(\.code.count).filter { $0 <= limit }.max() ?? 0
        return rows.map { row in
            guard let comment = row.comment, !comment.isEmpty else { return indent + row.code }
            let padding = String(repeating: " ", count: max(width - row.code.count, 0) + 2)
            return indent + row.code + padding + "# " + comment
        }
    }
}

extension String {
    /// The string with `character` added in front until it is `length` characters long.
    func leftPadded(to length: Int, with character: Character) -> String {
        count >= length ? self : String(repeating: character, count: length - count) + self
    }
}
