// MatrixMultiply: a cache-blocked, SIMD matrix multiply C = A * B (+ C) for the fast paths.
//
// Design note (the classic Goto/BLIS scheme, kept small):
//   - The k dimension is cut into equal blocks of at most `kc` and B's columns into blocks of `nc`. Each block of B is
//     copied ("packed") into panels of `nr` = 8 columns, so the inner loop reads it contiguously. A B that many
//     products share (a convolution's bank) can be packed whole once instead (`PackedB`).
//   - For each block of `mc` rows, A is packed into panels of `mr` = 6 rows, stored column by column. Its
//     rows are taken 12 at a time, and each such pair of panels (in L1) meets every panel of B's block in turn.
//   - The micro-kernel keeps a 12 x 8 tile of C (two panels of A) in twelve SIMD8<Double> registers and, for
//     each of the kc steps, adds one column of A (broadcast) times one row of B; the last rows of a block go
//     6 at a time. Edge tiles are zero-padded in the packs and only their valid part is written back.
//   - A convolution's A (its windows) is made block by block as plain rows, which the micro-kernel reads
//     where they lie (`aInRows`) instead of packing them again.
// Accumulation is a fused multiply-add (`addProduct`: the product joins the sum with one rounding), as in the
// plain loops (MatrixProduct's, the convolution's reference); only the order of the additions differs from
// them. Separate multiplies and adds cost the same on an idle core, but twice the arithmetic instructions:
// the 3x3 direct convolution ran 30% slower with them, and on a core shared with another thread every
// product paid for both.
// The public entry points check every count before touching memory; the unchecked kernel is internal.
// `multiplyPacking` takes A and B as functions that pack a block of them, so the convolutions can hand over
// operands that are not one strided array (the rows of several examples, each in its own array) uncopied.

/// Matrix multiplication over flat row-major storage, blocked for the cache and vectorised.
public enum MatrixMultiply {
    /// Rows of A per micro-tile.
    static let mr = 6
    /// Columns of B per micro-tile (one SIMD8<Double>).
    static let nr = 8
    /// The largest depth of one block of the k dimension (k is split into equal blocks no deeper than this).
    static let kc = 384
    /// Rows of A per packed block (a multiple of mr).
    static let mc = 72
    /// Columns of B per packed block (a multiple of nr).
    static let nc = 1024

    /// Multiplies an m x k matrix by a k x n matrix, both row-major, into an m x n row-major result.
    /// - Parameters:
    ///   - a: m * k values, row-major.
    ///   - b: k * n values, row-major.
    ///   - c: m * n values; overwritten, or added to when `accumulate` is true.
    ///   - accumulate: whether to compute C += A * B instead of C = A * B.
    /// - Throws: `CoreError` when a size is below 1, overflows, or a buffer has the wrong count.
    public static func multiply(a: UnsafeBufferPointer<Double>, b: UnsafeBufferPointer<Double>,
                                into c: UnsafeMutableBufferPointer<Double>,
                                m: Int, n: Int, k: Int, accumulate: Bool = false) throws {
        guard m >= 1, n >= 1, k >= 1 else {
            throw CoreError("matmul: the sizes must be at least 1, not m=\(m), n=\(n), k=\(k)")
        }
        let sizes: [(String, Int, Int, Int)] = [("A", m, k, a.count), ("B", k, n, b.count), ("C", m, n, c.count)]
        for (name, rows, cols, count) in sizes {
            let (product, overflow) = rows.multipliedReportingOverflow(by: cols)
            guard !overflow, product == count else {
                throw CoreError("matmul: \(name) should hold \(rows)x\(cols) values but has \(Format.count(count))")
            }
        }
        guard let pa = a.baseAddress, let pb = b.baseAddress, let pc = c.baseAddress else { return }
        multiplyUnchecked(m: m, n: n, k: k, a: pa, lda: k, b: pb, ldb: n, c: pc, ldc: n, accumulate: accumulate)
        try Interruption.check("matmul")
    }

