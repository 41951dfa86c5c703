// PoolingLayer: Keras' MaxPooling2D and AveragePooling2D as model layers: one value per window and channel.
//
// Shapes: the window arithmetic of a convolution with the pool size as kernel; the stride defaults to the
// pool size. No weights. Keras' pooling layers know valid and same padding only, so computing refuses the
// others (their shapes can still be analysed). Forward and backward are the core's Pooling.

/// A max or average pooling layer (Keras MaxPooling2D / AveragePooling2D).
public struct PoolingLayer: ModelLayer, Equatable {
    /// Max or average.
    public var kind: Pooling.Kind
    /// The window's size.
    public var size: Pair
    /// The step between windows; nil means the pool size.
    public var stride: Pair?
    /// The padding mode.
    public var padding: Padding

    /// Creates the layer; the defaults are Keras'.
    public init(kind: Pooling.Kind, size: Pair, stride: Pair? = nil, padding: Padding = .valid) {
        self.kind = kind
        self.size = size
        self.stride = stride
        self.padding = padding
    }

    public var kindName: String { kind.operationName }
    public var kerasClassName: String { kind == .max ? "MaxPooling2D" : "AveragePooling2D" }
    public var kerasBaseName: String { kind == .max ? "max_pooling2d" : "average_pooling2d" }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        try LayerRules.requireImage(input.shape, for: "pooling", label: input.label)
        let window = try LayerRules.slidingWindow(input: input.shape, kernel: size, stride: stride ?? size,
                                                  dilation: Pair(square: 1), padding: padding, isPooling: true, label: input.label)
        return LayerShape(outputShape: [window.rows.value, window.cols.value, input.shape[2]],
                          parameters: Derivation(value: 0, formula: "no weights: pooling only picks or averages values"),
                          outputRows: window.rows, outputCols: window.cols, padding: window.padding,
                          receptiveField: try input.field.map { try ReceptiveField.after($0, window: window.window) })
    }

    public func weights(inputShape: [Int]) throws -> [WeightShape] {
        _ = try pooling()
        return []
    }

    /// The core pooling with this layer's window, stride and padding.
    /// - Throws: `CoreError` for a padding other than valid or same.
    public func pooling() throws -> Pooling {
        let mode: Pooling.PaddingMode
        switch padding {
        case .valid: mode = .valid
        case .same: mode = .same
        default:
            throw CoreError("\(kindName) has padding \(padding); pooling layers take valid or same padding",
                            hint: "Keras' pooling layers know valid and same only")
        }
        return Pooling(kind: kind, size: size, stride: stride, padding: mode)
    }

    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor {
        try pooling().apply(input)
    }

    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        LayerGradient(input: try pooling().backward(input: input, outputGradient: outputGradient))
    }
}

extension LayerSpec {
    /// Max pooling (Keras MaxPooling2D): the largest value of each window; the stride defaults to the size.
    public static func maxPool(size: Pair, stride: Pair? = nil, padding: Padding = .valid) -> LayerSpec {
        LayerSpec(PoolingLayer(kind: .max, size: size, stride: stride, padding: padding))
    }

    /// Average pooling (Keras AveragePooling2D): the mean of each window; the stride defaults to the size.
    public static func avgPool(size: Pair, stride: Pair? = nil, padding: Padding = .valid) -> LayerSpec {
        LayerSpec(PoolingLayer(kind: .average, size: size, stride: stride, padding: padding))
    }
}
