// Tests of every backward pass against central finite differences on seeded random inputs.
//
// For an operation y = op(x, ...) and a random upstream gradient G, the objective L = sum(y * G) has
// dL/dx = backward(G). Central differences estimate each cell of it independently of any chain rule:
//     dL/dx[i] ~ (L(x + h e_i) - L(x - h e_i)) / (2h)
// with an error of order h^2 (h = 1e-5 here), far below the tolerance. Inputs are kept away from the kinks
// (relu at 0, ties in a max, clip bounds) where a derivative does not exist.
import Testing
@testable import CNNCore
import CNNTestSupport

enum FiniteDifferences {
    static let step = 1e-5

    /// A seeded tensor with magnitudes in [0.2, 1.2) and random signs (no cell near 0).
    static func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
        let raw = try OpsFixtures.random(shape, seed: seed)
        return raw.map { value in (abs(value) / 5 + 0.2) * (value < 0 ? -1 : 1) }
    }

    /// A seeded tensor of distinct values (a permutation of evenly spaced numbers): no ties in a max.
    static func distinct(_ shape: [Int], seed: UInt64) throws -> Tensor {
        let keys = try OpsFixtures.random(shape, seed: seed).scalars
        let order = keys.indices.sorted { keys[$0] < keys[$1] }
        var values = [Double](repeating: 0, count: keys.count)
        for (rank, position) in order.enumerated() { values[position] = Double(rank) / Double(keys.count) * 2 - 1 }
        return try Tensor(shape: shape, scalars: values)
    }

    /// sum(y * G).
    static func objective(_ y: Tensor, _ upstream: Tensor) -> Double {
        zip(y.scalars, upstream.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// The central-difference gradient of `f` at `x`.
    static func gradient(of f: (Tensor) throws -> Double, at x: Tensor) throws -> Tensor {
        var result = x
        for i in 0..<x.count {
            var up = x, down = x
            up.withUnsafeMutableScalars { $0[i] += step }
            down.withUnsafeMutableScalars { $0[i] -= step }
            let slope = (try f(up) - f(down)) / (2 * step)
            result.withUnsafeMutableScalars { $0[i] = slope }
        }
        return result
    }

    /// Checks an analytic gradient against central differences of `f` at `x`.
    static func expect(_ analytic: Tensor, matches f: (Tensor) throws -> Double, at x: Tensor, _ what: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let numeric = try gradient(of: f, at: x)
        #expect(analytic.shape == x.shape, "\(what): shape", sourceLocation: sourceLocation)
        #expect(OpsFixtures.close(analytic, numeric, tolerance: 1e-6), "\(what)\nanalytic \(analytic.scalars)\nnumeric  \(numeric.scalars)",
                sourceLocation: sourceLocation)
    }
}

@Test func convolutionGradientsAgreeWithFiniteDifferences() throws {
    var seed: UInt64 = 100
    let paddings: [Padding] = [.valid, .same, .full, .explicit(PaddingAmounts(top: 2, bottom: 0, left: 1, right: 3))]
    for padding in paddings {
        for (stride, dilation) in [(Pair(1, 1), Pair(1, 1)), (Pair(2, 1), Pair(1, 2)), (Pair(2, 2), Pair(2, 2))] {
            for (inputShape, kernelShape, hasBias) in [([6, 5], [3, 2], false), ([5, 6, 2], [3, 3, 2], true),
                                                        ([6, 6, 2], [2, 3, 2, 3], true), ([5, 5], [3, 3, 1, 2], true)] {
                seed += 3
                let convolution = try Convolution(stride: stride, padding: padding, dilation: dilation)
                let x = try FiniteDifferences.random(inputShape, seed: seed)
                let k = try FiniteDifferences.random(kernelShape, seed: seed + 1)
                let filters = kernelShape.count == 4 ? kernelShape[3] : 1
                let b = hasBias ? try FiniteDifferences.random([filters], seed: seed + 2) : nil
                guard let plan = try? convolution.plan(inputShape: x.shape, kernelShape: k.shape, biasShape: b?.shape) else { continue }
                let g = try FiniteDifferences.random(plan.outputShape, seed: seed + 7)
                let what = "conv \(inputShape) * \(kernelShape) \(padding) stride \(stride) dilation \(dilation)"
                let gradients = try convolution.backward(input: x, kernel: k, biasShape: b?.shape, outputGradient: g)
                try FiniteDifferences.expect(gradients.input, matches: {
                    FiniteDifferences.objective(try convolution.applyReference($0, kernel: k, bias: b), g) }, at: x, what + " dx")
                try FiniteDifferences.expect(gradients.kernel, matches: {
                    FiniteDifferences.objective(try convolution.applyReference(x, kernel: $0, bias: b), g) }, at: k, what + " dk")
                if let b {
                    try FiniteDifferences.expect(try #require(gradients.bias), matches: {
                        FiniteDifferences.objective(try convolution.applyReference(x, kernel: k, bias: $0), g) }, at: b, what + " db")
                }
            }
        }
    }
}

