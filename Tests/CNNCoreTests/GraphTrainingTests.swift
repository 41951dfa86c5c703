// Tests of model graphs in the core: analysis (shapes, merges, Keras names, receptive field over several
// paths, the errors), the backward pass of a residual graph with a concat against finite differences, and
// training that gives the same bits whatever the number of threads.
import Testing
@testable import CNNCore
import CNNTestSupport

/// A residual block with a projection shortcut, then a concat of two branches.
private let residual = ModelSpec(name: "residual", inputShape: [6, 6, 2], layers: [
    .conv(filters: 3, kernel: Pair(3, 3), padding: .same, activation: .tanh),       // 1
    .conv(filters: 3, kernel: Pair(3, 3), padding: .same),                           // 2: F(x)
    .conv(filters: 3, kernel: Pair(1, 1)),                                           // 3: projection of the input
    .add,                                                                            // 4: F(x) + Wx
    .activation(.relu),                                                              // 5
    .conv(filters: 2, kernel: Pair(3, 3), stride: Pair(2, 2), padding: .same, activation: .sigmoid),  // 6
    .maxPool(size: Pair(2, 2), padding: .same),                                      // 7 (from 5)
    .concat,                                                                         // 8: 6 | 7
    .globalAvgPool, .dense(units: 3, activation: .softmax),
], graph: ModelGraph(inputs: [[0], [1], [0], [2, 3], [4], [5], [5], [6, 7], [8], [9]],
                     names: [nil, "f", "shortcut", nil, nil, nil, nil, nil, nil, nil]))

@Test func aGraphIsAnalysedNodeByNode() throws {
    let analysis = try residual.analyze()
    #expect(residual.isGraph)
    #expect(analysis.layers.map(\.name) == ["conv2d", "f", "shortcut", "add", "activation", "conv2d_1", "max_pooling2d",
                                             "concatenate", "global_average_pooling2d", "dense"])
    #expect(analysis.layers[3].outputShape == [6, 6, 3])
    #expect(analysis.layers[7].outputShape == [3, 3, 5])
    #expect(analysis.layers[7].inputs == [6, 7])
    // The add's field is the wider of F(x)'s 5x5 and the shortcut's 1x1.
    #expect(analysis.layers[3].receptiveField?.sizeDescription == "5x5")
    #expect(analysis.totalParameters == (3 * 3 * 2 * 3 + 3) + (3 * 3 * 3 * 3 + 3) + (2 * 3 + 3) + (3 * 3 * 3 * 2 + 2) + (5 * 3 + 3))
    // A plain stack is still a stack.
    #expect(!ModelSpec(inputShape: [4], layers: [.dense(units: 2)]).isGraph)
}

@Test func aGraphsErrorsNameTheLayer() {
    func failure(_ layers: [LayerSpec], _ inputs: [[Int]]) -> ModelLayerError? {
        let spec = ModelSpec(inputShape: [4, 4, 2], layers: layers, graph: ModelGraph(inputs: inputs, names: inputs.map { _ in nil }))
        do { _ = try spec.analyzeLocating(); return nil } catch { return error as? ModelLayerError }
    }
    let mismatch = failure([.conv(filters: 3, kernel: Pair(1, 1)), .add], [[0], [1, 0]])
    #expect(mismatch?.layer == 2)
    #expect(mismatch?.error.message == "layer 2 (add): the inputs must have one shape to be added cell by cell, but conv2d gives 4x4x3, input gives 4x4x2")
    let unused = failure([.conv(filters: 3, kernel: Pair(1, 1)), .conv(filters: 2, kernel: Pair(1, 1))], [[0], [0]])
    #expect(unused?.layer == 1)
    #expect(unused?.error.message.contains("never used") == true)
    let concat = failure([.maxPool(size: Pair(2, 2)), .concat], [[0], [1, 0]])
    #expect(concat?.error.message == "layer 2 (concat): the inputs must agree in height and width to be joined along the channels, but max_pooling2d gives 2x2x2, input gives 4x4x2")
    #expect(failure([.conv(filters: 2, kernel: Pair(1, 1))], [[1]])?.error.message.contains("earlier layers") == true)
}

@Test func aResidualGraphsBackwardPassAgreesWithFiniteDifferences() throws {
    // Every weight, the first conv's reached through both paths of the concat and through the add.
    try expectGradientsMatchFiniteDifferences(residual, classes: 3)
}

@Test func trainingAGraphGivesTheSameBitsWhateverTheNumberOfThreads() throws {
    let data = try Digits.load()
    let spec = ModelSpec(name: "skip", inputShape: [8, 8, 1], layers: [
        .conv(filters: 4, kernel: Pair(square: 3), padding: .same, activation: .relu),
        .conv(filters: 4, kernel: Pair(square: 3), padding: .same), .add, .activation(.relu),
        .conv(filters: 2, kernel: Pair(square: 1)), .concat,
        .maxPool(size: Pair(square: 2)), .flatten, .dense(units: 10, activation: .softmax)],
        graph: ModelGraph(inputs: [[0], [1], [2, 1], [3], [4], [5, 4], [6], [7], [8]], names: Array(repeating: nil, count: 9)))
    func train(threads: Int) throws -> (TrainingHistory, [Tensor]) {
        try trainWithThreads(spec, on: data, epochs: 2, threads: threads)
    }
    let one = try train(threads: 1)
    #expect(one.0.epochs[1].loss < one.0.epochs[0].loss)
    let two = try train(threads: 2)
    #expect(two.0 == one.0)
    #expect(two.1 == one.1)
}

@Test func augmentationFlipsAndShiftsWithZerosMovedIn() {
    let image = Tensor(unchecked: [3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    var random = RandomGenerator(seed: 3)
    #expect(Augmentation().apply(image, random: &random) == image)
    // Every result is the image shifted by at most one pixel (zeros moved in), perhaps mirrored, and over many
    // draws all 2 x 3 x 3 cases come up.
    let flipShift = Augmentation(flip: true, shift: 1)
    var seen = Set<[Double]>()
    for _ in 0..<400 {
        let result = flipShift.apply(image, random: &random)
        var matches = false
        for mirrored in [false, true] {
            for dy in -1...1 {
                for dx in -1...1 {
                    var expected = [Double](repeating: 0, count: 9)
                    for y in 0..<3 {
                        for x in 0..<3 {
                            let sy = y - dy, sx = x - dx
                            guard (0..<3).contains(sy), (0..<3).contains(sx) else { continue }
                            expected[y * 3 + x] = image.scalars[sy * 3 + (mirrored ? 2 - sx : sx)]
                        }
                    }
                    if expected == result.scalars { matches = true }
                }
            }
        }
        #expect(matches, "\(result.scalars)")
        seen.insert(result.scalars)
    }
    #expect(seen.count == 18)
    // The same seed draws the same changes.
    var a = RandomGenerator(seed: 8), b = RandomGenerator(seed: 8)
    #expect((0..<20).map { _ in flipShift.apply(image, random: &a) } == (0..<20).map { _ in flipShift.apply(image, random: &b) })
}
