// Transpose: reorder the axes of a tensor; for a matrix, rows become columns.
//
// With a permutation p, result axis a is input axis p[a]: out[i0, i1, ...] = x[...] with input index
// p[a] set to i_a. The permutation (2, 0, 1) turns an H x W x C tensor into C x H x W, one map per channel
// first. Without a permutation the axes are reversed, as NumPy's `x.T` does: a matrix is transposed and a
// vector is left as it is.

extension Tensor {
    /// The tensor with its axes reversed: the transpose of a matrix; a vector is returned unchanged.
    public func transposed() -> Tensor {
        if rank == 2 { return matrixTransposed() }
        let reversedAxes = Array((0..<rank).reversed())
        return permuted(reversedAxes)
    }

    /// A matrix's transpose, copied in 8 x 8 tiles so both sides stay in the cache (training transposes its
    /// dense layers' inputs and weights every batch).
    private func matrixTransposed() -> Tensor {
        let rows = shape[0], columns = shape[1], count = scalars.count
        let values = scalars.withUnsafeBufferPointer { x in
            [Double](unsafeUninitializedCapacity: count) { t, initialized in
                if let source = x.baseAddress, let target = t.baseAddress, count == rows &* columns {
                    for i0 in stride(from: 0, to: rows, by: 8) {
                        for j0 in stride(from: 0, to: columns, by: 8) {
                            for i in i0..<Swift.min(i0 &+ 8, rows) {
                                for j in j0..<Swift.min(j0 &+ 8, columns) { target[j &* rows &+ i] = source[i &* columns &+ j] }
                            }
                        }
                    }
                } else {
                    t.initialize(repeating: 0)
                }
                initialized = count
            }
        }
        return Tensor(unchecked: [columns, rows], scalars: values)
    }

    /// The tensor with its axes reordered: result axis `a` is input axis `permutation[a]`
    /// (negative entries count from the end). Throws unless `permutation` lists every axis exactly once.
    public func transposed(_ permutation: [Int]) throws -> Tensor {
        let written = "(" + permutation.map(String.init).joined(separator: ", ") + ")"
        guard permutation.count == rank else {
            throw CoreError(
                "transpose: the permutation \(written) has \(permutation.count) \(permutation.count == 1 ? "entry" : "entries"), but a \(shapeDescription) tensor has \(rank) \(rank == 1 ? "axis" : "axes")",
                hint: "list every axis once, e.g. (\((0..<rank).reversed().map(String.init).joined(separator: ", ")))")
        }
        var axes: [Int] = []
        for entry in permutation {
            guard entry >= -rank, entry < rank else {
                throw CoreError(
                    "transpose: axis \(entry) in \(written) does not exist in a \(shapeDescription) tensor, whose axes are 0 to \(rank - 1)")
            }
            let axis = entry < 0 ? entry + rank : entry
            guard !axes.contains(axis) else {
                throw CoreError(
                    "transpose: axis \(axis) appears twice in \(written); a permutation lists every axis exactly once")
            }
            axes.append(axis)
        }
        return permuted(axes)
    }

    /// Reorders axes by a permutation already known to be valid.
    private func permuted(_ axes: [Int]) -> Tensor {
        let strides = self.strides
        let offsets = axes.map { axis in (0..<shape[axis]).map { $0 * strides[axis] } }
        return Tensor(unchecked: axes.map { shape[$0] }, scalars: gathered(offsets: offsets))
    }
}
