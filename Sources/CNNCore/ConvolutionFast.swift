// ConvolutionFast: the fast convolution used by default; same results as ConvolutionReference up to rounding.
//
// Two strategies, chosen from the plan:
//   - one channel, one filter (an image and a 2-D kernel): direct loops. For each output row the kernel taps
//     are summed eight output columns at a time in a SIMD8<Double> register, reading contiguous input; the
//     columns whose window touches the padding are done one by one. Each cell adds its taps in the
//     reference order (ky, kx) and the bias last, so the results equal the reference loops exactly.
//   - everything else: im2col + matrix multiply. A block of output cells is unrolled into a matrix whose
//     row holds the cell's window (kh * kw * C values, padding as zeros, in the kernel's ky, kx, c order);
//     that matrix times the kernel bank seen as a (kh * kw * C) x F matrix is the block of the H' x W' x F
//     output. Blocks keep the unrolled matrix near 1 MB, so it stays in cache and memory stays bounded.

extension Convolution {
    /// The target size, in values, of one block of the unrolled (im2col) input matrix.
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
        var output = Array(repeating: 0.0, count: plan.outputCount)
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
                            unrolledMultiply(plan: plan, input: px, kernel: pw, bias: pb, output: po)
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

    /// One output row at a time; the interior eight columns at a time in SIMD registers.
    private func directSingleChannel(plan: ConvolutionPlan, input: UnsafePointer<Double>, kernel: UnsafePointer<Double>,
                                     bias: UnsafePointer<Double>?, output: UnsafeMutablePointer<Double>) {
        let height = plan.inputHeight, width = plan.inputWidth
        let kernelHeight = plan.kernel.rows, kernelWidth = plan.kernel.cols
        let outputHeight = plan.outputHeight.value, outputWidth = plan.outputWidth.value
        let top = plan.paddingAmounts.top, left = plan.paddingAmounts.left
        let biasValue = bias?.pointee
        // Output columns whose whole window lies inside the input: ix = ox*s - left + kx*d in 0..<width.
        var interiorStart = outputWidth, interiorEnd = outputWidth
        if stride.cols == 1 {
            interiorStart = min(left, outputWidth)
            interiorEnd = max(interiorStart, min(outputWidth, width + left - (kernelWidth - 1) * dilation.cols))
        }
        // The interior columns done in whole groups of eight end here.
        let vectorEnd = interiorStart + (interiorEnd - interiorStart) / 8 * 8

        for oy in 0..<outputHeight {
            if Interruption.isRequested { return }
            let outRow = output + oy * outputWidth
            let firstRow = oy * stride.rows - top
            // Kernel rows that land inside the input for this output row.
            let kyStart = max(0, (-firstRow + dilation.rows - 1) / dilation.rows)
            let kyEnd = min(kernelHeight, (height - firstRow + dilation.rows - 1) / dilation.rows)

            // The interior, eight columns at a time: acc = sum over ky, kx of w * input (contiguous loads).
            var ox = interiorStart
            while ox < vectorEnd {
                var acc = SIMD8<Double>()
                var ky = kyStart
                while ky < kyEnd {
                    let row = input + (firstRow + ky * dilation.rows) * width + ox - left
                    let weights = kernel + ky * kernelWidth
                    for kx in 0..<kernelWidth {
                        let values = UnsafeRawPointer(row + kx * dilation.cols).loadUnaligned(as: SIMD8<Double>.self)
                        acc += SIMD8(repeating: weights[kx]) * values
                    }
                    ky += 1
                }
                if let biasValue { acc += SIMD8(repeating: biasValue) }
                UnsafeMutableRawPointer(outRow + ox).storeBytes(of: acc, as: SIMD8<Double>.self)
                ox += 8
            }
            // Everything else one cell at a time, skipping taps in the padding.
            for ox in 0..<outputWidth where ox < interiorStart || ox >= vectorEnd {
                let firstColumn = ox * stride.cols - left
                var sum = 0.0
                var ky = kyStart
                while ky < kyEnd {
                    let row = input + (firstRow + ky * dilation.rows) * width
                    for kx in 0..<kernelWidth {
                        let ix = firstColumn + kx * dilation.cols
                        if ix >= 0 && ix < width { sum += row[ix] * kernel[ky * kernelWidth + kx] }
                    }
                    ky += 1
                }
                if let biasValue { sum += biasValue }
                outRow[ox] = sum
            }
        }
    }

    // MARK: - General case: im2col + matrix multiply

