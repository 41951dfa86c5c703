// The trace of one convolution cell: every term, padding taps flagged, and a sum equal to the output.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func traceOfAnInteriorCellListsEveryProduct() throws {
    let input = try Tensor(rows: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]])
    let kernel = try Tensor(rows: [[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    let conv = try Convolution()
    let trace = try conv.trace(input: input, kernel: kernel, at: [1, 0])
    #expect(trace.terms.count == 9)
    #expect(trace.terms.allSatisfy { !$0.isPadding })
    #expect(trace.rowRange == 1...3)
    #expect(trace.columnRange == 0...2)
    let first = try #require(trace.terms.first)
    #expect(first.inputRow == 1 && first.inputColumn == 0 && first.kernelRow == 0 && first.kernelColumn == 0)
    #expect(first.inputValue == 5 && first.weight == 1 && first.product == 5)
    #expect(trace.terms.map(\.product).reduce(0, +) == trace.productSum)
    let output = try conv.apply(input, kernel: kernel)
    #expect(output.value(at: [1, 0]) == trace.value)
    #expect(trace.value == -8)
    #expect(trace.bias == nil)
}

@Test func traceFlagsPaddingTapsWithSamePadding() throws {
    var random = SplitMix64(state: 5)
    let input = try random.tensor([5, 6])
    let kernel = try random.tensor([3, 3])
    let conv = try Convolution(padding: .same)
    let corner = try conv.trace(input: input, kernel: kernel, bias: Tensor(scalar: 0.25), at: [0, 0])
    // The top-left cell's window starts one row and column into the padding: 5 of 9 taps are padding.
    #expect(corner.rowRange == -1...1)
    #expect(corner.columnRange == -1...1)
    #expect(corner.terms.filter(\.isPadding).count == 5)
    #expect(corner.terms.filter(\.isPadding).allSatisfy { $0.inputValue == 0 && $0.product == 0 })
    #expect(corner.inputTerms.count == 4)
    #expect(corner.bias == 0.25)
    let reference = try conv.applyReference(input, kernel: kernel, bias: Tensor(scalar: 0.25))
    #expect(reference.value(at: [0, 0]) == corner.value)
}

@Test func traceSumEqualsTheReferenceOutputForEveryCellOfABank() throws {
    var random = SplitMix64(state: 8)
    let input = try random.tensor([6, 5, 3])
    let kernel = try random.tensor([3, 2, 3, 4])
    let bias = try random.tensor([4])
    let conv = try Convolution(stride: Pair(2, 1), padding: .same, dilation: Pair(1, 2))
    let reference = try conv.applyReference(input, kernel: kernel, bias: bias)
    let fast = try conv.apply(input, kernel: kernel, bias: bias)
    for oy in 0..<reference.shape[0] {
        for ox in 0..<reference.shape[1] {
            for f in 0..<reference.shape[2] {
                let trace = try conv.trace(input: input, kernel: kernel, bias: bias, at: [oy, ox, f])
                #expect(trace.terms.count == 3 * 2 * 3)
                #expect(reference.value(at: [oy, ox, f]) == trace.value)
                #expect(abs((fast.value(at: [oy, ox, f]) ?? .nan) - trace.value) <= 1e-12)
                #expect(trace.filter == f)
            }
        }
    }
}

@Test func traceRejectsIndicesOutsideTheOutput() throws {
    let input = try Tensor(shape: [10, 10], repeating: 1)
    let kernel = try Tensor(shape: [3, 3], repeating: 1)
    let conv = try Convolution()
    #expect(throws: CoreError("conv trace: row 8 is outside the 8x8 output", hint: "rows run from 0 to 7")) {
        try conv.trace(input: input, kernel: kernel, at: [8, 0])
    }
    #expect(throws: CoreError.self) { try conv.trace(input: input, kernel: kernel, at: [0, -1]) }
    #expect(throws: CoreError.self) { try conv.trace(input: input, kernel: kernel, at: [0, 0, 0]) }
    let bank = try Tensor(shape: [3, 3, 1, 2], repeating: 1)
    #expect(throws: CoreError.self) { try conv.trace(input: input, kernel: bank, at: [0, 0, 2]) }
    #expect(throws: CoreError.self) { try conv.trace(input: input, kernel: bank, at: [0, 0]) }
}
