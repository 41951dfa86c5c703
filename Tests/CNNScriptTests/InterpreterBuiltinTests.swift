// InterpreterBuiltinTests: the built-in registry as the language sees it. Every built-in the issue names
// exists, documents itself, runs its own examples, and (for the layer built-ins) records the Step that
// explains it; the values match the numeric core's own (fixture-tested) functions called directly.
import Glibc
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

/// The built-ins the issue text promises, by name.
let promisedBuiltins = [
    "conv", "maxpool", "avgpool", "globalavgpool", "globalmaxpool", "depthmaxpool", "relu", "leakyrelu",
    "sigmoid", "tanh", "softmax", "flatten", "dense", "pad", "clip", "sum", "mean", "max", "min", "argmax",
    "shape", "stack", "transpose", "zeros", "ones", "eye", "full", "range", "rand", "randint", "randn",
    "load", "save",
    // issue 18
    "depthwiseconv", "separableconv", "transposedconv", "batchnorm", "convolve", "upsample", "relu6",
]

@Test func everyPromisedBuiltinExists() {
    for name in promisedBuiltins {
        #expect(Builtins.named(name) != nil, "missing built-in \(name)")
    }
    for name in ["help", "vars", "clear", "reset", "seed", "precision", "trace", "params", "summary"] {
        #expect(Commands.named(name) != nil, "missing command \(name)")
    }
}

@Test(arguments: Builtins.all.map(\.name))
func everyBuiltinDocumentsItself(_ name: String) throws {
    let builtin = try #require(Builtins.named(name))
    #expect(!builtin.summary.isEmpty)
    #expect(!builtin.examples.isEmpty, "\(name) has no example")
    #expect(builtin.signature.hasPrefix("\(name)("))
    for parameter in builtin.parameters {
        #expect(!parameter.summary.isEmpty, "\(name)'s '\(parameter.name)' is not described")
    }
    // Parameter names are unique, and only the last parameter may collect the rest.
    #expect(Set(builtin.parameters.map(\.name)).count == builtin.parameters.count)
    #expect(builtin.parameters.dropLast().allSatisfy { !$0.isVariadic })
}

/// Inputs every built-in example can use (the examples name these variables).
let exampleSetup = """
    image = rand(10, 10); k = ones(3, 3); f = conv(image, k); maps = rand(6, 6, 3); m0 = rand(4, 4)
    m1 = rand(4, 4); m2 = rand(4, 4); a = randint(0, 5, 3, 3); sharp = rand(5, 5) * 300; w = rand(3, 3)
    v = rand(4)
    """

@Test(arguments: Builtins.all.filter { $0.category != .files }.map(\.name))
func everyBuiltinsExamplesRun(_ name: String) throws {
    let builtin = try #require(Builtins.named(name))
    for example in builtin.examples {
        let script = Script()
        try script.run(exampleSetup)
        #expect(throws: Never.self, "\(example)") { try script.run(example) }
    }
}

@Test func everyInPlaceBuiltinWorksInCommandForm() throws {
    for builtin in Builtins.all where builtin.updatesInPlace {
        let script = Script()
        // Every in-place built-in takes a tensor first; most have defaults for the rest.
        let extra: [String]
        switch builtin.name {
        case "clip": extra = ["0", "0.5"]
        case "reshape": extra = ["36x3"]
        case "conv", "convolve": extra = ["ones(2, 2, 3)"]
        case "depthwiseconv": extra = ["ones(3, 3, 3, 1)"]
        case "separableconv": extra = ["ones(3, 3, 3, 1)", "ones(1, 1, 3, 2)"]
        case "transposedconv": extra = ["ones(3, 3, 2, 3)"]
        case "batchnorm": extra = ["ones(3)", "zeros(3)", "zeros(3)", "ones(3)"]
        case "depthmaxpool": extra = ["3"]
        default: extra = []
        }
        try script.run("t = rand(6, 6, 3)")
        let before = try script.tensor("t")
        let command = ([builtin.name, "t"] + extra).joined(separator: " ")
        let outcomes = try script.run(command)
        guard case .assigned(let name, .tensor(let after), let provenance, let source)? = outcomes.last else {
            Issue.record("\(command) did not assign: \(outcomes)")
            continue
        }
        #expect(name == "t")
        #expect(source == "t = \(builtin.name)(\((["t"] + extra).joined(separator: ", ")))")
        #expect(try script.tensor("t") == after)
        #expect(provenance?.step?.operands.first?.tensor == before, "\(builtin.name): the step keeps the old value")
    }
}

// MARK: - Values match the core's functions

@Test func convMatchesTheCore() throws {
    let script = Script()
    try script.run("image = rand(9, 9); k = randn(3, 3)")
    let image = try script.tensor("image"), kernel = try script.tensor("k")
    let cases: [(String, Convolution)] = [
        ("conv(image, k)", try Convolution()),
        ("conv(image, k, stride=2, padding=same)", try Convolution(stride: Pair(square: 2), padding: .same)),
        ("conv(image, k, 1, full, 2)", try Convolution(padding: .full, dilation: Pair(square: 2))),
        ("conv(image, k, stride=[1, 2], padding=[0, 1, 2, 0])",
         try Convolution(stride: Pair(1, 2), padding: .explicit(PaddingAmounts(top: 0, bottom: 1, left: 2, right: 0)))),
    ]
    for (source, convolution) in cases {
        #expect(try script.tensor(source) == convolution.apply(image, kernel: kernel, bias: nil), "\(source)")
    }
}

