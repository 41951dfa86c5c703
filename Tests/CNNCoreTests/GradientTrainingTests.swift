// Tests of training: the shipped digits, a network's backward pass against finite differences, the
// optimizers' update rules, and a short training run (deterministic, the loss falls).
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func theDigitsAreShippedWhole() throws {
    let data = try Digits.load()
    #expect(data.images.shape == [1797, 8, 8, 1])
    #expect(data.classCounts(Array(0..<1797)) == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    #expect(data.images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    // The first digit of the UCI file is a 0 (its first row: 0 0 5 13 9 1 0 0).
    #expect(data.labels[0] == 0)
    #expect(data.image(0).scalars.prefix(8).map { $0 * 16 } == [0, 0, 5, 13, 9, 1, 0, 0])
    // An 80/20 split, the same for the same seed, every example on exactly one side.
    #expect(data.trainIndices.count == 1438 && data.validationIndices.count == 359)
    #expect(Set(data.trainIndices + data.validationIndices).count == 1797)
    #expect(try Digits.load().validationIndices == data.validationIndices)
    #expect(try Digits.load(seed: 7).validationIndices != data.validationIndices)
    #expect(coreError { try Digits.load(validationFraction: 1) } != nil)
}

/// Checks every weight's gradient of `spec`'s network on one random example against central differences.
/// `training` runs the passes as training does (batch norm on the batch's statistics); the moving averages,
/// which gradient descent does not change, are left out.
func expectGradientsMatchFiniteDifferences(_ spec: ModelSpec, classes: Int, training: Bool = false) throws {
    var random = RandomGenerator(seed: 9)
    var network = try Network(spec: spec, random: &random)
    // Biases away from 0 so that every path carries a gradient.
    for p in network.parameters.indices where network.parameters[p].rank == 1 {
        network.parameters[p] = network.parameters[p].map { _ in 0.1 }
    }
    // A batch of three examples with different targets: the gradients are the sums over the batch.
    let xs = try (0..<3).map { try OpsFixtures.random(spec.inputShape, seed: 5 + UInt64($0)).map { $0 / 5 } }
    let targets = (0..<3).map { Training.oneHot((2 + $0) % classes, classes: classes) }
    func loss(_ net: Network) throws -> Double {
        var unused = RandomGenerator(seed: 0)
        let logits = try net.forward(xs, training: training, random: &unused).logits
        return try zip(logits, targets).reduce(0) { $0 + (try Loss.crossEntropy(logits: $1.0, target: $1.1)) }
    }
    var unused = RandomGenerator(seed: 0)
    let pass = try network.forward(xs, training: training, random: &unused)
    var gradients = network.parameters.map { $0.map { _ in 0 } }
    let logitsGradients = try zip(pass.logits, targets).map { try Loss.crossEntropyLogitsGradient(logits: $0.0, target: $0.1) }
    try network.backward(pass, logitsGradients: logitsGradients, into: &gradients)
    let h = 1e-6
    for p in network.parameters.indices where !network.parameterNames[p].contains("moving_") {
        for i in 0..<network.parameters[p].count {
            var up = network, down = network
            up.parameters[p].withUnsafeMutableScalars { $0[i] += h }
            down.parameters[p].withUnsafeMutableScalars { $0[i] -= h }
            let numeric = (try loss(up) - loss(down)) / (2 * h)
            let analytic = gradients[p].scalars[i]
            #expect(abs(analytic - numeric) <= 1e-6 * Swift.max(1, abs(numeric)), "\(network.parameterNames[p]) cell \(i): \(analytic) vs \(numeric)")
        }
    }
}

@Test func aNetworksBackwardPassAgreesWithFiniteDifferences() throws {
    try expectGradientsMatchFiniteDifferences(ModelSpec(name: "tiny", inputShape: [6, 6, 1], layers: [
        .conv(filters: 2, kernel: Pair(3, 3), padding: .same, activation: .tanh),
        .maxPool(size: Pair(2, 2)), .conv(filters: 3, kernel: Pair(2, 2), activation: .sigmoid),
        .avgPool(size: Pair(2, 2), padding: .same), .flatten, .dense(units: 4, activation: .relu),
        .dropout(rate: 0.5), .dense(units: 3), .activation(.softmax)]), classes: 3)
}

