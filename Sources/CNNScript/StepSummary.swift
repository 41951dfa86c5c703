// StepSummary: what one step did, as data: the shapes in and out, the settings that shaped them, and what
// happened to the values. CNNExplain words it (StepSummaryText.swift) for step headers, traces, gradients
// and the comments of generated code; nothing in the language writes these sentences itself.
import CNNCore

/// What one step did, in a form CNNExplain puts into words.
public enum StepSummary: Equatable, Sendable {
    /// Shapes in and out, and what happened to the values: "8x8 -> 8x8, relu of every cell". The shapes
    /// are as `Value.shapeText` writes them.
    case mapped(from: String, to: String, how: ValueChange? = nil)
    /// Only the shape of the result (a stack, a reduction, a literal, a negation).
    case result(String)
    /// A convolution's geometry; `denseOnImage` when it is a dense layer on an image (a 1x1 convolution).
    case convolution(ConvolutionPlan, denseOnImage: Bool = false)
    /// A convolution of another kind (depthwise, separable, transposed, true convolution): its input, kernel
    /// shapes, settings and output.
    case kernelOperation(KernelOperationSummary)
    /// Batch normalization of a tensor per channel, with its epsilon.
    case batchNorm(shape: [Int], epsilon: Double)
    /// Window pooling's geometry; `smallest` for min pooling (computed as the max pooling of -x).
    case pooling(Pooling.Plan, smallest: Bool = false)
    /// Max pooling across channels, `size` channels at a time.
    case depthPooling(from: String, size: Int, to: String)
    /// A dense layer: x . W (+ b) -> out.
    case dense(input: String, weights: String, bias: String?, output: String)
    /// A matrix product a @ b -> out.
    case matrixProduct(String, String, output: String)
    /// An element-wise operation of two tensors (or a tensor and a number).
    case elementwise(symbol: String, left: String, right: String, output: String)
    /// An operation on two plain numbers.
    case numbers(symbol: String)
    /// One cell of a tensor read by indexing.
    case element(of: String)
    /// `w[...] = value`: `count` of the `total` cells of a `shape` tensor set to `number`, or from the
    /// tensor `from` (as written, with its shape).
    case cellsSet(shape: String, count: Int, total: Int, number: Double?, from: String?)
    /// A built-in sample picture, described by its catalogue entry.
    case samplePicture(about: String)
    /// A picture read from a file: what the decoder found, and the tensor it became.
    case loadedPicture(details: String, shape: String)
    /// A Keras model read from a file: its class ("Sequential"), name and version, and how many weights came
    /// with it (nil: the architecture alone).
    case loadedModel(file: String, kerasClass: String, kerasName: String, kerasVersion: String?, weights: Int?)
    /// The mean squared error of `count` values, with the operands as written.
    case meanSquaredError(prediction: String, target: String, count: Int)
    /// The categorical crossentropy, averaged over `examples` examples; `fromLogits` when it was computed
    /// together with the softmax before it, from the logits.
    case crossEntropy(examples: Int, fromLogits: Bool)
    /// A gradient d loss / d variable, shaped like the variable.
    case gradient(loss: String, variable: String, shape: String)
    /// One example of a data set: which part, its position in it, the set, its label, and the label's class
    /// name when the set names its classes ("Ankle boot").
    case example(part: String, index: Int, dataset: String, label: Int, className: String? = nil)
}

/// What a step did to the values, beyond their shape.
public enum ValueChange: Equatable, Sendable {
    /// An activation applied cell by cell (softmax: along the last axis). `inputRank` is given when the words
    /// should say how softmax groups the values (the call); nil for the short form (a model layer).
    case activation(ActivationKind, inputRank: Int?)
    /// Global pooling: one maximum or average per map (`perMap`) or of the whole input.
    case globalPooling(Pooling.Kind, perMap: Bool)
    /// Every value clipped to [low, high].
    case clipped(low: Double, high: Double)
    /// The same values in the same order (reshape).
    case sameValuesRowByRow
    /// Every value passes unchanged (dropout when predicting).
    case unchanged
    /// The sizes of the input, as a vector (`shape`).
    case sizes
    /// Converted to grey with `formula`, or already grey (nil).
    case grey(formula: String?)
    /// Resized: each output pixel a weighted average of input pixels, by `method` ("area" or "bilinear"),
    /// the input pixels per output pixel along each axis given as `scale` (e.g. [2.5, 2.5]).
    case resized(method: String, scale: [Double])
}

/// What a convolution of another kind did, for its step header.
public struct KernelOperationSummary: Equatable, Sendable {
    /// Which convolution.
    public enum Kind: String, Equatable, Sendable {
        /// depthwiseconv, separableconv, transposedconv, convolve.
        case depthwise, separable, transposed, convolve
    }
    /// The kind.
    public var kind: Kind
    /// The input's shape.
    public var inputShape: [Int]
    /// The kernels' shapes (separable: depthwise, then pointwise).
    public var kernelShapes: [[Int]]
    /// The stride.
    public var stride: Pair
    /// The padding, as the script spells it.
    public var padding: String
    /// The dilation (1 when not dilated).
    public var dilation: Pair
    /// The output's shape.
    public var outputShape: [Int]

    /// Creates a summary.
    public init(kind: Kind, inputShape: [Int], kernelShapes: [[Int]], stride: Pair, padding: String,
                dilation: Pair = Pair(square: 1), outputShape: [Int]) {
        self.kind = kind
        self.inputShape = inputShape
        self.kernelShapes = kernelShapes
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.outputShape = outputShape
    }
}
