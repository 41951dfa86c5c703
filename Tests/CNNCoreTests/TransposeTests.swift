// Tests of transpose: NumPy fixtures for reversed axes and explicit permutations, and permutation errors.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func transposeMatchesNumPy() throws {
    let cases = TensorOpsFixtures.cases("transpose")
    #expect(cases.count >= 10)
    for testCase in cases {
        let a = try testCase.array("a")
        let perm = try #require(testCase.params["perm"])
        let result: Tensor
        if perm == "reverse" {
            result = a.transposed()
        } else {
            result = try a.transposed(perm.split(separator: ",").compactMap { Int($0) })
        }
        TensorOpsFixtures.expectClose(result, try testCase.array("expected"), testCase)
    }
}

@Test func transposeOfAMatrixSwapsRowsAndColumns() throws {
    let m = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
    #expect(try m.transposed() == Tensor(rows: [[1, 4], [2, 5], [3, 6]]))
    #expect(m.transposed().transposed() == m)
    let v = try Tensor(vector: [1, 2])
    #expect(v.transposed() == v)
}

@Test func transposePermutationErrors() throws {
    let t = try Tensor(shape: [2, 3, 4], repeating: 1)
    #expect(throws: CoreError(
        "transpose: the permutation (1, 0) has 2 entries, but a 2x3x4 tensor has 3 axes",
        hint: "list every axis once, e.g. (2, 1, 0)")) {
        try t.transposed([1, 0])
    }
    #expect(throws: CoreError(
        "transpose: axis 1 appears twice in (1, 1, 0); a permutation lists every axis exactly once")) {
        try t.transposed([1, 1, 0])
    }
    #expect(throws: CoreError("transpose: axis 2 appears twice in (2, -1, 0); a permutation lists every axis exactly once")) {
        try t.transposed([2, -1, 0])
    }
    #expect(throws: CoreError(
        "transpose: axis 3 in (3, 1, 0) does not exist in a 2x3x4 tensor, whose axes are 0 to 2")) {
        try t.transposed([3, 1, 0])
    }
    #expect(throws: CoreError.self) { try t.transposed([Int.min, 1, 0]) }
    #expect(throws: CoreError.self) { try t.transposed([Int.max, 1, 0]) }
    #expect(throws: CoreError.self) { try t.transposed([]) }
}

@Test func aMatrixTransposeInTilesEqualsTheGeneralPermutation() throws {
    // Matrices transpose in 8 x 8 tiles; sizes off the tile edges must come out as the general reordering.
    for (rows, columns) in [(1, 1), (1, 9), (13, 21), (8, 8), (64, 576), (17, 3)] {
        let m = try Tensor(shape: [rows, columns], scalars: (0..<(rows * columns)).map { Double($0) * 0.5 - 3 })
        #expect(m.transposed() == (try m.transposed([1, 0])), "\(rows) x \(columns)")
        #expect(m.transposed().transposed() == m)
    }
}
