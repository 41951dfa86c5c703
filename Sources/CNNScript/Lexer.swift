// Lexer: turns source text into tokens, one pass over its Unicode scalars.
//
// The rules, in the order they are tried at each position:
//   - spaces, tabs, "\r" and form feeds separate tokens; "#" starts a comment to the end of the line;
//     a byte-order mark at the very start is skipped
//   - "\n" is a `newline` token (the parser decides whether it ends a statement or a matrix row)
//   - a digit (or "." before a digit) starts a number: 42, 0.5, .5, 5., 1e-3, 2.5E+4; digits, "x" and
//     a digit start a size literal instead: 3x3, 28x28x1, 3x3x32x64
//   - a letter or "_" starts a name; later characters may also be digits (Unicode letters are allowed)
//   - '"' starts a string, which must close on the same line; escapes are \" \\ \n \t; a control
//     character typed into it (ESC, BEL, ...) makes it invalid, so no string can drive the terminal
//     (clear the screen, set the title) when it is shown in a header, `vars` or an error
//   - ( ) [ ] , ; : = + - * / @ are one-character tokens
// Anything else is an `invalid` token. The lexer never stops early: every character ends up in a token,
// and the last token is always `endOfInput`. Tokens never span lines.

/// Splits source text into tokens.
public enum Lexer {
    /// The tokens of `source`, ending with `endOfInput`. Unreadable text becomes `invalid` tokens;
    /// `diagnostic(for:in:)` turns one into an error message.
    public static func tokenize(_ source: SourceText) -> [Token] {
        var scanner = Scanner(scalars: source.scalars)
        return scanner.run()
    }

    /// The error message for an `invalid` token (nil for any other token).
    public static func diagnostic(for token: Token, in source: SourceText) -> Diagnostic? {
        guard case .invalid(let error) = token.kind else { return nil }
        let lexeme = source.text(in: token.range)
        let quoted = Diagnostic.quoted(lexeme)
        switch error {
        case .unexpectedCharacter(let scalar):
            let hint = scalar == "." ? attributeHint(at: token.range.start.offset, in: source) : hint(forUnexpected: scalar)
            return Diagnostic("unexpected character \(Diagnostic.describe(character: scalar))",
                              at: token.range, hint: hint)
        case .unterminatedString:
            let quote = SourceRange(start: token.range.start, end: SourcePosition(
                line: token.range.start.line, column: token.range.start.column + 1, offset: token.range.start.offset + 1))
            return Diagnostic("this string is never closed", at: quote,
                              hint: "add a closing \" on the same line")
        case .unknownEscape(let scalar, let range):
            return Diagnostic("unknown escape '\\\(Character(scalar))' in a string", at: range,
                              hint: "the escapes are \\\" \\\\ \\n \\t; write \\\\ for a backslash")
        case .integerTooLarge:
            return Diagnostic("the integer \(quoted) is too large", at: token.range,
                              hint: "integers go up to \(Int.max); write a large decimal number like 1e20")
        case .numberTooLarge:
            return Diagnostic("the number \(quoted) is too large", at: token.range,
                              hint: "the largest number is about 1.8e308")
        case .exponentWithoutDigits:
            return Diagnostic("the exponent of \(quoted) has no digits", at: token.range,
                              hint: "write an exponent like 1e-3 or 2.5E+4")
        case .numberRunsIntoLetters:
            let letters = lexeme.unicodeScalars.drop(while: { isDigit($0) })
            if letters.first == "x" {
                return Diagnostic("\(quoted) is not a size", at: token.range,
                                  hint: "a size has whole numbers joined by x, like 3x3 or 28x28x1")
            }
            return Diagnostic("\(quoted) is not a number or a name", at: token.range,
                              hint: "a name starts with a letter; put a space or an operator after a number")
        case .dimensionTooLarge:
            return Diagnostic("the size \(quoted) is too large", at: token.range,
                              hint: "each dimension of a size must be at most \(Int.max)")
        }
    }

