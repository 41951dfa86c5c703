// DiagnosticRendererTests: the exact text learners (and golden transcripts) see for a diagnostic.
import CNNScript
import Testing
@testable import CNNExplain

/// A range on one line, columns 1-based and end-exclusive.
private func span(_ source: SourceText, line: Int, from start: Int, to end: Int) -> SourceRange {
    let first = source.position(ofOffset: offsetOf(line: line, column: start, in: source))
    let last = source.position(ofOffset: offsetOf(line: line, column: end, in: source))
    return SourceRange(start: first, end: last)
}

/// The scalar offset of a line and column.
private func offsetOf(line: Int, column: Int, in source: SourceText) -> Int {
    var offset = 0
    for number in 1..<line { offset += (source.lineScalars(number)?.count ?? 0) + 1 }
    return offset + column - 1
}

@Test func rendersTheDocumentedShape() {
    let source = SourceText("x = ones(4, 4)\nk = ones(5, 5)\n\ny = conv(x, k)\n", name: "lessons/stride.cnn")
    let diagnostic = Diagnostic("conv: a 5x5 kernel does not fit a 4x4 input with valid padding",
                                at: span(source, line: 4, from: 5, to: 15),
                                hint: "use padding=same or a smaller kernel")
    let expected = """
        lessons/stride.cnn:4:5: error: conv: a 5x5 kernel does not fit a 4x4 input with valid padding
          4 | y = conv(x, k)
            |     ^^^^^^^^^^
          hint: use padding=same or a smaller kernel

        """
    #expect(DiagnosticRenderer().render(diagnostic, in: source) == expected)
}

@Test func replInputHasNoLocationPrefix() {
    let source = SourceText("x = (1 + 2")
    let result = Parser.parse(source)
    let text = DiagnosticRenderer().render(result.diagnostics, in: source)
    let expected = """
        error: this '(' is never closed
          1 | x = (1 + 2
            |     ^
          hint: add ')' where it should end

        """
    #expect(text == expected)
}

@Test func zeroWidthRangeGetsOneCaret() {
    let source = SourceText("x = 1 +", name: "a.cnn")
    let result = Parser.parse(source)
    let expected = """
        a.cnn:1:8: error: expected a value after '+'
          1 | x = 1 +
            |        ^
          hint: the statement ends before the expression is complete

        """
    #expect(DiagnosticRenderer().render(result.diagnostics, in: source) == expected)
}

@Test func lineNumbersAreRightAlignedOverSeveralLines() {
    var text = ""
    for _ in 1...8 { text += "a = 1\n" }
    text += "k = [1, 2\n     3, 4\n     5 6]\n"
    let source = SourceText(text, name: "m.cnn")
    let diagnostic = Diagnostic("a matrix", at: SourceRange(
        start: source.position(ofOffset: offsetOf(line: 9, column: 5, in: source)),
        end: source.position(ofOffset: offsetOf(line: 11, column: 10, in: source))))
    let expected = """
        m.cnn:9:5: error: a matrix
           9 | k = [1, 2
             |     ^^^^^
          10 |      3, 4
             |      ^^^^
          11 |      5 6]
             |      ^^^^

        """
    #expect(DiagnosticRenderer().render(diagnostic, in: source) == expected)
}

@Test func longRangesAreShortened() {
    let source = SourceText("model m 784\n dense 10\n dense 10\n dense 10\n dense 10\nend\n")
    let diagnostic = Diagnostic("a block", at: SourceRange(
        start: source.position(ofOffset: 0),
        end: source.position(ofOffset: offsetOf(line: 6, column: 4, in: source))))
    let expected = """
        error: a block
          1 | model m 784
            | ^^^^^^^^^^^
          2 |  dense 10
            |  ^^^^^^^^
            | ...
          6 | end
            | ^^^

        """
    #expect(DiagnosticRenderer().render(diagnostic, in: source) == expected)
}

@Test func caretsAreClampedToTheLine() {
    let source = SourceText("abc\n")
    let beyond = Diagnostic("far", at: SourceRange(
        start: SourcePosition(line: 1, column: 3, offset: 2), end: SourcePosition(line: 1, column: 40, offset: 39)))
    #expect(DiagnosticRenderer().render(beyond, in: source) == "error: far\n  1 | abc\n    |   ^\n")
    let past = Diagnostic("past", at: SourceRange(at: SourcePosition(line: 1, column: 9, offset: 8)))
    #expect(DiagnosticRenderer().render(past, in: source) == "error: past\n  1 | abc\n    |    ^\n")
}

@Test func rangesOutsideTheTextGetNoExcerpt() {
    let source = SourceText("abc", name: "f.cnn")
    let nowhere = Diagnostic("lost", at: SourceRange(at: SourcePosition(line: 7, column: 1, offset: 0)), hint: "h")
    #expect(DiagnosticRenderer().render(nowhere, in: source) == "f.cnn: error: lost\n  hint: h\n")
}

@Test func notesShowTheirOwnExcerpt() {
    let source = SourceText("y = conv(x, stride=2,\n  stride=3)")
    let result = Parser.parse(source)
    let expected = """
        error: 'stride' is given twice in this call of 'conv'
          2 |   stride=3)
            |   ^^^^^^
          note: the first 'stride' is here
          1 | y = conv(x, stride=2,
            |             ^^^^^^^^
          hint: give each option once

        """
    #expect(DiagnosticRenderer().render(result.diagnostics, in: source) == expected)
}

@Test func tabsExpandAndWideCharactersTakeTwoCells() {
    let source = SourceText("\tx = \"이미지\" $")
    let result = Parser.parse(source)
    let expected = """
        error: unexpected character '$'
          1 |     x = "이미지" $
            |                  ^

        """
    #expect(DiagnosticRenderer().render(result.diagnostics, in: source) == expected)
}

@Test func controlCharactersPrintAsQuestionMarks() {
    let source = SourceText("x = \u{7}")
    let result = Parser.parse(source)
    let expected = """
        error: unexpected character U+0007
          1 | x = ?
            |     ^
          hint: remove this control character

        """
    #expect(DiagnosticRenderer().render(result.diagnostics, in: source) == expected)
}

@Test func colourMarksErrorMessageAndCarets() {
    let source = SourceText("x = )")
    let result = Parser.parse(source)
    let text = DiagnosticRenderer(useColor: true).render(result.diagnostics, in: source)
    let expected = "\u{1B}[1;31merror\u{1B}[0m: \u{1B}[1mthis ')' has no matching '('\u{1B}[0m\n"
        + "  1 | x = )\n    |     \u{1B}[32m^\u{1B}[0m\n  hint: remove it, or add the '(' it closes\n"
    #expect(text == expected)
}

@Test func warningsSayWarning() {
    let source = SourceText("x", name: "w.cnn")
    let warning = Diagnostic("unused", at: SourceRange(start: .start, end: SourcePosition(line: 1, column: 2, offset: 1)),
                             severity: .warning)
    #expect(DiagnosticRenderer().render(warning, in: source) == "w.cnn:1:1: warning: unused\n  1 | x\n    | ^\n")
}

@Test func severalDiagnosticsFollowOneAnother() {
    let source = SourceText("x = )\ny = ]\n")
    let result = Parser.parse(source)
    let text = DiagnosticRenderer().render(result.diagnostics, in: source)
    let headers = text.split(separator: "\n").filter { $0.hasPrefix("error: ") }
    #expect(headers == ["error: this ')' has no matching '('", "error: this ']' has no matching '['"])
}
