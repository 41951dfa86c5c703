// Script+Code: the generated script of a `code` statement run through the shared Script session
// (Tests/CNNTestSupport/Script.swift), so the code-generator tests read like a learner's session.
import CNNTestSupport
@testable import CNNCodegen

extension Script {
    /// The generated script's lines for the last statement of `source` (a `code` command).
    func lines(_ source: String) throws -> [String] {
        CodeOutput.generate(try request(source)).lines
    }
}
