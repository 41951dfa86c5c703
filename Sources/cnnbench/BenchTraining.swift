// BenchTraining: the training cases, run with CNNCore's training API (Training.fit) on all cores.
//   trainstep     one adam step of the notes' MNIST model on a batch of 64 random 28x28x1 images
//   mnistepoch    one epoch of the MNIST model, batch 64, adam, on N random images (--epoch-images, 1,024)
//   fashionepoch  one epoch of the Fashion-MNIST CNN, batch 32, adam, on N random 28x28x1 images
//   digitsepoch   one epoch of the digits model, batch 32, adam lr=0.01, on 1,438 random 8x8x1 images (the
//                 lesson's training part of the 1,797 digits)
// No validation part: the time is the training alone, reported as images per second. Random inputs give
// the same work as real ones. tools/bench/peer.py runs the same with Keras 3 (model.fit, train_on_batch).
import CNNCore

/// The training cases.
enum BenchTraining {
    /// The images of the digits epoch: 1,797 digits less the fifth held out.
    static let digitsImages = 1438

    static func cases(epochImages: Int) -> [BenchCase] {
        [
            training("trainstep", "MNIST model: one adam step, batch 64", BenchModels.mnist, MNISTModel.flops,
                     images: 64, batch: 64, learningRate: nil),
            training("mnistepoch", "MNIST model: one epoch of \(epochImages) images, batch 64", BenchModels.mnist,
                     MNISTModel.flops, images: epochImages, batch: 64, learningRate: nil),
            training("fashionepoch", "Fashion CNN: one epoch of \(epochImages) images, batch 32", BenchModels.fashion,
                     BenchModels.fashionFlops, images: epochImages, batch: 32, learningRate: nil),
            training("digitsepoch", "digits model: one epoch of \(digitsImages) images, batch 32", BenchModels.digits,
                     BenchModels.digitsFlops, images: digitsImages, batch: 32, learningRate: 0.01),
        ]
    }

    /// One epoch of `spec` on `images` random images, adam; about 3 forward passes' flops per image.
    static func training(_ name: String, _ title: String, _ spec: ModelSpec, _ forwardFlops: Int,
                         images: Int, batch: Int, learningRate: Double?) -> BenchCase {
        BenchCase(
            name: name, title: title, flops: 3 * images * forwardFlops, allCores: true, images: images,
            prepare: {
                var random = BenchRandom(state: UInt64(images))
                let data = try random.dataset(count: images, shape: spec.inputShape)
                var generator = RandomGenerator(seed: 3)
                let network = try Network(spec: spec, random: &generator)
                let options = TrainingOptions(epochs: 1, batchSize: batch, optimizer: .adam, learningRate: learningRate)
                return {
                    var copy = network
                    return try Training.fit(&copy, on: data, options: options).epochs[0].loss
                }
            })
    }
}
