// DenseLayer: Keras' Dense, a fully connected layer with `units` outputs, acting on the last axis.
//
// On a vector of n values: n x units weights plus units biases. On an H x W x C image Keras' Dense acts on
// the channels of each pixel: the same small dense layer at every pixel, which is exactly a 1x1 convolution
// with the C x units kernel seen as 1x1 x C x units; the forward and backward passes compute it that way.

/// A dense (fully connected) layer.
public struct DenseLayer: ModelLayer, Equatable {
    /// The number of outputs.
    public var units: Int
    /// The activation after the layer (`.linear`: none).
    public var activation: ActivationKind
    /// Whether each output adds a bias.
    public var useBias: Bool

    /// Creates the layer; the defaults are Keras'.
    public init(units: Int, activation: ActivationKind = .linear, useBias: Bool = true) {
        self.units = units
        self.activation = activation
        self.useBias = useBias
    }

    public var kindName: String { "dense" }
    public var kerasClassName: String { "Dense" }
    public var kerasBaseName: String { "dense" }
    /// A batch of vectors is one matrix product (`forward(batch:)`): the weights are read once for all of it.
    public var wantsWholeBatch: Bool { true }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        guard units >= 1 else { throw CoreError("\(input.label): the number of units must be at least 1, not \(units)") }
        let last = input.shape[input.shape.count - 1]
        let parameters = try ParameterCount.dense(inputs: last, units: units, bias: useBias)
        var output = input.shape
        output[output.count - 1] = units
        // On an image, Keras' Dense acts on the channels of each pixel, so the field does not grow.
        return LayerShape(outputShape: output, parameters: parameters, receptiveField: input.shape.count == 3 ? input.field : nil)
    }

    public func weights(inputShape: [Int]) throws -> [WeightShape] {
        let inputs = inputShape.last ?? 1
        return [WeightShape.kernel([inputs, units], fanIn: [inputs], fanOut: [units])] + (useBias ? [.bias(units)] : [])
    }

    public func workFactors(inputShape: [Int], outputShape: [Int]) -> [Int] { outputShape + [inputShape.last ?? 1] }

    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor {
        let bias = weights.count > 1 ? weights[1] : nil
        guard input.rank == 3 else { return try Dense(weights: weights[0], bias: bias).apply(input) }
        return try Convolution().apply(input, kernel: try Self.pointwise(weights[0]), bias: bias)
    }

    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        let bias = weights.count > 1 ? weights[1] : nil
        guard input.rank == 3 else {
            let d = try Dense(weights: weights[0], bias: bias).backward(input: input, outputGradient: outputGradient)
            return LayerGradient(input: d.input, weights: [d.weights] + (d.bias.map { [$0] } ?? []))
        }
        let d = try Convolution().backward(input: input, kernel: try Self.pointwise(weights[0]), biasShape: bias?.shape,
                                           outputGradient: outputGradient)
        return LayerGradient(input: d.input, weights: [try d.kernel.reshaped(weights[0].shape)] + (d.bias.map { [$0] } ?? []))
    }

    /// A batch of vectors as one matrix product: X (B x in) . W + b. Images go example by example.
    public func forward(batch: [Tensor], weights: [Tensor], pass: inout LayerPass) throws -> (outputs: [Tensor], memos: [[Double]?]) {
        guard let rows = Self.rows(of: batch) else {
            return try forwardExampleByExample(batch, weights: weights, pass: pass)
        }
        let product = try Dense(weights: weights[0], bias: weights.count > 1 ? weights[1] : nil).apply(rows)
        return (Self.split(product, into: batch.count, shape: [units]), batch.map { _ in nil })
    }

    /// A batch of vectors backward as matrix products: dW = X^T . G, dX = G . W^T, db = the column sums of G.
    public func backward(batch: [Tensor], weights: [Tensor], memos: [[Double]?], outputGradients: [Tensor]) throws -> LayerBatchGradient {
        guard let x = Self.rows(of: batch), let g = Self.rows(of: outputGradients) else {
            return try backwardExampleByExample(batch, weights: weights, memos: memos, outputGradients: outputGradients)
        }
        let examples = batch.count, inputs = x.shape[1]
        let dw = try x.transposed().matrixProductInBands(g)
        let dx = try g.matrixProductInBands(weights[0].transposed())
        var sums = [dw]
        if weights.count > 1 {
            var db = [Double](repeating: 0, count: units)
            for r in 0..<examples {
                for j in 0..<units { db[j] += g.scalars[r * units + j] }
            }
            sums.append(Tensor(unchecked: [units], scalars: db))
        }
        return LayerBatchGradient(inputs: Self.split(dx, into: examples, shape: [inputs]), weights: sums)
    }

    /// The vectors of a batch as the rows of one B x n matrix; nil when they are not all vectors of one length.
    static func rows(of batch: [Tensor]) -> Tensor? {
        guard let first = batch.first, first.rank == 1, batch.allSatisfy({ $0.shape == first.shape }) else { return nil }
        var scalars: [Double] = []
        scalars.reserveCapacity(batch.count * first.count)
        for example in batch { scalars += example.scalars }
        return Tensor(unchecked: [batch.count, first.count], scalars: scalars)
    }

    /// The rows of a B x n matrix as B tensors of `shape`.
    static func split(_ matrix: Tensor, into count: Int, shape: [Int]) -> [Tensor] {
        let length = count == 0 ? 0 : matrix.count / count
        return (0..<count).map { Tensor(unchecked: shape, scalars: Array(matrix.scalars[($0 * length)..<(($0 + 1) * length)])) }
    }

    /// The in x units kernel as the 1x1 x in x units kernel of the convolution it is on an image.
    public static func pointwise(_ kernel: Tensor) throws -> Tensor {
        try kernel.reshaped([1, 1] + kernel.shape)
    }
}

extension LayerSpec {
    /// A dense layer (Keras Dense) with `units` outputs; nil activation means none.
    ///
    /// Like Keras, a dense layer acts on the last axis: on an H x W x C input it gives H x W x units,
    /// with C x units weights plus units biases (the same small dense layer at every pixel).
    public static func dense(units: Int, activation: ActivationKind? = nil, useBias: Bool = true) -> LayerSpec {
        LayerSpec(DenseLayer(units: units, activation: activation ?? .linear, useBias: useBias))
    }
}
