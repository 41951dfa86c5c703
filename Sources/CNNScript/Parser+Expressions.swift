// Parser+Expressions: operators, operands, calls, indexing, slices and bracket literals.
//
// This is the parser's recursive path: parseExpression -> parseOperand -> parsePrimary ->
// parseParenthesized / parseMatrix / parseCall / parseIndex (-> parseSubscript) -> parseExpression.
// Binary operators are resolved with an explicit operator stack and leading minus signs with a loop, so
// only brackets recurse. A design note on stack use: a debug build gives every temporary of a function its
// own stack slot, so a function on this path does nothing itself but test token tags and call helpers
// (which return before the recursion goes deeper); literals, ranges, checks and error messages live in
// those helpers. That keeps a nesting level to a few hundred bytes of stack instead of tens of kilobytes.

extension Parser {
    // MARK: - The recursive path

    /// operand (op operand)*, left-associative, `* / @` binding tighter than `+ -`.
    mutating func parseExpression() throws -> Expr {
        var operands: [Expr] = [try parseOperand(spacedPostfix: !inMatrixRow)]
        var pending: [PendingOperator] = []
        while try shiftOperator(&operands, &pending) {
            operands.append(try parseOperand(spacedPostfix: !inMatrixRow))
        }
        return try reduceAll(&operands, &pending)
    }

    /// '-'* postfix: leading minus signs (each one level of nesting), a primary, then calls and indexing.
    /// With `spacedPostfix` false, a '(' or '[' after a space is not attached (it starts the next command
    /// argument or bracket element).
    mutating func parseOperand(spacedPostfix: Bool) throws -> Expr {
        let minuses = try consumeMinuses()
        var expr = try parsePrimary()
        while let tag = postfixTag(spacedPostfix: spacedPostfix) {
            expr = try tag == .leftParen ? parseCall(expr) : parseIndex(expr)
        }
        return try negate(expr, minuses)
    }

    mutating func parsePrimary() throws -> Expr {
        switch tags[at()] {
        case .leftParen: return try parseParenthesized()
        case .leftBracket: return try parseMatrix()
        default: return try parseLiteral()
        }
    }

    /// '(' expr ')': the expression, with its range widened to the parentheses.
    mutating func parseParenthesized() throws -> Expr {
        let open = try openBracket(skippingNewlines: true)
        try rejectEmpty(open)
        let inner = try parseExpression()
        guard isAt(.comma) else { return try closeParenthesis(open, around: inner) }
        // Python's tuple, (3, 3) or (2, 2): read as the vector [3, 3], which is how cnnrepl writes a pair
        // or a list of sizes (ones((3, 3)), stride=(2, 2)).
        var elements = [inner]
        advance()
        while !isAt(.rightParen) {
            elements.append(try parseExpression())
            try expectSeparator(closing: .rightParen, otherwise: .valueSeparator)
        }
        let close = advance()
        leaveBracket()
        return Expr(.matrix([elements]), range: tokens[open].range.through(tokens[close].range))
    }

    /// NAME '(' arguments ')': positional arguments first, then keyword arguments; a trailing comma is allowed.
    mutating func parseCall(_ callee: Expr) throws -> Expr {
        let function = try calledName(callee)
        let open = try openBracket(skippingNewlines: true)
        var arguments: [Argument] = []
        while !isAt(.rightParen) {
            let label = takeKeyword()
            let value = try parseExpression()
            try addArgument(&arguments, label: label, value: value, function: function.text)
        }
        return try closeCall(open, function: function, arguments: arguments)
    }

    /// base '[' subscripts ']'.
    mutating func parseIndex(_ base: Expr) throws -> Expr {
        let open = try openBracket(skippingNewlines: true)
        try rejectEmpty(open)
        var subscripts: [Subscript] = []
        while !isAt(.rightBracket) {
            subscripts.append(try parseSubscript())
            try expectSeparator(closing: .rightBracket, otherwise: .indexSeparator)
        }
        return try closeIndex(open, base: base, subscripts: subscripts)
    }

    /// One position of an index: `e`, or a slice `start:stop:step` with any part left out.
    mutating func parseSubscript() throws -> Subscript {
        var slice = SliceParts(first: at())
        while nextSlicePart(&slice) {
            slice.parts.append(try parseExpression())
        }
        return makeSubscript(slice)
    }

