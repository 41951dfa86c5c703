// ZeroPaddingLayer: Keras' ZeroPadding2D, rows and columns of zeros around every map of an H x W x C input.
//
// Shapes: (top + H + bottom) x (left + W + right) x C. No weights. The receptive field keeps its size (a
// 1x1 window), but its start moves by the padding above and to the left. Forward and backward are the
// core's pad (Pad.swift, Gradients/PadBackward.swift), as for the language's `pad(x, amounts)`.

/// A zero-padding layer.
public struct ZeroPaddingLayer: ModelLayer, Equatable {
    /// Rows and columns added on each side.
    public var amounts: PaddingAmounts

    /// Creates the layer.
    public init(_ amounts: PaddingAmounts) {
        self.amounts = amounts
    }

    public var kindName: String { "zeropad" }
    public var kerasClassName: String { "ZeroPadding2D" }
    public var kerasBaseName: String { "zero_padding2d" }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        try LayerRules.requireImage(input.shape, for: "zero padding", label: input.label)
        for side in [amounts.top, amounts.bottom, amounts.left, amounts.right] {
            try LayerRules.checkSize(side, "padding", minimum: 0, label: input.label)
        }
        let height = input.shape[0] + amounts.top + amounts.bottom
        let width = input.shape[1] + amounts.left + amounts.right
        try LayerRules.checkSize(height, "padded height", label: input.label)
        try LayerRules.checkSize(width, "padded width", label: input.label)
        let window = SlidingWindow(kernel: Pair(square: 1), padBefore: Pair(amounts.top, amounts.left))
        return LayerShape(outputShape: [height, width, input.shape[2]],
                          parameters: Derivation(value: 0, formula: "no weights: zero padding only adds zeros around each map"),
                          outputRows: Derivation(value: height, formula: "out = \(amounts.top) + \(input.shape[0]) + \(amounts.bottom) = \(height)"),
                          outputCols: Derivation(value: width, formula: "out = \(amounts.left) + \(input.shape[1]) + \(amounts.right) = \(width)"),
                          padding: amounts,
                          receptiveField: try input.field.map { try ReceptiveField.after($0, window: window) })
    }

    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor {
        try input.padded(amounts)
    }

    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        LayerGradient(input: try Tensor.padBackward(inputShape: input.shape, amounts: amounts, outputGradient: outputGradient))
    }
}

extension LayerSpec {
    /// Zero padding (Keras ZeroPadding2D): `amounts` rows and columns of zeros around each map.
    public static func zeroPadding(_ amounts: PaddingAmounts) -> LayerSpec { LayerSpec(ZeroPaddingLayer(amounts)) }
}
