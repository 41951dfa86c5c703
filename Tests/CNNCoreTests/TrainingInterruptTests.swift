// TrainingInterruptTests: Ctrl-C during training keeps the epochs that finished (issue 13). Before, an
// interrupted `train` lost every completed epoch and said "conv: interrupted". The stop is simulated with
// `fit`'s `interrupted` check (the real one reads the process-wide Ctrl-C flag, which tests running side by
// side must not set).
import Testing
@testable import CNNCore

private func digitsSetup() throws -> (Dataset, ModelSpec) {
    let spec = ModelSpec(name: "small", inputShape: [8, 8, 1], layers: [
        .conv(filters: 2, kernel: Pair(3, 3), padding: .same, activation: .relu), .flatten,
        .dense(units: 10, activation: .softmax)])
    return (try Digits.load(), spec)
}

private let options = TrainingOptions(epochs: 5, batchSize: 128, optimizer: .adam, learningRate: 0.01, seed: 7)

@Test func ctrlCInEpochThreeKeepsTheWeightsAndHistoryOfEpochTwo() throws {
    let (data, spec) = try digitsSetup()
    // Exactly two epochs, for comparison.
    var random = RandomGenerator(seed: 1)
    var twoEpochs = try Network(spec: spec, random: &random)
    var two = options
    two.epochs = 2
    let reference = try Training.fit(&twoEpochs, on: data, options: two)

    // Five epochs asked for, Ctrl-C in the middle of the third.
    random = RandomGenerator(seed: 1)
    var network = try Network(spec: spec, random: &random)
    var batchesInThird = 0
    var stop = false
    let history = try Training.fit(&network, on: data, options: options, progress: { progress in
        if progress.epoch == 3 && progress.finished == nil {
            batchesInThird += 1
            if batchesInThird == 3 { stop = true }
        }
    }, interrupted: { stop })
    #expect(history.stoppedInEpoch == 3)
    #expect(history.epochs.count == 2)
    #expect(history.epochs == reference.epochs)
    #expect(network.parameters == twoEpochs.parameters, "the weights are those after epoch 2")
}

@Test func ctrlCInTheFirstEpochLeavesTheModelAsItWas() throws {
    let (data, spec) = try digitsSetup()
    var random = RandomGenerator(seed: 1)
    var network = try Network(spec: spec, random: &random)
    let before = network.parameters
    var batches = 0
    var stop = false
    let error = #expect(throws: CoreError.self) {
        try Training.fit(&network, on: data, options: options, progress: { _ in
            batches += 1
            if batches == 2 { stop = true }
        }, interrupted: { stop })
    }
    #expect(error?.message == "train: interrupted (Ctrl-C) in epoch 1, before any epoch was complete; the model is as it was")
    #expect(network.parameters == before)
}
