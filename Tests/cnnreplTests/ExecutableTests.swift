// ExecutableTests: the built cnnrepl program end to end: lessons and scripts, standard input, -e, --seed,
// --step, --no-color and NO_COLOR, --version and --help, exit statuses, and the error format on stderr.
import Foundation
import Testing

@Test func theBinaryIsThere() {
    #expect(FileManager.default.isExecutableFile(atPath: Executable.path), "no cnnrepl at \(Executable.path)")
}

// MARK: - Standard input

@Test func anExpressionPipedInPrintsItsValue() throws {
    let result = try Executable.run([], stdin: "ones(2,2)\n")
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout == "ones(2,2)   2x2\n  1  1\n  1  1\n")
    #expect(result.stderr == "")
}

@Test func pipedInputIsAScriptWithoutEcho() throws {
    let result = try Executable.run([], stdin: "x = [1, -2]; relu x\nsum(x)\n")
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout == "x = [1, -2]   2\n   1  -2\nx = relu(x)   2 -> 2, relu of every cell\n  1  0\nsum(x) = 1\n")
}

@Test func emptyInputDoesNothingAndSucceeds() throws {
    for input in ["", "\n\n", "# only a comment\n", "   \t\n"] {
        let result = try Executable.run([], stdin: input)
        #expect(result.status == 0, "\(input.debugDescription): \(result)")
        #expect(result.stdout == "" && result.stderr == "", "\(input.debugDescription): \(result)")
    }
}

