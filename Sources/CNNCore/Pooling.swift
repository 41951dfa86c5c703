// Pooling: max and average pooling with a sliding window over an H x W map or each channel of H x W x C.
//
// Design note. A window of `size` rows x columns moves by `stride` (by default the window size, so
// windows do not overlap) and each output cell is the largest value (max) or the mean (average) of the
// input cells under the window. Three padding modes decide what happens at the bottom/right edge:
//   - `valid`: no padding; the window must fit; out = floor((n - k)/s) + 1 per axis.
//   - `same`: TensorFlow's rule (the same as convolution with dilation 1): out = ceil(n/s), the padding
//     total max((out - 1)*s + k - n, 0) split with the extra row/column at the bottom/right. Padding cells
//     do NOT take part: max pooling ignores them, average pooling divides by the number of real cells.
//   - `padToFit`: the learning material's own variant ("ceil mode"). Before pooling, an odd-sized map is
//     padded with zero rows at the bottom and zero columns at the right until the windows cover it, so
//     2x2 pooling turns a 7x7 map into 4x4. The padded zeros DO take part, exactly as the notes' NumPy code
//     does with np.pad followed by reshape-max: a window of negative values next to the padding pools to 0,
//     and an average window divides by the full window size. The windows always start inside the input.
//   - `ceil`: PyTorch's ceil_mode=True (with padding 0). The output size rounds up instead of down,
//     out = ceil((n - k)/s) + 1, less one if the last window would start past the input; the windows
//     that reach past the bottom/right edge are clipped to the input, and nothing padded takes part: max
//     pooling takes the largest real cell, average pooling divides by the real cells. Where `fit` turns
//     an all-negative edge window into 0 (its padded zero wins), `ceil` keeps the negative maximum.
//     A window that cannot start inside the input at all (n = 1, k = 3, s = 2) is refused, as PyTorch
//     refuses it (Tests/CNNCoreTests/Fixtures/torch, tools/fixtures/gen_torch.py).
// `apply` is the fast path (raw-pointer loops, channels innermost, as the data is stored); the plain
// readable loop lives in `applyReference` and in `trace`, and the tests check that they agree exactly.
// (The script language spells the modes padding=valid, padding=same, padding=fit and padding=ceil.)

/// Max or average pooling with a sliding window, as a Keras MaxPooling2D / AveragePooling2D layer.
public struct Pooling: Equatable, Sendable {
    /// How the cells of a window are combined.
    public enum Kind: String, Equatable, Sendable, CaseIterable {
        /// The largest value of the window.
        case max
        /// The mean of the window.
        case average

        /// The name used in messages and step headers: "maxpool" or "avgpool".
        public var operationName: String {
            switch self {
            case .max: return "maxpool"
            case .average: return "avgpool"
            }
        }
    }

    /// How the input's edges are padded before pooling.
    public enum PaddingMode: String, Equatable, Sendable, CaseIterable {
        /// No padding: only positions where the window fits inside the input.
        case valid
        /// TensorFlow's `same`: output size ceil(n / stride); padding cells are ignored.
        case same
        /// The learning material's ceil mode: zero rows/columns added at the bottom/right so the windows
        /// cover an odd-sized map (7x7 -> 4x4 with 2x2 pooling); the added zeros take part.
        case padToFit
        /// PyTorch's ceil_mode: the same output size as `padToFit`, but the windows are clipped to the
        /// input and nothing padded takes part (an all-negative edge window keeps its negative maximum).
        case ceil

        /// The word the script language uses: valid, same, fit or ceil.
        public var scriptName: String { self == .padToFit ? "fit" : rawValue }
    }

    /// The geometry of one pooling call: sizes, padding and the arithmetic for step headers.
    public struct Plan: Equatable, Sendable, CustomStringConvertible {
        /// The pooling operation that was planned.
        public var pooling: Pooling
        /// The input shape, H x W or H x W x C.
        public var inputShape: [Int]
        /// The input height (rows).
        public var inputHeight: Int
        /// The input width (columns).
        public var inputWidth: Int
        /// The number of channels of an H x W x C input, or nil for a single H x W map.
        public var channels: Int?
        /// The padding on each side (zero for `valid`; top/left always zero for `padToFit` and `ceil`).
        public var padding: PaddingAmounts
        /// Whether the padding cells take part in the result (only for `padToFit`).
        public var paddingTakesPart: Bool
        /// The output height with its arithmetic, e.g. "out = (7 + 1 - 2)/2 + 1 = 4".
        public var outputHeight: Derivation
        /// The output width with its arithmetic.
        public var outputWidth: Derivation
        /// The output shape: [outputHeight, outputWidth] or [outputHeight, outputWidth, channels].
        public var outputShape: [Int]

