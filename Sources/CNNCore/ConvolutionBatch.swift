// ConvolutionBatch: one convolution over a whole batch of examples at once, forward and backward (training).
//
// The batch is cut into groups of whole examples, and each group is one piece of work for `Parallel`. A group
// runs the im2col + matrix multiply paths of ConvolutionFast.swift and Gradients/ConvolutionBackward.swift
// over all of its examples' cells at once, so the unrolled matrix is tall even when a map is small (a 3x3 map
// gives 9 rows per example, 72 for a group of 8). The examples are read where they lie (`ExampleRows`): the
// im2col reads each input, and the matrix multiply packs the output gradients' rows, from the examples' own
// arrays, never from a copy of the group:
//   - forward: each example's output is the same bits as `apply` gives for it alone (a row of the matrix
//     product adds its products in an order set by the window), so predicting and training agree. A large
//     map (`directOutputCells`) is multiplied example by example straight into the example's own array; a
//     small one group by group into a buffer, the bias added as each example's part is copied out;
//   - backward: dk is summed over the group's cells by the matrix multiply, then the groups' sums are added
//     in group order; dx is each example's own (col2im into its own cells, in cell order, straight into the
//     example's array when the group is one block), db is each example's sum over its cells (made in the
//     parallel part), added in example order.
// How the batch is cut depends on the shapes only, never on the number of threads, so the gradients are
// the same bits with CNNREPL_THREADS=1, 2 or 3 (Tests/CNNCoreTests/GradientTrainingTests.swift).
// Single-channel, single-filter convolutions (the direct loops) and windows too large to unroll run example
// by example.

extension Convolution {
    /// The groups of whole examples a batch is cut into: about one block of the unrolled matrix each, their
    /// number rounded up to a multiple of 4 (so 2 or 4 cores share them evenly) and at most one per example.
    static func batchGroups(examples: Int, cells: Int, window: Int) -> [Range<Int>] {
        guard examples > 0 else { return [] }
        let blockRows = max(MatrixMultiply.mr, Convolution.unrolledBlockValues / max(window, 1))
        let rows = examples * cells
        var count = (rows + blockRows - 1) / blockRows
        count = (count + 3) / 4 * 4
        count = max(1, min(count, examples))
        return (0..<count).map { g in (g * examples / count)..<((g + 1) * examples / count) }
    }

    /// From this many output cells per example, a batch's forward pass multiplies example by example into
    /// each example's own array (the edge tiles then waste under 2% of the work).
    static let directOutputCells = 256

    /// Whether a batch with this plan takes the unrolled (im2col) path; else it goes example by example.
    static func unrollsBatch(_ plan: ConvolutionPlan) -> Bool {
        let window = plan.kernel.rows * plan.kernel.cols * plan.inputChannels
        return (plan.inputChannels > 1 || plan.filters > 1) && window <= Convolution.maxUnrolledWindow
    }

    /// The plan of a batch whose examples all have the first one's shape; throws for a batch that mixes shapes.
    func batchPlan(_ inputs: [Tensor], kernel: Tensor, biasShape: [Int]?) throws -> ConvolutionPlan? {
        guard let first = inputs.first else { return nil }
        for input in inputs where input.shape != first.shape {
            throw CoreError("conv: the examples of a batch have different shapes (\(first.shapeDescription) and \(input.shapeDescription))")
        }
        return try plan(inputShape: first.shape, kernelShape: kernel.shape, biasShape: biasShape)
    }

