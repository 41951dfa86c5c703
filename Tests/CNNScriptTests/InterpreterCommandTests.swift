// InterpreterCommandTests: statements as the interpreter runs them: assignment and expression outcomes,
// the command form `op name [args]`, provenance (how each value was made), and the REPL's own commands
// vars, clear, reset, seed, precision, help, trace, params and summary.
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

// MARK: - Statements and outcomes

@Test func anAssignmentStoresTheValueAndReportsTheStatement() throws {
    let script = Script()
    let outcomes = try script.run("x = [1, 2; 3, 4]")
    guard case .assigned(let name, .tensor(let t), let provenance, let source)? = outcomes.first else {
        Issue.record("not an assignment: \(outcomes)")
        return
    }
    #expect(name == "x")
    #expect(t == (try Tensor(rows: [[1, 2], [3, 4]])))
    #expect(source == "x = [1, 2; 3, 4]")
    #expect(provenance?.expression == "[1, 2; 3, 4]")
    #expect(provenance?.step == nil)
}

@Test func anExpressionStatementReportsItsValueWithoutStoringIt() throws {
    let script = Script()
    let outcomes = try script.run("1 + 2")
    guard case .value(.number(let x), _, let source)? = outcomes.first else {
        Issue.record("not a value: \(outcomes)")
        return
    }
    #expect(x == 3)
    #expect(source == "1 + 2")
    #expect(script.interpreter.environment.names.isEmpty)
}

@Test func statementsEndAtNewlinesAndSemicolonsAndCommentsAreIgnored() throws {
    let script = Script()
    let outcomes = try script.run("a = 1; b = 2 # two\n# a whole comment line\nc = a + b;\n\n")
    #expect(outcomes.count == 3)
    #expect(try script.number("c") == 3)
}

@Test func aMultiLineStatementIsShownOnOneLine() throws {
    let script = Script()
    let outcomes = try script.run("y = [1, 2, 3   # first row\n     4, 5, 6]\nz = conv(ones(4, 4),\n   ones(2, 2))")
    guard case .assigned(_, _, let yProvenance, let ySource)? = outcomes.first,
          case .assigned(_, _, _, let zSource)? = outcomes.last else {
        Issue.record("not assignments: \(outcomes)")
        return
    }
    #expect(ySource == "y = [1, 2, 3; 4, 5, 6]")
    #expect(yProvenance?.expression == "[1, 2, 3; 4, 5, 6]")
    #expect(zSource == "z = conv(ones(4, 4), ones(2, 2))")
    #expect(try script.tensor("y").shape == [2, 3])
}

@Test func oneLineTextKeepsStringsAndDropsComments() {
    #expect(OneLineText.of("x = 1") == "x = 1")
    #expect(OneLineText.of("s = \"a#b\"") == "s = \"a#b\"")
    #expect(OneLineText.of("[\n  1, 2\n  3, 4\n]") == "[1, 2; 3, 4]")
    #expect(OneLineText.of("[1, 2,\n 3]") == "[1, 2, 3]")
    #expect(OneLineText.of("f(a,  # first\n  b)") == "f(a, b)")
    #expect(OneLineText.of("[f(1,\n2), 3\n4, 5]") == "[f(1, 2), 3; 4, 5]")
}

@Test func variablesKeepTheOrderTheyWereFirstMadeIn() throws {
    let script = Script()
    try script.run("b = 1; a = 2; b = 3; c = ones(2, 2)")
    #expect(script.interpreter.environment.names == ["b", "a", "c"])
    #expect(try script.number("b") == 3)
}

@Test func aNameMayBeReusedForAnotherKindOfValue() throws {
    let script = Script()
    try script.run("x = 1; x = ones(2, 2); x = \"file.npy\"")
    guard case .string(let s) = try script.value("x") else { Issue.record("x is not a string"); return }
    #expect(s == "file.npy")
}

