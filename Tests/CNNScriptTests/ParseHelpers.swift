// ParseHelpers: short ways to state what the parser should make of a source, for readable tests.
import Testing
@testable import CNNScript

/// The statements of `source` as S-expressions joined by newlines; records an issue if it had diagnostics.
func parsed(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    let result = Parser.parse(source)
    #expect(result.diagnostics.isEmpty, "unexpected diagnostics: \(result.diagnostics)", sourceLocation: sourceLocation)
    return result.statements.map(\.sExpression).joined(separator: "\n")
}

/// The diagnostics of `source`, each as "RANGE MESSAGE" (RANGE like "1:5-1:6", or "1:8" when empty).
func errors(_ source: String) -> [String] {
    Parser.parse(source).diagnostics.map { "\($0.range) \($0.message)" }
}

/// The only diagnostic of `source`; records an issue unless there is exactly one.
func onlyError(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Diagnostic? {
    let diagnostics = Parser.parse(source).diagnostics
    #expect(diagnostics.count == 1, "expected one diagnostic, got \(diagnostics)", sourceLocation: sourceLocation)
    return diagnostics.first
}
