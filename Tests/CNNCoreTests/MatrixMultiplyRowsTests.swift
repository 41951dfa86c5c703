// Tests of MatrixMultiplyRows: a product cut into bands of rows or columns gives the bits of the uncut product,
// on any number of threads, and the plain triple loop's values to rounding.
import Testing
@testable import CNNCore

/// A product's operands with values that make every rounding count (not small integers).
private func operands(m: Int, n: Int, k: Int, seed: UInt64) -> (a: Tensor, b: Tensor) {
    var random = RandomGenerator(seed: seed)
    let a = (0..<(m * k)).map { _ in random.nextDouble() * 2 - 1 }
    let b = (0..<(k * n)).map { _ in random.nextDouble() * 2 - 1 }
    return (Tensor(unchecked: [m, k], scalars: a), Tensor(unchecked: [k, n], scalars: b))
}

@Test(arguments: [(32, 64, 576), (32, 576, 64), (576, 64, 32), (17, 40, 100), (3, 300, 300), (2, 700, 90), (64, 130, 1000)])
func aProductInBandsHasTheBitsOfTheWholeProduct(m: Int, n: Int, k: Int) throws {
    let (a, b) = operands(m: m, n: n, k: k, seed: UInt64(m * 1000 + n))
    let whole = try a.matrixProduct(b)
    let plain = try a.matrixProduct(b, method: .plainLoop)
    let saved = Parallel.threads
    defer { Parallel.threads = saved }
    for threads in [1, 2, 3] {
        Parallel.threads = threads
        let banded = try a.matrixProductInBands(b)
        #expect(banded == whole, "\(m)x\(k) * \(k)x\(n) on \(threads) threads")
    }
    for (x, y) in zip(whole.scalars, plain.scalars) { #expect(abs(x - y) <= 1e-12 * Double(k)) }
}

@Test func bandsCoverTheProductOnceAndStayOffThinRows() {
    for m in [1, 2, 3, 8, 15, 16, 31, 32, 33, 100, 1000] {
        for n in [512, 7, 70] {
            for threads in [1, 2, 3] {
                let cut = MatrixMultiply.bands(m: m, n: n, k: 512, threads: threads)
                let (bands, size) = switch cut {
                case .rows(let rows): (rows, m)
                case .columns(let columns): (columns, n)
                }
                let name = "m = \(m), n = \(n), \(threads) threads: \(cut)"
                #expect(bands.first?.lowerBound == 0 && bands.last?.upperBound == size, "\(name)")
                #expect(zip(bands, bands.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "\(name)")
                #expect(bands.allSatisfy { !$0.isEmpty }, "\(name)")
                if case .rows(let rows) = cut {
                    #expect(rows.count == 1 || rows.allSatisfy { $0.count >= MatrixMultiply.bandRows }, "\(name)")
                } else {
                    #expect(m > MatrixMultiply.thinRows && n > m, "\(name)")
                    #expect(bands.dropLast().allSatisfy { $0.count % MatrixMultiply.nr == 0 }, "\(name): whole panels")
                }
                if threads == 1 { #expect(cut.count == 1, "\(name): one thread, one band") }
            }
        }
    }
    #expect(MatrixMultiply.bands(m: 64, n: 10, k: 16, threads: 2).count == 1, "a small product stays on the calling thread")
}

@Test func aBatchsDenseLayerIsCutAlongItsLargerOperand() throws {
    // The MNIST model's first dense layer on a batch of 64: the weights are the larger operand.
    #expect(MatrixMultiply.bands(m: 64, n: 128, k: 12544, threads: 2) == .columns([0..<32, 32..<64, 64..<96, 96..<128]))
    // Its weight gradient x^T . g: x^T is the larger operand.
    #expect(MatrixMultiply.bands(m: 12544, n: 128, k: 64, threads: 2).count == 4)
    if case .columns = MatrixMultiply.bands(m: 12544, n: 128, k: 64, threads: 2) { Issue.record("x^T . g should be cut into rows") }
}

/// A vector-matrix product (the dense layer on one example) has the bits of its rule written out, the blocked
/// product's: k cut into equal blocks no deeper than kc, each column summing each block's products in order
/// (each product joining the sum in a fused multiply-add), then the blocks' sums added to C one after another.
@Test(arguments: [(1001, 100), (12544, 128), (5, 70), (1000, 40), (2, 33)])
func aRowTimesAMatrixAddsInTheOrderOfItsRule(k: Int, n: Int) {
    var random = RandomGenerator(seed: UInt64(k * 7 + n))
    let a = (0..<k).map { _ in random.nextDouble() * 2 - 1 }
    let b = (0..<(k * n)).map { _ in random.nextDouble() * 2 - 1 }
    let start = (0..<n).map { _ in random.nextDouble() }
    let depth = MatrixMultiply.blockDepth(k)
    #expect(depth <= MatrixMultiply.kc && (k + depth - 1) / depth == (k + MatrixMultiply.kc - 1) / MatrixMultiply.kc)
    func rule(_ j: Int, from c: Double?) -> Double {
        var total = c
        for first in stride(from: 0, to: k, by: depth) {
            var sum = 0.0
            for p in first..<min(first + depth, k) { sum.addProduct(a[p], b[p * n + j]) }
            total = total.map { $0 + sum } ?? sum
        }
        return total ?? 0
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
        let expected = (0..<n).map { rule($0, from: accumulate ? start[$0] : nil) }
        let wrong = (0..<n).filter { c[$0].bitPattern != expected[$0].bitPattern }
        #expect(wrong.isEmpty, "k \(k), n \(n), accumulate \(accumulate): columns \(wrong.prefix(5))")
    }
}

@Test(arguments: [(100, 300), (128, 800), (7, 385), (41, 12544)])
func aRowAloneHasItsBitsInTheWholeProduct(n: Int, k: Int) throws {
    // One or two rows take the unpacked row kernel, more the blocked product: each element adds its products
    // in the same order on both (k's blocks, then their sums in order), so `predict` on one picture equals
    // that picture inside a batch. Also with C added to (the backward passes accumulate).
    let (a, b) = operands(m: 5, n: n, k: k, seed: UInt64(n * 7 + k))
    let whole = try a.matrixProduct(b)
    for (first, count) in [(0, 1), (3, 2), (4, 1)] {
        let rows = Tensor(unchecked: [count, k], scalars: Array(a.scalars[(first * k)..<((first + count) * k)]))
        let part = try rows.matrixProduct(b)
        #expect(part.scalars == Array(whole.scalars[(first * n)..<((first + count) * n)]), "rows \(first)..<\(first + count), n = \(n), k = \(k)")
    }
    let start = (0..<(5 * n)).map { Double($0 % 7) - 3.5 }
    /// C's first `m` rows from `start`, plus A's first `m` rows times B.
    func accumulated(rows m: Int) -> [Double] {
        var c = Array(start[0..<(m * n)])
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    MatrixMultiply.multiplyUnchecked(m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n,
                                                     c: pc.baseAddress!, ldc: n, accumulate: true)
                }
            }
        }
        return c
    }
    #expect(accumulated(rows: 1) == Array(accumulated(rows: 5)[0..<n]), "accumulating, n = \(n), k = \(k)")
}
