// The `code` command: what it accepts, the errors it gives (with their positions and hints), and
// writing the code to a file when the statement runs.
import Testing
import Glibc
import CNNCore
import CNNScript
@testable import CNNCodegen
import CNNTestSupport

@Test func theCommandAsksForAFrameworkAndAFittingName() {
    let session = Script.withCodeGenerator()
    #expect(throws: Never.self) { try session.run(SeedModels.mnist + "\nf = rand(3, 3)\nn = 2") }
    let unknown = session.diagnostic("code tensorflow mnist")
    #expect(unknown?.message == "code writes keras, torch or numpy, not 'tensorflow'")
    #expect(unknown?.range.start.column == 6)
    #expect(session.diagnostic("code")?.message == "code takes a framework (keras, torch or numpy) and a name")
    #expect(session.diagnostic("code keras")?.message == "code keras needs the name of a model, e.g. code keras mnist")
    #expect(session.diagnostic("code keras f")?.message == "code keras writes a model as Keras 3 code, and f is a 3x3 tensor")
    #expect(session.diagnostic("code keras f")?.hint?.contains("code numpy f") == true)
    #expect(session.diagnostic("code numpy mnist")?.hint == "run mnist first, then: code numpy mnist_out (or, for the model itself: code keras mnist)")
    #expect(session.diagnostic("code numpy n")?.message == "code numpy writes the steps that made a tensor, and n is the number 2")
    #expect(session.diagnostic("code numpy nothing")?.message.hasPrefix("unknown name 'nothing'") == true)
    #expect(session.diagnostic("code keras mnist out=\"m.py\"")?.message == "code has no setting called 'out'")
    #expect(session.diagnostic("code keras mnist file=\"/no/such/folder/m.py\"")?.message
            == "cannot write /no/such/folder/m.py: the folder /no/such/folder does not exist")
    #expect(throws: Never.self) { try session.run("code pytorch mnist") }
}

@Test func fileWritesTheScriptRelativeToTheScriptsFolder() throws {
    guard let folder = TestFiles.temporaryFolder("cnnrepl-codegen") else {
        Issue.record("could not make a temporary folder")
        return
    }
    let session = Script.withCodeGenerator()
    // The statement writes the files when it runs; its result says what was written.
    let result = try session.result(SeedModels.mnist + "\ncode keras mnist file=\"mnist.py\"", baseDirectory: folder)
    #expect(result.request.path == folder + "/mnist.py")
    #expect(result.wasWritten)
    #expect(result.code.title == "Keras 3 code for the model mnist" && result.code.lines.count == 22)
    #expect(result.code.runner == "KERAS_BACKEND=jax python3")
    #expect(TestFiles.text(folder + "/mnist.py") == result.code.text)

    let big = try session.result("w = rand(33, 33)\nv = w * 2\ncode numpy v file=\"v.py\"", baseDirectory: folder)
    #expect(big.code.dataFiles.map(\.fileName) == ["v_w.npy"])
    let saved = try NPY.read(path: folder + "/v_w.npy")
    guard case .tensor(let w)? = session.interpreter.environment["w"]?.value else {
        Issue.record("w should be a tensor")
        return
    }
    #expect(saved == w)
    for name in ["mnist.py", "v.py", "v_w.npy"] { unlink(folder + "/" + name) }
    rmdir(folder)
}

@Test func printedCodeIsNotWrittenAndSuggestsAFileName() throws {
    let session = Script.withCodeGenerator()
    let result = try session.result(SeedModels.mnist + "\ncode torch mnist")
    #expect(!result.wasWritten && result.request.path == nil)
    #expect(result.code.scriptName == "mnist.py" && result.code.runner == "python3")
    #expect(result.code.title == "PyTorch code for the model mnist")
}

@Test func aFailedWriteIsAnErrorAtTheFileName() {
    let session = Script.withCodeGenerator()
    #expect(throws: Never.self) { try session.run(SeedModels.mnist) }
    let failure = session.diagnostic("code keras mnist file=\"/proc/cnnrepl-test.py\"")
    #expect(failure?.message == "code: write /proc/cnnrepl-test.py: cannot create the file: No such file or directory")
    #expect(failure?.range.start.column == 23)
}

@Test func codeWritesOnlyPythonFiles() {
    // Issue 13: a lesson is code someone else wrote; code ... > ANYNAME overwrote any file.
    let session = Script.withCodeGenerator()
    #expect(throws: Never.self) { try session.run(SeedModels.mnist) }
    for name in ["/dev/full", "victim", "run.sh", "notes.txt"] {
        let failure = session.diagnostic("code keras mnist file=\"\(name)\"")
        #expect(failure?.message == "code writes Python files, and '\(name)' does not end in .py", "\(name)")
    }
}
