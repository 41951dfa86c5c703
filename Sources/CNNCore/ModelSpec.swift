// ModelSpec: a sequential model declared without data, and the shape and parameter analysis of it.
//
// A ModelSpec mirrors a Keras Sequential model: an input shape (H x W x C for images, H x W, or a
// vector length) and a list of layers. analyze() walks the layers the way Keras builds them, working
// out each layer's Keras default name, output shape, parameter count and receptive field, and shows
// the arithmetic of each step. Nothing is allocated, so any size can be analysed; every computation on
// user-given sizes is checked, and a problem is reported as a CoreError that names the layer:
//     "layer 2 (conv): a 3x3 kernel does not fit a 2x2 input with valid padding"

/// A sequential model declared by its input shape and layers, like a Keras Sequential model.
public struct ModelSpec: Equatable, Sendable {
    /// The model's name, as Keras' summary prints it ("sequential" by default).
    public var name: String
    /// The shape of one input example: H x W x C (e.g. [28, 28, 1]), H x W, or a vector length.
    public var inputShape: [Int]
    /// The layers, applied in order.
    public var layers: [LayerSpec]

    /// Creates a model from its input shape and layers.
    public init(name: String = "sequential", inputShape: [Int], layers: [LayerSpec]) {
        self.name = name
        self.inputShape = inputShape
        self.layers = layers
    }

    /// The largest size (image side, kernel, stride, dilation, padding) window arithmetic accepts; it
    /// keeps every intermediate value far from overflow.
    static let largestSize = Limits.maxElements

    /// Works out every layer's name, output shape, parameters and receptive field, and the totals.
    /// Throws a CoreError naming the first layer that cannot be applied to its input.
    public func analyze() throws -> ModelAnalysis {
        try checkInputShape()
        var shape = inputShape
        var field: ReceptiveFieldStep? = inputShape.count == 3 ? .input : nil
        var uses: [String: Int] = [:]
        var results: [LayerAnalysis] = []
        for (offset, layer) in layers.enumerated() {
            let label = "layer \(offset + 1) (\(layer.kindName))"
            let base = layer.kerasBaseName
            let earlier = uses[base, default: 0]
            uses[base] = earlier + 1
            let name = earlier == 0 ? base : "\(base)_\(earlier)"
            let result = try relabelled(label) {
                try ModelSpec.analyzeLayer(layer, index: offset + 1, name: name, input: shape, field: field, label: label)
            }
            shape = result.outputShape
            field = result.receptiveField
            results.append(result)
        }
        let total = try ModelSpec.totalDerivation(results.map(\.parameters.value))
        return ModelAnalysis(name: name, inputShape: inputShape, layers: results, total: total,
                             trainableParameters: total.value, nonTrainableParameters: 0)
    }

    // MARK: - Checks

    private func checkInputShape() throws {
        let written = inputShape.isEmpty ? "empty" : Shape.describe(inputShape)
        guard (1...3).contains(inputShape.count), inputShape.allSatisfy({ $0 >= 1 }) else {
            throw CoreError("model input: the shape must be H x W x C, H x W or a vector length, each at least 1, not \(written)",
                            hint: "for a 28x28 grayscale image write 28x28x1")
        }
    }

    /// Runs `body`, giving any CoreError it throws the layer's label instead of the operation's prefix.
    private func relabelled<T>(_ label: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CoreError {
            guard !error.message.hasPrefix(label) else { throw error }
            var message = Substring(error.message)
            if let colon = message.firstRange(of: ": ") { message = message[colon.upperBound...] }
            throw CoreError("\(label): \(message)", hint: error.hint)
        }
    }

    /// Throws unless `value` is between `minimum` and `largestSize`.
    private static func checkSize(_ value: Int, _ what: String, minimum: Int = 1, label: String) throws {
        guard value >= minimum else {
            throw CoreError("\(label): the \(what) must be at least \(minimum), not \(value)")
        }
        guard value <= largestSize else {
            throw CoreError("\(label): the \(what) \(Format.count(value)) is larger than cnnrepl allows (\(Format.count(largestSize)))")
        }
    }

    /// Throws unless the input is an image H x W x C, explaining what it is instead.
    private static func requireImage(_ input: [Int], for what: String, label: String) throws {
        guard input.count != 3 else { return }
        if input.count == 1 {
            throw CoreError("\(label): the input is a vector of \(Format.count(input[0])) values, but \(what) needs an image (H x W x C)",
                            hint: "put conv and pooling layers before flatten, dense and global pooling")
        }
        throw CoreError("\(label): the input is \(Shape.describe(input)), but \(what) needs H x W x C (height, width, channels)",
                        hint: "for a grayscale image give the input shape as \(Shape.describe(input))x1")
    }

    // MARK: - One layer

