// ParserExpressionTests: statements, precedence, calls, keyword arguments, indexing, slicing and bracket literals.
import Testing
@testable import CNNScript

@Test func emptyInputHasNoStatements() {
    #expect(parsed("") == "")
    #expect(parsed("\n\n  \n") == "")
    #expect(parsed(";;\n;") == "")
}

@Test func aFileOfOnlyCommentsHasNoStatements() {
    #expect(parsed("# a lesson\n   # about nothing\n#") == "")
}

@Test func statementsEndAtNewlinesAndSemicolons() {
    #expect(parsed("a = 1\nb = 2; c = 3;\n\nd") == "(= a 1)\n(= b 2)\n(= c 3)\nd")
    #expect(parsed("x = 1 # a comment\ny = 2") == "(= x 1)\n(= y 2)")
}

@Test func anExpressionStatementIsPrinted() {
    #expect(parsed("f") == "f")
    #expect(parsed("ones(2, 2)") == "(call ones 2 2)")
    #expect(parsed("vars") == "vars")
}

@Test func precedenceAndAssociativity() {
    #expect(parsed("1 + 2 * 3") == "(+ 1 (* 2 3))")
    #expect(parsed("1 * 2 + 3") == "(+ (* 1 2) 3)")
    #expect(parsed("a - b - c") == "(- (- a b) c)")
    #expect(parsed("a / b / c") == "(/ (/ a b) c)")
    #expect(parsed("a @ b * c") == "(* (@ a b) c)")
    #expect(parsed("a + b @ c") == "(+ a (@ b c))")
    #expect(parsed("(1 + 2) * 3") == "(* (+ 1 2) 3)")
    #expect(parsed("y = a - b - c * d / e @ f + g") == "(= y (+ (- (- a b) (@ (/ (* c d) e) f)) g))")
}

@Test func unaryMinusBindsTighterThanOperatorsAndLooserThanPostfix() {
    #expect(parsed("-a + b") == "(+ (- a) b)")
    #expect(parsed("-a * b") == "(* (- a) b)")
    #expect(parsed("- -1") == "(- (- 1))")
    #expect(parsed("-x[0]") == "(- (index x 0))")
    #expect(parsed("-f(x)") == "(- (call f x))")
    #expect(parsed("a - -b") == "(- a (- b))")
    #expect(parsed("a*-b") == "(* a (- b))")
}

@Test func numbersAndLiterals() {
    #expect(parsed("x = 1e-3") == "(= x 1e-3)")
    #expect(parsed("x = 2.5E+4") == "(= x 2.5E+4)")
    #expect(parsed("x = -0.1") == "(= x (- 0.1))")
    #expect(parsed("s = \"a\\\"b\"") == "(= s \"a\\\"b\")")
    #expect(parsed("k = 3x3x32x64") == "(= k 3x3x32x64)")
}

@Test func callsTakePositionalThenKeywordArguments() {
    #expect(parsed("conv(image, k, stride=2, padding=\"same\", dilation=1, bias=b)")
        == "(call conv image k stride=2 padding=\"same\" dilation=1 bias=b)")
    #expect(parsed("conv(x, k, padding=same)") == "(call conv x k padding=same)")
    #expect(parsed("conv(x, k, padding=[1, 1, 2, 2], stride=[2, 1])")
        == "(call conv x k padding=(matrix (1 1 2 2)) stride=(matrix (2 1)))")
    #expect(parsed("f()") == "(call f)")
    #expect(parsed("f(1, 2,)") == "(call f 1 2)")
    #expect(parsed("f(g(h(x)))") == "(call f (call g (call h x)))")
    #expect(parsed("f (1)") == "(call f 1)")
}

@Test func callsMaySpanLines() {
    #expect(parsed("y = conv(x,\n         k,\n         stride=2\n)") == "(= y (call conv x k stride=2))")
}

@Test func argumentsKeepTheirRanges() {
    let result = Parser.parse("conv(x, stride=2)")
    guard case .expression(let call) = result.statements.first?.kind, case .call(let name, let arguments) = call.kind else {
        Issue.record("not a call")
        return
    }
    #expect(name.range.description == "1:1-1:5")
    #expect(arguments.map(\.range.description) == ["1:6-1:7", "1:9-1:17"])
    #expect(arguments.map { $0.label?.range.description } == [nil, "1:9-1:15"])
    #expect(call.range.description == "1:1-1:18")
}

