// Parser+Errors: the parser's error messages, in one place.
//
// The parser throws a Failure built here whenever the current token cannot continue the statement. The
// general cases come first, whatever the parser expected: a token the lexer could not read; the end of
// the input (or a line that looks like a new statement) inside an open bracket, which is reported at the
// bracket ("this '(' is never closed"); and a closing bracket that matches nothing. Otherwise the message
// says what was expected there, with a hint for the usual slip (a missing comma, a command argument that
// needs parentheses, an '=' in the wrong place).

extension Parser {
    /// What the parser was looking for when it met an unexpected token.
    enum Expectation {
        /// A value: a number, name, string, '(' or '['.
        case value
        /// The ')' closing a parenthesised expression whose inside has this range.
        case closingParenthesis(SourceRange)
        /// ',' or ')' after an argument of this function.
        case argumentSeparator(String)
        /// ',' or ']' after a position in an index.
        case indexSeparator
        /// ',' (or ';', a newline, ']') after a value in a bracket literal.
        case valueSeparator
        /// The end of this statement.
        case statementEnd(Statement)
        /// Another argument of this command.
        case commandArgument(String)
        /// The name at the start of a model line.
        case layerName
        /// A word of a model line.
        case modelWord
        /// A layer option written as `name=value`.
        case layerOption
    }

    /// A failure at the current token.
    func failure(_ diagnostic: Diagnostic) -> Failure {
        Failure(diagnostic: diagnostic, at: index, resumeAt: nil)
    }