@Test func poolingGradientsAgreeWithFiniteDifferences() throws {
    var seed: UInt64 = 300
    for kind in Pooling.Kind.allCases {
        for padding in Pooling.PaddingMode.allCases {
            for shape in [[7, 7], [5, 6, 2]] {
                for (size, stride) in [(Pair(2, 2), Pair(2, 2)), (Pair(3, 3), Pair(1, 1)), (Pair(3, 2), Pair(2, 3))] {
                    seed += 1
                    let pooling = Pooling(kind: kind, size: size, stride: stride, padding: padding)
                    let x = try FiniteDifferences.distinct(shape, seed: seed)
                    let plan = try pooling.plan(inputShape: shape)
                    let g = try FiniteDifferences.random(plan.outputShape, seed: seed + 50)
                    try FiniteDifferences.expect(try pooling.backward(input: x, outputGradient: g),
                                                 matches: { FiniteDifferences.objective(try pooling.apply($0), g) }, at: x,
                                                 "\(kind) \(padding) \(shape) size \(size) stride \(stride)")
                }
            }
        }
    }
    for kind in Pooling.Kind.allCases {
        let global = GlobalPooling(kind: kind)
        let x = try FiniteDifferences.distinct([4, 3, 3], seed: 77)
        let g = try FiniteDifferences.random([3], seed: 78)
        try FiniteDifferences.expect(try global.backward(input: x, outputGradient: g),
                                     matches: { FiniteDifferences.objective(try global.apply($0), g) }, at: x, "global \(kind)")
    }
    let depthwise = DepthwisePooling(size: 3)
    let x = try FiniteDifferences.distinct([3, 2, 6], seed: 79)
    let g = try FiniteDifferences.random([3, 2, 2], seed: 80)
    try FiniteDifferences.expect(try depthwise.backward(input: x, outputGradient: g),
                                 matches: { FiniteDifferences.objective(try depthwise.apply($0), g) }, at: x, "depthwise")
}

@Test func activationDenseAndProductGradientsAgreeWithFiniteDifferences() throws {
    for (n, kind) in ActivationKind.allCases.enumerated() {
        for shape in [[6], [3, 4], [2, 3, 4]] {
            let x = try FiniteDifferences.random(shape, seed: UInt64(400 + n * 10 + shape.count))
            let g = try FiniteDifferences.random(shape, seed: UInt64(500 + n * 10 + shape.count))
            try FiniteDifferences.expect(try Activation.backward(kind, input: x, outputGradient: g, slope: 0.2),
                                         matches: { FiniteDifferences.objective(try Activation.apply(kind, to: $0, slope: 0.2), g) },
                                         at: x, "\(kind) \(shape)")
        }
    }
    for (inputShape, outputs) in [([5], 3), ([4, 5], 2)] {
        let x = try FiniteDifferences.random(inputShape, seed: 600)
        let w = try FiniteDifferences.random([5, outputs], seed: 601)
        let b = try FiniteDifferences.random([outputs], seed: 602)
        let layer = try Dense(weights: w, bias: b)
        let g = try FiniteDifferences.random(try layer.outputShape(inputShape: inputShape), seed: 603)
        let gradients = try layer.backward(input: x, outputGradient: g)
        try FiniteDifferences.expect(gradients.input, matches: { FiniteDifferences.objective(try layer.apply($0), g) }, at: x, "dense dx")
        try FiniteDifferences.expect(gradients.weights, matches: {
            FiniteDifferences.objective(try Dense(weights: $0, bias: b).apply(x), g) }, at: w, "dense dW")
        try FiniteDifferences.expect(try #require(gradients.bias), matches: {
            FiniteDifferences.objective(try Dense(weights: w, bias: $0).apply(x), g) }, at: b, "dense db")
    }
    for (leftShape, rightShape) in [([3, 4], [4, 2]), ([4], [4, 3]), ([3, 4], [4]), ([4], [4])] {
        let a = try FiniteDifferences.random(leftShape, seed: 700), b = try FiniteDifferences.random(rightShape, seed: 701)
        let g = try FiniteDifferences.random(try a.matrixProduct(b).shape, seed: 702)
        let gradients = try Tensor.matrixProductBackward(left: a, right: b, outputGradient: g)
        try FiniteDifferences.expect(gradients.left, matches: { FiniteDifferences.objective(try $0.matrixProduct(b), g) }, at: a, "@ left")
        try FiniteDifferences.expect(gradients.right, matches: { FiniteDifferences.objective(try a.matrixProduct($0), g) }, at: b, "@ right")
    }
}

