// Parser: turns tokens into statements, recursive descent with one token of lookahead (two at a
// statement's start), reporting every bad statement once and going on with the next.
//
// Grammar (newlines end statements outside brackets; inside ( ) and index [ ] they are ignored; inside a
// bracket literal they separate rows like `;`):
//   statement  := NAME '=' expr | model | NAME argument+ (command) | expr
//   argument   := NAME '=' value | value          value := '-' NUMBER | postfix (postfix ops only when
//                                                                         written without a space)
//   expr       := term (('+' | '-') term)*
//   term       := unary (('*' | '/' | '@') unary)*
//   unary      := '-' unary | postfix
//   postfix    := primary ( '(' arguments ')' | '[' subscripts ']' )*
//   primary    := NUMBER | SIZE | STRING | NAME | '(' expr ')' | '[' rows ']'
//   subscript  := expr | expr? ':' expr? (':' expr?)?
//   model      := 'model' NAME word* (NEWLINE layer)* NEWLINE 'end'      layer := NAME word*
// A statement is a command when its first name is followed, in the same statement, by the start of an
// argument: a name, number, size or string, a '[' after a space, or a '-' after a space and right
// before a number. So `f[1]` indexes, `show [1]` is a command; `x - 1` subtracts, `step k -1` is a command.
// `model` and `end` are keywords at the start of a statement unless followed by '='.
//
// Recovery: a statement with an error is reported once and skipped to its end (the next newline or ';'
// outside brackets). When a bracket is left open and a later line looks like a new statement, the error
// points at the bracket ("this '(' is never closed") and parsing resumes on that line.
// Limits: brackets, unary minus and expression height nest at most `maxNestingDepth` deep (an error,
// never a stack overflow); at most `maxDiagnostics` errors are reported; the source is at most
// SourceText.maxUTF8Count bytes.
import CNNCore

/// The statements of a parsed source, the errors found, and whether the source looks unfinished.
public struct ParseResult: Sendable {
    /// The text that was parsed.
    public var source: SourceText
    /// The statements, in order; statements with errors are left out.
    public var statements: [Statement]
    /// The errors, in source order.
    public var diagnostics: [Diagnostic]
    /// Whether the source ends inside an open bracket or model block and has no other error: a REPL
    /// should read another line (showing `...> `) instead of reporting the diagnostics.
    public var isIncomplete: Bool

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Parses cnn scripts.
public struct Parser {
    /// How deep brackets, unary minus and expression trees may nest.
    public static let maxNestingDepth = 256
    /// How many errors one parse reports before it stops with "too many errors".
    public static let maxDiagnostics = 100

    /// Parses a whole source into statements and diagnostics.
    public static func parse(_ source: SourceText) -> ParseResult {
        guard source.utf8Count <= SourceText.maxUTF8Count else {
            let diagnostic = Diagnostic(
                "the script is \(Format.count(source.utf8Count)) bytes; the largest script is \(Format.count(SourceText.maxUTF8Count)) bytes",
                at: SourceRange(at: .start), hint: "split it into smaller files")
            return ParseResult(source: source, statements: [], diagnostics: [diagnostic], isIncomplete: false)
        }
        var parser = Parser(source: source)
        parser.parseProgram()
        let isIncomplete = parser.unclosedAtEnd && parser.otherErrors == 0
        return ParseResult(source: source, statements: parser.statements, diagnostics: parser.diagnostics,
                           isIncomplete: isIncomplete)
    }

    /// Parses text (with an optional file name for diagnostics).
    public static func parse(_ text: String, name: String? = nil) -> ParseResult {
        parse(SourceText(text, name: name))
    }

    /// Whether `text` is unfinished (an open bracket or model block, and no other error), so a REPL
    /// should read more lines before running it.
    public static func isIncomplete(_ text: String) -> Bool {
        parse(text).isIncomplete
    }

    // MARK: - State

    /// A failed statement: the error (nil when it was already reported) and where to resume.
    struct Failure: Error {
        var diagnostic: Diagnostic
        /// The token index at which the error was found.
        var at: Int
        /// Resume parsing at this token index (a new statement) instead of skipping to the statement's end.
        var resumeAt: Int?
        /// Whether this error only says that the input ended inside an open bracket.
        var unclosedAtEnd = false
    }

