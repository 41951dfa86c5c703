// ReductionBackward: the gradients of sum, mean, max and min, over all cells or along one axis.
//
//   sum:  every cell that was added gets the result's gradient g unchanged (each counted once);
//   mean: every cell gets g / n, n the number of cells averaged;
//   max, min: g goes to the winner; the other cells did not change the result and get 0. When several
//         cells tie for the winning value, they share g equally (g / k each for k tied cells), as
//         JAX, Keras (every backend) and PyTorch's max() do: the derivative of max along the direction
//         that raises all tied cells together. A nan wins outright (the first nan gets all of g).
// Along an axis the same holds for each lane of cells that was reduced to one result cell.

extension Tensor {
    /// dL/dx for a reduction of `input` over all cells (`axis` nil) or along `axis`, given `outputGradient`
    /// (a 1-element tensor for a reduction to one number, else the input's shape without the axis).
    public static func reductionBackward(_ kind: ReductionKind, input: Tensor, axis: Int?,
                                         outputGradient: Tensor) throws -> Tensor {
        let (outer, length, inner): (Int, Int, Int)
        if let axis {
            let resolved = try input.resolvedAxis(axis, for: kind.rawValue)
            var expected = input.shape
            expected.remove(at: resolved)
            try GradientShapes.check(outputGradient, expected: expected.isEmpty ? [1] : expected, for: kind.rawValue)
            outer = input.shape[..<resolved].reduce(1, *)
            length = input.shape[resolved]
            inner = input.shape[(resolved + 1)...].reduce(1, *)
        } else {
            guard outputGradient.count == 1 else {
                throw CoreError("\(kind.rawValue) gradient: a reduction to one number has a gradient of one number, not \(outputGradient.shapeDescription)")
            }
            (outer, length, inner) = (1, input.count, 1)
        }
        var dx = [Double](repeating: 0, count: input.count)
        for o in 0..<outer {
            for i in 0..<inner {
                let g = outputGradient.scalars[o * inner + i]
                func offset(_ j: Int) -> Int { (o * length + j) * inner + i }
                switch kind {
                case .sum:
                    for j in 0..<length { dx[offset(j)] = g }
                case .mean:
                    for j in 0..<length { dx[offset(j)] = g / Double(length) }
                case .max, .min:
                    guard length > 0 else { continue }
                    var winner = 0
                    for j in 1..<length {
                        let candidate = input.scalars[offset(j)], best = input.scalars[offset(winner)]
                        if best.isNaN { break }
                        if candidate.isNaN || (kind == .max ? candidate > best : candidate < best) { winner = j }
                    }
                    let best = input.scalars[offset(winner)]
                    if best.isNaN {
                        dx[offset(winner)] = g
                    } else {
                        let tied = (0..<length).filter { input.scalars[offset($0)] == best }
                        for j in tied { dx[offset(j)] = g / Double(tied.count) }
                    }
                }
            }
        }
        return Tensor(unchecked: input.shape, scalars: dx)
    }
}