@Test func zeroPaddingAndDenseOnAnImageTrainWithTheirGradients() throws {
    // Keras' Dense on an image acts at every pixel (a 1x1 convolution); ZeroPadding2D pads unevenly here.
    try expectGradientsMatchFiniteDifferences(ModelSpec(name: "pixels", inputShape: [4, 4, 2], layers: [
        .zeroPadding(PaddingAmounts(top: 1, bottom: 0, left: 2, right: 1)),
        .dense(units: 3, activation: .tanh),
        .conv(filters: 2, kernel: Pair(3, 3), stride: Pair(2, 2), activation: .sigmoid),
        .globalMaxPool, .dense(units: 4, activation: .softmax)]), classes: 4)
}

@Test func theConvolutionFamilyTrainsWithItsGradients() throws {
    // Depthwise (multiplier 2, stride 2 same), separable, transposed (same at stride 2, valid with output
    // padding), upsampling, relu6, a conv without bias, and batch norm in its inference form.
    try expectGradientsMatchFiniteDifferences(ModelSpec(name: "family", inputShape: [6, 5, 2], layers: [
        .conv(filters: 3, kernel: Pair(3, 3), padding: .same, activation: .tanh, useBias: false),
        .depthwiseConv(kernel: Pair(3, 3), stride: Pair(2, 2), padding: .same, multiplier: 2, activation: .sigmoid),
        .batchNorm(),
        .separableConv(filters: 3, kernel: Pair(2, 2), padding: .same, activation: .tanh),
        .transposedConv(filters: 2, kernel: Pair(3, 3), stride: Pair(2, 2), padding: .same, activation: .relu6),
        .upsample(Pair(1, 2)),
        .transposedConv(filters: 2, kernel: Pair(2, 3), stride: Pair(2, 2), outputPadding: Pair(1, 0)),
        .globalAvgPool, .dense(units: 3, activation: .softmax)]), classes: 3)
}

@Test func batchNormTrainsThroughTheBatchStatistics() throws {
    // In training each channel is normalized with the batch's own mean and variance, which depend on every
    // example: the gradient goes through them (BatchNormalization.trainingBackward).
    try expectGradientsMatchFiniteDifferences(ModelSpec(name: "bn", inputShape: [4, 4, 1], layers: [
        .conv(filters: 2, kernel: Pair(3, 3), activation: nil, useBias: false), .batchNorm(), .activation(.tanh),
        .flatten, .dense(units: 4), .batchNorm(), .activation(.sigmoid), .dense(units: 3, activation: .softmax)]),
        classes: 3, training: true)
}

@Test func batchNormMovesItsAveragesInTrainingAndUsesThemWhenPredicting() throws {
    let spec = ModelSpec(name: "bn", inputShape: [3, 3, 2], layers: [.batchNorm(), .flatten, .dense(units: 2, activation: .softmax)])
    var random = RandomGenerator(seed: 3)
    var network = try Network(spec: spec, random: &random)
    #expect(network.parameterNames.prefix(4) == ["batch_normalization gamma", "batch_normalization beta",
                                                  "batch_normalization moving_mean", "batch_normalization moving_variance"])
    let xs = try (0..<4).map { try OpsFixtures.random([3, 3, 2], seed: 20 + UInt64($0)).map { $0 * 2 + 1 } }
    let statistics = BatchNormalization.statistics(xs)
    let pass = try network.forward(xs, training: true, random: &random)
    #expect(network.parameters[2].scalars == [0, 0], "the forward pass alone changes nothing")
    network.applyWeightUpdates(pass)
    for c in 0..<2 {
        #expect(abs(network.parameters[2].scalars[c] - 0.01 * statistics.mean[c]) < 1e-15)
        #expect(abs(network.parameters[3].scalars[c] - (0.99 + 0.01 * statistics.variance[c])) < 1e-15)
    }
    // Predicting uses the moving averages: the inference form with them.
    let predicted = try network.forward([xs[0]], training: false, random: &random).logits[0]
    let normalized = try BatchNormalization.apply(xs[0], gamma: network.parameters[0], beta: network.parameters[1],
                                                  mean: network.parameters[2], variance: network.parameters[3])
    let expected = try Dense(weights: network.parameters[4], bias: network.parameters[5]).apply(try normalized.reshaped([18]))
    #expect(zip(predicted.scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-12 })
    // The summary counts the moving averages as non-trainable, as Keras does.
    let analysis = try spec.analyze()
    #expect(analysis.totalParameters == 8 + 38 && analysis.nonTrainableParameters == 4 && analysis.trainableParameters == 42)
}

