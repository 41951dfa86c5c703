// DatasetLoader: real data sets from files, as the notes' Keras code loads them: Fashion-MNIST and MNIST
// (IDX files, raw or .gz, or Keras' mnist.npz), CIFAR-10 (binary or Python batches) and a folder with one
// subfolder of pictures per class (like Keras' image_dataset_from_directory). It finds the files (the
// search order is `candidates`), reads them with the readers of this library, scales pixels to 0..1,
// optionally resizes and greys them, and makes a CNNCore Dataset whose validation examples are the set's
// own test split, or a seeded held-out fraction when asked (or when the set has no test split).
import CNNCore
import CNNImage

/// What to load: a named set or a folder, and how.
public struct DatasetRequest: Sendable {
    /// "fashion-mnist", "mnist" or "cifar10"; nil for a folder of pictures (`path` is then required).
    public var name: String?
    /// Where the files are: a folder, or a file (mnist.npz).
    public var path: String?
    /// Take only the first N training examples.
    public var limit: Int?
    /// Take only the first N examples of the test split.
    public var testLimit: Int?
    /// Hold out this fraction of the training examples instead of using the test split.
    public var validation: Double?
    /// The seed of the shuffle behind a held-out fraction.
    public var seed: UInt64
    /// Resize every picture to height x width.
    public var size: [Int]?
    /// Convert every picture to grey.
    public var gray: Bool
    /// The folder named by CNNREPL_DATA.
    public var dataFolder: String?
    /// The user's home folder (for ~/.keras/datasets).
    public var home: String?

    /// A request with every option at its default.
    public init(name: String?, path: String? = nil, limit: Int? = nil, validation: Double? = nil, seed: UInt64 = 42,
                size: [Int]? = nil, gray: Bool = false, dataFolder: String? = nil, home: String? = nil) {
        self.name = name; self.path = path; self.limit = limit; self.validation = validation; self.seed = seed
        self.size = size; self.gray = gray; self.dataFolder = dataFolder; self.home = home
    }
}

