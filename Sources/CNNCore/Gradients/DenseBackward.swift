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
        var dx = [Double](repeating: 0, count: input.count)
        var dw = [Double](repeating: 0, count: weights.count)
        var db = [Double](repeating: 0, count: outputs)
        for r in 0..<rows {
            try Interruption.check("dense gradient")
            input.scalars.withUnsafeBufferPointer { xb in
                weights.scalars.withUnsafeBufferPointer { wb in
                    outputGradient.scalars.withUnsafeBufferPointer { gb in
                        dx.withUnsafeMutableBufferPointer { dxb in
                            dw.withUnsafeMutableBufferPointer { dwb in
                                guard let x = xb.baseAddress, let w = wb.baseAddress, let g = gb.baseAddress,
                                      let pdx = dxb.baseAddress, let pdw = dwb.baseAddress else { return }
                                Dense.backwardRow(inputs: inputs, outputs: outputs, x: x + r * inputs, w: w,
                                                  g: g + r * outputs, dx: pdx + r * inputs, dw: pdw)
                            }
                        }
                    }
                }
            }
            for j in 0..<outputs { db[j] += outputGradient.scalars[r * outputs + j] }
        }
        return DenseGradients(input: Tensor(unchecked: input.shape, scalars: dx),
                              weights: Tensor(unchecked: weights.shape, scalars: dw),
                              bias: bias.map { Tensor(unchecked: $0.shape, scalars: db) })
    }

    /// One row of the batch: dW[i, :] += x[i] * g and dx[i] = W[i, :] . g for every input i, eight columns at a
    /// time (dx's dot product in eight partial sums, added up in a fixed order, then the leftover columns).
    static func backwardRow(inputs: Int, outputs: Int, x: UnsafePointer<Double>, w: UnsafePointer<Double>,
                            g: UnsafePointer<Double>, dx: UnsafeMutablePointer<Double>, dw: UnsafeMutablePointer<Double>) {
        let whole = outputs / 8 * 8
        let gRaw = UnsafeRawPointer(g)
        for i in 0..<inputs {
            let xi = x[i]
            let wRow = w + i * outputs, dwRow = dw + i * outputs
            let wRaw = UnsafeRawPointer(wRow), dwRaw = UnsafeMutableRawPointer(dwRow)
            var partial = SIMD8<Double>()
            var j = 0
            while j < whole {
                let gj = gRaw.loadUnaligned(fromByteOffset: j * 8, as: SIMD8<Double>.self)
                let wj = wRaw.loadUnaligned(fromByteOffset: j * 8, as: SIMD8<Double>.self)
                let dwj = dwRaw.loadUnaligned(fromByteOffset: j * 8, as: SIMD8<Double>.self)
                dwRaw.storeBytes(of: dwj.addingProduct(SIMD8(repeating: xi), gj), toByteOffset: j * 8, as: SIMD8<Double>.self)
                partial.addProduct(gj, wj)
                j += 8
            }
            var sum = partial.sum()
            while j < outputs {
                dwRow[j].addProduct(xi, g[j])
                sum.addProduct(g[j], wRow[j])
                j += 1
            }
            dx[i] = sum
        }
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