@Test func aPoolingLayerWithPaddingKerasLacksIsRefusedBeforeTraining() {
    let spec = ModelSpec(name: "odd", inputShape: [6, 6, 1], layers: [
        .maxPool(size: Pair(2, 2), padding: .full), .flatten, .dense(units: 2, activation: .softmax)])
    var random = RandomGenerator(seed: 1)
    let error = coreError { _ = try Network(spec: spec, random: &random) }
    #expect(error?.message == "train: layer 1 (maxpool): maxpool has padding full; pooling layers take valid or same padding")
}

@Test func theOptimizersFollowKerasRules() throws {
    let w = try Tensor(vector: [1, -2])
    let g = try Tensor(vector: [0.5, -4])
    var sgd = try Optimizer(kind: .sgd, learningRate: 0.1)
    var parameters = [w]
    sgd.update(&parameters, gradients: [g])
    let sgdStep: [Double] = [1 - 0.05, -2 + 0.4]
    #expect(parameters[0].scalars == sgdStep)
    // Adam's first step moves every weight by about lr, against the sign of its gradient (Keras' epsilon,
    // added to sqrt(v) = sqrt(0.001) |g|, takes a few millionths of it off); Fixtures/keras has the exact steps.
    var adam = try Optimizer(kind: .adam)
    parameters = [w]
    adam.update(&parameters, gradients: [g])
    #expect(abs(parameters[0].scalars[0] - (1 - 0.001)) < 1e-7 && abs(parameters[0].scalars[1] - (-2 + 0.001)) < 1e-7)
    // RMSprop's first step: s = 0.1 g^2, so w -= lr * g / sqrt(s + 1e-7), Keras' place for epsilon.
    var rms = try Optimizer(kind: .rmsprop)
    parameters = [w]
    rms.update(&parameters, gradients: [g])
    #expect(abs(parameters[0].scalars[0] - (1 - 0.001 * 0.5 / (0.1 * 0.25 + 1e-7).squareRoot())) < 1e-15)
    // Momentum remembers: the second step with the same gradient moves 1.9 times as far.
    var momentum = try Optimizer(kind: .momentum, learningRate: 0.1)
    parameters = [w]
    momentum.update(&parameters, gradients: [g])
    momentum.update(&parameters, gradients: [g])
    #expect(abs(parameters[0].scalars[0] - (1 - 0.05 - 0.095)) < 1e-12)
    #expect(coreError { try Optimizer(kind: .adam, learningRate: 0) } != nil)
}

