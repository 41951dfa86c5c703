// FixtureIndexTests: the fixture indexes name only operations that some test runs.
import Testing
import CNNTestSupport

/// Every operation named in the tensor index has a test that runs it.
@Test func tensorOpsFixtureIndexHasOnlyKnownOps() {
    let known: Set = ["arith", "arithnum", "negate", "matmul", "reduce", "clip", "pad", "transpose",
                      "slice", "assign", "stack", "concatenate"]
    #expect(TensorOpsFixtures.all.count > 300)
    for testCase in TensorOpsFixtures.all {
        #expect(known.contains(testCase.op), "\(testCase.name) has unknown op \(testCase.op)")
    }
}
