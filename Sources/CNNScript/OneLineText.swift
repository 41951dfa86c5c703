// OneLineText: a statement that spans several lines, rewritten on one line for headers and `vars`.
//
// A step header is one line ("y = [1, 2; 3, 4]   2x2"), but a statement may be typed over several lines
// while a bracket is open. Inside `[ ]` a line break separates matrix rows, so it becomes "; "; anywhere
// else it is only space. Comments are dropped, runs of spaces at line breaks shrink to one, and nothing
// is added right after an opening or right before a closing bracket. Text inside strings is kept as is.

/// Rewrites multi-line source text on one line with the same meaning.
enum OneLineText {
    /// `text` on one line; text without a line break is returned unchanged.
    static func of(_ text: String) -> String {
        guard text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "#" }) else { return text }
        var out = ""
        var brackets: [Character] = []
        var inString = false
        var escaping = false
        var inComment = false
        var pendingBreak = false

        func lastSignificant() -> Character? { out.last { $0 != " " } }

        for ch in text {
            if inComment {
                if ch == "\n" || ch == "\r" { inComment = false; pendingBreak = true }
                continue
            }
            if inString {
                out.append(ch)
                if escaping { escaping = false } else if ch == "\\" { escaping = true } else if ch == "\"" { inString = false }
                continue
            }
            if ch == "\n" || ch == "\r" {
                pendingBreak = true
                continue
            }
            if ch == "#" {
                inComment = true
                continue
            }
            if pendingBreak {
                if ch == " " || ch == "\t" { continue }
                pendingBreak = false
                while out.last == " " { out.removeLast() }
                let before = lastSignificant()
                let opensOrSeparates = before == nil || before == "[" || before == "(" || before == "," || before == ";"
                let closes = ch == "]" || ch == ")" || ch == "," || ch == ";"
                if brackets.last == "[" && !opensOrSeparates && !closes {
                    out += "; "
                } else if !closes && before != "[" && before != "(" && before != nil {
                    out += " "
                }
            }
            switch ch {
            case "[", "(": brackets.append(ch)
            case "]", ")": if !brackets.isEmpty { brackets.removeLast() }
            case "\"": inString = true
            default: break
            }
            out.append(ch)
        }
        while out.last == " " { out.removeLast() }
        return out
    }
}
