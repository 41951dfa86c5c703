// CommandTests: the command form `op name args` against expressions that merely start with a name.
import Testing
@testable import CNNScript

@Test func operationsAppliedInPlace() {
    #expect(parsed("relu f") == "(command relu f)")
    #expect(parsed("maxpool f 2") == "(command maxpool f 2)")
    #expect(parsed("image = rand(10,10); f = conv(image, ones(3,3)); relu f; maxpool f")
        == "(= image (call rand 10 10))\n(= f (call conv image (call ones 3 3)))\n(command relu f)\n(command maxpool f)")
}

@Test func replCommandsShareTheShape() {
    #expect(parsed("seed 42") == "(command seed 42)")
    #expect(parsed("help conv") == "(command help conv)")
    #expect(parsed("precision 3") == "(command precision 3)")
    #expect(parsed("trace f[1, 2]") == "(command trace (index f 1 2))")
    #expect(parsed("trace f[1, 2, 0]") == "(command trace (index f 1 2 0))")
    #expect(parsed("params conv 3x3x32x64") == "(command params conv 3x3x32x64)")
    #expect(parsed("params dense 12544x128") == "(command params dense 12544x128)")
    #expect(parsed("summary mnist") == "(command summary mnist)")
    #expect(parsed("run mnist x") == "(command run mnist x)")
    #expect(parsed("show f1 f2 f3") == "(command show f1 f2 f3)")
    #expect(parsed("step k 0.1") == "(command step k 0.1)")
    #expect(parsed("step k -0.1") == "(command step k (- 0.1))")
    #expect(parsed("train mnist data epochs=20 batch=32 optimizer=adam lr=0.001")
        == "(command train mnist data epochs=20 batch=32 optimizer=adam lr=0.001)")
    #expect(parsed("code keras mnist") == "(command code keras mnist)")
    #expect(parsed("load \"weights.npy\"") == "(command load \"weights.npy\")")
}

@Test func commandsWithoutArgumentsAreBareNames() {
    #expect(parsed("help\nvars\nclear\nreset") == "help\nvars\nclear\nreset")
}

@Test func commandArgumentsArePostfixExpressions() {
    #expect(parsed("show [1, 2] x") == "(command show (matrix (1 2)) x)")
    #expect(parsed("show f(x) (a - 1)") == "(command show (call f x) (- a 1))")
    #expect(parsed("show f [1]") == "(command show f (matrix (1)))")
    #expect(parsed("show f (1)") == "(command show f 1)")
    #expect(parsed("step k -1 -2.5e-3") == "(command step k (- 1) (- 2.5e-3))")
    #expect(parsed("train m d lr=-0.1 mode=fast") == "(command train m d lr=(- 0.1) mode=fast)")
    #expect(parsed("save x \"out.npy\"") == "(command save x \"out.npy\")")
}

@Test func commandsKeepTheirRanges() {
    let result = Parser.parse("train m epochs=20")
    guard case .command(let command) = result.statements.first?.kind else {
        Issue.record("not a command")
        return
    }
    #expect(command.name.range.description == "1:1-1:6")
    #expect(command.arguments.map(\.range.description) == ["1:7-1:8", "1:9-1:18"])
    #expect(result.statements.first?.range.description == "1:1-1:18")
}

@Test func expressionsThatStartWithANameAreNotCommands() {
    #expect(parsed("f + 1") == "(+ f 1)")
    #expect(parsed("f(1)") == "(call f 1)")
    #expect(parsed("f[1]") == "(index f 1)")
    #expect(parsed("f = 1") == "(= f 1)")
    #expect(parsed("x - 1") == "(- x 1)")
    #expect(parsed("x-1") == "(- x 1)")
    #expect(parsed("x - -1") == "(- x (- 1))")
    #expect(parsed("x * 2") == "(* x 2)")
}

@Test func aSpacedSignBeforeANumberMakesACommand() {
    // Like MATLAB's command syntax: `x -1` passes -1 to x (the interpreter then says x is not a command).
    #expect(parsed("x -1") == "(command x (- 1))")
    #expect(parsed("x -y") == "(- x y)")
}

@Test func theCommandFormOnlyStartsAStatement() {
    #expect(errors("y = relu f") == ["1:10-1:11 unexpected 'f' after the expression"])
    #expect(onlyError("y = relu f")?.hint == "to apply 'relu' to 'f' inside an expression, write relu(f)")
}