@Test func indexingAndSlicing() {
    #expect(parsed("f[1, 2]") == "(index f 1 2)")
    #expect(parsed("x[0:3, 0:3]") == "(index x (slice 0 3 _) (slice 0 3 _))")
    #expect(parsed("x[:, :, 0]") == "(index x (slice _ _ _) (slice _ _ _) 0)")
    #expect(parsed("x[-1]") == "(index x (- 1))")
    #expect(parsed("x[::2]") == "(index x (slice _ _ 2))")
    #expect(parsed("x[1:]") == "(index x (slice 1 _ _))")
    #expect(parsed("x[:3]") == "(index x (slice _ 3 _))")
    #expect(parsed("x[1:10:2]") == "(index x (slice 1 10 2))")
    #expect(parsed("x[1::2]") == "(index x (slice 1 _ 2))")
    #expect(parsed("x[::]") == "(index x (slice _ _ _))")
    #expect(parsed("x[n - 1, i * 2:]") == "(index x (- n 1) (slice (* i 2) _ _))")
    #expect(parsed("x[0][1]") == "(index (index x 0) 1)")
    #expect(parsed("f(x)[0]") == "(index (call f x) 0)")
    #expect(parsed("[1, 2, 3][0]") == "(index (matrix (1 2 3)) 0)")
}

@Test func subscriptsKeepTheirRanges() {
    let result = Parser.parse("x[0:3, 1]")
    guard case .expression(let expr) = result.statements.first?.kind, case .index(_, let subscripts) = expr.kind else {
        Issue.record("not an index")
        return
    }
    #expect(subscripts.map(\.range.description) == ["1:3-1:6", "1:8-1:9"])
}

@Test func bracketLiterals() {
    #expect(parsed("[1, 2, 3]") == "(matrix (1 2 3))")
    #expect(parsed("[1, 2, 3; 4, 5, 6]") == "(matrix (1 2 3) (4 5 6))")
    #expect(parsed("[1, 2, 3\n 4, 5, 6]") == "(matrix (1 2 3) (4 5 6))")
    #expect(parsed("k = [\n  -1, -1, -1\n  -1,  9, -1\n  -1, -1, -1\n]") == "(= k (matrix ((- 1) (- 1) (- 1)) ((- 1) 9 (- 1)) ((- 1) (- 1) (- 1))))")
    #expect(parsed("[1, 2;\n 3, 4;]") == "(matrix (1 2) (3 4))")
    #expect(parsed("[1, 2,\n 3]") == "(matrix (1 2 3))")
    #expect(parsed("[1, 2,]") == "(matrix (1 2))")
    #expect(parsed("[]") == "(matrix)")
    #expect(parsed("[[1, 2], [3, 4]]") == "(matrix ((matrix (1 2)) (matrix (3 4))))")
    #expect(parsed("[1 - 2, a+b, f(1, 2), x[0]]") == "(matrix ((- 1 2) (+ a b) (call f 1 2) (index x 0)))")
    #expect(parsed("m = ([1, 2\n 3, 4])") == "(= m (matrix (1 2) (3 4)))")
}

@Test func parenthesesWidenTheRange() {
    let result = Parser.parse("( a + b )")
    #expect(result.statements.first?.range.description == "1:1-1:10")
    #expect(parsed("((1))") == "1")
}

@Test func statementAndExpressionRanges() {
    let result = Parser.parse("x = 1 + 2\n  y")
    #expect(result.statements.map(\.range.description) == ["1:1-1:10", "2:3-2:4"])
    guard case .assignment(let name, let value) = result.statements.first?.kind else {
        Issue.record("not an assignment")
        return
    }
    #expect(name.range.description == "1:1-1:2")
    #expect(value.range.description == "1:5-1:10")
}

@Test func expressionHeightIsTracked() {
    let result = Parser.parse("1 + 2 * -3")
    guard case .expression(let expr) = result.statements.first?.kind else {
        Issue.record("not an expression")
        return
    }
    #expect(expr.height == 4)
}

@Test func debugDescriptionIsTheSExpression() {
    let result = Parser.parse("x = [1, 2][0]")
    #expect(result.statements.first.map { String(reflecting: $0) } == "(= x (index (matrix (1 2)) 0))")
}
