// TransposedConvolution: Keras' Conv2DTranspose ("deconvolution"), the convolution that upsamples.
//
// Layouts are Keras': an H x W x In input and a kh x kw x Out x In kernel give H' x W' x Out (an H x W
// input with a kh x kw kernel gives H' x W'). Two views of the same numbers (Dumoulin & Visin, "A guide to
// convolution arithmetic for deep learning", 2016):
//   - scatter: every input cell x[iy, ix, c] adds x * k[ky, kx, f, c] to output cell
//     (iy*s + ky - P, ix*s + kx - P) of channel f; P = kh - 1 - padBefore is what is cropped at the start;
//   - convolution: insert s - 1 zeros between the input's cells, pad with `padBefore` zeros before and
//     `padAfter` after, and convolve (stride 1, valid) with the kernel flipped (rows and columns reversed)
//     and its In/Out axes swapped. That is how it is computed here, with the core's own convolution
//     (ConvolutionFast), and its backward pass is that convolution's (then sampled at the inserted cells).
// The padding is Keras 3's rule (keras/src/backend/common/backend_utils.py, for kernel k, stride s,
// output_padding op):
//   valid: before = k - 1, after = k - 1 + op (op None: max(k, s) - k)
//                                                 -> out = (in - 1)*s + k + op   (None: (in - 1)*s + max(k, s))
//   same:  total = s + k - 2 (op None) or k + k%2 - 2 + op; before = min(ceil(total/2), k - 1), after = the rest
//                                                 -> out = in*s (None) or (in - 1)*s + k - 2*(k//2) + op
// which is out = (in - 1)*stride + k - 2*pad + output_padding with pad = 0 (valid) or k//2 (same).
// It is also the gradient of a convolution with respect to its input: conv maps H' x W' to H x W, and
// its transpose maps back.

/// The settings of a transposed convolution.
public struct TransposedConvolution: Equatable, Sendable {
    /// The upsampling factor (the stride of the convolution it transposes).
    public let stride: Pair
    /// valid or same (Keras knows no other).
    public let padding: Padding
    /// Extra rows and columns at the bottom/right (each less than the stride), or nil for Keras' None.
    public let outputPadding: Pair?

    /// Creates the settings; throws on a stride below 1, a padding other than valid/same, or an output
    /// padding that is negative or not less than the stride.
    public init(stride: Pair = Pair(square: 1), padding: Padding = .valid, outputPadding: Pair? = nil) throws {
        for s in [stride.rows, stride.cols] where s < 1 || s > Convolution.maxSetting {
            throw CoreError("transposedconv: the stride must be from 1 to \(Format.count(Convolution.maxSetting)), not \(s)",
                            hint: "a stride of 2 doubles the size")
        }
        guard padding == .valid || padding == .same else {
            throw CoreError("transposedconv: the padding must be valid or same, not \(padding)",
                            hint: "Keras' Conv2DTranspose knows only these two")
        }
        if let op = outputPadding {
            for (p, s) in [(op.rows, stride.rows), (op.cols, stride.cols)] where p < 0 || p >= s {
                throw CoreError("transposedconv: output_padding must be at least 0 and less than the stride (\(s)), not \(p)",
                                hint: "it adds up to stride - 1 rows/columns at the bottom/right")
            }
        }
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
    }

    /// The geometry along one axis.
    public struct Axis: Equatable, Sendable {
        /// Input size, kernel size, stride.
        public let input: Int, kernel: Int, stride: Int
        /// Zeros before and after the zero-inserted input, in the convolution view.
        public let padBefore: Int, padAfter: Int
        /// The output size with its arithmetic.
        public let output: Derivation
        /// Rows/columns cropped at the start in the scatter view: kernel - 1 - padBefore.
        public var crop: Int { kernel - 1 - padBefore }
        /// The size of the zero-inserted, padded input: (in - 1)*s + 1 + before + after (Int.max when that
        /// does not fit an Int; the plan then refuses it).
        public let expandedSize: Int
    }

