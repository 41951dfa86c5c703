// MatrixProductBackward: the gradients of the matrix product c = a @ b.
//
// Viewing a as m x k and b as k x n (a left vector is a 1 x k row, a right vector a k x 1 column, as the
// forward pass does), with g = dL/dc as m x n:
//     dL/da[i, p] = sum over j of g[i, j] * b[p, j]      (g @ b^T)
//     dL/db[p, j] = sum over i of a[i, p] * g[i, j]      (a^T @ g)
// Each gradient comes back in its operand's own shape (a vector stays a vector).

/// The gradients of a matrix product, each the shape of its operand.
public struct MatrixProductGradients: Equatable, Sendable {
    /// dL/da.
    public var left: Tensor
    /// dL/db.
    public var right: Tensor
}

extension Tensor {
    /// The gradients of `left @ right` given `outputGradient` = dL/d(left @ right).
    public static func matrixProductBackward(left: Tensor, right: Tensor,
                                             outputGradient: Tensor) throws -> MatrixProductGradients {
        let forwardShape = try left.matrixProductShape(right)
        try GradientShapes.check(outputGradient, expected: forwardShape, for: "@")
        let rows = left.rank == 1 ? 1 : left.shape[0]
        let inner = left.rank == 1 ? left.shape[0] : left.shape[1]
        let cols = right.rank == 1 ? 1 : right.shape[1]
        let a = left.scalars, b = right.scalars, g = outputGradient.scalars
        var da = [Double](repeating: 0, count: left.count)
        var db = [Double](repeating: 0, count: right.count)
        for i in 0..<rows {
            try Interruption.check("@ gradient")
            for p in 0..<inner {
                var sum = 0.0
                let ap = a[i * inner + p]
                for j in 0..<cols {
                    let gij = g[i * cols + j]
                    sum.addProduct(gij, b[p * cols + j])
                    db[p * cols + j].addProduct(ap, gij)
                }
                da[i * inner + p] = sum
            }
        }
        return MatrixProductGradients(left: Tensor(unchecked: left.shape, scalars: da),
                                      right: Tensor(unchecked: right.shape, scalars: db))
    }

    /// The shape of `self @ other`, or the error the product itself would raise.
    func matrixProductShape(_ other: Tensor) throws -> [Int] {
        guard rank <= 2, other.rank <= 2 else {
            throw CoreError("@: the matrix product works on vectors and matrices, not on a \((rank > 2 ? self : other).shapeDescription) tensor")
        }
        let inner = rank == 1 ? shape[0] : shape[1]
        guard inner == other.shape[0] else {
            throw CoreError("@: \(shapeDescription) @ \(other.shapeDescription) needs the inner sizes to agree, but they are \(inner) and \(other.shape[0])")
        }
        switch (rank, other.rank) {
        case (1, 1): return [1]
        case (1, _): return [other.shape[1]]
        case (_, 1): return [shape[0]]
        default: return [shape[0], other.shape[1]]
        }
    }
}
