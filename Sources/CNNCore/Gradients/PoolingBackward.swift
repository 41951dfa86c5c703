// PoolingBackward: the gradients of max, average, global and depth-wise pooling with respect to the input.
//
// Pooling has no weights, so only the input receives a gradient; g = dL/dy arrives at each output cell:
//   - max: the whole of g goes to the window's winner, the cell whose value was taken (the first of equal
//     maxima, as the forward pass keeps the first). The other cells did not change the output: they get 0.
//     With padding=fit a zero of the padding can win (a window of negative values); then the gradient
//     goes to the padding, that is nowhere. With padding=same padding cells never win.
//   - average: every cell that took part gets g / divisor, the divisor the forward pass used: the real
//     cells of the window for `valid` and `same` (TensorFlow's rule), the full window for `fit` (its
//     padding zeros took part and absorb their share).
//   - global pooling is pooling with one window per map, except at ties: global max pooling is a max
//     over the whole map (Keras' GlobalMaxPooling2D is ops.max), so tied maxima share g equally, as
//     JAX, Keras and PyTorch's amax do. Windowed max pooling (and depth-wise pooling, a max over
//     channel windows) keeps the first maximum, as Keras' MaxPooling2D (TensorFlow, JAX) and PyTorch's
//     max_pool2d do (Tests/CNNCoreTests/Fixtures/keras, tools/fixtures/gen_keras.py).
// Overlapping windows (stride below the window size) hand a cell gradient from each window it is in;
// the contributions add up.

extension Pooling {
    /// dL/dx for a pooling given `outputGradient` = dL/dy (the shape of the pooled output).
    public func backward(input: Tensor, outputGradient: Tensor) throws -> Tensor {
        let plan = try self.plan(inputShape: input.shape)
        try GradientShapes.check(outputGradient, expected: plan.outputShape, for: kind.operationName)
        let count = input.count
        let dx = input.scalars.withUnsafeBufferPointer { x in
            outputGradient.scalars.withUnsafeBufferPointer { g in
                [Double](unsafeUninitializedCapacity: count) { dx, initialized in
                    guard let px = x.baseAddress, let pg = g.baseAddress, let pdx = dx.baseAddress else {
                        initialized = 0
                        return
                    }
                    pdx.initialize(repeating: 0, count: count)
                    initialized = count
                    scatter(plan: plan, input: px, outputGradient: pg, into: pdx)
                }
            }
        }
        try Interruption.check("\(kind.operationName) gradient")
        return Tensor(unchecked: input.shape, scalars: dx)
    }

    /// Adds each output cell's gradient to its window's winner (max) or shares it among the window (average),
    /// output cell by output cell, channels innermost; stops early when Ctrl-C was pressed.
    private func scatter(plan: Plan, input: UnsafePointer<Double>, outputGradient: UnsafePointer<Double>,
                         into dx: UnsafeMutablePointer<Double>) {
        let channels = plan.channels ?? 1
        let windowCells = size.rows &* size.cols
        let inputWidth = plan.inputWidth, outputWidth = plan.outputWidth.value
        let winners = UnsafeMutablePointer<Int>.allocate(capacity: channels)
        defer { winners.deallocate() }
        let best = UnsafeMutablePointer<Double>.allocate(capacity: channels)
        defer { best.deallocate() }
        for oy in 0..<plan.outputHeight.value {
            if Interruption.isRequested { return }
            let rowStart = oy &* stride.rows &- plan.padding.top
            let iyLow = Swift.max(rowStart, 0)
            let iyHigh = Swift.max(Swift.min(rowStart &+ size.rows, plan.inputHeight), iyLow)
            for ox in 0..<outputWidth {
                let columnStart = ox &* stride.cols &- plan.padding.left
                let ixLow = Swift.max(columnStart, 0)
                let ixHigh = Swift.max(Swift.min(columnStart &+ size.cols, inputWidth), ixLow)
                let realCells = (iyHigh &- iyLow) &* (ixHigh &- ixLow)
                guard realCells > 0 else { continue }
                let upstreamRow = outputGradient + (oy &* outputWidth &+ ox) &* channels
                if kind == .max && !(realCells < windowCells && plan.paddingTakesPart) {
                    // The common case, all channels at once: the same winners as the loop below.
                    scatterMax(input: input, channels: channels, inputWidth: inputWidth, rows: iyLow..<iyHigh,
                               columns: ixLow..<ixHigh, upstream: upstreamRow, into: dx, winners: winners, best: best)
                    continue
                }
                for c in 0..<channels {
                    let upstream = upstreamRow[c]
                    switch kind {
                    case .max:
                        var winner = (iyLow &* inputWidth &+ ixLow) &* channels &+ c
                        for iy in iyLow..<iyHigh {
                            for ix in ixLow..<ixHigh {
                                let offset = (iy &* inputWidth &+ ix) &* channels &+ c
                                if Pooling.beats(input[offset], input[winner]) { winner = offset }
                            }
                        }
                        // A padding zero that takes part wins over negative values: the gradient goes nowhere.
                        let paddingWins = realCells < windowCells && plan.paddingTakesPart && Pooling.beats(0, input[winner])
                        if !paddingWins { dx[winner] += upstream }
                    case .average:
                        let share = upstream / Double(plan.paddingTakesPart ? windowCells : realCells)
                        for iy in iyLow..<iyHigh {
                            for ix in ixLow..<ixHigh { dx[(iy &* inputWidth &+ ix) &* channels &+ c] += share }
                        }
                    }
                }
            }
        }
    }

