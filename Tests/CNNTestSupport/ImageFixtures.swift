// Access to the picture fixtures written by tools/fixtures/gen_images.py (NumPy and Pillow).
import CNNCore

/// The picture fixtures and small helpers shared by the CNNImage tests.
public enum ImageFixtures {
    /// The folder holding the fixtures, Tests/CNNImageTests/Fixtures/images/.
    public static let folder = TestFiles.fixtures("images", target: "CNNImageTests")

    /// The fixture names starting with `prefix`, leaving out the expected-value files (a glob, so that new
    /// fixtures are never skipped).
    public static func names(prefix: String) -> [String] {
        TestFiles.names(in: folder, prefix: prefix).filter { !$0.hasSuffix(".expected.npy") }
    }

    /// The bytes of a fixture file (empty if it cannot be read).
    public static func bytes(_ name: String) -> [UInt8] {
        TestFiles.bytes(folder + name) ?? []
    }

    /// The text of a fixture file.
    public static func text(_ name: String) -> String {
        String(decoding: bytes(name), as: UTF8.self)
    }

    /// A .npy fixture as a tensor.
    public static func tensor(_ name: String) throws -> Tensor {
        try NPY.read(path: folder + name)
    }

    /// The expected values of a picture fixture: "valid_grey8.png" -> valid_grey8.expected.npy.
    public static func expected(for name: String) throws -> Tensor {
        let stem = name.split(separator: ".").dropLast().joined(separator: ".")
        return try tensor(stem + ".expected.npy")
    }

    /// A fresh temporary folder for files a test writes.
    public static func temporaryFolder() -> String {
        TestFiles.temporaryFolder("cnnimage-test") ?? "/tmp"
    }
}

/// The largest difference between two tensors of the same shape (infinity if the shapes differ).
public func largestDifference(_ a: Tensor, _ b: Tensor) -> Double {
    guard a.shape == b.shape else { return .infinity }
    return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
}
