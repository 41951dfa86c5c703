// ModelLayer: what one kind of model layer (Conv2D, MaxPooling2D, Dense, ...) tells the core about itself.
//
// Each kind is one file in this folder: its settings, its Keras names, what it does to shapes and how many
// weights it has (`analyze`), the weights it draws (`computation`), and its forward and backward pass on one
// example for training. The language side of a kind (the layer line that declares it, the steps `run`
// records, its Keras and PyTorch code) sits next to the language operation it is, in
// Sources/CNNScript/Operations. `ModelSpec.analyze` and `Network` reach every kind through this protocol.

/// One kind of layer of a sequential model, with its settings.
public protocol ModelLayer: Sendable {
    /// The word for this kind of layer in messages and layer lines: "conv", "maxpool", "dense", ...
    var kindName: String { get }
    /// The Keras class name: "Conv2D", "MaxPooling2D", "Dense", ...
    var kerasClassName: String { get }
    /// The base of Keras' default layer name: "conv2d", "max_pooling2d", ... (Keras numbers repeats:
    /// conv2d, conv2d_1, conv2d_2.)
    var kerasBaseName: String { get }
    /// The activation applied to the layer's result (`.linear`: none). An activation layer is its activation
    /// applied to its unchanged input.
    var activation: ActivationKind { get }

    /// What the layer does to an input of shape `input.shape`: its output shape, parameter count and window
    /// arithmetic. Throws a `CoreError` starting with `input.label` when it cannot be applied.
    func analyze(_ input: LayerInput) throws -> LayerShape
    /// The weights the layer needs on an input of shape `inputShape` (kernel, then bias), in drawing order.
    /// Throws when the layer cannot be computed (a padding its kind does not know).
    func weights(inputShape: [Int]) throws -> [WeightShape]
    /// One example forward, before the activation; `weights` are shaped as `weights(inputShape:)` says.
    func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor
    /// One example backward: from dL/d(the forward's result) to dL/d(input) and dL/d(each weight).
    /// `memo` is what the forward pass left in `LayerPass.memo`.
    func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient
    /// The factors whose product is the work of one forward pass (multiply-adds or values touched), e.g.
    /// output cells x kh x kw x Cin for a convolution. Computed only after `analyze` accepted the shapes.
    func workFactors(inputShape: [Int], outputShape: [Int]) -> [Int]
    /// Whether `other` is the same kind of layer with the same settings.
    func isEqual(to other: any ModelLayer) -> Bool
    /// Whether the layer computes a batch best all at once: a matrix product that reads its weights once for the
    /// whole batch (and whose last digits may depend on how many rows it has). Predicting runs the layers
    /// before the first such layer a few examples at a time, and the rest on the whole batch (`Network.logits`).
    /// The default is false.
    var wantsWholeBatch: Bool { get }
    /// A batch of examples forward (each before the activation), with what each left for its backward pass.
    /// The default runs `forward` example by example; a kind whose work is a matrix product does the whole
    /// batch in one.
    func forward(batch: [Tensor], weights: [Tensor], pass: inout LayerPass) throws -> (outputs: [Tensor], memos: [[Double]?])
    /// A batch of examples backward: dL/d(each input), and dL/d(each weight) summed over the batch. The
    /// default runs `backward` example by example and adds the weight gradients in example order.
    func backward(batch: [Tensor], weights: [Tensor], memos: [[Double]?], outputGradients: [Tensor]) throws -> LayerBatchGradient
    /// The same, but a kind may leave `inputs` empty when `inputGradients` is false (the network's first layer:
    /// nothing needs the gradient of the images). The default computes everything.
    func backward(batch: [Tensor], weights: [Tensor], memos: [[Double]?], outputGradients: [Tensor],
                  inputGradients: Bool) throws -> LayerBatchGradient
}

/// The gradients of one layer for a batch of examples.
public struct LayerBatchGradient: Sendable {
    /// dL/d(each example's input), in batch order.
    public var inputs: [Tensor]
    /// dL/d(each weight), summed over the batch, in the order of the layer's weights.
    public var weights: [Tensor]

    /// Creates the gradients.
    public init(inputs: [Tensor], weights: [Tensor]) {
        self.inputs = inputs
        self.weights = weights
    }
}

extension ModelLayer where Self: Equatable {
    public func isEqual(to other: any ModelLayer) -> Bool { (other as? Self) == self }
}

extension ModelLayer {
    /// Layers without an activation of their own.
    public var activation: ActivationKind { .linear }
    /// Layers that touch each input value about once.
    public func workFactors(inputShape: [Int], outputShape: [Int]) -> [Int] { inputShape }
    /// Layers without weights.
    public func weights(inputShape: [Int]) throws -> [WeightShape] { [] }
    /// Layers that compute each example on its own.
    public var wantsWholeBatch: Bool { false }

    /// Example by example, the examples spread over the cores (`Parallel`). Each example gets its own copy of
    /// the pass, so a kind that draws random numbers (dropout) overrides this to draw them in example order.
    public func forward(batch: [Tensor], weights: [Tensor], pass: inout LayerPass) throws -> (outputs: [Tensor], memos: [[Double]?]) {
        try forwardExampleByExample(batch, weights: weights, pass: pass)
    }

    /// Example by example, spread over the cores; the weight gradients are then added up in example order,
    /// so the sums are the same bits whatever the number of threads.
    public func backward(batch: [Tensor], weights: [Tensor], memos: [[Double]?], outputGradients: [Tensor]) throws -> LayerBatchGradient {
        try backwardExampleByExample(batch, weights: weights, memos: memos, outputGradients: outputGradients)
    }

