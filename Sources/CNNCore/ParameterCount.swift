// ParameterCount: how many weights a layer learns, returned with the arithmetic the learning material writes.
//
//     conv  kh x kw, Cin -> Cout:  kh*kw*Cin*Cout weights (one kh x kw x Cin filter per output map)
//                                  + Cout biases (one per filter)        "3x3x32x64 + 64 = 18,496"
//     dense in -> out:             in*out weights + out biases           "12544x128 + 128 = 1,605,760"
// Weight sharing is why convolution is cheap: the count does not depend on the image size at all.
// The factors are written as plain integers and the result with thousands separators, as in the notes.
// Sizes come from users, so every product and sum is checked for overflow.

/// Parameter counts of layers, each with its instantiated formula.
public enum ParameterCount {
    /// The parameter count of a 2-D convolution: kh x kw x Cin x Cout weights, plus Cout biases.
    /// - Parameters:
    ///   - kernel: the kernel size (rows x cols).
    ///   - inputChannels: Cin, the depth of the input (and of every filter).
    ///   - filters: Cout, the number of filters (output maps).
    ///   - bias: whether each filter has a bias (Keras' default `use_bias=True`).
    /// - Returns: e.g. value 18496, formula "3x3x32x64 + 64 = 18,496".
    public static func convolution(kernel: Pair, inputChannels: Int, filters: Int, bias: Bool = true) throws -> Derivation {
        let factors = [kernel.rows, kernel.cols, inputChannels, filters]
        let names = ["kernel height", "kernel width", "number of input channels", "number of filters"]
        for (factor, name) in zip(factors, names) where factor < 1 {
            throw CoreError("conv: the \(name) must be at least 1, not \(factor)")
        }
        return try derivation(factors: factors, bias: bias ? filters : 0, what: "conv")
    }

    /// The parameter count of a dense (fully connected) layer: in x out weights, plus out biases.
    /// - Parameters:
    ///   - inputs: the number of input values (the length of the flattened input).
    ///   - units: the number of output units.
    ///   - bias: whether each unit has a bias (Keras' default `use_bias=True`).
    /// - Returns: e.g. value 1605760, formula "12544x128 + 128 = 1,605,760".
    public static func dense(inputs: Int, units: Int, bias: Bool = true) throws -> Derivation {
        guard inputs >= 1 else { throw CoreError("dense: the number of inputs must be at least 1, not \(inputs)") }
        guard units >= 1 else { throw CoreError("dense: the number of units must be at least 1, not \(units)") }
        return try derivation(factors: [inputs, units], bias: bias ? units : 0, what: "dense")
    }

    /// A depthwise convolution: kh x kw x C x M weights (M = depth multiplier), plus C*M biases.
    /// - Returns: e.g. "3x3x32 + 32 = 320" (M = 1 is left out, as the issue's notation has it).
    public static func depthwise(kernel: Pair, channels: Int, multiplier: Int = 1, bias: Bool = true) throws -> Derivation {
        for (factor, name) in [(kernel.rows, "kernel height"), (kernel.cols, "kernel width"), (channels, "number of input channels"),
                               (multiplier, "depth multiplier")] where factor < 1 {
            throw CoreError("depthwiseconv: the \(name) must be at least 1, not \(factor)")
        }
        let factors = [kernel.rows, kernel.cols, channels] + (multiplier == 1 ? [] : [multiplier])
        guard let outputs = Shape.product([channels, multiplier]) else { throw CoreError("depthwiseconv: C x M is too large") }
        return try derivation(factors: factors, bias: bias ? outputs : 0, what: "depthwiseconv")
    }

    /// A separable convolution: the depthwise kh x kw x C x M weights, the pointwise (C*M) x F weights and F biases.
    /// - Returns: e.g. "3x3x32 + 32x64 + 64 = 2,400".
    public static func separable(kernel: Pair, channels: Int, multiplier: Int = 1, filters: Int, bias: Bool = true) throws -> Derivation {
        let depthwise = try ParameterCount.depthwise(kernel: kernel, channels: channels, multiplier: multiplier, bias: false)
        guard filters >= 1 else { throw CoreError("separableconv: the number of filters must be at least 1, not \(filters)") }
        let middle = channels * multiplier
        let pointwise = try derivation(factors: [middle, filters], bias: bias ? filters : 0, what: "separableconv")
        let (total, overflow) = depthwise.value.addingReportingOverflow(pointwise.value)
        guard !overflow else { throw CoreError("separableconv: the parameter count is too large to compute") }
        func sum(_ d: Derivation) -> Substring { d.formula[..<(d.formula.firstRange(of: " = ")?.lowerBound ?? d.formula.endIndex)] }
        let depthwiseText = sum(depthwise), pointwiseText = sum(pointwise)
        return Derivation(value: total, formula: "\(depthwiseText) + \(pointwiseText) = \(Format.count(total))")
    }

    /// A transposed convolution: kh x kw x Out x In weights (Keras' layout), plus Out biases.
    /// - Returns: e.g. "3x3x32x64 + 32 = 18,464".
    public static func transposed(kernel: Pair, outputs: Int, inputs: Int, bias: Bool = true) throws -> Derivation {
        for (factor, name) in [(kernel.rows, "kernel height"), (kernel.cols, "kernel width"), (outputs, "number of filters"),
                               (inputs, "number of input channels")] where factor < 1 {
            throw CoreError("transposedconv: the \(name) must be at least 1, not \(factor)")
        }
        return try derivation(factors: [kernel.rows, kernel.cols, outputs, inputs], bias: bias ? outputs : 0, what: "transposedconv")
    }

    /// Batch normalization of C channels: gamma, beta, moving mean and moving variance, C each; the last two
    /// are not trainable. Returns the total ("2x64 + 2x64 = 256 (...)") and the non-trainable part (2*C).
    public static func batchNorm(channels: Int) throws -> (total: Derivation, nonTrainable: Int) {
        guard channels >= 1 else { throw CoreError("batchnorm: the number of channels must be at least 1, not \(channels)") }
        let half = try derivation(factors: [2, channels], bias: 0, what: "batchnorm").value
        let (total, overflow) = half.addingReportingOverflow(half)
        guard !overflow else { throw CoreError("batchnorm: the parameter count is too large to compute") }
        return (Derivation(value: total, formula: "2x\(channels) + 2x\(channels) = \(Format.count(total)) (gamma and beta; the moving mean and variance, not trainable)"),
                half)
    }

    /// "a x b x ... + bias = total", with overflow checks; `bias` 0 leaves the "+ bias" out.
    private static func derivation(factors: [Int], bias: Int, what: String) throws -> Derivation {
        let product = factors.map(String.init).joined(separator: "x")
        let overflow = CoreError("\(what): the parameter count \(product)\(bias > 0 ? " + \(bias)" : "") is too large to compute",
                                 hint: "use smaller sizes")
        guard let weights = Shape.product(factors) else { throw overflow }
        let (total, overflowed) = weights.addingReportingOverflow(bias)
        guard !overflowed else { throw overflow }
        let formula = bias > 0 ? "\(product) + \(bias) = \(Format.count(total))" : "\(product) = \(Format.count(total))"
        return Derivation(value: total, formula: formula)
    }
}
