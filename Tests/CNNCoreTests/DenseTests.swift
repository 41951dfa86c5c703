// Tests of the dense (fully connected) layer: agreement with NumPy, parameter counts, traces, errors.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func denseMatchesNumPyReference() throws {
    let cases = OpsFixtures.cases("dense")
    #expect(cases.count >= 5, "Fixtures/ops/index.txt should list the dense cases")
    for fixture in cases {
        let bias = fixture.params["bias"] == "yes" ? try fixture.array("bias") : nil
        let dense = try Dense(weights: try fixture.array("weights"), bias: bias)
        let output = try dense.apply(try fixture.array("input"))
        #expect(OpsFixtures.close(output, try fixture.array("expected")), "case \(fixture)")
    }
}

@Test func denseComputesDotProductsPlusBias() throws {
    let weights = try Tensor(rows: [[1, 2], [3, 4], [5, 6]])
    let dense = try Dense(weights: weights, bias: try Tensor(vector: [10, 20]))
    #expect(try dense.apply(try Tensor(vector: [1, 1, 1])).scalars == [19, 32])
    let batch = try dense.apply(try Tensor(rows: [[1, 0, 0], [0, 0, 2]]))
    #expect(batch.shape == [2, 2])
    #expect(batch.scalars == [11, 22, 20, 32])
    let noBias = try Dense(weights: weights)
    #expect(try noBias.apply(try Tensor(vector: [1, 1, 1])).scalars == [9, 12])
}

@Test func denseParameterCountsMatchTheModelTables() throws {
    let mnist = try Dense(weights: try Tensor(shape: [12544, 128], repeating: 0), bias: try Tensor(shape: [128], repeating: 0))
    #expect(mnist.parameterCount.value == 1_605_760)
    #expect(mnist.parameterCount.formula == "12544 x 128 + 128 = 1605760")
    let small = try Dense(weights: try Tensor(shape: [1176, 10], repeating: 0), bias: try Tensor(shape: [10], repeating: 0))
    #expect(small.parameterCount.value == 11_770)
    #expect(small.inputCount == 1176 && small.outputCount == 10)
    let noBias = try Dense(weights: try Tensor(shape: [128, 10], repeating: 0))
    #expect(noBias.parameterCount.formula == "128 x 10 = 1280")
}

@Test func denseTraceShowsEveryTerm() throws {
    let input = try OpsFixtures.random([3, 7], seed: 21)
    let dense = try Dense(weights: try OpsFixtures.random([7, 4], seed: 22), bias: try OpsFixtures.random([4], seed: 23))
    let output = try dense.apply(input)
    for row in 0..<3 {
        for j in 0..<4 {
            let trace = try dense.trace(input: input, at: [row, j])
            #expect(trace.terms.count == 7)
            #expect(trace.terms.map(\.index) == Array(0..<7))
            #expect(trace.terms.allSatisfy { $0.product == $0.input * $0.weight })
            #expect(trace.terms.map(\.input) == Array(input.scalars[row * 7..<row * 7 + 7]))
            // Each term joins the sum in a fused multiply-add (one rounding), as the layer computes it.
            #expect(trace.productSum == trace.terms.reduce(0) { $0.addingProduct($1.input, $1.weight) })
            #expect(trace.bias == dense.bias?.scalars[j])
            #expect(trace.value == trace.productSum + (trace.bias ?? 0))
            #expect(trace.value == output.value(at: [row, j]), "trace and apply sum in the same order")
        }
    }
    // Past one block of the matrix product (k = 1000: three blocks of 334), alone and in a batch of five: the
    // trace adds each block's products in order and then the blocks' sums, as the product does.
    let wide = try Dense(weights: try OpsFixtures.random([1000, 40], seed: 24), bias: try OpsFixtures.random([40], seed: 25))
    let batch = try OpsFixtures.random([5, 1000], seed: 26)
    let batchOutput = try wide.apply(batch)
    let alone = try wide.apply(try Tensor(shape: [1000], scalars: Array(batch.scalars[3000..<4000])))
    for j in [0, 17, 39] {
        let traced = try wide.trace(input: batch, at: [3, j]).value
        #expect(traced == batchOutput.value(at: [3, j]) && traced == alone.value(at: [j]), "column \(j)")
    }
    let vector = try Dense(weights: try Tensor(rows: [[2], [3]]))
    let trace = try vector.trace(input: try Tensor(vector: [4, 5]), at: [0])
    #expect(trace.terms == [DenseTrace.Term(index: 0, input: 4, weight: 2, product: 8),
                            DenseTrace.Term(index: 1, input: 5, weight: 3, product: 15)])
    #expect(trace.bias == nil)
    #expect(trace.value == 23)
}

