// Dataset: labelled images for classification, split into a training part and a validation part.
//
// The images are stored as one N x H x W x C tensor (N examples, channels last) with one class label per
// example. The split is fixed when the data set is made: the examples are shuffled with a seeded generator
// and the last `validationFraction` of them (rounded) are held out for validation, as Keras'
// `validation_split` holds out the last part of the data (Keras does not shuffle first; the digits are
// stored grouped by writer, so a shuffle keeps both parts alike). The same seed gives the same split.

/// Labelled images with a seeded train/validation split.
public struct Dataset: Sendable {
    /// The data set's name, e.g. "digits".
    public let name: String
    /// Every example, N x H x W x C.
    public let images: Tensor
    /// The class of every example, 0 ..< classes.
    public let labels: [Int]
    /// The number of classes.
    public let classes: Int
    /// The examples used for training, by position.
    public let trainIndices: [Int]
    /// The examples held out for validation, by position.
    public let validationIndices: [Int]
    /// The fraction held out.
    public let validationFraction: Double
    /// The seed the split was shuffled with.
    public let seed: UInt64
    /// Where the data comes from, and its licence.
    public let attribution: String
    /// The name of every class, in label order ("T-shirt/top", ...), or nil when the classes are numbers.
    public let classNames: [String]?
    /// What was read to make the data set ("4 files in /usr/share/datasets/fashion-mnist"), or nil.
    public let origin: String?
    /// How long reading took, in seconds, or nil.
    public var readSeconds: Double?
    /// Whether the validation examples are the set's own test split (not a held-out fraction).
    public let validationIsTestSplit: Bool

    /// Makes a data set; throws unless the images are N x H x W x C with one label in 0..<classes per example
    /// and the fraction leaves at least one example on each side.
    public init(name: String, images: Tensor, labels: [Int], classes: Int, validationFraction: Double,
                seed: UInt64, attribution: String) throws {
        guard images.rank == 4, images.shape[0] == labels.count else {
            throw CoreError("dataset: the images must be N x H x W x C with one label per image")
        }
        guard classes >= 2, labels.allSatisfy({ $0 >= 0 && $0 < classes }) else {
            throw CoreError("dataset: every label must be a class from 0 to \(classes - 1)")
        }
        guard validationFraction.isFinite, validationFraction >= 0, validationFraction < 1 else {
            throw CoreError("dataset: the validation fraction must be at least 0 and below 1, not \(Format.number(validationFraction))",
                            hint: "0.2 holds out a fifth of the examples")
        }
        let count = labels.count
        let held = Int((Double(count) * validationFraction).rounded())
        guard count - held >= 1 else {
            throw CoreError("dataset: holding out \(held) of \(count) examples leaves none to train on")
        }
        var order = Array(0..<count)
        var generator = RandomGenerator(seed: seed)
        for i in stride(from: count - 1, to: 0, by: -1) {  // Fisher-Yates
            order.swapAt(i, generator.nextInt(below: i + 1))
        }
        self.name = name
        self.images = images
        self.labels = labels
        self.classes = classes
        self.trainIndices = Array(order[..<(count - held)])
        self.validationIndices = Array(order[(count - held)...])
        self.validationFraction = validationFraction
        self.seed = seed
        self.attribution = attribution
        self.classNames = nil
        self.origin = nil
        self.validationIsTestSplit = false
    }

    /// Makes a data set whose split is given: `trainIndices` and `validationIndices` are positions of the
    /// examples (the validation ones are typically a test split kept apart by the set's makers). Throws
    /// unless the images are N x H x W x C with one label in 0..<classes per example, the positions are
    /// valid, there is at least one training example, and `classNames` (if given) names every class.
    public init(name: String, images: Tensor, labels: [Int], classes: Int, classNames: [String]?,
                trainIndices: [Int], validationIndices: [Int], validationFraction: Double, validationIsTestSplit: Bool,
                seed: UInt64, attribution: String, origin: String?) throws {
        guard images.rank == 4, images.shape[0] == labels.count else {
            throw CoreError("dataset: the images must be N x H x W x C with one label per image")
        }
        guard classes >= 2, labels.allSatisfy({ $0 >= 0 && $0 < classes }) else {
            throw CoreError("dataset: every label must be a class from 0 to \(classes - 1)")
        }
        guard !trainIndices.isEmpty, (trainIndices + validationIndices).allSatisfy({ $0 >= 0 && $0 < labels.count }) else {
            throw CoreError("dataset: there must be at least one training example")
        }
        guard classNames == nil || classNames?.count == classes else {
            throw CoreError("dataset: \(classNames?.count ?? 0) class names for \(classes) classes")
        }
        self.name = name
        self.images = images
        self.labels = labels
        self.classes = classes
        self.trainIndices = trainIndices
        self.validationIndices = validationIndices
        self.validationFraction = validationFraction
        self.seed = seed
        self.attribution = attribution
        self.classNames = classNames
        self.origin = origin
        self.validationIsTestSplit = validationIsTestSplit
    }

    /// The name of class `label`: its class name when the set has names, else the number.
    public func className(_ label: Int) -> String {
        guard let classNames, label >= 0, label < classNames.count else { return String(label) }
        return classNames[label]
    }

    /// The shape of one example, H x W x C.
    public var exampleShape: [Int] { Array(images.shape.dropFirst()) }

    /// Example `i` as an H x W x C tensor (i must be a valid position).
    public func image(_ i: Int) -> Tensor {
        let size = images.count / Swift.max(labels.count, 1)
        let start = Swift.min(Swift.max(i, 0), Swift.max(labels.count - 1, 0)) * size
        return Tensor(unchecked: exampleShape, scalars: Array(images.scalars[start..<(start + size)]))
    }

    /// How many examples of each class a list of positions holds.
    public func classCounts(_ positions: [Int]) -> [Int] {
        var counts = Array(repeating: 0, count: classes)
        for i in positions where i >= 0 && i < labels.count { counts[labels[i]] += 1 }
        return counts
    }
}
