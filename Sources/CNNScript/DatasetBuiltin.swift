// DatasetBuiltin: `dataset(...)`, the data sets to train on: the shipped digits, and real sets read from
// files by CNNData (Fashion-MNIST, MNIST, CIFAR-10, a folder of the learner's own pictures). The search
// order, the readers and the checks are CNNData's; this file binds the arguments, finds CNNREPL_DATA and
// the home folder, and reports progress while a large set is converted (a bar on a terminal).
import CNNCore
import CNNData
import Glibc

enum DatasetBuiltin {
    /// The named data sets.
    static let names = ["digits"] + DatasetLoader.names

    static let builtin = Builtin(
        name: "dataset", category: .learning,
        parameters: [Parameter("name", .string, default: "\"digits\"", "the data set: \"digits\" (shipped), \"fashion-mnist\", \"mnist\" or \"cifar10\" (files); leave it out with path= for a folder of pictures"),
                     Parameter("validation", .number, default: "test split or 0.2", "the fraction of the training examples held out for validation"),
                     Parameter("seed", .integer, default: "42", "the seed of the shuffle that splits the data"),
                     Parameter("path", .string, default: "searched", "where the files are: a folder (or mnist.npz); for pictures, a folder with one subfolder per class"),
                     Parameter("limit", .integer, default: "all", "take only the first N training examples"),
                     Parameter("testlimit", .integer, default: "all", "take only the first N examples of the test split"),
                     Parameter("size", .pair, default: "as read", "resize every picture as resize does, e.g. size=28x28"),
                     Parameter("gray", .word(["true", "false"]), default: "false", "convert every picture to grey")],
        summary: "A data set split into training and validation examples: \"digits\", \"fashion-mnist\", \"mnist\", \"cifar10\", or path=\"FOLDER/\".",
        details: """
            "digits" are the 1,797 8x8 handwritten digits of the UCI optdigits test set (E. Alpaydin, C. Kaynak
            1998, CC BY 4.0; the copy scikit-learn ships), pixel counts 0..16 scaled to 0..1, as 8x8x1 images
            with their digit 0..9. The examples are shuffled with the seed and the last fifth (validation=0.2)
            is held out: train learns from the rest and reports val_loss and val_accuracy on it.
            "fashion-mnist" (60,000 + 10,000 28x28 pictures of clothes in 10 named classes) and "mnist" are read
            from their IDX files (.gz or raw, as the original site, Keras and torchvision keep them) or from
            Keras' mnist.npz; "cifar10" (50,000 + 10,000 32x32 colour pictures) from the binary or the Python
            batches. They are looked for in path=, then in the folder named by the environment variable
            CNNREPL_DATA, then in Keras' cache ~/.keras/datasets, then (Fashion-MNIST) in the folder of Debian's
            package dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist). Their test split is the
            validation data unless validation= asks for a held-out fraction. dataset(path="my_pictures/") reads
            one subfolder of PNG/JPEG/PGM/PPM pictures per class (the class names are the folder names, sorted), as
            Keras' image_dataset_from_directory. Pixels 0..255 are scaled to 0..1. limit=N keeps the first N
            training examples (quick experiments), testlimit=N the first N test examples; size=28x28 resizes every
            picture exactly as resize and load(..., size=) do (area when shrinking, else bilinear), so a picture
            loaded later with the same size= matches the ones the model learned from; gray=true turns pictures grey
            (before resizing).
            CIFAR-10's 60,000 x 3,072 values are more than the default element limit: use limit= or
            `limits elements`. For example: data = dataset("fashion-mnist", limit=2000);
            data = dataset("mnist", path="~/.keras/datasets/mnist.npz");
            data = dataset(path="my_pictures/", size=28x28, gray=true).
            """,
        // Every example runs in the test suite, so the ones that need files on disk are in the details.
        examples: ["data = dataset(\"digits\")", "data = dataset(\"digits\", validation=0.3, seed=7)"],
        updatesInPlace: false,
        body: { context in try load(&context) })

    static func load(_ context: inout CallContext) throws -> Value {
        let given = try context.string("name")
        let seed = try context.integer("seed", in: 0...Int.max) ?? Int(RandomGenerator.defaultSeed)
        let validation = try context.number("validation")
        let hasPath = context.has("path")
        let name = given?.lowercased() ?? (hasPath ? nil : "digits")
        if name == "digits" {
            for option in ["path", "limit", "testlimit", "size", "gray"] where context.has(option) {
                throw ArgumentError(message: "dataset: \(option)= is for data sets read from files, not the shipped digits",
                                    hint: "e.g. dataset(\"fashion-mnist\", \(option)=...)", argument: context.argument(option)?.index)
            }
            return .dataset(try Digits.load(validationFraction: validation ?? 0.2, seed: UInt64(seed)))
        }
        if let name, !DatasetLoader.names.contains(name) {
            let guess = Suggestions.closest(to: name, among: names)
            throw ArgumentError(message: "dataset: there is no data set called \"\(given ?? name)\"",
                                hint: (guess.map { "did you mean \"\($0)\"? " } ?? "") + "the data sets are " + names.map { "\"\($0)\"" }.joined(separator: ", ") + "; a folder of pictures is dataset(path=\"FOLDER/\")",
                                argument: context.argument("name")?.index)
        }
        var request = DatasetRequest(name: name, seed: UInt64(seed))
        if hasPath {
            let raw = try context.string("path") ?? ""
            request.path = raw.hasPrefix("~/") ? expandHome(raw) : try context.path("path")
        }
        request.validation = validation
        if let limit = try context.integer("limit", in: 1...Int.max) { request.limit = limit }
        if let limit = try context.integer("testlimit", in: 1...Int.max) { request.testLimit = limit }
        if let size = try context.pair("size") {
            guard size.rows <= 4096, size.cols <= 4096 else {
                throw ArgumentError(message: "dataset: size= is at most 4096x4096", hint: nil, argument: context.argument("size")?.index)
            }
            request.size = [size.rows, size.cols]
        }
        request.gray = try context.word("gray", choices: ["true", "false"]) == "true"
        request.dataFolder = getenv("CNNREPL_DATA").map { String(cString: $0) }
        request.home = getenv("HOME").map { String(cString: $0) }
        let output = context.output
        let progress: ((Int, Int) -> Void)? = output.liveProgress && output.progress != nil ? { done, total in
            output.progress?(.reading(done: done, total: total))
        } : nil
        var data = try DatasetLoader.load(request, progress: progress)
        if !output.showsTimes { data.readSeconds = nil }
        return .dataset(data)
    }

    /// "~/x" as the shell would expand it.
    static func expandHome(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = getenv("HOME") else { return path }
        return String(cString: home) + String(path.dropFirst(1))
    }
}