    /// A bracket literal: values separated by ',' in rows separated by ';' or newlines. Blank rows are
    /// skipped, a newline right after a ',' continues the row, and a trailing ',' is allowed.
    mutating func parseMatrix() throws -> Expr {
        let open = try openBracket(skippingNewlines: false)
        inMatrixRow = true
        var rows: [[Expr]] = []
        var row: [Expr] = []
        var afterComma = false
        while try matrixNeedsValue(&rows, &row, &afterComma) {
            row.append(try parseExpression())
            afterComma = false
        }
        return try closeMatrix(open, rows: rows)
    }

    // MARK: - Operators

    /// A binary operator waiting for its right operand, and the index of its token.
    typealias PendingOperator = (op: BinaryOperator, at: Int)

    /// The operator a token tag stands for, if it is a binary operator.
    static func binaryOperator(_ tag: TokenTag) -> BinaryOperator? {
        switch tag {
        case .plus: return .add
        case .minus: return .subtract
        case .star: return .multiply
        case .slash: return .divide
        case .at: return .matrixProduct
        default: return nil
        }
    }

    /// How tightly an operator binds: `* / @` before `+ -`.
    static func precedence(_ op: BinaryOperator) -> Int {
        switch op {
        case .add, .subtract: return 1
        case .multiply, .divide, .matrixProduct: return 2
        }
    }

    /// If a binary operator comes next: applies the pending operators that bind at least as tightly,
    /// pushes it, consumes it and returns true.
    mutating func shiftOperator(_ operands: inout [Expr], _ pending: inout [PendingOperator]) throws -> Bool {
        let opIndex = at()
        guard let op = Parser.binaryOperator(tags[opIndex]) else { return false }
        if inMatrixRow && (op == .add || op == .subtract) && isAmbiguousSign(at: opIndex) {
            throw ambiguousSign(at: opIndex)
        }
        while let top = pending.last, Parser.precedence(top.op) >= Parser.precedence(op) {
            try reduce(&operands, &pending)
        }
        pending.append((op, opIndex))
        advance()
        return true
    }

    /// Applies all pending operators and returns the single operand left.
    func reduceAll(_ operands: inout [Expr], _ pending: inout [PendingOperator]) throws -> Expr {
        while !pending.isEmpty {
            try reduce(&operands, &pending)
        }
        guard let result = operands.popLast(), operands.isEmpty else { throw internalFailure() }
        return result
    }

    /// Replaces the last two operands with the last pending operator applied to them.
    func reduce(_ operands: inout [Expr], _ pending: inout [PendingOperator]) throws {
        guard let (op, opIndex) = pending.popLast(), let rhs = operands.popLast(), let lhs = operands.popLast() else {
            throw internalFailure()
        }
        operands.append(try make(.binary(op, lhs, rhs), range: lhs.range.through(rhs.range), at: opIndex))
    }

    /// Whether the '+' or '-' at `opIndex` has a space before it and none after (`[1 -2]`).
    func isAmbiguousSign(at opIndex: Int) -> Bool {
        let next = tags[opIndex + 1]
        return spaced[opIndex] && !spaced[opIndex + 1] && next != .newline && next != .endOfInput
    }

    /// Consumes leading minus signs and returns their token indices; each takes one level of nesting
    /// (given back by `negate`), failing beyond the limit.
    mutating func consumeMinuses() throws -> [Int] {
        var minuses: [Int] = []
        while tags[at()] == .minus {
            let minus = advance()
            minuses.append(minus)
            depth += 1
            if depth > Parser.maxNestingDepth {
                throw failure(Parser.tooDeep(at: tokens[minus].range))
            }
        }
        return minuses
    }

    /// Wraps `expr` in one negation per minus sign, innermost (last written) first, and gives back the
    /// nesting levels the signs took.
    mutating func negate(_ expr: Expr, _ minuses: [Int]) throws -> Expr {
        depth -= minuses.count
        var result = expr
        for minus in minuses.reversed() {
            result = try make(.negate(result), range: tokens[minus].range.through(result.range), at: minus)
        }
        return result
    }

