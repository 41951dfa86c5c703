// The `code` command: what it accepts, the errors it gives (with their positions and hints), and
// writing the code to a file.
import Testing
import Glibc
import CNNCore
import CNNScript
@testable import CNNCodegen
import CNNTestSupport

@Test func theCommandAsksForAFrameworkAndAFittingName() {
    let session = Script()
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
    let session = Script()
    let request = try session.request(SeedModels.mnist + "\ncode keras mnist file=\"mnist.py\"", baseDirectory: folder)
    #expect(request.path == folder + "/mnist.py")
    let shown = CodeOutput.lines(for: request)
    #expect(shown == ["wrote mnist.py: Keras 3 code for the model mnist (22 lines)",
                      "  run it with: KERAS_BACKEND=jax python3 mnist.py"])
    #expect(TestFiles.text(folder + "/mnist.py") == CodeOutput.generate(request).text)

    let big = try session.request("w = rand(33, 33)\nv = w * 2\ncode numpy v file=\"v.py\"", baseDirectory: folder)
    #expect(CodeOutput.lines(for: big).contains("  and beside it the array it loads: v_w.npy"))
    let saved = try NPY.read(path: folder + "/v_w.npy")
    guard case .tensor(let w)? = session.interpreter.variables["w"]?.value else {
        Issue.record("w should be a tensor")
        return
    }
    #expect(saved == w)
    for name in ["mnist.py", "v.py", "v_w.npy"] { unlink(folder + "/" + name) }
    rmdir(folder)
}

@Test func printedCodeIsIndentedUnderALineSayingHowToRunIt() throws {
    let session = Script()
    let request = try session.request(SeedModels.mnist + "\ncode torch mnist")
    let shown = CodeOutput.lines(for: request)
    let code = CodeOutput.generate(request).lines
    #expect(shown.first == "PyTorch code for the model mnist; to run it, write it to a file: code torch mnist file=\"mnist.py\"")
    #expect(Array(shown.dropFirst()) == code.map { $0.isEmpty ? "" : "  " + $0 })
    // No printed line starts with `#`, which a lesson's transcript would read as narration.
    #expect(!shown.contains { $0.hasPrefix("#") })
}
