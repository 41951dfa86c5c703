// MatrixMultiplyRows: one matrix product C = A * B cut into bands of C's rows or columns, the bands computed on
// the cores.
//
// A band is a smaller product of the same kind: a band of rows is those rows of A times all of B, a band of
// columns all of A times those columns of B. Past `MatrixMultiply.thinRows` rows each element of C adds its k
// products in an order set by k alone, so a band gives exactly the bits the whole product gives, however the
// product is cut and on however many threads. Each band packs the whole of the operand it shares, so the
// product is cut along the other one: a batch's dense layer (64 x 12544 by 12544 x 128) into bands of columns,
// so the 12.8 MB of weights are packed once in all and not once per band; `x^T . g` (12544 x 64 by 64 x 128)
// into bands of rows. Training's dense layers use it: a batch of 32 is a 32 x 576 by 576 x 64 product that
// would otherwise keep one core waiting.

extension MatrixMultiply {
    /// The fewest rows of C in one band of rows (more than `thinRows`, so every band takes the blocked path).
    static let bandRows = 8
    /// The fewest columns of C in one band of columns (whole panels of B).
    static let bandColumns = 4 * nr
    /// The most bands a product is cut into.
    static let maxBands = 4
    /// Products with fewer multiply-adds than this stay on the calling thread (dispatching costs more).
    static let bandedMultiplyAdds = 1 << 16

    /// How a product is cut: bands of C's rows, or of its columns.
    enum Bands: Equatable {
        case rows([Range<Int>])
        case columns([Range<Int>])

        /// The number of bands.
        var count: Int {
            switch self {
            case .rows(let bands), .columns(let bands): return bands.count
            }
        }
    }

    /// The bands a product is cut into on `threads` threads: one when it is small or there is one thread,
    /// else up to `maxBands`, along the columns when B (k x n) is larger than A (m x k) and there are columns
    /// enough, else along the rows (at least `bandRows` rows each). Column bands are whole panels of nr.
    static func bands(m: Int, n: Int, k: Int, threads: Int = Parallel.threads) -> Bands {
        let (work, overflow) = m.multipliedReportingOverflow(by: n)
        let large = overflow || work.multipliedReportingOverflow(by: k).overflow || work * k >= bandedMultiplyAdds
        guard large, threads > 1 else { return .rows([0..<m]) }
        if n > m && n >= 2 * bandColumns && m > thinRows {
            let count = Swift.min(maxBands, n / bandColumns), panels = (n + nr - 1) / nr
            return .columns((0..<count).map { b in
                Swift.min(n, b * panels / count * nr)..<Swift.min(n, (b + 1) * panels / count * nr)
            })
        }
        let count = Swift.max(1, Swift.min(maxBands, m / bandRows))
        return .rows((0..<count).map { b in (b * m / count)..<((b + 1) * m / count) })
    }

    /// C = A * B (+ C) as `multiplyUnchecked` computes it (the same bits), cut into bands (`bands`) computed in
    /// parallel. Every size at least 1 and every buffer large enough, as for `multiplyUnchecked`.
    static func multiplyInBands(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                                c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool = false, transposedA: Bool = false) {
        let bands = bands(m: m, n: n, k: k)
        guard bands.count > 1, !(m <= thinRows && !transposedA) else {
            multiplyUnchecked(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
                              accumulate: accumulate, transposedA: transposedA)
            return
        }
        let shared = BandPointers(a: a, b: b, c: c)
        switch bands {
        case .rows(let rows):
            _ = try? Parallel.map(rows.count) { index in
                let band = rows[index]
                // Row i of A is a + i * lda, or column i of the stored A^T (a + i) when transposed.
                let start = shared.a + (transposedA ? band.lowerBound : band.lowerBound * lda)
                multiplyUnchecked(m: band.count, n: n, k: k, a: start, lda: lda, b: shared.b, ldb: ldb,
                                  c: shared.c + band.lowerBound * ldc, ldc: ldc, accumulate: accumulate, transposedA: transposedA)
            }
        case .columns(let columns):
            _ = try? Parallel.map(columns.count) { index in
                let band = columns[index]
                multiplyUnchecked(m: m, n: band.count, k: k, a: shared.a, lda: lda, b: shared.b + band.lowerBound, ldb: ldb,
                                  c: shared.c + band.lowerBound, ldc: ldc, accumulate: accumulate, transposedA: transposedA)
            }
        }
    }

    /// The operands handed to the worker threads; each band writes only its own part of C.
    private struct BandPointers: @unchecked Sendable {
        let a: UnsafePointer<Double>, b: UnsafePointer<Double>
        let c: UnsafeMutablePointer<Double>
    }
}

extension Tensor {
    /// self (m x k) * other (k x n) as `matrixProduct` computes it (the same bits), cut into bands of the
    /// result's rows or columns computed on the cores. For training's own products, whose shapes the network
    /// has checked.
    func matrixProductInBands(_ other: Tensor) throws -> Tensor {
        guard rank == 2, other.rank == 2, shape[1] == other.shape[0], shape[0] >= 1, shape[1] >= 1, other.shape[1] >= 1 else {
            throw CoreError("train: a \(shapeDescription) matrix cannot be multiplied by a \(other.shapeDescription) one")
        }
        let m = shape[0], k = shape[1], n = other.shape[1]
        let count = try Limits.elementCount(of: [m, n], for: "matmul")
        let values = scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                [Double](unsafeUninitializedCapacity: count) { c, initialized in
                    if let pa = a.baseAddress, let pb = b.baseAddress, let pc = c.baseAddress {
                        MatrixMultiply.multiplyInBands(m: m, n: n, k: k, a: pa, lda: k, b: pb, ldb: n, c: pc, ldc: n)
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