    /// The checked geometry.
    public struct Plan: Equatable, Sendable {
        /// The input's and kernel's shapes as given.
        public let inputShape: [Int], kernelShape: [Int]
        /// Rows and columns.
        public let rows: Axis, cols: Axis
        /// Input channels (In) and output channels (Out).
        public let inputChannels: Int, outputChannels: Int
        /// H' x W' x Out (H' x W' for a 2-D kernel on a 2-D input).
        public let outputShape: [Int]
        /// The equivalent convolution over the zero-inserted input (stride 1, valid, flipped kernel).
        public let convolutionPlan: ConvolutionPlan
        /// Whether a bias of Out values is added.
        public let hasBias: Bool

        /// The output-size arithmetic: one formula when rows and columns agree, else both.
        public var arithmetic: String {
            rows.output.formula == cols.output.formula ? rows.output.formula
                : "rows: \(rows.output.formula); columns: \(cols.output.formula)"
        }
        /// Multiply-adds of the scatter view: H * W * In * kh * kw * Out.
        public var multiplyAdds: Int { rows.input * cols.input * inputChannels * rows.kernel * cols.kernel * outputChannels }
    }

    /// Keras 3's padding and the output size along one axis.
    public func axis(input n: Int, kernel k: Int, stride s: Int, outputPadding op: Int?) -> Axis {
        var before: Int, after: Int, formula: String
        let pad = padding == .same ? k / 2 : 0
        if padding == .valid {
            let extra = op ?? (max(k, s) - k)
            before = k - 1
            after = k - 1 + extra
            if let op {
                formula = "(\(n) - 1)*\(s) + \(k) - 2*\(pad) + \(op)"
            } else {
                formula = k >= s ? "(\(n) - 1)*\(s) + \(k)" : "(\(n) - 1)*\(s) + max(\(k), \(s))"
            }
        } else {
            let total = op.map { k + k % 2 - 2 + $0 } ?? (s + k - 2)
            before = min(total / 2 + total % 2, k - 1)
            after = total - before
            formula = op.map { "(\(n) - 1)*\(s) + \(k) - 2*\(pad) + \($0)" } ?? "\(n)*\(s)"
        }
        // Sizes come from users: (in - 1)*s can exceed an Int when the limits are raised, so it saturates.
        let (spread, overflow) = (n - 1).multipliedReportingOverflow(by: s)
        let expanded = overflow || spread > Int.max / 2 ? Int.max : spread + 1 + before + after
        let value = expanded == Int.max ? Int.max : expanded - k + 1
        return Axis(input: n, kernel: k, stride: s, padBefore: before, padAfter: after,
                    output: Derivation(value: value, formula: "out = \(formula) = \(value == Int.max ? "too large" : "\(value)")"),
                    expandedSize: expanded)
    }

    /// Checks the shapes: H x W (with a kh x kw kernel) or H x W x In with a kh x kw x Out x In kernel,
    /// and a bias of Out values.
    public func plan(inputShape: [Int], kernelShape: [Int], biasShape: [Int]?) throws -> Plan {
        _ = try Limits.elementCount(of: inputShape, for: "transposedconv input")
        _ = try Limits.elementCount(of: kernelShape, for: "transposedconv kernel")
        guard inputShape.count == 2 || inputShape.count == 3 else {
            throw CoreError("transposedconv: the input must be H x W or H x W x C, not \(Shape.describe(inputShape))")
        }
        let channels = inputShape.count == 3 ? inputShape[2] : 1
        let outputChannels: Int
        switch kernelShape.count {
        case 2:
            guard channels == 1 else {
                throw CoreError("transposedconv: the input has \(channels) channels but a \(Shape.describe(kernelShape)) kernel has none",
                                hint: "use a kh x kw x Out x \(channels) kernel (Keras' layout: output channels, then input channels)")
            }
            outputChannels = 1
        case 4:
            guard kernelShape[3] == channels else {
                throw CoreError("transposedconv: the input has \(channels) channel\(channels == 1 ? "" : "s") but the kernel \(Shape.describe(kernelShape)) expects \(kernelShape[3])",
                                hint: "Keras' layout is kh x kw x Out x In: the last size is the input's channels")
            }
            outputChannels = kernelShape[2]
        default:
            throw CoreError("transposedconv: the kernel must be kh x kw or kh x kw x Out x In (Keras' layout), not \(Shape.describe(kernelShape))")
        }
        if let biasShape, biasShape != [outputChannels] {
            throw CoreError("transposedconv: the bias must have one value per output channel (\(outputChannels)), not \(Shape.describe(biasShape))")
        }
        let rows = axis(input: inputShape[0], kernel: kernelShape[0], stride: stride.rows, outputPadding: outputPadding?.rows)
        let cols = axis(input: inputShape[1], kernel: kernelShape[1], stride: stride.cols, outputPadding: outputPadding?.cols)
        for a in [rows, cols] where a.output.value < 1 {
            throw CoreError("transposedconv: the output would have no rows or columns (\(a.output.formula))",
                            hint: "use a larger kernel or output_padding")
        }
        let expanded = inputShape.count == 2 && kernelShape.count == 2
            ? [rows.expandedSize, cols.expandedSize] : [rows.expandedSize, cols.expandedSize, channels]
        _ = try Limits.elementCount(of: expanded, for: "transposedconv zero-inserted input")
        let flippedShape = kernelShape.count == 2 ? kernelShape : [kernelShape[0], kernelShape[1], channels, outputChannels]
        let convolutionPlan = try Convolution().plan(inputShape: expanded, kernelShape: flippedShape, biasShape: biasShape)
        return Plan(inputShape: inputShape, kernelShape: kernelShape, rows: rows, cols: cols, inputChannels: channels,
                    outputChannels: outputChannels, outputShape: convolutionPlan.outputShape,
                    convolutionPlan: convolutionPlan, hasBias: biasShape != nil)
    }