@Test func literalsOfEveryKind() throws {
    let script = Script()
    #expect(try script.number("42") == 42)
    #expect(try script.number("-3.25") == -3.25)
    #expect(try script.number("1e-3") == 0.001)
    #expect(try script.number("2.5E+2") == 250)
    #expect(try script.number(".5") == 0.5)
    guard case .string(let s) = try script.value("\"a \\\"b\\\"\\n\"") else { Issue.record("not a string"); return }
    #expect(s == "a \"b\"\n")
    guard case .dimensions(let d) = try script.value("28x28x1") else { Issue.record("not a size"); return }
    #expect(d == [28, 28, 1])
    #expect(try script.tensor("[1, 2, 3]") == (try Tensor(vector: [1, 2, 3])))
    #expect(try script.tensor("[1, 2\n3, 4]") == (try Tensor(rows: [[1, 2], [3, 4]])))
    #expect(try script.tensor("[-1]").shape == [1])
}

// MARK: - Command form

@Test func commandFormUpdatesTheVariableInPlace() throws {
    let script = Script()
    try script.run("f = [-1, 2; 3, -4]")
    let outcomes = try script.run("relu f")
    guard case .assigned(let name, .tensor(let t), let provenance, let source)? = outcomes.first else {
        Issue.record("not an assignment: \(outcomes)")
        return
    }
    #expect(name == "f")
    #expect(source == "f = relu(f)")
    #expect(t.scalars == [0, 2, 3, 0])
    #expect(try script.tensor("f").scalars == [0, 2, 3, 0])
    #expect(provenance?.expression == "relu(f)")
    #expect(provenance?.step?.operands.first?.tensor?.scalars == [-1, 2, 3, -4])
}

@Test func commandFormPassesFurtherArgumentsPositionallyAndByKeyword() throws {
    let script = Script()
    try script.run("f = reshape(range(36), 6x6)")
    let expected = try script.tensor("maxpool(f, 3, stride=1)")
    let outcomes = try script.run("maxpool f 3 stride=1")
    guard case .assigned(_, _, _, let source)? = outcomes.first else { Issue.record("\(outcomes)"); return }
    #expect(source == "f = maxpool(f, 3, stride=1)")
    #expect(try script.tensor("f") == expected)
    try script.run("pad f [1, 0, 0, 1] -1")
    #expect(try script.tensor("f").shape == [5, 5])
    #expect(try script.number("f[0, 0]") == -1)
}

@Test func commandFormOfAnOperationThatMakesNoTensorPrintsWithoutAssigning() throws {
    let script = Script()
    try script.run("f = ones(2, 3)")
    let outcomes = try script.run("sum f")
    guard case .value(.number(let total), _, let source)? = outcomes.first else { Issue.record("\(outcomes)"); return }
    #expect(total == 6)
    #expect(source == "sum(f)")
    #expect(try script.tensor("f").shape == [2, 3])
}

@Test func commandFormOnSomethingOtherThanAVariableOnlyShowsTheResult() throws {
    let script = Script()
    let outcomes = try script.run("relu [-1, 1]")
    guard case .value(.tensor(let t), _, _)? = outcomes.first else { Issue.record("\(outcomes)"); return }
    #expect(t.scalars == [0, 1])
    #expect(script.interpreter.environment.names.isEmpty)
}

// MARK: - Provenance

@Test func provenanceRecordsTheStepAndItsOperands() throws {
    let script = Script()
    try script.run("image = rand(6, 6); k = ones(3, 3)")
    let provenance = try #require(try script.provenance("f = conv(image, k, stride=1)"))
    #expect(provenance.expression == "conv(image, k, stride=1)")
    let step = try #require(provenance.step)
    guard let plan = (step.operation as? ConvolutionOperation)?.plan else { Issue.record("not a convolution: \(step.operation)"); return }
    #expect(plan.outputShape == [4, 4])
    #expect(step.operands.map(\.name) == ["image", "k"])
    #expect(step.operands.map(\.text) == ["image", "k"])
    #expect(step.arithmetic == ["out = (6 - 3)/1 + 1 = 4"])
}

