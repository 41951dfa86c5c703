// Script: the tests' one way to run script text through a fresh interpreter, statement by statement as a
// session does, and to look at what it produced (outcomes, values, variables, a `code` request) or at the
// diagnostic it stopped with. The renderer and code-generator tests add their one step on top
// (Tests/CNNExplainTests/Script+Rendered.swift, Tests/CNNCodegenTests/Script+Code.swift).
import Testing
import CNNCore
import CNNScript

/// One interpreter session for a test: runs source text statement by statement.
public final class Script {
    /// The interpreter holding the session's variables.
    public let interpreter: Interpreter

    /// A fresh session (default seed unless one is given; `precision` decimals in printed numbers).
    public init(seed: UInt64? = nil, precision: Int = OutputSettings.defaultPrecision) {
        interpreter = Interpreter(seed: seed, precision: precision)
    }

    /// Parses and runs `source`; returns one outcome per statement, or throws the first diagnostic
    /// (a parse error, or the first statement that fails; the statements before it stay done). Relative
    /// file names resolve against `baseDirectory` when one is given (it stays for later runs).
    @discardableResult
    public func run(_ source: String, baseDirectory: String? = nil) throws -> [Outcome] {
        if let baseDirectory { interpreter.workspace.baseDirectory = baseDirectory }
        let parsed = Parser.parse(SourceText(source))
        if let first = parsed.diagnostics.first { throw first }
        var outcomes: [Outcome] = []
        for statement in parsed.statements {
            outcomes.append(try interpreter.execute(statement, in: parsed.source))
        }
        return outcomes
    }

    /// The value the last statement of `source` produced (an assignment's or an expression's).
    public func value(_ source: String) throws -> Value {
        guard let last = try run(source).last else { throw TestFailure("no statement in \(source)") }
        switch last {
        case .assigned(_, let value, _, _), .value(let value, _, _): return value
        default: throw TestFailure("the last statement of \(source) made no value: \(last)")
        }
    }

    /// The tensor the last statement produced.
    public func tensor(_ source: String) throws -> Tensor {
        guard case .tensor(let t) = try value(source) else { throw TestFailure("\(source) is not a tensor") }
        return t
    }

    /// The number the last statement produced.
    public func number(_ source: String) throws -> Double {
        guard case .number(let x) = try value(source) else { throw TestFailure("\(source) is not a number") }
        return x
    }

    /// The provenance of the last statement's value.
    public func provenance(_ source: String) throws -> Provenance? {
        guard let last = try run(source).last else { return nil }
        switch last {
        case .assigned(_, _, let provenance, _), .value(_, let provenance, _): return provenance
        default: return nil
        }
    }

    /// The tensor held by the variable `name`, if it holds one (nothing is run).
    public func tensor(named name: String) -> Tensor? {
        guard case .tensor(let t)? = interpreter.environment[name]?.value else { return nil }
        return t
    }

    /// What the last statement of `source` (a `code` command) made: the request and the code (the
    /// interpreter needs a `codeGenerator`; Tests/CNNCodegenTests/Script+Code.swift gives it the real one).
    public func result(_ source: String, baseDirectory: String? = nil) throws -> CodeResult {
        guard case .code(let result)? = try run(source, baseDirectory: baseDirectory).last else {
            throw TestFailure("the last statement of \(source) is not a code command")
        }
        return result
    }

    /// The request the last statement of `source` (a `code` command) made.
    public func request(_ source: String, baseDirectory: String? = nil) throws -> CodeRequest {
        try result(source, baseDirectory: baseDirectory).request
    }

    /// The diagnostic `source` stops with, or nil if it runs without one.
    public func diagnostic(_ source: String) -> Diagnostic? {
        do {
            try run(source)
            return nil
        } catch {
            return error as? Diagnostic
        }
    }

    /// The diagnostic `source` stops with; records an issue and returns nil if it runs without error or
    /// throws something else.
    public func error(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) -> Diagnostic? {
        do {
            try run(source)
        } catch let diagnostic as Diagnostic {
            return diagnostic
        } catch {
            Issue.record("\(source) threw \(error), not a Diagnostic", sourceLocation: sourceLocation)
            return nil
        }
        Issue.record("\(source) ran without an error", sourceLocation: sourceLocation)
        return nil
    }
}

/// A test helper's own failure (not a Diagnostic of the language).
public struct TestFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// A failure saying `description`.
    public init(_ description: String) { self.description = description }
}
