// ConvolutionBatchTests: a whole batch at once (ConvolutionBatch.swift) against the plain loops, example by
// example, and the same bits whatever the number of threads.
//
// The reference is `applyReference` and `backwardReference` (ConvolutionReference.swift,
// Gradients/ConvolutionBackward.swift) run on each example alone, the kernel's and the bias's gradients added up
// in example order: the sums `grad` and `trace` show. The batched values must agree with them to 1e-12
// (relative, at least 1 in the denominator); they differ only in the order the matrix multiply adds.
import Testing
@testable import CNNCore

private func worstDifference(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.scalars, b.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
}

@Test func aBatchedConvolutionAgreesWithTheReferenceLoopsExampleByExample() throws {
    // Small maps (many examples per group), a map larger than one block, strides, dilation and padding.
    let cases: [(Convolution, [Int], [Int], Int)] = [
        (try Convolution(), [28, 28, 1], [3, 3, 1, 8], 7),
        (try Convolution(padding: .same), [5, 5, 16], [3, 3, 16, 6], 9),
        (try Convolution(stride: Pair(2, 1), padding: .same, dilation: Pair(1, 2)), [9, 7, 3], [3, 2, 3, 5], 4),
        (try Convolution(padding: .same), [40, 40, 90], [3, 3, 90, 2], 2),
    ]
    for (index, (convolution, inputShape, kernelShape, examples)) in cases.enumerated() {
        let seed = UInt64(2100 + 10 * index)
        let inputs = try (0..<examples).map { try FiniteDifferences.random(inputShape, seed: seed + UInt64($0)) }
        let kernel = try FiniteDifferences.random(kernelShape, seed: seed + 7)
        let bias = try FiniteDifferences.random([kernelShape[3]], seed: seed + 8)
        let outputs = try convolution.applyBatch(inputs, kernel: kernel, bias: bias)
        for (e, input) in inputs.enumerated() {
            let reference = try convolution.applyReference(input, kernel: kernel, bias: bias)
            #expect(worstDifference(outputs[e], reference) <= 1e-12, "case \(index) example \(e): forward")
            #expect(outputs[e] == (try convolution.apply(input, kernel: kernel, bias: bias)),
                    "case \(index) example \(e): the batch gives the bits of apply")
        }
        let gradients = try outputs.enumerated().map { try FiniteDifferences.random($1.shape, seed: seed + 100 + UInt64($0)) }
        let batch = try convolution.backwardBatch(inputs: inputs, kernel: kernel, biasShape: bias.shape, outputGradients: gradients)
        var kernelSum: Tensor? = nil, biasSum: Tensor? = nil
        for e in inputs.indices {
            let reference = try convolution.backwardReference(input: inputs[e], kernel: kernel, biasShape: bias.shape,
                                                              outputGradient: gradients[e])
            #expect(worstDifference(batch.inputs[e], reference.input) <= 1e-12, "case \(index) example \(e): dx")
            if kernelSum == nil { kernelSum = reference.kernel } else { try kernelSum?.add(reference.kernel) }
            if let b = reference.bias { if biasSum == nil { biasSum = b } else { try biasSum?.add(b) } }
        }
        #expect(worstDifference(batch.kernel, try #require(kernelSum)) <= 1e-12, "case \(index): dk")
        #expect(batch.bias == biasSum, "case \(index): db adds each example's sum in example order, as the loops do")
        // A first layer's input gradient is not needed: left out, the weights' gradients are the same bits.
        let weightsOnly = try convolution.backwardBatch(inputs: inputs, kernel: kernel, biasShape: bias.shape,
                                                        outputGradients: gradients, inputGradients: false)
        #expect(weightsOnly.inputs.isEmpty)
        #expect(weightsOnly.kernel == batch.kernel && weightsOnly.bias == batch.bias, "case \(index): without dx")
    }
}

@Test func aBatchedConvolutionGivesTheSameBitsWhateverTheNumberOfThreads() throws {
    let convolution = try Convolution(padding: .same)
    let inputs = try (0..<13).map { try FiniteDifferences.random([6, 6, 8], seed: 2300 + UInt64($0)) }
    let kernel = try FiniteDifferences.random([3, 3, 8, 16], seed: 2390)
    let gradients = try (0..<13).map { try FiniteDifferences.random([6, 6, 16], seed: 2400 + UInt64($0)) }
    func run(threads: Int) throws -> ([Tensor], [Tensor], Tensor) {
        let saved = Parallel.threads
        Parallel.threads = threads
        defer { Parallel.threads = saved }
        let outputs = try convolution.applyBatch(inputs, kernel: kernel, bias: nil)
        let d = try convolution.backwardBatch(inputs: inputs, kernel: kernel, biasShape: nil, outputGradients: gradients)
        return (outputs, d.inputs, d.kernel)
    }
    let one = try run(threads: 1)
    for threads in [2, 3] {
        let many = try run(threads: threads)
        #expect(many.0 == one.0 && many.1 == one.1 && many.2 == one.2, "\(threads) threads")
    }
}