@Test func provenanceChainsThroughVariables() throws {
    let script = Script()
    try script.run("image = rand(8, 8); f = conv(image, ones(3, 3)); relu f; maxpool f")
    let variable = try #require(script.interpreter.environment["f"])
    guard variable.provenance?.step?.operation is PoolingOperation else { Issue.record("last step is not pooling"); return }
    let relu = try #require(variable.provenance?.step?.operands.first?.provenance)
    guard (relu.step?.operation as? ActivationOperation)?.kind == .relu else { Issue.record("second step is not relu"); return }
    let conv = try #require(relu.step?.operands.first?.provenance)
    guard conv.step?.operation is ConvolutionOperation else { Issue.record("first step is not conv"); return }
    #expect(conv.step?.operands.first?.name == "image")
}

@Test func operatorsRecordElementwiseAndMatrixProductSteps() throws {
    let script = Script()
    try script.run("a = ones(2, 3); b = ones(3, 2)")
    let product = try #require(try script.provenance("a @ b")?.step)
    guard product.operation is MatrixProductOperation else { Issue.record("not @"); return }
    #expect(product.summary == .matrixProduct("2x3", "3x2", output: "2x2"))
    let sum = try #require(try script.provenance("a * 2")?.step)
    guard (sum.operation as? ElementwiseOperation)?.operation == .multiply else { Issue.record("not *"); return }
    #expect(sum.summary == .elementwise(symbol: "*", left: "2x3", right: "2", output: "2x3"))
    // Numbers remember their step too, so that grad can differentiate y = w * x.
    let numbers = try #require(try script.provenance("2 * 3")?.step)
    guard (numbers.operation as? ElementwiseOperation)?.operation == .multiply else { Issue.record("not * of numbers"); return }
    #expect(numbers.operands.count == 2)
}

@Test func slicingRecordsItsStep() throws {
    let script = Script()
    try script.run("x = ones(4, 5)")
    let step = try #require(try script.provenance("x[1:3, :]")?.step)
    #expect(step.summary == .mapped(from: "4x5", to: "2x5"))
    #expect(step.operands.first?.name == "x")
}

// MARK: - vars, clear, reset, seed, precision

@Test func varsListsEveryVariableInOrder() throws {
    let script = Script()
    let outcomes = try script.run("b = 1; a = ones(2, 2); vars")
    guard case .variables(let list)? = outcomes.last else { Issue.record("\(outcomes)"); return }
    #expect(list.map(\.name) == ["b", "a"])
}

@Test func clearForgetsVariablesButKeepsSeedAndPrecision() throws {
    let script = Script()
    try script.run("seed 9; precision 4; x = 1")
    let outcomes = try script.run("clear")
    guard case .settings(.cleared)? = outcomes.first else { Issue.record("\(outcomes)"); return }
    #expect(script.interpreter.environment.variables.isEmpty && script.interpreter.environment.names.isEmpty)
    #expect(script.interpreter.random.seed == 9)
    #expect(script.interpreter.output.precision == 4)
}

@Test func resetRestoresTheDefaults() throws {
    let script = Script()
    try script.run("seed 9; precision 4; x = 1; r = rand(2)")
    let outcomes = try script.run("reset")
    guard case .settings(.reset(let seed, let precision))? = outcomes.first else { Issue.record("\(outcomes)"); return }
    #expect(seed == RandomGenerator.defaultSeed && precision == OutputSettings.defaultPrecision)
    #expect(script.interpreter.environment.names.isEmpty)
    #expect(script.interpreter.output.precision == OutputSettings.defaultPrecision)
    #expect(try script.tensor("rand(3)") == (try Script().tensor("rand(3)")))
}

@Test func seedAndPrecisionReportWhatTheyDid() throws {
    let script = Script()
    guard case .settings(.seeded(let seed))? = try script.run("seed 7").first,
          case .settings(.precision(let precision))? = try script.run("precision 1").first,
          case .settings(.precision(let zero))? = try script.run("precision 0").first else {
        Issue.record("no settings reports")
        return
    }
    // The sentences are CNNExplain's (SettingsRendererTests, and the transcripts that seed and set precision).
    #expect(seed == 7 && precision == 1 && zero == 0)
    #expect(script.interpreter.output.precision == 0)
    try script.run("precision 12")
    #expect(script.interpreter.output.precision == 12)
    try script.run("seed 1234567890123")
    #expect(script.interpreter.random.seed == 1_234_567_890_123)
}

