// The blocked SIMD matrix multiply against a plain triple loop, on sizes that cross every block edge.
import Testing
@testable import CNNCore
import CNNTestSupport

private func plainProduct(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int) -> [Double] {
    var c = Array(repeating: 0.0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k { sum += a[i * k + p] * b[p * n + j] }
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