    let source: SourceText
    let tokens: [Token]
    var index = 0
    var statements: [Statement] = []
    var diagnostics: [Diagnostic] = []
    /// Errors other than "the input ended inside an open bracket or block".
    var otherErrors = 0
    /// Whether the input ended inside an open bracket or model block.
    var unclosedAtEnd = false
    /// The token index where the current statement starts.
    var statementStart = 0
    /// The last token consumed.
    var previous: Token?
    /// Whether newlines are skipped (inside parentheses and index brackets).
    var skipNewlines = false
    /// Whether the parser is directly inside a bracket literal's row (where `1 -2` is ambiguous).
    var inMatrixRow = false
    /// The brackets opened and not yet closed in the current statement, innermost last.
    var openBrackets: [Token] = []
    /// How deep the recursion is (brackets and unary minus).
    var depth = 0
    /// The newline mode and matrix-row flag outside each open bracket.
    var savedModes: [(skipNewlines: Bool, inMatrixRow: Bool)] = []

    init(source: SourceText) {
        self.source = source
        self.tokens = Lexer.tokenize(source)
    }

    // MARK: - Tokens

    /// The current token (skipping newlines where they do not count).
    mutating func current() -> Token {
        if skipNewlines {
            while tokens[index].kind == .newline { index += 1 }
        }
        return tokens[index]
    }

    /// The token after the current one (skipping newlines where they do not count).
    mutating func next() -> Token {
        _ = current()
        var i = min(index + 1, tokens.count - 1)
        if skipNewlines {
            while tokens[i].kind == .newline { i += 1 }
        }
        return tokens[i]
    }

    /// Consumes and returns the current token (the end of input is never consumed).
    @discardableResult
    mutating func advance() -> Token {
        let token = current()
        if token.kind != .endOfInput { index += 1 }
        previous = token
        return token
    }

    /// Whether the current token has this kind.
    mutating func check(_ kind: TokenKind) -> Bool {
        current().kind == kind
    }

    /// A range from `start` to the end of the last consumed token.
    func range(from start: SourceRange) -> SourceRange {
        guard let previous else { return start }
        return SourceRange(start: start.start, end: max(start.end, previous.range.end))
    }

    // MARK: - Program and statements

    mutating func parseProgram() {
        while true {
            // Empty statements: blank lines and stray semicolons.
            while tokens[index].kind == .newline || tokens[index].kind == .semicolon { index += 1 }
            if tokens[index].kind == .endOfInput { return }
            statementStart = index
            previous = nil
            skipNewlines = false
            inMatrixRow = false
            openBrackets = []
            savedModes = []
            depth = 0
            do throws(Failure) {
                let statement = try parseStatement()
                if case .model = statement.kind {} else {
                    try expectStatementEnd(after: statement)
                }
                statements.append(statement)
            } catch {
                report(error)
                recover(from: error)
            }
            if diagnostics.count >= Parser.maxDiagnostics {
                let at = tokens[index].range.start
                diagnostics.append(Diagnostic("too many errors; stopped after \(Parser.maxDiagnostics)",
                                              at: SourceRange(at: at), hint: "fix the first errors and try again"))
                otherErrors += 1
                return
            }
        }
    }

    /// Records a diagnostic.
    mutating func report(_ failure: Failure) {
        diagnostics.append(failure.diagnostic)
        if failure.unclosedAtEnd { unclosedAtEnd = true } else { otherErrors += 1 }
    }

    /// Records a diagnostic found outside the throwing path (model blocks report line by line).
    mutating func report(_ diagnostic: Diagnostic, unclosedAtEnd: Bool = false) {
        report(Failure(diagnostic: diagnostic, at: index, resumeAt: nil, unclosedAtEnd: unclosedAtEnd))
    }

    /// Moves past a failed statement: to `resumeAt`, or to the first newline or ';' outside brackets at or
    /// after the error (counting brackets from the statement's start), or to the end of the input.
    mutating func recover(from failure: Failure) {
        if let resume = failure.resumeAt, resume > statementStart {
            index = resume
            return
        }
        var nesting = 0
        var i = statementStart
        while i < tokens.count - 1 {
            switch tokens[i].kind {
            case .leftParen, .leftBracket:
                nesting += 1
            case .rightParen, .rightBracket:
                nesting = max(0, nesting - 1)
            case .newline, .semicolon:
                if nesting == 0 && i >= failure.at {
                    index = i
                    return
                }
            default:
                break
            }
            i += 1
        }
        index = tokens.count - 1
    }