    /// The tag of a '(' or '[' that continues a postfix expression here, or nil.
    mutating func postfixTag(spacedPostfix: Bool) -> TokenTag? {
        let next = at()
        let tag = tags[next]
        guard tag == .leftParen || tag == .leftBracket else { return nil }
        if !spacedPostfix && spaced[next] { return nil }
        return tag
    }

    // MARK: - Literals

    /// A number, size, string or name; anything else is an error.
    mutating func parseLiteral() throws -> Expr {
        let i = at()
        let token = tokens[i]
        let kind: Expr.Kind
        switch token.kind {
        case .number(let literal): kind = .number(literal)
        case .dimensions(let sizes): kind = .dimensions(sizes)
        case .string(let value): kind = .string(value)
        case .identifier(let name): kind = .identifier(name)
        default: throw unexpected(.value)
        }
        advance()
        return Expr(kind, range: token.range)
    }

    // MARK: - Brackets

    /// Consumes an opening bracket and enters it; returns its index. Fails beyond the nesting limit, or
    /// when the bracket is closed right away (`()`, `x[]`; an empty bracket literal `[]` is allowed).
    mutating func openBracket(skippingNewlines: Bool) throws -> Int {
        let open = at()
        if depth + 1 > Parser.maxNestingDepth {
            throw failure(Parser.tooDeep(at: tokens[open].range))
        }
        depth += 1
        openBrackets.append(open)
        savedModes.append((skipNewlines, inMatrixRow))
        skipNewlines = skippingNewlines
        inMatrixRow = false
        advance()
        return open
    }

    /// Fails when the bracket at `open` is closed right away: `()` or `x[]`.
    mutating func rejectEmpty(_ open: Int) throws {
        let closing: TokenTag = tags[open] == .leftParen ? .rightParen : .rightBracket
        if isAt(closing) { throw emptyBrackets(open: open) }
    }

    /// Leaves the innermost bracket (after its closing bracket is consumed), restoring how newlines
    /// counted outside it. A failure skips this: the parser resets its state at every statement.
    mutating func leaveBracket() {
        depth -= 1
        if !openBrackets.isEmpty { openBrackets.removeLast() }
        if let (skip, matrix) = savedModes.popLast() {
            skipNewlines = skip
            inMatrixRow = matrix
        }
    }

    /// Consumes the ')' after `inner` and returns `inner` with its range widened to the parentheses.
    mutating func closeParenthesis(_ open: Int, around inner: Expr) throws -> Expr {
        guard isAt(.rightParen) else { throw unexpected(.closingParenthesis(inner.range)) }
        let close = advance()
        leaveBracket()
        return Expr(inner.kind, range: tokens[open].range.through(tokens[close].range))
    }

    /// After one element of a list: consumes a ',' or stops before the closing bracket; anything else fails.
    mutating func expectSeparator(closing: TokenTag, otherwise expectation: Expectation) throws {
        if isAt(.comma) {
            advance()
        } else if !isAt(closing) {
            throw unexpected(expectation)
        }
    }

    // MARK: - Calls

    /// The function name of a call; only a name can be called.
    mutating func calledName(_ callee: Expr) throws -> Name {
        guard let function = callee.identifierName else { throw notCallable(open: at()) }
        return Name(function, range: callee.range)
    }

    /// If `NAME =` comes next, consumes both and returns the name's token index.
    mutating func takeKeyword() -> Int? {
        let label = at()
        guard tags[label] == .identifier, tags[nextIndex()] == .equals else { return nil }
        advance()
        advance()
        return label
    }

    /// Adds a parsed argument, checking the order and repetition of keywords, then consumes the separator.
    mutating func addArgument(_ arguments: inout [Argument], label: Int?, value: Expr, function: String) throws {
        if let label, let text = tokens[label].identifierName {
            if let earlier = arguments.first(where: { $0.label?.text == text }) {
                throw repeatedKeyword(text, at: label, earlier: earlier.range, function: function)
            }
            arguments.append(Argument(label: Name(text, range: tokens[label].range), value: value,
                                      range: tokens[label].range.through(value.range)))
        } else {
            if let keyword = arguments.last?.label {
                throw positionalAfterKeyword(value.range, keyword: keyword.text)
            }
            arguments.append(Argument(label: nil, value: value, range: value.range))
        }
        try expectSeparator(closing: .rightParen, otherwise: .argumentSeparator(function))
    }

