// Loading the NumPy reference fixtures of pooling, activations, flatten and dense (tools/fixtures/gen_ops.py),
// and the small helpers the tests of those operations share.
//
// Fixtures/ops/index.txt lists one case per line, `<case> <op> key=value ...`; the arrays of a case are
// `<case>.<suffix>.npy`. Tests pick the cases of their op from the index, so a case added to the generator
// is never skipped; each test also checks that it found its cases.
import Glibc
import Testing
@testable import CNNCore

/// One case of Fixtures/ops/index.txt.
struct OpsCase: CustomStringConvertible {
    /// The case name, the prefix of its .npy files.
    var name: String
    /// The operation: "pool", "globalpool", "depthwise", "activation", "flatten" or "dense".
    var op: String
    /// The key=value settings of the case.
    var params: [String: String]

    var description: String { name }

    /// Loads `<case>.<suffix>.npy`.
    func array(_ suffix: String) throws -> Tensor {
        try NPY.read(path: OpsFixtures.folder + "\(name).\(suffix).npy")
    }

    /// A "2x3" setting as a Pair (nil if missing or malformed).
    func pair(_ key: String) -> Pair? {
        guard let text = params[key] else { return nil }
        let parts = text.split(separator: "x").compactMap { Int($0) }
        return parts.count == 2 ? Pair(parts[0], parts[1]) : nil
    }
}

/// Access to the ops fixtures and shared test helpers.
enum OpsFixtures {
    /// The folder holding the fixtures, found next to this source file.
    static let folder = FixtureIndex.folder("ops")

    /// Every case of the index, in file order.
    static let all: [OpsCase] = FixtureIndex.entries(in: folder).map { OpsCase(name: $0.name, op: $0.op, params: $0.params) }

    /// The cases of one operation.
    static func cases(_ op: String) -> [OpsCase] { all.filter { $0.op == op } }

    /// The contents of a text file (empty if it cannot be read, which the tests then notice).
    static func readText(_ path: String) -> String { FixtureIndex.readText(path) }

    /// Whether two tensors have the same shape and values within `tolerance` (relative above 1 in
    /// magnitude, absolute below); NaNs must match NaNs and infinities must match exactly.
    static func close(_ actual: Tensor, _ expected: Tensor, tolerance: Double = 1e-9) -> Bool {
        guard actual.shape == expected.shape else { return false }
        for (a, e) in zip(actual.scalars, expected.scalars) {
            if a.isNaN || e.isNaN {
                if !(a.isNaN && e.isNaN) { return false }
            } else if a.isInfinite || e.isInfinite {
                if a != e { return false }
            } else if abs(a - e) > tolerance * Swift.max(1, abs(e)) {
                return false
            }
        }
        return true
    }

    /// A deterministic tensor of pseudo-random values in [-5, 5) (SplitMix64), for property tests.
    static func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var state = seed
        let count = shape.reduce(1, *)
        var values: [Double] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            values.append(Double(z >> 11) / Double(1 << 53) * 10 - 5)
        }
        return try Tensor(shape: shape, scalars: values)
    }

    /// The CoreError `body` throws, or nil if it throws nothing (or something else).
    static func error<T>(_ body: () throws -> T) -> CoreError? {
        do {
            _ = try body()
            return nil
        } catch let error as CoreError {
            return error
        } catch {
            return nil
        }
    }
}
