// BenchCases: the operations cnnbench times on one core, each with its floating-point operation count.
//
// The same cases, on the same shapes, are timed by tools/bench/peer.py (NumPy/SciPy, JAX jit float64):
//   conv256 ... conv4096   an NxN image, one 3x3 kernel, valid padding (N = 256, 512, 1024, 2048, 4096):
//                          the cost per output tap should not grow with the image
//   conv224   224x224x3 -> 224x224x64 with a 3x3x3x64 bank, same padding, bias
//   conv56    56x56x64 -> 56x56x64 with a 3x3x64x64 bank, same padding, bias
//   maxpool   2x2 max pooling, stride 2, of 112x112x64
//   gemm1024  a 1024x1024 by 1024x1024 matrix product
//   mnist     the MNIST model of the notes (MNISTModel) forward, one 28x28x1 image, layer by layer
//   mnist64   the same model as a Network, forward on a batch of 64 images (as `evaluate` runs it)
//   conv2back the backward pass (input and kernel gradients) of that model's second convolution, one image
//   denseback the backward pass of its 12544 -> 128 dense layer, one image
//   fashionconv the three convolutions of the Fashion-MNIST CNN (BenchModels.fashion) on a batch of 32, forward
//             and backward as training runs them (applyBatch, backwardBatch; the first without dx), one thread
// The training cases (BenchTraining.swift) run on all cores.
import CNNCore

/// One timed operation.
struct BenchCase {
    /// A short name used on the command line and in JSON ("conv512").
    let name: String
    /// What it computes, for the report.
    let title: String
    /// Floating-point operations per run (a multiply-add counts 2; a comparison counts 1); for training, an
    /// estimate (three forward passes' worth per image).
    let flops: Int
    /// Whether the case runs on one thread (timed by thread CPU time) or on `--threads` threads (timed by wall
    /// time when there are several).
    var allCores = false
    /// Images per run, for cases reported as images per second (training).
    var images: Int? = nil
    /// Output taps per run (output cells x kernel taps), for the single-channel convolutions.
    var taps: Int? = nil
    /// Builds the inputs (not timed) and returns the operation, which returns a value so that the work
    /// cannot be optimised away.
    let prepare: () throws -> () throws -> Double
}

/// The cases, built lazily: only the selected ones make their inputs.
enum BenchCases {
    /// The names, in report order.
    static var names: [String] { all(epochImages: 1024).map(\.name) }

    /// Every case; `epochImages` is the number of images of the MNIST and Fashion-MNIST epochs.
    static func all(epochImages: Int) -> [BenchCase] {
        forward() + backward() + BenchTraining.cases(epochImages: epochImages)
    }

    /// The single-channel 3x3 convolutions and the other forward operations.
    static func forward() -> [BenchCase] {
        var cases: [BenchCase] = []
        for size in [256, 512, 1024, 2048, 4096] {
            let out = size - 2
            cases.append(BenchCase(
                name: "conv\(size)", title: "conv \(size)x\(size) * 3x3, valid", flops: 2 * out * out * 9, taps: out * out * 9,
                prepare: {
                    var random = BenchRandom(state: UInt64(size))
                    let image = try random.tensor([size, size]), kernel = try random.tensor([3, 3])
                    let valid = try Convolution()
                    return { try valid.apply(image, kernel: kernel).scalars[0] }
                }))
        }
        cases.append(bankCase("conv224", size: 224, channels: 3, filters: 64, scale: 0.3))
        cases.append(bankCase("conv56", size: 56, channels: 64, filters: 64, scale: 0.1))
        cases.append(BenchCase(
            name: "maxpool", title: "maxpool 2x2 of 112x112x64", flops: 112 * 112 * 64,
            prepare: {
                var random = BenchRandom(state: 112)
                let big = try random.tensor([112, 112, 64]), pool = Pooling(kind: .max, size: Pair(square: 2))
                return { try pool.apply(big).scalars[0] }
            }))
        cases.append(BenchCase(
            name: "gemm1024", title: "matrix product 1024x1024 * 1024x1024", flops: 2 * 1024 * 1024 * 1024,
            prepare: {
                var random = BenchRandom(state: 1024)
                let a = try random.tensor([1024, 1024]).scalars, b = try random.tensor([1024, 1024]).scalars
                return { try MatrixMultiply.multiply(a, b, m: 1024, n: 1024, k: 1024)[0] }
            }))
        cases.append(BenchCase(
            name: "mnist", title: "MNIST model forward, one image (1,625,866 parameters)", flops: MNISTModel.flops,
            prepare: {
                var random = BenchRandom(state: 28)
                let model = try MNISTModel(random: &random), digit = try random.tensor([28, 28, 1])
                return { try model.forward(digit).scalars[0] }
            }))
        cases.append(BenchCase(
            name: "mnist64", title: "MNIST model forward, a batch of 64 images", flops: 64 * MNISTModel.flops, images: 64,
            prepare: {
                var random = BenchRandom(state: 64)
                let data = try random.dataset(count: 64, shape: [28, 28, 1])
                var generator = RandomGenerator(seed: 3)
                let network = try Network(spec: BenchModels.mnist, random: &generator)
                let examples = data.trainIndices.map { (image: data.image($0), label: data.labels[$0]) }
                return { try Training.evaluate(network, examples).loss }
            }))
        return cases
    }