        /// The output-size arithmetic: one formula when rows and columns agree, else both.
        public var arithmetic: String {
            if outputHeight.formula == outputWidth.formula { return outputHeight.formula }
            return "rows: \(outputHeight.formula); columns: \(outputWidth.formula)"
        }

        /// The shapes in and out, and the arithmetic in parentheses (for debugging; CNNExplain words a plan).
        public var description: String { "\(Shape.describe(inputShape)) -> \(Shape.describe(outputShape)) (\(arithmetic))" }
    }

    /// Max or average.
    public var kind: Kind
    /// The window size (rows x columns).
    public var size: Pair
    /// How far the window moves between outputs (rows, columns).
    public var stride: Pair
    /// How the edges are padded.
    public var padding: PaddingMode

    /// Creates a pooling operation; the stride defaults to the window size, as in Keras.
    /// Sizes are checked when the operation is planned or applied, not here.
    public init(kind: Kind, size: Pair, stride: Pair? = nil, padding: PaddingMode = .valid) {
        self.kind = kind
        self.size = size
        self.stride = stride ?? size
        self.padding = padding
    }

    // MARK: - Planning

    /// Checks the operation against an input shape (H x W or H x W x C) and returns the output geometry
    /// with the per-axis output-size arithmetic. Throws a learner-readable error for a rank other than 2
    /// or 3, a window or stride below 1, a window that does not fit with `valid` padding, or more work than
    /// `Limits.maxWork` (output cells x window rows x window columns).
    public func plan(inputShape: [Int]) throws -> Plan {
        let name = kind.operationName
        guard inputShape.count == 2 || inputShape.count == 3 else {
            throw CoreError(
                "\(name): expects an H x W map or an H x W x C stack of maps, not a \(Pooling.describeRank(inputShape))",
                hint: inputShape.count == 1 ? "reshape the vector into a map first" : "pool each image of the batch separately")
        }
        try Pooling.checkWindowAxis(size.rows, what: "window height", name: name)
        try Pooling.checkWindowAxis(size.cols, what: "window width", name: name)
        try Pooling.checkWindowAxis(stride.rows, what: "stride along the rows", name: name)
        try Pooling.checkWindowAxis(stride.cols, what: "stride along the columns", name: name)
        // Also keeps every size below Limits.maxElements, so the arithmetic below cannot overflow.
        _ = try Limits.elementCount(of: inputShape, for: name)
        let height = inputShape[0]
        let width = inputShape[1]
        let channels: Int? = inputShape.count == 3 ? inputShape[2] : nil

        let amounts: PaddingAmounts
        switch padding {
        case .valid:
            amounts = .zero
        case .same:
            let rows = Padding.sameAmounts(inputSize: height, kernel: size.rows, stride: stride.rows, dilation: 1)
            let cols = Padding.sameAmounts(inputSize: width, kernel: size.cols, stride: stride.cols, dilation: 1)
            amounts = PaddingAmounts(top: rows.before, bottom: rows.after, left: cols.before, right: cols.after)
        case .padToFit:
            amounts = PaddingAmounts(
                top: 0, bottom: Pooling.padToFitAmount(inputSize: height, window: size.rows, stride: stride.rows),
                left: 0, right: Pooling.padToFitAmount(inputSize: width, window: size.cols, stride: stride.cols))
        case .ceil:
            amounts = .zero
        }
        let outputHeight: Derivation, outputWidth: Derivation
        var windowPadding = amounts
        if self.padding == .ceil {
            outputHeight = Pooling.ceilOutputSize(inputSize: height, window: size.rows, stride: stride.rows)
            outputWidth = Pooling.ceilOutputSize(inputSize: width, window: size.cols, stride: stride.cols)
            // The rows and columns the last windows reach past the input (they take no part).
            windowPadding = PaddingAmounts(top: 0, bottom: max((outputHeight.value - 1) * stride.rows + size.rows - height, 0),
                                     left: 0, right: max((outputWidth.value - 1) * stride.cols + size.cols - width, 0))
        } else {
            outputHeight = OutputSize.along(inputSize: height, kernel: size.rows, stride: stride.rows,
                                            padBefore: amounts.top, padAfter: amounts.bottom)
            outputWidth = OutputSize.along(inputSize: width, kernel: size.cols, stride: stride.cols,
                                           padBefore: amounts.left, padAfter: amounts.right)
        }
        guard outputHeight.value >= 1, outputWidth.value >= 1 else {
            let formula = outputHeight.value < 1 ? outputHeight.formula : outputWidth.formula
            if self.padding == .ceil {
                throw CoreError(
                    "\(name): a \(size.sizeDescription) window moving by \(stride) has no window that starts inside a \(Shape.describe(inputShape)) input with padding=ceil",
                    hint: "\(formula); PyTorch's ceil_mode refuses this too: use padding=fit or same, or a smaller window")
            }
            throw CoreError(
                "\(name): a \(size.sizeDescription) window does not fit a \(Shape.describe(inputShape)) input with valid padding",
                hint: "\(formula); use padding=same or padding=fit, or a smaller window")
        }
        var outputShape = [outputHeight.value, outputWidth.value]
        if let channels { outputShape.append(channels) }
        _ = try Limits.elementCount(of: outputShape, for: name)
        // Each output cell looks at the real cells under its window (never more than the input has).
        try Limits.checkWork(outputShape + [min(size.rows, height), min(size.cols, width)],
                             what: "\(name): \(Shape.describe(inputShape)) with a \(size.rows)x\(size.cols) window", unit: .cells,
                             hint: "use a smaller window or a larger stride")
        return Plan(pooling: self, inputShape: inputShape, inputHeight: height, inputWidth: width,
                    channels: channels, padding: windowPadding, paddingTakesPart: self.padding == .padToFit,
                    outputHeight: outputHeight, outputWidth: outputWidth, outputShape: outputShape)
    }