    /// Convolves every example of a batch (all of one shape) with the same kernel and bias: `apply` on each,
    /// computed a group of examples at a time on the cores. With `relu`, relu of that (`Activation.relu` on
    /// each value, applied while the values are in cache).
    public func applyBatch(_ inputs: [Tensor], kernel: Tensor, bias: Tensor?, relu: Bool = false) throws -> [Tensor] {
        guard let plan = try batchPlan(inputs, kernel: kernel, biasShape: bias?.shape) else { return [] }
        guard Convolution.unrollsBatch(plan) else {
            return try Parallel.map(inputs.count) {
                var output = try apply(inputs[$0], kernel: kernel, bias: bias, plan: plan)
                if relu { output.withUnsafeMutableScalars { y in for j in y.indices { y[j] = Activation.relu(y[j]) } } }
                return output
            }
        }
        let cells = plan.outputHeight.value * plan.outputWidth.value
        let window = plan.kernel.rows * plan.kernel.cols * plan.inputChannels
        let inputSize = plan.inputHeight * plan.inputWidth * plan.inputChannels
        let filters = plan.filters, outputSize = cells * filters
        let groups = Convolution.batchGroups(examples: inputs.count, cells: cells, window: window)
        let biasValues = bias?.scalars ?? []
        // A large map is multiplied example by example straight into the example's own array (no group buffer
        // to copy out of): the same bits either way.
        let direct = cells >= Convolution.directOutputCells
        // The bank packed once for the whole batch.
        let bank = kernel.scalars.withUnsafeBufferPointer { w in w.baseAddress.map { Convolution.packedBank(plan: plan, kernel: $0) } }
        let outputs = try Parallel.map(groups.count) { g -> [[Double]] in
            let group = groups[g]
            if direct {
                return kernel.scalars.withUnsafeBufferPointer { w in
                    biasValues.withUnsafeBufferPointer { b in
                        group.map { e in
                            [Double](unsafeUninitializedCapacity: outputSize) { values, initialized in
                                // Every value is written by the matrix multiply (as in `apply`); Ctrl-C throws it away.
                                initialized = outputSize
                                guard let pw = w.baseAddress, let target = values.baseAddress else { return }
                                unrolledMultiply(plan: plan, input: ExampleRows(inputs, e..<(e + 1), size: inputSize, rows: cells),
                                                 kernel: pw, packedBank: bank, bias: plan.hasBias ? b.baseAddress : nil, relu: relu,
                                                 output: target, parallel: false)
                            }
                        }
                    }
                }
            }
            let output = UnsafeMutablePointer<Double>.allocate(capacity: group.count * outputSize)
            defer { output.deallocate() }
            kernel.scalars.withUnsafeBufferPointer { w in
                guard let pw = w.baseAddress else { return }
                unrolledMultiply(plan: plan, input: ExampleRows(inputs, group, size: inputSize, rows: cells), kernel: pw,
                                 packedBank: bank, bias: nil, output: output, parallel: false)
            }
            // Each example's output in its own array, the bias added on the way (as `apply` adds it, last), then relu.
            return (0..<group.count).map { e in
                [Double](unsafeUninitializedCapacity: outputSize) { values, initialized in
                    guard let target = values.baseAddress else { return }
                    target.initialize(from: output + e * outputSize, count: outputSize)
                    initialized = outputSize
                    biasValues.withUnsafeBufferPointer { b in
                        Convolution.finish(target, rows: cells, filters: filters,
                                           bias: plan.hasBias && b.count == filters ? b.baseAddress : nil, relu: relu)
                    }
                }
            }
        }
        try Interruption.check("conv")
        return outputs.joined().map { Tensor(unchecked: plan.outputShape, scalars: $0) }
    }