    mutating func parseStatement() throws(Failure) -> Statement {
        let first = current()
        if case .identifier(let name) = first.kind {
            let following = tokens[index + 1]
            if following.kind == .equals {
                advance()
                advance()
                let value = try parseExpression()
                return Statement(.assignment(Name(name, range: first.range), value), range: range(from: first.range))
            }
            if name == "model" {
                return parseModel()
            }
            if name == "end" {
                throw failure(at: index, Diagnostic(
                    "'end' without a 'model' block", at: first.range,
                    hint: "a model block starts with a line like: model mnist 28x28x1"))
            }
            if startsFirstArgument(following, after: index + 1) {
                return try parseCommand()
            }
        }
        let expr = try parseExpression()
        return Statement(.expression(expr), range: expr.range)
    }

    /// Checks that the statement ends here (newline, ';' or end of input) and explains what is wrong if not.
    mutating func expectStatementEnd(after statement: Statement) throws(Failure) {
        let token = current()
        if token.endsStatement { return }
        if token.kind == .equals {
            if case .expression(let lhs) = statement.kind {
                throw failure(at: index, Diagnostic(
                    "only a name can be given a value with '='", at: lhs.range,
                    hint: "write a name on the left, like y = \(source.text(in: lhs.range).prefix(30))"))
            }
            throw failure(at: index, Diagnostic(
                "'=' cannot appear inside an expression", at: token.range,
                hint: "a statement sets one name; write each assignment on its own line"))
        }
        throw unexpected(token) { parser in
            var hint = "missing an operator or a ';' between them?"
            if case .assignment(_, let value) = statement.kind, let function = value.identifierName,
               token.identifierName != nil || token.isNumeric {
                let argument = parser.source.text(in: token.range).prefix(30)
                hint = "to apply '\(function)' to '\(argument)' inside an expression, write \(function)(\(argument))"
            }
            return Diagnostic("unexpected \(parser.describe(token)) after the expression", at: token.range, hint: hint)
        }
    }

    // MARK: - Commands

    /// Whether `token` (at `tokenIndex`, right after a statement's first name) starts a command argument.
    func startsFirstArgument(_ token: Token, after tokenIndex: Int) -> Bool {
        switch token.kind {
        case .identifier, .number, .dimensions, .string:
            return true
        case .leftBracket:
            return token.spaceBefore
        case .minus:
            return token.spaceBefore && isAdjacentNumber(tokenIndex + 1)
        default:
            return false
        }
    }

    /// Whether the token at `tokenIndex` is a number or size written with no space before it.
    func isAdjacentNumber(_ tokenIndex: Int) -> Bool {
        guard tokenIndex < tokens.count else { return false }
        let token = tokens[tokenIndex]
        return token.isNumeric && !token.spaceBefore
    }

    mutating func parseCommand() throws(Failure) -> Statement {
        let nameToken = advance()
        let name = Name(nameToken.identifierName ?? "", range: nameToken.range)
        var arguments: [Argument] = []
        while true {
            let token = current()
            if token.endsStatement { break }
            if case .identifier(let label) = token.kind, tokens[index + 1].kind == .equals {
                advance()
                advance()
                let value = try parseCommandValue()
                arguments.append(Argument(label: Name(label, range: token.range), value: value,
                                          range: range(from: token.range)))
                continue
            }
            switch token.kind {
            case .identifier, .number, .dimensions, .string, .leftBracket, .leftParen:
                let value = try parseCommandValue()
                arguments.append(Argument(label: nil, value: value, range: value.range))
                continue
            case .minus where token.spaceBefore && isAdjacentNumber(index + 1):
                let value = try parseCommandValue()
                arguments.append(Argument(label: nil, value: value, range: value.range))
                continue
            default:
                break
            }
            throw unexpected(token) { parser in
                let command = name.text
                switch token.kind {
                case .comma:
                    return Diagnostic("the arguments of '\(command)' are separated by spaces, not commas",
                                      at: token.range, hint: "write \(command) a b, or call it as \(command)(a, b)")
                case .equals:
                    return Diagnostic("'=' cannot appear here", at: token.range,
                                      hint: "name an option with a word right before '=', like lr=0.1")
                case .plus, .minus, .star, .slash, .at, .colon:
                    return Diagnostic("unexpected \(parser.describe(token)) in the arguments of '\(command)'",
                                      at: token.range,
                                      hint: "put a computed argument in parentheses, like \(command) (a - 1)")
                default:
                    return Diagnostic("unexpected \(parser.describe(token)) in the arguments of '\(command)'",
                                      at: token.range)
                }
            }
        }
        return Statement(.command(Command(name: name, arguments: arguments)), range: range(from: nameToken.range))
    }