    /// The input with s - 1 zeros inserted between its cells and the padding around it (the convolution view).
    public func expanded(_ input: Tensor, plan: Plan) throws -> Tensor {
        let channels = plan.inputChannels
        let height = plan.rows.expandedSize, width = plan.cols.expandedSize
        var values = [Double](repeating: 0, count: height * width * channels)
        for iy in 0..<plan.rows.input {
            let zy = plan.rows.padBefore + iy * stride.rows
            for ix in 0..<plan.cols.input {
                let zx = plan.cols.padBefore + ix * stride.cols
                for c in 0..<channels { values[(zy * width + zx) * channels + c] = input.scalars[(iy * plan.cols.input + ix) * channels + c] }
            }
        }
        return try Tensor(shape: plan.convolutionPlan.inputShape, scalars: values)
    }

    /// The kernel of the convolution view: rows and columns reversed, Out and In swapped (kh x kw x In x Out).
    public static func flippedKernel(_ kernel: Tensor) -> Tensor {
        guard kernel.rank == 4 else { return Convolution.flipped(kernel) }
        let kh = kernel.shape[0], kw = kernel.shape[1], outputs = kernel.shape[2], inputs = kernel.shape[3]
        var values = [Double](repeating: 0, count: kernel.count)
        for ky in 0..<kh {
            for kx in 0..<kw {
                for o in 0..<outputs {
                    for i in 0..<inputs {
                        values[(((kh - 1 - ky) * kw + (kw - 1 - kx)) * inputs + i) * outputs + o] = kernel.scalars[((ky * kw + kx) * outputs + o) * inputs + i]
                    }
                }
            }
        }
        return Tensor(unchecked: [kh, kw, inputs, outputs], scalars: values)
    }

