// ClipBackward: the gradient of clip(x, low, high).
//
// Inside the range clip passes x on unchanged (slope 1); a clipped value is stuck at the bound whatever x
// does (slope 0). At a value exactly on a bound the gradient passes (slope 1), as TensorFlow's
// clip_by_value takes it.

extension Tensor {
    /// dL/dx for `x.clipped(low:high:)`, given dL/d(clipped).
    public static func clipBackward(input: Tensor, low: Double, high: Double, outputGradient: Tensor) throws -> Tensor {
        try GradientShapes.check(outputGradient, expected: input.shape, for: "clip")
        var dx = outputGradient.scalars
        for i in 0..<dx.count where input.scalars[i] < low || input.scalars[i] > high { dx[i] = 0 }
        return Tensor(unchecked: input.shape, scalars: dx)
    }
}
