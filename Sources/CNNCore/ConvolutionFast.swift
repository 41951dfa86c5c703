// ConvolutionFast: the fast convolution used by default; same results as ConvolutionReference up to rounding.
//
// Two strategies, chosen from the plan:
//   - one channel, one filter (an image and a 2-D kernel): direct loops. For each output row the kernel taps
//     are summed eight output columns at a time in a SIMD8<Double> register, reading contiguous input (three
//     output rows at once where they share input rows, so each input value is loaded once for all three; six
//     at once for a 3 x 3 kernel, its weights in registers); the interior's last few columns as one group
//     ending at its end, overlapping the group before (whose columns get the same values again), and the
//     columns whose window touches the padding one by one. Each cell adds its taps in the
//     reference order (ky, kx) and the bias last, so the results equal the reference loops exactly.
//   - everything else: im2col + matrix multiply. A block of output cells is unrolled into a matrix whose
//     row holds the cell's window (kh * kw * C values, padding as zeros, in the kernel's ky, kx, c order);
//     that matrix times the kernel bank seen as a (kh * kw * C) x F matrix is the H' x W' x F output. The
//     matrix is made a block of the matrix multiply at a time (mc cells by at most kc values of their
//     windows, about 200 KB) and the multiply reads it where it was made, so it stays in cache, is written
//     once and memory stays bounded. The im2col reads each example where it lies (`ExampleRows`,
//     ConvolutionBatch.swift), one or a group.

extension Convolution {
    /// About 1 MB of windows, in values: the most a band of forward rows (`forwardBandRows`) or a batch's group
    /// of examples (`batchGroups`) spans of the windows' matrix, so that the work comes in cache-sized pieces.
    static let unrolledBlockValues = 1 << 17

    /// The largest window (kh * kw * C) the im2col path unrolls; larger windows use the reference loops.
    static let maxUnrolledWindow = 1 << 22