    public func backward(batch: [Tensor], weights: [Tensor], memos: [[Double]?], outputGradients: [Tensor],
                         inputGradients: Bool) throws -> LayerBatchGradient {
        try backward(batch: batch, weights: weights, memos: memos, outputGradients: outputGradients)
    }

    /// The default batch forward, for kinds that override it for some batches only (dense on vectors).
    public func forwardExampleByExample(_ batch: [Tensor], weights: [Tensor], pass: LayerPass) throws -> (outputs: [Tensor], memos: [[Double]?]) {
        let state = pass
        let results = try Parallel.map(batch.count) { i -> (Tensor, [Double]?) in
            var own = LayerPass(training: state.training, random: state.random)
            return (try forward(batch[i], weights: weights, pass: &own), own.memo)
        }
        return (results.map(\.0), results.map(\.1))
    }

    /// The default batch backward: each example's gradients, the weight gradients added in example order.
    public func backwardExampleByExample(_ batch: [Tensor], weights: [Tensor], memos: [[Double]?],
                                         outputGradients: [Tensor]) throws -> LayerBatchGradient {
        let each = try Parallel.map(batch.count) { i in
            try backward(batch[i], weights: weights, memo: memos[i], outputGradient: outputGradients[i])
        }
        var sums: [Tensor] = each.first?.weights ?? []
        for d in each.dropFirst() {
            for w in sums.indices { try sums[w].add(d.weights[w]) }
        }
        return LayerBatchGradient(inputs: each.map(\.input), weights: sums)
    }
}

extension Tensor {
    /// self += other, element by element (same shapes); for adding up gradients.
    mutating func add(_ other: Tensor) throws {
        guard other.shape == shape else {
            throw CoreError("train: a gradient of \(other.shapeDescription) does not fit weights of \(shapeDescription)")
        }
        withUnsafeMutableScalars { s in
            other.scalars.withUnsafeBufferPointer { a in
                for i in 0..<a.count { s[i] += a[i] }
            }
        }
    }
}

/// What a layer's analysis gets: the shape it receives and the receptive field so far.
public struct LayerInput: Sendable {
    /// The shape the layer receives, e.g. [28, 28, 32].
    public var shape: [Int]
    /// The receptive field of one input value while the data is an image, else nil.
    public var field: ReceptiveFieldStep?
    /// "layer 2 (conv)", the start of every message about this layer.
    public var label: String
}

/// What a layer does to shapes, as `ModelLayer.analyze` works it out.
public struct LayerShape: Sendable {
    /// The shape the layer produces.
    public var outputShape: [Int]
    /// The parameter count with its formula, or 0 with the reason there are none.
    public var parameters: Derivation
    /// The output height arithmetic of a sliding window, else nil.
    public var outputRows: Derivation?
    /// The output width arithmetic of a sliding window, else nil.
    public var outputCols: Derivation?
    /// The length arithmetic of flatten, else nil.
    public var flattenedSize: Derivation?
    /// The zero padding the layer adds, else nil.
    public var padding: PaddingAmounts?
    /// The receptive field of one output value while the data is still an image, else nil.
    public var receptiveField: ReceptiveFieldStep?
    /// How many of `parameters` training does not change (batch norm's moving mean and variance).
    public var nonTrainableParameters = 0

    /// Creates a layer's shape analysis.
    public init(outputShape: [Int], parameters: Derivation, outputRows: Derivation? = nil, outputCols: Derivation? = nil,
                flattenedSize: Derivation? = nil, padding: PaddingAmounts? = nil, receptiveField: ReceptiveFieldStep? = nil,
                nonTrainableParameters: Int = 0) {
        self.nonTrainableParameters = nonTrainableParameters
        self.outputShape = outputShape
        self.parameters = parameters
        self.outputRows = outputRows
        self.outputCols = outputCols
        self.flattenedSize = flattenedSize
        self.padding = padding
        self.receptiveField = receptiveField
    }

    /// A layer that keeps its input's shape and field and has no weights, for `reason`.
    public static func unchanged(_ input: LayerInput, reason: String) -> LayerShape {
        LayerShape(outputShape: input.shape, parameters: Derivation(value: 0, formula: reason), receptiveField: input.field)
    }
}

/// The state of one forward pass that a layer may use and leave things in.
public struct LayerPass: Sendable {
    /// Whether the pass is training (dropout is active) or predicting.
    public var training: Bool
    /// The generator for random choices while training (dropout's mask).
    public var random: RandomGenerator
    /// What the layer leaves for its backward pass beyond its input (dropout's mask), nil by default.
    public var memo: [Double]?
    /// New values for some of the layer's weights that are not learned by gradient descent (batch norm's
    /// moving averages, moved in training), by the weight's position in the layer; the network applies them
    /// after the batch's update.
    public var weightUpdates: [(position: Int, value: Tensor)] = []
    /// Whether the network applies relu to this layer's output (its activation, before the next layer). A
    /// layer that can apply it while its output is still in cache (the convolution) does so and sets this to
    /// false; the network applies it to whatever output still has it set.
    public var outputRelu = false

    /// A pass, training or predicting, drawing from `random`.
    public init(training: Bool, random: RandomGenerator) {
        self.training = training
        self.random = random
    }
}

/// The gradients of one layer for one example.
public struct LayerGradient: Sendable {
    /// dL/d(the layer's input).
    public var input: Tensor
    /// dL/d(each weight), in the order of the layer's weights.
    public var weights: [Tensor]

    /// Creates the gradients.
    public init(input: Tensor, weights: [Tensor] = []) {
        self.input = input
        self.weights = weights
    }
}