    /// A suggestion for a character that starts no token, or nil.
    /// The hint for a '.' between names, Python's attribute and module syntax (issue 17): `np.ones(3, 3)`,
    /// `x.shape`, `x.T` and the like say how cnnrepl writes them.
    static func attributeHint(at offset: Int, in source: SourceText) -> String? {
        let scalars = source.scalars
        func word(from start: Int, step: Int) -> String {
            var i = start, found: [Unicode.Scalar] = []
            while i >= 0, i < scalars.count, scalars[i] == "_" || scalars[i].properties.isAlphabetic || isDigit(scalars[i]) {
                found.append(scalars[i])
                i += step
            }
            return String(String.UnicodeScalarView(step < 0 ? found.reversed() : found))
        }
        let before = word(from: offset - 1, step: -1), after = word(from: offset + 1, step: 1)
        guard !before.isEmpty, !after.isEmpty else { return nil }
        if ["np", "numpy", "tf", "torch", "keras"].contains(before) {
            return Builtins.named(after) != nil
                ? "cnnrepl's built-ins need no \(before). prefix: write \(after)(...); help \(after) shows its arguments"
                : "cnnrepl has no \(before). module; type help for its built-ins"
        }
        switch after {
        case "shape": return "write shape(\(before)), which prints its sizes"
        case "T": return "write transpose(\(before))"
        case "ndim", "size": return "write shape(\(before)): its sizes, one per axis"
        default:
            return Builtins.named(after) != nil ? "write \(after)(\(before), ...): built-ins are functions, not methods"
                : "cnnrepl has no attributes or methods (\(before).\(after)); type help for its built-ins"
        }
    }

    static func hint(forUnexpected scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x27: return "strings use double quotes: \"file.npy\""
        case 0x2018, 0x2019, 0x201C, 0x201D, 0x201E, 0x201F:
            return "use straight double quotes \" for strings"
        case 0x7B, 0x7D: return "use ( ) to group and [ ] for matrices and vectors"
        case 0x5E: return "there is no power operator; multiply instead, e.g. x * x"
        case 0xD7: return "write sizes with the letter x (3x3), products with * (element-wise) or @ (matrix)"
        case 0x2212, 0x2013, 0x2014: return "use the plain minus sign -"
        case 0xFFFD: return "the text is not valid UTF-8 here; save the file as UTF-8"
        default:
            if Diagnostic.isInvisible(scalar) { return "an invisible or unusual space; replace it with an ordinary space" }
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return "remove this control character" }
            return nil
        }
    }

    /// Whether a scalar is an ASCII digit.
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }

    /// Whether a scalar can start a name.
    static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x5F
        }
        return scalar.properties.isXIDStart
    }

    /// Whether a scalar can continue a name.
    static func isNameContinue(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isNameStart(scalar) || isDigit(scalar) }
        return scalar.properties.isXIDContinue
    }
}

// MARK: - The scanner

/// The lexer's state while it walks the scalars of one text.
private struct Scanner {
    let scalars: [Unicode.Scalar]
    var tokens: [Token] = []
    var position = 0
    var line = 1
    var lineStart = 0
    var spaceBefore = true

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    /// The scalar at `offset`, or nil past the end.
    func peek(_ offset: Int) -> Unicode.Scalar? {
        offset < scalars.count ? scalars[offset] : nil
    }

    /// The position of an offset on the current line.
    func location(_ offset: Int) -> SourcePosition {
        SourcePosition(line: line, column: offset - lineStart + 1, offset: offset)
    }

    /// Appends a token that covers `start..<position`.
    mutating func emit(_ kind: TokenKind, from start: Int) {
        tokens.append(Token(kind, range: SourceRange(start: location(start), end: location(position)),
                            spaceBefore: spaceBefore))
        spaceBefore = false
    }

    mutating func run() -> [Token] {
        while let scalar = peek(position) {
            let start = position
            switch scalar {
            case " ", "\t", "\r", "\u{0C}":
                position += 1
                spaceBefore = true
            case "\u{FEFF}" where position == 0:
                position += 1
            case "#":
                while let next = peek(position), next != "\n" { position += 1 }
                spaceBefore = true
            case "\n":
                position += 1
                emit(.newline, from: start)
                line += 1
                lineStart = position
                spaceBefore = true
            case "\"":
                lexString()
            case "(": position += 1; emit(.leftParen, from: start)
            case ")": position += 1; emit(.rightParen, from: start)
            case "[": position += 1; emit(.leftBracket, from: start)
            case "]": position += 1; emit(.rightBracket, from: start)
            case ",": position += 1; emit(.comma, from: start)
            case ";": position += 1; emit(.semicolon, from: start)
            case ":": position += 1; emit(.colon, from: start)
            case "=": position += 1; emit(.equals, from: start)
            case "+": position += 1; emit(.plus, from: start)
            case "-": position += 1; emit(.minus, from: start)
            case "*": position += 1; emit(.star, from: start)
            case "/": position += 1; emit(.slash, from: start)
            case "@": position += 1; emit(.at, from: start)
            case ">":
                // `> file.py`: the file name is the rest of the line, up to a ';' or a '#'.
                position += 1
                var name = String.UnicodeScalarView()
                while let next = peek(position), next != "\n", next != ";", next != "#" {
                    name.append(next)
                    position += 1
                }
                emit(.redirect(String(String(name).trimmingSpaces)), from: start)
            default:
                if Lexer.isDigit(scalar) || (scalar == "." && peek(position + 1).map(Lexer.isDigit) == true) {
                    lexNumber()
                } else if Lexer.isNameStart(scalar) {
                    while let next = peek(position), Lexer.isNameContinue(next) { position += 1 }
                    emit(.identifier(text(from: start)), from: start)
                } else {
                    position += 1
                    emit(.invalid(.unexpectedCharacter(scalar)), from: start)
                }
            }
        }
        emit(.endOfInput, from: position)
        return tokens
    }

