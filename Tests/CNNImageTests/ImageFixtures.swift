// Access to the picture fixtures written by tools/fixtures/gen_images.py (NumPy and Pillow).
import Glibc
import CNNCore

/// The picture fixtures and small helpers shared by the CNNImage tests.
enum ImageFixtures {
    /// The folder holding the fixtures, found next to this source file.
    static let folder: String = {
        var path = #filePath
        while let last = path.last, last != "/" { path.removeLast() }
        return path + "Fixtures/images/"
    }()

    /// The fixture names starting with `prefix`, leaving out the expected-value files (a glob, so that new
    /// fixtures are never skipped).
    static func names(prefix: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(prefix) && !name.hasSuffix(".expected.npy") { names.append(name) }
        }
        return names.sorted()
    }

    /// The bytes of a fixture file (empty if it cannot be read).
    static func bytes(_ name: String) -> [UInt8] {
        guard let file = fopen(folder + name, "rb") else { return [] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes += chunk[0..<got]
            if got < chunk.count { break }
        }
        return bytes
    }

    /// The text of a fixture file.
    static func text(_ name: String) -> String {
        String(decoding: bytes(name), as: UTF8.self)
    }

    /// A .npy fixture as a tensor.
    static func tensor(_ name: String) throws -> Tensor {
        try NPY.read(path: folder + name)
    }

    /// The expected values of a picture fixture: "valid_grey8.png" -> valid_grey8.expected.npy.
    static func expected(for name: String) throws -> Tensor {
        let stem = name.split(separator: ".").dropLast().joined(separator: ".")
        return try tensor(stem + ".expected.npy")
    }

    /// A fresh temporary folder for files a test writes.
    static func temporaryFolder() -> String {
        var template = Array("/tmp/cnnimage-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard made else { return "/tmp" }
        return template.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { String(cString: $0) } ?? "/tmp"
        }
    }
}

/// The largest difference between two tensors of the same shape (infinity if the shapes differ).
func largestDifference(_ a: Tensor, _ b: Tensor) -> Double {
    guard a.shape == b.shape else { return .infinity }
    return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
}
