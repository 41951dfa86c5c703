// DepthwisePooling: max pooling across the channels instead of across the rows and columns.
//
// The learning material's depth-wise max pooling is TensorFlow's
//     tf.nn.max_pool(x, ksize=(1, 1, 1, k), strides=(1, 1, 1, k), padding="VALID")
// At every (row, column) the C channel values are split into consecutive groups of k and each group is
// replaced by its largest value: H x W x C becomes H x W x C/k. The maps keep their size; the depth
// shrinks. Like TensorFlow, the channel count must be a multiple of k (no partial groups, no padding).
// Useful when different filters detect the same pattern in different variants (say, rotated): the
// pooled channel responds to whichever variant is present.

/// Depth-wise max pooling: the largest value of each group of `size` consecutive channels.
public struct DepthwisePooling: Equatable, Sendable {
    /// The number of consecutive channels pooled into one (k).
    public var size: Int

    /// Creates a depth-wise max pooling of `size` channels; the size is checked when applied.
    public init(size: Int) {
        self.size = size
    }

    /// The name used in messages and step headers.
    public static let operationName = "depthwise maxpool"

    /// The output shape H x W x C/k for an H x W x C input, or an error naming what does not fit.
    public func outputShape(inputShape: [Int]) throws -> [Int] {
        let name = DepthwisePooling.operationName
        guard inputShape.count == 3 else {
            throw CoreError(
                "\(name): expects an H x W x C stack of maps, not a \(Pooling.describeRank(inputShape))",
                hint: inputShape.count == 2 ? "a single map has one channel; reshape it to H x W x 1 or use maxpool" : nil)
        }
        _ = try Limits.elementCount(of: inputShape, for: name)
        guard size >= 1 else {
            throw CoreError("\(name): the pool size must be at least 1 channel, not \(size)")
        }
        let channels = inputShape[2]
        guard size <= channels else {
            throw CoreError("\(name): a pool of \(size) channels does not fit an input with \(channels) channels",
                            hint: "use a pool size that divides \(channels): \(DepthwisePooling.divisors(of: channels))")
        }
        guard channels % size == 0 else {
            throw CoreError(
                "\(name): \(channels) channels cannot be split into groups of \(size)",
                hint: "as in TensorFlow, the channel count must be a multiple of the pool size; use one of \(DepthwisePooling.divisors(of: channels))")
        }
        return [inputShape[0], inputShape[1], channels / size]
    }

    /// "1, 2, 3, 6": the divisors of n (n at least 1), for hints.
    static func divisors(of n: Int) -> String {
        var small: [Int] = []
        var large: [Int] = []
        var d = 1
        while d <= n / d {
            if n % d == 0 {
                small.append(d)
                if d != n / d { large.insert(n / d, at: 0) }
            }
            d += 1
        }
        return (small + large).map(String.init).joined(separator: ", ")
    }

    /// Pools every group of `size` consecutive channels to its largest value.
    public func apply(_ input: Tensor) throws -> Tensor {
        let outputShape = try self.outputShape(inputShape: input.shape)
        let size = self.size
        var output = try Tensor(shape: outputShape, repeating: 0)
        input.scalars.withUnsafeBufferPointer { source in
            output.withUnsafeMutableScalars { target in
                // Channels are stored last, so the groups are consecutive runs of `size` values.
                for group in 0..<target.count {
                    let base = group * size
                    var best = source[base]
                    for offset in 1..<size where Pooling.beats(source[base + offset], best) {
                        best = source[base + offset]
                    }
                    target[group] = best
                }
            }
        }
        return output
    }

    /// Explains one output value at [oy, ox, g]: the `size` channel values of group g at that row and
    /// column, the winning channel and the value.
    public func trace(input: Tensor, at index: [Int]) throws -> PoolingTrace {
        let outputShape = try self.outputShape(inputShape: input.shape)
        try Pooling.checkOutputIndex(index, outputShape: outputShape, name: DepthwisePooling.operationName)
        try PoolingTrace.checkSize(cells: size, window: "\(size)-channel", name: DepthwisePooling.operationName)
        let row = index[0]
        let column = index[1]
        let channels = input.shape[2]
        var cells: [PoolingTrace.Cell] = []
        for k in 0..<size {
            let c = index[2] * size + k
            let value = input.scalars[(row * input.shape[1] + column) * channels + c]
            cells.append(PoolingTrace.Cell(row: row, column: column, channel: c, value: value,
                                           isPadding: false, takesPart: true))
        }
        return PoolingTrace.combine(kind: .max, outputIndex: index, windowShape: [size], cells: cells)
    }
}