    /// The text of `start..<position`.
    func text(from start: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<position])
        return String(view)
    }

    /// Advances over ASCII digits and returns how many there were.
    mutating func skipDigits() -> Int {
        let start = position
        while let next = peek(position), Lexer.isDigit(next) { position += 1 }
        return position - start
    }

    /// Whether a number that ended at `position` runs straight into letters, digits or a point.
    func runsOn() -> Bool {
        guard let next = peek(position) else { return false }
        return Lexer.isNameContinue(next) || next == "."
    }

    /// Consumes the rest of a malformed number (letters, digits, points) and emits it as invalid.
    mutating func emitMalformed(_ error: LexError, from start: Int) {
        while let next = peek(position), Lexer.isNameContinue(next) || next == "." { position += 1 }
        emit(.invalid(error), from: start)
    }

    mutating func lexNumber() {
        let start = position
        let integerDigits = skipDigits()
        // A size literal: digits, then "x" and a digit, repeated.
        if integerDigits > 0, peek(position) == "x", peek(position + 1).map(Lexer.isDigit) == true {
            lexDimensions(from: start)
            return
        }
        var isInteger = true
        if peek(position) == "." {
            position += 1
            isInteger = false
            _ = skipDigits()
        }
        if let e = peek(position), e == "e" || e == "E" {
            isInteger = false
            position += 1
            if let sign = peek(position), sign == "+" || sign == "-" { position += 1 }
            if skipDigits() == 0 {
                emitMalformed(.exponentWithoutDigits, from: start)
                return
            }
        }
        if runsOn() {
            emitMalformed(.numberRunsIntoLetters, from: start)
            return
        }
        let written = text(from: start)
        var integer: Int?
        if isInteger {
            guard let exact = Int(written) else {
                emit(.invalid(.integerTooLarge), from: start)
                return
            }
            integer = exact
        }
        guard let value = Double(written), value.isFinite else {
            emit(.invalid(.numberTooLarge), from: start)
            return
        }
        emit(.number(NumberLiteral(value: value, text: written, integer: integer)), from: start)
    }

    /// Lexes "3x3", "28x28x1", ... starting at `start` (the first digits are already consumed).
    mutating func lexDimensions(from start: Int) {
        var sizes: [Int] = []
        var tooLarge = false
        var digitsStart = start
        while true {
            let digits = text(from: digitsStart)
            if let size = Int(digits) { sizes.append(size) } else { tooLarge = true }
            guard peek(position) == "x", peek(position + 1).map(Lexer.isDigit) == true else { break }
            position += 1
            digitsStart = position
            _ = skipDigits()
        }
        if runsOn() {
            emitMalformed(.numberRunsIntoLetters, from: start)
        } else if tooLarge {
            emit(.invalid(.dimensionTooLarge), from: start)
        } else {
            emit(.dimensions(sizes), from: start)
        }
    }

    mutating func lexString() {
        let start = position
        position += 1
        var value = String.UnicodeScalarView()
        var badEscape: LexError?
        while true {
            guard let scalar = peek(position), scalar != "\n" else {
                emit(.invalid(.unterminatedString), from: start)
                return
            }
            position += 1
            if scalar == "\"" { break }
            if badEscape == nil, scalar != "\t", scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                badEscape = .unexpectedCharacter(scalar)
            }
            guard scalar == "\\" else {
                value.append(scalar)
                continue
            }
            guard let escaped = peek(position), escaped != "\n" else { continue }
            position += 1
            switch escaped {
            case "\"": value.append("\"")
            case "\\": value.append("\\")
            case "n": value.append("\n")
            case "t": value.append("\t")
            default:
                if badEscape == nil {
                    let range = SourceRange(start: location(position - 2), end: location(position))
                    badEscape = .unknownEscape(escaped, range)
                }
            }
        }
        if let badEscape {
            emit(.invalid(badEscape), from: start)
        } else {
            emit(.string(String(value)), from: start)
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