    /// The zero rows (or columns) `padToFit` adds after an axis of size n so that windows of size k
    /// moving by s cover it, every window starting inside the input: 7 with k = s = 2 gets 1.
    static func padToFitAmount(inputSize n: Int, window k: Int, stride s: Int) -> Int {
        guard n > k else { return k - n }
        var outputSize = (n - k + s - 1) / s + 1
        // A last window that would start in the padding covers nothing new: drop it (PyTorch does too).
        if (outputSize - 1) * s >= n { outputSize -= 1 }
        return max((outputSize - 1) * s + k - n, 0)
    }

    /// PyTorch's ceil_mode output size along one axis (padding 0): ceil((n - k)/s) + 1, less one when the
    /// last window would start at or past the end of the input; 0 or less means no window fits.
    static func ceilOutputSize(inputSize n: Int, window k: Int, stride s: Int) -> Derivation {
        let numerator = n - k
        // Ceiling division that is also right for a negative numerator (floor of (n - k + s - 1)/s).
        let shifted = numerator + s - 1
        let quotient = shifted >= 0 ? shifted / s : -((-shifted + s - 1) / s)
        var value = quotient + 1
        var formula = numerator % s == 0 ? "out = (\(n) - \(k))/\(s) + 1" : "out = ceil((\(n) - \(k))/\(s)) + 1"
        if value >= 1 && (value - 1) * s >= n {
            value -= 1
            formula += " - 1 (the last window would start past the input)"
        }
        return Derivation(value: Swift.max(value, 0), formula: formula + " = \(Swift.max(value, 0))")
    }

    /// Throws unless a window size or stride is between 1 and the largest possible dimension.
    static func checkWindowAxis(_ value: Int, what: String, name: String) throws {
        guard value >= 1 else {
            throw CoreError("\(name): the \(what) must be at least 1, not \(value)")
        }
        guard value <= Limits.maxElements else {
            throw CoreError(
                "\(name): the \(what) \(value) is larger than any tensor dimension can be (\(Format.count(Limits.maxElements)))")
        }
    }

    /// "5-element vector" or "2x3x4x5 tensor": a shape named for a rank error.
    static func describeRank(_ shape: [Int]) -> String {
        switch shape.count {
        case 0: return "tensor with no dimensions"
        case 1: return "\(shape[0])-element vector"
        default: return "\(Shape.describe(shape)) tensor"
        }
    }

    /// Whether `candidate` replaces `best` as the maximum: a larger value does, and a NaN does (once),
    /// so that a NaN in the window propagates as it does in NumPy.
    @inline(__always)
    static func beats(_ candidate: Double, _ best: Double) -> Bool {
        candidate > best || (candidate.isNaN && !best.isNaN)
    }

    // MARK: - Applying (fast path)