/// A batch's outputs are the bits `apply` gives for each example alone, whatever the size of the map: 433
/// cells (one more than a block of the old im2col), 432, and maps of one or two cells, whose rows once went
/// through the matrix multiply's vector-matrix path alone but not in a group; and the reference's values.
@Test(arguments: [(3, 435), (3, 434), (3, 3), (3, 4), (4, 4), (30, 30)])
func aBatchsOutputsAreTheBitsOfEachExampleAlone(height: Int, width: Int) throws {
    let convolution = try Convolution()
    let inputs = try (0..<3).map { try FiniteDifferences.random([height, width, 32], seed: 2500 + UInt64($0)) }
    let kernel = try FiniteDifferences.random([3, 3, 32, 4], seed: 2590)
    let bias = try FiniteDifferences.random([4], seed: 2591)
    let outputs = try convolution.applyBatch(inputs, kernel: kernel, bias: bias)
    for (e, input) in inputs.enumerated() {
        let alone = try convolution.apply(input, kernel: kernel, bias: bias)
        #expect(outputs[e] == alone, "\(height)x\(width) example \(e)")
        let reference = try convolution.applyReference(input, kernel: kernel, bias: bias)
        #expect(worstDifference(outputs[e], reference) <= 1e-12, "\(height)x\(width) example \(e)")
    }
}

/// relu fused into a batch's convolution is relu of its output, value for value, on each of the three paths:
/// a large map (each example's own array), a small one (a group's buffer), and one channel, one filter (the
/// direct loops). (The network's forward passes with it are checked against Keras and NumPy by the fixture tests.)
@Test(arguments: [([20, 20, 3], [3, 3, 3, 5]), ([5, 5, 3], [3, 3, 3, 5]), ([12, 12], [3, 3])])
func reluFusedIntoABatchsConvolutionIsReluOfItsOutput(inputShape: [Int], kernelShape: [Int]) throws {
    let convolution = try Convolution(padding: .same)
    let inputs = try (0..<5).map { try FiniteDifferences.random(inputShape, seed: 2700 + UInt64($0)) }
    let kernel = try FiniteDifferences.random(kernelShape, seed: 2790)
    let bias = kernelShape.count == 4 ? try FiniteDifferences.random([kernelShape[3]], seed: 2791) : nil
    let plain = try convolution.applyBatch(inputs, kernel: kernel, bias: bias)
    let fused = try convolution.applyBatch(inputs, kernel: kernel, bias: bias, relu: true)
    #expect(plain.flatMap(\.scalars).contains { $0 < 0 }, "the test needs negative outputs")
    for (p, f) in zip(plain, fused) {
        #expect(f.shape == p.shape && f.scalars == p.scalars.map(Activation.relu), "\(inputShape) * \(kernelShape)")
    }
}

/// The bias and relu pass a convolution ends with is `x + b` then `Activation.relu` value by value, in the
/// eight-wide part and the rest alike: -0.0 and negatives become +0.0, NaN stays NaN.
@Test func theBiasAndReluPassIsReluOfEachSum() {
    let filters = 11, rows = 3
    let special: [Double] = [-0.0, .nan, -1e-300, 2.5, -3, 0, .infinity, -.infinity, 1e-310, -7, 4, .nan, -0.0]
    let values = (0..<(rows * filters)).map { special[$0 % special.count] }
    let bias = (0..<filters).map { $0 % 3 == 0 ? 0.0 : Double($0) * 0.25 - 1 }
    for (withBias, relu) in [(true, true), (false, true), (true, false)] {
        var target = values
        target.withUnsafeMutableBufferPointer { t in
            bias.withUnsafeBufferPointer { b in
                Convolution.finish(t.baseAddress!, rows: rows, filters: filters, bias: withBias ? b.baseAddress : nil, relu: relu)
            }
        }
        for (i, x) in values.enumerated() {
            let sum = withBias ? x + bias[i % filters] : x
            let expected = relu ? Activation.relu(sum) : sum
            #expect(target[i].bitPattern == expected.bitPattern || (target[i].isNaN && expected.isNaN),
                    "value \(i) (\(x)), bias \(withBias), relu \(relu): \(target[i]) instead of \(expected)")
        }
    }
}
