// Layer: one layer of a model declared without data, mirroring the Keras layers the learning material uses.
//
// A LayerSpec only describes a layer (its kind and settings); ModelSpec.analyze() works out what it does
// to shapes and how many parameters it has. Defaults follow Keras: stride 1, valid padding, dilation 1,
// no activation (linear), biases on, and a pooling stride equal to the pool size. Keras only has valid and
// same padding; the other Padding modes (full, explicit amounts) are accepted and use the same arithmetic.

/// One layer of a sequential model, described by its settings (like a Keras layer before it is built).
public enum LayerSpec: Equatable, Sendable {
    /// A 2-D convolution (Keras Conv2D): `filters` kernels of size `kernel`, each as deep as the input.
    case conv(filters: Int, kernel: Pair, stride: Pair = Pair(square: 1), padding: Padding = .valid,
              dilation: Pair = Pair(square: 1), activation: ActivationKind? = nil, useBias: Bool = true)
    /// Max pooling (Keras MaxPooling2D): the largest value of each window; the stride defaults to the size.
    case maxPool(size: Pair, stride: Pair? = nil, padding: Padding = .valid)
    /// Average pooling (Keras AveragePooling2D): the mean of each window; the stride defaults to the size.
    case avgPool(size: Pair, stride: Pair? = nil, padding: Padding = .valid)
    /// Global average pooling (Keras GlobalAveragePooling2D): one mean per map, H x W x C -> C.
    case globalAvgPool
    /// Global max pooling (Keras GlobalMaxPooling2D): one maximum per map, H x W x C -> C.
    case globalMaxPool
    /// Flatten (Keras Flatten): all values in one vector, H x W x C -> H*W*C.
    case flatten
    /// A dense, fully connected layer (Keras Dense) with `units` outputs.
    ///
    /// Like Keras, a dense layer acts on the last axis: on an H x W x C input it gives H x W x units,
    /// with C x units weights plus units biases (the same small dense layer at every pixel).
    case dense(units: Int, activation: ActivationKind? = nil, useBias: Bool = true)
    /// Dropout (Keras Dropout): while training, zeroes each value with probability `rate` (0 to 1).
    case dropout(rate: Double)
    /// An activation function applied to every value (Keras Activation).
    case activation(ActivationKind)

    /// The short word for this kind of layer used in messages: "conv", "maxpool", "dense", ...
    public var kindName: String {
        switch self {
        case .conv: return "conv"
        case .maxPool: return "maxpool"
        case .avgPool: return "avgpool"
        case .globalAvgPool: return "globalavgpool"
        case .globalMaxPool: return "globalmaxpool"
        case .flatten: return "flatten"
        case .dense: return "dense"
        case .dropout: return "dropout"
        case .activation: return "activation"
        }
    }

    /// The base of Keras' default layer name: "conv2d", "max_pooling2d", "dense", ...
    /// (Keras numbers repeats: conv2d, conv2d_1, conv2d_2.)
    public var kerasBaseName: String {
        switch self {
        case .conv: return "conv2d"
        case .maxPool: return "max_pooling2d"
        case .avgPool: return "average_pooling2d"
        case .globalAvgPool: return "global_average_pooling2d"
        case .globalMaxPool: return "global_max_pooling2d"
        case .flatten: return "flatten"
        case .dense: return "dense"
        case .dropout: return "dropout"
        case .activation: return "activation"
        }
    }

    /// The Keras class name: "Conv2D", "MaxPooling2D", "Dense", ...
    public var kerasClassName: String {
        switch self {
        case .conv: return "Conv2D"
        case .maxPool: return "MaxPooling2D"
        case .avgPool: return "AveragePooling2D"
        case .globalAvgPool: return "GlobalAveragePooling2D"
        case .globalMaxPool: return "GlobalMaxPooling2D"
        case .flatten: return "Flatten"
        case .dense: return "Dense"
        case .dropout: return "Dropout"
        case .activation: return "Activation"
        }
    }
}
