// LexerTests: every token kind, numbers, size literals, strings, comments, positions and unreadable text.
import Testing
@testable import CNNScript

/// The token kinds of `text`, without the final endOfInput.
private func kinds(_ text: String) -> [TokenKind] {
    Array(Lexer.tokenize(SourceText(text)).map(\.kind).dropLast())
}

/// The one token of `text` (records an issue if there are more).
private func single(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TokenKind? {
    let all = kinds(text)
    #expect(all.count == 1, "expected one token in \(text.debugDescription), got \(all)", sourceLocation: sourceLocation)
    return all.first
}

/// A number token's value, text and exact integer.
private func number(_ text: String) -> NumberLiteral? {
    if case .number(let literal) = single(text) { return literal }
    return nil
}

/// The lexer's message for the first invalid token of `text`, as "RANGE MESSAGE".
private func lexError(_ text: String) -> String? {
    let source = SourceText(text)
    for token in Lexer.tokenize(source) {
        if let diagnostic = Lexer.diagnostic(for: token, in: source) {
            return "\(diagnostic.range) \(diagnostic.message)"
        }
    }
    return nil
}

@Test func punctuationAndOperators() {
    #expect(kinds("( ) [ ] , ; : = + - * / @") == [
        .leftParen, .rightParen, .leftBracket, .rightBracket, .comma, .semicolon, .colon, .equals,
        .plus, .minus, .star, .slash, .at,
    ])
}

@Test func namesMayHoldDigitsUnderscoresAndLetters() {
    #expect(kinds("f f1 _x conv_2d 이미지 é") == [
        .identifier("f"), .identifier("f1"), .identifier("_x"), .identifier("conv_2d"), .identifier("이미지"),
        .identifier("é"),
    ])
}

@Test func integersKeepTheirExactValue() {
    let literal = number("42")
    #expect(literal == NumberLiteral(value: 42, text: "42", integer: 42))
    #expect(number("9223372036854775807")?.integer == Int.max)
    #expect(number("007")?.integer == 7)
}

@Test func decimalsAndScientificNotation() {
    #expect(number("0.5") == NumberLiteral(value: 0.5, text: "0.5", integer: nil))
    #expect(number(".5")?.value == 0.5)
    #expect(number("5.")?.value == 5)
    #expect(number("5.")?.integer == nil)
    #expect(number("1e-3") == NumberLiteral(value: 0.001, text: "1e-3", integer: nil))
    #expect(number("2.5E+4")?.value == 25_000)
    #expect(number("1e3")?.integer == nil)
    #expect(number("1e-400")?.value == 0)
}

@Test func aMinusSignIsItsOwnToken() {
    #expect(kinds("-1") == [.minus, .number(NumberLiteral(value: 1, text: "1", integer: 1))])
}

@Test func sizeLiteralsAreOneToken() {
    #expect(single("3x3") == .dimensions([3, 3]))
    #expect(single("28x28x1") == .dimensions([28, 28, 1]))
    #expect(single("3x3x32x64") == .dimensions([3, 3, 32, 64]))
    #expect(single("3x5") == .dimensions([3, 5]))
    #expect(single("12544x128") == .dimensions([12544, 128]))
    // With spaces it is a number, a name and a number.
    #expect(kinds("3 x 3").count == 3)
}

@Test func stringsResolveTheirEscapes() {
    #expect(single("\"file.npy\"") == .string("file.npy"))
    #expect(single(#""a\"b\\c\nd\te""#) == .string("a\"b\\c\nd\te"))
    #expect(single("\"\"") == .string(""))
    #expect(single("\"# not a comment\"") == .string("# not a comment"))
}

@Test func commentsRunToTheEndOfTheLine() {
    #expect(kinds("x # a comment ( [ \"\ny") == [.identifier("x"), .newline, .identifier("y")])
    #expect(kinds("# only a comment").isEmpty)
}

@Test func newlinesAreTokensAndCarriageReturnsAreSpace() {
    #expect(kinds("a\nb\r\nc") == [.identifier("a"), .newline, .identifier("b"), .newline, .identifier("c")])
    #expect(kinds("\u{FEFF}x") == [.identifier("x")])
}

@Test func theLastTokenIsAlwaysTheEnd() {
    #expect(Lexer.tokenize(SourceText("")).map(\.kind) == [.endOfInput])
    #expect(Lexer.tokenize(SourceText("x $")).last?.kind == .endOfInput)
}

