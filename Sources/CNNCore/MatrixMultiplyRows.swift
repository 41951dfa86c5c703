// MatrixMultiplyRows: one matrix product C = A * B cut into bands of C's rows, the bands computed on the cores.
//
// A band of rows is a smaller product of the same kind (the band's rows of A times all of B), and past
// `MatrixMultiply.thinRows` rows each element of C adds its k products in an order set by k alone, so a
// band gives exactly the bits the whole product gives. The bands depend on m only (at least `bandRows` rows
// each, at most `maxBands`), never on the number of threads. Training's dense layers use it: a batch of 32
// is a 32 x 576 by 576 x 64 product that would otherwise keep one core waiting.

extension MatrixMultiply {
    /// The fewest rows of C in one band (more than `thinRows`, so every band takes the blocked path).
    static let bandRows = 8
    /// The most bands a product is cut into.
    static let maxBands = 4
    /// Products with fewer multiply-adds than this stay on the calling thread (dispatching costs more).
    static let bandedMultiplyAdds = 1 << 16

    /// The bands of rows a product of m rows is cut into: one when it is small, else up to `maxBands`
    /// bands of at least `bandRows` rows each.
    static func rowBands(m: Int, n: Int, k: Int) -> [Range<Int>] {
        let (work, overflow) = m.multipliedReportingOverflow(by: n)
        let count = (overflow || work.multipliedReportingOverflow(by: k).overflow || work * k >= bandedMultiplyAdds)
            ? Swift.max(1, Swift.min(maxBands, m / bandRows)) : 1
        return (0..<count).map { b in (b * m / count)..<((b + 1) * m / count) }
    }

    /// C = A * B (+ C) as `multiplyUnchecked` computes it (the same bits), the bands of C's rows computed in
    /// parallel. Every size at least 1 and every buffer large enough, as for `multiplyUnchecked`.
    static func multiplyInRowBands(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                                   c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool = false, transposedA: Bool = false) {
        let bands = rowBands(m: m, n: n, k: k)
        guard bands.count > 1, !(m <= thinRows && !transposedA) else {
            multiplyUnchecked(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
                              accumulate: accumulate, transposedA: transposedA)
            return
        }
        let shared = BandPointers(a: a, b: b, c: c)
        _ = try? Parallel.map(bands.count) { index in
            let rows = bands[index]
            // Row i of A is a + i * lda, or column i of the stored A^T (a + i) when transposed.
            let start = shared.a + (transposedA ? rows.lowerBound : rows.lowerBound * lda)
            multiplyUnchecked(m: rows.count, n: n, k: k, a: start, lda: lda, b: shared.b, ldb: ldb,
                              c: shared.c + rows.lowerBound * ldc, ldc: ldc, accumulate: accumulate, transposedA: transposedA)
        }
    }

    /// The operands handed to the worker threads; each band writes only its own rows of C.
    private struct BandPointers: @unchecked Sendable {
        let a: UnsafePointer<Double>, b: UnsafePointer<Double>
        let c: UnsafeMutablePointer<Double>
    }
}

extension Tensor {
    /// self (m x k) * other (k x n) as `matrixProduct` computes it (the same bits), the bands of the result's
    /// rows computed on the cores. For training's own products, whose shapes the network has checked.
    func matrixProductInRowBands(_ other: Tensor) throws -> Tensor {
        guard rank == 2, other.rank == 2, shape[1] == other.shape[0], shape[0] >= 1, shape[1] >= 1, other.shape[1] >= 1 else {
            throw CoreError("train: a \(shapeDescription) matrix cannot be multiplied by a \(other.shapeDescription) one")
        }
        let m = shape[0], k = shape[1], n = other.shape[1]
        let count = try Limits.elementCount(of: [m, n], for: "matmul")
        let values = scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                [Double](unsafeUninitializedCapacity: count) { c, initialized in
                    if let pa = a.baseAddress, let pb = b.baseAddress, let pc = c.baseAddress {
                        MatrixMultiply.multiplyInRowBands(m: m, n: n, k: k, a: pa, lda: k, b: pb, ldb: n, c: pc, ldc: n)
                    } else {
                        c.initialize(repeating: 0)
                    }
                    initialized = count
                }
            }
        }
        try Interruption.check("matmul")
        return Tensor(unchecked: [m, n], scalars: values)
    }
}