    /// Unrolls blocks of output cells into rows of windows and multiplies them by the kernel bank.
    /// `input` holds `examples` inputs one after the other and `output` receives their outputs one after the
    /// other (a batch: Sources/CNNCore/ConvolutionBatch.swift); the rows of the unrolled matrix run over the
    /// cells of every example, so small maps still make tall matrices. Each output value is the same bits
    /// whatever the number of examples (the matrix multiply adds a row's products in an order set by the
    /// window alone), except that one or two rows in all go through its vector-matrix path.
    func unrolledMultiply(plan: ConvolutionPlan, input: UnsafePointer<Double>, examples: Int = 1, kernel: UnsafePointer<Double>,
                          bias: UnsafePointer<Double>?, output: UnsafeMutablePointer<Double>) {
        let filters = plan.filters
        let cells = plan.outputHeight.value * plan.outputWidth.value
        let rows = cells * examples
        let window = plan.kernel.rows * plan.kernel.cols * plan.inputChannels
        // Whole blocks of mc rows for the matrix multiply, so that only the last block has edge tiles.
        let fitting = Convolution.unrolledBlockValues / window
        let blockRows = min(rows, fitting >= MatrixMultiply.mc ? fitting / MatrixMultiply.mc * MatrixMultiply.mc
                                                               : max(MatrixMultiply.mr, fitting))

        let unrolled = UnsafeMutablePointer<Double>.allocate(capacity: blockRows * window)
        defer { unrolled.deallocate() }

        var firstRow = 0
        while firstRow < rows {
            if Interruption.isRequested { return }
            let count = min(blockRows, rows - firstRow)
            unroll(plan: plan, input: input, firstRow: firstRow, count: count, into: unrolled)
            let block = output + firstRow * filters
            MatrixMultiply.multiplyUnchecked(m: count, n: filters, k: window, a: unrolled, lda: window,
                                             b: kernel, ldb: filters, c: block, ldc: filters, accumulate: false)
            if let bias {
                for i in 0..<count {
                    let row = block + i * filters
                    for f in 0..<filters { row[f] += bias[f] }
                }
            }
            firstRow += count
        }
    }

    /// im2col: rows `firstRow ..< firstRow + count` of the unrolled matrix, each the window of one output cell
    /// (kh * kw * C values in the kernel's ky, kx, c order, zeros over the padding). Row r is cell r % cells
    /// of example r / cells, the examples lying one after the other in `input`.
    func unroll(plan: ConvolutionPlan, input: UnsafePointer<Double>, firstRow: Int, count: Int,
                into unrolled: UnsafeMutablePointer<Double>) {
        let height = plan.inputHeight, width = plan.inputWidth, channels = plan.inputChannels
        let kernelHeight = plan.kernel.rows, kernelWidth = plan.kernel.cols
        let outputWidth = plan.outputWidth.value
        let cells = plan.outputHeight.value * outputWidth
        let window = kernelHeight * kernelWidth * channels
        let inputSize = height &* width &* channels
        let top = plan.paddingAmounts.top, left = plan.paddingAmounts.left
        let rowStep = stride.rows, columnStep = stride.cols, rowGap = dilation.rows, columnGap = dilation.cols
        for i in 0..<count {
            let row = firstRow &+ i
            let example = row / cells, cell = row % cells
            let oy = cell / outputWidth, ox = cell % outputWidth
            let source = input + example &* inputSize
            var dst = unrolled + i &* window
            for ky in 0..<kernelHeight {
                let iy = oy &* rowStep &+ ky &* rowGap &- top
                if iy < 0 || iy >= height {
                    Convolution.fill(dst, count: kernelWidth &* channels)
                    dst += kernelWidth &* channels
                    continue
                }
                let sourceRow = source + iy &* width &* channels
                let firstColumn = ox &* columnStep &- left
                if columnGap == 1 && firstColumn >= 0 && firstColumn &+ kernelWidth <= width {
                    // The whole row of the window lies inside: one contiguous copy.
                    Convolution.copy(sourceRow + firstColumn &* channels, to: dst, count: kernelWidth &* channels)
                    dst += kernelWidth &* channels
                    continue
                }
                for kx in 0..<kernelWidth {
                    let ix = firstColumn &+ kx &* columnGap
                    if ix < 0 || ix >= width {
                        Convolution.fill(dst, count: channels)
                    } else {
                        Convolution.copy(sourceRow + ix &* channels, to: dst, count: channels)
                    }
                    dst += channels
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