@Test func elementwiseAndLayoutGradientsAgreeWithFiniteDifferences() throws {
    var seed: UInt64 = 800
    for operation in ArithmeticOperation.allCases {
        for (leftShape, rightShape) in [([3, 3], [3, 3]), ([3, 1], [1, 4]), ([2, 2, 3], [3]), ([1], [2, 3]), ([4], [3, 1])] {
            seed += 2
            let a = try FiniteDifferences.random(leftShape, seed: seed), b = try FiniteDifferences.random(rightShape, seed: seed + 1)
            let g = try FiniteDifferences.random(try a.elementwise(operation, b).shape, seed: seed + 100)
            let gradients = try operation.backward(left: a, right: b, outputGradient: g)
            try FiniteDifferences.expect(gradients.left, matches: { FiniteDifferences.objective(try $0.elementwise(operation, b), g) },
                                         at: a, "\(leftShape) \(operation.symbol) \(rightShape) left")
            try FiniteDifferences.expect(gradients.right, matches: { FiniteDifferences.objective(try a.elementwise(operation, $0), g) },
                                         at: b, "\(leftShape) \(operation.symbol) \(rightShape) right")
        }
    }
    let x = try FiniteDifferences.random([5, 4, 3], seed: 900)
    for selections: [AxisSelection] in [[.range(start: 1, stop: nil, step: 2)], [.index(-1), .range(start: nil, stop: nil, step: -1)],
                                        [.index(2), .index(1), .index(0)]] {
        let g = try FiniteDifferences.random(try x.sliced(selections).shape, seed: 901)
        try FiniteDifferences.expect(try Tensor.slicingBackward(inputShape: x.shape, selections: selections, outputGradient: g),
                                     matches: { FiniteDifferences.objective(try $0.sliced(selections), g) }, at: x, "slice \(selections)")
    }
    let amounts = PaddingAmounts(top: 1, bottom: 2, left: 0, right: 1)
    let gPad = try FiniteDifferences.random(try x.padded(amounts).shape, seed: 902)
    try FiniteDifferences.expect(try Tensor.padBackward(inputShape: x.shape, amounts: amounts, outputGradient: gPad),
                                 matches: { FiniteDifferences.objective(try $0.padded(amounts), gPad) }, at: x, "pad")
    let gClip = try FiniteDifferences.random(x.shape, seed: 903)
    try FiniteDifferences.expect(try Tensor.clipBackward(input: x, low: -0.5, high: 0.7, outputGradient: gClip),
                                 matches: { FiniteDifferences.objective(try $0.clipped(low: -0.5, high: 0.7), gClip) }, at: x, "clip")
    let gTranspose = try FiniteDifferences.random([3, 5, 4], seed: 904)
    try FiniteDifferences.expect(try Tensor.transposeBackward(permutation: [2, 0, 1], outputGradient: gTranspose),
                                 matches: { FiniteDifferences.objective(try $0.transposed([2, 0, 1]), gTranspose) }, at: x, "transpose")
    let parts = try (0..<3).map { try FiniteDifferences.random([2, 3], seed: 905 + UInt64($0)) }
    let gStack = try FiniteDifferences.random([2, 3, 3], seed: 910)
    let stackGradients = try Tensor.stackBackward(partShape: [2, 3], count: 3, outputGradient: gStack)
    for p in 0..<3 {
        try FiniteDifferences.expect(stackGradients[p], matches: { part in
            var all = parts
            all[p] = part
            return FiniteDifferences.objective(try Tensor.stack(all), gStack)
        }, at: parts[p], "stack part \(p)")
    }
    for kind in ReductionKind.allCases {
        let distinct = try FiniteDifferences.distinct([3, 4, 2], seed: 920)
        for axis in [nil, 0, 1, -1] as [Int?] {
            let forward: (Tensor) throws -> Tensor = { input in
                try axis.map { try input.reduced(kind, axis: $0).tensor } ?? Tensor(scalar: input.reduced(kind))
            }
            let g = try FiniteDifferences.random(try forward(distinct).shape, seed: 921)
            try FiniteDifferences.expect(try Tensor.reductionBackward(kind, input: distinct, axis: axis, outputGradient: g),
                                         matches: { FiniteDifferences.objective(try forward($0), g) }, at: distinct,
                                         "\(kind) axis \(axis.map(String.init) ?? "none")")
        }
    }
}