@Test func denseInputErrorsSayWhatToDo() throws {
    let dense = try Dense(weights: try Tensor(shape: [1024, 10], repeating: 0.5))
    let vector = coreError { try dense.apply(try Tensor(shape: [1176], repeating: 1)) }
    #expect(vector?.message == "dense: input has 1176 values but weights expect 1024")
    #expect(vector?.hint == "flatten first, or check the weights' first dimension: 1024x10 weights take 1024 values")
    let maps = coreError { try dense.apply(try Tensor(shape: [14, 14, 6], repeating: 1)) }
    #expect(maps?.message == "dense: input has 1176 values (14x14x6) but weights expect 1024")
    #expect(maps?.hint == "flatten first, and check the weights' first dimension (1024x10)")
    let unflattened = coreError { try dense.apply(try Tensor(shape: [4, 4, 64], repeating: 1)) }
    #expect(unflattened?.message == "dense: takes a vector or a batch matrix, not a 4x4x64 tensor")
    #expect(unflattened?.hint == "flatten first: 4x4x64 flattens to 1024 values, which the weights expect")
    let image = coreError { try dense.apply(try Tensor(shape: [32, 32], repeating: 1)) }
    #expect(image?.message == "dense: input rows have 32 values but weights expect 1024")
    #expect(image?.hint == "flatten first: 32x32 flattens to 1024 values (a matrix input is read as a batch of rows)")
    let batch = coreError { try dense.apply(try Tensor(shape: [3, 5], repeating: 1)) }
    #expect(batch?.message == "dense: each input row has 5 values but weights expect 1024")
    #expect(coreError { try dense.trace(input: try Tensor(shape: [3, 5], repeating: 1), at: [0, 0]) } != nil)
}

@Test func denseWeightAndBiasErrors() throws {
    let vectorWeights = coreError { try Dense(weights: try Tensor(vector: [1, 2, 3])) }
    #expect(vectorWeights?.message == "dense: the weights must be an in x out matrix, not a 3-element vector")
    #expect(vectorWeights?.hint == "for a single output, reshape the weights to 3x1")
    #expect(coreError { try Dense(weights: try Tensor(shape: [2, 2, 2], repeating: 0)) } != nil)
    let weights = try Tensor(shape: [4, 3], repeating: 0)
    let bias = coreError { try Dense(weights: weights, bias: try Tensor(vector: [1, 2])) }
    #expect(bias?.message == "dense: the bias is 2 but the 4x3 weights have 3 outputs")
    #expect(bias?.hint == "the bias needs one value per output, a vector of 3")
    #expect(coreError { try Dense(weights: weights, bias: try Tensor(shape: [1, 3], repeating: 0)) } != nil)
}

@Test func denseTraceIndexErrors() throws {
    let dense = try Dense(weights: try Tensor(shape: [2, 3], repeating: 1))
    let input = try Tensor(vector: [1, 2])
    let outside = coreError { try dense.trace(input: input, at: [3]) }
    #expect(outside?.message == "dense: there is no output position [3] in the 3 output")
    #expect(coreError { try dense.trace(input: input, at: [0, 1]) } != nil)
    #expect(coreError { try dense.trace(input: input, at: [-1]) } != nil)
}

@Test func hugeBatchIsRefusedBeforeWorking() throws {
    // 100,000 rows x 1,000 inputs x 1,000 outputs = 1e11 multiply-adds: over the limit.
    let dense = try Dense(weights: try Tensor(shape: [1000, 1000], repeating: 0))
    let error = coreError { try dense.outputShape(inputShape: [100_000, 1000]) }
    #expect(error?.message == "dense: a 100000x1000 batch through 1000x1000 weights would take more than 50,000,000,000 multiply-adds")
    #expect(error?.hint == "use a smaller batch or fewer outputs")
    // An output too large to hold is refused too.
    let wide = try Dense(weights: try Tensor(shape: [1, 10_000], repeating: 0))
    #expect(coreError { try wide.outputShape(inputShape: [100_000, 1]) } != nil)
}
