// InterpreterErrorTests: every error the interpreter reports, with the range it underlines (line:column)
// and its hint, and that an error leaves the session's variables as they were.
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

// MARK: - Names

@Test func anUnknownNameSuggestsAVariable() {
    #expect(failure("image1 = 1\nimage") == "2:1-2:6 unknown name 'image'")
    #expect(failureHint("image1 = 1\nimage") == "did you mean 'image1'?")
}

@Test func anUnknownNameSuggestsABuiltin() {
    #expect(failure("x = ones2") == "1:5-1:10 unknown name 'ones2'")
    #expect(failureHint("x = ones2") == "did you mean 'ones'?")
}

@Test func anUnknownNameWithNothingCloseListsTheVariables() {
    #expect(failureHint("zebra") == "no variables yet: assign one first, e.g. zebra = rand(10, 10)")
    #expect(failureHint("apple = 1; kiwi = 2; zebra") == "the variables are: apple, kiwi")
    #expect(failure("apple = 1; kiwi = 2; zebra") == "1:22-1:27 unknown name 'zebra'")
}

@Test func aBuiltinUsedAsAValue() {
    #expect(failure("x = conv") == "1:5-1:9 'conv' is a built-in function, not a value")
    #expect(failureHint("x = conv") == "call it with arguments, e.g. conv(input, kernel, stride=1, padding=valid, dilation=1, bias=none)")
}

@Test func aBuiltinOrCommandCannotBeAssigned() {
    #expect(failure("relu = 1") == "1:1-1:5 'relu' is the name of a built-in, so it cannot be a variable")
    #expect(failureHint("relu = 1") == "choose another name, e.g. relu1 or my_relu")
    #expect(failure("vars = 1") == "1:1-1:5 'vars' is the name of a built-in, so it cannot be a variable")
    #expect(failure("exit = 1") == "1:1-1:5 'exit' is the name of a built-in, so it cannot be a variable")
}

@Test func anUnknownFunctionSuggestsABuiltin() {
    #expect(failure("y = reluu(1)") == "1:5-1:10 unknown function 'reluu'")
    #expect(failureHint("y = reluu(1)") == "did you mean 'relu'?")
    #expect(failureHint("y = frobnicate(1)") == "type `help` to list the built-ins")
}

@Test func aVariableCalledLikeAFunction() {
    #expect(failure("x = ones(2, 2)\ny = x(1)") == "2:5-2:6 'x' is a variable, not a function")
    #expect(failureHint("x = ones(2, 2)\ny = x(1)") == "to index it use square brackets: x[0, 0]")
}

@Test func aCommandCalledLikeAFunctionInsideAnExpression() {
    #expect(failure("y = vars()") == "1:5-1:9 'vars' is a command, not a function: write it without parentheses")
    #expect(failureHint("y = vars()") == "e.g. vars")
    #expect(failureHint("y = 1 + seed(1)") == "e.g. seed 7")
}

@Test func aCommandWrittenLikeACallIsStillChecked() {
    #expect(failure("seed(1, 2)") == "1:9-1:10 seed takes one whole number")
    #expect(failure("seed (0/0)") == "1:7-1:10 seed's argument must be a whole number, not nan")
    #expect(failure("help(cnv)") == "1:6-1:9 there is no built-in or command called 'cnv'")
}

@Test func exitInsideAScriptLine() {
    #expect(failure("x = 1; exit") == "1:8-1:12 'exit' leaves the REPL only when it is typed on a line of its own")
    #expect(failureHint("quit") == "a script simply ends after its last line, so it needs no quit")
}

@Test func aStatementThatStartsWithAVariableAndAValue() {
    #expect(failure("x = 5\nx 3") == "2:1-2:4 'x' is a variable; a statement cannot start with a variable followed by a value")
    #expect(failureHint("x = 5\nx 3") == "did you forget an operator or '='? e.g. x = ...")
}

@Test func anUnknownCommand() {
    #expect(failure("x = 1\nrelux x") == "2:1-2:6 unknown command 'relux'")
    #expect(failureHint("x = 1\nrelux x") == "did you mean 'relu'?")
    #expect(failureHint("x = 1\nzzzzzz x") == "type `help` to list the built-ins and commands")
}