@Test func lossGradientsAgreeWithFiniteDifferences() throws {
    let y = try FiniteDifferences.random([4, 3], seed: 1000), t = try FiniteDifferences.random([4, 3], seed: 1001)
    try FiniteDifferences.expect(try Loss.meanSquaredErrorGradient(y, t), matches: { try Loss.meanSquaredError($0, t) }, at: y, "mse")
    let z = try FiniteDifferences.random([4, 3], seed: 1002).map { $0 * 3 }
    let p = Activation.softmax(z)
    let oneHot = try Tensor(rows: [[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]])
    try FiniteDifferences.expect(try Loss.crossEntropyGradient(probabilities: p, target: oneHot),
                                 matches: { try Loss.crossEntropy(probabilities: $0, target: oneHot) }, at: p, "crossentropy of p")
    try FiniteDifferences.expect(try Loss.crossEntropyLogitsGradient(logits: z, target: oneHot),
                                 matches: { try Loss.crossEntropy(logits: $0, target: oneHot) }, at: z, "crossentropy of logits")
    // Fused and unfused agree where no probability is clipped, and the fused gradient is the chain rule
    // through softmax: softmax backward of the probability gradient.
    #expect(abs(try Loss.crossEntropy(logits: z, target: oneHot) - Loss.crossEntropy(probabilities: p, target: oneHot)) < 1e-12)
    let chained = try Activation.backward(.softmax, input: z,
                                          outputGradient: Loss.crossEntropyGradient(probabilities: p, target: oneHot))
    #expect(OpsFixtures.close(chained, try Loss.crossEntropyLogitsGradient(logits: z, target: oneHot), tolerance: 1e-12))
    // Stable for huge logits, where softmax then log would lose everything.
    let huge = try Tensor(vector: [1000, 1001, 1002])
    let value = try Loss.crossEntropy(logits: huge, target: Tensor(vector: [1, 0, 0]))
    #expect(value.isFinite && abs(value - 2.40760596444438) < 1e-9)
}

@Test func gradientSumsEqualTheComputedGradientCells() throws {
    let convolution = try Convolution(stride: Pair(2, 1), padding: .same, dilation: Pair(1, 2))
    let x = try FiniteDifferences.random([6, 7, 2], seed: 1100), k = try FiniteDifferences.random([3, 2, 2, 3], seed: 1101)
    let plan = try convolution.plan(inputShape: x.shape, kernelShape: k.shape, biasShape: nil)
    let g = try FiniteDifferences.random(plan.outputShape, seed: 1102)
    let gradients = try convolution.backward(input: x, kernel: k, outputGradient: g)
    for flat in [0, 7, 19, k.count - 1] {
        let index = GradientShapes.unravel(flat, shape: k.shape)
        let sum = try convolution.kernelGradientSum(input: x, kernelShape: k.shape, outputGradient: g, at: index)
        // The listed terms add up, in their order, to the computed cell (which the matrix multiply adds in blocks).
        #expect(abs(sum.value - gradients.kernel.scalars[flat]) <= 1e-12 * max(1, abs(sum.value)), "kernel cell \(index)")
        #expect(sum.terms.count == plan.outputHeight.value * plan.outputWidth.value)
    }
    for flat in [0, 11, x.count - 1] {
        let index = GradientShapes.unravel(flat, shape: x.shape)
        let sum = try convolution.inputGradientSum(kernel: k, inputShape: x.shape, outputGradient: g, at: index)
        #expect(abs(sum.value - gradients.input.scalars[flat]) < 1e-12, "input cell \(index)")
    }
    let layer = try Dense(weights: FiniteDifferences.random([4, 3], seed: 1103))
    let batch = try FiniteDifferences.random([5, 4], seed: 1104), gDense = try FiniteDifferences.random([5, 3], seed: 1105)
    let dense = try layer.backward(input: batch, outputGradient: gDense)
    let cell = try layer.weightGradientSum(input: batch, outputGradient: gDense, at: [2, 1])
    #expect(cell.value == dense.weights.scalars[2 * 3 + 1] && cell.terms.count == 5)
    let inputCell = try layer.inputGradientSum(input: batch, outputGradient: gDense, at: [3, 2])
    #expect(inputCell.value == dense.input.scalars[3 * 4 + 2] && inputCell.terms.count == 3)
}

