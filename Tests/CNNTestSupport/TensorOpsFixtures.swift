// Loading the NumPy reference fixtures of the general tensor operations (tools/fixtures/gen_tensor.py).
//
// Fixtures/tensor/index.txt lists one case per line, `<case> <op> key=value ...`; the arrays of a case are
// `<case>.<suffix>.npy`. Tests pick the cases of their op from the index, so a new case in the generator
// is never skipped; each test also checks it found at least one case.
import Testing
import CNNCore

/// One case of Fixtures/tensor/index.txt.
public typealias TensorOpsCase = FixtureCase

/// Access to the tensor-operation fixtures.
public enum TensorOpsFixtures {
    /// The fixture folder and its index.
    public static let fixtures = FixtureSet("tensor")

    /// Every case of the index, in file order.
    public static var all: [TensorOpsCase] { fixtures.all }

    /// The cases of one operation, e.g. "arith" or "slice".
    public static func cases(_ op: String) -> [TensorOpsCase] { fixtures.cases(op) }

    /// Parses a NumPy subscript without brackets ("0:3,:,-1") into selections; "" is no selection.
    public static func selections(_ text: String) -> [AxisSelection] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard part.contains(":") else { return .index(Int(part) ?? 0) }
            let bounds = part.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            return .range(start: bounds[0], stop: bounds.count > 1 ? bounds[1] : nil,
                          step: bounds.count > 2 ? bounds[2] : nil)
        }
    }

    /// Checks that `actual` has the shape of `expected` and the same elements within a relative
    /// tolerance (nan matches nan, infinities must be equal).
    public static func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: Double = 0,
                                   _ testCase: TensorOpsCase, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.shape == expected.shape, "\(testCase.name): shape", sourceLocation: sourceLocation)
        guard actual.shape == expected.shape else { return }
        var bad = 0
        for (a, e) in zip(actual.scalars, expected.scalars) {
            if a.isNaN && e.isNaN { continue }
            if a == e { continue }
            if e.isFinite && a.isFinite && abs(a - e) <= tolerance * Swift.max(1, abs(e)) { continue }
            bad += 1
        }
        #expect(bad == 0, "\(testCase.name): \(bad) elements differ", sourceLocation: sourceLocation)
    }
}