    /// One command argument value: a negative number, or a postfix expression whose '(' and '[' touch it.
    mutating func parseCommandValue() throws(Failure) -> Expr {
        let token = current()
        if token.kind == .minus && isAdjacentNumber(index + 1) {
            advance()
            let number = try parsePrimary()
            return try make(.negate(number), range: range(from: token.range), at: token)
        }
        return try parsePostfix(spacedPostfix: false)
    }

    // MARK: - Expressions

    mutating func parseExpression() throws(Failure) -> Expr {
        var lhs = try parseTerm()
        while true {
            let token = current()
            let op: BinaryOperator
            switch token.kind {
            case .plus: op = .add
            case .minus: op = .subtract
            default: return lhs
            }
            if inMatrixRow && token.spaceBefore && !tokens[index + 1].spaceBefore
                && tokens[index + 1].kind != .newline {
                let written = source.text(in: token.range.through(tokens[index + 1].range))
                throw failure(at: index, Diagnostic(
                    "'\(written.prefix(30))' is ambiguous inside brackets", at: token.range,
                    hint: "write '\(source.text(in: lhs.range).prefix(20)), \(written.prefix(20))' for two values or put spaces on both sides of '\(op.symbol)'"))
            }
            advance()
            let rhs = try parseTerm()
            lhs = try make(.binary(op, lhs, rhs), range: lhs.range.through(rhs.range), at: token)
        }
    }

    mutating func parseTerm() throws(Failure) -> Expr {
        var lhs = try parseUnary()
        while true {
            let token = current()
            let op: BinaryOperator
            switch token.kind {
            case .star: op = .multiply
            case .slash: op = .divide
            case .at: op = .matrixProduct
            default: return lhs
            }
            advance()
            let rhs = try parseUnary()
            lhs = try make(.binary(op, lhs, rhs), range: lhs.range.through(rhs.range), at: token)
        }
    }

    mutating func parseUnary() throws(Failure) -> Expr {
        let token = current()
        guard token.kind == .minus else { return try parsePostfix(spacedPostfix: !inMatrixRow) }
        try enterNesting(at: token)
        defer { depth -= 1 }
        advance()
        let operand = try parseUnary()
        return try make(.negate(operand), range: token.range.through(operand.range), at: token)
    }

    /// A primary followed by calls and indexing. With `spacedPostfix` false, a '(' or '[' after a space
    /// is not attached (command arguments and bracket rows are separated by spaces).
    mutating func parsePostfix(spacedPostfix: Bool) throws(Failure) -> Expr {
        var expr = try parsePrimary()
        while true {
            let token = current()
            guard token.kind == .leftParen || token.kind == .leftBracket else { return expr }
            if !spacedPostfix && token.spaceBefore { return expr }
            if token.kind == .leftParen {
                expr = try parseCall(expr)
            } else {
                expr = try parseIndex(expr)
            }
        }
    }

    mutating func parsePrimary() throws(Failure) -> Expr {
        let token = current()
        switch token.kind {
        case .number(let literal):
            advance()
            return Expr(.number(literal), range: token.range)
        case .dimensions(let sizes):
            advance()
            return Expr(.dimensions(sizes), range: token.range)
        case .string(let value):
            advance()
            return Expr(.string(value), range: token.range)
        case .identifier(let name):
            advance()
            return Expr(.identifier(name), range: token.range)
        case .leftParen:
            return try parseParenthesized()
        case .leftBracket:
            return try parseMatrix()
        default:
            throw unexpected(token) { parser in parser.expectedValue(found: token) }
        }
    }

    /// The message for a missing value where `token` stands.
    func expectedValue(found token: Token) -> Diagnostic {
        if token.kind == .equals {
            if index == statementStart {
                return Diagnostic("'=' needs a name on its left", at: token.range, hint: "write: name = value")
            }
            return Diagnostic("'=' cannot appear here", at: token.range,
                              hint: "use '=' to set a name (x = 1) or to name an argument (stride=2)")
        }
        guard let previous else {
            return Diagnostic("unexpected \(describe(token)) at the start of a statement", at: token.range)
        }
        let after = describe(previous)
        if token.endsStatement {
            return Diagnostic("expected a value after \(after)", at: previous.range.afterEnd,
                              hint: "the statement ends before the expression is complete")
        }
        return Diagnostic("expected a value after \(after), found \(describe(token))", at: token.range)
    }