// MARK: - Operators

@Test func operatorsNeedNumbersOrTensors() {
    #expect(failure("y = \"a\" + 1") == "1:5-1:8 + needs numbers or tensors, not the string \"a\"")
    #expect(failure("y = 1 * \"a\"") == "1:9-1:12 * needs numbers or tensors, not the string \"a\"")
    #expect(failure("y = -\"a\"") == "1:6-1:9 cannot negate the string \"a\"")
    #expect(failure("model m 4\ndense 2\nend\ny = m + 1") == "4:5-4:6 + needs numbers or tensors, not the model 'm'")
}

@Test func shapesThatDoNotBroadcastUnderlineTheWholeOperation() {
    let error = Script().error("y = ones(2, 3) + ones(3, 2)")
    #expect(error.map { "\($0.range) \($0.message)" }
        == "1:5-1:28 +: shapes 2x3 and 3x2 do not match; element-wise operations need equal shapes (or one side a single number)")
    #expect(error?.hint != nil)
}

@Test func matrixProductErrors() {
    #expect(failure("y = 1 @ ones(2, 2)") == "1:5-1:6 @ needs a tensor on the left, not the number 1")
    #expect(failureHint("y = 1 @ ones(2, 2)") == "to multiply by a number use *")
    #expect(failure("y = ones(2, 2) @ 3") == "1:18-1:19 @ needs a tensor on the right, not the number 3")
    #expect(failure("y = ones(2, 3) @ ones(2, 3)")
        == "1:5-1:28 @: 2x3 @ 2x3 needs the inner sizes to agree, but they are 3 and 2")
}

@Test func aMatrixProductTooLargeToWaitForIsRefusedBeforeItStarts() {
    // 5,000 x 5,000 x 5,000 = 125 billion multiply-adds; the operands themselves are small enough to make.
    let script = Script()
    let error = script.error("a = zeros(5000, 5000)\nb = a @ a")
    #expect(error.map { "\($0.range) \($0.message)" } == "2:5-2:10 @: 5000x5000 @ 5000x5000 would take more than 50,000,000,000 multiply-adds")
    #expect(error?.hint == "use smaller matrices; 5000 x 5000 x 5000 multiply-adds are far too many to wait for")
    #expect(script.interpreter.environment["b"] == nil)
}

// MARK: - Indexing and slicing

@Test func indexingErrors() {
    let setup = "x = ones(2, 3)\n"
    #expect(failure(setup + "x[5, 0]") == "2:3-2:4 index 5 is out of range for axis 0 of size 2")
    #expect(failureHint(setup + "x[5, 0]") == "valid indices are 0 to 1 (or -2 to -1 from the end)")
    #expect(failure(setup + "x[0, -4]") == "2:6-2:8 index -4 is out of range for axis 1 of size 3")
    #expect(failure(setup + "x[0, 0, 0]") == "2:1-2:11 x is 2x3: it has 2 axes, not 3")
    #expect(failureHint(setup + "x[0, 0, 0]") == "indices start at 0, one per axis: x[row, column]")
    #expect(failure(setup + "x[0.5, 0]") == "2:3-2:6 an index must be a whole number, not 0.5")
    #expect(failure(setup + "x[\"a\"]") == "2:3-2:6 an index must be a whole number, not the string \"a\"")
    #expect(failure(setup + "x[0/0]") == "2:3-2:6 an index must be a whole number, not nan")
    #expect(failure(setup + "x[1:2.5]") == "2:5-2:8 a slice end must be a whole number, not 2.5")
    #expect(failure(setup + "x[::0]") == "2:1-2:7 slice: the step along axis 0 is 0")
    #expect(failure("y = 3\ny[0]") == "2:1-2:2 only tensors can be indexed, and y is the number 3")
}

