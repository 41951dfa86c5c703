// Completion: what Tab offers at the cursor, for the REPL (readline) and any other front end.
//
// After `option=` inside a call, the values that option takes, from the built-in's own parameters
// (`padding=s` offers `same`); elsewhere the names of the language and the session's variables. Inside
// brackets a unique match is not followed by a space (a `,` or `)` comes next).

/// The candidates for the word before the cursor.
public struct Completion: Sendable, Equatable {
    /// Where the word being completed starts, in Unicode scalars from the start of the line.
    public var start: Int
    /// The candidates, sorted.
    public var matches: [String]
    /// Whether a unique candidate should be followed by a space: not inside brackets.
    public var appendsSpace: Bool

    /// Creates a completion.
    public init(start: Int, matches: [String], appendsSpace: Bool) {
        self.start = start
        self.matches = matches
        self.appendsSpace = appendsSpace
    }
}

extension Vocabulary {
    /// What Tab offers at `cursor` (in Unicode scalars) in `line`; `names` are the words offered outside
    /// an option's value (the language's and the session's variables).
    public static func completion(line: String, cursor: Int, names: [String]) -> Completion {
        let scalars = Array(line.unicodeScalars.prefix(max(0, cursor)))
        var start = scalars.count
        while start > 0, isWordScalar(scalars[start - 1]) { start -= 1 }
        let word = String(String.UnicodeScalarView(scalars[start...]))
        // The brackets still open before the word, innermost last.
        var open: [Int] = []
        for (i, scalar) in scalars[..<start].enumerated() {
            if scalar == "(" || scalar == "[" { open.append(i) }
            if scalar == ")" || scalar == "]" { _ = open.popLast() }
        }
        let inside = !open.isEmpty
        if let option = optionName(before: start, in: scalars) {
            let function = open.last.flatMap { scalars[$0] == "(" ? identifier(endingAt: $0, in: scalars) : nil }
            let values = optionValues(option, function: function)
            if !values.isEmpty {
                return Completion(start: start, matches: values.filter { $0.hasPrefix(word) }, appendsSpace: !inside)
            }
        }
        return Completion(start: start, matches: names.filter { $0.hasPrefix(word) }.sorted(), appendsSpace: !inside)
    }

    /// The values a keyword argument takes: a word parameter's words, or the padding modes; from
    /// `function`'s parameter when the call is known, else from every built-in with such a parameter.
    static func optionValues(_ option: String, function: String?) -> [String] {
        if let function, let builtin = Builtins.named(function),
           let parameter = builtin.parameters.first(where: { $0.name == option }) {
            return parameter.words
        }
        let all = Builtins.all.flatMap { $0.parameters.filter { $0.name == option }.flatMap(\.words) }
        return Array(Set(all)).sorted()
    }

    /// `padding` in `padding=sa`: the name before an `=` (not `==`) that precedes the word at `start`.
    private static func optionName(before start: Int, in scalars: [Unicode.Scalar]) -> String? {
        var i = start
        while i > 0, scalars[i - 1] == " " { i -= 1 }
        guard i > 0, scalars[i - 1] == "=", i < 2 || !"=<>!".unicodeScalars.contains(scalars[i - 2]) else { return nil }
        i -= 1
        while i > 0, scalars[i - 1] == " " { i -= 1 }
        return identifier(endingAt: i, in: scalars)
    }

    /// The identifier that ends just before `end`, or nil.
    private static func identifier(endingAt end: Int, in scalars: [Unicode.Scalar]) -> String? {
        var i = end
        while i > 0, isWordScalar(scalars[i - 1]) { i -= 1 }
        return i < end ? String(String.UnicodeScalarView(scalars[i..<end])) : nil
    }

    /// Whether `scalar` can be part of a name (a letter, a digit or `_`), as completion and help find words.
    public static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
    }
}
