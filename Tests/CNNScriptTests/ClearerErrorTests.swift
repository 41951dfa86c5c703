// ClearerErrorTests: errors of issue 13's "clearer errors" list say what is wrong, with the range or the
// digits needed to see it.
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

@Test func anEmptyFileNameOrOneWithALineBreakIsSaidSo() throws {
    let script = Script()
    try script.run("x = ones(2, 2)")
    #expect(script.error("save(x, \"\")")?.message == "save: the file name is empty")
    #expect(script.error("save(x, \"a\\nb.npy\")")?.message == "save: a file name cannot hold a line break (\\n)")
    #expect(script.error("y = load(\"\\t.npy\")")?.message == "load: a file name cannot hold a tab (\\t)")
    #expect(script.error("code numpy x file=\"\"")?.message == "code: the file name is empty")
}

@Test func epochsOutOfRangeGivesTheRange() throws {
    let script = Script()
    try script.run("data = dataset(\"digits\")\nmodel m 8x8x1\n  flatten\n  dense 10 softmax\nend")
    for epochs in ["1000000000", "0", "1e300"] {
        #expect(script.error("train m data epochs=\(epochs)")?.message.hasPrefix("epochs must be from 1 to 10,000, not ") == true, "\(epochs)")
    }
}

@Test func byteCountsThatReadTheSameShowEveryDigit() {
    #expect(Limits.bytesTexts(2_000_000_008, 2_000_000_000) == ("2,000,000,008 bytes", "2,000,000,000 bytes"))
    #expect(Limits.bytesTexts(2_500_000_000, 2_000_000_000) == ("2.5 GB", "2 GB"))
    #expect(Limits.bytesTexts(2_000_000_000, 2_000_000_000) == ("2 GB", "2 GB"))
}

@Test func aMemoryErrorJustOverTheLimitShowsTheDifference() throws {
    // 1 MB limit; a 999,992-byte vector fits, another 8 bytes in the same variable's history do not.
    let script = Script()
    try script.run("limits memory 1 MB\nx = zeros(124999)")
    let message = script.error("x = x + 1")?.message ?? ""
    #expect(message.contains("bytes"), "\(message)")
    #expect(!message.contains("1 MB, more than its 1 MB"), "\(message)")
}

@Test func biasNoneMeansNoBiasAsHelpSays() throws {
    // Issue 13: conv(x, k, bias=none) said "unknown name 'none'", yet help lists none as the default.
    let script = Script()
    try script.run("x = rand(4, 4)\nk = ones(2, 2)")
    let without = try script.tensor("conv(x, k)")
    #expect(try script.tensor("conv(x, k, bias=none)") == without)
    #expect(try script.tensor("conv(x, k, 1, valid, 1, none)") == without)
    #expect(script.error("conv(x, k, bias=nothing)") != nil)
}

@Test func kerasSpellingsAndTuplesMeanWhatTheySayInKeras() throws {
    // Issue 17, item 3: a layer line written with Keras' keywords and tuples is the same model as cnnrepl's own
    // spelling (summaries compared), and a call takes pool_size=, strides= and dilation_rate= as size=,
    // stride= and dilation=.
    func summary(_ lines: String) throws -> ModelAnalysis? {
        let outcomes = try Script().run("model m 28x28x1\n" + lines + "\nend\nsummary m")
        guard case .summary(_, let analysis) = outcomes.last else { return nil }
        return analysis
    }
    let keras = try #require(try summary("""
          conv filters=32 kernel_size=(3, 3) strides=(2,2) padding=same activation=relu
          maxpool pool_size=(2,2)
          conv 16 (3,3)
          depthwiseconv kernel_size=3
          flatten
          dense units=10 activation=softmax
        """))
    let own = try #require(try summary("""
          conv 32 3x3 stride 2 same relu
          maxpool 2x2
          conv 16 3x3
          depthwiseconv 3x3
          flatten
          dense 10 softmax
        """))
    #expect(keras.layers.map(\.outputShape) == own.layers.map(\.outputShape))
    #expect(keras.layers.map(\.spec) == own.layers.map(\.spec))
    #expect(keras.totalParameters == own.totalParameters)
    let script = Script()
    try script.run("x = rand(8, 8)\na = maxpool(x, pool_size=2, strides=1)\nb = maxpool(x, size=2, stride=1)")
    guard case .tensor(let a)? = script.interpreter.environment["a"]?.value,
          case .tensor(let b)? = script.interpreter.environment["b"]?.value else { Issue.record("no a or b"); return }
    #expect(a == b && a.shape == [7, 7])
    // conv(x, k) takes the kernel itself: kernel_size= and filters= say how to write the kernel.
    let error = script.error("c = conv(x, ones(3, 3), kernel_size=3)")
    #expect(error?.message == "conv: there is no parameter called 'kernel_size'")
    #expect(error?.hint?.contains("e.g. conv(x, rand(3, 3, 1, 32))") == true, "\(String(describing: error))")
    // A tuple that is not a pair is still an error that shows the cnnrepl spelling.
    #expect(script.error("model n 28x28x1\n  conv 8 (3, 3, 1)\nend")?.hint?.contains("3x3") == true)
}
