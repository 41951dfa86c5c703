// ReshapeBackward: the gradients of reshape, flatten and transpose, which only move values around.
//
// reshape and flatten keep the row-major order, so the gradient is simply given the input's shape back.
// A transpose with permutation p put input axis p[a] at output axis a; its gradient is transposed back
// with the inverse permutation.

extension Tensor {
    /// dL/dx for a reshape (or flatten) of an input of shape `inputShape`, given dL/d(reshaped).
    public static func reshapeBackward(inputShape: [Int], outputGradient: Tensor) throws -> Tensor {
        try outputGradient.reshaped(inputShape)
    }

    /// dL/dx for `x.transposed(permutation)` given dL/d(transposed); `permutation` lists every axis once
    /// (negative entries count from the end).
    public static func transposeBackward(permutation: [Int], outputGradient: Tensor) throws -> Tensor {
        let rank = outputGradient.rank
        var inverse = Array(repeating: 0, count: rank)
        guard permutation.count == rank else {
            throw CoreError("transpose gradient: the permutation has \(permutation.count) entries for a \(outputGradient.shapeDescription) gradient")
        }
        for (a, entry) in permutation.enumerated() {
            guard entry >= -rank, entry < rank else { throw CoreError("transpose gradient: axis \(entry) does not exist") }
            inverse[entry < 0 ? entry + rank : entry] = a
        }
        return try outputGradient.transposed(inverse)
    }
}
