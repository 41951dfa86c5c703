// IDX: the file format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): a 4-byte magic
// (0, 0, element type, number of dimensions), each dimension as a big-endian 32-bit count, then the
// elements. The data sets use unsigned bytes (type 0x08): images N x 28 x 28, labels N. The reader takes
// raw or gzip-compressed files and checks that the size is exactly what the header promises.
import CNNCore

/// An array of unsigned bytes read from an IDX file.
public struct IDXArray: Sendable {
    /// The dimensions, e.g. [60000, 28, 28].
    public let dimensions: [Int]
    /// The elements, row-major.
    public let bytes: [UInt8]
}

/// Reading IDX files.
public enum IDX {
    /// The most bytes an IDX file of a data set may unpack to (1 GB: MNIST's largest file is 47 MB).
    public static let maxBytes = 1 << 30

    /// Decodes the content of an IDX file (gzip-compressed or not). `what` starts every message.
    public static func decode(_ file: [UInt8], what: String) throws -> IDXArray {
        guard Inflate.isGzip(file) else { return try decodeRaw(file, what: what) }
        // The header first: the file is then unpacked only up to the size it promises (no gzip bomb).
        let head = try Inflate.gunzipPrefix(file, count: 16, what: what)
        let dimensions = try decodeRaw(head, what: what, headerOnly: true).dimensions
        let size = 4 + 4 * dimensions.count + dimensions.reduce(1, *)
        // One byte more than promised is unpacked so that a longer stream is named as such.
        return try decodeRaw(try Inflate.gunzip(file, limit: size + 1, what: what), what: what)
    }

    /// Decodes an uncompressed IDX file; with `headerOnly`, checks only the header and returns no bytes.
    static func decodeRaw(_ bytes: [UInt8], what: String, headerOnly: Bool = false) throws -> IDXArray {
        guard bytes.count >= 4 else {
            throw CoreError("\(what): the file is too short to be an IDX file (\(bytes.count) bytes)",
                            hint: "the download may be incomplete; download it again")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw CoreError("\(what): not an IDX file (its first bytes are \(hex(bytes[0])) \(hex(bytes[1])), not 00 00)",
                            hint: "MNIST's files are named like train-images-idx3-ubyte(.gz)")
        }
        guard bytes[2] == 0x08 else {
            throw CoreError("\(what): the IDX elements are of type \(hex(bytes[2])); only unsigned bytes (08) are read",
                            hint: "MNIST and Fashion-MNIST store bytes")
        }
        let rank = Int(bytes[3])
        guard rank >= 1, rank <= 3 else {
            throw CoreError("\(what): an IDX file of images or labels has 1 to 3 dimensions, not \(rank)")
        }
        guard bytes.count >= 4 + 4 * rank else {
            throw CoreError("\(what): the file ends inside its header (truncated)", hint: "download it again")
        }
        var dimensions: [Int] = []
        var count = 1
        for d in 0..<rank {
            let at = 4 + 4 * d
            let value = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            guard value >= 1, value <= maxBytes else {
                throw CoreError("\(what): dimension \(d) of the IDX header is \(Format.count(value)), which no data set has",
                                hint: "the file is damaged")
            }
            count *= value
            guard count <= Swift.min(maxBytes, Limits.maxElements) else {
                throw CoreError("\(what): the IDX header promises more than \(Format.count(Swift.min(maxBytes, Limits.maxElements))) values",
                                hint: "the file is damaged, or larger than the element limit (\(Limits.elementsHowTo))")
            }
            dimensions.append(value)
        }
        let start = 4 + 4 * rank
        if headerOnly { return IDXArray(dimensions: dimensions, bytes: []) }
        let have = bytes.count - start
        guard have >= count else {
            throw CoreError("\(what): the header promises \(Format.count(count)) values (\(dimensions.map(String.init).joined(separator: " x "))), but the file holds only \(Format.count(have)) (truncated)",
                            hint: "the download may be incomplete; download it again")
        }
        guard have == count else {
            throw CoreError("\(what): the file holds \(Format.count(have - count)) bytes more than its header promises",
                            hint: "the file is damaged")
        }
        return IDXArray(dimensions: dimensions, bytes: Array(bytes[start...]))
    }

    /// Reads and decodes an IDX file.
    public static func read(path: String) throws -> IDXArray {
        let what = "dataset: '\(path)'"
        let file = try FileBytes.read(path: path, limit: maxBytes, what: what, kind: "IDX file")
        return try decode(file, what: what)
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
