// LayerRules: the checks and window arithmetic that several layer kinds share.
//
// Sizes are checked against `largestSize`, which keeps every intermediate value of the window arithmetic far
// from overflow; a problem becomes a CoreError starting with the layer's label, e.g.
//     "layer 2 (conv): a 3x3 kernel does not fit a 2x2 input with valid padding"

/// Shared rules of the layer kinds' analyses.
enum LayerRules {
    /// The largest size (image side, kernel, stride, dilation, padding) window arithmetic accepts.
    static let largestSize = Limits.maxElements

    /// Throws unless `value` is between `minimum` and `largestSize`.
    static func checkSize(_ value: Int, _ what: String, minimum: Int = 1, label: String) throws {
        guard value >= minimum else {
            throw CoreError("\(label): the \(what) must be at least \(minimum), not \(value)")
        }
        guard value <= largestSize else {
            throw CoreError("\(label): the \(what) \(Format.count(value)) is larger than cnnrepl allows (\(Format.count(largestSize)))")
        }
    }

    /// Throws unless the input is an image H x W x C, explaining what it is instead.
    static func requireImage(_ input: [Int], for what: String, label: String) throws {
        guard input.count != 3 else { return }
        if input.count == 1 {
            throw CoreError("\(label): the input is a vector of \(Format.count(input[0])) values, but \(what) needs an image (H x W x C)",
                            hint: "put conv and pooling layers before flatten, dense and global pooling")
        }
        throw CoreError("\(label): the input is \(Shape.describe(input)), but \(what) needs H x W x C (height, width, channels)",
                        hint: "for a grayscale image give the input shape as \(Shape.describe(input))x1")
    }

    /// The output size, padding and window of a convolution or pooling layer on an H x W x C input.
    static func slidingWindow(input: [Int], kernel: Pair, stride: Pair, dilation: Pair, padding: Padding,
                                      isPooling: Bool, label: String)
        throws -> (rows: Derivation, cols: Derivation, padding: PaddingAmounts, window: SlidingWindow) {
        let height = input[0]
        let width = input[1]
        let windowWord = isPooling ? "pool size" : "kernel size"
        try checkSize(height, "input height", label: label)
        try checkSize(width, "input width", label: label)
        try checkSize(kernel.rows, windowWord, label: label)
        try checkSize(kernel.cols, windowWord, label: label)
        try checkSize(stride.rows, "stride", label: label)
        try checkSize(stride.cols, "stride", label: label)
        try checkSize(dilation.rows, "dilation", label: label)
        try checkSize(dilation.cols, "dilation", label: label)
        if case .explicit(let amounts) = padding {
            for side in [amounts.top, amounts.bottom, amounts.left, amounts.right] {
                try checkSize(side, "padding", minimum: 0, label: label)
            }
        }
        let amounts = padding.amounts(height: height, width: width, kernel: kernel, stride: stride, dilation: dilation)
        let rows = OutputSize.along(inputSize: height, kernel: kernel.rows, stride: stride.rows, dilation: dilation.rows,
                                    padBefore: amounts.top, padAfter: amounts.bottom)
        let cols = OutputSize.along(inputSize: width, kernel: kernel.cols, stride: stride.cols, dilation: dilation.cols,
                                    padBefore: amounts.left, padAfter: amounts.right)
        guard rows.value >= 1, cols.value >= 1 else {
            var what = isPooling ? "a \(kernel.sizeDescription) pooling window" : "a \(kernel.sizeDescription) kernel"
            if dilation != Pair(square: 1) {
                let span = Pair((kernel.rows - 1) * dilation.rows + 1, (kernel.cols - 1) * dilation.cols + 1)
                what += " with dilation \(dilation) (spanning \(span.sizeDescription))"
            }
            let paddingWords: String
            if case .explicit = padding { paddingWords = "padding \(padding)" } else { paddingWords = "\(padding) padding" }
            throw CoreError("\(label): \(what) does not fit a \(height)x\(width) input with \(paddingWords)",
                            hint: isPooling ? "use same padding, a smaller pool size, or fewer pooling layers"
                                            : "use same padding or a smaller kernel")
        }
        let window = SlidingWindow(kernel: kernel, stride: stride, dilation: dilation,
                                   padBefore: Pair(amounts.top, amounts.left))
        return (rows, cols, amounts, window)
    }

}
