// Tests of depth-wise max pooling across channels: agreement with NumPy, traces and errors.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func depthwisePoolingMatchesNumPyReference() throws {
    let cases = OpsFixtures.cases("depthwise")
    #expect(cases.count >= 4, "Fixtures/ops/index.txt should list the depth-wise cases")
    for fixture in cases {
        let size = try #require(Int(fixture.params["size"] ?? ""), "\(fixture)")
        let output = try DepthwisePooling(size: size).apply(try fixture.array("input"))
        #expect(OpsFixtures.close(output, try fixture.array("expected")), "case \(fixture)")
    }
}

@Test func depthwisePoolingKeepsTheMapsAndShrinksTheDepth() throws {
    // One cell with six channels, pooled in groups of three.
    let input = try Tensor(shape: [1, 1, 6], scalars: [1, 7, 3, -2, -5, -1])
    let pooling = DepthwisePooling(size: 3)
    let output = try pooling.apply(input)
    #expect(output.shape == [1, 1, 2])
    #expect(output.scalars == [7, -1])
    #expect(try pooling.outputShape(inputShape: [28, 28, 12]) == [28, 28, 4])
}

@Test func depthwiseTraceListsTheGroupsChannels() throws {
    let input = try OpsFixtures.random([2, 3, 6], seed: 5)
    let pooling = DepthwisePooling(size: 2)
    let output = try pooling.apply(input)
    for oy in 0..<2 {
        for ox in 0..<3 {
            for group in 0..<3 {
                let trace = try pooling.trace(input: input, at: [oy, ox, group])
                #expect(trace.kind == .max)
                #expect(trace.windowShape == [2])
                #expect(trace.cells.map(\.channel) == [group * 2, group * 2 + 1])
                #expect(trace.cells.allSatisfy { $0.row == oy && $0.column == ox })
                let winner = try #require(trace.winner)
                #expect(trace.cells[winner].value == trace.cells.map(\.value).max())
                #expect(trace.value == output.value(at: [oy, ox, group]))
            }
        }
    }
}

@Test func depthwisePoolingErrors() throws {
    let input = try Tensor(shape: [2, 2, 5], repeating: 1)
    let indivisible = coreError { try DepthwisePooling(size: 2).apply(input) }
    #expect(indivisible?.message == "depthwise maxpool: 5 channels cannot be split into groups of 2")
    #expect(indivisible?.hint == "as in TensorFlow, the channel count must be a multiple of the pool size; use one of 1, 5")
    let tooMany = coreError { try DepthwisePooling(size: 6).apply(input) }
    #expect(tooMany?.message == "depthwise maxpool: a pool of 6 channels does not fit an input with 5 channels")
    #expect(coreError { try DepthwisePooling(size: 0).apply(input) }?.message
        == "depthwise maxpool: the pool size must be at least 1 channel, not 0")
    #expect(coreError { try DepthwisePooling(size: -3).apply(input) } != nil)
    let map = try Tensor(shape: [4, 4], repeating: 1)
    let rank = coreError { try DepthwisePooling(size: 1).apply(map) }
    #expect(rank?.message == "depthwise maxpool: expects an H x W x C stack of maps, not a 4x4 tensor")
    #expect(coreError { try DepthwisePooling(size: 5).trace(input: input, at: [0, 0, 1]) } != nil)
    #expect(coreError { try DepthwisePooling(size: 5).trace(input: input, at: [2, 0, 0]) } != nil)
    #expect(DepthwisePooling.divisors(of: 12) == "1, 2, 3, 4, 6, 12")
    #expect(DepthwisePooling.divisors(of: 1) == "1")
    #expect(DepthwisePooling.divisors(of: 49) == "1, 7, 49")
}
