// Dense: the fully connected layer, y = x . W + b, as Keras' Dense layer computes it.
//
// The input is a vector of `in` values (a flattened map) or a batch matrix B x in, one example per row;
// the weights are an in x out matrix (Keras' kernel layout, "12544x128"); the optional bias has one value
// per output. Output j is the dot product of the input with column j of the weights, plus bias j:
//     y[j] = sum over i of x[i] * W[i, j] + b[j]
// Every input value meets every output through its own weight, hence in * out + out parameters
// (12544 x 128 + 128 = 1,605,760 in the MNIST model). `trace` shows one output's terms x[i] * W[i, j].
// Values are summed in the order of i and the bias added last, in `apply` and `trace` alike, so a
// traced value equals the applied one exactly.

/// A fully connected layer: weights in x out and an optional bias of length out.
public struct Dense: Equatable, Sendable {
    /// The weight matrix, in x out.
    public let weights: Tensor
    /// The bias, one value per output, or nil for a layer without bias.
    public let bias: Tensor?

    /// Creates a layer, checking that the weights are a matrix and the bias has one value per column.
    public init(weights: Tensor, bias: Tensor? = nil) throws {
        guard weights.rank == 2 else {
            throw CoreError(
                "dense: the weights must be an in x out matrix, not a \(Pooling.describeRank(weights.shape))",
                hint: weights.rank == 1 ? "for a single output, reshape the weights to \(weights.count)x1" : nil)
        }
        if let bias {
            guard bias.rank == 1, bias.count == weights.shape[1] else {
                throw CoreError(
                    "dense: the bias is \(bias.shapeDescription) but the \(weights.shapeDescription) weights have \(weights.shape[1]) outputs",
                    hint: "the bias needs one value per output, a vector of \(weights.shape[1])")
            }
        }
        self.weights = weights
        self.bias = bias
    }

    /// The number of values each input (each row of a batch) must have: the weights' first dimension.
    public var inputCount: Int { weights.shape[0] }

    /// The number of outputs: the weights' second dimension.
    public var outputCount: Int { weights.shape[1] }

    /// The number of parameters with its arithmetic: "1176 x 10 + 10 = 11770" (no "+ out" without bias).
    public var parameterCount: Derivation {
        let count = weights.count + (bias?.count ?? 0)
        let formula = bias == nil
            ? "\(inputCount) x \(outputCount) = \(count)"
            : "\(inputCount) x \(outputCount) + \(outputCount) = \(count)"
        return Derivation(value: count, formula: formula)
    }

    /// The output shape for an input shape: [out] for a vector, [B, out] for a batch matrix B x in.
    /// Throws a learner-readable error when the input does not match the weights.
    public func outputShape(inputShape: [Int]) throws -> [Int] {
        let inputs = try Limits.elementCount(of: inputShape, for: "dense")
        let expected = inputCount
        let weightShape = weights.shapeDescription
        switch inputShape.count {
        case 1:
            guard inputShape[0] == expected else {
                throw CoreError("dense: input has \(inputShape[0]) values but weights expect \(expected)",
                                hint: "flatten first, or check the weights' first dimension: \(weightShape) weights take \(expected) values")
            }
            return [outputCount]
        case 2:
            guard inputShape[1] == expected else {
                if inputs == expected {
                    throw CoreError(
                        "dense: input rows have \(inputShape[1]) values but weights expect \(expected)",
                        hint: "flatten first: \(Shape.describe(inputShape)) flattens to \(inputs) values (a matrix input is read as a batch of rows)")
                }
                throw CoreError(
                    "dense: each input row has \(inputShape[1]) values but weights expect \(expected)",
                    hint: "a matrix input is a batch of rows (B x in); check the weights' first dimension (\(weightShape)), or flatten first")
            }
            let outputShape = [inputShape[0], outputCount]
            _ = try Limits.elementCount(of: outputShape, for: "dense")
            try Limits.checkWork([inputShape[0], expected, outputCount],
                                 what: "dense: a \(Shape.describe(inputShape)) batch through \(weightShape) weights",
                                 hint: "use a smaller batch or fewer outputs")
            return outputShape
        default:
            if inputs == expected {
                throw CoreError(
                    "dense: takes a vector or a batch matrix, not a \(Shape.describe(inputShape)) tensor",
                    hint: "flatten first: \(Shape.describe(inputShape)) flattens to \(inputs) values, which the weights expect")
            }
            throw CoreError(
                "dense: input has \(inputs) values (\(Shape.describe(inputShape))) but weights expect \(expected)",
                hint: "flatten first, and check the weights' first dimension (\(weightShape))")
        }
    }

