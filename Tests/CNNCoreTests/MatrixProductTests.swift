// Tests of the matrix product `@`: NumPy fixtures for every rank combination, fast vs plain loop, errors.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func matrixProductMatchesNumPy() throws {
    let cases = TensorOpsFixtures.cases("matmul")
    #expect(cases.count >= 8)
    for testCase in cases {
        let a = try testCase.array("a"), b = try testCase.array("b")
        let expected = try testCase.array("expected")
        for method in [MatrixProductMethod.fast, .plainLoop] {
            TensorOpsFixtures.expectClose(try a.matrixProduct(b, method: method), expected, tolerance: 1e-12, testCase)
        }
    }
}

@Test func matrixProductShapesFollowNumPy() throws {
    let v = try Tensor(vector: [1, 2, 3])
    let m = try Tensor(rows: [[1, 0], [0, 1], [1, 1]])
    #expect(try v.matrixProduct(v) == Tensor(vector: [14]))
    #expect(try v.matrixProduct(m) == Tensor(vector: [4, 5]))
    #expect(try m.transposed().matrixProduct(v) == Tensor(vector: [4, 5]))
    #expect(try m.transposed().matrixProduct(m) == Tensor(rows: [[2, 1], [1, 2]]))
}

@Test func fastMatrixProductAgreesWithThePlainLoop() throws {
    var seed: UInt64 = 12345
    func next() -> Double {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        return Double(seed >> 11) / Double(1 << 53) * 2 - 1
    }
    for (rows, inner, cols) in [(1, 1, 1), (2, 3, 4), (5, 1, 7), (16, 16, 16), (17, 33, 9), (64, 65, 31)] {
        let a = try Tensor(shape: [rows, inner], scalars: (0..<(rows * inner)).map { _ in next() })
        let b = try Tensor(shape: [inner, cols], scalars: (0..<(inner * cols)).map { _ in next() })
        let fast = try a.matrixProduct(b, method: .fast)
        let plain = try a.matrixProduct(b, method: .plainLoop)
        #expect(fast.shape == [rows, cols])
        for (x, y) in zip(fast.scalars, plain.scalars) {
            #expect(abs(x - y) <= 1e-12 * Swift.max(1, abs(y)))
        }
    }
}

@Test func matrixProductInnerSizeMismatchSuggestsTheElementwiseProduct() throws {
    let a = try Tensor(shape: [2, 3], repeating: 1)
    let b = try Tensor(shape: [4, 2], repeating: 1)
    #expect(throws: CoreError(
        "@: 2x3 @ 4x2 needs the inner sizes to agree, but they are 3 and 4",
        hint: "the columns of the left must equal the rows of the right; for the element-wise product use *")) {
        try a.matrixProduct(b)
    }
    let v = try Tensor(vector: [1, 2])
    #expect(throws: CoreError.self) { try v.matrixProduct(try Tensor(vector: [1, 2, 3])) }
    #expect(throws: CoreError.self) { try a.matrixProduct(v) }
    #expect(throws: CoreError.self) { try v.matrixProduct(a.transposed()) }
}

@Test func matrixProductRefusesHigherRanksAndHugeResults() throws {
    let cube = try Tensor(shape: [2, 2, 2], repeating: 1)
    let m = try Tensor(shape: [2, 2], repeating: 1)
    #expect(throws: CoreError(
        "@: the matrix product works on vectors and matrices, not on a 2x2x2 tensor",
        hint: "for the element-wise product use *; to multiply maps by a matrix, reshape them first")) {
        try cube.matrixProduct(m)
    }
    #expect(throws: CoreError.self) { try m.matrixProduct(cube) }
    let column = try Tensor(shape: [20_000, 1], repeating: 1)
    let row = try Tensor(shape: [1, 20_000], repeating: 1)
    #expect(throws: CoreError.self) { try column.matrixProduct(row) }
}
