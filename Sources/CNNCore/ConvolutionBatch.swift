// ConvolutionBatch: one convolution over a whole batch of examples at once, forward and backward (training).
//
// The batch is cut into groups of whole examples, and each group is one piece of work for `Parallel`. A group
// copies its examples next to each other and runs the im2col + matrix multiply paths of ConvolutionFast.swift
// and Gradients/ConvolutionBackward.swift over all of their cells at once, so the unrolled matrix is tall even
// when a map is small (a 3x3 map gives 9 rows per example, 72 for a group of 8):
//   - forward: each example's output is the same bits as `apply` gives for it alone (a row of the matrix
//     product adds its products in an order set by the window), so predicting and training agree;
//   - backward: dk is summed over the group's cells by the matrix multiply, then the groups' sums are added
//     in group order; dx is each example's own (col2im into its own cells, in cell order), db is each
//     example's sum over its cells, added in example order.
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
    /// computed a group of examples at a time on the cores.
    public func applyBatch(_ inputs: [Tensor], kernel: Tensor, bias: Tensor?) throws -> [Tensor] {
        guard let plan = try batchPlan(inputs, kernel: kernel, biasShape: bias?.shape) else { return [] }
        guard Convolution.unrollsBatch(plan) else {
            return try Parallel.map(inputs.count) { try apply(inputs[$0], kernel: kernel, bias: bias, plan: plan) }
        }
        let cells = plan.outputHeight.value * plan.outputWidth.value
        let window = plan.kernel.rows * plan.kernel.cols * plan.inputChannels
        let inputSize = plan.inputHeight * plan.inputWidth * plan.inputChannels
        let outputSize = cells * plan.filters
        let groups = Convolution.batchGroups(examples: inputs.count, cells: cells, window: window)
        let biasValues = bias?.scalars ?? []
        let outputs = try Parallel.map(groups.count) { g -> [[Double]] in
            let group = groups[g]
            let packed = Convolution.packed(inputs[group].map(\.scalars), size: inputSize)
            defer { packed.deallocate() }
            let output = UnsafeMutablePointer<Double>.allocate(capacity: group.count * outputSize)
            defer { output.deallocate() }
            kernel.scalars.withUnsafeBufferPointer { w in
                biasValues.withUnsafeBufferPointer { b in
                    guard let pw = w.baseAddress else { return }
                    unrolledMultiply(plan: plan, input: packed, examples: group.count, kernel: pw,
                                     bias: plan.hasBias ? b.baseAddress : nil, output: output, parallel: false)
                }
            }
            return (0..<group.count).map { Array(UnsafeBufferPointer(start: output + $0 * outputSize, count: outputSize)) }
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
        let pieces = try Parallel.map(groups.count) { g -> (inputs: [[Double]], kernel: [Double]) in
            let group = groups[g]
            let x = Convolution.packed(inputs[group].map(\.scalars), size: inputSize)
            defer { x.deallocate() }
            let dy = Convolution.packed(outputGradients[group].map(\.scalars), size: outputSize)
            defer { dy.deallocate() }
            let dx: UnsafeMutablePointer<Double>? = inputGradients ? .allocate(capacity: group.count * inputSize) : nil
            dx?.initialize(repeating: 0, count: group.count * inputSize)
            defer { dx?.deallocate() }
            var dk = [Double](repeating: 0, count: kernel.count)
            kernel.scalars.withUnsafeBufferPointer { w in
                dk.withUnsafeMutableBufferPointer { pdk in
                    guard let pw = w.baseAddress, let pk = pdk.baseAddress else { return }
                    unrolledBackward(plan: plan, input: x, examples: group.count, kernel: pw, outputGradient: dy,
                                     inputGradient: dx, kernelGradient: pk)
                }
            }
            let each = dx.map { dx in (0..<group.count).map { Array(UnsafeBufferPointer(start: dx + $0 * inputSize, count: inputSize)) } }
            return (each ?? [], dk)
        }
        try Interruption.check("conv gradient")
        var dk = Tensor(unchecked: kernel.shape, scalars: pieces[0].kernel)
        for piece in pieces.dropFirst() { try dk.add(Tensor(unchecked: kernel.shape, scalars: piece.kernel)) }
        var db: Tensor? = nil
        if let biasShape {
            // Each example's sum over its cells, the examples added in order (as one example at a time did).
            var sums = [Double](repeating: 0, count: filters)
            for (e, g) in outputGradients.enumerated() {
                var own = [Double](repeating: 0, count: filters)
                g.scalars.withUnsafeBufferPointer { p in
                    for cell in 0..<cells {
                        for f in 0..<filters { own[f] += p[cell &* filters &+ f] }
                    }
                }
                if e == 0 { sums = own } else { for f in 0..<filters { sums[f] += own[f] } }
            }
            db = Tensor(unchecked: biasShape, scalars: sums)
        }
        let dx = inputGradients ? pieces.flatMap(\.inputs).map { Tensor(unchecked: plan.inputShape, scalars: $0) } : []
        return (dx, dk, db)
    }

    /// The examples' values one after the other in a new buffer (the caller deallocates it).
    static func packed(_ examples: [[Double]], size: Int) -> UnsafeMutablePointer<Double> {
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: max(examples.count * size, 1))
        for (i, values) in examples.enumerated() {
            values.withUnsafeBufferPointer { p in
                guard let base = p.baseAddress else { return }
                (buffer + i * size).initialize(from: base, count: min(size, p.count))
            }
        }
        return buffer
    }
}