    /// Multiplies two matrices given as arrays: returns the m x n row-major product of A (m x k) and B (k x n).
    /// - Throws: `CoreError` when a count does not match its sizes.
    public static func multiply(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int) throws -> [Double] {
        guard m >= 1, n >= 1 else {
            throw CoreError("matmul: the sizes must be at least 1, not m=\(m), n=\(n), k=\(k)")
        }
        let count = try Limits.elementCount(of: [m, n], for: "matmul")
        // An empty inner dimension gives zeros; otherwise the product writes every element (the first block of
        // k stores, the others add), so the result is not filled with zeros first.
        guard k >= 1 else { return Array(repeating: 0.0, count: count) }
        return try [Double](unsafeUninitializedCapacity: count) { c, initialized in
            initialized = count  // plain Doubles: a product stopped by Ctrl-C (it throws) is dropped whole
            try a.withUnsafeBufferPointer { pa in
                try b.withUnsafeBufferPointer { pb in
                    try multiply(a: pa, b: pb, into: c, m: m, n: n, k: k)
                }
            }
        }
    }

    /// C = A * B (+ C) with leading dimensions (row strides); every size at least 1, buffers large enough.
    /// With `transposedA`, `a` holds A^T (k x m, row stride `lda`): A's element (i, p) is a[p * lda + i], so
    /// a product such as windows^T . g needs no transposed copy of the windows.
    /// Past `thinRows` rows, each element of C adds its k products in the same order whatever m and n are
    /// (k is cut into blocks that depend on k alone), so cutting the rows of C into pieces gives the same bits.
    static func multiplyUnchecked(m: Int, n: Int, k: Int,
                                  a: UnsafePointer<Double>, lda: Int,
                                  b: UnsafePointer<Double>, ldb: Int,
                                  c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool,
                                  transposedA: Bool = false) {
        if m <= thinRows && !transposedA {
            for i in 0..<m {
                rowTimesMatrix(n: n, k: k, a: a + i * lda, b: b, ldb: ldb, c: c + i * ldc, accumulate: accumulate)
            }
            return
        }
        multiplyPacking(m: m, n: n, k: k, packingA: { rows, depths, out in
            if transposedA {
                packA(a + depths.lowerBound * lda + rows.lowerBound, rowStride: 1, depthStride: lda,
                      rows: rows.count, depth: depths.count, into: out)
            } else {
                packA(a + rows.lowerBound * lda + depths.lowerBound, rowStride: lda, depthStride: 1,
                      rows: rows.count, depth: depths.count, into: out)
            }
        }, packingB: { depths, columns, out in
            packBRows(b + depths.lowerBound * ldb + columns.lowerBound, ldb: ldb, depth: depths.count, cols: columns.count,
                      panelDepth: depths.count, into: out)
        }, c: c, ldc: ldc, accumulate: accumulate)
    }

    /// Packs rows `rows` x depths `depths` of A (A's indices) into `out` as `packA` lays them out: panels of mr
    /// rows, column by column, row `rows.lowerBound` first, the lanes past the last row zero.
    typealias PackingA = (_ rows: Range<Int>, _ depths: Range<Int>, _ out: UnsafeMutablePointer<Double>) -> Void
    /// Packs depths `depths` (B's rows) x columns `columns` of B into `out` as `packB` lays them out.
    typealias PackingB = (_ depths: Range<Int>, _ columns: Range<Int>, _ out: UnsafeMutablePointer<Double>) -> Void

    /// C = A * B (+ C) with A and B handed over as packing functions instead of arrays, so an operand can be
    /// read where it lies (the rows of several examples, or windows of an image) without first being copied
    /// into one matrix. The blocks and the order of the additions are those of `multiplyUnchecked` (which
    /// calls this), so the results are the same bits. `packingA` gets row ranges of A (absolute, in mc blocks).
    /// With `aInRows`, `packingA` writes its block as plain rows instead (row i of the block at out + i * the
    /// block's depth), and the micro-kernel reads them where they lie: for an A that has to be made anyway
    /// (a convolution's windows), that saves copying it twice. The same products in the same order: the same bits.
    static func multiplyPacking(m: Int, n: Int, k: Int, packingA: PackingA, packingB: PackingB,
                                c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool, aInRows: Bool = false) {
        // One block of B at a time, on cache-line boundaries, so that no 64-byte load of a panel straddles two lines.
        let rawB = UnsafeMutableRawPointer.allocate(byteCount: kc * nc * 8, alignment: 64)
        defer { rawB.deallocate() }
        let packedB = rawB.bindMemory(to: Double.self, capacity: kc * nc)
        multiplyBlocks(m: m, n: n, k: k, packingA: packingA, blockOfB: { depths, columns in
            packingB(depths, columns, packedB)
            return UnsafePointer(packedB)
        }, c: c, ldc: ldc, accumulate: accumulate, aInRows: aInRows)
    }