    private static func analyzeLayer(_ layer: LayerSpec, index: Int, name: String, input: [Int],
                                     field: ReceptiveFieldStep?, label: String) throws -> LayerAnalysis {
        func unchanged(_ reason: String) -> LayerAnalysis {
            LayerAnalysis(index: index, spec: layer, name: name, inputShape: input, outputShape: input,
                          parameters: Derivation(value: 0, formula: reason), receptiveField: field)
        }
        switch layer {
        case let .conv(filters, kernel, stride, padding, dilation, _, useBias):
            try requireImage(input, for: "conv", label: label)
            try checkSize(filters, "number of filters", label: label)
            let window = try slidingWindow(input: input, kernel: kernel, stride: stride, dilation: dilation,
                                           padding: padding, isPooling: false, label: label)
            let parameters = try ParameterCount.convolution(kernel: kernel, inputChannels: input[2],
                                                            filters: filters, bias: useBias)
            return LayerAnalysis(index: index, spec: layer, name: name, inputShape: input,
                                 outputShape: [window.rows.value, window.cols.value, filters], parameters: parameters,
                                 outputRows: window.rows, outputCols: window.cols, padding: window.padding,
                                 receptiveField: try field.map { try ReceptiveField.after($0, window: window.window) })

        case let .maxPool(size, stride, padding), let .avgPool(size, stride, padding):
            try requireImage(input, for: "pooling", label: label)
            let window = try slidingWindow(input: input, kernel: size, stride: stride ?? size, dilation: Pair(square: 1),
                                           padding: padding, isPooling: true, label: label)
            let reason = "no weights: pooling only picks or averages values"
            return LayerAnalysis(index: index, spec: layer, name: name, inputShape: input,
                                 outputShape: [window.rows.value, window.cols.value, input[2]],
                                 parameters: Derivation(value: 0, formula: reason),
                                 outputRows: window.rows, outputCols: window.cols, padding: window.padding,
                                 receptiveField: try field.map { try ReceptiveField.after($0, window: window.window) })

        case .globalAvgPool, .globalMaxPool:
            try requireImage(input, for: "global pooling", label: label)
            let how = layer == .globalAvgPool ? "averages each whole map into one value" : "keeps the largest value of each whole map"
            return LayerAnalysis(index: index, spec: layer, name: name, inputShape: input, outputShape: [input[2]],
                                 parameters: Derivation(value: 0, formula: "no weights: global pooling \(how)"))

        case .flatten:
            var length = 1
            for size in input {
                let (product, overflow) = length.multipliedReportingOverflow(by: size)
                guard !overflow else {
                    throw CoreError("\(label): flattening \(Shape.describe(input)) gives too many values to count")
                }
                length = product
            }
            let formula = input.count == 1 ? Format.count(length) : "\(Shape.describe(input)) = \(Format.count(length))"
            return LayerAnalysis(index: index, spec: layer, name: name, inputShape: input, outputShape: [length],
                                 parameters: Derivation(value: 0, formula: "no weights: flatten only lines the values up in one vector"),
                                 flattenedSize: Derivation(value: length, formula: formula))

        case let .dense(units, _, useBias):
            guard units >= 1 else { throw CoreError("\(label): the number of units must be at least 1, not \(units)") }
            let last = input[input.count - 1]
            let parameters = try ParameterCount.dense(inputs: last, units: units, bias: useBias)
            var output = input
            output[output.count - 1] = units
            // On an image, Keras' Dense acts on the channels of each pixel, so the field does not grow.
            return LayerAnalysis(index: index, spec: layer, name: name, inputShape: input, outputShape: output,
                                 parameters: parameters, receptiveField: input.count == 3 ? field : nil)

        case let .dropout(rate):
            guard rate.isFinite, rate >= 0, rate <= 1 else {
                throw CoreError("\(label): the rate must be between 0 and 1, not \(Format.number(rate))",
                                hint: "the rate is the fraction of values dropped while training, e.g. 0.2")
            }
            return unchanged("no weights: dropout only zeroes random values while training")

        case .activation:
            return unchanged("no weights: an activation is applied to each value on its own")
        }
    }

    /// The output size, padding and window of a convolution or pooling layer on an H x W x C input.
    private static func slidingWindow(input: [Int], kernel: Pair, stride: Pair, dilation: Pair, padding: Padding,
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

    // MARK: - Totals

    /// "320 + 18,496 + 0 + ... = 1,625,866", overflow-checked.
    private static func totalDerivation(_ counts: [Int]) throws -> Derivation {
        var total = 0
        for count in counts {
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { throw CoreError("model: the total parameter count is too large to compute") }
            total = sum
        }
        if counts.count <= 1 { return Derivation(value: total, formula: Format.count(total)) }
        let terms = counts.map(Format.count).joined(separator: " + ")
        return Derivation(value: total, formula: "\(terms) = \(Format.count(total))")
    }
}
