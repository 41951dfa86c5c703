// CIFAR: the batches of CIFAR-10 (A. Krizhevsky 2009, www.cs.toronto.edu/~kriz/cifar.html), in either of
// the versions Keras and torchvision keep: the binary version (data_batch_1.bin ...: each record one label
// byte and 3,072 bytes of planar RGB, 1,024 red, 1,024 green, 1,024 blue, row by row) and the Python
// version (a pickled dict, read by CIFARPickle's restricted reader). Both give labels and planar pixels.
import CNNCore

/// One batch of CIFAR-10 images: N labels 0..9 and N x 3,072 bytes, each image planar (R, G, B planes of 32 x 32).
public struct CIFARBatch: Sendable {
    /// The class of every image.
    public let labels: [Int]
    /// The pixels, 3,072 per image.
    public let pixels: [UInt8]
}

/// Reading CIFAR-10 files.
public enum CIFAR {
    /// The bytes of one image: 3 x 32 x 32.
    public static let imageBytes = 3072
    /// The most bytes one batch file may have (a batch of 10,000 images is 30 MB).
    public static let maxFileBytes = 1 << 29

    /// Decodes a batch of the binary version. `what` starts every message.
    public static func decodeBinary(_ b: [UInt8], what: String) throws -> CIFARBatch {
        let record = imageBytes + 1
        guard !b.isEmpty else { throw CoreError("\(what): the file is empty", hint: "download it again") }
        guard b.count % record == 0 else {
            throw CoreError("\(what): \(Format.count(b.count)) bytes is not a whole number of CIFAR-10 records (1 label byte + 3,072 pixels = 3,073 bytes each)",
                            hint: "the file is truncated or not a CIFAR-10 binary batch")
        }
        let n = b.count / record
        var labels: [Int] = []
        var pixels: [UInt8] = []
        labels.reserveCapacity(n)
        pixels.reserveCapacity(n * imageBytes)
        for i in 0..<n {
            if i % 1000 == 0 { try Interruption.check(what) }
            let label = Int(b[i * record])
            guard label < 10 else {
                throw CoreError("\(what): record \(i) has the label \(label); CIFAR-10's labels are 0 to 9",
                                hint: "this may be CIFAR-100 (2 label bytes per record), which is not read")
            }
            labels.append(label)
            pixels += b[(i * record + 1)..<((i + 1) * record)]
        }
        return CIFARBatch(labels: labels, pixels: pixels)
    }

    /// Decodes a batch of the Python version (a pickled dict with `data` and `labels`).
    public static func decodePickle(_ b: [UInt8], what: String) throws -> CIFARBatch {
        let value = try Pickle.read(b, what: what)
        guard case .dict = value else { throw Pickle.refuse(what, "the pickle holds no dict") }
        guard case .array(let shape, let dtype, let data)? = value.value("data"), let data else {
            throw Pickle.refuse(what, "the dict has no array 'data'")
        }
        guard dtype == "u1" || dtype == "|u1" || dtype == "B" else {
            throw Pickle.refuse(what, "'data' holds values of type \(dtype), not bytes (u1)")
        }
        guard shape.count == 2, shape[1] == imageBytes, shape[0] >= 1, let total = Shape.product(shape), total == data.count else {
            throw Pickle.refuse(what, "'data' is \(shape.map(String.init).joined(separator: " x ")) with \(Format.count(data.count)) bytes, not N x 3072")
        }
        guard case .list(let items)? = value.value("labels") else { throw Pickle.refuse(what, "the dict has no list 'labels'") }
        guard items.count == shape[0] else {
            throw CoreError("\(what): \(Format.count(items.count)) labels for \(Format.count(shape[0])) images",
                            hint: "the file is damaged")
        }
        var labels: [Int] = []
        for item in items {
            guard case .int(let label) = item, label >= 0, label < 10 else {
                throw Pickle.refuse(what, "a label is not a class 0 to 9")
            }
            labels.append(label)
        }
        return CIFARBatch(labels: labels, pixels: data)
    }

    /// The class names of the Python version's batches.meta (`label_names`), or nil if it has none.
    public static func decodeMeta(_ b: [UInt8], what: String) throws -> [String] {
        let value = try Pickle.read(b, what: what)
        guard case .list(let items)? = value.value("label_names") else { throw Pickle.refuse(what, "batches.meta has no list 'label_names'") }
        let names = items.compactMap(\.string)
        guard names.count == items.count, names.count == 10 else { throw Pickle.refuse(what, "batches.meta does not name 10 classes") }
        return names
    }

    /// The ten class names, in label order.
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
}