/// Loads data sets from files.
public enum DatasetLoader {
    /// The named sets read from files.
    public static let names = ["fashion-mnist", "mnist", "cifar10"]
    /// Where Debian's dataset-fashion-mnist package puts the files.
    public static let debianFashionFolder = "/usr/share/datasets/fashion-mnist"
    /// Fashion-MNIST's classes, in label order (Zalando Research's README).
    public static let fashionClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                                           "Sneaker", "Bag", "Ankle boot"]
    /// The extensions of pictures read from a folder.
    public static let pictureExtensions: Set<String> = ["png", "jpg", "jpeg", "pgm", "ppm", "pnm"]
    /// The most pictures read from a folder.
    public static let maxPictures = 1_000_000

    /// The pixels read from files, before scaling: bytes 0..255, each image H x W x C (channels last) or,
    /// when `planar`, C x H x W.
    struct Raw {
        var train: [UInt8]
        var trainLabels: [Int]
        var test: [UInt8]?
        var testLabels: [Int]?
        var height: Int, width: Int, channels: Int
        var planar = false
        var classNames: [String]?
        var files: [String]
        var folder: String
        /// Pictures of a folder read one by one (values 0..255 already in HWC doubles).
        var pictures: [[Double]]? = nil
    }

    /// The places a named set is looked for, in order: `path`, CNNREPL_DATA (and its subfolder named after
    /// the set), Keras' cache, and for Fashion-MNIST the Debian package's folder.
    public static func candidates(for name: String, _ request: DatasetRequest) -> [String] {
        if let path = request.path { return [path] }
        var places: [String] = []
        let subfolders: [String]
        switch name {
        case "cifar10": subfolders = ["cifar10", "cifar-10-batches-py", "cifar-10-batches-bin"]
        default: subfolders = [name]
        }
        if let data = request.dataFolder, !data.isEmpty {
            places += subfolders.map { Files.join(data, $0) }
            places.append(data)
        }
        if let home = request.home, !home.isEmpty {
            let keras = Files.join(home, ".keras/datasets")
            switch name {
            case "mnist": places.append(Files.join(keras, "mnist.npz"))
            case "cifar10": places.append(Files.join(keras, "cifar-10-batches-py"))
            default: places.append(Files.join(keras, name))
            }
        }
        if name == "fashion-mnist" { places.append(debianFashionFolder) }
        return places
    }

    /// How to get a named set, for the error when it is nowhere.
    public static func installHint(for name: String) -> String {
        switch name {
        case "fashion-mnist":
            return "on Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist; or give path=\"FOLDER\" with the four IDX files (train-images-idx3-ubyte.gz, ...)"
        case "mnist":
            return "Keras keeps it as ~/.keras/datasets/mnist.npz (keras.datasets.mnist.load_data() downloads it), torchvision as MNIST/raw; give path=\"...\""
        default:
            return "Keras keeps it as ~/.keras/datasets/cifar-10-batches-py (keras.datasets.cifar10.load_data() downloads it); or give path=\"FOLDER\" of the binary or Python version"
        }
    }

    /// Loads the set `request` asks for. `progress(done, total)` is called as examples are converted.
    public static func load(_ request: DatasetRequest, progress: ((Int, Int) -> Void)? = nil) throws -> Dataset {
        let start = MonotonicClock.now()
        let raw: Raw
        let label: String
        var attribution: String
        if let name = request.name {
            let places = candidates(for: name, request)
            var found: Raw?
            for place in places {
                if let r = try readNamed(name, at: place) { found = r; break }
            }
            guard let f = found else {
                let list = places.map { "  " + $0 }.joined(separator: "\n")
                throw CoreError("dataset: found no \(name) files; looked in:\n\(list)", hint: installHint(for: name))
            }
            raw = f
            label = name
            switch name {
            case "fashion-mnist": attribution = "Fashion-MNIST (H. Xiao, K. Rasul, R. Vollgraf 2017, Zalando Research, MIT licence)"
            case "mnist": attribution = "MNIST (Y. LeCun, C. Cortes, C. J. C. Burges)"
            default: attribution = "CIFAR-10 (A. Krizhevsky 2009, University of Toronto)"
            }
        } else {
            guard let path = request.path else {
                throw CoreError("dataset: give a name (\(names.map { "\"\($0)\"" }.joined(separator: ", "))) or path=\"FOLDER\" of pictures")
            }
            raw = try readFolder(path, request)
            label = lastComponent(path)
            attribution = "your pictures, one folder per class"
        }
        attribution += "; pixels 0..255 scaled to 0..1"
        var dataset = try build(raw, request, name: label, attribution: attribution, progress: progress)
        dataset.readSeconds = MonotonicClock.now() - start
        return dataset
    }

    static func lastComponent(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    }

    // MARK: - Named sets

    /// Reads a named set at one place, or nil when its files are not there.
    static func readNamed(_ name: String, at place: String) throws -> Raw? {
        if name == "cifar10" { return try readCIFAR(place) }
        if Files.isFile(place) {
            return try readNPZ(place)
        }
        guard Files.isFolder(place) else { return nil }
        for sub in ["", "raw", "MNIST/raw", "FashionMNIST/raw"] {
            let folder = sub.isEmpty ? place : Files.join(place, sub)
            if let raw = try readIDXFolder(folder, classNames: name == "fashion-mnist" ? fashionClassNames : nil) { return raw }
        }
        let npz = Files.join(place, "mnist.npz")
        if name == "mnist", Files.isFile(npz) { return try readNPZ(npz) }
        return nil
    }

    /// The path of `base` or `base.gz` in `folder`, if either is there.
    static func idxFile(_ folder: String, _ base: String) -> String? {
        for candidate in [base + ".gz", base] where Files.isFile(Files.join(folder, candidate)) {
            return Files.join(folder, candidate)
        }
        return nil
    }

    /// The four IDX files of a folder, or nil when the training images are not there.
    static func readIDXFolder(_ folder: String, classNames: [String]?) throws -> Raw? {
        guard let trainImages = idxFile(folder, "train-images-idx3-ubyte") else { return nil }
        var files = [trainImages]
        func need(_ base: String) throws -> String {
            guard let path = idxFile(folder, base) else {
                throw CoreError("dataset: '\(folder)' has \(lastComponent(trainImages)) but no \(base) (or \(base).gz)",
                                hint: "the four files belong together: train-images, train-labels, t10k-images, t10k-labels")
            }
            files.append(path)
            return path
        }
        let trainLabels = try need("train-labels-idx1-ubyte")
        let testImages = try need("t10k-images-idx3-ubyte")
        let testLabels = try need("t10k-labels-idx1-ubyte")
        let images = try IDX.read(path: trainImages)
        let (h, w) = try checkImages(images.dimensions, path: trainImages)
        let labels = try checkLabels(try IDX.read(path: trainLabels), count: images.dimensions[0], path: trainLabels, imagesPath: trainImages)
        let tImages = try IDX.read(path: testImages)
        let (th, tw) = try checkImages(tImages.dimensions, path: testImages)
        guard th == h, tw == w else {
            throw CoreError("dataset: '\(testImages)' holds \(th)x\(tw) images, but the training images are \(h)x\(w)")
        }
        let tLabels = try checkLabels(try IDX.read(path: testLabels), count: tImages.dimensions[0], path: testLabels, imagesPath: testImages)
        return Raw(train: images.bytes, trainLabels: labels, test: tImages.bytes, testLabels: tLabels,
                   height: h, width: w, channels: 1, classNames: classNames, files: files.map(lastComponent), folder: folder)
    }

    static func checkImages(_ dimensions: [Int], path: String) throws -> (Int, Int) {
        guard dimensions.count == 3, dimensions[1] <= 4096, dimensions[2] <= 4096 else {
            throw CoreError("dataset: '\(path)' should hold N x H x W images, but its header says \(dimensions.map(String.init).joined(separator: " x "))",
                            hint: "is it a labels file? images are *-images-idx3-ubyte")
        }
        return (dimensions[1], dimensions[2])
    }

    static func checkLabels(_ array: IDXArray, count: Int, path: String, imagesPath: String) throws -> [Int] {
        guard array.dimensions.count == 1 else {
            throw CoreError("dataset: '\(path)' should hold one label per image, but its header says \(array.dimensions.map(String.init).joined(separator: " x "))")
        }
        guard array.dimensions[0] == count else {
            throw CoreError("dataset: '\(path)' has \(Format.count(array.dimensions[0])) labels, but '\(imagesPath)' has \(Format.count(count)) images",
                            hint: "the counts of images and labels must agree; the files may come from different sets")
        }
        guard let bad = array.bytes.firstIndex(where: { $0 > 9 }) else { return array.bytes.map(Int.init) }
        throw CoreError("dataset: label \(bad) of '\(path)' is \(array.bytes[bad]); the classes are 0 to 9")
    }

    /// Keras' mnist.npz: x_train, y_train, x_test, y_test.
    static func readNPZ(_ path: String) throws -> Raw? {
        guard path.hasSuffix(".npz") else {
            throw CoreError("dataset: '\(path)' is a file, but not an .npz archive", hint: "give the folder of the IDX files, or mnist.npz")
        }
        let arrays = try NPZ.read(path: path)
        func array(_ key: String) throws -> Tensor {
            guard let t = arrays[key] else {
                throw CoreError("dataset: '\(path)' has no array '\(key)' (it has \(arrays.keys.sorted().joined(separator: ", ")))",
                                hint: "Keras' mnist.npz holds x_train, y_train, x_test and y_test")
            }
            return t
        }
        let x = try array("x_train"), y = try array("y_train"), tx = try array("x_test"), ty = try array("y_test")
        guard x.rank == 3, tx.rank == 3, x.shape[1] == tx.shape[1], x.shape[2] == tx.shape[2] else {
            throw CoreError("dataset: '\(path)': x_train and x_test must be N x H x W images of one size")
        }
        func bytes(_ t: Tensor, _ key: String) throws -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(t.count)
            for v in t.scalars {
                guard v >= 0, v <= 255, v == v.rounded() else {
                    throw CoreError("dataset: '\(path)': \(key) holds \(Format.number(v)), not a pixel 0..255")
                }
                out.append(UInt8(v))
            }
            return out
        }
        func labels(_ t: Tensor, count: Int, _ key: String) throws -> [Int] {
            guard t.rank == 1, t.count == count else {
                throw CoreError("dataset: '\(path)': \(key) has \(Format.count(t.count)) labels for \(Format.count(count)) images",
                                hint: "the counts of images and labels must agree")
            }
            return try t.scalars.map { v in
                guard v >= 0, v <= 9, v == v.rounded() else { throw CoreError("dataset: '\(path)': \(key) holds \(Format.number(v)), not a class 0 to 9") }
                return Int(v)
            }
        }
        return Raw(train: try bytes(x, "x_train"), trainLabels: try labels(y, count: x.shape[0], "y_train"),
                   test: try bytes(tx, "x_test"), testLabels: try labels(ty, count: tx.shape[0], "y_test"),
                   height: x.shape[1], width: x.shape[2], channels: 1, files: [lastComponent(path)], folder: path)
    }

    /// CIFAR-10's batches in a folder (or its cifar-10-batches-py / -bin subfolder), or nil.
    static func readCIFAR(_ place: String) throws -> Raw? {
        guard Files.isFolder(place) else { return nil }
        for folder in [place, Files.join(place, "cifar-10-batches-bin"), Files.join(place, "cifar-10-batches-py")] {
            let binary = Files.isFile(Files.join(folder, "data_batch_1.bin"))
            let python = Files.isFile(Files.join(folder, "data_batch_1"))
            guard binary || python else { continue }
            let suffix = binary ? ".bin" : ""
            var train: [UInt8] = [], trainLabels: [Int] = []
            var files: [String] = []
            func batch(_ base: String) throws -> CIFARBatch {
                let path = Files.join(folder, base + suffix)
                guard Files.isFile(path) else {
                    throw CoreError("dataset: '\(folder)' has data_batch_1\(suffix) but no \(base)\(suffix)",
                                    hint: "CIFAR-10 has data_batch_1 to data_batch_5 and test_batch")
                }
                let what = "dataset: '\(path)'"
                let bytes = try FileBytes.read(path: path, limit: CIFAR.maxFileBytes, what: what, kind: "CIFAR batch")
                files.append(base + suffix)
                return binary ? try CIFAR.decodeBinary(bytes, what: what) : try CIFAR.decodePickle(bytes, what: what)
            }
            for i in 1...5 {
                let b = try batch("data_batch_\(i)")
                train += b.pixels
                trainLabels += b.labels
            }
            let test = try batch("test_batch")
            var names = CIFAR.classNames
            let meta = Files.join(folder, binary ? "batches.meta.txt" : "batches.meta")
            if Files.isFile(meta) {
                let bytes = try FileBytes.read(path: meta, limit: 1 << 20, what: "dataset: '\(meta)'", kind: "file")
                if binary {
                    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { String($0).trimmedSpaces }.filter { !$0.isEmpty }
                    if lines.count == 10 { names = lines }
                } else {
                    names = try CIFAR.decodeMeta(bytes, what: "dataset: '\(meta)'")
                }
                files.append(lastComponent(meta))
            }
            return Raw(train: train, trainLabels: trainLabels, test: test.pixels, testLabels: test.labels,
                       height: 32, width: 32, channels: 3, planar: true, classNames: names, files: files, folder: folder)
        }
        return nil
    }

    // MARK: - A folder of pictures

    static func readFolder(_ path: String, _ request: DatasetRequest) throws -> Raw {
        guard Files.isFolder(path) else {
            throw CoreError("dataset: '\(path)' is not a folder", hint: "give a folder with one subfolder of pictures per class, e.g. path=\"my_pictures/\"")
        }
        let classes = Files.list(path).filter { Files.isFolder(Files.join(path, $0)) }
        guard classes.count >= 2 else {
            throw CoreError("dataset: '\(path)' has \(classes.count) subfolder\(classes.count == 1 ? "" : "s"); it needs one per class, at least 2",
                            hint: "put the pictures of each class in a folder of its own: my_pictures/cats/1.png, my_pictures/dogs/1.png")
        }
        var files: [(String, Int)] = []
        for (label, name) in classes.enumerated() {
            let folder = Files.join(path, name)
            let pictures = Files.list(folder, limit: maxPictures + 1).filter { file in
                guard let dot = file.lastIndex(of: ".") else { return false }
                return pictureExtensions.contains(file[file.index(after: dot)...].lowercased())
            }
            guard !pictures.isEmpty else {
                throw CoreError("dataset: the class folder '\(folder)' has no PNG, JPEG, PGM or PPM pictures")
            }
            files += pictures.map { (Files.join(folder, $0), label) }
            guard files.count <= maxPictures else { throw CoreError("dataset: '\(path)' has more than \(Format.count(maxPictures)) pictures") }
        }
        let count = request.limit.map { Swift.min($0, files.count) } ?? files.count
        files = Array(files.prefix(count))
        var pictures: [[Double]] = []
        var height = 0, width = 0, channels = 1
        var shapes: [[Int]] = []
        var held = 0
        for (i, (file, _)) in files.enumerated() {
            if i % 64 == 0 { try Interruption.check("dataset") }
            let (tensor, _) = try ImageFile.read(path: file)
            let shape = tensor.shape
            let h = shape[0], w = shape[1], c = shape.count == 3 ? shape[2] : 1
            if request.size == nil {
                if i == 0 { height = h; width = w } else if h != height || w != width {
                    throw CoreError("dataset: '\(file)' is \(w)x\(h), but '\(files[0].0)' is \(width)x\(height)",
                                    hint: "pictures of different sizes need size=, e.g. size=28x28")
                }
            }
            if c == 3 { channels = 3 }
            shapes.append([h, w, c])
            // Keep the pixels as bytes' worth of doubles per picture; the total is checked against the limits below.
            held += tensor.count
            try Limits.checkMemory(forElements: held, what: "dataset", shape: [i + 1, h, w, c])
            pictures.append(tensor.scalars)
        }
        if request.gray { channels = 1 }
        let size = request.size ?? [height, width]
        // Every picture becomes size[0] x size[1] x channels (grey pictures repeated into 3 channels when others are RGB).
        var out: [[Double]] = []
        for (i, pixels) in pictures.enumerated() {
            let s = shapes[i]
            var image = pixels
            var c = s[2]
            if request.gray && c == 3 { image = grey(image); c = 1 }
            if channels == 3 && c == 1 { image = image.flatMap { [$0, $0, $0] }; c = 3 }
            if s[0] != size[0] || s[1] != size[1] { image = try resize(image, from: [s[0], s[1]], to: size, channels: c) }
            out.append(image)
        }
        return Raw(train: [], trainLabels: files.map(\.1), test: nil, testLabels: nil, height: size[0], width: size[1],
                   channels: channels, classNames: classes, files: ["\(Format.count(files.count)) pictures in \(classes.count) folders"],
                   folder: path, pictures: out)
    }

    // MARK: - Building the Dataset

    static func build(_ raw: Raw, _ request: DatasetRequest, name: String, attribution: String,
                      progress: ((Int, Int) -> Void)?) throws -> Dataset {
        let fromFolder = raw.pictures != nil
        let trainCount = request.limit.map { Swift.min(Swift.max($0, 1), raw.trainLabels.count) } ?? raw.trainLabels.count
        let useTest = request.validation == nil && raw.test != nil
        let testCount = useTest ? Swift.min(raw.testLabels?.count ?? 0, request.testLimit ?? Int.max) : 0
        let n = trainCount + testCount
        let height = request.size?[0] ?? raw.height, width = request.size?[1] ?? raw.width
        let channels = request.gray ? 1 : raw.channels
        let shape = [n, height, width, channels]
        let total = try Limits.elementCount(of: shape, for: "dataset")
        var scalars: [Double] = []
        scalars.reserveCapacity(total)
        let perImage = raw.height * raw.width * raw.channels
        let plane = raw.height * raw.width
        var image = [Double](repeating: 0, count: perImage)
        for i in 0..<n {
            if i % 1000 == 0 {
                try Interruption.check("dataset")
                progress?(i, n)
            }
            if fromFolder {
                scalars += raw.pictures![i].map { $0 / 255 }
                continue
            }
            let (bytes, at) = i < trainCount ? (raw.train, i * perImage) : (raw.test!, (i - trainCount) * perImage)
            if !raw.planar && !request.gray && request.size == nil {
                for k in 0..<perImage { scalars.append(Double(bytes[at + k]) / 255) }
                continue
            }
            for y in 0..<raw.height {
                for x in 0..<raw.width {
                    for c in 0..<raw.channels {
                        let source = raw.planar ? at + c * plane + y * raw.width + x : at + (y * raw.width + x) * raw.channels + c
                        image[(y * raw.width + x) * raw.channels + c] = Double(bytes[source])
                    }
                }
            }
            var converted = image
            var c = raw.channels
            if request.gray && c == 3 { converted = grey(converted); c = 1 }
            if height != raw.height || width != raw.width {
                converted = try resize(converted, from: [raw.height, raw.width], to: [height, width], channels: c)
            }
            scalars += converted.map { $0 / 255 }
        }
        progress?(n, n)
        let images = try Tensor(shape: shape, scalars: scalars)
        var labels = Array(raw.trainLabels.prefix(trainCount))
        if useTest { labels += (raw.testLabels ?? []).prefix(testCount) }
        let classes = raw.classNames?.count ?? 10
        let origin = "\(raw.files.joined(separator: ", ")) in \(raw.folder)"
        if useTest {
            return try Dataset(name: name, images: images, labels: labels, classes: classes, classNames: raw.classNames,
                               trainIndices: Array(0..<trainCount), validationIndices: Array(trainCount..<n),
                               validationFraction: Double(testCount) / Double(n), validationIsTestSplit: true,
                               seed: request.seed, attribution: attribution, origin: origin)
        }
        let shuffled = try Dataset(name: name, images: images, labels: labels, classes: classes,
                                   validationFraction: request.validation ?? 0.2, seed: request.seed, attribution: attribution)
        return try Dataset(name: name, images: images, labels: labels, classes: classes, classNames: raw.classNames,
                           trainIndices: shuffled.trainIndices, validationIndices: shuffled.validationIndices,
                           validationFraction: shuffled.validationFraction, validationIsTestSplit: false,
                           seed: request.seed, attribution: attribution, origin: origin)
    }

    /// H x W x 3 pixels to H x W grey (CNNImage's weights, ITU-R BT.601).
    static func grey(_ rgb: [Double]) -> [Double] {
        let w = Grayscale.weights
        return stride(from: 0, to: rgb.count - 2, by: 3).map { w.red * rgb[$0] + w.green * rgb[$0 + 1] + w.blue * rgb[$0 + 2] }
    }

    /// H x W x `channels` pixels resized to `to` exactly as `resize` and `load(..., size=)` resize (CNNCore's
    /// Resize, Pillow's weights: area when no side grows, else bilinear), so a picture a learner loads with
    /// size= later matches the pictures the model learned from.
    static func resize(_ pixels: [Double], from: [Int], to: [Int], channels: Int) throws -> [Double] {
        let picture = try Tensor(shape: [from[0], from[1], channels], scalars: pixels)
        return try Resize.resize(picture, height: to[0], width: to[1], method: .natural(from: from, to: to),
                                 what: "dataset").scalars
    }
}

extension String {
    /// The text without spaces, tabs or carriage returns at either end.
    var trimmedSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