    /// Computes x . W + b for a vector x (length in) or for each row of a batch matrix (B x in).
    public func apply(_ input: Tensor) throws -> Tensor {
        let outputShape = try self.outputShape(inputShape: input.shape)
        let rows = input.rank == 1 ? 1 : input.shape[0]
        let inputs = inputCount
        let outputs = outputCount
        var output = try Tensor(shape: outputShape, repeating: 0)
        // x (rows x in) times W (in x out) with the core's blocked matrix multiply.
        try input.scalars.withUnsafeBufferPointer { x in
            try weights.scalars.withUnsafeBufferPointer { w in
                try output.withUnsafeMutableScalars { y in
                    // A batch is cut into bands of rows or columns computed on the cores (the same bits as one product).
                    guard x.count == rows * inputs, w.count == inputs * outputs, y.count == rows * outputs,
                          let px = x.baseAddress, let pw = w.baseAddress, let py = y.baseAddress else {
                        return try MatrixMultiply.multiply(a: x, b: w, into: y, m: rows, n: outputs, k: inputs)
                    }
                    MatrixMultiply.multiplyInBands(m: rows, n: outputs, k: inputs, a: px, lda: inputs, b: pw, ldb: outputs,
                                                   c: py, ldc: outputs)
                }
                try Interruption.check("dense")
            }
        }
        if let bias {
            bias.scalars.withUnsafeBufferPointer { b in
                output.withUnsafeMutableScalars { y in
                    for row in 0..<rows {
                        for j in 0..<outputs { y[row * outputs + j] += b[j] }
                    }
                }
            }
        }
        return output
    }

    /// Explains one output: `index` is [j] for a vector input or [row, j] for a batch. Returns every
    /// term x[i] * W[i, j], their sum, the bias and the value.
    public func trace(input: Tensor, at index: [Int]) throws -> DenseTrace {
        let outputShape = try self.outputShape(inputShape: input.shape)
        try Pooling.checkOutputIndex(index, outputShape: outputShape, name: "dense")
        guard inputCount <= DenseTrace.maxTerms else {
            throw CoreError("dense: an output with \(inputCount) terms has too many to trace one by one",
                            hint: "a trace lists at most \(Format.count(DenseTrace.maxTerms)) terms; trace a smaller example")
        }
        let row = index.count == 2 ? index[0] : 0
        let j = index[index.count - 1]
        var terms: [DenseTrace.Term] = []
        terms.reserveCapacity(inputCount)
        for i in 0..<inputCount {
            let x = input.scalars[row * inputCount + i]
            let w = weights.scalars[i * outputCount + j]
            terms.append(DenseTrace.Term(index: i, input: x, weight: w, product: x * w))
        }
        // Summed as the layer's matrix product sums them, so the traced value is the computed one to the last
        // bit, alone or in a batch.
        let productSum = MatrixMultiply.blockedSum(count: inputCount) { (terms[$0].input, terms[$0].weight) }
        let biasValue = bias?.scalars[j]
        return DenseTrace(outputIndex: index, terms: terms, productSum: productSum, bias: biasValue,
                          value: productSum + (biasValue ?? 0))
    }
}

/// How one output of a dense layer was made: the dot product's terms, their sum and the bias.
public struct DenseTrace: Equatable, Sendable {
    /// The most terms one trace may list (a million); larger layers are refused rather than listed.
    public static let maxTerms = 1_000_000

    /// One term x[i] * W[i, j] of the dot product.
    public struct Term: Equatable, Sendable {
        /// i, the position in the input vector (and the row of the weights).
        public var index: Int
        /// x[i], the input value.
        public var input: Double
        /// W[i, j], the weight joining input i to output j.
        public var weight: Double
        /// x[i] * W[i, j].
        public var product: Double

        /// Creates a term record.
        public init(index: Int, input: Double, weight: Double, product: Double) {
            self.index = index
            self.input = input
            self.weight = weight
            self.product = product
        }
    }

    /// The explained output position: [j] or [row, j].
    public var outputIndex: [Int]
    /// Every term of the dot product, in the order of i.
    public var terms: [Term]
    /// The sum of the products, before the bias.
    public var productSum: Double
    /// b[j], or nil for a layer without bias.
    public var bias: Double?
    /// The output value: productSum + bias.
    public var value: Double

    /// Creates a trace record.
    public init(outputIndex: [Int], terms: [Term], productSum: Double, bias: Double?, value: Double) {
        self.outputIndex = outputIndex
        self.terms = terms
        self.productSum = productSum
        self.bias = bias
        self.value = value
    }
}
