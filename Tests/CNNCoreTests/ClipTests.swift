// Tests of clip: NumPy fixtures (including nan and infinite values and bounds) and the bound errors.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func clipMatchesNumPy() throws {
    let cases = TensorOpsFixtures.cases("clip")
    #expect(cases.count >= 6)
    for testCase in cases {
        let low = try #require(testCase.double("low"), "\(testCase.name)")
        let high = try #require(testCase.double("high"), "\(testCase.name)")
        let result = try (try testCase.array("a")).clipped(low: low, high: high)
        TensorOpsFixtures.expectClose(result, try testCase.array("expected"), testCase)
    }
}

@Test func clipToAnEightBitImage() throws {
    let sharpened = try Tensor(rows: [[-40, 12], [300, 255.5]])
    #expect(try sharpened.clipped(low: 0, high: 255) == Tensor(rows: [[0, 12], [255, 255]]))
}

@Test func clipBoundErrors() throws {
    let t = try Tensor(vector: [1, 2, 3])
    #expect(throws: CoreError(
        "clip: the low bound 5 is above the high bound 1",
        hint: "write clip(x, low, high) with low <= high, e.g. clip(x, 0, 255)")) {
        try t.clipped(low: 5, high: 1)
    }
    #expect(throws: CoreError("clip: the bounds must be numbers, not nan (low nan, high 1)")) {
        try t.clipped(low: .nan, high: 1)
    }
    #expect(throws: CoreError.self) { try t.clipped(low: 0, high: .nan) }
    #expect(throws: CoreError.self) { try t.clipped(low: .infinity, high: -.infinity) }
}
