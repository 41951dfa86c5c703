// ParserErrorTests: every parser message with its position and hint, and recovery (one error per bad statement).
import Testing
@testable import CNNScript

// MARK: - Brackets

@Test func anUnclosedBracketAtTheEndPointsAtTheBracket() {
    #expect(errors("x = (1 + 2") == ["1:5-1:6 this '(' is never closed"])
    #expect(errors("x = [1, 2") == ["1:5-1:6 this '[' is never closed"])
    #expect(errors("y = conv(x, k") == ["1:9-1:10 this '(' is never closed"])
    #expect(errors("y = x[1, 2") == ["1:6-1:7 this '[' is never closed"])
    #expect(errors("y = f(g(x)") == ["1:6-1:7 this '(' is never closed"])
    #expect(onlyError("x = [1, 2")?.hint == "add ']' where it should end")
}

@Test func anUnclosedBracketBeforeANewStatementPointsAtTheBracket() {
    let result = Parser.parse("x = conv(a, k\ny = 3\nz = [1, 2\nw = 4\nrelu w")
    #expect(result.diagnostics.map { "\($0.range) \($0.message)" } == [
        "1:9-1:10 this '(' is never closed",
        "3:5-3:6 this '[' is never closed",
    ])
    #expect(result.statements.map(\.sExpression) == ["(= y 3)", "(= w 4)", "(command relu w)"])
    #expect(!result.isIncomplete)
}

@Test func aMissingCommaOnALaterLineIsStillAMissingComma() {
    #expect(errors("f(1,\n 2\n 3)\ny = 1") == ["3:2-3:3 expected ',' or ')' after the argument, found '3'"])
    #expect(errors("k = [1, 2\n 3 4]\ny = 1") == ["2:4-2:5 expected ',' between values, found '4'"])
}

@Test func strayClosingBrackets() {
    #expect(errors("x = )") == ["1:5-1:6 this ')' has no matching '('"])
    #expect(errors("x = 1)") == ["1:6-1:7 this ')' has no matching '('"])
    #expect(errors("x = 1]") == ["1:6-1:7 this ']' has no matching '['"])
    #expect(errors(")") == ["1:1-1:2 this ')' has no matching '('"])
    #expect(onlyError("x = 1)")?.hint == "remove it, or add the '(' it closes")
}

@Test func mismatchedClosingBrackets() {
    let diagnostic = onlyError("x = (1]")
    #expect(diagnostic?.message == "']' does not close the '(' at 1:5")
    #expect(diagnostic?.range.description == "1:7-1:8")
    #expect(diagnostic?.hint == "close it with ')'")
    #expect(diagnostic?.notes == [DiagnosticNote("the '(' is here", range: diagnostic?.notes.first?.range)])
    #expect(diagnostic?.notes.first?.range?.description == "1:5-1:6")
    #expect(errors("f(x, [1, 2)") == ["1:11-1:12 ')' does not close the '[' at 1:6"])
    #expect(errors("x[1)") == ["1:4-1:5 ')' does not close the '[' at 1:2"])
}

@Test func emptyBrackets() {
    #expect(errors("()") == ["1:1-1:3 empty parentheses"])
    #expect(errors("x = x[]") == ["1:6-1:8 an index needs at least one position"])
}

// MARK: - Missing values and separators

@Test func missingValues() {
    #expect(errors("x = 1 +") == ["1:8 expected a value after '+'"])
    #expect(errors("x =") == ["1:4 expected a value after '='"])
    #expect(errors("x = 1 *; y = 2") == ["1:8 expected a value after '*'"])
    #expect(errors("x = 1 + * 2") == ["1:9-1:10 expected a value after '+', found '*'"])
    #expect(errors("f(1, , 2)") == ["1:6-1:7 expected a value after ',', found ','"])
    #expect(errors("x[,1]") == ["1:3-1:4 expected a value after '[', found ','"])
    #expect(errors("* 2") == ["1:1-1:2 unexpected '*' at the start of a statement"])
    #expect(onlyError("x = 1 +")?.hint == "the statement ends before the expression is complete")
}

