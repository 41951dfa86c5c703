// Token: the words and symbols of the cnn script language, as the lexer hands them to the parser.
//
// A token knows its kind (with the value of a literal), its source range, and whether whitespace came
// before it. That last bit decides the command form: `f[1]` indexes `f`, while `show [1]` passes a matrix
// to the command `show`; `x - 1` subtracts, while `step k -1` passes -1. Characters the lexer cannot read
// become an `invalid` token that carries the reason, so the parser reports it once and skips the statement.

/// A number as written in the script: its value, its text, and its exact integer value when it is one.
public struct NumberLiteral: Equatable, Hashable, Sendable {
    /// The value as a Double (integers above 2^53 are rounded here; use `integer` for the exact value).
    public var value: Double
    /// The text as written, e.g. "1e-3" or "42".
    public var text: String
    /// The exact value when the literal is written with digits only ("42"), otherwise nil ("2.0", "1e3").
    public var integer: Int?

    /// Creates a number literal.
    public init(value: Double, text: String, integer: Int?) {
        self.value = value
        self.text = text
        self.integer = integer
    }
}

/// Why the lexer could not read a piece of text.
public enum LexError: Equatable, Hashable, Sendable {
    /// A character that starts no token, e.g. '$' or a curly quote.
    case unexpectedCharacter(Unicode.Scalar)
    /// A string whose closing quote is missing before the end of the line.
    case unterminatedString
    /// A backslash escape in a string other than \" \\ \n \t; the range covers the escape.
    case unknownEscape(Unicode.Scalar, SourceRange)
    /// An integer literal larger than Int.max.
    case integerTooLarge
    /// A decimal literal larger than the largest Double.
    case numberTooLarge
    /// A literal like "1e" or "2e+" whose exponent has no digits.
    case exponentWithoutDigits
    /// A number that runs straight into letters, like "3abc" or "2x".
    case numberRunsIntoLetters
    /// A size literal like "3x99999999999999999999" with a dimension larger than Int.max.
    case dimensionTooLarge
}

/// The kind of a token, with the value of literals.
public enum TokenKind: Equatable, Hashable, Sendable {
    /// A name: a letter or underscore, then letters, digits or underscores (Unicode letters allowed).
    case identifier(String)
    /// A number: 42, 0.5, .5, 1e-3, 2.5E+4.
    case number(NumberLiteral)
    /// A size literal: "3x3" is [3, 3], "28x28x1" is [28, 28, 1] (digits and 'x' with no spaces).
    case dimensions([Int])
    /// A string in double quotes, with escapes already resolved.
    case string(String)
    /// `(`
    case leftParen
    /// `)`
    case rightParen
    /// `[`
    case leftBracket
    /// `]`
    case rightBracket
    /// `,`
    case comma
    /// `;` (ends a statement; separates rows inside a matrix literal)
    case semicolon
    /// `:` (in slices)
    case colon
    /// `=`
    case equals
    /// `+`
    case plus
    /// `-`
    case minus
    /// `*` (element-wise product)
    case star
    /// `/` (element-wise division)
    case slash
    /// `@` (matrix product)
    case at
    /// `> file.py`: the rest of the line after `>` (trimmed), naming the file a command writes to
    /// (`code keras mnist > mnist.py`).
    case redirect(String)
    /// The end of a line (ends a statement outside brackets).
    case newline
    /// The end of the text; always the last token.
    case endOfInput
    /// Text the lexer could not read, with the reason.
    case invalid(LexError)
}

/// One token with its position.
public struct Token: Equatable, Hashable, Sendable {
    /// What the token is.
    public var kind: TokenKind
    /// Where it is in the source.
    public var range: SourceRange
    /// Whether whitespace, a comment or a line start comes right before it.
    public var spaceBefore: Bool

    /// Creates a token.
    public init(_ kind: TokenKind, range: SourceRange, spaceBefore: Bool) {
        self.kind = kind
        self.range = range
        self.spaceBefore = spaceBefore
    }

    /// The identifier's name, or nil for other tokens.
    public var identifierName: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    /// Whether the token is a number or a size literal.
    public var isNumeric: Bool {
        switch kind {
        case .number, .dimensions: return true
        default: return false
        }
    }

    /// Whether the token ends a statement outside brackets: a newline, `;` or the end of the text.
    public var endsStatement: Bool {
        switch kind {
        case .newline, .semicolon, .endOfInput: return true
        default: return false
        }
    }
}

extension TokenKind {
    /// The symbol of a punctuation token, e.g. "(" or "@"; nil for other kinds.
    public var symbol: String? {
        switch self {
        case .leftParen: return "("
        case .rightParen: return ")"
        case .leftBracket: return "["
        case .rightBracket: return "]"
        case .comma: return ","
        case .semicolon: return ";"
        case .colon: return ":"
        case .equals: return "="
        case .plus: return "+"
        case .minus: return "-"
        case .star: return "*"
        case .slash: return "/"
        case .at: return "@"
        default: return nil
        }
    }
}

/// The kind of a token without its value: one byte, cheap to compare (the parser keeps an array of these).
enum TokenTag: UInt8, Equatable, Sendable {
    case identifier, number, dimensions, string
    case leftParen, rightParen, leftBracket, rightBracket
    case comma, semicolon, colon, equals, plus, minus, star, slash, at
    case redirect, newline, endOfInput, invalid
}

extension TokenKind {
    /// The kind without its value.
    var tag: TokenTag {
        switch self {
        case .identifier: return .identifier
        case .number: return .number
        case .dimensions: return .dimensions
        case .string: return .string
        case .leftParen: return .leftParen
        case .rightParen: return .rightParen
        case .leftBracket: return .leftBracket
        case .rightBracket: return .rightBracket
        case .comma: return .comma
        case .semicolon: return .semicolon
        case .colon: return .colon
        case .equals: return .equals
        case .plus: return .plus
        case .minus: return .minus
        case .star: return .star
        case .slash: return .slash
        case .at: return .at
        case .redirect: return .redirect
        case .newline: return .newline
        case .endOfInput: return .endOfInput
        case .invalid: return .invalid
        }
    }
}
