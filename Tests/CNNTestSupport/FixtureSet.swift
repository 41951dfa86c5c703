// FixtureSet: the one reader of the NumPy/JAX fixture folders that have a plain-text index (ops, tensor,
// grad, written by tools/fixtures/gen_*.py). Each line of `index.txt` is `<case> <op> key=value ...`
// (lines starting with # are comments); the arrays of a case are `<case>.<suffix>.npy` beside it. Tests
// pick the cases of their op from the index, so a case added to a generator is never skipped, and each
// test checks that it found its cases.
import CNNCore

/// One case of a fixture index.
public struct FixtureCase: CustomStringConvertible, Sendable {
    /// The case name, the prefix of its .npy files.
    public var name: String
    /// The operation, e.g. "pool", "slice" or "conv".
    public var op: String
    /// The key=value settings of the case.
    public var params: [String: String]
    /// The folder the case's files are in (with a trailing slash).
    public var folder: String

    /// The case name (how a parameterised test names its argument).
    public var description: String { name }

    /// Loads `<case>.<suffix>.npy`.
    public func array(_ suffix: String) throws -> Tensor {
        try NPY.read(path: folder + "\(name).\(suffix).npy")
    }

    /// A "2x3" setting as a Pair (nil if missing or malformed).
    public func pair(_ key: String) -> Pair? {
        let parts = (params[key] ?? "").split(separator: "x").compactMap { Int($0) }
        return parts.count == 2 ? Pair(parts[0], parts[1]) : nil
    }

    /// A setting parsed as an Int (nil if missing or not a whole number).
    public func int(_ key: String) -> Int? { params[key].flatMap { Int($0) } }

    /// A setting parsed as a Double ("inf" and "-inf" included; nil if missing or not a number).
    public func double(_ key: String) -> Double? { params[key].flatMap { Double($0) } }

    /// A comma-separated list of whole numbers (empty if missing).
    public func integers(_ key: String) -> [Int] {
        (params[key] ?? "").split(separator: ",").compactMap { Int($0) }
    }

    /// The operand names of a gradient case (`operands=a,b`), in order.
    public var operands: [String] { (params["operands"] ?? "").split(separator: ",").map(String.init) }
}

/// One fixture folder of CNNCoreTests and the cases of its index.
public struct FixtureSet: Sendable {
    /// The folder, with a trailing slash.
    public let folder: String
    /// Every case of the index, in file order (empty if the index cannot be read; the tests check counts).
    public let all: [FixtureCase]

    /// The fixtures in Tests/CNNCoreTests/Fixtures/NAME/.
    public init(_ name: String) {
        folder = TestFiles.fixtures(name)
        all = FixtureSet.cases(index: TestFiles.text(folder + "index.txt") ?? "", folder: folder)
    }

    /// The cases of one operation, in file order.
    public func cases(_ op: String) -> [FixtureCase] { all.filter { $0.op == op } }

    /// The text of another file of the folder (empty if it cannot be read, which the tests then notice).
    public func text(_ name: String) -> String { TestFiles.text(folder + name) ?? "" }

    /// Parses the lines of an index.
    static func cases(index: String, folder: String) -> [FixtureCase] {
        var cases: [FixtureCase] = []
        for line in index.split(separator: "\n") where !line.hasPrefix("#") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 2 else { continue }
            var params: [String: String] = [:]
            for word in words.dropFirst(2) {
                guard let equals = word.firstIndex(of: "=") else { continue }
                params[String(word[..<equals])] = String(word[word.index(after: equals)...])
            }
            cases.append(FixtureCase(name: words[0], op: words[1], params: params, folder: folder))
        }
        return cases
    }
}