@Test func hugeIndicesAreOutOfRangeNotACrash() {
    let setup = "x = ones(3, 3)\n"
    #expect(failure(setup + "x[9223372036854775807, 0]") == "2:3-2:22 index 9223372036854775807 is out of range for axis 0 of size 3")
    #expect(failure(setup + "x[-9223372036854775807, 0]") == "2:3-2:23 index -9223372036854775807 is out of range for axis 0 of size 3")
    // One more than Int.max is refused by the lexer with its own message.
    #expect(failure(setup + "x[-9223372036854775808, 0]") == "2:4-2:23 the integer '9223372036854775808' is too large")
    #expect(failure(setup + "x[1e300, 0]") == "2:3-2:8 index 1e300 is out of range for axis 0 of size 3")
    #expect(failure(setup + "x[1/0, 0]") == "2:3-2:6 an index must be a whole number, not inf")
}

@Test func hugeSliceBoundsAreClampedLikeNumPy() throws {
    let script = Script()
    try script.run("x = reshape(range(9), 3x3)")
    #expect(try script.tensor("x[0:9223372036854775807:9223372036854775807]").shape == [1, 3])
    #expect(try script.tensor("x[-1e300:1e300, ::-9223372036854775807]").scalars == [2, 5, 8])
}

// MARK: - Matrix literals

@Test func matrixLiteralErrors() {
    #expect(failure("k = [1, 2; 3]") == "1:5-1:14 every row of a matrix needs the same number of values: row 0 has 2, row 1 has 1")
    #expect(failure("k = [ones(2, 2), ones(3, 3)]") == "1:5-1:29 the rows of a nested literal must all have the same shape")
    #expect(failure("k = [ones(2, 2); 1]") == "1:5-1:20 a matrix literal with ; rows holds numbers only")
    #expect(failureHint("k = [ones(2, 2); 1]") == "to stack maps use stack(a, b)")
    #expect(failure("k = [1, \"a\"]") == "1:9-1:12 a matrix holds numbers, not the string \"a\"")
    #expect(failure("k = [ones(2,2,2,2), ones(2,2,2,2)]") == "1:5-1:35 a tensor has at most 4 axes, and this literal has 5")
}

// MARK: - Calls: arguments

@Test func anUnknownKeywordSuggestsTheParameter() {
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), strde=2)") == "1:34-1:41 conv: there is no parameter called 'strde'")
    #expect(failureHint("y = conv(ones(3, 3), ones(2, 2), strde=2)")
        == "did you mean 'stride'? (conv(input, kernel, stride=1, padding=valid, dilation=1, bias=none))")
    #expect(failureHint("y = relu(ones(2, 2), zzz=2)") == "the parameters are: relu(input)")
}

@Test func tooManyOrTooFewArguments() {
    #expect(failure("y = relu(ones(2, 2), 1)") == "1:22-1:23 relu: too many arguments (it takes at most 1)")
    #expect(failureHint("y = relu(ones(2, 2), 1)") == "the signature is relu(input)")
    #expect(failure("y = conv(ones(3, 3))") == "1:5-1:21 conv: missing argument 'kernel' (kh x kw, one kh x kw x C filter, or a kh x kw x C x F filter bank)")
    #expect(failure("y = clip(ones(2, 2), 0)") == "1:5-1:24 clip: missing argument 'high' (values above become high)")
}

@Test func anArgumentGivenTwice() {
    // Positional then keyword for the same parameter (the parser reports a keyword written twice).
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), 2, stride=1)") == "1:37-1:45 conv: 'stride' is given twice")
}

@Test func argumentKindsAreChecked() {
    #expect(failure("y = conv(1, ones(2, 2))") == "1:10-1:11 conv: 'input' must be a tensor, not the number 1")
    #expect(failure("y = relu(\"x\")") == "1:10-1:13 relu: 'input' must be a tensor, not the string \"x\"")
    #expect(failure("y = full(2x2, \"a\")") == "1:15-1:18 full: 'value' must be a number, not the string \"a\"")
    #expect(failure("y = eye(2.5)") == "1:9-1:12 eye: 'n' must be a whole number, not the number 2.5")
    #expect(failure("y = eye(0)") == "1:9-1:10 eye: 'n' must be from 1 to 100,000,000, not 0")
    #expect(failure("y = eye(1e10)") == "1:9-1:13 eye: 'n' must be from 1 to 100,000,000, not 10000000000")
    #expect(failure("y = sum(ones(2, 2), 0.5)") == "1:21-1:24 sum: 'axis' must be a whole number, not the number 0.5")
    #expect(failure("y = depthmaxpool(ones(2, 2, 4), 0)") == "1:33-1:34 depthmaxpool: 'size' must be from 1 to 100,000,000, not 0")
    #expect(failure("y = randint(0, 1e300, 2, 2)") == "1:16-1:21 randint: 'high' must be from -1,000,000,000,000 to 1,000,000,000,000, not 1e+300")
    #expect(failure("y = load(3)") == "1:10-1:11 load: 'path' must be a string in double quotes, not the number 3")
    #expect(failure("y = load(\"\")") == "1:10-1:12 load: the file name is empty")
}