    mutating func parseParenthesized() throws(Failure) -> Expr {
        let open = current()
        try enterBracket(open, skippingNewlines: true)
        defer { leaveBracket() }
        advance()
        if check(.rightParen) {
            throw failure(at: index, Diagnostic("empty parentheses", at: open.range.through(current().range),
                                                hint: "put a value inside ( ), or remove them"))
        }
        let inner = try parseExpression()
        let close = current()
        guard close.kind == .rightParen else {
            throw unexpected(close) { parser in
                Diagnostic("expected ')' after \(Diagnostic.quoted(parser.source.text(in: inner.range))), found \(parser.describe(close))",
                           at: close.range, hint: "missing an operator, or a ')'?")
            }
        }
        advance()
        return Expr(inner.kind, range: open.range.through(close.range))
    }

    mutating func parseCall(_ callee: Expr) throws(Failure) -> Expr {
        let open = current()
        guard case .identifier(let functionName) = callee.kind else {
            throw failure(at: index, Diagnostic(
                "only a function name can be called", at: open.range,
                hint: "call a function by its name, like relu(x)"))
        }
        let function = Name(functionName, range: callee.range)
        try enterBracket(open, skippingNewlines: true)
        defer { leaveBracket() }
        advance()
        var arguments: [Argument] = []
        while !check(.rightParen) {
            let start = current()
            if case .identifier(let label) = start.kind, next().kind == .equals {
                advance()
                advance()
                let value = try parseExpression()
                if let earlier = arguments.first(where: { $0.label?.text == label }) {
                    throw failure(at: index, Diagnostic(
                        "'\(label)' is given twice in this call of '\(functionName)'", at: start.range,
                        hint: "give each option once", notes: [DiagnosticNote("the first '\(label)' is here", range: earlier.range)]))
                }
                arguments.append(Argument(label: Name(label, range: start.range), value: value, range: range(from: start.range)))
            } else {
                let value = try parseExpression()
                if let keyword = arguments.last?.label {
                    throw failure(at: index, Diagnostic(
                        "a positional argument cannot follow the keyword argument '\(keyword.text)'", at: value.range,
                        hint: "put positional arguments first, like conv(image, k, stride=2)"))
                }
                arguments.append(Argument(label: nil, value: value, range: value.range))
            }
            let separator = current()
            if separator.kind == .comma {
                advance()
                continue
            }
            guard separator.kind == .rightParen else {
                throw unexpected(separator) { parser in
                    Diagnostic("expected ',' or ')' after the argument, found \(parser.describe(separator))",
                               at: separator.range, hint: "separate arguments with commas: \(functionName)(a, b)")
                }
            }
        }
        let close = advance()
        return try make(.call(function, arguments), range: callee.range.through(close.range), at: open)
    }

    mutating func parseIndex(_ base: Expr) throws(Failure) -> Expr {
        let open = current()
        try enterBracket(open, skippingNewlines: true)
        defer { leaveBracket() }
        advance()
        if check(.rightBracket) {
            throw failure(at: index, Diagnostic(
                "an index needs at least one position", at: open.range.through(current().range),
                hint: "write a position like x[0] or x[:, 0]"))
        }
        var subscripts: [Subscript] = []
        while !check(.rightBracket) {
            subscripts.append(try parseSubscript())
            let separator = current()
            if separator.kind == .comma {
                advance()
                continue
            }
            guard separator.kind == .rightBracket else {
                throw unexpected(separator) { parser in
                    Diagnostic("expected ',' or ']' in the index, found \(parser.describe(separator))",
                               at: separator.range, hint: "separate positions with commas: f[1, 2]")
                }
            }
        }
        let close = advance()
        return try make(.index(base, subscripts), range: base.range.through(close.range), at: open)
    }

