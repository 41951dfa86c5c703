// StackBackward: the gradients of stack and concatenate: the output's gradient split back into its parts.
//
// stack put maps[f] at out[..., f], so map f's gradient is g[..., f]; concatenate put each tensor's
// channels side by side, so each tensor's gradient is its run of channels of g.

extension Tensor {
    /// The gradient of each stacked tensor (all of shape `partShape`), given dL/d(stack).
    public static func stackBackward(partShape: [Int], count: Int, outputGradient: Tensor) throws -> [Tensor] {
        try GradientShapes.check(outputGradient, expected: partShape + [count], for: "stack")
        let size = outputGradient.count / Swift.max(count, 1)
        return (0..<count).map { f in
            Tensor(unchecked: partShape, scalars: (0..<size).map { outputGradient.scalars[$0 * count + f] })
        }
    }

    /// The gradient of each concatenated H x W x Ci tensor, given dL/d(concatenate).
    public static func concatenateBackward(partShapes: [[Int]], outputGradient: Tensor) throws -> [Tensor] {
        guard let first = partShapes.first, partShapes.allSatisfy({ $0.count == 3 }) else {
            throw CoreError("concatenate gradient: the parts must be H x W x C tensors")
        }
        let channels = partShapes.reduce(0) { $0 + $1[2] }
        try GradientShapes.check(outputGradient, expected: [first[0], first[1], channels], for: "concatenate")
        var parts = partShapes.map { [Double](repeating: 0, count: $0.reduce(1, *)) }
        for pixel in 0..<(first[0] * first[1]) {
            var offset = pixel * channels
            for (p, shape) in partShapes.enumerated() {
                for c in 0..<shape[2] { parts[p][pixel * shape[2] + c] = outputGradient.scalars[offset + c] }
                offset += shape[2]
            }
        }
        return zip(partShapes, parts).map { Tensor(unchecked: $0, scalars: $1) }
    }

    /// The gradient of each block of an assembled literal (`[a, b]`, `[1, x; y, 2]`): the parts filled
    /// the output one after another, `counts[p]` cells each, so part p's gradient is its run of g.
    public static func assembleBackward(partShapes: [[Int]], outputGradient: Tensor) throws -> [Tensor] {
        var start = 0
        var parts: [Tensor] = []
        for shape in partShapes {
            let count = try Limits.elementCount(of: shape, for: "gradient")
            guard start + count <= outputGradient.count else {
                throw CoreError("gradient: the parts hold more cells than the \(outputGradient.shapeDescription) result")
            }
            parts.append(Tensor(unchecked: shape, scalars: Array(outputGradient.scalars[start..<(start + count)])))
            start += count
        }
        guard start == outputGradient.count else {
            throw CoreError("gradient: the parts hold fewer cells than the \(outputGradient.shapeDescription) result")
        }
        return parts
    }
}