@Test func strideDilationAndWindowMustBeAtLeastOne() {
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), stride=0)") == "1:34-1:42 conv: 'stride' must be a whole number of at least 1, not 0")
    #expect(failureHint("y = conv(ones(3, 3), ones(2, 2), stride=0)") == "the stride is how many cells the window moves each step: 1 or more")
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), stride=-1)") == "1:34-1:43 conv: 'stride' must be a whole number of at least 1, not -1")
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), stride=[1, 0])") == "1:34-1:47 conv: 'stride' must be whole numbers of at least 1, not [1, 0]")
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), stride=1.5)") == "1:34-1:44 conv: 'stride' must be a whole number of at least 1, not 1.5")
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), dilation=0)") == "1:34-1:44 conv: 'dilation' must be a whole number of at least 1, not 0")
    #expect(failureHint("y = conv(ones(3, 3), ones(2, 2), dilation=0)") == "dilation 1 is an ordinary kernel; 2 leaves one cell between kernel taps")
    #expect(failure("y = maxpool(ones(4, 4), 0)") == "1:25-1:26 maxpool: 'size' must be a whole number of at least 1, not 0")
    #expect(failure("y = maxpool(ones(4, 4), 2, stride=0/0)") == "1:28-1:38 maxpool: 'stride' must be a whole number of at least 1, not nan")
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), stride=\"2\")")
        == "1:34-1:44 conv: 'stride' must be a whole number or a pair [rows, cols], not the string \"2\"")
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), stride=[1, 2, 3])")
        == "1:34-1:50 conv: 'stride' must be a whole number or a pair [rows, cols], not a 3-element vector")
}

@Test func hugeStridesAndWindowsAreTooLarge() {
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), dilation=1e15)") == "1:34-1:47 conv: 'dilation' is too large: 1000000000000000")
    #expect(failureHint("y = maxpool(ones(3, 3), 9223372036854775807)") == "the limit is 100,000,000, far more than any map has cells")
}

@Test func paddingForms() {
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), padding=sme)")
        == "1:34-1:45 conv: 'padding' must be valid, same, full, a number of zeros for every side, or [top, bottom, left, right], not 'sme'")
    #expect(failureHint("y = conv(ones(3, 3), ones(2, 2), padding=sme)") == "did you mean same?")
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), padding=-1)")
        == "1:34-1:44 conv: 'padding' must be a whole number of at least 0, not the number -1")
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), padding=[1, 2, 3])")
        == "1:34-1:51 conv: 'padding' must be valid, same, full, a number of zeros for every side, or [top, bottom, left, right], not a 3-element vector")
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), padding=[1, -1, 0, 0])")
        == "1:34-1:55 conv: 'padding' must be whole numbers of at least 0, not [1, -1, 0, 0]")
    #expect(failure("y = pad(ones(2, 2), same)") == "1:21-1:25 pad: 'amount' must be a number of cells or [top, bottom, left, right]")
    #expect(failureHint("y = pad(ones(2, 2), same)") == "valid/same/full belong to conv; here say how many cells, e.g. pad(x, 1)")
}

@Test func wordsFromAFixedList() {
    #expect(failure("y = maxpool(ones(4, 4), padding=full)") == "1:25-1:37 maxpool: 'padding' must be one of valid, same, fit, ceil, not 'full'")
    #expect(failureHint("y = maxpool(ones(4, 4), padding=fitt)") == "did you mean fit?")
    #expect(failure("y = maxpool(ones(4, 4), padding=2)") == "1:25-1:34 maxpool: 'padding' must be one of valid, same, fit, ceil, not the number 2")
}

