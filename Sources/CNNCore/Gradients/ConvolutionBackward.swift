// ConvolutionBackward: the gradients of a convolution with respect to its input, kernel and bias.
//
// Forward (ConvolutionReference.swift), for output cell (oy, ox) of filter f:
//     y[oy, ox, f] = sum over ky, kx, c of x[iy, ix, c] * k[ky, kx, c, f] + b[f]
//     with iy = oy * strideRows + ky * dilationRows - padTop,  ix = ox * strideCols + kx * dilationCols - padLeft
// Every product x * k contributes to one output cell, so given g = dL/dy (the gradient arriving at the
// output, same shape as y) the chain rule hands each factor the other factor times g:
//     dL/dk[ky, kx, c, f] = sum over (oy, ox) of g[oy, ox, f] * x[iy, ix, c]     (the input under that tap)
//     dL/dx[iy, ix, c]    = sum over every (oy, ox, f, ky, kx) that read x[iy, ix, c] of g[oy, ox, f] * k[ky, kx, c, f]
//     dL/db[f]            = sum over (oy, ox) of g[oy, ox, f]
// Taps over the zero padding read no input, so they give the kernel nothing and the input nothing.
//
// Computed as the forward pass is, with im2col and the blocked matrix multiply, one block of output cells
// at a time (P cells, window K = kh*kw*C, F filters):
//     dk (K x F)  += windows^T (K x P) . g (P x F)
//     dwindows (P x K) = g (P x F) . k^T (F x K), then each window's gradient is added back onto the input
//     cells it was read from (col2im), in cell order.
// g is packed for the matrix multiply straight from each example's array (a batch: ConvolutionBatch.swift).
// `backwardReference` keeps the plain loops in the forward order (oy, ox, f, ky, kx, c), the order in which
// `kernelGradientSum` / `inputGradientSum` list their terms; the fast sums agree with them to rounding (the
// matrix multiply adds in blocks), which Tests/CNNCoreTests/GradientFiniteDifferenceTests.swift checks.

/// The gradients of a convolution: one tensor per operand, each the shape of that operand.
public struct ConvolutionGradients: Equatable, Sendable {
    /// dL/dx, the shape of the input.
    public var input: Tensor
    /// dL/dk, the shape of the kernel.
    public var kernel: Tensor
    /// dL/db, one value per filter; nil when the convolution had no bias.
    public var bias: Tensor?
}

