// OpenBlockCheck: the REPL's look at the newest line of a model block that is still open. A learner who
// types a bad layer line hears about it at once, at that line (not after `end`), and the block stays open
// for the line to be typed again. Only what the line says by itself and with the lines above it is checked
// (the layer's name and words, `from` and `add` names); shapes are checked when `end` builds the model.

/// Checks the last line of an entry whose model block is still open.
public enum OpenBlockCheck {
    /// The error on the last line of `entry` (a REPL entry whose model block is open), and the text the
    /// error's position refers to; nil when the line reads as a layer line.
    public static func lastLineError(_ entry: String) -> (diagnostic: Diagnostic, source: SourceText)? {
        let lines = entry.split(separator: "\n", omittingEmptySubsequences: false)
        let lastLine = lines.count
        // Only a model block that is open, with its header above the last line (an open bracket is not checked).
        var header: Int?
        for (i, line) in lines.enumerated() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if words.first == "model", words.count < 2 || words[1].first != "=" { header = i + 1 } else if words == ["end"] { header = nil }
        }
        guard let header, header < lastLine else { return nil }
        let closed = SourceText(entry + "\nend", name: nil)
        let parsed = Parser.parse(closed)
        if let error = parsed.diagnostics.first(where: { $0.severity == .error && $0.range.start.line == lastLine }) {
            return (error, closed)
        }
        guard !parsed.hasErrors, let statement = parsed.statements.last, case .model(let declaration) = statement.kind,
              declaration.layers.last?.range.start.line == lastLine else { return nil }
        do {
            _ = try ModelBuilder.layers(declaration.layers)
        } catch let error as Diagnostic where error.range.start.line == lastLine {
            return (error, closed)
        } catch {}
        return nil
    }
}
