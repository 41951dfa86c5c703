// ScriptSession: runs cnn script text through the parser, the interpreter and the outcome renderer, the way
// a session does, so the renderer tests can read exactly what a learner would see.
import CNNCore
import CNNScript
import Testing
@testable import CNNExplain

/// A fresh interpreter that runs script text and returns the rendered output.
final class ScriptSession {
    /// The interpreter, for looking at variables afterwards.
    let interpreter: Interpreter
    /// The renderer (plain text, no colour).
    let renderer: OutcomeRenderer

    /// Creates a session with the default seed and precision.
    init(precision: Int = 2) {
        interpreter = Interpreter(precision: precision)
        renderer = OutcomeRenderer(precision: precision, color: false)
    }

    /// Runs every statement of `text`; returns the rendered outcomes. Throws the first diagnostic.
    @discardableResult
    func run(_ text: String) throws -> String {
        let parsed = Parser.parse(text)
        if let first = parsed.diagnostics.first { throw first }
        var output = ""
        for statement in parsed.statements {
            output += renderer.render(try interpreter.execute(statement, in: parsed.source))
        }
        return output
    }

    /// The message of the diagnostic `text` raises, or nil if it runs without one.
    func error(_ text: String) -> String? {
        do {
            try run(text)
            return nil
        } catch let diagnostic as Diagnostic {
            return diagnostic.message
        } catch {
            return "\(error)"
        }
    }

    /// The tensor held by a variable, if it holds one.
    func tensor(_ name: String) -> Tensor? {
        guard case .tensor(let t)? = interpreter.environment[name]?.value else { return nil }
        return t
    }
}