@Test func aVariableNamedLikeACommandIsNotPossibleButCommandsStillRun() throws {
    let script = Script()
    guard case .help(nil)? = try script.run("help").first else { Issue.record("help did not run"); return }
    guard case .help("conv")? = try script.run("help conv").first else { Issue.record("help conv did not run"); return }
    guard case .help("trace")? = try script.run("help \"trace\"").first else { Issue.record("help \"trace\" did not run"); return }
    guard case .help("relu")? = try script.run("help relu(x)").first else { Issue.record("help relu(x) did not run"); return }
}

@Test func aCommandWrittenLikeACallRunsAsTheCommand() throws {
    let script = Script()
    guard case .help("conv")? = try script.run("help(conv)").first else { Issue.record("help(conv) did not run"); return }
    try script.run("seed (3 + 4)")
    #expect(script.interpreter.random.seed == 7)
    try script.run("x = 1")
    guard case .variables(let list)? = try script.run("vars()").first else { Issue.record("vars() did not run"); return }
    #expect(list.map(\.name) == ["x"])
}

// MARK: - trace, params, summary

@Test func traceNamesTheCellWithNegativeIndicesResolved() throws {
    let script = Script()
    try script.run("f = conv(rand(6, 6), ones(3, 3))")
    guard case .trace(let name, let index, _, _)? = try script.run("trace f[-1, 1]").first else {
        Issue.record("trace did not run")
        return
    }
    #expect(name == "f")
    #expect(index == [3, 1])
}

@Test func paramsCountsWithTheCore() throws {
    let script = Script()
    guard case .parameters(let layer, let count, nil)? = try script.run("params conv 3x3x32x64").first else {
        Issue.record("params did not count")
        return
    }
    #expect(layer == "conv 3x3x32x64")
    #expect(count?.value == 18_496)
    guard case .parameters(_, let dense, nil)? = try script.run("params dense 12544x128").first else { return }
    #expect(dense?.value == 1_605_760)
    guard case .parameters(_, nil, let reason?)? = try script.run("params maxpool").first else { return }
    #expect(reason.hasPrefix("no weights"))
}

@Test func aModelBlockDeclaresAModelAndSummaryAnalysesIt() throws {
    let script = Script()
    let source = SeedModels.mnist
    guard case .modelDeclared(let spec, let analysis)? = try script.run(source).first else {
        Issue.record("no model")
        return
    }
    #expect(spec.name == "mnist")
    #expect(spec.inputShape == [28, 28, 1])
    #expect(analysis.totalParameters == 1_625_866)
    guard case .summary(_, let again)? = try script.run("summary mnist").first else { Issue.record("no summary"); return }
    #expect(again.totalParameters == 1_625_866)
    guard case .summary? = try script.run("params mnist").first else { Issue.record("params of a model"); return }
}

@Test func zeropadLayerLinesReadLikeKerasZeroPadding2D() throws {
    let script = Script()
    let source = """
        model pads 3x3x1
          zeropad 1
          zeropad 1x2
          zeropad 0 1 2 3
        end
        """
    guard case .modelDeclared(let spec, let analysis)? = try script.run(source).first else {
        Issue.record("no model")
        return
    }
    #expect(spec.layers == [.zeroPadding(PaddingAmounts(top: 1, bottom: 1, left: 1, right: 1)),
                            .zeroPadding(PaddingAmounts(top: 1, bottom: 1, left: 2, right: 2)),
                            .zeroPadding(PaddingAmounts(top: 0, bottom: 1, left: 2, right: 3))])
    #expect(analysis.outputShape == [8, 14, 1])
    // run pads with zeros around the input and records pad(...) steps.
    _ = try script.run("x = reshape(range(1, 10), 3x3x1)\nrun pads x")
    let first = try #require(script.tensor(named: "pads_1"))
    #expect(first.shape == [5, 5, 1])
    #expect(first.scalars == [0, 0, 0, 0, 0,  0, 1, 2, 3, 0,  0, 4, 5, 6, 0,  0, 7, 8, 9, 0,  0, 0, 0, 0, 0])
    #expect(try script.provenance("pads_1")?.expression == "pad(x, 1)")
    #expect(try script.provenance("pads_3")?.expression == "pad(pads_2, [0, 1, 2, 3])")
    #expect(script.tensor(named: "pads_out")?.scalars.reduce(0, +) == 45)
}