@Test func missingCommas() {
    #expect(errors("f(1 2)") == ["1:5-1:6 expected ',' or ')' after the argument, found '2'"])
    #expect(onlyError("conv(x k)")?.hint == "separate arguments with commas: conv(a, b)")
    #expect(errors("x = [1 2]") == ["1:8-1:9 expected ',' between values, found '2'"])
    #expect(onlyError("x = [1 2]")?.hint == "separate values with commas and rows with ';', like [1, 2; 3, 4]")
    #expect(errors("f[1 2]") == ["1:5-1:6 expected ',' or ']' in the index, found '2'"])
    #expect(errors("x[1:2:3:4]") == ["1:8-1:9 expected ',' or ']' in the index, found ':'"])
    #expect(errors("(1 2)") == ["1:4-1:5 expected ')' after '1', found '2'"])
}

@Test func aSignTouchingAValueInsideBracketsIsAmbiguous() {
    #expect(errors("x = [1 -2]") == ["1:8-1:9 '-2' is ambiguous inside brackets"])
    #expect(onlyError("x = [1 -2]")?.hint == "write ', -2' for a new value, or put spaces on both sides of '-'")
    #expect(errors("x = [a +b]") == ["1:8-1:9 '+b' is ambiguous inside brackets"])
    #expect(parsed("x = [1 - 2, 1-2, (1 -2)]") == "(= x (matrix ((- 1 2) (- 1 2) (- 1 2))))")
}

@Test func whatFollowsAStatement() {
    #expect(errors("x = 1 2") == ["1:7-1:8 unexpected '2' after the expression"])
    #expect(onlyError("x = 1 2")?.hint == "missing an operator or a ';' between them?")
    #expect(errors("f(x) g") == ["1:6-1:7 unexpected 'g' after the expression"])
}

// MARK: - '=' in the wrong place

@Test func equalsInTheWrongPlace() {
    #expect(errors("= 3") == ["1:1-1:2 '=' needs a name on its left"])
    #expect(errors("f(x) = 3") == ["1:1-1:5 only a name, or cells of a name, can be given a value with '='"])
    #expect(onlyError("f(x) = 3")?.hint == "write a name on the left, like y = f(x)")
    // x[0] = 3 sets a cell (issue 17); brackets after brackets do not.
    #expect(errors("x[0] = 3").isEmpty)
    #expect(errors("x[0][1] = 3") == ["1:1-1:8 only a name, or cells of a name, can be given a value with '='"])
    #expect(onlyError("x[0][1] = 3")?.hint == "set cells with one pair of brackets after the name, e.g. x[0, 1] = 3 or w[:, 3] = 1")
    #expect(errors("x = y = 3") == ["1:7-1:8 '=' cannot appear inside an expression"])
    #expect(errors("f(1 = 2)") == ["1:5-1:6 expected ',' or ')' after the argument, found '='"])
    #expect(errors("x = (=)") == ["1:6-1:7 '=' cannot appear here"])
    #expect(errors("step k 1 = 2") == ["1:10-1:11 '=' cannot appear here"])
}

// MARK: - Calls

@Test func callErrors() {
    #expect(errors("conv(x, stride=2, 3)") == ["1:19-1:20 a positional argument cannot follow the keyword argument 'stride'"])
    let repeated = onlyError("conv(x, stride=2, stride=3)")
    #expect(repeated?.message == "'stride' is given twice in this call of 'conv'")
    #expect(repeated?.range.description == "1:19-1:25")
    #expect(repeated?.notes.first?.range?.description == "1:9-1:17")
    #expect(errors("x[0](1)") == ["1:5-1:6 only a function name can be called"])
    #expect(errors("f(x)(1)") == ["1:5-1:6 only a function name can be called"])
}

