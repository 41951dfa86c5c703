// Training: fitting a Network to a Dataset, epoch by epoch, like Keras' model.fit.
//
// Each epoch shuffles the training examples (seeded), cuts them into batches of `batchSize` (the last one
// may be smaller), and for every batch runs each example forward and back, averages the weights'
// gradients over the batch and lets the optimizer move the weights once. The epoch's `loss` and
// `accuracy` are those of the training examples as they were seen during the epoch (dropout on, the
// weights changing, the images changed by the augmentation if any: Augmentation.swift), as Keras reports them; `val_loss` and `val_accuracy` are computed after the epoch on
// the held-out examples with dropout off. The loss is the categorical crossentropy (Losses.swift).
// Ctrl-C stops training at the next check; like Keras, the finished epochs are kept: the network gets back
// the weights it had after the last completed epoch and the history ends there (`stoppedInEpoch`).

/// The settings of a training run.
public struct TrainingOptions: Sendable {
    /// Passes over the training examples.
    public var epochs: Int
    /// Examples per weight update.
    public var batchSize: Int
    /// The update rule and its learning rate.
    public var optimizer: Optimizer.Kind
    /// The learning rate (nil: the optimizer's Keras default).
    public var learningRate: Double?
    /// The seed of the weights, the shuffles and dropout.
    public var seed: UInt64
    /// Random flips and shifts of the training images (none by default).
    public var augmentation = Augmentation()

    /// The most epochs one run may take.
    public static let maxEpochs = 10_000

    /// Creates options; `validate` checks them.
    public init(epochs: Int = 20, batchSize: Int = 32, optimizer: Optimizer.Kind = .adam, learningRate: Double? = nil,
                seed: UInt64 = RandomGenerator.defaultSeed) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.seed = seed
    }
}

/// One epoch's results, as a row of Keras' History.
public struct EpochRecord: Equatable, Sendable {
    /// The epoch, from 1.
    public var epoch: Int
    /// The mean training loss over the epoch's examples.
    public var loss: Double
    /// The fraction of training examples classified right during the epoch.
    public var accuracy: Double
    /// The mean loss on the validation examples after the epoch (nil without validation examples).
    public var validationLoss: Double?
    /// The fraction of validation examples classified right after the epoch.
    public var validationAccuracy: Double?
}

/// What a training run produced: the settings and one record per epoch (Keras' history.history).
public struct TrainingHistory: Equatable, Sendable {
    /// The model's name.
    public var model: String
    /// The data set's name.
    public var dataset: String
    /// The optimizer used.
    public var optimizer: Optimizer.Kind
    /// The learning rate used.
    public var learningRate: Double
    /// Examples per batch.
    public var batchSize: Int
    /// Training and validation examples.
    public var trainingExamples: Int
    /// Validation examples.
    public var validationExamples: Int
    /// Weight updates per epoch.
    public var batchesPerEpoch: Int
    /// One record per epoch.
    public var epochs: [EpochRecord]
    /// The random changes made to the training images (none by default).
    public var augmentation = Augmentation()
    /// The epoch in which Ctrl-C stopped training (the weights are those after the epoch before); nil when
    /// every epoch ran.
    public var stoppedInEpoch: Int? = nil
}

/// Progress reported while training, for a progress bar.
public struct TrainingProgress: Sendable {
    /// The current epoch, from 1.
    public var epoch: Int
    /// All epochs.
    public var epochs: Int
    /// Batches done in this epoch.
    public var batch: Int
    /// Batches per epoch.
    public var batches: Int
    /// The mean training loss so far in this epoch.
    public var loss: Double
    /// The finished epoch's record, when the epoch has just ended.
    public var finished: EpochRecord?
}

