// Tests of pad: NumPy fixtures for vectors, maps and H x W x C tensors, and every error path.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func padMatchesNumPy() throws {
    let cases = TensorOpsFixtures.cases("pad")
    #expect(cases.count >= 8)
    for testCase in cases {
        let amounts = PaddingAmounts(
            top: try #require(testCase.int("top")), bottom: try #require(testCase.int("bottom")),
            left: try #require(testCase.int("left")), right: try #require(testCase.int("right")))
        let value = try #require(testCase.double("value"))
        let result = try (try testCase.array("a")).padded(amounts, value: value)
        TensorOpsFixtures.expectClose(result, try testCase.array("expected"), testCase)
    }
}

@Test func padByOneKeepsAValidConvolutionTheSameSize() throws {
    let image = try Tensor(shape: [10, 10], repeating: 1)
    let padded = try image.padded(PaddingAmounts(top: 1, bottom: 1, left: 1, right: 1))
    #expect(padded.shape == [12, 12])
    #expect(padded.value(at: [0, 0]) == 0)
    #expect(padded.value(at: [1, 1]) == 1)
    #expect(padded.sum() == 100)
}

@Test func padErrors() throws {
    let map = try Tensor(shape: [3, 3], repeating: 1)
    #expect(throws: CoreError(
        "pad: the left padding is -1, but padding must be zero or more",
        hint: "to cut rows or columns off, use slicing, e.g. x[1:-1, 1:-1]")) {
        try map.padded(PaddingAmounts(top: 0, bottom: 0, left: -1, right: 0))
    }
    #expect(throws: CoreError.self) { try map.padded(PaddingAmounts(top: Int.min, bottom: 0, left: 0, right: 0)) }
    let vector = try Tensor(vector: [1, 2])
    #expect(throws: CoreError(
        "pad: a vector of 2 has no rows to pad above or below", hint: "pad a vector with left and right amounts only")) {
        try vector.padded(PaddingAmounts(top: 1, bottom: 0, left: 0, right: 0))
    }
    let bank = try Tensor(shape: [3, 3, 1, 2], repeating: 1)
    #expect(throws: CoreError.self) { try bank.padded(.zero) }
    // Sizes that overflow Int or exceed the element limit are refused before allocating.
    for huge in [Int.max, Int.max / 2, 100_000_000] {
        #expect(throws: CoreError.self) { try map.padded(PaddingAmounts(top: huge, bottom: huge, left: 0, right: 0)) }
        #expect(throws: CoreError.self) { try vector.padded(PaddingAmounts(top: 0, bottom: 0, left: huge, right: huge)) }
    }
    #expect(throws: CoreError.self) { try map.padded(PaddingAmounts(top: 10_000, bottom: 0, left: 10_000, right: 0)) }
}
