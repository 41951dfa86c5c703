// Loading the NumPy reference fixtures of the general tensor operations (tools/fixtures/gen_tensor.py).
//
// Fixtures/tensor/index.txt lists one case per line, `<case> <op> key=value ...`; the arrays of a case are
// `<case>.<suffix>.npy`. Tests pick the cases of their op from the index, so a new case in the generator
// is never skipped; each test also checks it found at least one case.
import Glibc
import Testing
@testable import CNNCore

/// One case of Fixtures/tensor/index.txt.
struct TensorOpsCase: CustomStringConvertible {
    /// The case name, the prefix of its .npy files.
    var name: String
    /// The operation, e.g. "arith" or "slice".
    var op: String
    /// The key=value settings of the case.
    var params: [String: String]

    var description: String { name }

    /// Loads `<case>.<suffix>.npy`.
    func array(_ suffix: String) throws -> Tensor {
        try NPY.read(path: TensorOpsFixtures.folder + "\(name).\(suffix).npy")
    }

    /// A setting parsed as an Int (nil if missing or not a whole number).
    func int(_ key: String) -> Int? { params[key].flatMap { Int($0) } }

    /// A setting parsed as a Double ("inf" and "-inf" included; nil if missing or not a number).
    func double(_ key: String) -> Double? { params[key].flatMap { Double($0) } }
}

/// Access to the tensor-operation fixtures.
enum TensorOpsFixtures {
    /// The folder holding the fixtures, found next to this source file.
    static let folder = FixtureIndex.folder("tensor")

    /// Every case of the index, in file order.
    static let all: [TensorOpsCase] = FixtureIndex.entries(in: folder).map { TensorOpsCase(name: $0.name, op: $0.op, params: $0.params) }

    /// The cases of one operation.
    static func cases(_ op: String) -> [TensorOpsCase] { all.filter { $0.op == op } }

    /// The contents of a text file (empty if it cannot be read, which the tests then notice).
    static func readText(_ path: String) -> String { FixtureIndex.readText(path) }

    /// Parses a NumPy subscript without brackets ("0:3,:,-1") into selections; "" is no selection.
    static func selections(_ text: String) -> [AxisSelection] {
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
    static func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: Double = 0,
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

/// Every operation named in the index has a test that runs it.
@Test func tensorOpsFixtureIndexHasOnlyKnownOps() {
    let known: Set = ["arith", "arithnum", "negate", "matmul", "reduce", "clip", "pad", "transpose",
                      "slice", "assign", "stack", "concatenate"]
    #expect(TensorOpsFixtures.all.count > 300)
    for testCase in TensorOpsFixtures.all {
        #expect(known.contains(testCase.op), "\(testCase.name) has unknown op \(testCase.op)")
    }
}
