// Pad: surround the spatial axes of a map with rows and columns of a constant (zero padding by default).
//
// An H x W map padded by (top, bottom, left, right) becomes (top + H + bottom) x (left + W + right);
// an H x W x C tensor is padded the same way on every channel; a vector is padded left and right only.
// This is the explicit form of the padding convolution and pooling use: padding a 10x10 image by 1 on
// every side gives 12x12, so a 3x3 kernel with valid padding gives back 10x10 ("same" size).

extension Tensor {
    /// Pads the two spatial axes of an H x W or H x W x C tensor (or both ends of a vector) with `value`.
    /// Throws for a negative amount, top/bottom padding of a vector, a rank-4 tensor, or a result too large.
    public func padded(_ amounts: PaddingAmounts, value: Double = 0) throws -> Tensor {
        let sides = [("top", amounts.top), ("bottom", amounts.bottom), ("left", amounts.left), ("right", amounts.right)]
        for (side, amount) in sides where amount < 0 {
            throw CoreError("pad: the \(side) padding is \(amount), but padding must be zero or more",
                            hint: "to cut rows or columns off, use slicing, e.g. x[1:-1, 1:-1]")
        }
        switch rank {
        case 1:
            guard amounts.top == 0, amounts.bottom == 0 else {
                throw CoreError("pad: a vector of \(shape[0]) has no rows to pad above or below",
                                hint: "pad a vector with left and right amounts only")
            }
            let width = try Tensor.paddedSize(shape[0], amounts.left, amounts.right)
            _ = try Limits.elementCount(of: [width], for: "pad")
            var out = [Double](repeating: value, count: width)
            for ix in 0..<shape[0] { out[amounts.left + ix] = scalars[ix] }
            return Tensor(unchecked: [width], scalars: out)
        case 2, 3:
            let height = shape[0], width = shape[1]
            let channels = rank == 3 ? shape[2] : 1
            let outHeight = try Tensor.paddedSize(height, amounts.top, amounts.bottom)
            let outWidth = try Tensor.paddedSize(width, amounts.left, amounts.right)
            let outShape = rank == 3 ? [outHeight, outWidth, channels] : [outHeight, outWidth]
            let outCount = try Limits.elementCount(of: outShape, for: "pad")
            var out = [Double](repeating: value, count: outCount)
            for iy in 0..<height {
                for ix in 0..<width {
                    let source = (iy * width + ix) * channels
                    let target = ((iy + amounts.top) * outWidth + ix + amounts.left) * channels
                    for c in 0..<channels { out[target + c] = scalars[source + c] }
                }
            }
            return Tensor(unchecked: outShape, scalars: out)
        default:
            throw CoreError("pad: padding works on a vector, an H x W map or an H x W x C tensor, not \(shapeDescription)",
                            hint: "pad each map of a filter bank separately")
        }
    }

    /// before + size + after, or an error if the sum overflows.
    private static func paddedSize(_ size: Int, _ before: Int, _ after: Int) throws -> Int {
        let (withBefore, overflow1) = size.addingReportingOverflow(before)
        let (total, overflow2) = withBefore.addingReportingOverflow(after)
        guard !overflow1, !overflow2 else {
            throw CoreError("pad: the padded tensor would have more than \(Format.count(Limits.maxElements)) elements",
                            hint: "a tensor holds at most 100,000,000 values; use smaller padding")
        }
        return total
    }
}