@Test func trainingOnTheDigitsLearnsAndRepeatsExactly() throws {
    let data = try Digits.load()
    let spec = ModelSpec(name: "small", inputShape: [8, 8, 1], layers: [
        .conv(filters: 4, kernel: Pair(3, 3), padding: .same, activation: .relu), .maxPool(size: Pair(2, 2)),
        .flatten, .dropout(rate: 0.2), .dense(units: 10, activation: .softmax)])
    func run() throws -> (TrainingHistory, Network) {
        var random = RandomGenerator(seed: 1)
        var network = try Network(spec: spec, random: &random)
        var batches = 0
        let history = try Training.fit(&network, on: data, options: TrainingOptions(epochs: 3, batchSize: 64, optimizer: .adam,
                                                                                     learningRate: 0.01, seed: 1)) { progress in
            if progress.finished == nil { batches += 1 }
        }
        #expect(batches == 3 * 23)
        return (history, network)
    }
    let (history, network) = try run()
    #expect(history.epochs.count == 3 && history.batchesPerEpoch == 23 && history.trainingExamples == 1438)
    let losses = history.epochs.map(\.loss)
    #expect(losses[2] < losses[0])
    #expect((history.epochs.last?.validationAccuracy ?? 0) > 0.8)
    #expect(try run().0 == history, "the same seed gives the same history")
    let probabilities = try network.predict(data.image(0))
    #expect(probabilities.shape == [10] && abs(probabilities.sum() - 1) < 1e-12)
    // Models that cannot be trained say why.
    var random = RandomGenerator(seed: 1)
    let noSoftmax = ModelSpec(inputShape: [8, 8, 1], layers: [.flatten, .dense(units: 10)])
    #expect(coreError { try Network(spec: noSoftmax, random: &random) }?.message.contains("must end in softmax") == true)
    // Dense on an image trains (at every pixel), but its 8x8x10 softmax is not one probability per class.
    let denseOnImage = ModelSpec(inputShape: [8, 8, 1], layers: [.dense(units: 10, activation: .softmax)])
    let notAVector = coreError { try Network(spec: denseOnImage, random: &random) }
    #expect(notAVector?.message == "train: the model ends in 8x8x10 probabilities, but training needs one vector of one probability per class")
    #expect(notAVector?.hint?.contains("flatten") == true)
    var wrongClasses = try Network(spec: ModelSpec(inputShape: [8, 8, 1], layers: [.flatten, .dense(units: 3, activation: .softmax)]),
                                   random: &random)
    #expect(coreError { try Training.fit(&wrongClasses, on: data, options: TrainingOptions()) }?.message.contains("10 classes") == true)
}

/// `spec` trained from seed 4 with batches of 64 on `threads` threads: the history and the weights, which must
/// be the same bits for any number of threads.
func trainWithThreads(_ spec: ModelSpec, on data: Dataset, epochs: Int, threads: Int) throws -> (TrainingHistory, [Tensor]) {
    let saved = Parallel.threads
    Parallel.threads = threads
    defer { Parallel.threads = saved }
    var random = RandomGenerator(seed: 4)
    var network = try Network(spec: spec, random: &random)
    let history = try Training.fit(&network, on: data, options: TrainingOptions(epochs: epochs, batchSize: 64))
    return (history, network.parameters)
}

@Test func trainingGivesTheSameBitsWhateverTheNumberOfThreads() throws {
    // Examples are spread over the cores and their gradients added up in example order afterwards.
    let data = try Digits.load()
    let spec = ModelSpec(name: "threads", inputShape: [8, 8, 1], layers: [
        .conv(filters: 4, kernel: Pair(square: 3), padding: .same, activation: .relu), .maxPool(size: Pair(square: 2)),
        .dropout(rate: 0.25), .flatten, .dense(units: 10, activation: .softmax)])
    func train(threads: Int) throws -> (TrainingHistory, [Tensor]) {
        try trainWithThreads(spec, on: data, epochs: 1, threads: threads)
    }
    let one = try train(threads: 1)
    for threads in [2, 3] {
        let many = try train(threads: threads)
        #expect(many.0 == one.0, "the history with \(threads) threads")
        #expect(many.1 == one.1, "the weights with \(threads) threads")
    }
}

@Test func parallelWorkChargesTheStatementsMemoryLedger() throws {
    // Tensors made on the worker threads count against the running statement's memory, as on the caller's.
    let saved = Parallel.threads
    Parallel.threads = 2
    defer { Parallel.threads = saved }
    let ledger = MemoryLedger(allowance: 1 << 30)
    let kept = try Limits.$ledger.withValue(ledger) {
        try Parallel.map(4) { _ in try Tensor(shape: [1000], repeating: 1) }
    }
    #expect(kept.count == 4)
    #expect(ledger.peakBytes >= 4 * 8000, "four 1000-value tensors were charged: \(ledger.peakBytes) bytes")
}
