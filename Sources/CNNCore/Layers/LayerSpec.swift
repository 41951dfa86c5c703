// LayerSpec: one layer of a model declared without data, mirroring the Keras layers the learning material uses.
//
// A LayerSpec holds one kind of layer (a `ModelLayer`: ConvolutionLayer, PoolingLayer, DenseLayer, ... in this
// folder) with its settings; ModelSpec.analyze() works out what it does to shapes and how many parameters it
// has. Each kind's file adds its constructor here (`.conv(filters:kernel:)`, `.dense(units:)`, ...). Defaults
// follow Keras: stride 1, valid padding, dilation 1, no activation (linear), biases on, and a pooling stride
// equal to the pool size.

/// One layer of a sequential model, described by its settings (like a Keras layer before it is built).
public struct LayerSpec: Equatable, Sendable {
    /// The layer's kind and settings.
    public let layer: any ModelLayer

    /// Wraps a layer.
    public init(_ layer: any ModelLayer) {
        self.layer = layer
    }

    /// The short word for this kind of layer used in messages: "conv", "maxpool", "dense", ...
    public var kindName: String { layer.kindName }
    /// The base of Keras' default layer name: "conv2d", "max_pooling2d", "dense", ...
    public var kerasBaseName: String { layer.kerasBaseName }
    /// The Keras class name: "Conv2D", "MaxPooling2D", "Dense", ...
    public var kerasClassName: String { layer.kerasClassName }

    public static func == (a: LayerSpec, b: LayerSpec) -> Bool { a.layer.isEqual(to: b.layer) }
}