/// Fits networks to data sets.
public enum Training {
    /// Trains `network` on `data` (in place) and returns the history.
    /// `progress` is called after every batch and at the end of every epoch.
    /// On Ctrl-C (`interrupted()` true) after at least one completed epoch, the network gets back the
    /// weights after the last completed one and the history says where it stopped; in the first epoch it
    /// throws, and the network is as it was.
    public static func fit(_ network: inout Network, on data: Dataset, options: TrainingOptions,
                           progress: (TrainingProgress) -> Void = { _ in },
                           interrupted: () -> Bool = { Interruption.isRequested }) throws -> TrainingHistory {
        guard (1...TrainingOptions.maxEpochs).contains(options.epochs) else {
            throw CoreError("train: epochs must be from 1 to \(Format.count(TrainingOptions.maxEpochs)), not \(options.epochs)")
        }
        guard options.batchSize >= 1 else {
            throw CoreError("train: the batch size must be at least 1, not \(options.batchSize)")
        }
        guard network.classes == data.classes else {
            throw CoreError("train: the model gives \(network.classes) probabilities but \(data.name) has \(data.classes) classes",
                            hint: "end the model with dense \(data.classes) softmax")
        }
        guard network.spec.inputShape.reduce(1, *) == data.exampleShape.reduce(1, *) else {
            throw CoreError("train: the model takes \(Shape.describe(network.spec.inputShape)) inputs but \(data.name) has \(Shape.describe(data.exampleShape)) images",
                            hint: "declare the model with the input \(Shape.describe(data.exampleShape))")
        }
        var optimizer = try Optimizer(kind: options.optimizer, learningRate: options.learningRate)
        var random = RandomGenerator(seed: options.seed &+ 1)
        let batchSize = Swift.min(options.batchSize, data.trainIndices.count)
        let batches = (data.trainIndices.count + batchSize - 1) / batchSize
        let examples = data.trainIndices.map { (image: data.image($0), label: data.labels[$0]) }
        let validation = data.validationIndices.map { (image: data.image($0), label: data.labels[$0]) }
        var records: [EpochRecord] = []
        let initial = network.parameters
        var kept = network.parameters  // the weights after the last completed epoch
        func history(stoppedInEpoch: Int?) -> TrainingHistory {
            TrainingHistory(model: network.spec.name, dataset: data.name, optimizer: options.optimizer,
                            learningRate: optimizer.learningRate, batchSize: batchSize,
                            trainingExamples: examples.count, validationExamples: validation.count,
                            batchesPerEpoch: batches, epochs: records, augmentation: options.augmentation,
                            stoppedInEpoch: stoppedInEpoch)
        }
        for epoch in 1...options.epochs {
            do {
                var order = Array(examples.indices)
                for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(below: i + 1)) }
                var lossSum = 0.0
                var correct = 0
                var seen = 0
                for batch in 0..<batches {
                    if interrupted() { throw CoreError("train: interrupted (Ctrl-C)") }
                    var gradients = network.parameters.map { Tensor(unchecked: $0.shape, scalars: [Double](repeating: 0, count: $0.count)) }
                    let members = order[(batch * batchSize)..<Swift.min((batch + 1) * batchSize, order.count)]
                    var images = members.map { examples[$0].image }
                    if options.augmentation.isActive {
                        images = images.map { options.augmentation.apply($0, random: &random) }
                    }
                    let pass = try network.forward(images, training: true, random: &random)
                    let scored = try score(pass.logits, labels: members.map { examples[$0].label }, classes: network.classes,
                                           gradients: true)
                    for example in scored {
                        lossSum += example.loss
                        if example.right { correct += 1 }
                    }
                    let logitsGradients = scored.compactMap(\.gradient)
                    try network.backward(pass, logitsGradients: logitsGradients, into: &gradients)
                    seen += members.count
                    optimizer.update(&network.parameters, gradients: gradients, scale: 1 / Double(members.count))
                    network.applyWeightUpdates(pass)
                    progress(TrainingProgress(epoch: epoch, epochs: options.epochs, batch: batch + 1, batches: batches,
                                              loss: lossSum / Double(seen), finished: nil))
                }
                var record = EpochRecord(epoch: epoch, loss: lossSum / Double(Swift.max(seen, 1)),
                                         accuracy: Double(correct) / Double(Swift.max(seen, 1)))
                if !validation.isEmpty {
                    let result = try evaluate(network, validation)
                    record.validationLoss = result.loss
                    record.validationAccuracy = result.accuracy
                }
                records.append(record)
                progress(TrainingProgress(epoch: epoch, epochs: options.epochs, batch: batches, batches: batches,
                                          loss: record.loss, finished: record))
                kept = network.parameters
            } catch where interrupted() {
                guard !records.isEmpty else {
                    network.parameters = initial
                    throw CoreError("train: interrupted (Ctrl-C) in epoch 1, before any epoch was complete; the model is as it was",
                                    hint: "train again; Ctrl-C after an epoch keeps the weights of the epochs that finished")
                }
                network.parameters = kept
                return history(stoppedInEpoch: epoch)
            }
        }
        return history(stoppedInEpoch: nil)
    }

    /// The mean crossentropy and the accuracy of `network` on labelled examples (dropout off).
    public static func evaluate(_ network: Network, _ examples: [(image: Tensor, label: Int)]) throws -> (loss: Double, accuracy: Double) {
        guard !examples.isEmpty else { return (.nan, .nan) }
        var loss = 0.0
        var correct = 0
        for start in stride(from: 0, to: examples.count, by: evaluationBatch) {
            try Interruption.check("evaluate")
            let batch = examples[start..<Swift.min(start + evaluationBatch, examples.count)]
            let logits = try network.logits(batch.map(\.image))
            for example in try score(logits, labels: batch.map(\.label), classes: network.classes, gradients: false) {
                loss += example.loss
                if example.right { correct += 1 }
            }
        }
        return (loss / Double(examples.count), Double(correct) / Double(examples.count))
    }

    /// Each example's crossentropy, whether its most probable class is its label, and (with `gradients`)
    /// dL/d(its logits), computed on the cores; the caller adds the losses in example order (the same bits).
    static func score(_ logits: [Tensor], labels: [Int], classes: Int,
                      gradients: Bool) throws -> [(loss: Double, right: Bool, gradient: Tensor?)] {
        try Parallel.map(Swift.min(labels.count, logits.count)) { i in
            let target = oneHot(labels[i], classes: classes)
            return (try Loss.crossEntropy(logits: logits[i], target: target), argmax(logits[i]) == labels[i],
                    gradients ? try Loss.crossEntropyLogitsGradient(logits: logits[i], target: target) : nil)
        }
    }

    /// How many examples `evaluate` runs forward at once. The dense layers read their weights once per batch
    /// (the notes' MNIST model: 12.8 MB, from memory), so twice Keras' 32 reads them half as often; the
    /// convolutions go a few examples at a time whatever the batch (`Network.logits`).
    static let evaluationBatch = 64

    /// A one-hot vector: 1 at `label`, 0 elsewhere.
    static func oneHot(_ label: Int, classes: Int) -> Tensor {
        var values = [Double](repeating: 0, count: Swift.max(classes, 1))
        if label >= 0 && label < values.count { values[label] = 1 }
        return Tensor(unchecked: [values.count], scalars: values)
    }

    /// The position of the largest value (the first of equals).
    static func argmax(_ t: Tensor) -> Int {
        var best = 0
        for i in t.scalars.indices where t.scalars[i] > t.scalars[best] { best = i }
        return best
    }
}
