// Parser: turns tokens into statements, recursive descent with one token of lookahead (two at a
// statement's start), reporting every bad statement once and going on with the next.
//
// Grammar (newlines end statements outside brackets; inside ( ) and index [ ] they are ignored; inside a
// bracket literal they separate rows like `;`):
//   statement  := NAME '=' expr | model | NAME argument+ (a command) | expr
//   argument   := NAME '=' value | value
//   value      := '-' NUMBER | postfix        (in arguments, '(' and '[' attach only without a space)
//   expr       := operand (('+' | '-' | '*' | '/' | '@') operand)*     (* / @ bind tighter than + -)
//   operand    := '-'* postfix
//   postfix    := primary ( '(' arguments ')' | '[' subscripts ']' )*
//   primary    := NUMBER | SIZE | STRING | NAME | '(' expr ')' | '[' rows ']'
//   subscript  := expr | expr? ':' expr? (':' expr?)?
//   model      := 'model' NAME word* (NEWLINE layer)* NEWLINE 'end'      layer := NAME word*
// A statement is a command when its first name is followed, in the same statement, by the start of an
// argument: a name, number, size or string, a '[' after a space, or a '-' after a space and right
// before a number. So `f[1]` indexes, `show [1]` is a command; `x - 1` subtracts, `step k -1` is a command
// (and so is `x -1`: the interpreter says x is not a command). `model` and `end` are keywords at the
// start of a statement unless followed by '='.
//
// Recovery: a statement with an error is reported once and skipped to its end (the next newline or ';'
// outside brackets). When a bracket is left open and a later line looks like a new statement, the error
// points at the bracket ("this '(' is never closed") and parsing resumes on that line.
//
// Limits: brackets, unary minus and expression height nest at most `maxNestingDepth` deep (an error,
// never a stack overflow); at most `maxDiagnostics` errors are reported; the source is at most
// SourceText.maxUTF8Count bytes. The functions on the recursive path keep their frames small (messages
// are built in Parser+Errors.swift), so that even a debug build with sanitizers stays far from the
// stack's end at the deepest nesting allowed.
import CNNCore

/// The statements of a parsed source, the errors found, and whether the source looks unfinished.
public struct ParseResult: Sendable {
    /// The text that was parsed.
    public var source: SourceText
    /// The statements, in order; statements with errors are left out.
    public var statements: [Statement]
    /// The errors, in the order they were found (source order).
    public var diagnostics: [Diagnostic]
    /// Whether the source ends inside an open bracket or model block and has no other error (errors on the
    /// lines of an open model block do not count): a REPL should read another line (showing `...> `)
    /// instead of reporting the diagnostics.
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
        // An open model block stays open in the REPL even when some of its lines have errors: they are
        // reported, each at its line, once `end` closes the block (not as a cascade of top-level errors).
        let isIncomplete = parser.unclosedAtEnd && (parser.otherErrors == 0 || parser.modelOpenAtEnd)
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

    /// A failed statement: the error and where to go on.
    struct Failure: Error {
        /// The error to report.
        var diagnostic: Diagnostic
        /// The token index at which the error was found.
        var at: Int
        /// Resume parsing at this token index (a new statement) instead of skipping to the statement's end.
        var resumeAt: Int?
        /// Whether this error only says that the input ended inside an open bracket or block.
        var unclosedAtEnd = false
    }

    let source: SourceText
    let tokens: [Token]
    /// The kind of each token without its value (cheap to test on the recursive path).
    let tags: [TokenTag]
    /// Whether whitespace comes before each token.
    let spaced: [Bool]
    /// The index of the current token; `tokens` always ends with `endOfInput`, which is never passed.
    var index = 0
    var statements: [Statement] = []
    var diagnostics: [Diagnostic] = []
    /// Errors other than "the input ended inside an open bracket or block".
    var otherErrors = 0
    /// Whether the input ended inside an open bracket or model block.
    var unclosedAtEnd = false
    /// Whether the input ended inside a model block (whose lines may have had errors of their own).
    var modelOpenAtEnd = false
    /// The token index where the current statement starts.
    var statementStart = 0
    /// The index of the last token consumed in this statement.
    var previousIndex: Int?
    /// Whether newlines are skipped (inside parentheses and index brackets).
    var skipNewlines = false
    /// Whether the parser is directly inside a bracket literal's row (where `1 -2` is ambiguous).
    var inMatrixRow = false
    /// The indices of the brackets opened and not yet closed in this statement, innermost last.
    var openBrackets: [Int] = []
    /// How deep the nesting is (brackets and unary minus).
    var depth = 0
    /// The newline mode and matrix-row flag outside each open bracket.
    var savedModes: [(skipNewlines: Bool, inMatrixRow: Bool)] = []

    init(source: SourceText) {
        self.source = source
        let tokens = Lexer.tokenize(source)
        self.tokens = tokens
        self.tags = tokens.map(\.kind.tag)
        self.spaced = tokens.map(\.spaceBefore)
    }

    // MARK: - Tokens

    /// The index of the current token, after skipping newlines where they do not count.
    mutating func at() -> Int {
        if skipNewlines {
            while tags[index] == .newline { index += 1 }
        }
        return index
    }

    /// The current token.
    mutating func current() -> Token {
        tokens[at()]
    }

    /// Whether the current token has this kind.
    mutating func isAt(_ tag: TokenTag) -> Bool {
        tags[at()] == tag
    }

    /// The index of the token after the current one (skipping newlines where they do not count).
    mutating func nextIndex() -> Int {
        var i = at()
        if tags[i] != .endOfInput { i += 1 }
        if skipNewlines {
            while tags[i] == .newline { i += 1 }
        }
        return i
    }

