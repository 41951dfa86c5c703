// CodegenSession: runs cnn script text through a fresh interpreter with the Python code generator, and
// hands back what a `code` statement made (or the diagnostic it stopped with), so the tests read like a
// learner's session.
import Testing
import CNNCore
import CNNScript
@testable import CNNCodegen

/// One interpreter session for a codegen test.
final class CodegenSession {
    let interpreter: Interpreter

    init() {
        interpreter = Interpreter()
        interpreter.codeGenerator = PythonCodeGenerator()
    }

    /// Runs `source` and returns what its statements produced; throws the first diagnostic.
    @discardableResult
    func run(_ source: String, baseDirectory: String? = nil) throws -> [Outcome] {
        interpreter.workspace.baseDirectory = baseDirectory
        let parsed = Parser.parse(SourceText(source))
        if let first = parsed.diagnostics.first { throw first }
        return try parsed.statements.map { try interpreter.execute($0, in: parsed.source) }
    }

    /// What the last statement of `source` (a `code` command) made: the request and the code.
    func result(_ source: String, baseDirectory: String? = nil) throws -> CodeResult {
        guard case .code(let result)? = try run(source, baseDirectory: baseDirectory).last else {
            throw CodegenTestError("the last statement of \(source) is not a code command")
        }
        return result
    }

    /// The request the last statement of `source` (a `code` command) made.
    func request(_ source: String, baseDirectory: String? = nil) throws -> CodeRequest {
        try result(source, baseDirectory: baseDirectory).request
    }

    /// The generated script's lines for the last statement of `source`.
    func lines(_ source: String) throws -> [String] {
        try result(source).code.lines
    }

    /// The diagnostic `source` stops with, or nil if it runs.
    func diagnostic(_ source: String) -> Diagnostic? {
        do {
            try run(source)
            return nil
        } catch let diagnostic as Diagnostic {
            return diagnostic
        } catch {
            return nil
        }
    }
}

/// A test precondition that did not hold.
struct CodegenTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The model blocks of SEEDS.md, as a learner types them.
enum SeedModels {
    static let mnist = """
        model mnist 28x28x1
          conv 32 3x3 relu same
          conv 64 3x3 relu same
          maxpool 2x2
          flatten
          dense 128 relu
          dense 10 softmax
        end
        """
    static let cifar = """
        model cifar 32x32x3
          conv 32 3x3 relu
          maxpool 2x2
          conv 64 3x3 relu
          maxpool 2x2
          conv 64 3x3 relu
          flatten
          dense 64 relu
          dense 10 softmax
        end
        """
}