    /// Convolves quickly (direct SIMD loops or im2col + blocked matrix multiply).
    /// - Parameters:
    ///   - input: H x W or H x W x C.
    ///   - kernel: kh x kw, kh x kw x C or kh x kw x C x F.
    ///   - bias: nil, or one value per filter.
    /// - Returns: H' x W' for a 2-D kernel on a 2-D input, else H' x W' x F.
    /// - Throws: `CoreError` when the shapes do not fit (see `plan(inputShape:kernelShape:biasShape:)`).
    public func apply(_ input: Tensor, kernel: Tensor, bias: Tensor? = nil) throws -> Tensor {
        try apply(input, kernel: kernel, bias: bias,
                  plan: try plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape))
    }

    /// Convolves with a plan already made for these shapes (`plan(inputShape:kernelShape:biasShape:)`), so a
    /// caller that shows the plan does not check the shapes twice. A plan for other shapes is made anew.
    public func apply(_ input: Tensor, kernel: Tensor, bias: Tensor?, plan given: ConvolutionPlan) throws -> Tensor {
        var plan = given
        if given.inputShape != input.shape || given.kernelShape != kernel.shape || given.hasBias != (bias != nil)
            || given.stride != stride || given.dilation != dilation || given.padding != padding {
            plan = try self.plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape)
        }
        let window = plan.kernel.rows * plan.kernel.cols * plan.inputChannels
        if plan.inputChannels > 1 || plan.filters > 1, window > Convolution.maxUnrolledWindow {
            return try applyReference(input, kernel: kernel, bias: bias)
        }
        var output = [Double](unsafeUninitializedCapacity: plan.outputCount) { _, initialized in initialized = plan.outputCount }
        let biasValues = bias?.scalars ?? []
        input.scalars.withUnsafeBufferPointer { x in
            kernel.scalars.withUnsafeBufferPointer { w in
                biasValues.withUnsafeBufferPointer { b in
                    output.withUnsafeMutableBufferPointer { out in
                        guard let px = x.baseAddress, let pw = w.baseAddress, let po = out.baseAddress else { return }
                        let pb = plan.hasBias ? b.baseAddress : nil
                        if plan.inputChannels == 1 && plan.filters == 1 {
                            directSingleChannel(plan: plan, input: px, kernel: pw, bias: pb, output: po)
                        } else {
                            unrolledMultiply(plan: plan, input: ExampleRows(px, size: input.count, rows: plan.outputHeight.value * plan.outputWidth.value),
                                             kernel: pw, bias: pb, output: po)
                        }
                    }
                }
            }
        }
        // The loops stop early when Ctrl-C was pressed; then the half-made output is thrown away.
        try Interruption.check("conv")
        return Tensor(unchecked: plan.outputShape, scalars: output)
    }

    // MARK: - One channel, one filter: direct loops

    /// The work (multiply-adds) from which one convolution is split over the cores; below it (a few
    /// milliseconds) an interactive operation stays on the calling thread.
    static let parallelMultiplyAdds = 1 << 22

    /// Raw pointers handed to the worker threads; each worker writes only its own rows of `output`.
    struct SharedPointers: @unchecked Sendable {
        let input: UnsafePointer<Double>, kernel: UnsafePointer<Double>, bias: UnsafePointer<Double>?
        let output: UnsafeMutablePointer<Double>
    }

    /// The kernel bank, bias and output handed to the worker threads of the im2col path.
    struct BankPointers: @unchecked Sendable {
        let kernel: UnsafePointer<Double>, bias: UnsafePointer<Double>?
        let output: UnsafeMutablePointer<Double>
    }

    /// One output row at a time; large convolutions split their output rows over the cores. Every cell is
    /// computed the same way on whichever thread, so the bits do not depend on the number of threads.
    private func directSingleChannel(plan: ConvolutionPlan, input: UnsafePointer<Double>, kernel: UnsafePointer<Double>,
                                     bias: UnsafePointer<Double>?, output: UnsafeMutablePointer<Double>) {
        let rows = plan.outputHeight.value
        let pieces = plan.multiplyAdds >= Convolution.parallelMultiplyAdds ? min(Parallel.threads, rows) : 1
        guard pieces > 1 else {
            directSingleChannelRows(0..<rows, plan: plan, input: input, kernel: kernel, bias: bias, output: output)
            return
        }
        let shared = SharedPointers(input: input, kernel: kernel, bias: bias, output: output)
        _ = try? Parallel.map(pieces) { piece in
            directSingleChannelRows((piece * rows / pieces)..<((piece + 1) * rows / pieces), plan: plan, input: shared.input,
                                    kernel: shared.kernel, bias: shared.bias, output: shared.output)
        }
    }

    /// Output rows `rows`: the interior 32 columns at a time (four SIMD8<Double> accumulators, four groups
    /// of eight columns; three rows at once where they share their input rows), then 8 at a time, reading
    /// contiguous input; the edge columns, whose window touches the padding, one by one over their taps inside
    /// the input. Each cell adds its taps in the reference
    /// order (ky, kx) and the bias last, so the results equal the reference loops exactly.
    private func directSingleChannelRows(_ rows: Range<Int>, plan: ConvolutionPlan, input: UnsafePointer<Double>,
                                         kernel: UnsafePointer<Double>, bias: UnsafePointer<Double>?,
                                         output: UnsafeMutablePointer<Double>) {
        let height = plan.inputHeight, width = plan.inputWidth
        let kernelHeight = plan.kernel.rows, kernelWidth = plan.kernel.cols
        let outputWidth = plan.outputWidth.value
        let top = plan.paddingAmounts.top, left = plan.paddingAmounts.left
        let rowStep = stride.rows, columnStep = stride.cols, rowGap = dilation.rows, columnGap = dilation.cols
        let biasValue = bias?.pointee ?? 0, hasBias = bias != nil
        // Output columns whose whole window lies inside the input: ix = ox*s - left + kx*d in 0..<width.
        var interiorStart = outputWidth, interiorEnd = outputWidth
        if columnStep == 1 {
            interiorStart = min(left, outputWidth)
            interiorEnd = max(interiorStart, min(outputWidth, width &+ left &- (kernelWidth &- 1) &* columnGap))
        }
        // The interior columns done in whole groups of 32, then of 8, end here.
        let interior = interiorEnd &- interiorStart
        let wideEnd = interiorStart &+ interior / 32 &* 32
        let vectorEnd = interiorStart &+ interior / 8 &* 8
        // Several output rows at once share their input rows (stride 1, no row dilation, the whole kernel inside).
        let sharesRows = rowStep == 1 && rowGap == 1
        let sixRows = sharesRows && kernelHeight == 3 && kernelWidth == 3 && columnGap == 1 && interior >= 16

        var oy = rows.lowerBound
        while oy < rows.upperBound {
            if Interruption.isRequested { return }
            let firstRow = oy &* rowStep &- top
            if sixRows && oy &+ 6 <= rows.upperBound && firstRow >= 0 && firstRow &+ 5 &+ kernelHeight <= height {
                // The interior in groups of 16, the last group ending at its end (overlapping the group before it:
                // those columns get the same values again).
                let rowsInput = input + (firstRow &* width &- left), bias = hasBias ? biasValue : nil
                let groupsEnd = interiorStart &+ interior / 16 &* 16
                sixRowsWide3x3(output: output + oy &* outputWidth, outputWidth: outputWidth, columns: interiorStart..<groupsEnd,
                               input: rowsInput, width: width, kernel: kernel, bias: bias)
                if groupsEnd < interiorEnd {
                    sixRowsWide3x3(output: output + oy &* outputWidth, outputWidth: outputWidth,
                                   columns: (interiorEnd &- 16)..<interiorEnd, input: rowsInput, width: width, kernel: kernel, bias: bias)
                }
                for r in 0..<6 { rowFromColumn(interiorEnd, oy &+ r) }
                oy &+= 6
            } else if sharesRows && wideEnd > interiorStart && oy &+ 3 <= rows.upperBound && firstRow >= 0
                        && firstRow &+ 2 &+ kernelHeight <= height {
                threeRowsWide(output: output + oy &* outputWidth, outputWidth: outputWidth, columns: interiorStart..<wideEnd,
                              input: input + (firstRow &* width &- left), width: width, kernel: kernel,
                              kernelHeight: kernelHeight, kernelWidth: kernelWidth, columnGap: columnGap,
                              bias: hasBias ? biasValue : nil)
                for r in 0..<3 { rowFromColumn(wideEnd, oy &+ r) }
                oy &+= 3
            } else {
                rowFromColumn(interiorStart, oy)
                oy &+= 1
            }
        }

        /// One output row from column `start` of the interior on: 32, then 8 columns at a time, then the edges.
        func rowFromColumn(_ start: Int, _ oy: Int) {
            let outRow = output + oy &* outputWidth
            let firstRow = oy &* rowStep &- top
            // Kernel rows that land inside the input for this output row.
            let kyStart = max(0, (rowGap &- 1 &- firstRow) / rowGap)
            let kyEnd = max(kyStart, min(kernelHeight, (height &- firstRow &+ rowGap &- 1) / rowGap))

            var ox = start
            while ox < wideEnd {
                var a0 = SIMD8<Double>(), a1 = SIMD8<Double>(), a2 = SIMD8<Double>(), a3 = SIMD8<Double>()
                var ky = kyStart
                while ky < kyEnd {
                    let row = UnsafeRawPointer(input + ((firstRow &+ ky &* rowGap) &* width &+ ox &- left))
                    let weights = kernel + ky &* kernelWidth
                    for kx in 0..<kernelWidth {
                        let values = row + kx &* columnGap &* 8
                        let w = SIMD8(repeating: weights[kx])
                        a0.addProduct(w, values.loadUnaligned(as: SIMD8<Double>.self))
                        a1.addProduct(w, values.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self))
                        a2.addProduct(w, values.loadUnaligned(fromByteOffset: 128, as: SIMD8<Double>.self))
                        a3.addProduct(w, values.loadUnaligned(fromByteOffset: 192, as: SIMD8<Double>.self))
                    }
                    ky &+= 1
                }
                if hasBias {
                    let b = SIMD8(repeating: biasValue)
                    a0 += b; a1 += b; a2 += b; a3 += b
                }
                let target = UnsafeMutableRawPointer(outRow + ox)
                target.storeBytes(of: a0, as: SIMD8<Double>.self)
                target.storeBytes(of: a1, toByteOffset: 64, as: SIMD8<Double>.self)
                target.storeBytes(of: a2, toByteOffset: 128, as: SIMD8<Double>.self)
                target.storeBytes(of: a3, toByteOffset: 192, as: SIMD8<Double>.self)
                ox &+= 32
            }
            /// Output columns ox ..< ox + 8.
            func eight(_ ox: Int) {
                var acc = SIMD8<Double>()
                var ky = kyStart
                while ky < kyEnd {
                    let row = input + ((firstRow &+ ky &* rowGap) &* width &+ ox &- left)
                    let weights = kernel + ky &* kernelWidth
                    for kx in 0..<kernelWidth {
                        acc.addProduct(SIMD8(repeating: weights[kx]), UnsafeRawPointer(row + kx &* columnGap).loadUnaligned(as: SIMD8<Double>.self))
                    }
                    ky &+= 1
                }
                if hasBias { acc += SIMD8(repeating: biasValue) }
                UnsafeMutableRawPointer(outRow + ox).storeBytes(of: acc, as: SIMD8<Double>.self)
            }
            while ox < vectorEnd {
                eight(ox)
                ox &+= 8
            }
            // The interior's last few columns: eight ending at its end, overlapping the ones before (which get the
            // same values again); an interior narrower than 8 one cell at a time.
            if ox < interiorEnd {
                if interior >= 8 {
                    eight(interiorEnd &- 8)
                } else {
                    for ox in ox..<interiorEnd {
                        outRow[ox] = edgeCell(ox: ox, firstRow: firstRow, kyRange: kyStart..<kyEnd, plan: plan, input: input,
                                              kernel: kernel, bias: bias)
                    }
                }
            }
            // The edge columns, one cell at a time over the taps inside the input.
            for ox in 0..<interiorStart {
                outRow[ox] = edgeCell(ox: ox, firstRow: firstRow, kyRange: kyStart..<kyEnd, plan: plan, input: input,
                                      kernel: kernel, bias: bias)
            }
            for ox in interiorEnd..<outputWidth {
                outRow[ox] = edgeCell(ox: ox, firstRow: firstRow, kyRange: kyStart..<kyEnd, plan: plan, input: input,
                                      kernel: kernel, bias: bias)
            }
        }
    }

    /// Three consecutive output rows (stride 1, no row dilation, every kernel row inside the input), 32 columns
    /// at a time: input row i serves output row r with kernel row i - r, so each input value is loaded once for
    /// all three. Output row r still adds its taps in the reference order (kernel row, then column; the bias
    /// last), as `rowFromColumn` does, so the bits are the same.
    /// `input` points at the first row's window for column 0 (its first input row, minus the left padding).
    @inline(__always)
    private func threeRowsWide(output: UnsafeMutablePointer<Double>, outputWidth: Int, columns: Range<Int>,
                               input: UnsafePointer<Double>, width: Int, kernel: UnsafePointer<Double>,
                               kernelHeight: Int, kernelWidth: Int, columnGap: Int, bias: Double?) {
        var ox = columns.lowerBound
        while ox < columns.upperBound {
            var a0 = SIMD8<Double>(), a1 = SIMD8<Double>(), a2 = SIMD8<Double>(), a3 = SIMD8<Double>()
            var b0 = SIMD8<Double>(), b1 = SIMD8<Double>(), b2 = SIMD8<Double>(), b3 = SIMD8<Double>()
            var c0 = SIMD8<Double>(), c1 = SIMD8<Double>(), c2 = SIMD8<Double>(), c3 = SIMD8<Double>()
            for i in 0..<(kernelHeight &+ 2) {
                let row = UnsafeRawPointer(input + (i &* width &+ ox))
                // Output rows 0, 1, 2 use kernel rows i, i - 1, i - 2 where those exist.
                let useA = i < kernelHeight, useB = i >= 1 && i <= kernelHeight, useC = i >= 2
                for kx in 0..<kernelWidth {
                    let values = row + kx &* columnGap &* 8
                    let v0 = values.loadUnaligned(as: SIMD8<Double>.self)
                    let v1 = values.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self)
                    let v2 = values.loadUnaligned(fromByteOffset: 128, as: SIMD8<Double>.self)
                    let v3 = values.loadUnaligned(fromByteOffset: 192, as: SIMD8<Double>.self)
                    if useA {
                        let w = SIMD8(repeating: kernel[i &* kernelWidth &+ kx])
                        a0.addProduct(w, v0); a1.addProduct(w, v1); a2.addProduct(w, v2); a3.addProduct(w, v3)
                    }
                    if useB {
                        let w = SIMD8(repeating: kernel[(i &- 1) &* kernelWidth &+ kx])
                        b0.addProduct(w, v0); b1.addProduct(w, v1); b2.addProduct(w, v2); b3.addProduct(w, v3)
                    }
                    if useC {
                        let w = SIMD8(repeating: kernel[(i &- 2) &* kernelWidth &+ kx])
                        c0.addProduct(w, v0); c1.addProduct(w, v1); c2.addProduct(w, v2); c3.addProduct(w, v3)
                    }
                }
            }
            if let bias {
                let b = SIMD8(repeating: bias)
                a0 += b; a1 += b; a2 += b; a3 += b
                b0 += b; b1 += b; b2 += b; b3 += b
                c0 += b; c1 += b; c2 += b; c3 += b
            }
            Self.store(a0, a1, a2, a3, to: output + ox)
            Self.store(b0, b1, b2, b3, to: output + (outputWidth &+ ox))
            Self.store(c0, c1, c2, c3, to: output + (2 &* outputWidth &+ ox))
            ox &+= 32
        }
    }

    /// Six consecutive output rows of a 3 x 3 kernel without dilation, 16 columns at a time: input row i (0 to
    /// 7) serves output row r with kernel row i - r, so each input value is loaded once for three output rows
    /// and eight input rows feed six (five fed three). The nine weights stay in registers; each output adds its
    /// taps in the reference order and the bias last, as `threeRowsWide` does, so the bits are the same.
    @inline(__always)
    private func sixRowsWide3x3(output: UnsafeMutablePointer<Double>, outputWidth: Int, columns: Range<Int>,
                                input: UnsafePointer<Double>, width: Int, kernel: UnsafePointer<Double>, bias: Double?) {
        let w00 = SIMD8(repeating: kernel[0]), w01 = SIMD8(repeating: kernel[1]), w02 = SIMD8(repeating: kernel[2])
        let w10 = SIMD8(repeating: kernel[3]), w11 = SIMD8(repeating: kernel[4]), w12 = SIMD8(repeating: kernel[5])
        let w20 = SIMD8(repeating: kernel[6]), w21 = SIMD8(repeating: kernel[7]), w22 = SIMD8(repeating: kernel[8])
        @inline(__always) func put(_ r: Int, _ first: SIMD8<Double>, _ second: SIMD8<Double>, _ ox: Int) {
            let target = UnsafeMutableRawPointer(output + (r &* outputWidth &+ ox))
            target.storeBytes(of: first, as: SIMD8<Double>.self)
            target.storeBytes(of: second, toByteOffset: 64, as: SIMD8<Double>.self)
        }
        var ox = columns.lowerBound
        while ox < columns.upperBound {
            // Output row r's sums for the two groups of 8 columns: s[r] and t[r].
            var s0 = SIMD8<Double>(), s1 = SIMD8<Double>(), s2 = SIMD8<Double>()
            var s3 = SIMD8<Double>(), s4 = SIMD8<Double>(), s5 = SIMD8<Double>()
            var t0 = SIMD8<Double>(), t1 = SIMD8<Double>(), t2 = SIMD8<Double>()
            var t3 = SIMD8<Double>(), t4 = SIMD8<Double>(), t5 = SIMD8<Double>()
            for i in 0..<8 {
                let row = UnsafeRawPointer(input + (i &* width &+ ox))
                let u0 = row.loadUnaligned(as: SIMD8<Double>.self)
                let u1 = row.loadUnaligned(fromByteOffset: 8, as: SIMD8<Double>.self)
                let u2 = row.loadUnaligned(fromByteOffset: 16, as: SIMD8<Double>.self)
                let v0 = row.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self)
                let v1 = row.loadUnaligned(fromByteOffset: 72, as: SIMD8<Double>.self)
                let v2 = row.loadUnaligned(fromByteOffset: 80, as: SIMD8<Double>.self)
                // Kernel row k of this input row goes to output row i - k (when it is one of the six).
                @inline(__always) func add(_ k0: SIMD8<Double>, _ k1: SIMD8<Double>, _ k2: SIMD8<Double>,
                                           _ s: inout SIMD8<Double>, _ t: inout SIMD8<Double>) {
                    s.addProduct(k0, u0); s.addProduct(k1, u1); s.addProduct(k2, u2)
                    t.addProduct(k0, v0); t.addProduct(k1, v1); t.addProduct(k2, v2)
                }
                switch i {
                case 0: add(w00, w01, w02, &s0, &t0)
                case 1: add(w10, w11, w12, &s0, &t0); add(w00, w01, w02, &s1, &t1)
                case 2: add(w20, w21, w22, &s0, &t0); add(w10, w11, w12, &s1, &t1); add(w00, w01, w02, &s2, &t2)
                case 3: add(w20, w21, w22, &s1, &t1); add(w10, w11, w12, &s2, &t2); add(w00, w01, w02, &s3, &t3)
                case 4: add(w20, w21, w22, &s2, &t2); add(w10, w11, w12, &s3, &t3); add(w00, w01, w02, &s4, &t4)
                case 5: add(w20, w21, w22, &s3, &t3); add(w10, w11, w12, &s4, &t4); add(w00, w01, w02, &s5, &t5)
                case 6: add(w20, w21, w22, &s4, &t4); add(w10, w11, w12, &s5, &t5)
                default: add(w20, w21, w22, &s5, &t5)
                }
            }
            if let bias {
                let shift = SIMD8(repeating: bias)
                s0 += shift; s1 += shift; s2 += shift; s3 += shift; s4 += shift; s5 += shift
                t0 += shift; t1 += shift; t2 += shift; t3 += shift; t4 += shift; t5 += shift
            }
            put(0, s0, t0, ox); put(1, s1, t1, ox); put(2, s2, t2, ox)
            put(3, s3, t3, ox); put(4, s4, t4, ox); put(5, s5, t5, ox)
            ox &+= 16
        }
    }

    /// Writes 32 consecutive values.
    @inline(__always)
    private static func store(_ x0: SIMD8<Double>, _ x1: SIMD8<Double>, _ x2: SIMD8<Double>, _ x3: SIMD8<Double>,
                              to target: UnsafeMutablePointer<Double>) {
        let raw = UnsafeMutableRawPointer(target)
        raw.storeBytes(of: x0, as: SIMD8<Double>.self)
        raw.storeBytes(of: x1, toByteOffset: 64, as: SIMD8<Double>.self)
        raw.storeBytes(of: x2, toByteOffset: 128, as: SIMD8<Double>.self)
        raw.storeBytes(of: x3, toByteOffset: 192, as: SIMD8<Double>.self)
    }

    /// One output cell the plain way: its taps inside the input in (ky, kx) order, then the bias.
    @inline(__always)
    private func edgeCell(ox: Int, firstRow: Int, kyRange: Range<Int>, plan: ConvolutionPlan, input: UnsafePointer<Double>,
                          kernel: UnsafePointer<Double>, bias: UnsafePointer<Double>?) -> Double {
        let width = plan.inputWidth, kernelWidth = plan.kernel.cols, columnGap = dilation.cols
        let firstColumn = ox &* stride.cols &- plan.paddingAmounts.left
        // The taps whose column lies inside the input: firstColumn + kx * d in 0..<width.
        let kxStart = max(0, (columnGap &- 1 &- firstColumn) / columnGap)
        let kxEnd = min(kernelWidth, (width &- firstColumn &+ columnGap &- 1) / columnGap)
        var sum = 0.0
        for ky in kyRange {
            let row = input + ((firstRow &+ ky &* dilation.rows) &* width &+ firstColumn)
            let weights = kernel + ky &* kernelWidth
            var kx = kxStart
            while kx < kxEnd {
                sum.addProduct(row[kx &* columnGap], weights[kx])
                kx &+= 1
            }
        }
        if let bias { sum += bias.pointee }
        return sum
    }

    // MARK: - General case: im2col + matrix multiply

    /// The output cells multiplied in one go (and one piece of work when a large convolution spreads its rows
    /// over the cores): whole blocks of mc rows, at most about 1 MB of windows and 256 KB of output, so the
    /// output is still in cache when the bias is added to it.
    static func forwardBandRows(window: Int, filters: Int) -> Int {
        let fitting = min(Convolution.unrolledBlockValues / max(window, 1), (1 << 15) / max(filters, 1))
        return max(1, fitting / MatrixMultiply.mc) * MatrixMultiply.mc
    }

    /// The windows of output cells times the kernel bank, by the matrix multiply: the windows are made a block
    /// of the multiply at a time (mc cells, one block of the k dimension) and read where they were made.
    /// `input` gives the examples (one, or a batch's group: Sources/CNNCore/ConvolutionBatch.swift), each read
    /// where it lies, and `output` receives their outputs one after the other; the rows of the windows' matrix
    /// run over the cells of every example, so small maps still make tall matrices. Each output value is the
    /// same bits however many examples there are and however the rows are cut: the matrix multiply adds a row's
    /// products in an order set by the window alone, and the bias last. With `relu`, relu of that, applied to
    /// each band while it is in cache. `packedBank` is the bank packed for the multiply (`packedBank(plan:kernel:)`),
    /// for a caller that convolves many inputs with it; by default it is packed here, once for every band.
    func unrolledMultiply(plan: ConvolutionPlan, input: ExampleRows, kernel: UnsafePointer<Double>,
                          packedBank: MatrixMultiply.PackedB? = nil, bias: UnsafePointer<Double>?, relu: Bool = false,
                          output: UnsafeMutablePointer<Double>, parallel: Bool = true) {
        let filters = plan.filters
        let rows = input.rows
        let window = plan.kernel.rows * plan.kernel.cols * plan.inputChannels
        let smallWindow = Convolution.usesSmallWindow(window: window, filters: filters)
        let bank = packedBank ?? Convolution.packedBank(plan: plan, kernel: kernel)
        let shared = BankPointers(kernel: kernel, bias: bias, output: output)
        // Output rows `band`: their windows, made block by block, times the kernel bank, then the bias.
        let band: @Sendable (Range<Int>) -> Void = { band in
            guard !band.isEmpty else { return }
            let target = shared.output + band.lowerBound * filters
            if smallWindow {
                smallWindowMultiply(plan: plan, input: input, rows: band, kernel: shared.kernel, output: target)
                Convolution.finish(target, rows: band.count, filters: filters, bias: shared.bias, relu: relu)
                return
            }
            MatrixMultiply.multiplyPacking(m: band.count, n: filters, k: window, packingA: { cells, depths, out in
                input.forEachPiece(of: (band.lowerBound + cells.lowerBound)..<(band.lowerBound + cells.upperBound)) { example, cells, offset in
                    unroll(plan: plan, input: example, firstRow: cells.lowerBound, count: cells.count, depths: depths,
                           into: out + offset * depths.count)
                }
            }, packedB: bank.values, c: target, ldc: filters, accumulate: false, aInRows: true)
            Convolution.finish(target, rows: band.count, filters: filters, bias: shared.bias, relu: relu)
        }
        // A large convolution spreads the bands over the cores (a row's values do not depend on who computes it,
        // nor on where its band starts).
        let bandRows = Convolution.forwardBandRows(window: window, filters: filters)
        let bands = (rows + bandRows - 1) / bandRows
        if parallel && bands > 1 && Parallel.threads > 1 && plan.multiplyAdds * input.examples >= Convolution.parallelMultiplyAdds {
            _ = try? Parallel.map(bands) { b in
                if Interruption.isRequested { return }
                band((b * bandRows)..<min(rows, (b + 1) * bandRows))
            }
            return
        }
        for b in 0..<bands {
            if Interruption.isRequested { return }
            band((b * bandRows)..<min(rows, (b + 1) * bandRows))
        }
    }

    /// A plan's kernel bank packed once for the matrix multiply (the same B in every band's product). The
    /// small-window path reads the bank where it lies instead.
    static func packedBank(plan: ConvolutionPlan, kernel: UnsafePointer<Double>) -> MatrixMultiply.PackedB {
        let window = plan.kernel.rows * plan.kernel.cols * plan.inputChannels
        return MatrixMultiply.PackedB(kernel, ldb: plan.filters, k: window, n: plan.filters)
    }

    /// The largest window the small-window path takes (one block of the matrix multiply's k dimension).
    static let smallWindow = 32

    /// Whether a convolution's windows times its bank go the small-window way (`smallWindowMultiply`): a
    /// window of at most `smallWindow` values (a first layer: 3 x 3 x 1, 3 x 3 x 3), filters in 32s.
    static func usesSmallWindow(window: Int, filters: Int) -> Bool {
        window <= smallWindow && window <= MatrixMultiply.kc && filters % 32 == 0
    }

    /// Output rows `rows` of the windows' matrix times the kernel bank, for a small window: the windows are
    /// made 48 cells at a time into a buffer on the stack, and three cells by 32 filters are summed at a time
    /// in twelve registers, the bank's rows read where they lie. Where the matrix multiply's tiles would spend
    /// more time starting and storing than summing (9 or 27 products each), this keeps the registers busy.
    /// Each output adds its window's products in order from the first, as the matrix multiply does for a
    /// window that is one block of k, so the bits are the same.
    func smallWindowMultiply(plan: ConvolutionPlan, input: ExampleRows, rows: Range<Int>, kernel: UnsafePointer<Double>,
                             output: UnsafeMutablePointer<Double>) {
        let window = plan.kernel.rows * plan.kernel.cols * plan.inputChannels, filters = plan.filters
        let chunk = 48
        withUnsafeTemporaryAllocation(of: Double.self, capacity: chunk * window) { buffer in
            guard let windows = buffer.baseAddress else { return }
            var first = rows.lowerBound
            while first < rows.upperBound {
                let count = min(chunk, rows.upperBound - first)
                input.forEachPiece(of: first..<(first + count)) { example, cells, offset in
                    unroll(plan: plan, input: example, firstRow: cells.lowerBound, count: cells.count, into: windows + offset * window)
                }
                let out = output + (first - rows.lowerBound) * filters
                var f = 0
                while f < filters {
                    var i = 0
                    while i < count {
                        let cells = min(3, count - i)
                        Convolution.cellsTimes32Filters(cells: cells, window: window, windows: windows + i * window,
                                                        weights: kernel + f, filters: filters, output: out + i * filters + f)
                        i += cells
                    }
                    f += 32
                }
                first += count
            }
        }
    }

    /// Up to three cells' windows (one after the other, `window` values each) times 32 filters of the bank
    /// (row p at weights + p * filters): each output's products added in window order, from the first.
    @inline(__always)
    static func cellsTimes32Filters(cells: Int, window: Int, windows: UnsafePointer<Double>, weights: UnsafePointer<Double>,
                                    filters: Int, output: UnsafeMutablePointer<Double>) {
        var a0 = SIMD8<Double>(), a1 = SIMD8<Double>(), a2 = SIMD8<Double>(), a3 = SIMD8<Double>()
        var b0 = SIMD8<Double>(), b1 = SIMD8<Double>(), b2 = SIMD8<Double>(), b3 = SIMD8<Double>()
        var c0 = SIMD8<Double>(), c1 = SIMD8<Double>(), c2 = SIMD8<Double>(), c3 = SIMD8<Double>()
        // The missing cells of the last group read the first again; their sums are never written.
        let x = windows, y = cells > 1 ? windows + window : windows, z = cells > 2 ? windows + 2 * window : windows
        for p in 0..<window {
            let row = UnsafeRawPointer(weights + p &* filters)
            let w0 = row.loadUnaligned(as: SIMD8<Double>.self), w1 = row.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self)
            let w2 = row.loadUnaligned(fromByteOffset: 128, as: SIMD8<Double>.self)
            let w3 = row.loadUnaligned(fromByteOffset: 192, as: SIMD8<Double>.self)
            let u = SIMD8(repeating: x[p]), v = SIMD8(repeating: y[p]), t = SIMD8(repeating: z[p])
            a0.addProduct(u, w0); a1.addProduct(u, w1); a2.addProduct(u, w2); a3.addProduct(u, w3)
            b0.addProduct(v, w0); b1.addProduct(v, w1); b2.addProduct(v, w2); b3.addProduct(v, w3)
            c0.addProduct(t, w0); c1.addProduct(t, w1); c2.addProduct(t, w2); c3.addProduct(t, w3)
        }
        store(a0, a1, a2, a3, to: output)
        if cells > 1 { store(b0, b1, b2, b3, to: output + filters) }
        if cells > 2 { store(c0, c1, c2, c3, to: output + 2 * filters) }
    }

    /// Adds the bias to `rows` rows of `filters` outputs and applies relu (`Activation.relu`), in one pass,
    /// eight filters at a time where they come in eights.
    static func finish(_ target: UnsafeMutablePointer<Double>, rows: Int, filters: Int, bias: UnsafePointer<Double>?,
                       relu: Bool) {
        guard bias != nil || relu else { return }
        let wide = filters / 8 * 8
        for i in 0..<rows {
            let row = target + i &* filters
            var f = 0
            while f < wide {
                let raw = UnsafeMutableRawPointer(row + f)
                var v = raw.loadUnaligned(as: SIMD8<Double>.self)
                if let bias { v += UnsafeRawPointer(bias + f).loadUnaligned(as: SIMD8<Double>.self) }
                // relu: x <= 0 (and -0.0) becomes +0.0; NaN is not <= 0, so it stays.
                if relu { v.replace(with: 0, where: v .<= 0) }
                raw.storeBytes(of: v, as: SIMD8<Double>.self)
                f &+= 8
            }
            while f < filters {
                var x = row[f]
                if let bias { x += bias[f] }
                row[f] = relu ? Activation.relu(x) : x
                f &+= 1
            }
        }
    }

    /// im2col: rows `firstRow ..< firstRow + count` of the windows' matrix, each the window of one output cell
    /// (kh * kw * C values in the kernel's ky, kx, c order, zeros over the padding), or only its values at
    /// `depths` (one block of the matrix multiply's k dimension), one row after the other at `unrolled`. Row r
    /// is cell r % cells of example r / cells, the examples lying one after the other in `input` (the callers
    /// hand one at a time).
    func unroll(plan: ConvolutionPlan, input: UnsafePointer<Double>, firstRow: Int, count: Int, depths: Range<Int>? = nil,
                into unrolled: UnsafeMutablePointer<Double>) {
        let height = plan.inputHeight, width = plan.inputWidth, channels = plan.inputChannels
        let kernelHeight = plan.kernel.rows, kernelWidth = plan.kernel.cols
        let outputWidth = plan.outputWidth.value
        let cells = plan.outputHeight.value * outputWidth
        let rowLength = kernelWidth * channels
        let slice = depths ?? 0..<(kernelHeight * rowLength)
        let inputSize = height &* width &* channels
        let top = plan.paddingAmounts.top, left = plan.paddingAmounts.left
        let rowStep = stride.rows, columnStep = stride.cols, rowGap = dilation.rows, columnGap = dilation.cols
        // The kernel rows the slice touches, and where it starts and ends in the first and the last.
        let firstKernelRow = slice.lowerBound / max(rowLength, 1)
        let lastKernelRow = (slice.upperBound - 1) / max(rowLength, 1)
        // The first row's example and cell, then each next one by counting (no division per row).
        var example = firstRow / max(cells, 1), oy = firstRow % max(cells, 1) / max(outputWidth, 1)
        var ox = firstRow % max(cells, 1) % max(outputWidth, 1)
        for i in 0..<count {
            defer {
                ox &+= 1
                if ox == outputWidth {
                    ox = 0
                    oy &+= 1
                    if oy &* outputWidth == cells {
                        oy = 0
                        example &+= 1
                    }
                }
            }
            let source = input + example &* inputSize
            var dst = unrolled + i &* slice.count
            let firstColumn = ox &* columnStep &- left
            let rowInside = columnGap == 1 && firstColumn >= 0 && firstColumn &+ kernelWidth <= width
            var ky = firstKernelRow
            while ky <= lastKernelRow {
                // The part of kernel row ky's kw * C values inside the slice.
                let from = ky == firstKernelRow ? slice.lowerBound &- ky &* rowLength : 0
                let to = ky == lastKernelRow ? slice.upperBound &- ky &* rowLength : rowLength
                defer {
                    dst += to &- from
                    ky &+= 1
                }
                let iy = oy &* rowStep &+ ky &* rowGap &- top
                if iy < 0 || iy >= height {
                    Convolution.fill(dst, count: to &- from)
                    continue
                }
                let sourceRow = source + iy &* width &* channels
                if rowInside {
                    // The whole row of the window lies inside: one contiguous copy.
                    Convolution.copy(sourceRow + (firstColumn &* channels &+ from), to: dst, count: to &- from)
                    continue
                }
                // Tap by tap (kx), each tap's channels in the part.
                var q = from
                while q < to {
                    let kx = q / channels, c = q &- kx &* channels
                    let n = min(channels &- c, to &- q)
                    let ix = firstColumn &+ kx &* columnGap
                    if ix < 0 || ix >= width {
                        Convolution.fill(dst + (q &- from), count: n)
                    } else {
                        Convolution.copy(sourceRow + (ix &* channels &+ c), to: dst + (q &- from), count: n)
                    }
                    q &+= n
                }
            }
        }
    }

    /// Copies `count` values eight at a time (a call to memmove costs more than a window row of 3 values).
    @inline(__always)
    static func copy(_ source: UnsafePointer<Double>, to target: UnsafeMutablePointer<Double>, count: Int) {
        var i = 0
        while i &+ 8 <= count {
            UnsafeMutableRawPointer(target + i).storeBytes(of: UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Double>.self),
                                                           as: SIMD8<Double>.self)
            i &+= 8
        }
        while i &+ 2 <= count {
            UnsafeMutableRawPointer(target + i).storeBytes(of: UnsafeRawPointer(source + i).loadUnaligned(as: SIMD2<Double>.self),
                                                           as: SIMD2<Double>.self)
            i &+= 2
        }
        if i < count { target[i] = source[i] }
    }

    /// Sets `count` values to zero, eight at a time.
    @inline(__always)
    static func fill(_ target: UnsafeMutablePointer<Double>, count: Int) {
        var i = 0
        while i &+ 8 <= count {
            UnsafeMutableRawPointer(target + i).storeBytes(of: SIMD8<Double>(), as: SIMD8<Double>.self)
            i &+= 8
        }
        while i &+ 2 <= count {
            UnsafeMutableRawPointer(target + i).storeBytes(of: SIMD2<Double>(), as: SIMD2<Double>.self)
            i &+= 2
        }
        if i < count { target[i] = 0 }
    }
}
