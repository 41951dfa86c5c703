// MatrixProduct: the matrix product `a @ b` of vectors and matrices, following NumPy's matmul.
//
//   m x k  @  k x n  ->  m x n      out[i, j] = sum over p of a[i, p] * b[p, j]
//   k      @  k x n  ->  n          (the vector acts as a 1 x k row)
//   m x k  @  k      ->  m          (the vector acts as a k x 1 column)
//   k      @  k      ->  1          (the dot product, as a 1-element vector)
// The inner sizes (columns of the left, rows of the right) must agree. This is not the element-wise
// product `*` that convolution uses. The default method is the blocked GEMM `MatrixMultiply`;
// `.plainLoop` is the textbook triple loop, kept as the reference the fast method is tested against.

/// How `matrixProduct` computes its result.
public enum MatrixProductMethod: Sendable {
    /// The default: the cache-blocked, vectorised `MatrixMultiply` (MatrixMultiply.swift).
    case fast
    /// The textbook triple loop over rows, columns and the inner index; the reference for tests.
    case plainLoop
}

extension Tensor {
    /// The matrix product `self @ other` of vectors and matrices (NumPy's matmul for ranks 1 and 2).
    ///
    /// A 1-D @ 1-D product (the dot product) is returned as a 1-element vector.
    /// Throws when either side has rank 3 or 4, when the inner sizes differ, when the result is too large, or
    /// when it would take more than `Limits.maxWork` multiply-adds.
    public func matrixProduct(_ other: Tensor, method: MatrixProductMethod = .fast) throws -> Tensor {
        guard rank <= 2, other.rank <= 2 else {
            let culprit = rank > 2 ? self : other
            throw CoreError(
                "@: the matrix product works on vectors and matrices, not on a \(culprit.shapeDescription) tensor",
                hint: "for the element-wise product use *; to multiply maps by a matrix, reshape them first")
        }
        // View both sides as matrices: a left vector is a row, a right vector a column.
        let rows = rank == 1 ? 1 : shape[0]
        let inner = rank == 1 ? shape[0] : shape[1]
        let otherInner = other.shape[0]
        let cols = other.rank == 1 ? 1 : other.shape[1]
        guard inner == otherInner else {
            throw CoreError(
                "@: \(shapeDescription) @ \(other.shapeDescription) needs the inner sizes to agree, but they are \(inner) and \(otherInner)",
                hint: "the columns of the left must equal the rows of the right; for the element-wise product use *")
        }
        var resultShape: [Int]
        switch (rank, other.rank) {
        case (1, 1): resultShape = [1]
        case (1, _): resultShape = [cols]
        case (_, 1): resultShape = [rows]
        default: resultShape = [rows, cols]
        }
        try Limits.checkWork([rows, inner, cols], what: "@: \(shapeDescription) @ \(other.shapeDescription)",
                             hint: "use smaller matrices; \(rows) x \(inner) x \(cols) multiply-adds are far too many to wait for")
        _ = try Limits.elementCount(of: resultShape, for: "@")
        let out: [Double]
        switch method {
        case .fast:
            out = try MatrixMultiply.multiply(scalars, other.scalars, m: rows, n: cols, k: inner)
        case .plainLoop:
            out = Tensor.plainMatrixProduct(scalars, other.scalars, rows: rows, inner: inner, cols: cols)
        }
        return Tensor(unchecked: resultShape, scalars: out)
    }

    /// The textbook triple loop: out[i, j] = sum over p of a[i, p] * b[p, j], row-major arrays.
    static func plainMatrixProduct(_ a: [Double], _ b: [Double], rows: Int, inner: Int, cols: Int) -> [Double] {
        var out = [Double](repeating: 0, count: rows * cols)
        for i in 0..<rows {
            for j in 0..<cols {
                var sum = 0.0
                for p in 0..<inner { sum.addProduct(a[i * inner + p], b[p * cols + j]) }
                out[i * cols + j] = sum
            }
        }
        return out
    }
}
