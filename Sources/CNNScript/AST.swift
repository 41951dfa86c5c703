// AST: the syntax tree of a cnn script, as the parser builds it and the interpreter walks it.
//
// A script is a list of statements. Every node carries the SourceRange of the text it came from, so the
// interpreter can underline exactly the culprit of an error and explain each step with the code that
// caused it. Expressions are a struct around an indirect enum; the parser keeps their height (and so the
// recursion any tree walk needs) below Parser.maxNestingDepth.
//
// Statements come in four shapes:
//   x = conv(image, k)            assignment
//   f                             expression (its value is printed); also `vars`, `help`, `clear`:
//                                 a bare name that is a known command is for the interpreter to run
//   relu f   maxpool f 2          command: a name followed by space-separated arguments
//   model mnist 28x28x1 ... end   model block

/// A name as written in the script, with its range.
public struct Name: Equatable, Hashable, Sendable {
    /// The name itself, e.g. "conv".
    public var text: String
    /// Where it is written.
    public var range: SourceRange

    /// Creates a name.
    public init(_ text: String, range: SourceRange) {
        self.text = text
        self.range = range
    }
}

/// An arithmetic operator between two values.
public enum BinaryOperator: String, Equatable, Hashable, Sendable {
    /// `+`: element-wise sum.
    case add = "+"
    /// `-`: element-wise difference.
    case subtract = "-"
    /// `*`: element-wise product.
    case multiply = "*"
    /// `/`: element-wise quotient.
    case divide = "/"
    /// `@`: matrix product.
    case matrixProduct = "@"

    /// The symbol as written, e.g. "@".
    public var symbol: String { rawValue }
}

/// An expression: a value to compute, with its source range.
public struct Expr: Equatable, Hashable, Sendable {
    /// The kinds of expression.
    public indirect enum Kind: Equatable, Hashable, Sendable {
        /// A number literal: 42, 0.5, 1e-3.
        case number(NumberLiteral)
        /// A string literal, escapes resolved.
        case string(String)
        /// A size literal: 3x3 is [3, 3].
        case dimensions([Int])
        /// A name: a variable, or (as a keyword value like `padding=same`) a symbol.
        case identifier(String)
        /// Unary minus: -x.
        case negate(Expr)
        /// A binary operation: a + b, a @ b, ...
        case binary(BinaryOperator, Expr, Expr)
        /// A call of a named function with positional and keyword arguments: conv(image, k, stride=2).
        case call(Name, [Argument])
        /// Indexing or slicing, 0-based: f[1, 2], x[0:3, :], x[-1].
        case index(Expr, [Subscript])
        /// A bracket literal: each inner array is one row. [1, 2, 3] has one row (a vector);
        /// [1, 2; 3, 4] has two. Elements may themselves be bracket literals ([[1, 2], [3, 4]]).
        case matrix([[Expr]])
    }

    /// What the expression is.
    public var kind: Kind
    /// The text it came from (including any parentheses around it).
    public var range: SourceRange
    /// The height of the tree: 1 for a literal or name, one more than the tallest child otherwise.
    public let height: Int

    /// Creates an expression and works out its height.
    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
        self.height = Expr.height(of: kind)
    }

    /// The height of a node of this kind.
    static func height(of kind: Kind) -> Int {
        switch kind {
        case .number, .string, .dimensions, .identifier:
            return 1
        case .negate(let operand):
            return operand.height + 1
        case .binary(_, let lhs, let rhs):
            return max(lhs.height, rhs.height) + 1
        case .call(_, let arguments):
            return (arguments.map(\.value.height).max() ?? 0) + 1
        case .index(let base, let subscripts):
            let tallest = subscripts.map(\.height).max() ?? 0
            return max(base.height, tallest) + 1
        case .matrix(let rows):
            var tallest = 0
            for row in rows {
                for element in row { tallest = max(tallest, element.height) }
            }
            return tallest + 1
        }
    }

    /// The name, if this expression is a bare name.
    public var identifierName: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }
}

/// One argument of a call or command: a value, optionally with a keyword (`stride=2`).
public struct Argument: Equatable, Hashable, Sendable {
    /// The keyword, or nil for a positional argument.
    public var label: Name?
    /// The value.
    public var value: Expr
    /// The whole argument, keyword included.
    public var range: SourceRange

    /// Creates an argument.
    public init(label: Name?, value: Expr, range: SourceRange) {
        self.label = label
        self.value = value
        self.range = range
    }
}

/// One position inside `x[...]`: a single index or a slice start:stop:step.
public struct Subscript: Equatable, Hashable, Sendable {
    /// The kinds of position.
    public indirect enum Kind: Equatable, Hashable, Sendable {
        /// A single index, e.g. the `1` of f[1, 2]; negative counts from the end.
        case index(Expr)
        /// A slice; a missing part is nil (`:` is all, `1:` from 1, `::2` every second).
        case slice(start: Expr?, stop: Expr?, step: Expr?)
    }