    /// Consumes the current token and returns its index (the end of input is never consumed).
    @discardableResult
    mutating func advance() -> Int {
        let i = at()
        if tags[i] != .endOfInput { index = i + 1 }
        previousIndex = i
        return i
    }

    /// A range from `start` to the end of the last consumed token.
    func range(from start: SourceRange) -> SourceRange {
        guard let previousIndex else { return start }
        return start.through(tokens[previousIndex].range)
    }

    // MARK: - Program and statements

    mutating func parseProgram() {
        while true {
            // Empty statements: blank lines and stray semicolons.
            while tokens[index].kind == .newline || tokens[index].kind == .semicolon { index += 1 }
            if tokens[index].kind == .endOfInput { return }
            statementStart = index
            previousIndex = nil
            skipNewlines = false
            inMatrixRow = false
            openBrackets = []
            savedModes = []
            depth = 0
            do {
                let statement = try parseStatement()
                if case .model = statement.kind {} else {
                    try expectStatementEnd(after: statement)
                }
                statements.append(statement)
            } catch let failure as Failure {
                report(failure)
                recover(from: failure)
            } catch {
                let failure = internalFailure()
                report(failure)
                recover(from: failure)
            }
            if diagnostics.count >= Parser.maxDiagnostics {
                diagnostics.append(Diagnostic("too many errors; stopped after \(Parser.maxDiagnostics)",
                                              at: SourceRange(at: tokens[index].range.start),
                                              hint: "fix the first errors and try again"))
                otherErrors += 1
                return
            }
        }
    }

    /// Records the diagnostic of a failure.
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
        if let resume = failure.resumeAt, resume > statementStart, resume < tokens.count {
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

    mutating func parseStatement() throws -> Statement {
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
                throw failure(Diagnostic("'end' without a 'model' block", at: first.range,
                                         hint: "a model block starts with a line like: model mnist 28x28x1"))
            }
            if startsFirstArgument(at: index + 1) {
                return try parseCommand()
            }
        }
        let expr = try parseExpression()
        // `w[:, 3] = 1`: cells of a variable set.
        if current().kind == .equals, case .index(let base, let subscripts) = expr.kind, let target = base.identifierName {
            advance()
            let value = try parseExpression()
            return Statement(.cellAssignment(Name(target, range: base.range), subscripts, value), range: range(from: first.range))
        }
        return Statement(.expression(expr), range: expr.range)
    }

    /// Checks that the statement ends here (newline, ';' or end of input).
    mutating func expectStatementEnd(after statement: Statement) throws {
        if current().endsStatement { return }
        throw unexpected(.statementEnd(statement))
    }

    // MARK: - Commands

    /// Whether the token at `tokenIndex`, right after a statement's first name, starts a command argument.
    func startsFirstArgument(at tokenIndex: Int) -> Bool {
        let token = tokens[tokenIndex]
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

    mutating func parseCommand() throws -> Statement {
        let nameToken = tokens[advance()]
        let name = Name(nameToken.identifierName ?? "", range: nameToken.range)
        var arguments: [Argument] = []
        while true {
            let token = current()
            if token.endsStatement { break }
            if case .redirect(let path) = token.kind {
                // `code keras mnist > mnist.py` is `code keras mnist file="mnist.py"`.
                guard !path.isEmpty else {
                    throw failure(Diagnostic("'>' needs a file name after it", at: token.range,
                                             hint: "e.g. code keras mnist > mnist.py"))
                }
                advance()
                let label = Name("file", range: token.range)
                let value = try make(.string(path), range: token.range, at: index - 1)
                arguments.append(Argument(label: label, value: value, range: token.range))
                guard current().endsStatement else {
                    throw failure(Diagnostic("'> \(path)' must come last in the command", at: token.range,
                                             hint: "put the file name at the end: \(name.text) ... > file.py"))
                }
                continue
            }
            if case .identifier(let label) = token.kind, tokens[index + 1].kind == .equals {
                advance()
                advance()
                let value = try parseCommandValue()
                arguments.append(Argument(label: Name(label, range: token.range), value: value,
                                          range: range(from: token.range)))
                // `augment=shift=2`: the value `shift` is itself the label of the next setting.
                if current().kind == .equals && !current().spaceBefore, value.identifierName != nil {
                    index -= 1
                    continue
                }
                // `augment=flip,shift=2`: a comma right after a setting joins the next word to it.
                if current().kind == .comma && !current().spaceBefore && !tokens[index + 1].spaceBefore,
                   tokens[index + 1].identifierName != nil {
                    advance()
                }
                continue
            }
            switch token.kind {
            case .identifier, .number, .dimensions, .string, .leftBracket, .leftParen:
                break
            case .minus where token.spaceBefore && isAdjacentNumber(index + 1):
                break
            default:
                throw unexpected(.commandArgument(name.text))
            }
            let value = try parseCommandValue()
            arguments.append(Argument(label: nil, value: value, range: value.range))
        }
        return Statement(.command(Command(name: name, arguments: arguments)), range: range(from: nameToken.range))
    }

    /// One command argument value: a negative number, or a postfix expression whose '(' and '[' touch it.
    mutating func parseCommandValue() throws -> Expr {
        let start = at()
        if tokens[start].kind == .minus && isAdjacentNumber(start + 1) {
            advance()
            let number = try parsePrimary()
            return try make(.negate(number), range: tokens[start].range.through(number.range), at: start)
        }
        return try parseOperand(spacedPostfix: false)
    }
}