@Test func backwardPassesRefuseMismatchedGradients() throws {
    let convolution = try Convolution()
    let x = try Tensor(shape: [5, 5], repeating: 1), k = try Tensor(shape: [3, 3], repeating: 1)
    let wrong = try Tensor(shape: [5, 5], repeating: 1)
    let error = coreError { try convolution.backward(input: x, kernel: k, outputGradient: wrong) }
    #expect(error?.message.contains("the output is 3x3") == true)
    #expect(coreError { try Pooling(kind: .max, size: Pair(square: 2)).backward(input: x, outputGradient: wrong) } != nil)
    #expect(coreError { try Activation.backward(.relu, input: x, outputGradient: Tensor(shape: [4], repeating: 0)) } != nil)
    #expect(coreError { try Loss.meanSquaredError(x, k) }?.message.contains("same shape") == true)
    #expect(coreError { try convolution.kernelGradientSum(input: x, kernelShape: [3, 3], outputGradient: k, at: [3, 0]) } != nil)
    #expect(coreError { try Broadcast.reduce(wrong, to: [2, 5]) } != nil)
}

@Test func theFastConvolutionBackwardAgreesWithTheReferenceLoops() throws {
    // im2col + matrix multiply against the plain loops in the forward order, over strides, dilations,
    // paddings, channel and filter counts (and a block boundary: 40x40 cells of a 3x3x90 window).
    let cases: [(Convolution, [Int], [Int])] = [
        (try Convolution(), [9, 8], [3, 3]),
        (try Convolution(stride: Pair(2, 1), padding: .same, dilation: Pair(1, 2)), [6, 7, 2], [3, 2, 2, 3]),
        (try Convolution(padding: .full), [5, 5, 3], [2, 2, 3]),
        (try Convolution(stride: Pair(square: 3), padding: .explicit(PaddingAmounts(top: 0, bottom: 2, left: 1, right: 0))), [10, 9, 4], [4, 3, 4, 5]),
        (try Convolution(padding: .same), [40, 40, 90], [3, 3, 90, 2]),
    ]
    for (index, (convolution, inputShape, kernelShape)) in cases.enumerated() {
        let x = try FiniteDifferences.random(inputShape, seed: UInt64(1200 + index)), k = try FiniteDifferences.random(kernelShape, seed: UInt64(1300 + index))
        let filters = kernelShape.count == 4 ? kernelShape[3] : 1
        let plan = try convolution.plan(inputShape: x.shape, kernelShape: k.shape, biasShape: [filters])
        let g = try FiniteDifferences.random(plan.outputShape, seed: UInt64(1400 + index))
        let fast = try convolution.backward(input: x, kernel: k, biasShape: [filters], outputGradient: g)
        let reference = try convolution.backwardReference(input: x, kernel: k, biasShape: [filters], outputGradient: g)
        for (name, a, b) in [("input", fast.input, reference.input), ("kernel", fast.kernel, reference.kernel)] {
            #expect(a.shape == b.shape)
            let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst <= 1e-12, "case \(index) \(name): differs by \(worst)")
        }
        #expect(fast.bias == reference.bias, "case \(index): the bias gradient adds the same cells in the same order")
    }
}