    /// Pools `input` (H x W, or H x W x C channel by channel) and returns the pooled tensor.
    public func apply(_ input: Tensor) throws -> Tensor {
        let plan = try self.plan(inputShape: input.shape)
        let count = plan.outputShape.reduce(1, *)  // checked by plan against Limits.maxElements
        let scalars = input.scalars.withUnsafeBufferPointer { source in
            [Double](unsafeUninitializedCapacity: count) { target, initializedCount in
                if let from = source.baseAddress, let to = target.baseAddress {
                    pool(from: from, into: to, plan: plan)
                }
                initializedCount = count
            }
        }
        // The kernel stops early when Ctrl-C was pressed; then the half-made output is thrown away.
        try Interruption.check(kind.operationName)
        return Tensor(unchecked: plan.outputShape, scalars: scalars)
    }

    /// The fast kernel: every output cell of every channel, from raw storage planned by `plan`.
    ///
    /// For each output cell it clips the window to the input rows iyLow..<iyHigh and columns
    /// ixLow..<ixHigh, copies the first real cell's channels into the output and folds the other real
    /// cells in with the channel loop innermost (consecutive memory, so the compiler vectorises it). A max
    /// window wholly inside the input, with channels in eights, goes eight channels at a time in registers
    /// (`maxOfWholeWindow`).
    /// Padding is then accounted for: ignored for `same`, a zero that takes part for `padToFit`.
    private func pool(from source: UnsafePointer<Double>, into target: UnsafeMutablePointer<Double>, plan: Plan) {
        let width = plan.inputWidth
        let height = plan.inputHeight
        let channels = plan.channels ?? 1
        let outputWidth = plan.outputWidth.value
        let windowCells = size.rows * size.cols
        for oy in 0..<plan.outputHeight.value {
            if Interruption.isRequested { return }
            let rowStart = oy * stride.rows - plan.padding.top
            let iyLow = Swift.max(rowStart, 0)
            let iyHigh = Swift.max(Swift.min(rowStart + size.rows, height), iyLow)
            for ox in 0..<outputWidth {
                let columnStart = ox * stride.cols - plan.padding.left
                let ixLow = Swift.max(columnStart, 0)
                let ixHigh = Swift.max(Swift.min(columnStart + size.cols, width), ixLow)
                let realCells = (iyHigh - iyLow) * (ixHigh - ixLow)
                let out = target + (oy * outputWidth + ox) * channels
                if kind == .max && realCells == windowCells && channels % 8 == 0 {
                    maxOfWholeWindow(source: source, width: width, channels: channels, rows: iyLow..<iyHigh,
                                     columns: ixLow..<ixHigh, into: out)
                    continue
                }
                guard realCells > 0 else {
                    // Cannot happen for the windows the plan allows; a defined value all the same.
                    out.update(repeating: 0, count: channels)
                    continue
                }
                out.update(from: source + (iyLow * width + ixLow) * channels, count: channels)
                var first = true
                for iy in iyLow..<iyHigh {
                    for ix in ixLow..<ixHigh {
                        if first {
                            first = false
                            continue
                        }
                        let cell = source + (iy * width + ix) * channels
                        switch kind {
                        case .max:
                            for c in 0..<channels {
                                // Pooling.beats written as a select: a larger value, or a NaN over a number.
                                let value = cell[c]
                                let best = out[c]
                                out[c] = (value > best || (value != value && best == best)) ? value : best
                            }
                        case .average:
                            for c in 0..<channels { out[c] += cell[c] }
                        }
                    }
                }
                let hasPadding = realCells < windowCells
                switch kind {
                case .max:
                    if hasPadding && plan.paddingTakesPart {
                        for c in 0..<channels where Pooling.beats(0, out[c]) { out[c] = 0 }
                    }
                case .average:
                    let divisor = Double(plan.paddingTakesPart ? windowCells : realCells)
                    for c in 0..<channels { out[c] /= divisor }
                }
            }
        }
    }