@Test func poolingMatchesTheCore() throws {
    let script = Script()
    try script.run("x = randn(7, 7, 2)")
    let x = try script.tensor("x")
    #expect(try script.tensor("maxpool(x)") == Pooling(kind: .max, size: Pair(square: 2)).apply(x))
    #expect(try script.tensor("avgpool(x, 3, 1, same)")
        == Pooling(kind: .average, size: Pair(square: 3), stride: Pair(square: 1), padding: .same).apply(x))
    #expect(try script.tensor("maxpool(x, padding=fit)") == Pooling(kind: .max, size: Pair(square: 2), padding: .padToFit).apply(x))
    #expect(try script.tensor("maxpool(x, padding=ceil)") == Pooling(kind: .max, size: Pair(square: 2), padding: .ceil).apply(x))
    #expect(try script.tensor("avgpool(x, 3, 2, ceil)")
        == Pooling(kind: .average, size: Pair(square: 3), stride: Pair(square: 2), padding: .ceil).apply(x))
    #expect(try script.tensor("minpool(x, padding=ceil)") == -(try Pooling(kind: .max, size: Pair(square: 2), padding: .ceil).apply(-x)))
    #expect(try script.tensor("globalmaxpool(x)") == GlobalPooling(kind: .max).apply(x))
    #expect(try script.tensor("globalavgpool(x)") == GlobalPooling(kind: .average).apply(x))
    #expect(try script.tensor("depthmaxpool(x)") == DepthwisePooling(size: 2).apply(x))
}

@Test func activationsMatchTheCore() throws {
    let script = Script()
    try script.run("x = randn(4, 5)")
    let x = try script.tensor("x")
    for kind in [ActivationKind.relu, .sigmoid, .tanh, .softmax, .leakyrelu] {
        #expect(try script.tensor("\(kind.rawValue)(x)") == Activation.apply(kind, to: x, slope: Activation.defaultLeakySlope))
    }
    #expect(try script.tensor("leakyrelu(x, 0.01)") == Activation.apply(.leakyrelu, to: x, slope: 0.01))
}

@Test func denseMatchesTheCore() throws {
    let script = Script()
    try script.run("x = randn(6); w = randn(6, 3); b = randn(3)")
    let x = try script.tensor("x"), w = try script.tensor("w"), b = try script.tensor("b")
    #expect(try script.tensor("dense(x, w, b)") == Dense(weights: w, bias: b).apply(x))
    #expect(try script.tensor("dense(x, w)") == Dense(weights: w, bias: nil).apply(x))
}

@Test func randomBuiltinsDrawFromTheSessionsSeededGenerator() throws {
    var generator = RandomGenerator(seed: RandomGenerator.defaultSeed)
    let expectedRand = try Tensor.rand([2, 3], using: &generator)
    let expectedInts = try Tensor.randint(0, 5, [3, 3], using: &generator)
    let expectedNormal = try Tensor.randn([4], using: &generator)
    let script = Script()
    #expect(try script.tensor("rand(2, 3)") == expectedRand)
    #expect(try script.tensor("randint(0, 5, 3x3)") == expectedInts)
    #expect(try script.tensor("randn([4])") == expectedNormal)
}

@Test func seedRestartsTheGenerator() throws {
    let script = Script()
    try script.run("seed 7")
    let first = try script.tensor("rand(3, 3)")
    try script.run("seed 7")
    #expect(try script.tensor("rand(3, 3)") == first)
    var generator = RandomGenerator(seed: 7)
    #expect(first == (try Tensor.rand([3, 3], using: &generator)))
    #expect(script.interpreter.random.seed == 7)
    #expect(try Script(seed: 7).tensor("rand(3, 3)") == first)
}

@Test func loadAndSaveRoundTrip() throws {
    let folder = "/tmp/cnnrepl-interp-tests-\(UInt32.random(in: 0...UInt32.max))"
    let script = Script()
    script.interpreter.workspace.baseDirectory = folder
    #expect(mkdirForTest(folder))
    try script.run("x = randn(3, 4)")
    let saved = try script.value("save(x, \"x.npy\")")
    guard case .string(let message) = saved else { Issue.record("save returned \(saved)"); return }
    #expect(message == "saved 3x4 to \(folder)/x.npy")  // the full path of what was written (issue 13)
    #expect(try script.tensor("y = load(\"x.npy\")") == (try script.tensor("x")))
    #expect(try NPY.read(path: folder + "/x.npy") == (try script.tensor("x")))
    #expect(failureIn(script, "load(\"missing.npy\")")?.hasPrefix("1:1-1:20 load '\(folder)/missing.npy': cannot open the file") == true)
}

/// Creates a folder for a test; false if it could not.
func mkdirForTest(_ path: String) -> Bool {
    mkdir(path, 0o755) == 0
}

/// The error of `source` in an existing session as "RANGE MESSAGE".
func failureIn(_ script: Script, _ source: String) -> String? {
    script.error(source).map { "\($0.range) \($0.message)" }
}
