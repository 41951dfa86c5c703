// SlicingBackward: the gradient of a selection x[...] with respect to x.
//
// Slicing copies some cells of x into the result, so each selected cell of x receives the gradient of the
// result cell it became, and every cell that was not selected receives 0: the gradient is a tensor of
// zeros the shape of x with the result's gradient written into the selected part. (A cell selected twice
// would add up; NumPy-style slices never select a cell twice.)

extension Tensor {
    /// dL/dx for `x.sliced(selections)` where x has shape `inputShape`, given `outputGradient`.
    public static func slicingBackward(inputShape: [Int], selections: [AxisSelection],
                                       outputGradient: Tensor) throws -> Tensor {
        var gradient = try Tensor(shape: inputShape, repeating: 0)
        let resolved = try gradient.resolvedSelections(selections)
        let kept = resolved.filter(\.keepsAxis).map(\.count)
        try GradientShapes.check(outputGradient, expected: kept.isEmpty ? [1] : kept, for: "slice")
        let strides = gradient.strides
        var offsets = resolved.enumerated().map { axis, selection in selection.positions.map { $0 * strides[axis] } }
        offsets = Array(repeating: [0], count: Swift.max(0, 4 - offsets.count)) + offsets
        gradient.withUnsafeMutableScalars { dx in
            var next = 0
            for a in offsets[0] {
                for b in offsets[1] {
                    for c in offsets[2] {
                        for d in offsets[3] {
                            dx[a + b + c + d] += outputGradient.scalars[next]
                            next += 1
                        }
                    }
                }
            }
        }
        return gradient
    }
}
