// SumText: a sum written the way a person writes it: "3 - 9 + 1", not "3 + -9 + 1".

/// Writes sums of already-formatted numbers.
enum SumText {
    /// "a + b - c" for ["a", "b", "-c"]; "0" for no terms.
    static func join(_ terms: [String]) -> String {
        guard let first = terms.first else { return "0" }
        var text = first
        for term in terms.dropFirst() {
            if term.hasPrefix("-") {
                text += " - " + term.dropFirst()
            } else {
                text += " + " + term
            }
        }
        return text
    }

    /// "sum = a + b = total", or "sum = total" when there is a single term that already is the total.
    static func line(label: String, terms: [String], total: String) -> String {
        let written = join(terms)
        return written == total ? "\(label) = \(total)" : "\(label) = \(written) = \(total)"
    }
}