@Test func zeropadLayerLineErrorsPointAtTheWord() {
    #expect(failure("model m 4x4x1\n  zeropad\nend") == "2:3-2:10 zeropad needs the padding, e.g. zeropad 1, zeropad 1x2 (rows x columns) or zeropad 0 1 0 1 (top bottom left right)")
    #expect(failure("model m 4x4x1\n  zeropad 1 2\nend") == "2:3-2:14 zeropad takes 1 amount or 4 (top bottom left right), not 2")
    #expect(failure("model m 4x4x1\n  zeropad 1x2x3\nend") == "2:11-2:16 zeropad takes rows x columns such as 1x2, not '1x2x3'")
    #expect(failure("model m 4x4x1\n  zeropadding [1, 2, 3]\nend") == "2:3-2:23 zeropadding takes 1 amount or 4 ([top, bottom, left, right]), not 3")
    #expect(failure("model m 4x4x1\n  zeropad -1\nend") == "2:11-2:13 a padding amount is a whole number of at least 0, not '-1'")
    #expect(failure("model m 10\n  zeropad 1\nend")?.hasSuffix("layer 1 (zeropad): the input is a vector of 10 values, but zero padding needs an image (H x W x C)") == true)
}

@Test func kerasStyleLayerOptionsDeclareTheSameModel() throws {
    let keras = try Script().run("model k 28x28x1\n  conv 32 3x3 padding=same activation=relu\n  maxpool pool_size=2 strides=2\n  flatten\n  dense 10 activation=softmax\nend")
    let plain = try Script().run("model k 28x28x1\n  conv 32 3x3 same relu\n  maxpool 2x2 stride 2\n  flatten\n  dense 10 softmax\nend")
    guard case .modelDeclared(let a, _)? = keras.first, case .modelDeclared(let b, _)? = plain.first else {
        Issue.record("no model")
        return
    }
    #expect(a == b)
    #expect(failure("model m 8x8x1\n  conv 2 3x3 padding=full\nend") == "2:22-2:26 a layer's padding is valid or same, not 'full'")
    #expect(failure("model m 8x8x1\n  dense 2 activation=relux\nend")?.hasPrefix("2:22-2:27 activation does not understand 'relux'") == true)
}

@Test func pythonTuplesAreReadAsVectors() throws {
    // The newcomer's habits: ones((3,3)), stride=(2,2), maxpool(f, (2,2)) mean what [3, 3] and [2, 2] mean.
    let script = Script()
    #expect(try script.tensor("ones((3,3))").shape == [3, 3])
    #expect(try script.tensor("(1, 2, 3)").scalars == [1, 2, 3])
    #expect(try script.number("(4)") == 4, "a single value in parentheses stays a number")
    try script.run("f = rand(8, 8)")
    #expect(try script.tensor("conv(f, ones(3, 3), stride=(2, 2))") == script.tensor("conv(f, ones(3, 3), stride=[2, 2])"))
    #expect(try script.tensor("maxpool(f, (2, 2))").shape == [4, 4])
    // On a model line Keras' pair (3, 3) is the size 3x3; anything else in parentheses shows the spelling.
    #expect(throws: Never.self) { try Script().run("model m 8x8x1\n  conv 4 (3,3)\nend") }
    #expect(failureHint("model m 8x8x1\n  conv 4 (3,3,1)\nend") == "a model line writes a size as 3x3 (Keras' (3, 3)), e.g. conv 64 3x3")
}