// MARK: - Commands

@Test func commandErrors() {
    #expect(errors("relu f, g") == ["1:7-1:8 the arguments of 'relu' are separated by spaces, not commas"])
    #expect(errors("show a - 1") == ["1:8-1:9 unexpected '-' in the arguments of 'show'"])
    #expect(onlyError("show a - 1")?.hint == "put a computed argument in parentheses, like show (a - 1)")
    #expect(errors("show a)") == ["1:7-1:8 this ')' has no matching '('"])
    #expect(errors("show f[1 2]") == ["1:10-1:11 expected ',' or ']' in the index, found '2'"])
}

// MARK: - Lexical errors inside statements

@Test func lexicalErrorsAreReportedOncePerStatement() {
    #expect(errors("x = 3 $ 4 $") == ["1:7-1:8 unexpected character '$'"])
    #expect(errors("x = \"abc") == ["1:5-1:6 this string is never closed"])
    #expect(errors("x = f(\"abc\ny = 2") == ["1:7-1:8 this string is never closed"])
    #expect(errors("x = 1e400 + 99999999999999999999") == ["1:5-1:10 the number '1e400' is too large"])
    #expect(errors("x = 2 + 3abc") == ["1:9-1:13 '3abc' is not a number or a name"])
    #expect(errors("load 'a.npy'") == ["1:6-1:7 unexpected character \"'\""])
}

// MARK: - Recovery

@Test func everyBadStatementGetsOneError() {
    let source = """
        a = 1
        b = (2 +
        c = 3
        d = [1 2 3]
        e = conv(x k, 2)
        f = $ + 1
        g = 4; h = ); i = 5
        relu g, h
        j = 6
        """
    let result = Parser.parse(source)
    #expect(result.diagnostics.map { "\($0.range) \($0.message)" } == [
        "2:5-2:6 this '(' is never closed",
        "4:8-4:9 expected ',' between values, found '2'",
        "5:12-5:13 expected ',' or ')' after the argument, found 'k'",
        "6:5-6:6 unexpected character '$'",
        "7:12-7:13 this ')' has no matching '('",
        "8:7-8:8 the arguments of 'relu' are separated by spaces, not commas",
    ])
    #expect(result.statements.map(\.sExpression) == ["(= a 1)", "(= c 3)", "(= g 4)", "(= i 5)", "(= j 6)"])
}

@Test func manyErrorsStopAtTheLimit() {
    let source = String(repeating: "x = )\n", count: 500)
    let result = Parser.parse(source)
    #expect(result.diagnostics.count == Parser.maxDiagnostics + 1)
    #expect(result.diagnostics.last?.message == "too many errors; stopped after 100")
}

@Test func diagnosticsComeInSourceOrder() {
    let result = Parser.parse("a = )\nmodel m 784\n (x)\nend\nb = ]")
    let starts = result.diagnostics.map(\.range.start)
    #expect(starts == starts.sorted())
    #expect(starts.count == 3)
}

// MARK: - Python's dots (issue 17)

@Test func pythonsDotsSayHowCnnreplWritesThem() {
    #expect(onlyError("np.ones(3, 3)")?.hint == "cnnrepl's built-ins need no np. prefix: write ones(...); help ones shows its arguments")
    #expect(onlyError("np.linspace(0, 1)")?.hint == "cnnrepl has no np. module; type help for its built-ins")
    #expect(onlyError("s = image.shape")?.hint == "write shape(image), which prints its sizes")
    #expect(onlyError("y = x.T")?.hint == "write transpose(x)")
    #expect(onlyError("x.sum()")?.hint == "write sum(x, ...): built-ins are functions, not methods")
    #expect(onlyError("x.foo")?.hint == "cnnrepl has no attributes or methods (x.foo); type help for its built-ins")
    #expect(errors("y = x.T") == ["1:6-1:7 unexpected character '.'"])
}
