// LongHistoryTraceTests: `trace` after a chain longer than the history a value keeps (issue 13). The walk
// back is shortened for reading and says where the kept history ends.
import Testing
import CNNScript
import CNNTestSupport
@testable import CNNExplain

@Test func aTraceOfALongChainIsShortenedAndSaysWhereTheHistoryEnds() throws {
    let script = Script()
    try script.run("x = rand(3, 3)\n" + String(repeating: "relu x\n", count: 3 * Provenance.historyKept))
    let text = try script.rendered("trace x[1, 1]")
    let lines = text.split(separator: "\n")
    #expect(lines.count < 120, "\(lines.count) lines")
    #expect(text.contains("more steps …"))
    #expect(text.contains("are no longer kept: a value keeps the last 1,000 steps of its history, docs/LIMITS.md"))
}
