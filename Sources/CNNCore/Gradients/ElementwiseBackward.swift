// ElementwiseBackward: the gradients of element-wise + - * / with NumPy broadcasting.
//
// For c = a op b, cell by cell, with g = dL/dc:
//     +:  dL/da = g            dL/db = g
//     -:  dL/da = g            dL/db = -g
//     *:  dL/da = g * b        dL/db = g * a
//     /:  dL/da = g / b        dL/db = -g * a / b^2
// When an operand was stretched by broadcasting (a 3 x 1 column added to a 3 x 4 matrix, a number to a
// map), one of its cells was used by many output cells, so its gradient is the SUM over the stretched
// axes: `Broadcast.reduce(_:to:)` sums the full-size gradient back down to the operand's shape.

/// The gradients of an element-wise operation, each the shape of its operand.
public struct ElementwiseGradients: Equatable, Sendable {
    /// dL/da for the left operand.
    public var left: Tensor
    /// dL/db for the right operand.
    public var right: Tensor
}

extension Broadcast {
    /// Sums `gradient` (of a broadcast result's shape) over the axes that `shape` was stretched along,
    /// giving a gradient of `shape`. Throws if `shape` does not broadcast to the gradient's shape.
    public static func reduce(_ gradient: Tensor, to shape: [Int]) throws -> Tensor {
        if gradient.shape == shape { return gradient }
        guard canStretch(shape, to: gradient.shape) else {
            throw CoreError("gradient: a \(Shape.describe(shape)) operand cannot have been stretched to \(gradient.shapeDescription)")
        }
        _ = try Limits.elementCount(of: shape, for: "gradient")
        // Each cell of the full-size gradient adds into the operand cell it was read from.
        var source = shape
        while source.count > gradient.rank, source.first == 1 { source.removeFirst() }
        let target4 = as4D(gradient.shape)
        let s = strides(of: source, in: target4)
        var out = [Double](repeating: 0, count: shape.reduce(1, *))
        var next = 0
        for i0 in 0..<target4[0] {
            for i1 in 0..<target4[1] {
                for i2 in 0..<target4[2] {
                    let base = i0 * s[0] + i1 * s[1] + i2 * s[2]
                    for i3 in 0..<target4[3] {
                        out[base + i3 * s[3]] += gradient.scalars[next]
                        next += 1
                    }
                }
            }
        }
        return Tensor(unchecked: shape, scalars: out)
    }
}

extension ArithmeticOperation {
    /// The gradients of `left op right` (broadcast as the forward pass did) given `outputGradient`.
    /// A number operand is passed as a 1-element tensor; its gradient is then the sum over every cell.
    public func backward(left: Tensor, right: Tensor, outputGradient: Tensor) throws -> ElementwiseGradients {
        let shape = try Broadcast.resultShape(left.shape, right.shape, for: symbol)
        try GradientShapes.check(outputGradient, expected: shape, for: symbol)
        let a = Broadcast.stretchedScalars(left, to: shape)
        let b = Broadcast.stretchedScalars(right, to: shape)
        let g = outputGradient.scalars
        var da = [Double](repeating: 0, count: g.count)
        var db = [Double](repeating: 0, count: g.count)
        for i in 0..<g.count {
            switch self {
            case .add:
                da[i] = g[i]
                db[i] = g[i]
            case .subtract:
                da[i] = g[i]
                db[i] = -g[i]
            case .multiply:
                da[i] = g[i] * b[i]
                db[i] = g[i] * a[i]
            case .divide:
                da[i] = g[i] / b[i]
                db[i] = -g[i] * a[i] / (b[i] * b[i])
            }
        }
        return ElementwiseGradients(
            left: try Broadcast.reduce(Tensor(unchecked: shape, scalars: da), to: left.shape),
            right: try Broadcast.reduce(Tensor(unchecked: shape, scalars: db), to: right.shape))
    }

    /// The local derivatives of `a op b` at one cell: (dc/da, dc/db).
    public func partials(_ a: Double, _ b: Double) -> (left: Double, right: Double) {
        switch self {
        case .add: return (1, 1)
        case .subtract: return (1, -1)
        case .multiply: return (b, a)
        case .divide: return (1 / b, -a / (b * b))
        }
    }
}
