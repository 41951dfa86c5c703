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

/// A vector-matrix product (the dense layer on one example) has the bits of its rule written out: each column
/// of a group of 32 sums its even rows and its odd rows in order, then adds the two; the columns after the
/// last group sum every row in order (each product joining its sum in a fused multiply-add).
@Test(arguments: [(1001, 100), (12544, 128), (5, 70), (1000, 40), (2, 33)])
func aRowTimesAMatrixAddsInTheOrderOfItsRule(k: Int, n: Int) {
    var random = RandomGenerator(seed: UInt64(k * 7 + n))
    let a = (0..<k).map { _ in random.nextDouble() * 2 - 1 }
    let b = (0..<(k * n)).map { _ in random.nextDouble() * 2 - 1 }
    let start = (0..<n).map { _ in random.nextDouble() }
    let grouped = n / 32 * 32
    func rule(_ j: Int) -> Double {
        guard j < grouped else { return (0..<k).reduce(0.0) { $0.addingProduct(a[$1], b[$1 * n + j]) } }
        var even = 0.0, odd = 0.0
        for p in stride(from: 0, to: k, by: 2) { even.addProduct(a[p], b[p * n + j]) }
        for p in stride(from: 1, to: k, by: 2) { odd.addProduct(a[p], b[p * n + j]) }
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
