// SourceTextTests: lines, positions and the text of ranges.
import Testing
@testable import CNNScript

@Test func linesDropTheirEndings() {
    let source = SourceText("a = 1\r\nb = 2\n\nc")
    #expect(source.lineCount == 4)
    #expect(source.line(1) == "a = 1")
    #expect(source.line(2) == "b = 2")
    #expect(source.line(3) == "")
    #expect(source.line(4) == "c")
    #expect(source.line(0) == nil)
    #expect(source.line(5) == nil)
}

@Test func emptyTextHasOneEmptyLine() {
    let source = SourceText("")
    #expect(source.lineCount == 1)
    #expect(source.line(1) == "")
    #expect(source.endPosition == SourcePosition.start)
}

@Test func positionsOfOffsets() {
    let source = SourceText("ab\n이미지\nc")
    #expect(source.position(ofOffset: 0) == SourcePosition(line: 1, column: 1, offset: 0))
    #expect(source.position(ofOffset: 2) == SourcePosition(line: 1, column: 3, offset: 2))
    #expect(source.position(ofOffset: 3) == SourcePosition(line: 2, column: 1, offset: 3))
    #expect(source.position(ofOffset: 5) == SourcePosition(line: 2, column: 3, offset: 5))
    #expect(source.position(ofOffset: 7) == SourcePosition(line: 3, column: 1, offset: 7))
    #expect(source.position(ofOffset: 99) == SourcePosition(line: 3, column: 2, offset: 8))
    #expect(source.position(ofOffset: -4) == SourcePosition.start)
}

@Test func textOfARange() {
    let source = SourceText("y = conv(x, k)\n")
    let range = SourceRange(start: source.position(ofOffset: 4), end: source.position(ofOffset: 14))
    #expect(source.text(in: range) == "conv(x, k)")
    #expect(source.text(in: SourceRange(at: .start)) == "")
    let outside = SourceRange(start: SourcePosition(line: 9, column: 1, offset: 500), end: SourcePosition(line: 9, column: 9, offset: 508))
    #expect(source.text(in: outside) == "")
}

@Test func rangesOrderTheirEnds() {
    let a = SourcePosition(line: 1, column: 5, offset: 4)
    let b = SourcePosition(line: 1, column: 2, offset: 1)
    let backwards = SourceRange(start: a, end: b)
    #expect(backwards.isEmpty)
    #expect(backwards.start == a)
    #expect(SourceRange(at: b).through(SourceRange(at: a)) == SourceRange(start: b, end: a))
    #expect(SourceRange(start: b, end: a).description == "1:2-1:5")
    #expect(SourceRange(at: a).description == "1:5")
}
