// Builtin: the description of one built-in function, the single source of truth for calling it,
// checking its arguments, `help NAME`, tab completion and docs/LANGUAGE.md.
import CNNCore

/// What kind of value a parameter takes, used to check and convert arguments and to document them.
public enum ParameterKind: Sendable {
    /// A tensor (a plain number is accepted where `acceptsNumber` is set on the parameter).
    case tensor
    /// Any number.
    case number
    /// A whole number.
    case integer
    /// A whole number >= 1, or a pair `[rows, cols]`, or a size `2x3` (strides, pool sizes, dilation).
    case pair
    /// `valid`, `same`, `full`, a number of cells on every side, or `[top, bottom, left, right]`.
    case padding
    /// A string (a file name).
    case string
    /// A bare word from a fixed list, such as an activation name.
    case word([String])
    /// A size such as `10x10` or a list of whole numbers: a shape.
    case shape
    /// Any value.
    case any
}

/// One parameter of a built-in.
public struct Parameter: Sendable {
    /// The parameter's name, used for keyword arguments (`stride=2`).
    public let name: String
    /// What it accepts.
    public let kind: ParameterKind
    /// The default as written in the signature (nil: required).
    public let defaultText: String?
    /// Whether further positional arguments are collected into this one (e.g. the sizes of `zeros`).
    public let isVariadic: Bool
    /// One line about the parameter.
    public let summary: String

    /// The fixed words it accepts (`valid`, `same`, ... for a padding; a word parameter's list), which
    /// always mean themselves (a variable of that name does not hide them); tab completion offers them.
    public var words: [String] {
        switch kind {
        case .padding: return CallContext.paddingWords
        case .word(let choices): return choices
        default: return []
        }
    }

    /// Creates a parameter.
    public init(_ name: String, _ kind: ParameterKind, default defaultText: String? = nil, variadic: Bool = false,
                _ summary: String) {
        self.name = name
        self.kind = kind
        self.defaultText = defaultText
        self.isVariadic = variadic
        self.summary = summary
    }
}

/// The documentation group a built-in belongs to (sections of `help` and docs/LANGUAGE.md).
public enum BuiltinCategory: String, CaseIterable, Sendable {
    case constructors = "Making tensors"
    case layers = "Layers: convolution, pooling, activations, dense"
    case tensors = "Working with tensors"
    case learning = "Learning: losses and gradients"
    case files = "Files"
}

/// A built-in function of the language.
public struct Builtin: Sendable {
    /// The name as typed, e.g. "conv".
    public let name: String
    /// The documentation group.
    public let category: BuiltinCategory
    /// Its parameters in positional order.
    public let parameters: [Parameter]
    /// One line: what it computes.
    public let summary: String
    /// A few sentences a learner reads in `help NAME`.
    public let details: String
    /// Example lines (runnable).
    public let examples: [String]
    /// Whether it can be used in command form `name VARIABLE [args]` to update the variable in place.
    public let updatesInPlace: Bool
    /// The implementation.
    let body: @Sendable (inout CallContext) throws -> Value

    /// The command form with its required arguments, or nil if the built-in has none:
    /// `conv x kernel` and the call it stands for, `conv(x, kernel)`.
    public var commandForm: (words: String, call: String)? {
        guard updatesInPlace else { return nil }
        let required = parameters.dropFirst().filter { $0.defaultText == nil && !$0.isVariadic }.map(\.name)
        return (([name, "x"] + required).joined(separator: " "),
                "\(name)(" + (["x"] + required).joined(separator: ", ") + ")")
    }

    /// The signature as shown in help: `conv(input, kernel, stride=1, padding=valid, dilation=1, bias=none)`.
    public var signature: String {
        let parts = parameters.map { p -> String in
            if p.isVariadic { return "\(p.name)..." }
            if let d = p.defaultText { return "\(p.name)=\(d)" }
            return p.name
        }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }
}
