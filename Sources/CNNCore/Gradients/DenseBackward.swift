// DenseBackward: the gradients of a dense (fully connected) layer y = x . W + b.
//
// With g = dL/dy (a vector of `out` values, or B x out for a batch of B rows):
//     dL/dW[i, j] = sum over rows r of x[r, i] * g[r, j]       (x^T . g)
//     dL/dx[r, i] = sum over j of g[r, j] * W[i, j]            (g . W^T)
//     dL/db[j]    = sum over rows r of g[r, j]
// Each weight collects, from every example of the batch, its input times the gradient of its output.
// The sums run over r (and j) in increasing order, as `weightGradientSum` lists them.

/// The gradients of a dense layer, each the shape of its operand.
public struct DenseGradients: Equatable, Sendable {
    /// dL/dx, the shape of the input.
    public var input: Tensor
    /// dL/dW, in x out.
    public var weights: Tensor
    /// dL/db, out values; nil when the layer has no bias.
    public var bias: Tensor?
}

extension Dense {
    /// The gradients of the layer for input `input`, given `outputGradient` = dL/dy.
    public func backward(input: Tensor, outputGradient: Tensor) throws -> DenseGradients {
        let outputShape = try self.outputShape(inputShape: input.shape)
        try GradientShapes.check(outputGradient, expected: outputShape, for: "dense")
        let rows = input.rank == 1 ? 1 : input.shape[0]
        let inputs = inputCount, outputs = outputCount
        let x = input.scalars, w = weights.scalars, g = outputGradient.scalars
        var dx = [Double](repeating: 0, count: input.count)
        var dw = [Double](repeating: 0, count: weights.count)
        var db = [Double](repeating: 0, count: outputs)
        for r in 0..<rows {
            try Interruption.check("dense gradient")
            for i in 0..<inputs {
                let xi = x[r * inputs + i]
                var sum = 0.0
                for j in 0..<outputs {
                    let gj = g[r * outputs + j]
                    dw[i * outputs + j] += xi * gj
                    sum += gj * w[i * outputs + j]
                }
                dx[r * inputs + i] = sum
            }
            for j in 0..<outputs { db[j] += g[r * outputs + j] }
        }
        return DenseGradients(input: Tensor(unchecked: input.shape, scalars: dx),
                              weights: Tensor(unchecked: weights.shape, scalars: dw),
                              bias: bias.map { Tensor(unchecked: $0.shape, scalars: db) })
    }

    /// dL/dW[i, j] written out: for every row r of the input, x[r, i] times g[r, j].
    public func weightGradientSum(input: Tensor, outputGradient: Tensor, at index: [Int]) throws -> GradientSum {
        let outputShape = try self.outputShape(inputShape: input.shape)
        try GradientShapes.check(outputGradient, expected: outputShape, for: "dense")
        try GradientShapes.checkIndex(index, in: weights.shape, what: "weights")
        let i = index[0], j = index[1]
        let rows = input.rank == 1 ? 1 : input.shape[0]
        let terms = (0..<rows).map { r in
            GradientTerm(outputIndex: input.rank == 1 ? [j] : [r, j], upstream: outputGradient.scalars[r * outputCount + j],
                         factorIndex: input.rank == 1 ? [i] : [r, i], factor: input.scalars[r * inputCount + i])
        }
        return GradientSum(index: index, terms: terms)
    }

    /// dL/dx[i] (or dL/dx[r, i]) written out: for every output j, g[r, j] times W[i, j].
    public func inputGradientSum(input: Tensor, outputGradient: Tensor, at index: [Int]) throws -> GradientSum {
        let outputShape = try self.outputShape(inputShape: input.shape)
        try GradientShapes.check(outputGradient, expected: outputShape, for: "dense")
        try GradientShapes.checkIndex(index, in: input.shape, what: "input")
        let r = index.count == 2 ? index[0] : 0
        let i = index[index.count - 1]
        let terms = (0..<outputCount).map { j in
            GradientTerm(outputIndex: index.count == 2 ? [r, j] : [j], upstream: outputGradient.scalars[r * outputCount + j],
                         factorIndex: [i, j], factor: weights.scalars[i * outputCount + j])
        }
        return GradientSum(index: index, terms: terms)
    }
}
