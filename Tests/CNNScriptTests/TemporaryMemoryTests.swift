// TemporaryMemoryTests: the values a statement makes on the way count against the memory limit before
// they are allocated (issue 13). Before, `b = a+a+a+a+a+a+a+a` made seven temporaries of a's size and
// only the store of b was refused, after memory had grown far past the limit; now the addition that would
// go past it is refused, at its own position.
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

/// A session with a 20 MB limit holding an 8 MB variable `a` (12 MB left: one temporary of a's size fits).
private func sessionWithA() throws -> Script {
    let script = Script()
    try script.run("limits memory 20 MB\na = rand(1000, 1000)")
    return script
}

@Test(arguments: [
    ("b = a+a+a+a+a+a+a+a", "+", 5, 10),
    ("b = relu(relu(relu(a)))", "relu", 10, 23),
    ("b = sigmoid(tanh(a))", "sigmoid", 5, 21),
    ("b = a*2+1", "+", 5, 10),
    ("b = -(-(-a))", "-", 6, 13),
    ("b = (a + 1) * 3 - 2", "*", 5, 16),
    // conv copies its input first: that copy is the second 8 MB.
    ("b = conv(conv(a, ones(1, 1)), ones(1, 1))", "conv input", 5, 42),
])
func aTemporaryPastTheLimitIsRefusedBeforeItIsMade(_ source: String, _ operation: String, _ from: Int, _ to: Int) throws {
    let script = try sessionWithA()
    let diagnostic = script.error(source)
    #expect(diagnostic?.message.hasPrefix("\(operation): a 1000x1000 tensor needs 8 MB, but only ") == true,
            "\(String(describing: diagnostic))")
    #expect(diagnostic?.message.hasSuffix(" of the session's 20 MB memory limit is left") == true)
    #expect(diagnostic?.hint?.contains("8 MB of values this statement has made so far") == true)
    #expect(diagnostic?.range.start.column == from && diagnostic?.range.end.column == to, "\(String(describing: diagnostic?.range))")
    #expect(script.interpreter.environment["b"] == nil)
    #expect(script.interpreter.environment.memoryInUse == 8_000_000)
}

@Test func temporariesThatAreFreedDoNotCount() throws {
    // A ledger credits what is freed: a thousand 1 MB tensors made and dropped one after the other fit an
    // allowance of 3 MB; three kept at once do not.
    let ledger = MemoryLedger(allowance: 3_000_000)
    try Limits.$current.withValue(ResourceLimits(maxElements: 1_000_000, maxMemoryBytes: 3_000_000)) {
        try Limits.$ledger.withValue(ledger) {
            for _ in 0..<1_000 { _ = try Tensor(shape: [125_000], repeating: 1) }
            #expect(ledger.bytes == 0)
            let kept = [try Tensor(shape: [125_000], repeating: 1), try Tensor(shape: [125_000], repeating: 2)]
            #expect(ledger.bytes == 2_000_000)
            #expect(throws: CoreError.self) { _ = try Tensor(shape: [250_000], repeating: 3) }
            let reshaped = try kept[0].reshaped([500, 250])  // shares the values: no new charge
            #expect(ledger.bytes == 2_000_000 && reshaped.count == 125_000)
        }
    }
    #expect(ledger.bytes == 0)
}

@Test func trainingWithinASmallLimitIsNotRefusedForWhatItFreed() throws {
    // Training makes and frees many tensors in one statement; only what it holds at once counts.
    let script = Script(seed: 1)
    try script.run("""
        limits memory 10 MB
        data = dataset("digits")
        model tiny 8x8x1
          conv 4 3x3 same relu
          flatten
          dense 10 softmax
        end
        train tiny data epochs=3 batch=32
        """)
    #expect(script.interpreter.environment["history"] != nil)
}