@Test func aBareWordWhereAValueIsNeededIsAnUnknownName() {
    // `same` is a word only where the parameter takes words; as a kernel it is a name that does not exist.
    #expect(failure("y = conv(ones(3, 3), same)") == "1:22-1:26 unknown name 'same'")
    #expect(failure("y = conv(ones(3, 3), kernel=same)") == "1:29-1:33 unknown name 'same'")
    #expect(failure("y = conv(ones(3, 3), ones(2, 2), stride=same)") == "1:41-1:45 unknown name 'same'")
}

@Test func sizesOfConstructors() {
    #expect(failure("y = zeros(2.5, 2)") == "1:11-1:14 zeros: sizes must be whole numbers, not 2.5")
    #expect(failure("y = zeros(\"a\")") == "1:11-1:14 zeros: 'size' must be sizes such as 3, 4 or 3x4, not the string \"a\"")
    #expect(failure("y = zeros()") == "1:5-1:12 zeros: give the size, e.g. zeros(3, 3)")
    #expect(failure("y = rand(1e300)") == "1:10-1:15 rand: sizes must be whole numbers, not 1e+300")
    #expect(failure("y = full(\"a\", 1)") == "1:10-1:13 full: 'shape' must be a size such as 3x3 or [3, 3], not the string \"a\"")
}

@Test func stackErrors() {
    #expect(failure("y = stack()") == "1:5-1:12 stack: give at least one map")
    #expect(failure("y = stack(ones(2, 2), 3)") == "1:23-1:24 stack: every argument must be a tensor, not the number 3")
}

// MARK: - Errors of the numeric core underline the call

@Test func coreErrorsUnderlineTheCallWithTheCoresHint() {
    let error = Script().error("k = ones(5, 5)\ny = conv(ones(3, 3), k)")
    #expect(error.map { "\($0.range) \($0.message)" } == "2:5-2:24 conv: a 5x5 kernel does not fit a 3x3 input with valid padding")
    #expect(error?.hint == "out = (3 - 5)/1 + 1 = 0; use padding=same or a smaller kernel")
    #expect(failure("y = zeros(100000, 100000)") == "1:5-1:26 zeros: a 100000x100000 tensor would have more than 100,000,000 elements")
    #expect(failure("y = reshape(range(9), 2x2)") == "1:5-1:27 reshape: cannot view 9 (9 values) as 2x2 (4 values)")
}

@Test func aPoolingTooLargeToWaitForIsRefusedBeforeItStarts() {
    #expect(failure("y = maxpool(zeros(10000, 10000), 5000, stride=1)")
        == "1:5-1:49 maxpool: 10000x10000 with a 5000x5000 window would look at more than 50,000,000,000 cells")
    #expect(failureHint("y = avgpool(zeros(10000, 10000), 100000, stride=1, padding=same)") == "use a smaller window or a larger stride")
    // A huge window on a small map only ever visits the map's own cells, so it is quick and allowed.
    #expect(throws: Never.self) { try Script().run("y = avgpool(zeros(10, 10), 10000000, stride=1, padding=same)") }
}

// MARK: - Commands

@Test func helpErrors() {
    #expect(failure("help cnv") == "1:6-1:9 there is no built-in or command called 'cnv'")
    #expect(failureHint("help cnv") == "did you mean 'conv'? (type `help` for the list)")
    #expect(failureHint("help zzzzzzz") == "type `help` for the list")
    #expect(failure("help 3") == "1:6-1:7 help takes a name, e.g. help conv")
    #expect(failure("help conv relu") == "1:6-1:10 help takes one name")
}

@Test func commandsWithoutArguments() {
    #expect(failure("vars 3") == "1:6-1:7 vars takes no arguments")
    #expect(failure("clear x") == "1:7-1:8 clear takes no arguments")
    #expect(failure("reset 1") == "1:7-1:8 reset takes no arguments")
}

