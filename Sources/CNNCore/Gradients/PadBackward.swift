// PadBackward: the gradient of padding: the padded border made no use of the input, so the input's
// gradient is the output's gradient with the border cut off again.

extension Tensor {
    /// dL/dx for `x.padded(amounts)` where x has shape `inputShape`, given dL/d(padded).
    public static func padBackward(inputShape: [Int], amounts: PaddingAmounts, outputGradient: Tensor) throws -> Tensor {
        let padded = try Tensor(shape: inputShape, repeating: 0).padded(amounts)
        try GradientShapes.check(outputGradient, expected: padded.shape, for: "pad")
        if inputShape.count == 1 {
            return Tensor(unchecked: inputShape, scalars: Array(outputGradient.scalars[amounts.left..<(amounts.left + inputShape[0])]))
        }
        let height = inputShape[0], width = inputShape[1]
        let channels = inputShape.count == 3 ? inputShape[2] : 1
        let paddedWidth = padded.shape[1]
        var dx = [Double](repeating: 0, count: height * width * channels)
        for iy in 0..<height {
            for ix in 0..<width {
                let source = ((iy + amounts.top) * paddedWidth + ix + amounts.left) * channels
                for c in 0..<channels { dx[(iy * width + ix) * channels + c] = outputGradient.scalars[source + c] }
            }
        }
        return Tensor(unchecked: inputShape, scalars: dx)
    }
}
