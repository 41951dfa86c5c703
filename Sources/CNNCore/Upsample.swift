// Upsample: nearest-neighbour upsampling (Keras' UpSampling2D, interpolation "nearest"): every cell of an
// H x W (x C) map becomes a block of size.rows x size.cols copies, giving (H*r) x (W*c) (x C).
// Backward: each input cell gets the sum of its block's gradients. No weights.

/// Nearest-neighbour upsampling.
public enum Upsample {
    /// The output shape of upsampling `shape` (H x W or H x W x C) by `size`; throws on sizes below 1 or too large.
    public static func outputShape(_ shape: [Int], size: Pair) throws -> [Int] {
        guard shape.count == 2 || shape.count == 3 else {
            throw CoreError("upsample: the input must be H x W or H x W x C, not \(Shape.describe(shape))")
        }
        guard size.rows >= 1, size.cols >= 1 else { throw CoreError("upsample: the size must be at least 1, not \(size)") }
        guard let rows = Shape.product([shape[0], size.rows]), let cols = Shape.product([shape[1], size.cols]) else {
            throw CoreError("upsample: \(Shape.describe(shape)) times \(size) is too large")
        }
        let output = [rows, cols] + shape.dropFirst(2)
        _ = try Limits.elementCount(of: output, for: "upsample output")
        return output
    }

    /// Every cell repeated size.rows x size.cols times.
    public static func apply(_ x: Tensor, size: Pair) throws -> Tensor {
        let shape = try outputShape(x.shape, size: size)
        let channels = x.rank == 3 ? x.shape[2] : 1, width = x.shape[1], outputWidth = shape[1]
        var values = [Double](repeating: 0, count: shape.reduce(1, *))
        for oy in 0..<shape[0] {
            for ox in 0..<outputWidth {
                let from = ((oy / size.rows) * width + ox / size.cols) * channels, to = (oy * outputWidth + ox) * channels
                for c in 0..<channels { values[to + c] = x.scalars[from + c] }
            }
        }
        return try Tensor(shape: shape, scalars: values)
    }

    /// dL/dx: the sum of each block's gradients.
    public static func backward(inputShape: [Int], size: Pair, outputGradient g: Tensor) throws -> Tensor {
        let shape = try outputShape(inputShape, size: size)
        try GradientShapes.check(g, expected: shape, for: "upsample")
        let channels = inputShape.count == 3 ? inputShape[2] : 1, width = inputShape[1], outputWidth = shape[1]
        var dx = [Double](repeating: 0, count: inputShape.reduce(1, *))
        for oy in 0..<shape[0] {
            for ox in 0..<outputWidth {
                let to = ((oy / size.rows) * width + ox / size.cols) * channels, from = (oy * outputWidth + ox) * channels
                for c in 0..<channels { dx[to + c] += g.scalars[from + c] }
            }
        }
        return Tensor(unchecked: inputShape, scalars: dx)
    }
}
