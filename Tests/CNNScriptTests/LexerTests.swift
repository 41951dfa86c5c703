// LexerTests: every token kind, numbers, size literals, strings, comments, positions and unreadable text.
import Testing
@testable import CNNScript

@Test func lexesAnIdentifier() {
    let tokens = Lexer.tokenize(SourceText("abc"))
    #expect(tokens.map(\.kind) == [.identifier("abc"), .endOfInput])
}
