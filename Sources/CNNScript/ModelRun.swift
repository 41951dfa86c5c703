// ModelRun: what `run NAME [x]` produced, as data: the input, and for every layer of the model its weights,
// the steps it performed and the tensor it made. ModelRun+Forward.swift computes it; CNNExplain's
// RunRenderer turns it into text.
//
// Variables a run leaves behind (the documented naming scheme), for a model called `mnist`:
//   mnist_in               the input, when it was drawn at random or written as an expression
//   mnist_1 ... mnist_N    the output of layer 1 ... N (after the layer's activation, as in Keras)
//   mnist_out              the model's output (the same tensor as mnist_N)
//   mnist_K_kernel         the weights of layer K (conv: kh x kw x Cin x Cout, dense: inputs x units)
//   mnist_K_bias           the biases of layer K (one per filter or unit; zero after initialisation)
// Every output keeps its provenance, so `trace mnist_2[0, 0, 5]` walks back through the layers.
import CNNCore

/// How one weight tensor of a layer was drawn: Glorot (Xavier) uniform, as Keras initialises Conv2D and
/// Dense kernels, or zeros for a bias.
public struct WeightDraw: Sendable {
    /// The variable holding the weights, e.g. "mnist_1_kernel".
    public var variable: String
    /// The weights' shape, e.g. [3, 3, 1, 32].
    public var shape: [Int]
    /// Inputs feeding one output: kh*kw*Cin for a conv kernel, the input length for dense (0 for a bias).
    public var fanIn: Int
    /// Outputs fed by one input: kh*kw*Cout for a conv kernel, the units for dense (0 for a bias).
    public var fanOut: Int
    /// The fan-in written out, e.g. "3*3*1" (empty for a bias).
    public var fanInText: String
    /// The fan-out written out, e.g. "3*3*32" (empty for a bias).
    public var fanOutText: String
    /// The bound of the uniform draw, sqrt(6/(fanIn + fanOut)); 0 for a bias (all zeros).
    public var limit: Double
    /// The value every weight starts at when it is not drawn (batch norm's gamma: 1), else nil.
    public var fill: Double? = nil

    /// Whether these are biases (all zero) rather than a Glorot-uniform kernel.
    public var isBias: Bool { fanIn == 0 && fanOut == 0 }

    /// Creates the description of one weight tensor.
    public init(variable: String, shape: [Int], fanIn: Int, fanOut: Int, fanInText: String, fanOutText: String,
                limit: Double) {
        self.variable = variable
        self.shape = shape
        self.fanIn = fanIn
        self.fanOut = fanOut
        self.fanInText = fanInText
        self.fanOutText = fanOutText
        self.limit = limit
    }
}

/// One layer of a forward pass: the layer, its weights, the steps it performed and its output.
public struct LayerRun: Sendable {
    /// The layer's analysis (Keras name, settings, shapes, parameter count, receptive field).
    public var analysis: LayerAnalysis
    /// The variable holding the output, e.g. "mnist_1".
    public var variable: String
    /// The output tensor.
    public var output: Tensor
    /// How the output was made (the last step: the activation, if the layer has one).
    public var provenance: Provenance
    /// The layer's own operation (convolution, pooling, dense, ...), before any activation; nil for a
    /// layer that does nothing when predicting (dropout).
    public var mainStep: Step?
    /// The activation applied after the main operation (conv and dense layers with `relu` etc.).
    public var activation: ActivationKind?
    /// The weights drawn for the layer (kernel, then bias), empty for layers without weights.
    public var weights: [WeightDraw]
    /// A sentence about the layer when predicting, e.g. that dropout is off.
    public var note: String?

    /// Creates the record of one layer.
    public init(analysis: LayerAnalysis, variable: String, output: Tensor, provenance: Provenance, mainStep: Step?,
                activation: ActivationKind?, weights: [WeightDraw], note: String? = nil) {
        self.analysis = analysis
        self.variable = variable
        self.output = output
        self.provenance = provenance
        self.mainStep = mainStep
        self.activation = activation
        self.weights = weights
        self.note = note
    }
}

/// A forward pass through a declared model: its input and every layer's result.
public struct ModelRun: Sendable {
    /// The model as declared.
    public var spec: ModelSpec
    /// Its analysis (shapes, names, parameter counts).
    public var analysis: ModelAnalysis
    /// The variable holding the input ("mnist_in", or the variable given to `run`).
    public var inputVariable: String
    /// The input tensor, in the model's input shape.
    public var input: Tensor
    /// How the input was made: "rand(28x28x1)" for a random input, else the argument as written.
    public var inputOrigin: String
    /// Whether the input was drawn at random because none was given.
    public var inputIsRandom: Bool
    /// A note when the given input had to be reshaped, e.g. "28x28 read as 28x28x1".
    public var inputNote: String?
    /// One record per layer, in order.
    public var layers: [LayerRun]
    /// The variable holding the model's output ("mnist_out").
    public var outputVariable: String
    /// Whether the weights are the ones `train` learned (else freshly drawn, as a new Keras model's).
    public var trained = false
    /// The file the weights were loaded from (`load("model.keras")`), when they are those.
    public var loadedFrom: String?
    /// The class names of the data set the model was trained on, one per output value, when known.
    public var classNames: [String]?

    /// Creates a run record.
    public init(spec: ModelSpec, analysis: ModelAnalysis, inputVariable: String, input: Tensor, inputOrigin: String,
                inputIsRandom: Bool, inputNote: String?, layers: [LayerRun], outputVariable: String) {
        self.spec = spec
        self.analysis = analysis
        self.inputVariable = inputVariable
        self.input = input
        self.inputOrigin = inputOrigin
        self.inputIsRandom = inputIsRandom
        self.inputNote = inputNote
        self.layers = layers
        self.outputVariable = outputVariable
    }

    /// The model's output: the last layer's tensor (the input when the model has no layers).
    public var output: Tensor { layers.last?.output ?? input }
}