    /// One position of an index: `e`, or a slice `start:stop:step` with any part left out.
    mutating func parseSubscript() throws(Failure) -> Subscript {
        let first = current()
        var start: Expr?
        if first.kind != .colon {
            let value = try parseExpression()
            guard check(.colon) else { return Subscript(.index(value), range: value.range) }
            start = value
        }
        advance()  // the first ':'
        var stop: Expr?
        var step: Expr?
        if !endsSlicePart(current()) { stop = try parseExpression() }
        if check(.colon) {
            advance()
            if !endsSlicePart(current()) { step = try parseExpression() }
        }
        return Subscript(.slice(start: start, stop: stop, step: step), range: range(from: first.range))
    }

    /// Whether `token` ends one part of a slice (so the part is left out).
    func endsSlicePart(_ token: Token) -> Bool {
        switch token.kind {
        case .colon, .comma, .rightBracket: return true
        default: return false
        }
    }

    /// A bracket literal: values separated by ',' in rows separated by ';' or newlines.
    mutating func parseMatrix() throws(Failure) -> Expr {
        let open = current()
        try enterBracket(open, skippingNewlines: false)
        defer { leaveBracket() }
        inMatrixRow = true
        advance()
        var rows: [[Expr]] = []
        var row: [Expr] = []
        var afterComma = false
        while true {
            let token = current()
            switch token.kind {
            case .rightBracket:
                advance()
                if !row.isEmpty { rows.append(row) }
                return try make(.matrix(rows), range: open.range.through(token.range), at: open)
            case .newline where afterComma:
                advance()  // "1, 2,\n 3" continues the row
                continue
            case .newline, .semicolon:
                advance()
                if !row.isEmpty { rows.append(row) }
                row = []
                afterComma = false
                continue
            case .comma where !afterComma && !row.isEmpty:
                advance()
                afterComma = true
                continue
            default:
                break
            }
            if !row.isEmpty && !afterComma {
                throw unexpected(token) { parser in
                    Diagnostic("expected ',' between values, found \(parser.describe(token))", at: token.range,
                               hint: "separate values with commas and rows with ';', like [1, 2; 3, 4]")
                }
            }
            row.append(try parseExpression())
            afterComma = false
        }
    }

    // MARK: - Model blocks

    /// `model NAME SHAPE` ... `end`. Reports its own errors line by line and never throws.
    mutating func parseModel() -> Statement {
        let keyword = advance()
        var name: Name?
        let nameToken = current()
        if case .identifier(let text) = nameToken.kind {
            advance()
            name = Name(text, range: nameToken.range)
        } else if case .invalid = nameToken.kind {
            // parseWords reports what the lexer could not read.
        } else {
            let at = nameToken.endsStatement ? keyword.range.afterEnd : nameToken.range
            report(Diagnostic("a model needs a name", at: at,
                              hint: "write the name and the input shape: model mnist 28x28x1"))
        }
        let (inputShape, headerOK) = parseWords()
        if let name, headerOK, inputShape.isEmpty {
            report(Diagnostic("the model '\(name.text)' needs an input shape", at: name.range.afterEnd,
                              hint: "write the shape after the name: model \(name.text) 28x28x1 (height x width x channels), or model \(name.text) 784"))
        }
        let blockName = name.map { "'\($0.text)'" } ?? "block"
        var layers: [LayerLine] = []
        while diagnostics.count < Parser.maxDiagnostics {
            while tokens[index].kind == .newline || tokens[index].kind == .semicolon { index += 1 }
            let token = current()
            let lineStart = index
            let setsName = token.identifierName != nil && tokens[index + 1].kind == .equals
            func neverClosed(note: String?) -> Diagnostic {
                Diagnostic("the model \(blockName) is never closed", at: keyword.range,
                           hint: "add a line 'end' after the last layer",
                           notes: note.map { [DiagnosticNote($0, range: token.range)] } ?? [])
            }
            if setsName {
                report(neverClosed(note: "this line sets a name, so it is not a layer"))
                return modelStatement(keyword, name, inputShape, layers, end: nil)
            }
            switch token.kind {
            case .endOfInput:
                report(neverClosed(note: nil), unclosedAtEnd: true)
                return modelStatement(keyword, name, inputShape, layers, end: nil)
            case .identifier("end"):
                advance()
                let endRange = token.range
                if !current().endsStatement {
                    report(Diagnostic("nothing may follow 'end' in the same statement", at: current().range,
                                      hint: "start a new line after 'end'"))
                    skipToStatementEnd()
                }
                return modelStatement(keyword, name, inputShape, layers, end: endRange)
            case .identifier("model"):
                report(neverClosed(note: "a new model block starts here"))
                return modelStatement(keyword, name, inputShape, layers, end: nil)
            case .identifier(let layerName):
                advance()
                let (words, _) = parseWords()
                layers.append(LayerLine(keyword: Name(layerName, range: token.range), words: words,
                                        range: token.range.through(tokens[max(lineStart, index - 1)].range)))
            default:
                let failure = unexpected(token) { parser in
                    Diagnostic("a layer line starts with the layer's name, not \(parser.describe(token))",
                               at: token.range, hint: "for example: conv 32 3x3 relu same")
                }
                report(failure.diagnostic)
                skipToStatementEnd()
            }
        }
        return modelStatement(keyword, name, inputShape, layers, end: nil)
    }

