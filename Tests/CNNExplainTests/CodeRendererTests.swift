// What the `code` command shows: code that was only generated is printed indented under a line saying how
// to write it to a file; code the statement wrote says where, what lies beside it and how to run it.
// A stand-in generator gives fixed code, so these tests read the rendering alone.
import CNNCore
import CNNScript
import CNNTestSupport
import Glibc
import Testing
@testable import CNNExplain

/// Code with a comment line, an empty line and one data file.
private struct FixedCode: CodeGenerator {
    func generate(_ request: CodeRequest) -> GeneratedCode {
        GeneratedCode(lines: ["# made by a test", "", "print(1)"],
                      dataFiles: request.path == nil ? [] : [GeneratedCode.DataFile(fileName: "f_x.npy", tensor: Tensor(scalar: 1))],
                      title: "NumPy code that recomputes f", scriptName: "f.py", runner: "python3")
    }
}

@Test func printedCodeIsIndentedUnderALineSayingHowToWriteIt() throws {
    let session = Script()
    session.interpreter.codeGenerator = FixedCode()
    let shown = try session.rendered("f = ones(2, 2)\ncode numpy f").split(separator: "\n", omittingEmptySubsequences: false)
    let start = try #require(shown.firstIndex { $0.hasPrefix("NumPy code") })
    #expect(Array(shown[start...]) == ["NumPy code that recomputes f; to run it, write it to a file: code numpy f file=\"f.py\"",
                                       "  # made by a test", "", "  print(1)", ""])
    // No printed line starts with `#`, which a lesson's transcript would read as narration.
    #expect(!shown.contains { $0.hasPrefix("#") })
}

@Test func writtenCodeSaysWhereWhatIsBesideItAndHowToRunIt() throws {
    var template = Array("/tmp/cnnrepl-coderender-XXXXXX".utf8CString)
    let folder = try #require(template.withUnsafeMutableBufferPointer { buffer -> String? in
        guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return nil }
        return String(cString: made)
    })
    defer {
        for name in ["f.py", "f_x.npy"] { unlink(folder + "/" + name) }
        rmdir(folder)
    }
    let session = Script()
    session.interpreter.codeGenerator = FixedCode()
    session.interpreter.workspace.baseDirectory = folder
    let shown = try session.rendered("f = ones(2, 2)\ncode numpy f file=\"f.py\"")
    #expect(shown.hasSuffix("""
        wrote \(folder)/f.py: NumPy code that recomputes f (3 lines)
          and beside it the array it loads: f_x.npy
          run it with: python3 \(folder)/f.py

        """))
}