    /// The gradients of a batch: dL/d(each input) (empty when `inputGradients` is false), dL/dk summed over the
    /// batch and dL/db summed over the batch (nil without a bias).
    public func backwardBatch(inputs: [Tensor], kernel: Tensor, biasShape: [Int]?, outputGradients: [Tensor],
                              inputGradients: Bool = true) throws -> (inputs: [Tensor], kernel: Tensor, bias: Tensor?) {
        guard let plan = try batchPlan(inputs, kernel: kernel, biasShape: biasShape), inputs.count == outputGradients.count else {
            throw CoreError("conv: a batch of \(inputs.count) inputs has \(outputGradients.count) output gradients")
        }
        for g in outputGradients { try GradientShapes.check(g, expected: plan.outputShape, for: "conv") }
        let filters = plan.filters
        guard Convolution.unrollsBatch(plan) else {
            let each = try Parallel.map(inputs.count) {
                try backward(input: inputs[$0], kernel: kernel, biasShape: biasShape, outputGradient: outputGradients[$0])
            }
            var dk = each[0].kernel, db = each[0].bias
            for d in each.dropFirst() {
                try dk.add(d.kernel)
                if let b = d.bias { try db?.add(b) }
            }
            return (inputGradients ? each.map(\.input) : [], dk, db)
        }
        let cells = plan.outputHeight.value * plan.outputWidth.value
        let window = plan.kernel.rows * plan.kernel.cols * plan.inputChannels
        let inputSize = plan.inputHeight * plan.inputWidth * plan.inputChannels
        let outputSize = cells * filters
        let groups = Convolution.batchGroups(examples: inputs.count, cells: cells, window: window)
        // k^T, made once for every group's dx.
        let transposedKernel = TransposedKernel(inputGradients ? kernel.scalars.withUnsafeBufferPointer { w in
            w.baseAddress.map { Convolution.transposed($0, window: window, filters: filters) }
        } : nil)
        defer { transposedKernel.pointer?.deallocate() }
        let pieces = try Parallel.map(groups.count) { g -> (inputs: [[Double]], kernel: [Double], bias: [[Double]]) in
            let group = groups[g]
            let x = ExampleRows(inputs, group, size: inputSize, rows: cells)
            let dy = ExampleRows(outputGradients, group, size: outputSize, rows: cells)
            var dk = [Double](repeating: 0, count: kernel.count)
            var dx: [[Double]] = []
            // A group that is one block hands all its window gradients at once: each example's dx is made in its
            // own array. Otherwise they arrive block by block, into one buffer for the group.
            let oneBlock = group.count * cells <= Convolution.backwardBlockRows(window: window, rows: group.count * cells)
            let buffer: UnsafeMutablePointer<Double>? = inputGradients && !oneBlock ? .allocate(capacity: group.count * inputSize) : nil
            buffer?.initialize(repeating: 0, count: group.count * inputSize)
            defer { buffer?.deallocate() }
            kernel.scalars.withUnsafeBufferPointer { w in
                dk.withUnsafeMutableBufferPointer { pdk in
                    guard let pw = w.baseAddress, let pk = pdk.baseAddress else { return }
                    let sink: (Range<Int>, UnsafePointer<Double>) -> Void = { rows, windowGradients in
                        var row = rows.lowerBound
                        while row < rows.upperBound {
                            let e = row / cells, first = row % cells, n = min(cells - first, rows.upperBound - row)
                            let source = windowGradients + (row - rows.lowerBound) * window
                            if let buffer {
                                col2im(plan: plan, windowGradients: source, cells: first..<(first + n), into: buffer + e * inputSize)
                            } else {
                                dx.append([Double](unsafeUninitializedCapacity: inputSize) { values, initialized in
                                    guard let target = values.baseAddress else { return }
                                    target.initialize(repeating: 0, count: inputSize)
                                    initialized = inputSize
                                    col2im(plan: plan, windowGradients: source, cells: first..<(first + n), into: target)
                                })
                            }
                            row += n
                        }
                    }
                    unrolledBackward(plan: plan, input: x, kernel: pw, outputGradient: dy,
                                     inputGradient: inputGradients ? sink : nil, kernelGradient: pk,
                                     transposedKernel: transposedKernel.pointer.map { UnsafePointer($0) })
                }
            }
            if let buffer {
                dx = (0..<group.count).map { Array(UnsafeBufferPointer(start: buffer + $0 * inputSize, count: inputSize)) }
            }
            // Each example's sum over its cells, in cell order.
            let db: [[Double]] = biasShape == nil ? [] : group.map { e -> [Double] in
                outputGradients[e].scalars.withUnsafeBufferPointer { p -> [Double] in
                    [Double](unsafeUninitializedCapacity: filters) { own, initialized in
                        guard let sum = own.baseAddress, let g = p.baseAddress, p.count >= outputSize else { return }
                        sum.initialize(repeating: 0, count: filters)
                        initialized = filters
                        for cell in 0..<cells {
                            let row = g + cell &* filters
                            for f in 0..<filters { sum[f] += row[f] }
                        }
                    }
                }
            }
            return (dx, dk, db)
        }
        try Interruption.check("conv gradient")
        var dk = Tensor(unchecked: kernel.shape, scalars: pieces[0].kernel)
        for piece in pieces.dropFirst() { try dk.add(Tensor(unchecked: kernel.shape, scalars: piece.kernel)) }
        var db: Tensor? = nil
        if let biasShape {
            // The examples' sums added in example order (as one example at a time did).
            var sums = [Double](repeating: 0, count: filters)
            for (e, own) in pieces.flatMap({ $0.bias }).enumerated() {
                if e == 0 { sums = own } else { for f in 0..<filters { sums[f] += own[f] } }
            }
            db = Tensor(unchecked: biasShape, scalars: sums)
        }
        let dx = inputGradients ? pieces.flatMap({ $0.inputs }).map { Tensor(unchecked: plan.inputShape, scalars: $0) } : []
        return (dx, dk, db)
    }
}

