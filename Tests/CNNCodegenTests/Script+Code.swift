// Script+Code: the generated script of a `code` statement run through the shared Script session
// (Tests/CNNTestSupport/Script.swift) with the real Python code generator, so the code-generator tests read
// like a learner's session.
import CNNScript
import CNNTestSupport
@testable import CNNCodegen

extension Script {
    /// A session whose `code` statements write Python with CNNCodegen (as a cnnrepl session does).
    static func withCodeGenerator() -> Script {
        let script = Script()
        script.interpreter.codeGenerator = PythonCodeGenerator()
        return script
    }

    /// The generated script's lines for the last statement of `source` (a `code` command).
    func lines(_ source: String) throws -> [String] {
        if interpreter.codeGenerator == nil { interpreter.codeGenerator = PythonCodeGenerator() }
        return try result(source).code.lines
    }
}