    /// Builds the statement for a model block.
    func modelStatement(_ keyword: Token, _ name: Name?, _ inputShape: [Word], _ layers: [LayerLine],
                        end: SourceRange?) -> Statement {
        let decl = ModelDecl(keywordRange: keyword.range, name: name, inputShape: inputShape, layers: layers,
                             endRange: end)
        let last = end ?? layers.last?.range ?? inputShape.last?.range ?? name?.range ?? keyword.range
        return Statement(.model(decl), range: keyword.range.through(last))
    }

    /// The words of one model line, up to the end of the statement. On a bad word, reports it and skips
    /// the rest of the line; returns the words read and whether the line was free of errors.
    mutating func parseWords() -> ([Word], Bool) {
        var words: [Word] = []
        while true {
            let token = current()
            if token.endsStatement { return (words, true) }
            let text = source.text(in: token.range)
            switch token.kind {
            case .number(let literal) where tokens[index + 1].kind != .equals:
                advance()
                words.append(Word(.number(literal), text: text, range: token.range))
                continue
            case .dimensions(let sizes):
                advance()
                words.append(Word(.dimensions(sizes), text: text, range: token.range))
                continue
            case .identifier(let name) where tokens[index + 1].kind != .equals:
                advance()
                words.append(Word(.identifier(name), text: text, range: token.range))
                continue
            case .minus where isAdjacentNumber(index + 1):
                if case .number(let literal) = tokens[index + 1].kind {
                    advance()
                    let number = advance()
                    let negative = NumberLiteral(value: -literal.value, text: "-" + literal.text,
                                                 integer: literal.integer.map { -$0 })
                    words.append(Word(.number(negative), text: "-" + literal.text,
                                      range: token.range.through(number.range)))
                    continue
                }
            default:
                break
            }
            let failure = unexpected(token) { parser in
                if parser.tokens[parser.index + 1].kind == .equals {
                    return Diagnostic("layer options are written without '='", at: parser.tokens[parser.index + 1].range,
                                      hint: "write the option and its value as words, like: conv 32 3x3 stride 2")
                }
                return Diagnostic("a model line holds numbers, sizes like 3x3 and names, not \(parser.describe(token))",
                                  at: token.range, hint: "for example: conv 32 3x3 stride 2 relu same")
            }
            report(failure.diagnostic)
            skipToStatementEnd()
            return (words, false)
        }
    }

    /// Skips tokens up to (not including) the next newline, ';' or end of input.
    mutating func skipToStatementEnd() {
        while !tokens[index].endsStatement { index += 1 }
    }

    // MARK: - Nesting

    /// Counts one more level of nesting, failing beyond `maxNestingDepth`.
    mutating func enterNesting(at token: Token) throws(Failure) {
        depth += 1
        if depth > Parser.maxNestingDepth {
            throw failure(at: index, Parser.tooDeep(at: token.range))
        }
    }

    /// Enters a bracket: counts the nesting, remembers the bracket, and sets how newlines count inside.
    mutating func enterBracket(_ open: Token, skippingNewlines: Bool) throws(Failure) {
        try enterNesting(at: open)
        openBrackets.append(open)
        savedModes.append((skipNewlines, inMatrixRow))
        skipNewlines = skippingNewlines
        inMatrixRow = false
    }

    /// Leaves the innermost bracket, restoring how newlines counted outside it.
    mutating func leaveBracket() {
        depth -= 1
        if !openBrackets.isEmpty { openBrackets.removeLast() }
        if let (skip, matrix) = savedModes.popLast() {
            skipNewlines = skip
            inMatrixRow = matrix
        }
    }

