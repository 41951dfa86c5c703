// Tests of stack (the notes' `join`) and concatenate along channels: NumPy fixtures and every error path.
import Testing
@testable import CNNCore
import CNNTestSupport

/// The list of input tensors of a stack/concatenate fixture.
private func inputs(_ testCase: TensorOpsCase) throws -> [Tensor] {
    let count = try #require(testCase.int("n"), "\(testCase.name)")
    return try (0..<count).map { try testCase.array("in\($0)") }
}

@Test func stackMatchesNumPy() throws {
    let cases = TensorOpsFixtures.cases("stack")
    #expect(cases.count >= 5)
    for testCase in cases {
        TensorOpsFixtures.expectClose(try Tensor.stack(try inputs(testCase)), try testCase.array("expected"), testCase)
    }
}

@Test func concatenateMatchesNumPy() throws {
    let cases = TensorOpsFixtures.cases("concatenate")
    #expect(cases.count >= 3)
    for testCase in cases {
        TensorOpsFixtures.expectClose(
            try Tensor.concatenate(try inputs(testCase)), try testCase.array("expected"), testCase)
    }
}

@Test func stackingFiveMapsGivesTheirDepth() throws {
    let maps = try (0..<5).map { try Tensor(shape: [28, 28], repeating: Double($0)) }
    let joined = try Tensor.stack(maps)
    #expect(joined.shape == [28, 28, 5])
    #expect(try joined.sliced([.all, .all, .index(3)]) == maps[3])
}

@Test func stackErrorsNameTheFirstOffender() throws {
    let a = try Tensor(shape: [3, 3], repeating: 1)
    let b = try Tensor(shape: [4, 4], repeating: 1)
    #expect(throws: CoreError(
        "stack: the 3rd tensor is 4x4, but the 1st is 3x3; every tensor must have the same shape",
        hint: "resize, pad or slice the maps to one size first")) {
        try Tensor.stack([a, a, b, b])
    }
    #expect(throws: CoreError("stack: there is nothing to stack", hint: "give at least one tensor, e.g. stack(a, b, c)")) {
        try Tensor.stack([])
    }
    let bank = try Tensor(shape: [2, 2, 2, 2], repeating: 1)
    #expect(throws: CoreError(
        "stack: stacking 2x2x2x2 tensors would give 5 dimensions, but a tensor has at most 4",
        hint: "to join H x W x C tensors along their channels, use concatenate")) {
        try Tensor.stack([bank])
    }
    let big = try Tensor(shape: [10_000, 10_000], repeating: 0)
    #expect(throws: CoreError.self) { try Tensor.stack([big, big]) }
}

@Test func concatenateErrors() throws {
    let a = try Tensor(shape: [3, 3, 2], repeating: 1)
    let b = try Tensor(shape: [3, 4, 1], repeating: 1)
    #expect(throws: CoreError(
        "concatenate: the 2nd tensor is 3x4x1, but the 1st is 3x3x2; heights and widths must match",
        hint: "only the channel counts may differ")) {
        try Tensor.concatenate([a, b])
    }
    let map = try Tensor(shape: [3, 3], repeating: 1)
    #expect(throws: CoreError(
        "concatenate: the 3rd tensor is 3x3, but concatenate joins H x W x C tensors along channels",
        hint: "to turn H x W maps into H x W x N, use stack")) {
        try Tensor.concatenate([a, a, map])
    }
    #expect(throws: CoreError.self) { try Tensor.concatenate([]) }
    #expect(throws: CoreError.self) { try Tensor.concatenate([try Tensor(vector: [1])]) }
    let half = try Tensor(shape: [100, 100, 5_000], repeating: 0)
    #expect(throws: CoreError.self) { try Tensor.concatenate([half, half, half]) }
}

@Test func ordinalsReadNaturally() {
    #expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(Tensor.ordinal)
        == ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"])
}
