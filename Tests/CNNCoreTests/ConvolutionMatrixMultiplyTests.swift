// The blocked SIMD matrix multiply against a plain triple loop, on sizes that cross every block edge.
import Testing
@testable import CNNCore
import CNNTestSupport

private func plainProduct(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int) -> [Double] {
    var c = Array(repeating: 0.0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k { sum.addProduct(a[i * k + p], b[p * n + j]) }
            c[i * n + j] = sum
        }
    }
    return c
}

@Test func matrixMultiplyMatchesPlainLoops() throws {
    var random = SplitMix64(state: 99)
    // m crosses mr = 6 and mc = 72; n crosses nr = 8 and nc = 1024; k is split into blocks of at most kc = 384
    // (512 = 2 x 256; 769 = 257 + 257 + 255); m = 1 and 2 take the unpacked vector-matrix path.
    let sizes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 8, 1), (6, 8, 4), (7, 9, 3), (5, 3, 300), (73, 17, 257), (144, 64, 288),
        (13, 1030, 5), (2, 2049, 2), (100, 1, 9), (6, 16, 512), (5, 3, 769), (1, 77, 1000), (3, 40, 385),
    ]
    for (m, n, k) in sizes {
        let a = (0..<(m * k)).map { _ in random.value() }
        let b = (0..<(k * n)).map { _ in random.value() }
        let expected = plainProduct(a, b, m: m, n: n, k: k)
        let actual = try MatrixMultiply.multiply(a, b, m: m, n: n, k: k)
        let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-12 * Double(k), "m=\(m) n=\(n) k=\(k)")
    }
}

@Test func matrixMultiplyCanAccumulate() throws {
    let a: [Double] = [1, 2, 3, 4]  // 2x2
    let b: [Double] = [5, 6, 7, 8]  // 2x2
    var c: [Double] = [100, 200, 300, 400]
    try a.withUnsafeBufferPointer { pa in
        try b.withUnsafeBufferPointer { pb in
            try c.withUnsafeMutableBufferPointer { pc in
                try MatrixMultiply.multiply(a: pa, b: pb, into: pc, m: 2, n: 2, k: 2, accumulate: true)
            }
        }
    }
    #expect(c == [119, 222, 343, 450])
}

@Test func matrixMultiplyRejectsWrongCounts() {
    #expect(throws: CoreError.self) { try MatrixMultiply.multiply([1, 2, 3], [1, 2], m: 1, n: 1, k: 2) }
    #expect(throws: CoreError.self) { try MatrixMultiply.multiply([1, 2], [1, 2], m: 0, n: 1, k: 2) }
    #expect(throws: CoreError.self) { try MatrixMultiply.multiply([1], [1], m: Int.max, n: 2, k: 1) }
    #expect(throws: CoreError.self) { try MatrixMultiply.multiply([1], [1], m: 1, n: 1, k: Int.max) }
}

/// The blocked multiply's rule, written out: k is cut into equal blocks of at most kc; each block's products
/// are added in order from 0 (each one a fused multiply-add: the product joins the sum with one rounding), and
/// the blocks' sums are added to C in order.
/// Every element of C follows it whatever its place in a 12-row, 6-row or edge tile, so a product's bits do not
/// depend on how its rows or columns are cut (bands, examples, groups).
private func blockedRule(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int) -> [Double] {
    let blocks = (k + MatrixMultiply.kc - 1) / MatrixMultiply.kc, depth = (k + blocks - 1) / blocks
    var c = Array(repeating: 0.0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var start = 0
            while start < k {
                var sum = 0.0
                for p in start..<min(k, start + depth) {
                    sum.addProduct(a[i * k + p], b[p * n + j])
                }
                c[i * n + j] = start == 0 ? sum : c[i * n + j] + sum
                start += depth
            }
        }
    }
    return c
}

