// ModelBlockTests: model blocks, their typed words and ranges, their errors, and incomplete input.
import Testing
@testable import CNNScript
import CNNTestSupport

/// The model declaration of the first statement of `source`.
private func model(_ source: String) -> ModelDecl? {
    if case .model(let decl) = Parser.parse(source).statements.first?.kind { return decl }
    return nil
}

private let mnist = SeedModels.mnist

@Test func theMnistModelParses() {
    #expect(parsed(mnist) == "(model mnist (28x28x1) (conv 32 3x3 relu same) (conv 64 3x3 relu same) (maxpool 2x2) (flatten) (dense 128 relu) (dense 10 softmax))")
}

@Test func wordsAreTypedAndPlaced() {
    guard let decl = model(mnist) else {
        Issue.record("no model")
        return
    }
    #expect(decl.name?.text == "mnist")
    #expect(decl.name?.range.description == "1:7-1:12")
    #expect(decl.keywordRange.description == "1:1-1:6")
    #expect(decl.endRange?.description == "8:1-8:4")
    #expect(decl.inputShape.map(\.kind) == [.dimensions([28, 28, 1])])
    #expect(decl.layers.count == 6)
    let conv = decl.layers[0]
    #expect(conv.keyword.text == "conv")
    #expect(conv.keyword.range.description == "2:3-2:7")
    #expect(conv.range.description == "2:3-2:24")
    #expect(conv.words.map(\.text) == ["32", "3x3", "relu", "same"])
    #expect(conv.words.map(\.range.description) == ["2:8-2:10", "2:11-2:14", "2:15-2:19", "2:20-2:24"])
    #expect(conv.words[0].kind == .number(NumberLiteral(value: 32, text: "32", integer: 32)))
    #expect(conv.words[1].kind == .dimensions([3, 3]))
    #expect(conv.words[2].kind == .identifier("relu"))
    #expect(decl.layers[3].words.isEmpty)
}

@Test func everyLayerShapeOfTheLanguage() {
    let source = """
        model all 784
          conv 16 3x5 stride 2 valid dilation 2 relu
          maxpool 2x2 stride 2 same
          avgpool 3x3
          globalavgpool
          globalmaxpool
          dropout 0.5
          relu
          softmax
        end
        """
    #expect(parsed(source) == "(model all (784) (conv 16 3x5 stride 2 valid dilation 2 relu) (maxpool 2x2 stride 2 same) (avgpool 3x3) (globalavgpool) (globalmaxpool) (dropout 0.5) (relu) (softmax))")
    #expect(model(source)?.inputShape.first?.kind == .number(NumberLiteral(value: 784, text: "784", integer: 784)))
}

@Test func aMinusSignTouchingANumberMakesANegativeWord() {
    let decl = model("model m 784\n dropout -0.5\nend")
    #expect(decl?.layers.first?.words.first?.kind == .number(NumberLiteral(value: -0.5, text: "-0.5", integer: nil)))
    #expect(decl?.layers.first?.words.first?.range.description == "2:10-2:14")
}

@Test func blocksMayUseSemicolonsCommentsAndBlankLines() {
    #expect(parsed("model m 784; dense 10 softmax; end") == "(model m (784) (dense 10 softmax))")
    #expect(parsed("model m 784 # input\n\n  # hidden\n  dense 10 # out\n\nend\nsummary m")
        == "(model m (784) (dense 10))\n(command summary m)")
    #expect(parsed("model m 784\nend; summary m") == "(model m (784))\n(command summary m)")
}

@Test func modelAndEndAreNamesBeforeEquals() {
    #expect(parsed("model = 3\nend = model") == "(= model 3)\n(= end model)")
}

@Test func aMissingEndPointsAtModel() {
    let result = Parser.parse("model mnist 28x28x1\n  conv 32 3x3\n")
    #expect(result.diagnostics.map { "\($0.range) \($0.message)" } == ["1:1-1:6 the model 'mnist' is never closed"])
    #expect(result.diagnostics.first?.hint == "add a line 'end' after the last layer")
    #expect(result.isIncomplete)
}

@Test func aLineThatSetsANameClosesAnOpenBlock() {
    let result = Parser.parse("model m 784\n dense 10\nx = 3\ny = x")
    #expect(result.diagnostics.map { "\($0.range) \($0.message)" } == ["1:1-1:6 the model 'm' is never closed"])
    #expect(result.diagnostics.first?.notes.map { "\($0.range.map { "\($0)" } ?? "-") \($0.message)" }
        == ["3:1-3:2 this line sets a name, so it is not a layer"])
    #expect(result.statements.map(\.sExpression) == ["(model m (784) (dense 10))", "(= x 3)", "(= y x)"])
    #expect(!result.isIncomplete)
}