@Test func seedAndPrecisionErrors() {
    #expect(failure("seed") == "1:1-1:5 seed takes one whole number")
    #expect(failureHint("seed") == "e.g. seed 42")
    #expect(failure("seed 1 2") == "1:8-1:9 seed takes one whole number")
    #expect(failure("seed -1") == "1:6-1:8 seed takes a whole number from 0 up to 9223372036854775807, not -1")
    #expect(failureHint("seed -1") == "e.g. seed 42")
    #expect(failure("seed 1.5") == "1:6-1:9 seed's argument must be a whole number, not 1.5")
    #expect(failure("seed 1e300") == "1:6-1:11 seed takes a whole number from 0 up to 9223372036854775807, not 1e300")
    #expect(failure("precision 13") == "1:11-1:13 precision takes a whole number from 0 to 12, not 13")
    #expect(failure("precision \"a\"") == "1:11-1:14 precision's argument must be a whole number, not the string \"a\"")
}

@Test func traceErrors() {
    let setup = "x = ones(3, 3)\n"
    #expect(failure("trace 3") == "1:7-1:8 trace takes one cell of a variable, e.g. trace f[1, 2]")
    #expect(failure("trace") == "1:1-1:6 trace takes one cell of a variable, e.g. trace f[1, 2]")
    #expect(failure("trace y[0, 0]") == "1:7-1:8 unknown name 'y'")
    #expect(failure("y = 3\ntrace y[0]") == "2:7-2:8 y is the number 3; trace explains cells of tensors")
    #expect(failure(setup + "trace x[0]") == "2:7-2:11 x is 3x3, so a cell needs 2 indices, not 1")
    #expect(failureHint(setup + "trace x[0]") == "e.g. trace x[0, 0]")
    #expect(failure(setup + "trace x[0:1, 0]") == "2:9-2:12 trace explains one cell: give a single index on every axis, not a slice")
    #expect(failure(setup + "trace x[5, 0]") == "2:9-2:10 index 5 is out of range for axis 0 of size 3")
    #expect(failure(setup + "trace x[0, 1e300]") == "2:12-2:17 index 1e300 is out of range for axis 1 of size 3")
}

@Test func paramsErrors() {
    #expect(failure("params") == "1:1-1:7 params takes a layer and its size, e.g. params conv 3x3x32x64 or params dense 12544x128")
    #expect(failure("params conv 3x3") == "1:13-1:16 params conv takes kh x kw x Cin x Cout, e.g. params conv 3x3x32x64")
    #expect(failure("params conv") == "1:8-1:12 params conv takes kh x kw x Cin x Cout, e.g. params conv 3x3x32x64")
    #expect(failure("params dense 3x3x3") == "1:14-1:19 params dense takes inputs x units, e.g. params dense 12544x128")
    #expect(failure("params cnv 3x3") == "1:8-1:11 params knows the layers of a model block (conv, dense, depthwiseconv, batchnorm, pooling, ...), not 'cnv'")
    #expect(failureHint("params cnv 3x3") == "did you mean conv?")
}

@Test func summaryErrors() {
    #expect(failure("summary") == "1:1-1:8 summary takes the name of a model")
    #expect(failureHint("summary") == "declare one with a model ... end block, then: summary NAME")
    #expect(failure("summary nothing") == "1:9-1:16 unknown name 'nothing'")
    #expect(failure("x = 1\nsummary x") == "2:9-2:10 x is the number 1, not a model")
}

@Test func commandFormErrorsPointIntoTheCommand() {
    #expect(failure("relu x") == "1:6-1:7 unknown name 'x'")
    #expect(failure("x = 1\nrelu x") == "2:6-2:7 relu: 'input' must be a tensor, not the number 1")
    #expect(failure("x = ones(4, 4)\nmaxpool x 0") == "2:11-2:12 maxpool: 'size' must be a whole number of at least 1, not 0")
    #expect(failure("x = ones(4, 4)\nmaxpool x 9") == "2:1-2:12 maxpool: a 9x9 window does not fit a 4x4 input with valid padding")
}

// MARK: - Model blocks

