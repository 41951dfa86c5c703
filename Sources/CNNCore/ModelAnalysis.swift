// ModelAnalysis: what ModelSpec.analyze() found out about a model, layer by layer, with its arithmetic.
//
// Everything a Keras-style summary shows (name, output shape, parameter count, totals and weight memory)
// plus the working behind it: the instantiated parameter formula, the output-size formula per axis,
// the padding used and the receptive field of spatial layers.

/// The analysis of one layer of a model.
public struct LayerAnalysis: Equatable, Sendable {
    /// The 1-based position of the layer in the model.
    public var index: Int
    /// The layer as declared.
    public var spec: LayerSpec
    /// Keras' default name for it: "conv2d", "conv2d_1", "max_pooling2d", ...
    public var name: String
    /// The shape the layer receives, e.g. [28, 28, 32].
    public var inputShape: [Int]
    /// The shape the layer produces, e.g. [14, 14, 32].
    public var outputShape: [Int]
    /// The parameter count with its formula ("3x3x32x64 + 64 = 18,496"), or 0 with the reason there
    /// are none ("no weights: pooling only picks or averages values").
    public var parameters: Derivation
    /// The output height arithmetic for convolution and pooling ("out = (28 - 3)/1 + 1 = 26"), else nil.
    public var outputRows: Derivation?
    /// The output width arithmetic for convolution and pooling, else nil.
    public var outputCols: Derivation?
    /// The length arithmetic of flatten ("14x14x64 = 12,544"), else nil.
    public var flattenedSize: Derivation?
    /// The zero padding used by convolution and pooling, else nil.
    public var padding: PaddingAmounts?
    /// The receptive field of one output value while the data is still an image (H x W x C), else nil.
    public var receptiveField: ReceptiveFieldStep?
    /// The nodes the layer takes (0: the model's input, k: layer k); [index - 1] in a plain stack.
    public var inputs: [Int]
    /// How many of `parameters` training does not change (batch norm's moving mean and variance).
    public var nonTrainableParameters = 0

    /// Creates a layer analysis.
    public init(index: Int, spec: LayerSpec, name: String, inputShape: [Int], outputShape: [Int],
                parameters: Derivation, outputRows: Derivation? = nil, outputCols: Derivation? = nil,
                flattenedSize: Derivation? = nil, padding: PaddingAmounts? = nil,
                receptiveField: ReceptiveFieldStep? = nil) {
        self.index = index
        self.spec = spec
        self.name = name
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.parameters = parameters
        self.outputRows = outputRows
        self.outputCols = outputCols
        self.flattenedSize = flattenedSize
        self.padding = padding
        self.receptiveField = receptiveField
        self.inputs = [index - 1]
    }

    /// The analysis of the `index`-th layer `spec`, named `name`, on `inputShape`, from what its kind worked out.
    public init(index: Int, spec: LayerSpec, name: String, inputShape: [Int], shape: LayerShape) {
        self.init(index: index, spec: spec, name: name, inputShape: inputShape, outputShape: shape.outputShape,
                  parameters: shape.parameters, outputRows: shape.outputRows, outputCols: shape.outputCols,
                  flattenedSize: shape.flattenedSize, padding: shape.padding, receptiveField: shape.receptiveField)
        nonTrainableParameters = shape.nonTrainableParameters
    }

    /// The output shape as the learning material writes it: "28x28x32", "12544".
    public var outputShapeDescription: String { Shape.describe(outputShape) }
}

/// The analysis of a whole model: every layer, and the totals a Keras summary prints.
public struct ModelAnalysis: Equatable, Sendable {
    /// The model's name ("sequential" unless given).
    public var name: String
    /// The input shape, e.g. [28, 28, 1].
    public var inputShape: [Int]
    /// One entry per layer, in order.
    public var layers: [LayerAnalysis]
    /// The total parameter count with its sum, e.g. "320 + 18,496 + 0 + 0 + 1,605,760 + 1,290 = 1,625,866".
    public var total: Derivation
    /// The parameters training changes by gradient descent.
    public var trainableParameters: Int
    /// The parameters gradient descent does not change (batch norm's moving mean and variance).
    public var nonTrainableParameters: Int

    /// Creates a model analysis.
    public init(name: String, inputShape: [Int], layers: [LayerAnalysis], total: Derivation,
                trainableParameters: Int, nonTrainableParameters: Int) {
        self.name = name
        self.inputShape = inputShape
        self.layers = layers
        self.total = total
        self.trainableParameters = trainableParameters
        self.nonTrainableParameters = nonTrainableParameters
    }

    /// The total parameter count.
    public var totalParameters: Int { total.value }

    /// The shape the last layer produces (the input shape when there are no layers).
    public var outputShape: [Int] { layers.last?.outputShape ?? inputShape }

    /// Keras' "Total params" line value: "1,625,866 (6.20 MB)".
    public var totalDescription: String {
        "\(Format.count(totalParameters)) (\(MemorySize.float32(parameters: totalParameters)))"
    }

    /// Keras' "Trainable params" line value: "1,625,866 (6.20 MB)".
    public var trainableDescription: String {
        "\(Format.count(trainableParameters)) (\(MemorySize.float32(parameters: trainableParameters)))"
    }

    /// Keras' "Non-trainable params" line value: "0 (0.00 B)".
    public var nonTrainableDescription: String {
        "\(Format.count(nonTrainableParameters)) (\(MemorySize.float32(parameters: nonTrainableParameters)))"
    }
}
