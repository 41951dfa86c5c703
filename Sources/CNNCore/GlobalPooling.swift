// GlobalPooling: one value per map, the largest or the mean of all its cells.
//
// Global average pooling (Keras GlobalAveragePooling2D) and global max pooling (GlobalMaxPooling2D)
// reduce each H x W map to a single number: an H x W map becomes a 1-element vector and an H x W x C
// stack becomes a vector of C values, one per channel. The learning material presents global average
// pooling as the alternative to Flatten before the fully connected layer (as in GoogLeNet): 7x7x1024
// becomes 1024 values instead of 50,176. It is pooling with a window as large as the map, so it explains
// its values with the same `PoolingTrace` as windowed pooling.

/// Global max or average pooling: each channel's map reduced to one value.
public struct GlobalPooling: Equatable, Sendable {
    /// Max or average.
    public var kind: Pooling.Kind

    /// Creates a global pooling operation.
    public init(kind: Pooling.Kind) {
        self.kind = kind
    }

    /// The name used in messages and step headers: "globalmaxpool" or "globalavgpool".
    public var operationName: String { "global" + kind.operationName }

    /// The output shape for an input shape: [1] for H x W, [C] for H x W x C.
    /// Throws for any other rank or an invalid shape.
    public func outputShape(inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2 || inputShape.count == 3 else {
            throw CoreError(
                "\(operationName): expects an H x W map or an H x W x C stack of maps, not a \(Pooling.describeRank(inputShape))",
                hint: inputShape.count == 1 ? "the input is already a vector" : "pool each image of the batch separately")
        }
        _ = try Limits.elementCount(of: inputShape, for: operationName)
        return inputShape.count == 3 ? [inputShape[2]] : [1]
    }

    /// Reduces every channel's H x W map to its largest value or its mean.
    public func apply(_ input: Tensor) throws -> Tensor {
        let outputShape = try self.outputShape(inputShape: input.shape)
        let channels = outputShape[0]
        let cellsPerMap = input.shape[0] * input.shape[1]
        let kind = self.kind
        var output = try Tensor(shape: outputShape, repeating: kind == .max ? -Double.infinity : 0)
        input.scalars.withUnsafeBufferPointer { source in
            output.withUnsafeMutableScalars { target in
                for cell in 0..<cellsPerMap {
                    let base = cell * channels
                    for c in 0..<channels {
                        let value = source[base + c]
                        switch kind {
                        case .max:
                            if Pooling.beats(value, target[c]) { target[c] = value }
                        case .average:
                            target[c] += value
                        }
                    }
                }
                if kind == .average {
                    let divisor = Double(cellsPerMap)
                    for c in 0..<channels { target[c] /= divisor }
                }
            }
        }
        return output
    }

    /// Explains one output value: all cells of channel `index[0]`'s map, the winner (max) or the sum and
    /// the divisor H * W (average), and the value. For an H x W input the only position is [0].
    public func trace(input: Tensor, at index: [Int]) throws -> PoolingTrace {
        let outputShape = try self.outputShape(inputShape: input.shape)
        try Pooling.checkOutputIndex(index, outputShape: outputShape, name: operationName)
        let height = input.shape[0]
        let width = input.shape[1]
        try PoolingTrace.checkSize(cells: height * width, window: "\(height)x\(width)", name: operationName)
        let channels = outputShape[0]
        let channel: Int? = input.rank == 3 ? index[0] : nil
        var cells: [PoolingTrace.Cell] = []
        cells.reserveCapacity(height * width)
        for iy in 0..<height {
            for ix in 0..<width {
                let value = input.scalars[(iy * width + ix) * channels + (channel ?? 0)]
                cells.append(PoolingTrace.Cell(row: iy, column: ix, channel: channel, value: value,
                                               isPadding: false, takesPart: true))
            }
        }
        return PoolingTrace.combine(kind: kind, outputIndex: index, windowShape: [height, width], cells: cells)
    }
}