extension Convolution {
    /// The gradients of a convolution given `outputGradient` = dL/dy.
    /// - Parameters:
    ///   - input: the input the forward pass used (H x W or H x W x C).
    ///   - kernel: the kernel it used (kh x kw, kh x kw x C or kh x kw x C x F).
    ///   - biasShape: the bias's shape when there was one (its values do not matter), else nil.
    ///   - outputGradient: dL/dy, the shape of the convolution's output.
    /// - Throws: `CoreError` when the shapes do not fit each other or the output gradient has the wrong shape.
    public func backward(input: Tensor, kernel: Tensor, biasShape: [Int]? = nil,
                         outputGradient: Tensor) throws -> ConvolutionGradients {
        let plan = try plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: biasShape)
        try GradientShapes.check(outputGradient, expected: plan.outputShape, for: "conv")
        let window = plan.kernel.rows * plan.kernel.cols * plan.inputChannels
        guard window <= Convolution.maxUnrolledWindow else {
            return try backwardReference(input: input, kernel: kernel, biasShape: biasShape, outputGradient: outputGradient)
        }
        var dx = [Double](repeating: 0, count: input.count)
        var dw = [Double](repeating: 0, count: kernel.count)
        var db = [Double](repeating: 0, count: plan.filters)
        input.scalars.withUnsafeBufferPointer { x in
            kernel.scalars.withUnsafeBufferPointer { w in
                outputGradient.scalars.withUnsafeBufferPointer { g in
                    dx.withUnsafeMutableBufferPointer { dxp in
                        dw.withUnsafeMutableBufferPointer { dwp in
                            guard let px = x.baseAddress, let pw = w.baseAddress, let pg = g.baseAddress,
                                  let pdx = dxp.baseAddress, let pdw = dwp.baseAddress else { return }
                            let cells = plan.outputHeight.value * plan.outputWidth.value
                            unrolledBackward(plan: plan, input: ExampleRows(px, size: input.count, rows: cells), kernel: pw,
                                             outputGradient: ExampleRows(pg, size: outputGradient.count, rows: cells),
                                             inputGradient: { rows, windowGradients in
                                                 col2im(plan: plan, windowGradients: windowGradients, cells: rows, into: pdx)
                                             }, kernelGradient: pdw)
                        }
                    }
                }
            }
        }
        try Interruption.check("conv gradient")
        let filters = plan.filters
        for cell in 0..<(outputGradient.count / max(filters, 1)) {
            for f in 0..<filters { db[f] += outputGradient.scalars[cell * filters + f] }
        }
        return ConvolutionGradients(
            input: Tensor(unchecked: input.shape, scalars: dx),
            kernel: Tensor(unchecked: kernel.shape, scalars: dw),
            bias: biasShape.map { Tensor(unchecked: $0, scalars: db) })
    }

    /// The rows of the unrolled matrix (output cells) `unrolledBackward` takes per block, for `rows` rows in all.
    static func backwardBlockRows(window: Int, rows: Int) -> Int {
        max(1, min(rows, Convolution.unrolledBlockValues / max(window, 1)))
    }

    /// The backward pass with im2col and the matrix multiply, one block of output cells at a time; stops
    /// early when Ctrl-C was pressed (the caller then throws the half-made gradients away).
    /// `input` and `outputGradient` give the examples (one, or a batch's group: ConvolutionBatch.swift), each
    /// read where it lies; the kernel's gradient is summed over all of their cells, block by block.
    /// `inputGradient` gets each block's window gradients (rows `rows` of the examples' cells, one after the
    /// other) to add back onto the input (`col2im`); without it only the kernel's gradient is computed (a first
    /// layer's input needs none). `transposedKernel`, when given, is k^T (F x K), else it is made here.
    func unrolledBackward(plan: ConvolutionPlan, input: ExampleRows, kernel: UnsafePointer<Double>, outputGradient: ExampleRows,
                          inputGradient: ((_ rows: Range<Int>, _ windowGradients: UnsafePointer<Double>) -> Void)?,
                          kernelGradient: UnsafeMutablePointer<Double>, transposedKernel given: UnsafePointer<Double>? = nil) {
        let filters = plan.filters
        let rows = input.rows
        let window = plan.kernel.rows * plan.kernel.cols * plan.inputChannels
        let blockRows = Convolution.backwardBlockRows(window: window, rows: rows)
        // k^T (F x K), read by every block (a batch makes it once for all its groups).
        let made: UnsafeMutablePointer<Double>? = given == nil ? Convolution.transposed(kernel, window: window, filters: filters) : nil
        defer { made?.deallocate() }
        guard let transposedKernel = given ?? made.map({ UnsafePointer($0) }) else { return }
        let windows = UnsafeMutablePointer<Double>.allocate(capacity: blockRows * window)
        defer { windows.deallocate() }
        let windowGradients = UnsafeMutablePointer<Double>.allocate(capacity: blockRows * window)
        defer { windowGradients.deallocate() }

        var firstRow = 0
        while firstRow < rows {
            if Interruption.isRequested { return }
            let count = min(blockRows, rows - firstRow)
            let block = firstRow..<(firstRow + count)
            // dk += windows^T . g: the windows as rows (im2col), read transposed by the matrix multiply; g's
            // rows packed straight from each example's output gradient.
            input.forEachPiece(of: block) { example, cells, offset in
                unroll(plan: plan, input: example, firstRow: cells.lowerBound, count: cells.count, into: windows + offset * window)
            }
            MatrixMultiply.multiplyPacking(m: window, n: filters, k: count, packingA: { rows, depths, out in
                MatrixMultiply.packA(windows + depths.lowerBound * window + rows.lowerBound, rowStride: 1, depthStride: window,
                                     rows: rows.count, depth: depths.count, into: out)
            }, packingB: { depths, columns, out in
                outputGradient.forEachPiece(of: (firstRow + depths.lowerBound)..<(firstRow + depths.upperBound)) { g, cells, offset in
                    MatrixMultiply.packBRows(g + cells.lowerBound * filters + columns.lowerBound, ldb: filters, depth: cells.count,
                                             cols: columns.count, panelDepth: depths.count, into: out + offset * MatrixMultiply.nr)
                }
            }, c: kernelGradient, ldc: filters, accumulate: firstRow > 0)
            guard let inputGradient else {
                firstRow += count
                continue
            }
            // dwindows = g . k^T, g's rows again read where they lie.
            if count <= MatrixMultiply.thinRows {
                outputGradient.forEachPiece(of: block) { g, cells, offset in
                    for i in 0..<cells.count {
                        MatrixMultiply.rowTimesMatrix(n: window, k: filters, a: g + (cells.lowerBound + i) * filters, b: transposedKernel,
                                                      ldb: window, c: windowGradients + (offset + i) * window, accumulate: false)
                    }
                }
            } else {
                MatrixMultiply.multiplyPacking(m: count, n: window, k: filters, packingA: { rows, depths, out in
                    MatrixMultiply.zeroPadA(rows: rows.count, depth: depths.count, into: out)
                    outputGradient.forEachPiece(of: (firstRow + rows.lowerBound)..<(firstRow + rows.upperBound)) { g, cells, offset in
                        MatrixMultiply.packARows(g + cells.lowerBound * filters + depths.lowerBound, lda: filters,
                                                 rows: offset..<(offset + cells.count), depth: depths.count, into: out)
                    }
                }, packingB: { depths, columns, out in
                    MatrixMultiply.packB(transposedKernel + depths.lowerBound * window + columns.lowerBound, ldb: window,
                                         depth: depths.count, cols: columns.count, into: out)
                }, c: windowGradients, ldc: window, accumulate: false)
            }
            inputGradient(block, windowGradients)
            firstRow += count
        }
    }

    /// k^T (F x K) of a K x F kernel bank, in a new buffer the caller deallocates.
    static func transposed(_ kernel: UnsafePointer<Double>, window: Int, filters: Int) -> UnsafeMutablePointer<Double> {
        let result = UnsafeMutablePointer<Double>.allocate(capacity: max(window * filters, 1))
        for j in 0..<window {
            for f in 0..<filters { (result + (f * window + j)).initialize(to: kernel[j * filters + f]) }
        }
        return result
    }

    /// target[i] += source[i] for `count` values, eight at a time (each value added on its own, so the same bits).
    @inline(__always)
    static func add(_ source: UnsafePointer<Double>, to target: UnsafeMutablePointer<Double>, count: Int) {
        var i = 0
        while i &+ 8 <= count {
            let sum = UnsafeRawPointer(target + i).loadUnaligned(as: SIMD8<Double>.self)
                + UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Double>.self)
            UnsafeMutableRawPointer(target + i).storeBytes(of: sum, as: SIMD8<Double>.self)
            i &+= 8
        }
        while i < count {
            target[i] += source[i]
            i &+= 1
        }
    }

    /// col2im: adds the window gradients of cells `cells` of one example (one row of `windowGradients` per
    /// cell, in order) back onto the input cells each window read, in cell order (padding taps read none).
    func col2im(plan: ConvolutionPlan, windowGradients: UnsafePointer<Double>, cells: Range<Int>,
                into inputGradient: UnsafeMutablePointer<Double>) {
        let height = plan.inputHeight, width = plan.inputWidth, channels = plan.inputChannels
        let kernelHeight = plan.kernel.rows, kernelWidth = plan.kernel.cols
        let outputWidth = plan.outputWidth.value
        let window = kernelHeight * kernelWidth * channels
        let top = plan.paddingAmounts.top, left = plan.paddingAmounts.left
        for (i, cell) in cells.enumerated() {
            let oy = cell / outputWidth, ox = cell % outputWidth
            var source = windowGradients + i &* window
            for ky in 0..<kernelHeight {
                let iy = oy &* stride.rows &+ ky &* dilation.rows &- top
                if iy < 0 || iy >= height {
                    source += kernelWidth &* channels
                    continue
                }
                for kx in 0..<kernelWidth {
                    let ix = ox &* stride.cols &+ kx &* dilation.cols &- left
                    if ix >= 0 && ix < width {
                        let target = inputGradient + (iy &* width &+ ix) &* channels
                        Convolution.add(source, to: target, count: channels)
                    }
                    source += channels
                }
            }
        }
    }

    /// The backward pass as plain loops in the forward order (oy, ox, f, ky, kx, c): the order in which the
    /// gradient sums list their terms. Used for windows too large to unroll, and by tests as the reference.
    func backwardReference(input: Tensor, kernel: Tensor, biasShape: [Int]? = nil,
                           outputGradient: Tensor) throws -> ConvolutionGradients {
        let plan = try plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: biasShape)
        try GradientShapes.check(outputGradient, expected: plan.outputShape, for: "conv")
        let x = input.scalars, w = kernel.scalars, g = outputGradient.scalars
        let height = plan.inputHeight, width = plan.inputWidth, channels = plan.inputChannels
        let kernelHeight = plan.kernel.rows, kernelWidth = plan.kernel.cols, filters = plan.filters
        let outputHeight = plan.outputHeight.value, outputWidth = plan.outputWidth.value
        var dx = [Double](repeating: 0, count: input.count)
        var dw = [Double](repeating: 0, count: kernel.count)
        var db = [Double](repeating: 0, count: filters)
        for oy in 0..<outputHeight {
            try Interruption.check("conv gradient")
            for ox in 0..<outputWidth {
                for f in 0..<filters {
                    let upstream = g[(oy * outputWidth + ox) * filters + f]
                    db[f] += upstream
                    for ky in 0..<kernelHeight {
                        let iy = oy * stride.rows + ky * dilation.rows - plan.paddingAmounts.top
                        if iy < 0 || iy >= height { continue }  // a padding row reads no input
                        for kx in 0..<kernelWidth {
                            let ix = ox * stride.cols + kx * dilation.cols - plan.paddingAmounts.left
                            if ix < 0 || ix >= width { continue }
                            for c in 0..<channels {
                                let inputOffset = (iy * width + ix) * channels + c
                                let weightOffset = ((ky * kernelWidth + kx) * channels + c) * filters + f
                                dw[weightOffset].addProduct(upstream, x[inputOffset])
                                dx[inputOffset].addProduct(upstream, w[weightOffset])
                            }
                        }
                    }
                }
            }
        }
        return ConvolutionGradients(
            input: Tensor(unchecked: input.shape, scalars: dx),
            kernel: Tensor(unchecked: kernel.shape, scalars: dw),
            bias: biasShape.map { Tensor(unchecked: $0, scalars: db) })
    }

    /// One cell of dL/dk written out: for every output cell (oy, ox) of the cell's filter, the upstream
    /// gradient g[oy, ox, f] times the input value under the tap (0 over padding, flagged).
    /// `kernelIndex` is [ky, kx], [ky, kx, c] or [ky, kx, c, f], as the kernel's rank.
    public func kernelGradientSum(input: Tensor, kernelShape: [Int], outputGradient: Tensor,
                                  at kernelIndex: [Int]) throws -> GradientSum {
        let plan = try plan(inputShape: input.shape, kernelShape: kernelShape, biasShape: nil)
        try GradientShapes.check(outputGradient, expected: plan.outputShape, for: "conv")
        try GradientShapes.checkIndex(kernelIndex, in: kernelShape, what: "kernel")
        let ky = kernelIndex[0], kx = kernelIndex[1]
        let c = kernelIndex.count > 2 ? kernelIndex[2] : 0
        let f = kernelIndex.count > 3 ? kernelIndex[3] : 0
        let outputHeight = plan.outputHeight.value, outputWidth = plan.outputWidth.value
        try GradientShapes.checkTermCount(outputHeight * outputWidth)
        var terms: [GradientTerm] = []
        terms.reserveCapacity(outputHeight * outputWidth)
        for oy in 0..<outputHeight {
            for ox in 0..<outputWidth {
                let outputIndex = plan.outputShape.count == 2 ? [oy, ox] : [oy, ox, f]
                let upstream = outputGradient.scalars[(oy * outputWidth + ox) * plan.filters + f]
                let iy = oy * stride.rows + ky * dilation.rows - plan.paddingAmounts.top
                let ix = ox * stride.cols + kx * dilation.cols - plan.paddingAmounts.left
                let inside = iy >= 0 && iy < plan.inputHeight && ix >= 0 && ix < plan.inputWidth
                let value = inside ? input.scalars[(iy * plan.inputWidth + ix) * plan.inputChannels + c] : 0
                let source = input.rank == 3 ? [iy, ix, c] : [iy, ix]
                terms.append(GradientTerm(outputIndex: outputIndex, upstream: upstream, factorIndex: source,
                                          factor: value, isPadding: !inside))
            }
        }
        return GradientSum(index: kernelIndex, terms: terms)
    }

    /// One cell of dL/dx written out: every (output cell, kernel tap) that read input cell `inputIndex`
    /// ([iy, ix] or [iy, ix, c]), the upstream gradient there times the kernel weight of that tap.
    public func inputGradientSum(kernel: Tensor, inputShape: [Int], outputGradient: Tensor,
                                 at inputIndex: [Int]) throws -> GradientSum {
        let plan = try plan(inputShape: inputShape, kernelShape: kernel.shape, biasShape: nil)
        try GradientShapes.check(outputGradient, expected: plan.outputShape, for: "conv")
        try GradientShapes.checkIndex(inputIndex, in: inputShape, what: "input")
        let iy = inputIndex[0], ix = inputIndex[1]
        let c = inputIndex.count > 2 ? inputIndex[2] : 0
        let outputHeight = plan.outputHeight.value, outputWidth = plan.outputWidth.value
        let kernelWidth = plan.kernel.cols, filters = plan.filters, channels = plan.inputChannels
        try GradientShapes.checkTermCount(outputHeight * outputWidth * filters)
        var terms: [GradientTerm] = []
        for oy in 0..<outputHeight {
            for ox in 0..<outputWidth {
                for f in 0..<filters {
                    let upstream = outputGradient.scalars[(oy * outputWidth + ox) * filters + f]
                    for ky in 0..<plan.kernel.rows where oy * stride.rows + ky * dilation.rows - plan.paddingAmounts.top == iy {
                        for kx in 0..<kernelWidth where ox * stride.cols + kx * dilation.cols - plan.paddingAmounts.left == ix {
                            let weight = kernel.scalars[((ky * kernelWidth + kx) * channels + c) * filters + f]
                            var tap = [ky, kx]
                            if kernel.rank >= 3 { tap.append(c) }
                            if kernel.rank == 4 { tap.append(f) }
                            let outputIndex = plan.outputShape.count == 2 ? [oy, ox] : [oy, ox, f]
                            terms.append(GradientTerm(outputIndex: outputIndex, upstream: upstream, factorIndex: tap, factor: weight))
                        }
                    }
                }
            }
        }
        return GradientSum(index: inputIndex, terms: terms)
    }
}