@Test func modelBlockErrorsPointAtTheWord() {
    #expect(failure("model m 28x28x1\n  conv 0 3x3\nend") == "2:8-2:9 the number of filters must be a whole number of at least 1, not '0'")
    #expect(failureHint("model m 28x28x1\n  conv 0 3x3\nend") == "e.g. conv 32 3x3")
    #expect(failure("model m 28x28x1\n  conv 8 3x3 strid 2\nend") == "2:14-2:19 conv does not understand 'strid'")
    #expect(failureHint("model m 28x28x1\n  conv 8 3x3 strid 2\nend") == "did you mean stride?")
    #expect(failure("model m 28x28x1\n  conv 8 3x3 stride\nend") == "2:14-2:20 the stride is missing")
    #expect(failure("model m 28x28x1\n  conv 8\nend") == "2:3-2:9 conv needs a kernel size after the filters, e.g. conv 8 3x3")
    #expect(failure("model m 28x28x1\n  conv 8 0x3\nend") == "2:10-2:13 the kernel size must be a size such as 3x3 or a whole number of at least 1, not '0x3'")
    #expect(failure("model m 28x28x1\n  denze 10\nend") == "2:3-2:8 unknown layer 'denze'")
    #expect(failureHint("model m 28x28x1\n  denze 10\nend") == "did you mean dense?")
    #expect(failure("model m 28x28x1\n  flatten 2\nend") == "2:11-2:12 flatten takes nothing after it")
    #expect(failure("model m 784\n  dense 10 relu 3\nend") == "2:17-2:18 dense takes a number of units and an activation, nothing more")
    #expect(failure("model m 784\n  dense 10 rleu\nend") == "2:12-2:16 dense does not understand 'rleu'")
    #expect(failure("model m 784\n  dropout 1.5\nend") == "2:11-2:14 a dropout rate is from 0 up to (not including) 1, not 1.5")
    #expect(failure("model m 784\n  dropout\nend") == "2:3-2:10 dropout needs a rate from 0 to 1, e.g. dropout 0.5")
    #expect(failure("model m 784\n  relu 2\nend") == "2:8-2:9 relu as a layer takes nothing after it")
    #expect(failure("model m 28x28x1\n  maxpool 2x2 same 3\nend") == "2:20-2:21 maxpool does not understand '3'")
    #expect(failure("model relu 28x28x1\nend") == "1:7-1:11 'relu' is the name of a built-in, so it cannot name a model")
    #expect(failure("model m 28x28x1 3\nend") == "1:17-1:18 the input shape is one size such as 28x28x1 or 784")
    #expect(failure("model m abc\nend") == "1:9-1:12 the input shape must be a size such as 28x28x1 or 784, not 'abc'")
}

@Test func aModelWhoseShapesDoNotFitUnderlinesTheFirstLayerThatFails() {
    // 5x5 -> 3x3 -> 1x1, and the third 3x3 kernel no longer fits.
    let error = Script().error("model m 5x5x1\n  conv 8 3x3\n  conv 8 3x3\n  conv 8 3x3\nend")
    #expect(error.map { "\($0.range) \($0.message)" } == "4:3-4:13 layer 3 (conv): a 3x3 kernel does not fit a 1x1 input with valid padding")
}

// MARK: - Errors leave the session as it was

@Test func anErrorLeavesEveryVariableIntact() throws {
    let script = Script()
    try script.run("x = ones(2, 2)\ny = 3")
    #expect(script.error("x = conv(x, ones(5, 5))") != nil)
    #expect(script.error("relu y") != nil)
    #expect(script.error("x = x[9, 9]") != nil)
    #expect(try script.tensor("x") == Tensor(shape: [2, 2], repeating: 1))
    #expect(try script.number("y") == 3)
    #expect(script.interpreter.environment.names == ["x", "y"])
}

@Test func statementsBeforeAnErrorOnTheSameLineStayDone() throws {
    let script = Script()
    #expect(script.error("a = 1; b = zzz; c = 3") != nil)
    #expect(script.interpreter.environment.names == ["a"])
}

@Test func aFailedRandomCallDoesNotAdvanceTheGenerator() throws {
    let script = Script()
    #expect(script.error("r = rand(2, 0)") != nil)
    let after = try script.tensor("r = rand(2, 2)")
    #expect(after == (try Script().tensor("r = rand(2, 2)")))
}
