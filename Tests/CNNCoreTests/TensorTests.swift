// Tests of the Tensor type: construction, limits, indexing.
import Testing
@testable import CNNCore

@Test func tensorRejectsMismatchedCount() {
    #expect(throws: CoreError.self) { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
}

@Test func tensorRejectsHugeAndEmptyShapes() {
    #expect(throws: CoreError.self) { try Tensor(shape: [100_000, 100_000], repeating: 0) }
    #expect(throws: CoreError.self) { try Tensor(shape: [Int.max, 3], repeating: 0) }
    #expect(throws: CoreError.self) { try Tensor(shape: [0, 3], repeating: 0) }
    #expect(throws: CoreError.self) { try Tensor(shape: [], repeating: 0) }
    #expect(throws: CoreError.self) { try Tensor(shape: [1, 1, 1, 1, 1], repeating: 0) }
}

@Test func tensorIndexesRowMajor() throws {
    let t = try Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
    #expect(t.value(at: [1, 0]) == 3)
    #expect(t.value(at: [0, 2]) == 2)
    #expect(t.value(at: [2, 0]) == nil)
    #expect(t.strides == [3, 1])
}

@Test func formatsCountsAndNumbers() {
    #expect(Format.count(1_625_866) == "1,625,866")
    #expect(Format.count(320) == "320")
    #expect(Format.number(8) == "8")
    #expect(Format.number(0.1 + 0.2) == "0.3")
    #expect(Format.number(-0.0) == "0")
    #expect(Format.formatFixed(2.345, decimals: 2) == "2.35")
    // As NumPy and printf: a negative value that rounds to zero keeps its sign; the exact binary value
    // is rounded (2.675 is 2.67499999... in binary), an exact tie to the even digit.
    #expect(Format.formatFixed(-0.001, decimals: 2) == "-0.00")
    #expect(Format.formatFixed(2.675, decimals: 2) == "2.67")
    #expect(Format.formatFixed(0.125, decimals: 2) == "0.12")
    #expect(Format.formatScientific(1e-300, decimals: 2) == "1.00e-300")
    #expect(Format.formatScientific(2.5, decimals: 2, exponentDigits: 3) == "2.50e+000")
}