    /// A size x size x channels input through a 3x3 x channels x filters bank, same padding, bias.
    static func bankCase(_ name: String, size: Int, channels: Int, filters: Int, scale: Double) -> BenchCase {
        BenchCase(
            name: name, title: "conv \(size)x\(size)x\(channels) * 3x3x\(channels)x\(filters), same, bias",
            flops: 2 * size * size * filters * 9 * channels,
            prepare: {
                var random = BenchRandom(state: UInt64(size))
                let input = try random.tensor([size, size, channels])
                let bank = try random.tensor([3, 3, channels, filters], scale: scale)
                let bias = try random.tensor([filters]), same = try Convolution(padding: .same)
                return { try same.apply(input, kernel: bank, bias: bias).scalars[0] }
            })
    }

    /// The backward passes of the MNIST model's second convolution and first dense layer, one image.
    static func backward() -> [BenchCase] {
        [
            BenchCase(
                name: "conv2back", title: "conv backward 28x28x32 -> 64, 3x3 same (dx and dk)",
                flops: 2 * 2 * 28 * 28 * 64 * 288,
                prepare: {
                    var random = BenchRandom(state: 32)
                    let input = try random.tensor([28, 28, 32]), kernel = try random.tensor([3, 3, 32, 64], scale: 0.06)
                    let gradient = try random.tensor([28, 28, 64]), same = try Convolution(padding: .same)
                    return {
                        try same.backward(input: input, kernel: kernel, biasShape: [64], outputGradient: gradient).kernel.scalars[0]
                    }
                }),
            fashionConvolutions(),
            BenchCase(
                name: "denseback", title: "dense backward 12544 -> 128 (dx and dW)", flops: 2 * 2 * 12544 * 128,
                prepare: {
                    var random = BenchRandom(state: 12544)
                    let dense = try Dense(weights: random.tensor([12544, 128], scale: 0.01), bias: random.tensor([128], scale: 0.1))
                    let flat = try random.tensor([12544]), gradient = try random.tensor([128])
                    return { try dense.backward(input: flat, outputGradient: gradient).input.scalars[0] }
                }),
        ]
    }

    /// The Fashion CNN's convolutions (valid padding, bias): 28x28x1 -> 26x26x32, 13x13x32 -> 11x11x64 and
    /// 5x5x64 -> 3x3x64, each forward and backward on a batch of 32, as a training step runs them.
    static func fashionConvolutions() -> BenchCase {
        let layers: [(input: [Int], filters: Int, dx: Bool)] = [([28, 28, 1], 32, false), ([13, 13, 32], 64, true), ([5, 5, 64], 64, true)]
        let flops = layers.reduce(0) { (total: Int, layer: (input: [Int], filters: Int, dx: Bool)) -> Int in
            let out = (layer.input[0] - 2) * (layer.input[1] - 2)
            return total + 32 * 2 * out * 9 * layer.input[2] * layer.filters * (layer.dx ? 3 : 2)
        }
        return BenchCase(
            name: "fashionconv", title: "Fashion CNN convs, batch 32: forward and backward", flops: flops, images: 32,
            prepare: {
                var random = BenchRandom(state: 3232)
                let valid = try Convolution()
                let work = try layers.map { layer in
                    let inputs = try (0..<32).map { _ in try random.tensor(layer.input) }
                    let kernel = try random.tensor([3, 3, layer.input[2], layer.filters], scale: 0.1)
                    let bias = try random.tensor([layer.filters], scale: 0.1)
                    let out = [layer.input[0] - 2, layer.input[1] - 2, layer.filters]
                    let gradients = try (0..<32).map { _ in try random.tensor(out) }
                    return (inputs, kernel, bias, gradients, layer.dx)
                }
                return {
                    var total = 0.0
                    for (inputs, kernel, bias, gradients, dx) in work {
                        total += try valid.applyBatch(inputs, kernel: kernel, bias: bias)[0].scalars[0]
                        total += try valid.backwardBatch(inputs: inputs, kernel: kernel, biasShape: bias.shape,
                                                         outputGradients: gradients, inputGradients: dx).kernel.scalars[0]
                    }
                    return total
                }
            })
    }
}