    /// The maximum of a window that lies wholly inside the input, for each channel, eight channels at a time
    /// in registers: the window's cells taken in the same order as `pool`'s loop (rows, then columns), each
    /// replacing the best so far when `beats` says so, so the results are the same bits. `channels` is a
    /// multiple of 8 (other counts take `pool`'s loop).
    @inline(__always)
    private func maxOfWholeWindow(source: UnsafePointer<Double>, width: Int, channels: Int, rows: Range<Int>,
                                  columns: Range<Int>, into out: UnsafeMutablePointer<Double>) {
        let first = source + (rows.lowerBound &* width &+ columns.lowerBound) &* channels
        @inline(__always) func fold(_ best: inout SIMD8<Double>, _ cell: UnsafePointer<Double>) {
            let value = UnsafeRawPointer(cell).loadUnaligned(as: SIMD8<Double>.self)
            // Pooling.beats, lane by lane: a larger value, or a NaN where the best is not one.
            best.replace(with: value, where: (value .> best) .| ((value .!= value) .& (best .== best)))
        }
        var c = 0
        if rows.count == 2 && columns.count == 2 {
            // The common 2 x 2 window written out: its cells in order, each eight channels in one register.
            let right = first + channels, below = first + width &* channels, diagonal = below + channels
            while c &+ 8 <= channels {
                var best = UnsafeRawPointer(first + c).loadUnaligned(as: SIMD8<Double>.self)
                fold(&best, right + c)
                fold(&best, below + c)
                fold(&best, diagonal + c)
                UnsafeMutableRawPointer(out + c).storeBytes(of: best, as: SIMD8<Double>.self)
                c &+= 8
            }
        }
        while c &+ 8 <= channels {
            var best = UnsafeRawPointer(first + c).loadUnaligned(as: SIMD8<Double>.self)
            for iy in rows {
                for ix in columns where iy != rows.lowerBound || ix != columns.lowerBound {
                    fold(&best, source + ((iy &* width &+ ix) &* channels &+ c))
                }
            }
            UnsafeMutableRawPointer(out + c).storeBytes(of: best, as: SIMD8<Double>.self)
            c &+= 8
        }
    }

    // MARK: - Reference loop and trace

    /// The same result as `apply`, computed the plain way: for every output cell, collect the window's
    /// cells and combine them. Slow; kept as the readable reference the fast path is tested against.
    func applyReference(_ input: Tensor) throws -> Tensor {
        let plan = try self.plan(inputShape: input.shape)
        var output = try Tensor(shape: plan.outputShape, repeating: 0)
        for oy in 0..<plan.outputHeight.value {
            for ox in 0..<plan.outputWidth.value {
                for c in 0..<(plan.channels ?? 1) {
                    let index = plan.channels == nil ? [oy, ox] : [oy, ox, c]
                    let trace = windowTrace(input: input, plan: plan, index: index)
                    try output.setValue(trace.value, at: index)
                }
            }
        }
        return output
    }

    /// Explains one output value: the window's cells (input coordinates, value, padding or not), the
    /// winning cell for max pooling or the sum and divisor for average pooling, and the value.
    /// `index` is the output position: [oy, ox] for an H x W input, [oy, ox, c] for H x W x C.
    public func trace(input: Tensor, at index: [Int]) throws -> PoolingTrace {
        let plan = try self.plan(inputShape: input.shape)
        try Pooling.checkOutputIndex(index, outputShape: plan.outputShape, name: kind.operationName)
        try PoolingTrace.checkSize(cells: size.rows * size.cols, window: size.sizeDescription, name: kind.operationName)
        return windowTrace(input: input, plan: plan, index: index)
    }

    /// Throws unless `index` names a cell of an output of shape `outputShape`.
    static func checkOutputIndex(_ index: [Int], outputShape: [Int], name: String) throws {
        guard index.count == outputShape.count else {
            throw CoreError(
                "\(name): a position in the \(Shape.describe(outputShape)) output has \(outputShape.count) numbers, not \(index.count)")
        }
        for (axis, i) in index.enumerated() where i < 0 || i >= outputShape[axis] {
            throw CoreError(
                "\(name): there is no output position \(index) in the \(Shape.describe(outputShape)) output",
                hint: "positions along axis \(axis) run from 0 to \(outputShape[axis] - 1)")
        }
    }

    /// The window behind output `index` (already checked), read with a plain loop over ky, kx.
    func windowTrace(input: Tensor, plan: Plan, index: [Int]) -> PoolingTrace {
        let oy = index[0]
        let ox = index[1]
        let channel: Int? = plan.channels == nil ? nil : index[2]
        var cells: [PoolingTrace.Cell] = []
        cells.reserveCapacity(size.rows * size.cols)
        for ky in 0..<size.rows {
            for kx in 0..<size.cols {
                let iy = oy * stride.rows - plan.padding.top + ky
                let ix = ox * stride.cols - plan.padding.left + kx
                let inside = iy >= 0 && iy < plan.inputHeight && ix >= 0 && ix < plan.inputWidth
                var value = 0.0
                if inside {
                    let flat = (iy * plan.inputWidth + ix) * (plan.channels ?? 1) + (channel ?? 0)
                    value = input.scalars[flat]
                }
                cells.append(PoolingTrace.Cell(row: iy, column: ix, channel: channel, value: value,
                                               isPadding: !inside, takesPart: inside || plan.paddingTakesPart))
            }
        }
        return PoolingTrace.combine(kind: kind, outputIndex: index, windowShape: [size.rows, size.cols], cells: cells)
    }
}
