// OpenBlockCheckTests: the REPL's check of the newest line of a model block that is still open: the line's
// own errors and those it makes with the lines above it, at that line; nothing for a good line, and nothing
// for an error on an earlier line (already reported when it was typed).
import Testing
@testable import CNNScript

@Test func theNewestLineOfAnOpenBlockIsChecked() {
    #expect(OpenBlockCheck.lastLineError("model m 8x8x1\n  conv 4 3x3 relu") == nil)
    #expect(OpenBlockCheck.lastLineError("model m 8x8x1\n  conv 4 3x3 relu\n  flaten")?.diagnostic.message == "unknown layer 'flaten'")
    let typo = OpenBlockCheck.lastLineError("model m 8x8x1\n  conv 4 3x3 relu padding sam")
    #expect(typo?.diagnostic.range.start.line == 2 && typo?.diagnostic.message.contains("sam") == true, "\(String(describing: typo))")
    // A name from above: `from` a layer that was never named is an error at this line.
    #expect(OpenBlockCheck.lastLineError("model m 8x8x1\n  a = conv 4 3x3 same\n  conv 4 3x3 same from b")?.diagnostic.range.start.line == 3)
    #expect(OpenBlockCheck.lastLineError("model m 8x8x1\n  a = conv 4 3x3 same\n  conv 4 3x3 same from a\n  add a") == nil)
    // Only the lines of an open model block: not an open bracket, not the header alone.
    #expect(OpenBlockCheck.lastLineError("image1 = [1, 2") == nil)
    #expect(OpenBlockCheck.lastLineError("model m 8x8x1\n  conv 4 3x3\nend\nx = [1,") == nil)
    #expect(OpenBlockCheck.lastLineError("model m 8x8x1") == nil)
    // A parse error on the line (a stray '=') too.
    #expect(OpenBlockCheck.lastLineError("model m 8x8x1\n  conv 4 3x3 stride=(2,2,2)")?.diagnostic.range.start.line == 2)
}