/// A batch's k^T, shared (read only) by the groups' worker threads.
struct TransposedKernel: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>?
    init(_ pointer: UnsafeMutablePointer<Double>?) { self.pointer = pointer }
}

/// Examples read where they lie, as the rows of the matrix a convolution works on: each example holds `size`
/// values and `rowsPerExample` rows (its output cells), the examples' rows one after the other. Either a
/// group of a batch's tensors, or examples one after the other in memory the caller keeps alive.
struct ExampleRows: @unchecked Sendable {
    private let tensors: [Tensor]
    private let base: UnsafePointer<Double>?
    /// The examples: indices into `tensors`, or 0 ..< count for `base`.
    private let range: Range<Int>
    /// Values per example (a check: a tensor with fewer values is skipped, never read past its end).
    let size: Int
    /// Rows (output cells) per example.
    let rowsPerExample: Int

    /// Examples `range` of `tensors`, each of `size` values.
    init(_ tensors: [Tensor], _ range: Range<Int>, size: Int, rows: Int) {
        self.tensors = tensors
        self.base = nil
        self.range = range
        self.size = size
        self.rowsPerExample = rows
    }

    /// One example of `size` values at `base`.
    init(_ base: UnsafePointer<Double>, size: Int, rows: Int) {
        self.tensors = []
        self.base = base
        self.range = 0..<1
        self.size = size
        self.rowsPerExample = rows
    }

    var examples: Int { range.count }
    var rows: Int { range.count * rowsPerExample }

    /// For each example that rows `rows` (of all the examples') touch, in order: `body(its values, its rows
    /// among them, where they start in `rows`)`.
    func forEachPiece(of rows: Range<Int>, _ body: (UnsafePointer<Double>, Range<Int>, Int) -> Void) {
        guard rowsPerExample > 0 else { return }
        var row = rows.lowerBound
        while row < rows.upperBound {
            let e = row / rowsPerExample, first = row % rowsPerExample
            let n = min(rowsPerExample - first, rows.upperBound - row)
            let piece = first..<(first + n), offset = row - rows.lowerBound
            if let base {
                body(base + e * size, piece, offset)
            } else if e < range.count {
                tensors[range.lowerBound + e].scalars.withUnsafeBufferPointer { p in
                    guard let values = p.baseAddress, p.count >= size else { return }
                    body(values, piece, offset)
                }
            }
            row += n
        }
    }
}
