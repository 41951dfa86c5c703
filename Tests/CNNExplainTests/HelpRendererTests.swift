// HelpRendererTests: `help NAME` fits a terminal: the paragraphs of every built-in's and command's help are
// wrapped (issue 17: `help sample` printed one 375-character line).
import Testing
import CNNScript
import CNNTestSupport
@testable import CNNExplain

@Test func everyHelpParagraphIsWrappedToTheTerminal() throws {
    let session = Script()
    let names = Builtins.all.map(\.name) + Commands.all.map(\.name)
    for name in names {
        let text = try session.rendered("help \(name)")
        // Paragraph lines (indented two spaces, words one space apart; not a parameter's aligned columns
        // or an example) fit the width.
        let paragraphs = text.split(separator: "\n").filter { line in
            line.hasPrefix("  ") && !line.hasPrefix("   ") && !line.dropFirst(2).contains("  ")
        }
        #expect(!paragraphs.isEmpty)
        let long = paragraphs.filter { $0.count > TextWrap.width }
        #expect(long.isEmpty, "help \(name): \(long)")
    }
    // sample's catalogue was one line of 375 characters: now a paragraph of several lines.
    let sample = try session.rendered("help sample").split(separator: "\n")
    #expect(sample.filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") && $0.count > 80 }.count >= 3, "\(sample)")
}

@Test func wrappingKeepsTheIndentAndEveryWord() {
    let line = "  " + (1...40).map { "word\($0)" }.joined(separator: " ")
    let wrapped = TextWrap.lines(line, width: 30)
    #expect(wrapped.allSatisfy { $0.hasPrefix("  ") && $0.count <= 30 })
    #expect(wrapped.map { $0.dropFirst(2) }.joined(separator: " ") == line.dropFirst(2))
    #expect(TextWrap.lines("  short", width: 30) == ["  short"])
    // A list item's later lines start under its text.
    #expect(TextWrap.lines("  - one two three four", width: 14) == ["  - one two", "    three four"])
}