    /// The transposed convolution of `input` with `kernel` (Keras' layout), plus `bias`.
    public func apply(_ input: Tensor, kernel: Tensor, bias: Tensor? = nil) throws -> Tensor {
        let plan = try plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape)
        return try Convolution().apply(try expanded(input, plan: plan), kernel: Self.flippedKernel(kernel), bias: bias,
                                       plan: plan.convolutionPlan)
    }

    /// The gradients with respect to the input, the kernel (Keras' layout) and the bias.
    public func backward(input: Tensor, kernel: Tensor, biasShape: [Int]?, outputGradient: Tensor) throws -> ConvolutionGradients {
        let plan = try plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: biasShape)
        try GradientShapes.check(outputGradient, expected: plan.outputShape, for: "transposedconv")
        let d = try Convolution().backward(input: try expanded(input, plan: plan), kernel: Self.flippedKernel(kernel),
                                           biasShape: biasShape, outputGradient: outputGradient)
        // dL/dx: the gradient of the zero-inserted input at the cells that hold x.
        let channels = plan.inputChannels, width = plan.cols.expandedSize
        var dx = [Double](repeating: 0, count: input.count)
        for iy in 0..<plan.rows.input {
            let zy = plan.rows.padBefore + iy * stride.rows
            for ix in 0..<plan.cols.input {
                let zx = plan.cols.padBefore + ix * stride.cols
                for c in 0..<channels { dx[(iy * plan.cols.input + ix) * channels + c] = d.input.scalars[(zy * width + zx) * channels + c] }
            }
        }
        // dL/dk: flip back (flipping is its own inverse; the axes swap back too).
        let dk = Self.flippedKernel(d.kernel)
        return ConvolutionGradients(input: Tensor(unchecked: input.shape, scalars: dx),
                                    kernel: Tensor(unchecked: kernel.shape, scalars: dk.scalars), bias: d.bias)
    }

    /// One multiply of the scatter view: input cell times kernel weight, added to the traced output cell.
    public struct ScatterTerm: Equatable, Sendable {
        /// The input cell (iy, ix) and channel c.
        public let inputRow: Int, inputColumn: Int, channel: Int
        /// The kernel tap (ky, kx) it lands on.
        public let kernelRow: Int, kernelColumn: Int
        /// x[iy, ix, c], k[ky, kx, f, c] and their product.
        public let inputValue: Double, weight: Double, product: Double
    }

    /// Both views of one output cell [oy, ox] or [oy, ox, f]: the input cells scattered onto it (in the
    /// order the convolution view adds them, so both sums are the same bits) and the convolution view's
    /// trace over the zero-inserted input, which is returned too.
    public func trace(input: Tensor, kernel: Tensor, bias: Tensor?, at index: [Int])
        throws -> (scatter: [ScatterTerm], convolution: ConvolutionCellTrace, expanded: Tensor, plan: Plan) {
        let plan = try plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape)
        let z = try expanded(input, plan: plan)
        let view: ConvolutionCellTrace
        do {
            view = try Convolution().trace(input: z, kernel: Self.flippedKernel(kernel), bias: bias, at: index)
        } catch let error as CoreError {
            throw CoreError("transposedconv" + error.message.dropFirst("conv".count), hint: error.hint)
        }
        let f = index.count == 3 ? index[2] : 0
        let kw = plan.cols.kernel, outputs = plan.outputChannels, channels = plan.inputChannels
        var scatter: [ScatterTerm] = []
        for term in view.inputTerms {
            // A tap of the convolution view on a cell that holds an input value (not an inserted zero).
            let ry = term.inputRow - plan.rows.padBefore, rx = term.inputColumn - plan.cols.padBefore
            guard ry >= 0, rx >= 0, ry % stride.rows == 0, rx % stride.cols == 0 else { continue }
            let iy = ry / stride.rows, ix = rx / stride.cols
            guard iy < plan.rows.input, ix < plan.cols.input else { continue }
            let ky = plan.rows.kernel - 1 - term.kernelRow, kx = kw - 1 - term.kernelColumn
            let weight = kernel.scalars[((ky * kw + kx) * outputs + f) * channels + term.channel]
            scatter.append(ScatterTerm(inputRow: iy, inputColumn: ix, channel: term.channel, kernelRow: ky, kernelColumn: kx,
                                       inputValue: term.inputValue, weight: weight, product: term.inputValue * weight))
        }
        return (scatter, view, z, plan)
    }
}

extension Convolution {
    /// The kernel flipped: rows and columns reversed (a 180-degree turn), the other axes as they are. True
    /// convolution (`convolve`, SciPy's convolve2d) is cross-correlation with this kernel.
    public static func flipped(_ kernel: Tensor) -> Tensor {
        guard kernel.rank >= 2 else { return kernel }
        let kh = kernel.shape[0], kw = kernel.shape[1]
        let inner = kernel.count / max(kh * kw, 1)
        var values = [Double](repeating: 0, count: kernel.count)
        for ky in 0..<kh {
            for kx in 0..<kw {
                let from = (ky * kw + kx) * inner, to = ((kh - 1 - ky) * kw + (kw - 1 - kx)) * inner
                for i in 0..<inner { values[to + i] = kernel.scalars[from + i] }
            }
        }
        return Tensor(unchecked: kernel.shape, scalars: values)
    }
}
