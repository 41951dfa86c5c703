// Script+Rendered: runs script text through the shared Script session (Tests/CNNTestSupport/Script.swift)
// and the outcome renderer, the way a session does, so the renderer tests read exactly what a learner sees.
import CNNScript
import CNNTestSupport
@testable import CNNExplain

extension Script {
    /// Runs every statement of `text`; returns the rendered outcomes (plain text, no colour, the
    /// interpreter's precision). Throws the first diagnostic.
    @discardableResult
    func rendered(_ text: String) throws -> String {
        let renderer = OutcomeRenderer(precision: interpreter.output.precision, color: false)
        return try run(text).map { renderer.render($0) }.joined()
    }
}