    /// The same with B packed beforehand, whole (`packWhole`): for a B that many products share (a convolution's
    /// bank, used by every band of output rows), packed once instead of once per product.
    static func multiplyPacking(m: Int, n: Int, k: Int, packingA: PackingA, packedB whole: UnsafePointer<Double>,
                                c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool, aInRows: Bool = false) {
        multiplyBlocks(m: m, n: n, k: k, packingA: packingA, blockOfB: { depths, columns in
            whole + wholeOffset(k: k, depths: depths, columns: columns)
        }, c: c, ldc: ldc, accumulate: accumulate, aInRows: aInRows)
    }

    /// B packed whole (`packWhole`) once, on a cache line, for the products that share it (a convolution's bank,
    /// used by every band of every example of a batch). Written only while it is made, so it can be shared
    /// between threads.
    final class PackedB: @unchecked Sendable {
        let values: UnsafeMutablePointer<Double>

        /// Packs B (k x n, row stride ldb).
        init(_ b: UnsafePointer<Double>, ldb: Int, k: Int, n: Int) {
            let count = wholeCount(k: k, n: n)
            values = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Double>.stride, alignment: 64)
                .bindMemory(to: Double.self, capacity: max(count, 1))
            packWhole(b, ldb: ldb, k: k, n: n, into: values)
        }