    /// Builds an expression node, failing if the tree would grow taller than `maxNestingDepth`.
    func make(_ kind: Expr.Kind, range: SourceRange, at token: Token) throws(Failure) -> Expr {
        let expr = Expr(kind, range: range)
        if expr.height > Parser.maxNestingDepth {
            throw failure(at: index, Parser.tooDeep(at: token.range))
        }
        return expr
    }

    /// The error for an expression that nests too deeply.
    static func tooDeep(at range: SourceRange) -> Diagnostic {
        Diagnostic("expression nests deeper than \(maxNestingDepth) levels", at: range,
                   hint: "split it into several statements with intermediate names")
    }

    // MARK: - Errors

    /// A failure at the current token.
    func failure(at tokenIndex: Int, _ diagnostic: Diagnostic) -> Failure {
        Failure(diagnostic: diagnostic, at: tokenIndex, resumeAt: nil)
    }

    /// The failure for an unexpected token, with the general cases handled first: a token the lexer could
    /// not read, the end of input (or a line that looks like a new statement) inside an open bracket, and a
    /// closing bracket that matches nothing. Otherwise `specific` builds the message.
    func unexpected(_ token: Token, _ specific: (Parser) -> Diagnostic) -> Failure {
        if let lexical = Lexer.diagnostic(for: token, in: source) {
            return failure(at: index, lexical)
        }
        if let open = openBrackets.last {
            let neverClosed = Diagnostic("this '\(open.kind.symbol ?? "(")' is never closed", at: open.range,
                                         hint: "add '\(closer(of: open))' where it should end")
            if token.kind == .endOfInput {
                return Failure(diagnostic: neverClosed, at: index, resumeAt: nil, unclosedAtEnd: true)
            }
            if let lineStart = newStatementLine(at: index, after: open) {
                return Failure(diagnostic: neverClosed, at: index, resumeAt: lineStart)
            }
        }
        if token.kind == .rightParen || token.kind == .rightBracket {
            let symbol = token.kind.symbol ?? ")"
            guard let open = openBrackets.last else {
                let opener = token.kind == .rightParen ? "(" : "["
                return failure(at: index, Diagnostic("this '\(symbol)' has no matching '\(opener)'", at: token.range,
                                                     hint: "remove it, or add the '\(opener)' it closes"))
            }
            let expected = closer(of: open)
            if symbol != expected {
                return failure(at: index, Diagnostic(
                    "'\(symbol)' does not close the '\(open.kind.symbol ?? "(")' at \(open.range.start)",
                    at: token.range, hint: "close it with '\(expected)'",
                    notes: [DiagnosticNote("the '\(open.kind.symbol ?? "(")' is here", range: open.range)]))
            }
        }
        return failure(at: index, specific(self))
    }

    /// The closing bracket for an opening one.
    func closer(of open: Token) -> String {
        open.kind == .leftBracket ? "]" : ")"
    }

    /// If the token at `tokenIndex` sits on a later line than `open` and its line looks like a new statement
    /// (it starts the line, or it is the '=' of `name =` starting the line) with no closing bracket for
    /// `open` on that line, returns the index of the line's first token.
    func newStatementLine(at tokenIndex: Int, after open: Token) -> Int? {
        let token = tokens[tokenIndex]
        guard token.range.start.line > open.range.start.line else { return nil }
        var lineStart = tokenIndex
        while lineStart > 0 && tokens[lineStart - 1].kind != .newline { lineStart -= 1 }
        let startsLine = lineStart == tokenIndex
        let assignsName = token.kind == .equals && lineStart + 1 == tokenIndex
            && tokens[lineStart].identifierName != nil
        guard startsLine || assignsName else { return nil }
        var nesting = 0
        var i = tokenIndex
        while i < tokens.count && tokens[i].kind != .newline && tokens[i].kind != .endOfInput {
            switch tokens[i].kind {
            case .leftParen, .leftBracket: nesting += 1
            case .rightParen, .rightBracket:
                nesting -= 1
                if nesting < 0 { return nil }
            default: break
            }
            i += 1
        }
        return lineStart
    }

    /// A token as a message names it: 'conv', '3x3', ')', a string, the end of the line.
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .newline: return "the end of the line"
        case .endOfInput: return "the end of the input"
        case .string: return "a string"
        default: return Diagnostic.quoted(source.text(in: token.range))
        }
    }
}