    /// One max window's gradient, every channel at once: the first largest cell of each channel (a NaN wins
    /// once, as `Pooling.beats` says) gets that channel's upstream gradient.
    @inline(__always)
    private func scatterMax(input: UnsafePointer<Double>, channels: Int, inputWidth: Int, rows: Range<Int>, columns: Range<Int>,
                            upstream: UnsafePointer<Double>, into dx: UnsafeMutablePointer<Double>,
                            winners: UnsafeMutablePointer<Int>, best: UnsafeMutablePointer<Double>) {
        let first = (rows.lowerBound &* inputWidth &+ columns.lowerBound) &* channels
        for c in 0..<channels {
            best[c] = input[first &+ c]
            winners[c] = first &+ c
        }
        for iy in rows {
            for ix in columns {
                let offset = (iy &* inputWidth &+ ix) &* channels
                if offset == first { continue }
                let cell = input + offset
                for c in 0..<channels {
                    let value = cell[c], current = best[c]
                    let wins = value > current || (value != value && current == current)
                    best[c] = wins ? value : current
                    winners[c] = wins ? offset &+ c : winners[c]
                }
            }
        }
        for c in 0..<channels { dx[winners[c]] += upstream[c] }
    }
}

extension GlobalPooling {
    /// dL/dx for a global pooling: each map's gradient to its winner (max; shared equally by tied maxima) or
    /// shared by all its cells (average).
    public func backward(input: Tensor, outputGradient: Tensor) throws -> Tensor {
        let outputShape = try self.outputShape(inputShape: input.shape)
        try GradientShapes.check(outputGradient, expected: outputShape, for: operationName)
        let channels = outputShape[0]
        let cellsPerMap = input.count / channels
        var dx = [Double](repeating: 0, count: input.count)
        for c in 0..<channels {
            let upstream = outputGradient.scalars[c]
            switch kind {
            case .max:
                guard cellsPerMap > 0 else { continue }
                var winner = c
                for cell in 0..<cellsPerMap where Pooling.beats(input.scalars[cell * channels + c], input.scalars[winner]) {
                    winner = cell * channels + c
                }
                let best = input.scalars[winner]
                let tied = best.isNaN ? [winner] : (0..<cellsPerMap).map { $0 * channels + c }.filter { input.scalars[$0] == best }
                for cell in tied { dx[cell] += upstream / Double(tied.count) }
            case .average:
                let share = upstream / Double(cellsPerMap)
                for cell in 0..<cellsPerMap { dx[cell * channels + c] += share }
            }
        }
        return Tensor(unchecked: input.shape, scalars: dx)
    }
}

extension DepthwisePooling {
    /// dL/dx for depth-wise max pooling: each group's gradient to the channel that won.
    public func backward(input: Tensor, outputGradient: Tensor) throws -> Tensor {
        let outputShape = try self.outputShape(inputShape: input.shape)
        try GradientShapes.check(outputGradient, expected: outputShape, for: DepthwisePooling.operationName)
        var dx = [Double](repeating: 0, count: input.count)
        for group in 0..<outputGradient.count {
            let base = group * size
            var winner = base
            for offset in 1..<Swift.max(size, 1) where Pooling.beats(input.scalars[base + offset], input.scalars[winner]) {
                winner = base + offset
            }
            dx[winner] += outputGradient.scalars[group]
        }
        return Tensor(unchecked: input.shape, scalars: dx)
    }
}