        deinit { values.deallocate() }
    }

    /// The depth of the k blocks: equal blocks of at most kc (576 = 2 x 288 rather than 384 + 192).
    static func blockDepth(_ k: Int) -> Int {
        let kBlocks = (k + kc - 1) / kc
        return (k + kBlocks - 1) / max(kBlocks, 1)
    }

    /// One element's sum of `count` products `term(p)` (x, w) in the order every element of a product adds
    /// them, blocked or one row alone: k in `blockDepth` blocks, each block's products in order, each joining
    /// the block's own sum in a fused multiply-add, then the blocks' sums added in order. For a trace that lists
    /// the terms of an element the fast paths computed, so its sum is theirs to the last bit.
    static func blockedSum(count: Int, _ term: (Int) -> (Double, Double)) -> Double {
        guard count >= 1 else { return 0 }
        let depth = blockDepth(count)
        var total = 0.0, first = 0
        while first < count {
            var sum = 0.0
            for p in first..<min(first + depth, count) {
                let (x, w) = term(p)
                sum.addProduct(x, w)
            }
            total = first == 0 ? sum : total + sum
            first += depth
        }
        return total
    }

    /// The values B (k x n) takes packed whole: every block, its last panel's columns padded to nr.
    static func wholeCount(k: Int, n: Int) -> Int { k * ((n + nr - 1) / nr * nr) }

    /// Packs the whole of B (k x n, row stride ldb) into `out` (`wholeCount` values), block by block as
    /// `packB` packs each for `multiplyPacking`: column block after column block, each one's k blocks in order.
    static func packWhole(_ b: UnsafePointer<Double>, ldb: Int, k: Int, n: Int, into out: UnsafeMutablePointer<Double>) {
        let depth = blockDepth(k)
        var jc = 0
        while jc < n {
            let columns = jc..<min(jc + nc, n)
            var pc = 0
            while pc < k {
                let depths = pc..<min(pc + depth, k)
                packB(b + pc * ldb + jc, ldb: ldb, depth: depths.count, cols: columns.count,
                      into: out + wholeOffset(k: k, depths: depths, columns: columns))
                pc += depth
            }
            jc += nc
        }
    }

    /// Where the block of rows `depths` and columns `columns` starts in B packed whole: after the column blocks
    /// before it (k x nc values each), then after its own earlier k blocks (each as deep as it is, times its
    /// padded width).
    @inline(__always)
    static func wholeOffset(k: Int, depths: Range<Int>, columns: Range<Int>) -> Int {
        columns.lowerBound * k + depths.lowerBound * ((columns.count + nr - 1) / nr * nr)
    }

    /// The blocked loops of both forms: `blockOfB` packs (or finds) the block of B at those rows and columns and
    /// returns where it lies.
    private static func multiplyBlocks(m: Int, n: Int, k: Int, packingA: PackingA,
                                       blockOfB: (Range<Int>, Range<Int>) -> UnsafePointer<Double>,
                                       c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool, aInRows: Bool) {
        let depth = blockDepth(k)
        // On cache-line boundaries, so that no 64-byte load of a packed panel straddles two lines.
        let rawA = UnsafeMutableRawPointer.allocate(byteCount: mc * kc * 8, alignment: 64)
        defer { rawA.deallocate() }
        let packedA = rawA.bindMemory(to: Double.self, capacity: mc * kc)
        var jc = 0
        while jc < n {
            let ncb = min(nc, n - jc)
            var pc = 0
            while pc < k {
                let kcb = min(depth, k - pc)
                let blockB = blockOfB(pc..<(pc + kcb), jc..<(jc + ncb))
                let addToC = accumulate || pc > 0
                var ic = 0
                while ic < m {
                    if Interruption.isRequested { return }  // the caller checks and throws
                    let mcb = min(mc, m - ic)
                    packingA(ic..<(ic + mcb), pc..<(pc + kcb), packedA)
                    // A's rows (12, or 6 at the end) stay in L1 while B's panels pass by.
                    var ir = 0
                    while ir < mcb {
                        let tall = ir + 2 * mr <= mcb, rows = min(mr, mcb - ir)
                        var jr = 0
                        while jr < ncb {
                            let cols = min(nr, ncb - jr)
                            let a = packedA + ir * kcb, b = blockB + jr * kcb, target = c + (ic + ir) * ldc + jc + jr
                            if aInRows {
                                let reader = RowsOfA(a: a, depth: kcb, rows: tall ? 2 * mr : rows)
                                if tall {
                                    microKernel(2, depth: kcb, a: reader, b: b, c: target, ldc: ldc, rows: 2 * mr, cols: cols, accumulate: addToC)
                                } else {
                                    microKernel(1, depth: kcb, a: reader, b: b, c: target, ldc: ldc, rows: rows, cols: cols, accumulate: addToC)
                                }
                            } else if tall {
                                microKernel(2, depth: kcb, a: PackedA(a: a, depth: kcb), b: b, c: target, ldc: ldc, rows: 2 * mr, cols: cols,
                                            accumulate: addToC)
                            } else {
                                microKernel(1, depth: kcb, a: PackedA(a: a, depth: kcb), b: b, c: target, ldc: ldc, rows: rows, cols: cols,
                                            accumulate: addToC)
                            }
                            jr += nr
                        }
                        ir += tall ? 2 * mr : mr
                    }
                    ic += mc
                }
                pc += depth
            }
            jc += nc
        }
    }

    /// Part of a `PackingA`: rows `rows` (counted from the packed block's first row) of a row-major piece of A
    /// at `a` (row stride `lda`, its first row being the block's row `rows.lowerBound`), depth `depth`, into
    /// the block's panels at `out` (whose depth is `depth`). Rows that fill whole panels are packed six at a time.
    static func packARows(_ a: UnsafePointer<Double>, lda: Int, rows: Range<Int>, depth: Int, into out: UnsafeMutablePointer<Double>) {
        var r = rows.lowerBound
        while r < rows.upperBound {
            if r % mr == 0 && r + mr <= rows.upperBound {
                let whole = (rows.upperBound - r) / mr * mr
                packA(a + (r - rows.lowerBound) * lda, rowStride: lda, depthStride: 1, rows: whole, depth: depth,
                      into: out + r * depth)
                r += whole
                continue
            }
            let source = a + (r - rows.lowerBound) * lda
            let target = out + (r / mr) * mr * depth + r % mr
            for p in 0..<depth { target[p * mr] = source[p] }
            r += 1
        }
    }

    /// Zeroes the lanes of the packed A block's last panel past its `rows` rows (the padding `packA` writes).
    static func zeroPadA(rows: Int, depth: Int, into out: UnsafeMutablePointer<Double>) {
        let lanes = rows % mr
        guard lanes > 0 else { return }
        let panel = out + (rows / mr) * mr * depth
        for p in 0..<depth {
            for i in lanes..<mr { panel[p * mr + i] = 0 }
        }
    }

    /// Up to this many rows of A, each row is multiplied on its own without packing (vector-matrix products).
    static let thinRows = 2

    /// One row of C (+)= one row of A (1 x k) * B (k x n), reading B row by row, 64 columns at a time (then 32,
    /// 8, 1). Packing B would cost as much as the product itself here; this is the dense layer's case. Each
    /// element adds its products as the blocked path does: k in the same blocks (`blockDepth`), each block's
    /// products in order into a sum of its own, the blocks' sums added to C in order. So a row gives the same
    /// bits alone as inside a larger product (`predict` on one picture and the same picture in a batch).
    static func rowTimesMatrix(n: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, ldb: Int,
                               c: UnsafeMutablePointer<Double>, accumulate: Bool) {
        let depth = blockDepth(k)
        var pc = 0
        while pc < k {
            let depths = pc..<min(pc + depth, k)
            let addToC = accumulate || pc > 0
            var j = 0
            while j + 64 <= n {
                // Two groups of 32 in one pass over B: B's rows are read half as many times, 512 bytes at a time.
                groupsOf32(2, depths: depths, a: a, b: b + j, ldb: ldb, c: c + j, accumulate: addToC)
                j += 64
            }
            if j + 32 <= n {
                groupsOf32(1, depths: depths, a: a, b: b + j, ldb: ldb, c: c + j, accumulate: addToC)
                j += 32
            }
            while j + 8 <= n {
                var acc = SIMD8<Double>()
                for p in depths {
                    acc.addProduct(SIMD8(repeating: a[p]), UnsafeRawPointer(b + p * ldb + j).loadUnaligned(as: SIMD8<Double>.self))
                }
                store(acc, to: c + j, accumulate: addToC)
                j += 8
            }
            while j < n {
                var sum = 0.0
                for p in depths { sum.addProduct(a[p], b[p * ldb + j]) }
                c[j] = addToC ? c[j] + sum : sum
                j += 1
            }
            pc += depth
        }
    }

    /// Four vectors of 8 sums: one group of 32 columns.
    typealias Sums32 = (SIMD8<Double>, SIMD8<Double>, SIMD8<Double>, SIMD8<Double>)

    /// `count` (1 or 2) groups of 32 columns of one row of C (+)= a * B over B's rows `depths`, from B's column 0
    /// on: each column's products in order of depth (four or eight sums in flight, enough for the fused
    /// multiply-adds' latency).
    @inline(__always)
    private static func groupsOf32(_ count: Int, depths: Range<Int>, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
                                   ldb: Int, c: UnsafeMutablePointer<Double>, accumulate: Bool) {
        @inline(__always) func add(_ x: SIMD8<Double>, _ row: UnsafeRawPointer, _ sums: inout Sums32) {
            sums.0.addProduct(x, row.loadUnaligned(as: SIMD8<Double>.self))
            sums.1.addProduct(x, row.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self))
            sums.2.addProduct(x, row.loadUnaligned(fromByteOffset: 128, as: SIMD8<Double>.self))
            sums.3.addProduct(x, row.loadUnaligned(fromByteOffset: 192, as: SIMD8<Double>.self))
        }
        @inline(__always) func put(_ sums: Sums32, _ target: UnsafeMutablePointer<Double>) {
            store(sums.0, to: target, accumulate: accumulate)
            store(sums.1, to: target + 8, accumulate: accumulate)
            store(sums.2, to: target + 16, accumulate: accumulate)
            store(sums.3, to: target + 24, accumulate: accumulate)
        }
        let zero = SIMD8<Double>()
        var first: Sums32 = (zero, zero, zero, zero), second = first
        for p in depths {
            let row = UnsafeRawPointer(b + p * ldb), x = SIMD8(repeating: a[p])
            add(x, row, &first)
            if count == 2 { add(x, row + 256, &second) }
        }
        put(first, c)
        if count == 2 { put(second, c + 32) }
    }

    /// Packs `depth` rows x `cols` columns of B into panels of nr columns (depth x nr each, zero-padded).
    /// `panelDepth` (at least `depth`) is the depth of the packed block when these rows are only part of it.
    @inline(__always)
    static func packB(_ b: UnsafePointer<Double>, ldb: Int, depth: Int, cols: Int, panelDepth: Int? = nil,
                      into out: UnsafeMutablePointer<Double>) {
        let stride = panelDepth ?? depth
        var panel = 0
        while panel < cols {
            let width = min(nr, cols - panel)
            let dst = out + panel * stride
            if width == nr {
                for p in 0..<depth {
                    let row = UnsafeRawPointer(b + p * ldb + panel).loadUnaligned(as: SIMD8<Double>.self)
                    UnsafeMutableRawPointer(dst + p * nr).storeBytes(of: row, as: SIMD8<Double>.self)
                }
            } else {
                for p in 0..<depth {
                    for j in 0..<nr { dst[p * nr + j] = j < width ? b[p * ldb + panel + j] : 0 }
                }
            }
            panel += nr
        }
    }

    /// `packB` row by row: each of the `depth` rows is read once, left to right, and its whole panels' parts
    /// stored (then the last, partial panel as `packB` does). The same packed values; the better order when B
    /// is not already in cache (a batch's output gradients), since the rows are read as they lie.
    static func packBRows(_ b: UnsafePointer<Double>, ldb: Int, depth: Int, cols: Int, panelDepth: Int,
                          into out: UnsafeMutablePointer<Double>) {
        let whole = cols / nr * nr
        for p in 0..<depth {
            let row = UnsafeRawPointer(b + p * ldb), target = out + p * nr
            var panel = 0
            while panel < whole {
                UnsafeMutableRawPointer(target + panel * panelDepth)
                    .storeBytes(of: row.loadUnaligned(fromByteOffset: panel * 8, as: SIMD8<Double>.self), as: SIMD8<Double>.self)
                panel += nr
            }
        }
        if whole < cols {
            packB(b + whole, ldb: ldb, depth: depth, cols: cols - whole, panelDepth: panelDepth, into: out + whole * panelDepth)
        }
    }

    /// Packs `rows` x `depth` of A into panels of mr rows stored column by column (zero-padded). A's element
    /// (i, p) is a[i * rowStride + p * depthStride]: (lda, 1) for A itself, (1, lda) for A given as A^T.
    @inline(__always)
    static func packA(_ a: UnsafePointer<Double>, rowStride: Int, depthStride: Int, rows: Int, depth: Int,
                      into out: UnsafeMutablePointer<Double>) {
        var panel = 0
        while panel < rows {
            let height = min(mr, rows - panel)
            let dst = out + panel * depth
            if height == mr && rowStride == 1 {
                // A given as A^T: the panel's six values at each depth lie side by side.
                let source = a + panel
                for p in 0..<depth {
                    let from = UnsafeRawPointer(source + p * depthStride), to = UnsafeMutableRawPointer(dst + p * mr)
                    to.storeBytes(of: from.loadUnaligned(as: SIMD4<Double>.self), as: SIMD4<Double>.self)
                    to.storeBytes(of: from.loadUnaligned(fromByteOffset: 32, as: SIMD2<Double>.self), toByteOffset: 32,
                                  as: SIMD2<Double>.self)
                }
            } else if height == mr {
                let r0 = a + panel * rowStride, r1 = r0 + rowStride, r2 = r1 + rowStride
                let r3 = r2 + rowStride, r4 = r3 + rowStride, r5 = r4 + rowStride
                for p in 0..<depth {
                    let d = dst + p * mr, q = p * depthStride
                    d[0] = r0[q]; d[1] = r1[q]; d[2] = r2[q]; d[3] = r3[q]; d[4] = r4[q]; d[5] = r5[q]
                }
            } else {
                for p in 0..<depth {
                    let d = dst + p * mr, q = a + panel * rowStride + p * depthStride
                    for i in 0..<height { d[i] = q[i * rowStride] }
                    for i in height..<mr { d[i] = 0 }
                }
            }
            panel += mr
        }
    }

    /// How a micro-kernel reads A's values: `value(i, p)` is row i (0 to 11) at depth p of the tile.
    protocol ATile {
        func value(_ i: Int, _ p: Int) -> Double
    }

    /// A packed by `packA`: panels of 6 rows, depth by depth; the tile's rows 6 to 11 are the next panel.
    struct PackedA: ATile {
        let a: UnsafePointer<Double>, depth: Int
        @inline(__always) func value(_ i: Int, _ p: Int) -> Double {
            i < mr ? a[p &* mr &+ i] : a[depth &* mr &+ p &* mr &+ (i &- mr)]
        }
    }

    /// A's rows where they lie, `depth` values each, one after the other (`aInRows`). The missing rows of an
    /// edge tile (from `rows` on) read row 0 again; their sums are never written.
    struct RowsOfA: ATile {
        let a: UnsafePointer<Double>, depth: Int, rows: Int
        @inline(__always) func value(_ i: Int, _ p: Int) -> Double {
            a[(i < rows ? i &* depth : 0) &+ p]
        }
    }

    /// The micro-kernel: a tile of C (+)= A's tile * a packed panel of B (depth x 8), each element adding its
    /// products in order of depth. `halves` is 1 (6 rows, the first `rows` of them real: six sums in
    /// registers) or 2 (12 whole rows: twelve sums, each row of B loaded once for all of them); callers pass it
    /// as a constant, so each becomes its own loop.
    @inline(__always)
    static func microKernel<A: ATile>(_ halves: Int, depth: Int, a: A, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>,
                                      ldc: Int, rows: Int, cols: Int, accumulate: Bool) {
        var c0 = SIMD8<Double>(), c1 = SIMD8<Double>(), c2 = SIMD8<Double>()
        var c3 = SIMD8<Double>(), c4 = SIMD8<Double>(), c5 = SIMD8<Double>()
        var d0 = SIMD8<Double>(), d1 = SIMD8<Double>(), d2 = SIMD8<Double>()
        var d3 = SIMD8<Double>(), d4 = SIMD8<Double>(), d5 = SIMD8<Double>()
        var pb = b
        for p in 0..<depth {
            let bv = UnsafeRawPointer(pb).loadUnaligned(as: SIMD8<Double>.self)
            c0.addProduct(SIMD8(repeating: a.value(0, p)), bv)
            c1.addProduct(SIMD8(repeating: a.value(1, p)), bv)
            c2.addProduct(SIMD8(repeating: a.value(2, p)), bv)
            c3.addProduct(SIMD8(repeating: a.value(3, p)), bv)
            c4.addProduct(SIMD8(repeating: a.value(4, p)), bv)
            c5.addProduct(SIMD8(repeating: a.value(5, p)), bv)
            if halves == 2 {
                d0.addProduct(SIMD8(repeating: a.value(6, p)), bv)
                d1.addProduct(SIMD8(repeating: a.value(7, p)), bv)
                d2.addProduct(SIMD8(repeating: a.value(8, p)), bv)
                d3.addProduct(SIMD8(repeating: a.value(9, p)), bv)
                d4.addProduct(SIMD8(repeating: a.value(10, p)), bv)
                d5.addProduct(SIMD8(repeating: a.value(11, p)), bv)
            }
            pb += nr
        }
        storeTile(c0, c1, c2, c3, c4, c5, to: c, ldc: ldc, rows: min(rows, mr), cols: cols, accumulate: accumulate)
        if halves == 2 {
            storeTile(d0, d1, d2, d3, d4, d5, to: c + mr * ldc, ldc: ldc, rows: mr, cols: cols, accumulate: accumulate)
        }
    }

    /// Writes (or adds) a 6 x 8 tile held in six registers to C: only its `rows` x `cols` part at an edge.
    @inline(__always)
    static func storeTile(_ c0: SIMD8<Double>, _ c1: SIMD8<Double>, _ c2: SIMD8<Double>, _ c3: SIMD8<Double>,
                          _ c4: SIMD8<Double>, _ c5: SIMD8<Double>, to c: UnsafeMutablePointer<Double>, ldc: Int,
                          rows: Int, cols: Int, accumulate: Bool) {
        if rows == mr && cols == nr {
            store(c0, to: c, accumulate: accumulate)
            store(c1, to: c + ldc, accumulate: accumulate)
            store(c2, to: c + 2 * ldc, accumulate: accumulate)
            store(c3, to: c + 3 * ldc, accumulate: accumulate)
            store(c4, to: c + 4 * ldc, accumulate: accumulate)
            store(c5, to: c + 5 * ldc, accumulate: accumulate)
            return
        }
        // An edge tile: spill the registers to the stack and write back only the valid part.
        withUnsafeTemporaryAllocation(of: SIMD8<Double>.self, capacity: mr) { tile in
            tile[0] = c0; tile[1] = c1; tile[2] = c2; tile[3] = c3; tile[4] = c4; tile[5] = c5
            for i in 0..<rows {
                let row = c + i * ldc
                for j in 0..<cols {
                    row[j] = accumulate ? row[j] + tile[i][j] : tile[i][j]
                }
            }
        }
    }

    @inline(__always)
    static func store(_ value: SIMD8<Double>, to c: UnsafeMutablePointer<Double>, accumulate: Bool) {
        let raw = UnsafeMutableRawPointer(c)
        if accumulate {
            let old = UnsafeRawPointer(c).loadUnaligned(as: SIMD8<Double>.self)
            raw.storeBytes(of: old + value, as: SIMD8<Double>.self)
        } else {
            raw.storeBytes(of: value, as: SIMD8<Double>.self)
        }
    }
}
