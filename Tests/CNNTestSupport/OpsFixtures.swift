// The NumPy reference fixtures of pooling, activations, flatten and dense (tools/fixtures/gen_ops.py), and
// the small helpers the core's tests share: comparing tensors, deterministic random tensors, and catching
// the CoreError an operation throws.
import CNNCore

/// One case of Fixtures/ops/index.txt.
public typealias OpsCase = FixtureCase

/// Access to the ops fixtures and shared test helpers.
public enum OpsFixtures {
    /// The fixture folder and its index.
    public static let fixtures = FixtureSet("ops")

    /// The folder holding the fixtures.
    public static var folder: String { fixtures.folder }

    /// Every case of the index, in file order.
    public static var all: [OpsCase] { fixtures.all }

    /// The cases of one operation: "pool", "globalpool", "depthwise", "activation", "flatten" or "dense".
    public static func cases(_ op: String) -> [OpsCase] { fixtures.cases(op) }

    /// Whether two tensors have the same shape and values within `tolerance` (relative above 1 in
    /// magnitude, absolute below); NaNs must match NaNs and infinities must match exactly.
    public static func close(_ actual: Tensor, _ expected: Tensor, tolerance: Double = 1e-9) -> Bool {
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
    public static func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var random = SplitMix64(state: seed)
        return try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in random.unit() * 10 - 5 })
    }
}

/// The CoreError `body` throws, or nil if it throws nothing (or something else).
public func coreError<T>(_ body: () throws -> T) -> CoreError? {
    do {
        _ = try body()
        return nil
    } catch let error as CoreError {
        return error
    } catch {
        return nil
    }
}
