// Tests of MatrixMultiplyRows: a product cut into bands of rows gives the bits of the uncut product, on any
// number of threads, and the plain triple loop's values to rounding.
import Testing
@testable import CNNCore

/// A product's operands with values that make every rounding count (not small integers).
private func operands(m: Int, n: Int, k: Int, seed: UInt64) -> (a: Tensor, b: Tensor) {
    var random = RandomGenerator(seed: seed)
    let a = (0..<(m * k)).map { _ in random.nextDouble() * 2 - 1 }
    let b = (0..<(k * n)).map { _ in random.nextDouble() * 2 - 1 }
    return (Tensor(unchecked: [m, k], scalars: a), Tensor(unchecked: [k, n], scalars: b))
}

@Test(arguments: [(32, 64, 576), (32, 576, 64), (576, 64, 32), (17, 40, 100), (3, 300, 300), (2, 700, 90)])
func aProductInRowBandsHasTheBitsOfTheWholeProduct(m: Int, n: Int, k: Int) throws {
    let (a, b) = operands(m: m, n: n, k: k, seed: UInt64(m * 1000 + n))
    let whole = try a.matrixProduct(b)
    let plain = try a.matrixProduct(b, method: .plainLoop)
    let saved = Parallel.threads
    defer { Parallel.threads = saved }
    for threads in [1, 2, 3] {
        Parallel.threads = threads
        let banded = try a.matrixProductInRowBands(b)
        #expect(banded == whole, "\(m)x\(k) * \(k)x\(n) on \(threads) threads")
    }
    for (x, y) in zip(whole.scalars, plain.scalars) { #expect(abs(x - y) <= 1e-12 * Double(k)) }
}

@Test func rowBandsCoverTheRowsOnceAndStayOffThinRows() {
    for m in [1, 2, 3, 8, 15, 16, 31, 32, 33, 100, 1000] {
        let bands = MatrixMultiply.rowBands(m: m, n: 512, k: 512)
        #expect(bands.first?.lowerBound == 0 && bands.last?.upperBound == m, "m = \(m)")
        #expect(zip(bands, bands.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "m = \(m)")
        #expect(bands.count == 1 || bands.allSatisfy { $0.count >= MatrixMultiply.bandRows }, "m = \(m): \(bands)")
    }
    #expect(MatrixMultiply.rowBands(m: 64, n: 10, k: 16).count == 1, "a small product stays on the calling thread")
}

@Test func aDenseLayersBatchProductIsCutIntoBands() throws {
    // The Fashion CNN's first dense layer on a batch of 32: 32 x 576 by 576 x 64.
    #expect(MatrixMultiply.rowBands(m: 32, n: 64, k: 576).count == 4)
    let (x, w) = operands(m: 32, n: 64, k: 576, seed: 7)
    let dense = try Dense(weights: w, bias: nil)
    #expect(try dense.apply(x) == (try x.matrixProduct(w)))
}

/// A vector-matrix product (the dense layer on one example) has the bits of its rule written out: each column
/// of a group of 32 sums its even rows and its odd rows in order, then adds the two; the columns after the
/// last group sum every row in order.
@Test(arguments: [(1001, 100), (12544, 128), (5, 70), (1000, 40), (2, 33)])
func aRowTimesAMatrixAddsInTheOrderOfItsRule(k: Int, n: Int) {
    var random = RandomGenerator(seed: UInt64(k * 7 + n))
    let a = (0..<k).map { _ in random.nextDouble() * 2 - 1 }
    let b = (0..<(k * n)).map { _ in random.nextDouble() * 2 - 1 }
    let start = (0..<n).map { _ in random.nextDouble() }
    let grouped = n / 32 * 32
    func rule(_ j: Int) -> Double {
        guard j < grouped else { return (0..<k).reduce(0.0) { $0 + a[$1] * b[$1 * n + j] } }
        var even = 0.0, odd = 0.0
        for p in stride(from: 0, to: k, by: 2) { even += a[p] * b[p * n + j] }
        for p in stride(from: 1, to: k, by: 2) { odd += a[p] * b[p * n + j] }
        return even + odd
    }
    for accumulate in [false, true] {
        var c = start
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    MatrixMultiply.rowTimesMatrix(n: n, k: k, a: pa.baseAddress!, b: pb.baseAddress!, ldb: n,
                                                  c: pc.baseAddress!, accumulate: accumulate)
                }
            }
        }
        let expected = (0..<n).map { accumulate ? start[$0] + rule($0) : rule($0) }
        let wrong = (0..<n).filter { c[$0].bitPattern != expected[$0].bitPattern }
        #expect(wrong.isEmpty, "k \(k), n \(n), accumulate \(accumulate): columns \(wrong.prefix(5))")
    }
}
