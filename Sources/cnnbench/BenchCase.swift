// BenchCase: the operations cnnbench times, each with its floating-point operation count.
//
// The same cases, on the same shapes, are timed with NumPy/SciPy by tools/bench/peer.py:
//   conv512   a 512x512 image, one 3x3 kernel, valid padding (SciPy: signal.correlate2d)
//   conv56    56x56x64 -> 56x56x64 with a 3x3x64x64 bank, same padding, bias (NumPy: im2col + matmul)
//   maxpool   2x2 max pooling, stride 2, of 112x112x64 (NumPy: reshape + max)
//   mnist     the MNIST model of the notes: conv 32 3x3 same relu, conv 64 3x3 same relu, maxpool 2,
//             flatten, dense 128 relu, dense 10 softmax, with random weights, one 28x28x1 image
//   conv2back, denseback   the backward passes of that model's second conv and first dense layer
//   mnisttrain one training epoch of that model on 80 random images (one adam step on 64, 16 validated)
//             (no peer yet: tools/bench/peer.py times the forward cases only)
import CNNCore

/// One timed operation.
struct BenchCase {
    /// A short name used on the command line and in JSON ("conv512").
    let name: String
    /// What it computes, for the report.
    let title: String
    /// Floating-point operations per run (a multiply-add counts 2; a comparison counts 1).
    let flops: Int
    /// Runs the operation once; returns a value so that the work cannot be optimised away.
    let run: () throws -> Double
}

/// Builds the cases with fixed random inputs.
enum BenchCases {
    static func all() throws -> [BenchCase] {
        var random = BenchRandom(state: 2024)
        var cases: [BenchCase] = []

        let image = try random.tensor([512, 512])
        let kernel3 = try random.tensor([3, 3])
        let valid = try Convolution()
        cases.append(BenchCase(
            name: "conv512", title: "conv 512x512 * 3x3, valid",
            flops: 2 * 510 * 510 * 9,
            run: { try valid.apply(image, kernel: kernel3).scalars[0] }))

        let maps = try random.tensor([56, 56, 64])
        let bank = try random.tensor([3, 3, 64, 64], scale: 0.1)
        let bankBias = try random.tensor([64])
        let same = try Convolution(padding: .same)
        cases.append(BenchCase(
            name: "conv56", title: "conv 56x56x64 * 3x3x64x64, same, bias",
            flops: 2 * 56 * 56 * 64 * 3 * 3 * 64,
            run: { try same.apply(maps, kernel: bank, bias: bankBias).scalars[0] }))

        let big = try random.tensor([112, 112, 64])
        let pool = Pooling(kind: .max, size: Pair(square: 2))
        cases.append(BenchCase(
            name: "maxpool", title: "maxpool 2x2 of 112x112x64",
            flops: 112 * 112 * 64,
            run: { try pool.apply(big).scalars[0] }))

        let model = try MNISTModel(random: &random)
        let digit = try random.tensor([28, 28, 1])
        cases.append(BenchCase(
            name: "mnist", title: "MNIST model forward pass (1,625,866 parameters)",
            flops: MNISTModel.flops,
            run: { try model.forward(digit).scalars[0] }))

        // The backward passes of the MNIST model's second convolution and first dense layer, one image.
        let conv2Input = try random.tensor([28, 28, 32])
        let conv2Gradient = try random.tensor([28, 28, 64])
        cases.append(BenchCase(
            name: "conv2back", title: "conv backward 28x28x32 -> 64, 3x3 same (dx and dk)",
            flops: 2 * 2 * 28 * 28 * 64 * 288,
            run: { try same.backward(input: conv2Input, kernel: model.conv2, biasShape: [64], outputGradient: conv2Gradient).kernel.scalars[0] }))
        let flat = try random.tensor([12544])
        let denseGradient = try random.tensor([128])
        cases.append(BenchCase(
            name: "denseback", title: "dense backward 12544 -> 128 (dx and dW)",
            flops: 2 * 2 * 12544 * 128,
            run: { try model.dense1.backward(input: flat, outputGradient: denseGradient).input.scalars[0] }))

        // One epoch of the notes' MNIST model on 80 random images: one adam step on a batch of 64, then the
        // 16 held-out images forward.
        let images = try random.tensor([80, 28, 28, 1])
        let data = try Dataset(name: "random", images: images, labels: (0..<80).map { $0 % 10 }, classes: 10,
                               validationFraction: 0.2, seed: 1, attribution: "random numbers")
        let spec = ModelSpec(name: "mnist", inputShape: [28, 28, 1], layers: [
            .conv(filters: 32, kernel: Pair(square: 3), padding: .same, activation: .relu),
            .conv(filters: 64, kernel: Pair(square: 3), padding: .same, activation: .relu),
            .maxPool(size: Pair(square: 2)), .flatten, .dense(units: 128, activation: .relu),
            .dense(units: 10, activation: .softmax)])
        var generator = RandomGenerator(seed: 3)
        let network = try Network(spec: spec, random: &generator)
        let options = TrainingOptions(epochs: 1, batchSize: 64, optimizer: .adam)
        cases.append(BenchCase(
            name: "mnisttrain", title: "MNIST model: one adam step on 64 images + 16 validation images",
            flops: 64 * 3 * MNISTModel.flops + 16 * MNISTModel.flops,
            run: {
                var copy = network
                return try Training.fit(&copy, on: data, options: options).epochs[0].loss
            }))
        return cases
    }
}

/// The notes' MNIST model with random weights, built from the core's layers.
struct MNISTModel {
    let conv1: Tensor, bias1: Tensor
    let conv2: Tensor, bias2: Tensor
    let dense1: Dense, dense2: Dense
    let same: Convolution
    let pool = Pooling(kind: .max, size: Pair(square: 2))

    /// conv 2*28*28*32*9 + conv 2*28*28*64*288 + dense 2*12544*128 + dense 2*128*10 multiply-adds' flops.
    static let flops = 2 * 28 * 28 * 32 * 9 + 2 * 28 * 28 * 64 * 288 + 2 * 12544 * 128 + 2 * 128 * 10

    init(random: inout BenchRandom) throws {
        conv1 = try random.tensor([3, 3, 1, 32], scale: 0.3)
        bias1 = try random.tensor([32], scale: 0.1)
        conv2 = try random.tensor([3, 3, 32, 64], scale: 0.06)
        bias2 = try random.tensor([64], scale: 0.1)
        dense1 = try Dense(weights: random.tensor([12544, 128], scale: 0.01), bias: random.tensor([128], scale: 0.1))
        dense2 = try Dense(weights: random.tensor([128, 10], scale: 0.1), bias: random.tensor([10], scale: 0.1))
        same = try Convolution(padding: .same)
    }

    /// 28x28x1 -> 10 class probabilities.
    func forward(_ image: Tensor) throws -> Tensor {
        var x = try same.apply(image, kernel: conv1, bias: bias1)
        x = try Activation.apply(.relu, to: x)
        x = try same.apply(x, kernel: conv2, bias: bias2)
        x = try Activation.apply(.relu, to: x)
        x = try pool.apply(x)
        x = Flatten.apply(x)
        x = try Activation.apply(.relu, to: dense1.apply(x))
        return try Activation.apply(.softmax, to: dense2.apply(x))
    }
}
