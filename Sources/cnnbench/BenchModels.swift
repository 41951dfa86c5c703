// BenchModels: the models the benchmark times, as in the notes and the lessons.
//   mnist    the notes' MNIST model: conv 32 3x3 same relu, conv 64 3x3 same relu, maxpool 2x2, flatten,
//            dense 128 relu, dense 10 softmax (28x28x1, 1,625,866 parameters)
//   fashion  the notes' Fashion-MNIST CNN (lessons/fashion.cnn): conv 32 3x3 relu, maxpool 2x2, conv 64 3x3
//            relu, maxpool 2x2, conv 64 3x3 relu, flatten, dense 64 relu, dense 10 softmax (93,322 parameters)
//   digits   the digits model of lessons/training.cnn: conv 8 3x3 same relu, maxpool 2x2, flatten, dense 10
//            softmax (8x8x1, 1,370 parameters)
// tools/bench/peer.py builds the same three in Keras.
import CNNCore

/// The models' declarations and their forward floating-point operation counts.
enum BenchModels {
    static let mnist = ModelSpec(name: "mnist", inputShape: [28, 28, 1], layers: [
        .conv(filters: 32, kernel: Pair(square: 3), padding: .same, activation: .relu),
        .conv(filters: 64, kernel: Pair(square: 3), padding: .same, activation: .relu),
        .maxPool(size: Pair(square: 2)), .flatten, .dense(units: 128, activation: .relu),
        .dense(units: 10, activation: .softmax)])

    static let fashion = ModelSpec(name: "fashion", inputShape: [28, 28, 1], layers: [
        .conv(filters: 32, kernel: Pair(square: 3), activation: .relu), .maxPool(size: Pair(square: 2)),
        .conv(filters: 64, kernel: Pair(square: 3), activation: .relu), .maxPool(size: Pair(square: 2)),
        .conv(filters: 64, kernel: Pair(square: 3), activation: .relu), .flatten,
        .dense(units: 64, activation: .relu), .dense(units: 10, activation: .softmax)])

    static let digits = ModelSpec(name: "digits", inputShape: [8, 8, 1], layers: [
        .conv(filters: 8, kernel: Pair(square: 3), padding: .same, activation: .relu), .maxPool(size: Pair(square: 2)),
        .flatten, .dense(units: 10, activation: .softmax)])

    /// Multiply-add flops of one forward pass of the Fashion CNN: 26x26x32x9, 11x11x64x288, 3x3x64x576, 576x64, 64x10.
    static let fashionFlops = 2 * (26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 3 * 3 * 64 * 576 + 576 * 64 + 64 * 10)
    /// Multiply-add flops of one forward pass of the digits model: 8x8x8x9, 128x10.
    static let digitsFlops = 2 * (8 * 8 * 8 * 9 + 128 * 10)
}

/// The notes' MNIST model with random weights, built from the core's operations (not a Network), for the
/// one-image forward case.
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