    /// What the position is.
    public var kind: Kind
    /// The text it came from.
    public var range: SourceRange

    /// Creates a subscript.
    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// The height of its tallest expression (0 for a bare `:`).
    var height: Int {
        switch kind {
        case .index(let expr): return expr.height
        case .slice(let start, let stop, let step):
            return max(start?.height ?? 0, stop?.height ?? 0, step?.height ?? 0)
        }
    }
}

/// A command: an operation name followed by space-separated arguments, e.g. `maxpool f 2`.
///
/// `op name args` applied to a variable means `name = op(name, args)` for operations, and the REPL's own
/// commands (`seed 42`, `help conv`, `trace f[1, 2]`, `train mnist data epochs=20`) share the shape.
/// Which one it is, is for the interpreter to decide.
public struct Command: Equatable, Hashable, Sendable {
    /// The command or operation name.
    public var name: Name
    /// The arguments: postfix expressions (`f[1, 2]`, `k`, `-0.1`, `"file.npy"`, `3x3x32x64`) or `key=value`.
    public var arguments: [Argument]

    /// Creates a command.
    public init(name: Name, arguments: [Argument]) {
        self.name = name
        self.arguments = arguments
    }
}

/// One word of a model block line: a number, a size, or a name, kept as written.
public struct Word: Equatable, Hashable, Sendable {
    /// The kinds of word.
    public enum Kind: Equatable, Hashable, Sendable {
        /// A number: 32, 0.5, or -1 (a minus sign written right before the number).
        case number(NumberLiteral)
        /// A size: 3x3, 28x28x1.
        case dimensions([Int])
        /// A name: relu, same, stride.
        case identifier(String)
    }

    /// What the word is.
    public var kind: Kind
    /// The text as written.
    public var text: String
    /// Where it is written.
    public var range: SourceRange

    /// Creates a word.
    public init(_ kind: Kind, text: String, range: SourceRange) {
        self.kind = kind
        self.text = text
        self.range = range
    }
}

/// One layer line of a model block: `conv 32 3x3 relu same` is the keyword `conv` and four words.
public struct LayerLine: Equatable, Hashable, Sendable {
    /// The layer kind as written, e.g. conv or dense (checked by the interpreter against the keywords of
    /// `Builtins.layerKinds`).
    public var keyword: Name
    /// The words after the keyword, in order.
    public var words: [Word]
    /// The whole line, keyword included (and the name given to the layer, if any).
    public var range: SourceRange
    /// The name given to the layer, `shortcut` in `shortcut = conv 256 1x1 from input`; nil if none.
    public var label: Name?

    /// Creates a layer line.
    public init(keyword: Name, words: [Word], range: SourceRange, label: Name? = nil) {
        self.keyword = keyword
        self.words = words
        self.range = range
        self.label = label
    }
}

/// A model block: `model NAME SHAPE`, one layer per line, then `end`.
public struct ModelDecl: Equatable, Hashable, Sendable {
    /// The range of the word `model`.
    public var keywordRange: SourceRange
    /// The model's name (nil only when the parser already reported it missing).
    public var name: Name?
    /// The words after the name: `28x28x1` or `784`.
    public var inputShape: [Word]
    /// The layers in order.
    public var layers: [LayerLine]
    /// The range of the closing `end`, or nil if it is missing (the parser reported that).
    public var endRange: SourceRange?

    /// Creates a model declaration.
    public init(keywordRange: SourceRange, name: Name?, inputShape: [Word], layers: [LayerLine], endRange: SourceRange?) {
        self.keywordRange = keywordRange
        self.name = name
        self.inputShape = inputShape
        self.layers = layers
        self.endRange = endRange
    }
}

/// One statement of a script.
public struct Statement: Equatable, Hashable, Sendable {
    /// The kinds of statement.
    public enum Kind: Equatable, Hashable, Sendable {
        /// `f`, `ones(2, 2)`, `vars`: evaluate (or run the command of that name) and print.
        case expression(Expr)
        /// `name = value`.
        case assignment(Name, Expr)
        /// `name[subscripts] = value`: some cells of a tensor variable set (`w[:, 3] = 1`).
        case cellAssignment(Name, [Subscript], Expr)
        /// `relu f`, `seed 42`, `trace f[1, 2]`.
        case command(Command)
        /// `model mnist 28x28x1` ... `end`.
        case model(ModelDecl)
    }

    /// What the statement is.
    public var kind: Kind
    /// The whole statement, without the newline or `;` that ends it.
    public var range: SourceRange

    /// Creates a statement.
    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}
