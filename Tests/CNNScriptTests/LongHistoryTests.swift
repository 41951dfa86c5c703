// LongHistoryTests: a variable updated tens of thousands of times (issue 13). Before the fix, freeing such
// a history at the end of a session, at `clear` or when the variable was replaced recursed once per step
// and overflowed the stack (signal 11). Now a value keeps between Provenance.historyKept and twice that
// many steps, freeing any chain runs in a loop, and the memory limit counts only what is kept.
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

/// The number of steps found by following first operands back from `provenance` (a loop, as trace walks).
private func chainLength(_ provenance: Provenance?) -> Int {
    var length = 0
    var node = provenance
    while let step = node?.step {
        length += 1
        node = step.operands.first?.provenance
    }
    return length
}

/// `count` lines of `line`, after `setup`.
private func updates(_ setup: String, _ line: String, _ count: Int) -> String {
    setup + "\n" + String(repeating: line + "\n", count: count)
}

@Test func thirtyThousandUpdatesOfOneVariableEndTheSessionCleanly() throws {
    do {
        let script = Script()
        try script.run(updates("a = 0", "a = a + 1", 30_000))
        #expect(try script.number("a") == 30_000)
        let length = chainLength(script.interpreter.environment["a"]?.provenance)
        #expect(length >= Provenance.historyKept && length <= 2 * Provenance.historyKept + 1, "kept \(length) steps")
    }  // the session is freed here: a recursive teardown crashed the test process
}

@Test func tenThousandInPlaceReluAndConvolutionsEndCleanly() throws {
    let script = Script()
    try script.run(updates("x = rand(3, 3)", "relu x", 10_000))
    try script.run(updates("y = rand(3, 3)", "y = conv(y, ones(1, 1))", 10_000))
    #expect(chainLength(script.interpreter.environment["x"]?.provenance) <= 2 * Provenance.historyKept + 1)
    #expect(chainLength(script.interpreter.environment["y"]?.provenance) <= 2 * Provenance.historyKept + 1)
    try script.run("clear")
    #expect(script.interpreter.environment.all.isEmpty)
}

@Test func manyLongChainsAreClearedAndReplacedCleanly() throws {
    let script = Script()
    var source = ""
    for v in 0..<200 { source += "v\(v) = \(v)\n" + String(repeating: "v\(v) = v\(v) * 1\n", count: 50) }
    try script.run(source)
    try script.run("clear")
    #expect(script.interpreter.environment.all.isEmpty)
    try script.run(updates("a = ones(2, 2)", "a = a + 1", 20_000))
    try script.run("a = 5")  // replacing a long chain with a constant frees it
    #expect(try script.number("a") == 5)
    #expect(script.interpreter.environment["a"]?.provenance?.step == nil)
}

@Test func theMemoryLimitCountsOnlyTheHistoryThatIsKept() throws {
    // 5,000 updates of an 80 KB map would be 400 MB if every step were kept; the kept steps are at most
    // 2,001 maps (160 MB), within a 200 MB limit.
    let script = Script()
    try script.run(updates("limits memory 200 MB\nx = rand(100, 100)", "x = x + 1", 5_000))
    let inUse = script.interpreter.environment.memoryInUse
    #expect(inUse <= (2 * Provenance.historyKept + 2) * 80_000, "\(inUse) bytes counted")
    #expect(inUse >= Provenance.historyKept * 80_000, "\(inUse) bytes counted")
}

@Test func gradWorksWithinTheKeptHistoryAndSaysSoBeyondIt() throws {
    let script = Script()
    // Within the kept history: d/dk sum(conv(x, k) + 1 + 1 ...) = sum of x's windows.
    try script.run(updates("x = ones(3, 3)\nk = ones(2, 2)\na = conv(x, k)", "a = a + 1", Provenance.historyKept - 10))
    let g = try script.tensor("loss = sum(a)\ng = grad(loss, k)")
    #expect(g.scalars == [4, 4, 4, 4])
    // k lies further back than anything kept: a clear error, not "does not depend on k".
    try script.run(updates("b = conv(x, k)", "b = b + 1", 3 * Provenance.historyKept))
    let diagnostic = script.error("loss2 = sum(b)\ng2 = grad(loss2, k)")
    #expect(diagnostic?.message.contains("in the last 1,000 steps of its history") == true, "\(String(describing: diagnostic))")
    #expect(diagnostic?.hint?.contains("docs/LIMITS.md") == true)
}

@Test func droppedHistoryLeavesAMarkerNamingWhatMadeTheValue() throws {
    let script = Script()
    try script.run(updates("a = ones(2, 2)", "a = a * 1", 2 * Provenance.historyKept + 1))
    var node = script.interpreter.environment["a"]?.provenance
    var last: Provenance?
    while let current = node {
        last = current
        node = current.step?.operands.first?.provenance
    }
    #expect(last?.isDroppedHistory == true)
    #expect(last?.expression == "a * 1")
}
