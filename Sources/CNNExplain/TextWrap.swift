// TextWrap: a long line of help text broken at spaces to fit a terminal, each piece keeping its indent.
// Help texts are written as paragraphs; `help NAME` wraps them here rather than by hand in every builtin.

enum TextWrap {
    /// The widest line `help` prints (room for a 2-space indent in a 110-column window).
    static let width = 106

    /// `line` as lines of at most `width` characters (a single word longer than that stays whole), each
    /// indented as `line` is (a list item's "- " hangs: its later lines start under its text).
    static func lines(_ line: String, width: Int = TextWrap.width) -> [String] {
        guard line.count > width else { return [line] }
        let indent = String(line.prefix(while: { $0 == " " }))
        let hanging = line.dropFirst(indent.count).hasPrefix("- ") ? indent + "  " : indent
        var result: [String] = []
        var current = ""
        for word in line.dropFirst(indent.count).split(separator: " ") {
            let lead = result.isEmpty ? indent : hanging
            if !current.isEmpty && lead.count + current.count + 1 + word.count > width {
                result.append(lead + current)
                current = String(word)
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        if !current.isEmpty { result.append((result.isEmpty ? indent : hanging) + current) }
        return result
    }
}