@Test func theBlockedMultiplyAddsInTheOrderOfItsRule() throws {
    var random = SplitMix64(state: 101)
    // m crosses the 12-row and 6-row tiles and mc = 72; k one block, two and three.
    for (m, n, k) in [(3, 8, 5), (12, 16, 300), (30, 20, 50), (85, 9, 385), (13, 17, 800), (144, 64, 288)] {
        let a = (0..<(m * k)).map { _ in random.value() }
        let b = (0..<(k * n)).map { _ in random.value() }
        let actual = try MatrixMultiply.multiply(a, b, m: m, n: n, k: k)
        let expected = blockedRule(a, b, m: m, n: n, k: k)
        let wrong = (0..<(m * n)).filter { actual[$0].bitPattern != expected[$0].bitPattern }
        #expect(wrong.isEmpty, "m=\(m) n=\(n) k=\(k): \(wrong.count) elements differ, first \(wrong.prefix(3))")
    }
}

/// A convolution whose window fits one block of k adds each cell's products in the window's order and the
/// bias last: the order of the reference loops, so the im2col path gives their bits exactly, for one example
/// and for a batch: 3 x 3 x 8 = 72 values (its windows read in rows by the matrix multiply's 12-row and 6-row
/// tiles) and 3 x 3 x 3 = 27 values with 32 and 64 filters (the small-window path, three cells at a time).
@Test(arguments: [(8, 10), (3, 32), (3, 64), (1, 32)])
func aConvolutionsBitsAreThoseOfTheReferenceLoopsWhenItsWindowIsOneBlock(channels: Int, filters: Int) throws {
    let convolution = try Convolution(padding: .same)
    let inputs = try (0..<3).map { try FiniteDifferences.random([9, 11, channels], seed: 3100 + UInt64($0)) }
    let kernel = try FiniteDifferences.random([3, 3, channels, filters], seed: 3190)
    let bias = try FiniteDifferences.random([filters], seed: 3191)
    #expect(Convolution.usesSmallWindow(window: 9 * channels, filters: filters) == (channels <= 3))
    let batch = try convolution.applyBatch(inputs, kernel: kernel, bias: bias)
    for (e, input) in inputs.enumerated() {
        let reference = try convolution.applyReference(input, kernel: kernel, bias: bias)
        #expect(try convolution.apply(input, kernel: kernel, bias: bias) == reference, "example \(e) alone")
        #expect(batch[e] == reference, "example \(e) in the batch")
    }
}

@Test func aWholePackedBGivesTheBitsOfPackingItBlockByBlock() throws {
    // B packed once (MatrixMultiply.PackedB, as a convolution's bank is for all its bands) must be read block
    // by block exactly where packB would have put each block: sizes with several k blocks (769 = 3 x 257),
    // several column blocks (1030 > nc = 1024) and a last panel narrower than 8.
    var random = SplitMix64(state: 5150)
    for (m, n, k) in [(13, 1030, 5), (30, 21, 769), (73, 64, 288), (7, 1041, 400)] {
        let a = (0..<(m * k)).map { _ in random.value() }
        let b = (0..<(k * n)).map { _ in random.value() }
        var once = [Double](repeating: 0, count: m * n), each = once
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                guard let pa = pa.baseAddress, let pb = pb.baseAddress else { return }
                let packingA: MatrixMultiply.PackingA = { rows, depths, out in
                    MatrixMultiply.packA(pa + rows.lowerBound * k + depths.lowerBound, rowStride: k, depthStride: 1,
                                         rows: rows.count, depth: depths.count, into: out)
                }
                let whole = MatrixMultiply.PackedB(pb, ldb: n, k: k, n: n)
                once.withUnsafeMutableBufferPointer { c in
                    guard let c = c.baseAddress else { return }
                    MatrixMultiply.multiplyPacking(m: m, n: n, k: k, packingA: packingA, packedB: whole.values,
                                                   c: c, ldc: n, accumulate: false)
                }
                each.withUnsafeMutableBufferPointer { c in
                    guard let c = c.baseAddress else { return }
                    MatrixMultiply.multiplyPacking(m: m, n: n, k: k, packingA: packingA, packingB: { depths, columns, out in
                        MatrixMultiply.packB(pb + depths.lowerBound * n + columns.lowerBound, ldb: n, depth: depths.count,
                                             cols: columns.count, into: out)
                    }, c: c, ldc: n, accumulate: false)
                }
            }
        }
        #expect(once.map(\.bitPattern) == each.map(\.bitPattern), "\(m) x \(n) x \(k)")
        #expect(try once == MatrixMultiply.multiply(a, b, m: m, n: n, k: k), "\(m) x \(n) x \(k)")
    }
}