@Test func positionsAreOneBasedAndCountUnicodeScalars() {
    let tokens = Lexer.tokenize(SourceText("x = 1\n  \"이미지\" ab"))
    #expect(tokens.map(\.range.description) == ["1:1-1:2", "1:3-1:4", "1:5-1:6", "1:6-1:7", "2:3-2:8", "2:9-2:11", "2:11"])
    #expect(tokens[4].range.start.offset == 8)
}

@Test func spaceBeforeIsRecorded() {
    let tokens = Lexer.tokenize(SourceText("f[1] show [1] x -1 x-1"))
    #expect(tokens.map(\.spaceBefore) == [
        true, false, false, false,  // f[1]
        true, true, false, false,  // show [1]
        true, true, false,  // x -1
        true, false, false,  // x-1
        false,  // end
    ])
}

@Test func unexpectedCharactersAreNamed() {
    #expect(lexError("x = 3 $ 4") == "1:7-1:8 unexpected character '$'")
    #expect(lexError("a ^ 2") == "1:3-1:4 unexpected character '^'")
    #expect(lexError("x = 'a'") == "1:5-1:6 unexpected character \"'\"")
    #expect(lexError("3 × 3") == "1:3-1:4 unexpected character '×' (U+00D7)")
    #expect(lexError("x\u{7}") == "1:2-1:3 unexpected character U+0007")
    #expect(lexError("a\u{A0}b") == "1:2-1:3 unexpected character U+00A0")
    #expect(lexError("x = \u{FFFD}") == "1:5-1:6 unexpected character '\u{FFFD}' (U+FFFD)")
    #expect(lexError("x\u{FEFF}") == "1:2-1:3 unexpected character U+FEFF")
    #expect(lexError(". 5") == "1:1-1:2 unexpected character '.'")
}

@Test func unexpectedCharactersGetHints() {
    let source = SourceText("“a” ‘ {x} − x\u{FFFD}")
    let hints = Lexer.tokenize(source).compactMap { Lexer.diagnostic(for: $0, in: source)?.hint }
    #expect(hints == [
        "use straight double quotes \" for strings",
        "use straight double quotes \" for strings",
        "use straight double quotes \" for strings",
        "use ( ) to group and [ ] for matrices and vectors",
        "use ( ) to group and [ ] for matrices and vectors",
        "use the plain minus sign -",
        "the text is not valid UTF-8 here; save the file as UTF-8",
    ])
}

@Test func unterminatedStringsPointAtTheOpeningQuote() {
    #expect(lexError("x = \"abc") == "1:5-1:6 this string is never closed")
    #expect(lexError("x = \"abc\ny = 2") == "1:5-1:6 this string is never closed")
    #expect(lexError("\"ends with a backslash\\") == "1:1-1:2 this string is never closed")
    // The rest of the line is the string, so the next line lexes normally.
    let tokens = Lexer.tokenize(SourceText("\"abc\ny"))
    #expect(tokens.map(\.kind.tag) == [.invalid, .newline, .identifier, .endOfInput])
}

@Test func unknownEscapesPointAtTheEscape() {
    #expect(lexError(#""a\qb""#) == "1:3-1:5 unknown escape '\\q' in a string")
    #expect(single(#""a\qb""#)?.tag == .invalid)
}

@Test func numbersThatDoNotFitAreErrors() {
    #expect(lexError("99999999999999999999") == "1:1-1:21 the integer '99999999999999999999' is too large")
    #expect(lexError("1e400") == "1:1-1:6 the number '1e400' is too large")
    #expect(lexError("3x99999999999999999999") == "1:1-1:23 the size '3x99999999999999999999' is too large")
    let long = String(repeating: "9", count: 100)
    #expect(lexError(long) == "1:1-1:101 the integer '\(String(repeating: "9", count: 40))...' is too large")
}

@Test func malformedNumbersAreOneError() {
    #expect(lexError("1e") == "1:1-1:3 the exponent of '1e' has no digits")
    #expect(lexError("2E+") == "1:1-1:4 the exponent of '2E+' has no digits")
    #expect(lexError("3abc + 1") == "1:1-1:5 '3abc' is not a number or a name")
    #expect(lexError("1.2.3") == "1:1-1:6 '1.2.3' is not a number or a name")
    #expect(lexError("2x") == "1:1-1:3 '2x' is not a size")
    #expect(lexError("3x3x") == "1:1-1:5 '3x3x' is not a size")
    #expect(lexError("3x3.5") == "1:1-1:6 '3x3.5' is not a size")
    #expect(kinds("3abc + 1").count == 3)
}