    /// Consumes the ')' of a call and builds the call node.
    mutating func closeCall(_ open: Int, function: Name, arguments: [Argument]) throws -> Expr {
        let close = advance()
        leaveBracket()
        return try make(.call(function, arguments), range: function.range.through(tokens[close].range), at: open)
    }

    // MARK: - Indexing

    /// Consumes the ']' of an index and builds the index node.
    mutating func closeIndex(_ open: Int, base: Expr, subscripts: [Subscript]) throws -> Expr {
        let close = advance()
        leaveBracket()
        return try make(.index(base, subscripts), range: base.range.through(tokens[close].range), at: open)
    }

    /// The parts of one subscript read so far: up to three, separated by up to two colons.
    struct SliceParts {
        /// The index of the subscript's first token.
        var first: Int
        /// The parts; nil for a part left out.
        var parts: [Expr?] = []
        /// How many colons were read.
        var colons = 0
        /// Whether the next part is due (at the start and after each colon).
        var partDue = true

        init(first: Int) {
            self.first = first
        }
    }

    /// Reads colons and left-out parts; returns true when an expression part should be parsed next.
    /// The first part is left out only before a ':' (so `x[, 1]` is an error); a later part is left out
    /// before a ':', ',' or ']'.
    mutating func nextSlicePart(_ slice: inout SliceParts) -> Bool {
        while true {
            if slice.partDue {
                slice.partDue = false
                let tag = tags[at()]
                let leftOut = slice.parts.isEmpty
                    ? tag == .colon
                    : tag == .colon || tag == .comma || tag == .rightBracket
                guard leftOut else { return true }
                slice.parts.append(nil)
            }
            guard slice.colons < 2, isAt(.colon) else { return false }
            advance()
            slice.colons += 1
            slice.partDue = true
        }
    }

    /// A subscript from its parts: one part and no colon is an index, otherwise a slice.
    func makeSubscript(_ slice: SliceParts) -> Subscript {
        let parts = slice.parts
        if slice.colons == 0, let only = parts.first, let value = only {
            return Subscript(.index(value), range: value.range)
        }
        let start = parts.first ?? nil
        let stop = parts.count > 1 ? parts[1] : nil
        let step = parts.count > 2 ? parts[2] : nil
        return Subscript(.slice(start: start, stop: stop, step: step), range: range(from: tokens[slice.first].range))
    }

    // MARK: - Bracket literals

    /// Handles separators in a bracket literal until a value is due (returns true) or the ']' closes it
    /// (returns false, the ']' not yet consumed).
    mutating func matrixNeedsValue(_ rows: inout [[Expr]], _ row: inout [Expr], _ afterComma: inout Bool) throws -> Bool {
        while true {
            switch tags[at()] {
            case .rightBracket:
                if !row.isEmpty { rows.append(row) }
                row = []
                return false
            case .newline where afterComma:
                advance()  // "1, 2,\n 3" continues the row
            case .newline, .semicolon:
                advance()
                if !row.isEmpty { rows.append(row) }
                row = []
                afterComma = false
            case .comma where !afterComma && !row.isEmpty:
                advance()
                afterComma = true
            default:
                if !row.isEmpty && !afterComma { throw unexpected(.valueSeparator) }
                return true
            }
        }
    }

    /// Consumes the ']' of a bracket literal and builds its node.
    mutating func closeMatrix(_ open: Int, rows: [[Expr]]) throws -> Expr {
        let close = advance()
        leaveBracket()
        return try make(.matrix(rows), range: tokens[open].range.through(tokens[close].range), at: open)
    }

    // MARK: - Nodes

    /// Builds an expression node, failing if the tree would grow taller than `maxNestingDepth`.
    func make(_ kind: Expr.Kind, range: SourceRange, at tokenIndex: Int) throws -> Expr {
        let expr = Expr(kind, range: range)
        if expr.height > Parser.maxNestingDepth {
            throw failure(Parser.tooDeep(at: tokens[tokenIndex].range, tall: true))
        }
        return expr
    }
}