@Test func anErrorOnStandardInputNamesStdinAndExitsWithOne() throws {
    let result = try Executable.run([], stdin: "x = 1\ny = x + zz\nz = 3\n")
    #expect(result.status == 1, "\(result)")
    #expect(result.stdout == "x = 1\n")
    #expect(result.stderr == """
        <stdin>:2:9: error: unknown name 'zz'
          2 | y = x + zz
            |         ^^
          hint: the variables are: x

        """)
}

// MARK: - Script files

@Test func aLessonEchoesEachStatementAndItsOutputWithNarration() throws {
    let path = try Executable.write("# Two numbers.\nx = [1, 2]\n\n# Their sum:\nsum(x)\n")
    let result = try Executable.run([path])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout == "# Two numbers.\ncnn> x = [1, 2]\nx = [1, 2]   2\n  1  2\n\n# Their sum:\ncnn> sum(x)\nsum(x) = 3\n")
    #expect(result.stderr == "")
}

@Test func aMultiLineStatementEchoesWithContinuationPrompts() throws {
    let path = try Executable.write("k = [1, 2\n     3, 4]\n")
    let result = try Executable.run([path])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout == "cnn> k = [1, 2\n...>      3, 4]\nk = [1, 2; 3, 4]   2x2\n  1  2\n  3  4\n")
}

@Test func aRuntimeErrorInAScriptStopsItWithFileLineColumnAndACaret() throws {
    let path = try Executable.write("image = ones(4, 4)\nk = ones(3, 3)\ny = conv(image, k, stride=0)\nz = 1\n")
    let result = try Executable.run([path])
    #expect(result.status == 1, "\(result)")
    #expect(result.stdout.hasSuffix("cnn> y = conv(image, k, stride=0)\n"), "\(result)")
    #expect(!result.stdout.contains("z = 1"))
    #expect(result.stderr == """
        \(path):3:20: error: conv: 'stride' must be a whole number of at least 1, not 0
          3 | y = conv(image, k, stride=0)
            |                    ^^^^^^^^
          hint: the stride is how many cells the window moves each step: 1 or more

        """)
}

@Test func aSyntaxErrorAnywhereStopsTheScriptBeforeItStarts() throws {
    let path = try Executable.write("x = 1\ny = (2 + 3\nz = [1, 2\n")
    let result = try Executable.run([path])
    #expect(result.status == 1, "\(result)")
    #expect(result.stdout == "")
    #expect(hasLine(result.stderr, matching: "^\(NSRegularExpression.escapedPattern(for: path)):2:5: error: this '\\(' is never closed$"), "\(result)")
    #expect(hasLine(result.stderr, matching: ":3:5: error: this '\\[' is never closed$"), "\(result)")
}

@Test func aMissingFileIsAnErrorWithItsReason() throws {
    let result = try Executable.run(["no-such-lesson.cnn"])
    #expect(result.status == 1, "\(result)")
    #expect(result.stdout == "")
    #expect(result.stderr == "cnnrepl: error: cannot open 'no-such-lesson.cnn': No such file or directory\n  hint: check the name of the script\n")
}

@Test func aFolderIsNotAScript() throws {
    let result = try Executable.run([Executable.scratch.path])
    #expect(result.status == 1, "\(result)")
    #expect(result.stderr.hasPrefix("cnnrepl: error: '\(Executable.scratch.path)' is a folder, not a script file\n  hint: "), "\(result)")
}

@Test func loadAndSaveResolveNamesNextToTheScript() throws {
    let folder = Executable.temporaryPath()
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/lesson.cnn"
    try Data("x = [1.5, 2]\nsave(x, \"x.npy\")\ny = load(\"x.npy\")\n".utf8).write(to: URL(fileURLWithPath: path))
    let result = try Executable.run([path])
    #expect(result.status == 0, "\(result)")
    #expect(FileManager.default.fileExists(atPath: folder + "/x.npy"))
    #expect(result.stdout.hasSuffix("y = load(\"x.npy\")   2\n  1.50  2.00\n"), "\(result)")
}

// MARK: - Options

@Test func evalRunsCodeWithoutEcho() throws {
    let result = try Executable.run(["-e", "ones(2,2)"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout == "ones(2,2)   2x2\n  1  1\n  1  1\n")
    let long = try Executable.run(["--eval", "x = 2", "--eval", "x * 3"])
    #expect(long.stdout == "x = 2\nx * 3 = 6\n", "\(long)")
}

@Test func evalRunsAfterTheFileWithItsVariables() throws {
    let path = try Executable.write("x = 5\n")
    let result = try Executable.run([path, "-e", "x + 1"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout == "cnn> x = 5\nx = 5\nx + 1 = 6\n")
}

@Test func anErrorInEvalNamesEvalAndExitsWithOne() throws {
    let result = try Executable.run(["-e", "relu(1, 2)"])
    #expect(result.status == 1, "\(result)")
    #expect(result.stderr.hasPrefix("<eval>:1:9: error: relu: too many arguments (it takes at most 1)\n"), "\(result)")
}

@Test func evalIgnoresStandardInput() throws {
    let result = try Executable.run(["-e", "1 + 1"], stdin: "this is not run\n")
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout == "1 + 1 = 2\n")
}

@Test func seedOptionSetsTheGeneratorLikeTheSeedCommand() throws {
    let byOption = try Executable.run(["--seed", "7", "-e", "rand(2, 2)"])
    let byCommand = try Executable.run(["-e", "seed 7", "-e", "rand(2, 2)"])
    let byDefault = try Executable.run(["-e", "rand(2, 2)"])
    #expect(byOption.status == 0 && byCommand.status == 0, "\(byOption)\n\(byCommand)")
    #expect(byCommand.stdout == "seed 7: random numbers start over from here\n" + byOption.stdout)
    #expect(byOption.stdout != byDefault.stdout)
    let again = try Executable.run(["--seed", "7", "-e", "rand(2, 2)"])
    #expect(again.stdout == byOption.stdout)
}

@Test func aBadSeedIsAUsageErrorWithStatusOne() throws {
    let result = try Executable.run(["--seed", "-3", "-e", "1"])
    #expect(result.status == 1, "\(result)")
    #expect(result.stdout == "")
    #expect(result.stderr.contains("--seed"), "\(result)")
}

@Test func anUnknownOptionIsAUsageErrorWithStatusOne() throws {
    let result = try Executable.run(["--colour"])
    #expect(result.status == 1, "\(result)")
    #expect(result.stderr.hasPrefix("Error: Unknown option '--colour'"), "\(result)")
    #expect(result.stderr.contains("Usage: cnnrepl"), "\(result)")
}

@Test func versionAndHelp() throws {
    let version = try Executable.run(["--version"])
    #expect(version.status == 0, "\(version)")
    #expect(version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(version)")
    let help = try Executable.run(["--help"])
    #expect(help.status == 0, "\(help)")
    for option in ["--step", "-e, --eval", "--no-color", "--seed", "--version", "<file>"] {
        #expect(help.stdout.contains(option), "--help does not mention \(option)")
    }
    #expect(help.stderr == "")
}

@Test func noColorOptionAndEnvironmentGivePlainText() throws {
    let script = "x = ones(2, 2)\ny = conv(x, ones(3, 3))\n"
    for (arguments, environment) in [([String](), ["NO_COLOR": "1"]), (["--no-color"], [:]), ([], ["TERM": "dumb"])] {
        let result = try Executable.run(arguments, stdin: script, environment: environment)
        #expect(result.status == 1)
        #expect(!result.stdout.contains("\u{1B}") && !result.stderr.contains("\u{1B}"), "\(arguments) \(environment): \(result)")
        #expect(result.stderr.hasPrefix("<stdin>:2:5: error: conv: a 3x3 kernel does not fit a 2x2 input"), "\(result)")
    }
}

@Test func stepPausesAfterEachStatementUntilEnter() throws {
    let path = try Executable.write("x = 1\n# narration\ny = 2\n")
    let result = try Executable.run(["--step", path], stdin: "\n\n")
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout == "cnn> x = 1\nx = 1\n   [Enter to continue]\n\n# narration\ncnn> y = 2\ny = 2\n   [Enter to continue]\n")
}

@Test func stepWithoutMoreInputStillFinishes() throws {
    let path = try Executable.write("x = 1\ny = 2\n")
    let result = try Executable.run(["--step", path], stdin: "")
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("y = 2\n"))
}