@Test func aSecondModelClosesAnOpenBlock() {
    let result = Parser.parse("model a 784\n dense 10\nmodel b 784\n dense 2\nend")
    // Issue 13: the error points at the inner header, where 'end' is missing, with a note at the outer one.
    #expect(result.diagnostics.map { "\($0.range) \($0.message)" } == ["3:1-3:6 a model cannot start inside the model 'a', which has no 'end' yet"])
    #expect(result.diagnostics.first?.notes.map { "\($0.range.map { "\($0)" } ?? "-") \($0.message)" } == ["1:1-1:6 the model 'a' starts here"])
    #expect(result.diagnostics.first?.hint == "add a line 'end' before this line to close a; models cannot be nested")
    #expect(result.statements.map(\.sExpression) == ["(model a (784) (dense 10))", "(model b (784) (dense 2))"])
}

@Test func endWithoutModel() {
    #expect(errors("x = 1\nend\ny = 2") == ["2:1-2:4 'end' without a 'model' block"])
    #expect(errors("end m") == ["1:1-1:4 'end' without a 'model' block"])
}

@Test func modelHeaderErrors() {
    #expect(errors("model\n dense 10\nend") == ["1:6 a model needs a name"])
    #expect(errors("model 28x28x1\n dense 10\nend") == ["1:7-1:14 a model needs a name"])
    #expect(errors("model m\n dense 10\nend") == ["1:8 the model 'm' needs an input shape"])
    #expect(errors("model m (28)\nend") == ["1:9-1:10 a model line holds numbers, sizes like 3x3 and names, not '('"])
    #expect(errors("model $ 784\nend") == ["1:7-1:8 unexpected character '$'"])
}

@Test func layerLineErrorsAreOnePerLine() {
    let source = """
        model m 28x28x1
          conv 32 3x3 stride=(2) same
          (dense) 10
          dense 10, relu
          dense 10 $ relu
          flatten
        end
        """
    #expect(errors(source) == [
        "2:21-2:22 layer options are written without '='",
        "3:3-3:4 a layer line starts with the layer's name, not '('",
        "4:11-4:12 a model line holds numbers, sizes like 3x3 and names, not ','",
        "5:12-5:13 unexpected character '$'",
    ])
    #expect(Parser.parse(source).statements.first?.sExpression
        == "(model m (28x28x1) (conv 32 3x3) (dense 10) (dense 10) (flatten))")
}

@Test func nothingMayFollowEnd() {
    #expect(errors("model m 784\nend now") == ["2:5-2:8 nothing may follow 'end' in the same statement"])
}

@Test func incompleteInputAsksForMoreLines() {
    #expect(Parser.isIncomplete("model mnist 28x28x1"))
    #expect(Parser.isIncomplete("model mnist 28x28x1\n  conv 32 3x3 relu same"))
    #expect(!Parser.isIncomplete("model mnist 28x28x1\n  conv 32 3x3 relu same\nend"))
    #expect(Parser.isIncomplete("x = [1, 2,"))
    #expect(Parser.isIncomplete("x = [1, 2\n 3, 4"))
    #expect(Parser.isIncomplete("y = conv(x,"))
    #expect(Parser.isIncomplete("y = (1 +"))
    #expect(Parser.isIncomplete("f[1,"))
    #expect(!Parser.isIncomplete("x = [1, 2]"))
    #expect(!Parser.isIncomplete(""))
    #expect(!Parser.isIncomplete("x = 1 +"))
    // Another error is reported at once rather than waiting for more lines.
    #expect(!Parser.isIncomplete("x = \"abc"))
    #expect(!Parser.isIncomplete("x = $ [1,"))
    // Inside an open model block, errors wait for `end` (the block stays open; see aBadLineKeepsTheBlockOpenInTheREPL).
    #expect(Parser.isIncomplete("model m\n dense 10"))
}

@Test func kerasStyleOptionsReadAsTwoWords() {
    // conv 32 3x3 relu padding=same (the newcomer's line) is conv 32 3x3 relu padding same.
    #expect(parsed("model m 28x28x1\n  conv 32 3x3 relu padding=same\n  maxpool pool_size=2 strides=2\n  dense 10 activation=softmax\nend")
        == "(model m (28x28x1) (conv 32 3x3 relu padding same) (maxpool pool_size 2 strides 2) (dense 10 activation softmax))")
    #expect(errors("model m 28x28x1\n  conv 32 3x3 stride=-2\nend").isEmpty, "a negative value is still a word; the layer reader refuses it")
}

@Test func aBadLineKeepsTheBlockOpenInTheREPL() {
    // The newcomer's cascade: a bad line used to end the entry, and the rest of the block ran as top-level code.
    let open = Parser.parse("model n 8x8x1\n  conv 4 (3,3,1) relu\n  flatten")
    #expect(open.isIncomplete, "the REPL reads on until end")
    let closed = Parser.parse("model n 8x8x1\n  conv 4 (3,3,1) relu\n  flatten\nend")
    #expect(!closed.isIncomplete)
    #expect(closed.diagnostics.map { "\($0.range) \($0.message)" } == ["2:10-2:11 a model line holds numbers, sizes like 3x3 and names, not '('"])
    // An open bracket outside a block with an error elsewhere is still reported at once.
    #expect(!Parser.parse("x = )\ny = (1,").isIncomplete)
}
