// Stack: join several tensors of equal shape along a new last axis, or H x W x C tensors along channels.
//
// stack is the learning material's `join`: F feature maps of H x W become one H x W x F tensor, the depth
// of the next layer's input (28x28 maps from 5 filters -> 28x28x5); n-vectors become n x N.
//     out[..., f] = maps[f][...]
// concatenate puts H x W x C1, H x W x C2, ... side by side along channels: H x W x (C1 + C2 + ...).

extension Tensor {
    /// Stacks tensors of equal shape along a new last axis: N maps of H x W give H x W x N.
    /// Throws for an empty list, unequal shapes (naming the first offender), or a result of rank 5.
    public static func stack(_ tensors: [Tensor]) throws -> Tensor {
        guard let first = tensors.first else {
            throw CoreError("stack: there is nothing to stack", hint: "give at least one tensor, e.g. stack(a, b, c)")
        }
        for (position, tensor) in tensors.enumerated() where tensor.shape != first.shape {
            throw CoreError(
                "stack: the \(ordinal(position + 1)) tensor is \(tensor.shapeDescription), but the 1st is \(first.shapeDescription); every tensor must have the same shape",
                hint: "resize, pad or slice the maps to one size first")
        }
        guard first.rank < Limits.maxRank else {
            throw CoreError(
                "stack: stacking \(first.shapeDescription) tensors would give \(first.rank + 1) dimensions, but a tensor has at most \(Limits.maxRank)",
                hint: "to join H x W x C tensors along their channels, use concatenate")
        }
        let outShape = first.shape + [tensors.count]
        let outCount = try Limits.elementCount(of: outShape, for: "stack")
        let depth = tensors.count
        var out = [Double](repeating: 0, count: outCount)
        for (f, tensor) in tensors.enumerated() {
            for (i, value) in tensor.scalars.enumerated() { out[i * depth + f] = value }
        }
        return Tensor(unchecked: outShape, scalars: out)
    }

    /// Joins H x W x C tensors of equal height and width along the channel axis: H x W x (C1 + C2 + ...).
    /// Throws for an empty list, a tensor that is not H x W x C, or unequal heights/widths (naming the first offender).
    public static func concatenate(_ tensors: [Tensor]) throws -> Tensor {
        guard let first = tensors.first else {
            throw CoreError("concatenate: there is nothing to join", hint: "give at least one H x W x C tensor")
        }
        var channels = 0
        for (position, tensor) in tensors.enumerated() {
            guard tensor.rank == 3 else {
                throw CoreError(
                    "concatenate: the \(ordinal(position + 1)) tensor is \(tensor.shapeDescription), but concatenate joins H x W x C tensors along channels",
                    hint: tensor.rank == 2 ? "to turn H x W maps into H x W x N, use stack" : nil)
            }
            guard tensor.shape[0] == first.shape[0], tensor.shape[1] == first.shape[1] else {
                throw CoreError(
                    "concatenate: the \(ordinal(position + 1)) tensor is \(tensor.shapeDescription), but the 1st is \(first.shapeDescription); heights and widths must match",
                    hint: "only the channel counts may differ")
            }
            let (total, overflow) = channels.addingReportingOverflow(tensor.shape[2])
            guard !overflow else {
                throw CoreError("concatenate: the joined tensor would have too many channels")
            }
            channels = total
        }
        let outShape = [first.shape[0], first.shape[1], channels]
        _ = try Limits.elementCount(of: outShape, for: "concatenate")
        var out: [Double] = []
        out.reserveCapacity(first.shape[0] * first.shape[1] * channels)
        for pixel in 0..<(first.shape[0] * first.shape[1]) {
            for tensor in tensors {
                let depth = tensor.shape[2]
                out.append(contentsOf: tensor.scalars[(pixel * depth)..<((pixel + 1) * depth)])
            }
        }
        return Tensor(unchecked: outShape, scalars: out)
    }

    /// "1st", "2nd", "3rd", "4th", "11th", "21st": a position in a list, counted from 1.
    static func ordinal(_ n: Int) -> String {
        let lastTwo = n % 100
        let suffix: String
        if (11...13).contains(lastTwo) {
            suffix = "th"
        } else {
            switch n % 10 {
            case 1: suffix = "st"
            case 2: suffix = "nd"
            case 3: suffix = "rd"
            default: suffix = "th"
            }
        }
        return "\(n)\(suffix)"
    }
}