    /// The failure for the current token, which cannot continue the statement.
    func unexpected(_ expectation: Expectation) -> Failure {
        let token = tokens[index]
        if let lexical = Lexer.diagnostic(for: token, in: source) {
            return failure(lexical)
        }
        if let open = openBrackets.last {
            let neverClosed = Diagnostic("this '\(tokens[open].kind.symbol ?? "(")' is never closed",
                                         at: tokens[open].range, hint: "add '\(closer(of: open))' where it should end")
            if token.kind == .endOfInput {
                return Failure(diagnostic: neverClosed, at: index, resumeAt: nil, unclosedAtEnd: true)
            }
            if let lineStart = newStatementLine(after: open) {
                return Failure(diagnostic: neverClosed, at: index, resumeAt: lineStart)
            }
        }
        if token.kind == .rightParen || token.kind == .rightBracket {
            let symbol = token.kind.symbol ?? ")"
            guard let open = openBrackets.last else {
                let opener = token.kind == .rightParen ? "(" : "["
                return failure(Diagnostic("this '\(symbol)' has no matching '\(opener)'", at: token.range,
                                          hint: "remove it, or add the '\(opener)' it closes"))
            }
            let expected = closer(of: open)
            let opener = tokens[open].kind.symbol ?? "("
            if symbol != expected {
                return failure(Diagnostic(
                    "'\(symbol)' does not close the '\(opener)' at \(tokens[open].range.start)",
                    at: token.range, hint: "close it with '\(expected)'",
                    notes: [DiagnosticNote("the '\(opener)' is here", range: tokens[open].range)]))
            }
        }
        return failure(message(for: expectation, found: token))
    }

    /// The specific message when `token` is not what `expectation` needed.
    func message(for expectation: Expectation, found token: Token) -> Diagnostic {
        let found = describe(token)
        switch expectation {
        case .value:
            return expectedValue(found: token)
        case .closingParenthesis(let inner):
            return Diagnostic("expected ')' after \(Diagnostic.quoted(source.text(in: inner))), found \(found)",
                              at: token.range, hint: "missing an operator, or a ')'?")
        case .argumentSeparator(let function):
            return Diagnostic("expected ',' or ')' after the argument, found \(found)", at: token.range,
                              hint: "separate arguments with commas: \(function)(a, b)")
        case .indexSeparator:
            return Diagnostic("expected ',' or ']' in the index, found \(found)", at: token.range,
                              hint: "separate positions with commas: f[1, 2]")
        case .valueSeparator:
            return Diagnostic("expected ',' between values, found \(found)", at: token.range,
                              hint: "separate values with commas and rows with ';', like [1, 2; 3, 4]")
        case .statementEnd(let statement):
            return unexpectedAfterStatement(statement, found: token)
        case .commandArgument(let command):
            switch token.kind {
            case .comma:
                return Diagnostic("the arguments of '\(command)' are separated by spaces, not commas",
                                  at: token.range, hint: "write \(command) a b, or call it as \(command)(a, b)")
            case .equals:
                return Diagnostic("'=' cannot appear here", at: token.range,
                                  hint: "name an option with a word right before '=', like lr=0.1")
            case .plus, .minus, .star, .slash, .at, .colon:
                return Diagnostic("unexpected \(found) in the arguments of '\(command)'", at: token.range,
                                  hint: "put a computed argument in parentheses, like \(command) (a - 1)")
            default:
                return Diagnostic("unexpected \(found) in the arguments of '\(command)'", at: token.range)
            }
        case .layerName:
            return Diagnostic("a layer line starts with the layer's name, not \(found)", at: token.range,
                              hint: "for example: conv 32 3x3 relu same")
        case .modelWord:
            let hint = token.kind == .leftParen ? "a model line writes a size as 3x3 (Keras' (3, 3)), e.g. conv 64 3x3"
                                                : "for example: conv 32 3x3 stride 2 relu same"
            return Diagnostic("a model line holds numbers, sizes like 3x3 and names, not \(found)", at: token.range, hint: hint)
        case .layerOption:
            let equals = tokens[min(index + 1, tokens.count - 1)]
            return Diagnostic("layer options are written without '='", at: equals.range,
                              hint: "write the option and its value as words, like: conv 32 3x3 stride 2")
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
        guard let previousIndex else {
            return Diagnostic("unexpected \(describe(token)) at the start of a statement", at: token.range)
        }
        let previous = tokens[previousIndex]
        if token.endsStatement {
            return Diagnostic("expected a value after \(describe(previous))", at: previous.range.afterEnd,
                              hint: "the statement ends before the expression is complete")
        }
        return Diagnostic("expected a value after \(describe(previous)), found \(describe(token))", at: token.range)
    }

    /// The message for a token after a complete statement.
    func unexpectedAfterStatement(_ statement: Statement, found token: Token) -> Diagnostic {
        if token.kind == .equals {
            if case .expression(let lhs) = statement.kind {
                if case .index = lhs.kind {
                    return Diagnostic("only a name, or cells of a name, can be given a value with '='", at: lhs.range,
                                      hint: "set cells with one pair of brackets after the name, e.g. x[0, 1] = 3 or w[:, 3] = 1")
                }
                return Diagnostic("only a name, or cells of a name, can be given a value with '='", at: lhs.range,
                                  hint: "write a name on the left, like y = \(source.text(in: lhs.range).prefix(30))")
            }
            return Diagnostic("'=' cannot appear inside an expression", at: token.range,
                              hint: "a statement sets one name; write each assignment on its own line")
        }
        var hint = "missing an operator or a ';' between them?"
        if case .assignment(_, let value) = statement.kind, let function = value.identifierName,
           token.identifierName != nil || token.isNumeric {
            let argument = source.text(in: token.range).prefix(30)
            hint = "to apply '\(function)' to '\(argument)' inside an expression, write \(function)(\(argument))"
        }
        return Diagnostic("unexpected \(describe(token)) after the expression", at: token.range, hint: hint)
    }

    /// The failure for `1 -2` inside brackets, where a sign could start a new value or subtract.
    func ambiguousSign(at opIndex: Int) -> Failure {
        let sign = tokens[opIndex]
        let written = source.text(in: sign.range.through(tokens[opIndex + 1].range))
        let symbol = sign.kind.symbol ?? "-"
        return failure(Diagnostic(
            "\(Diagnostic.quoted(written)) is ambiguous inside brackets", at: sign.range,
            hint: "write ', \(written.prefix(30))' for a new value, or put spaces on both sides of '\(symbol)'"))
    }

    /// The failure for `()` or `x[]`.
    func emptyBrackets(open: Int) -> Failure {
        let range = tokens[open].range.through(tokens[index].range)
        if tokens[open].kind == .leftParen {
            return failure(Diagnostic("empty parentheses", at: range, hint: "put a value inside ( ), or remove them"))
        }
        return failure(Diagnostic("an index needs at least one position", at: range,
                                  hint: "write a position like x[0] or x[:, 0]"))
    }

    /// The failure for a call of something other than a name, like `(f)(x)`.
    func notCallable(open: Int) -> Failure {
        failure(Diagnostic("only a function name can be called", at: tokens[open].range,
                           hint: "call a function by its name, like relu(x)"))
    }

    /// The failure for a keyword argument given twice.
    func repeatedKeyword(_ label: String, at labelIndex: Int, earlier: SourceRange, function: String) -> Failure {
        failure(Diagnostic("'\(label)' is given twice in this call of '\(function)'", at: tokens[labelIndex].range,
                           hint: "give each option once",
                           notes: [DiagnosticNote("the first '\(label)' is here", range: earlier)]))
    }

    /// The failure for a positional argument after a keyword argument.
    func positionalAfterKeyword(_ range: SourceRange, keyword: String) -> Failure {
        failure(Diagnostic("a positional argument cannot follow the keyword argument '\(keyword)'", at: range,
                           hint: "put positional arguments first, like conv(image, k, stride=2)"))
    }

    /// A failure for a state the parser should never reach (reported rather than trapping).
    func internalFailure() -> Failure {
        failure(Diagnostic("the parser lost its place here", at: tokens[index].range,
                           hint: "this is a bug in cnnrepl; please report it with this input"))
    }

    /// The error for an expression that nests too deeply; `tall` when it comes from a long operator chain.
    static func tooDeep(at range: SourceRange, tall: Bool = false) -> Diagnostic {
        Diagnostic("expression nests deeper than \(maxNestingDepth) levels", at: range,
                   hint: tall ? "each operator or call adds a level, so a chain a + b + c + ... of more than \(maxNestingDepth) terms is too deep as well; split it into several statements with intermediate names (s1 = a + b + ..., then s1 + ...)"
                              : "split it into several statements with intermediate names")
    }

    /// The closing bracket for the opening bracket at `open`.
    func closer(of open: Int) -> String {
        tokens[open].kind == .leftBracket ? "]" : ")"
    }

    /// If the current token sits on a later line than the bracket at `open` and its line looks like a new
    /// statement (the token starts the line, or it is the '=' of a `name =` starting the line), and no
    /// bracket on that line closes `open`, returns the index of the line's first token.
    func newStatementLine(after open: Int) -> Int? {
        let token = tokens[index]
        guard token.range.start.line > tokens[open].range.start.line else { return nil }
        var lineStart = index
        while lineStart > 0 && tokens[lineStart - 1].kind != .newline { lineStart -= 1 }
        let startsLine = lineStart == index
        let assignsName = token.kind == .equals && lineStart + 1 == index && tokens[lineStart].identifierName != nil
        guard startsLine || assignsName else { return nil }
        var nesting = 0
        var i = index
        while i < tokens.count && tokens[i].kind != .newline && tokens[i].kind != .endOfInput {
            switch tokens[i].kind {
            case .leftParen, .leftBracket:
                nesting += 1
            case .rightParen, .rightBracket:
                nesting -= 1
                if nesting < 0 { return nil }
            default:
                break
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
        case .redirect: return "'>' (writing to a file works only at the end of a command such as code keras mnist > mnist.py)"
        default: return Diagnostic.quoted(source.text(in: token.range))
        }
    }
}
