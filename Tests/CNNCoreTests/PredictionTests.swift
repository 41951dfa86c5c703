// Tests of predicting (Network.logits): the layers before the first dense one run a few examples at a time,
// and every example's logits must be the same bits as the training forward pass gives for the whole batch,
// whatever the group size and however the batch divides into groups, and the same again for the example alone.
import Testing
@testable import CNNCore
import CNNTestSupport

/// The notes' MNIST model, small: two convolutions, pooling, then two dense layers.
private let stack = ModelSpec(name: "stack", inputShape: [10, 10, 1], layers: [
    .conv(filters: 8, kernel: Pair(square: 3), padding: .same, activation: .relu),
    .conv(filters: 16, kernel: Pair(square: 3), padding: .same, activation: .relu),
    .maxPool(size: Pair(square: 2)), .flatten, .dense(units: 12, activation: .relu),
    .dense(units: 4, activation: .softmax)])

/// A graph: a residual add and a concat before the dense layer, so the grouped layers merge nodes.
private let graph = ModelSpec(name: "graph", inputShape: [6, 6, 2], layers: [
    .conv(filters: 3, kernel: Pair(3, 3), padding: .same, activation: .tanh),       // 1
    .conv(filters: 3, kernel: Pair(3, 3), padding: .same),                           // 2
    .conv(filters: 3, kernel: Pair(1, 1)),                                           // 3 (from the input)
    .add,                                                                            // 4: 2 + 3
    .activation(.relu),                                                              // 5
    .maxPool(size: Pair(2, 2)),                                                      // 6
    .avgPool(size: Pair(2, 2)),                                                      // 7 (from 5)
    .concat,                                                                         // 8: 6 | 7
    .flatten, .dense(units: 3, activation: .softmax),
], graph: ModelGraph(inputs: [[0], [1], [0], [2, 3], [4], [5], [5], [6, 7], [8], [9]],
                     names: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]))

/// No dense layer at all (every layer runs in groups), with batch norm and dropout, which predicting skips.
private let noDense = ModelSpec(name: "nodense", inputShape: [7, 7, 3], layers: [
    .conv(filters: 5, kernel: Pair(square: 3), activation: .relu), .batchNorm(), .dropout(rate: 0.5),
    .conv(filters: 4, kernel: Pair(square: 1)), .globalAvgPool, .activation(.softmax)])

/// `logits` against `forward` for batches of several sizes and groups of several sizes: the same bits.
private func expectLogitsMatchForward(_ spec: ModelSpec) throws {
    var random = RandomGenerator(seed: 21)
    var network = try Network(spec: spec, random: &random)
    // Biases and moving statistics away from their start, so that every weight counts.
    for p in network.parameters.indices where network.parameters[p].rank == 1 {
        network.parameters[p] = network.parameters[p].map { _ in 0.25 }
    }
    for size in [1, 2, 5, 9] {
        let xs = try (0..<size).map { try OpsFixtures.random(spec.inputShape, seed: 40 + UInt64($0)) }
        var unused = RandomGenerator(seed: 0)
        let expected = try network.forward(xs, training: false, random: &unused).logits
        for group in [1, 2, 4, 100] {
            let logits = try network.logits(xs, group: group)
            #expect(logits.count == size)
            for (got, want) in zip(logits, expected) {
                #expect(got.shape == want.shape)
                #expect(got.scalars.map(\.bitPattern) == want.scalars.map(\.bitPattern), "\(spec.name) batch \(size), groups of \(group)")
            }
        }
        // Each example alone gives the bits it gets inside the batch: a dense layer on one row adds its products
        // in the blocked product's order.
        for (x, want) in zip(xs, expected) {
            #expect(try network.logits([x])[0].scalars.map(\.bitPattern) == want.scalars.map(\.bitPattern), "\(spec.name) alone, batch \(size)")
        }
        // The default group, and what evaluate and predict make of it.
        #expect(try network.logits(xs).map { $0.scalars.map(\.bitPattern) } == expected.map { $0.scalars.map(\.bitPattern) })
        #expect(try network.predict(xs[0]).scalars == Activation.softmax(try network.logits([xs[0]])[0]).scalars)
    }
}

@Test func predictingInGroupsGivesTheForwardPassBits() throws {
    try expectLogitsMatchForward(stack)
    try expectLogitsMatchForward(graph)
    try expectLogitsMatchForward(noDense)
}

@Test func theGroupsStopAtTheFirstDenseLayer() throws {
    var random = RandomGenerator(seed: 1)
    #expect(try Network(spec: stack, random: &random).wholeBatchFrom == 4)
    #expect(try Network(spec: graph, random: &random).wholeBatchFrom == 9)
    #expect(try Network(spec: noDense, random: &random).wholeBatchFrom == 6)
}

@Test func aPredictionGroupHoldsAboutTwoMegabytesOfOneLayersOutputs() {
    // The notes' MNIST model: its second convolution's 28x28x64 output is 401,408 bytes, so 4 examples.
    #expect(Network.predictionGroup(largestOutput: 28 * 28 * 64) == 4)
    // The Fashion-MNIST CNN's first convolution (26x26x32, 173,056 bytes): 12 fit, in fours 12.
    #expect(Network.predictionGroup(largestOutput: 26 * 26 * 32) == 12)
    // Never fewer than 4, so that both cores get examples; a tiny model takes its batch whole.
    #expect(Network.predictionGroup(largestOutput: 224 * 224 * 64) == 4)
    #expect(Network.predictionGroup(largestOutput: 8 * 8 * 8) == 512)
    #expect(Network.predictionGroup(largestOutput: Int.max) == 4)
}
