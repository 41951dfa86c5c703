// CallContext: the arguments of one built-in call, bound to parameter names and converted on demand.
//
// Binding follows the usual rules: positional arguments fill parameters in order, keyword arguments by
// name, defaults fill the rest. Conversions (`tensor("input")`, `pair("stride")`, `padding("padding")`)
// throw an `ArgumentError` that names the function, the parameter and what was expected; the interpreter
// turns it into a diagnostic underlining that argument.
import CNNCore

/// A problem with one argument of a call (or with the call as a whole when `argument` is nil).
public struct ArgumentError: Error, Sendable {
    /// The message, naming the function and the parameter.
    public var message: String
    /// What to do about it.
    public var hint: String?
    /// The index of the offending argument as written in the call, if one is to blame.
    public var argument: Int?
}

/// An argument as written in a call: its value, its keyword (if any) and its position among the arguments.
public struct CallArgument: Sendable {
    /// The evaluated value.
    public var value: Value
    /// The keyword (`stride` in `stride=2`), nil for a positional argument.
    public var keyword: String?
    /// The index of the argument in the call as written (for error positions).
    public var index: Int
    /// The source text of the argument, e.g. "ones(3,3)" (for provenance and headers).
    public var text: String
    /// How the argument's value was made, if it came from a variable or a traced operation.
    public var provenance: Provenance?
    /// The variable name, when the argument was a plain variable.
    public var variableName: String?

    /// Creates an argument.
    public init(value: Value, keyword: String? = nil, index: Int, text: String, provenance: Provenance? = nil,
                variableName: String? = nil) {
        self.value = value
        self.keyword = keyword
        self.index = index
        self.text = text
        self.provenance = provenance
        self.variableName = variableName
    }
}

/// A built-in call in progress: bound arguments, the session's random generator, and the step it records.
public struct CallContext {
    /// The built-in being called.
    public let builtin: Builtin
    /// Arguments bound to parameter names.
    public private(set) var bound: [String: CallArgument] = [:]
    /// Arguments collected by a variadic parameter.
    public private(set) var rest: [CallArgument] = []
    /// The session's random generator (built-ins that draw numbers advance it).
    public var random: RandomGenerator
    /// The folder relative file names are resolved against (a script's folder; nil: the working directory).
    public var baseDirectory: String?
    /// The folders a running script may write in; nil: anywhere (Workspace.swift).
    public var writableFolders: [String]?
    /// What the call did, for the step header and for tracing later (set by the built-in).
    public var step: Step?
    /// The session's output settings: where a long built-in (`dataset`) reports progress, and whether it may
    /// say how long it took.
    public var output = OutputSettings()
    /// Pictures the call wrote (resolved paths), which the interpreter adds to `picturesWritten`.
    public var picturesWritten: [String] = []
    /// The last run of each model, by name (savegrid(NAME, ...) draws one).
    public var modelRuns: [String: ModelRun] = [:]
    /// The weights a model variable has (what train learned, or what it was loaded with), for `save`; nil when
    /// it has neither (ModelFiles.swift).
    var modelWeights: ((_ name: String, _ spec: ModelSpec) -> (weights: [[Tensor]], origin: String)?)?

    /// Keras' keyword names that mean one of cnnrepl's parameters, where a built-in has that parameter.
    static let kerasSpellings = ["pool_size": "size", "strides": "stride", "dilation_rate": "dilation"]

    /// Binds `arguments` to the built-in's parameters, or throws an `ArgumentError`.
    public init(builtin: Builtin, arguments: [CallArgument], random: RandomGenerator, baseDirectory: String? = nil) throws {
        self.builtin = builtin
        self.random = random
        self.baseDirectory = baseDirectory
        let name = builtin.name
        var positional = 0
        for argument in arguments {
            if let given = argument.keyword {
                // Keras' names of the same settings (pool_size=2, strides=2, dilation_rate=2) are read as cnnrepl's.
                let keyword = CallContext.kerasSpellings[given].flatMap { own in
                    builtin.parameters.contains { $0.name == own } ? own : nil
                } ?? given
                guard let parameter = builtin.parameters.first(where: { $0.name == keyword && !$0.isVariadic }) else {
                    let names = builtin.parameters.filter { !$0.isVariadic }.map(\.name)
                    let guess = Suggestions.closest(to: keyword, among: names)
                    var hint = guess.map { "did you mean '\($0)'? (\(builtin.signature))" } ?? "the parameters are: \(builtin.signature)"
                    if ["kernel_size", "filters"].contains(keyword), names.contains("kernel") {
                        hint = "\(name) takes the kernel itself, and its shape gives the size and the number of filters: "
                            + "kh x kw x in x filters, e.g. \(name)(x, rand(3, 3, 1, 32)); a model line takes conv 32 3x3"
                    }
                    throw ArgumentError(message: "\(name): there is no parameter called '\(given)'", hint: hint,
                                        argument: argument.index)
                }
                guard bound[parameter.name] == nil else {
                    throw ArgumentError(message: "\(name): '\(keyword)' is given twice", hint: nil, argument: argument.index)
                }
                if CallContext.isNone(argument, for: parameter) { continue }  // bias=none: left out, as by default
                bound[parameter.name] = argument
            } else {
                guard positional < builtin.parameters.count else {
                    throw ArgumentError(
                        message: "\(name): too many arguments (it takes at most \(builtin.parameters.count))",
                        hint: "the signature is \(builtin.signature)", argument: argument.index)
                }
                let parameter = builtin.parameters[positional]
                if parameter.isVariadic {
                    rest.append(argument)
                    continue
                }
                if bound[parameter.name] != nil {
                    throw ArgumentError(message: "\(name): '\(parameter.name)' is given twice", hint: nil, argument: argument.index)
                }
                positional += 1
                if CallContext.isNone(argument, for: parameter) { continue }
                bound[parameter.name] = argument
            }
        }
        for parameter in builtin.parameters where parameter.defaultText == nil && !parameter.isVariadic {
            if bound[parameter.name] == nil {
                throw ArgumentError(
                    message: "\(name): missing argument '\(parameter.name)' (\(parameter.summary))",
                    hint: "the signature is \(builtin.signature)", argument: nil)
            }
        }
    }

    /// Whether the parameter was given.
    public func has(_ parameter: String) -> Bool { bound[parameter] != nil }

    /// The argument bound to a parameter, if given.
    public func argument(_ parameter: String) -> CallArgument? { bound[parameter] }

    private func fail(_ parameter: String, expected: String, got value: Value, hint: String? = nil) -> ArgumentError {
        ArgumentError(message: "\(builtin.name): '\(parameter)' must be \(expected), not \(value.kindDescription)",
                      hint: hint, argument: bound[parameter]?.index)
    }

    /// The tensor given for `parameter` (a plain number becomes a 1-element vector when `allowNumber`).
    public func tensor(_ parameter: String, allowNumber: Bool = false) throws -> Tensor? {
        guard let argument = bound[parameter] else { return nil }
        switch argument.value {
        case .tensor(let t): return t
        case .number(let x) where allowNumber: return Tensor(scalar: x)
        default: throw fail(parameter, expected: "a tensor", got: argument.value)
        }
    }

    /// The tensor given for a required parameter.
    public func requiredTensor(_ parameter: String) throws -> Tensor {
        guard let t = try tensor(parameter) else {
            throw ArgumentError(message: "\(builtin.name): missing argument '\(parameter)'", hint: nil, argument: nil)
        }
        return t
    }

    /// The number given for `parameter` (a 1-element tensor counts as a number).
    public func number(_ parameter: String) throws -> Double? {
        guard let argument = bound[parameter] else { return nil }
        switch argument.value {
        case .number(let x): return x
        case .tensor(let t) where t.count == 1: return t.scalars[0]
        default: throw fail(parameter, expected: "a number", got: argument.value)
        }
    }

    /// The whole number given for `parameter`, within `range`.
    public func integer(_ parameter: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let argument = bound[parameter] else { return nil }
        guard let x = try number(parameter) else { return nil }
        guard x.isFinite, x == x.rounded() else {
            throw fail(parameter, expected: "a whole number", got: argument.value)
        }
        guard let n = Int(exactly: x), range.contains(n) else {
            let what = range.upperBound == Int.max ? "at least \(Format.count(range.lowerBound))"
                                                   : "from \(Format.count(range.lowerBound)) to \(Format.count(range.upperBound))"
            throw ArgumentError(message: "\(builtin.name): '\(parameter)' must be \(what), not \(Format.number(x))", hint: nil,
                                argument: argument.index)
        }
        return n
    }

    /// A row/column pair: `2`, `[2, 1]` or `2x1`; every value at least `minimum` (1 unless given).
    public func pair(_ parameter: String, minimum: Int = 1) throws -> Pair? {
        guard let argument = bound[parameter] else { return nil }
        let values: [Double]
        switch argument.value {
        case .number(let x): values = [x, x]
        case .tensor(let t) where t.rank == 1 && t.count == 1: values = [t.scalars[0], t.scalars[0]]
        case .tensor(let t) where t.rank == 1 && t.count == 2: values = t.scalars
        case .dimensions(let d) where d.count == 2: values = d.map(Double.init)
        default:
            throw fail(parameter, expected: "a whole number or a pair [rows, cols]", got: argument.value)
        }
        if values.allSatisfy({ $0 >= Double(minimum) && $0 == $0.rounded() }), let largest = values.max(), largest > Double(Limits.maxElements) {
            throw ArgumentError(message: "\(builtin.name): '\(parameter)' is too large: \(Format.number(largest))",
                                hint: "the limit is \(Format.count(Limits.maxElements)), far more than any map has cells",
                                argument: argument.index)
        }
        guard let rows = Int(exactly: values[0]), let cols = Int(exactly: values[1]), rows >= minimum, cols >= minimum else {
            let given: String
            if case .number(let x) = argument.value {
                given = "a whole number of at least \(minimum), not \(Format.number(x))"
            } else {
                given = "whole numbers of at least \(minimum), not [\(values.map(Format.number).joined(separator: ", "))]"
            }
            throw ArgumentError(message: "\(builtin.name): '\(parameter)' must be \(given)",
                                hint: Self.pairHint(parameter), argument: argument.index)
        }
        return Pair(rows, cols)
    }

    /// What a pair parameter means, for the hint of a bad value.
    private static func pairHint(_ parameter: String) -> String? {
        switch parameter {
        case "stride": return "the stride is how many cells the window moves each step: 1 or more"
        case "dilation": return "dilation 1 is an ordinary kernel; 2 leaves one cell between kernel taps"
        case "size": return "the window is at least 1x1, e.g. 2 for 2x2 windows"
        default: return nil
        }
    }

    /// The padding modes written as words.
    public static let paddingWords = ["valid", "same", "full"]

    /// A padding: `valid`, `same`, `full`, a number for every side, or `[top, bottom, left, right]`.
    public func padding(_ parameter: String) throws -> Padding? {
        guard let argument = bound[parameter] else { return nil }
        let expected = "valid, same, full, a number of zeros for every side, or [top, bottom, left, right]"
        switch argument.value {
        case .symbol(let word), .string(let word):
            switch word.lowercased() {
            case "valid": return .valid
            case "same": return .same
            case "full": return .full
            default:
                let guess = Suggestions.closest(to: word, among: CallContext.paddingWords)
                throw ArgumentError(message: "\(builtin.name): '\(parameter)' must be \(expected), not '\(word)'",
                                    hint: guess.map { "did you mean \($0)?" }, argument: argument.index)
            }
        case .number(let x):
            guard let n = Int(exactly: x), n >= 0 else {
                throw fail(parameter, expected: "a whole number of at least 0", got: argument.value)
            }
            return .explicit(PaddingAmounts(top: n, bottom: n, left: n, right: n))
        case .tensor(let t) where t.rank == 1 && (t.count == 4 || t.count == 2 || t.count == 1):
            let ints = t.scalars.compactMap { Int(exactly: $0) }
            guard ints.count == t.count, ints.allSatisfy({ $0 >= 0 }) else {
                let given = t.scalars.map(Format.number).joined(separator: ", ")
                throw ArgumentError(message: "\(builtin.name): '\(parameter)' must be whole numbers of at least 0, not [\(given)]",
                                    hint: nil, argument: argument.index)
            }
            switch ints.count {
            case 1: return .explicit(PaddingAmounts(top: ints[0], bottom: ints[0], left: ints[0], right: ints[0]))
            case 2: return .explicit(PaddingAmounts(top: ints[0], bottom: ints[0], left: ints[1], right: ints[1]))
            default: return .explicit(PaddingAmounts(top: ints[0], bottom: ints[1], left: ints[2], right: ints[3]))
            }
        default:
            throw fail(parameter, expected: expected, got: argument.value)
        }
    }

    /// The string (or bare word) given for `parameter`.
    public func string(_ parameter: String) throws -> String? {
        guard let argument = bound[parameter] else { return nil }
        switch argument.value {
        case .string(let s), .symbol(let s): return s
        default: throw fail(parameter, expected: "a string in double quotes", got: argument.value)
        }
    }

    /// One of `choices`, given as a bare word or a string.
    public func word(_ parameter: String, choices: [String]) throws -> String? {
        guard let argument = bound[parameter] else { return nil }
        let list = choices.joined(separator: ", ")
        switch argument.value {
        case .string(let s), .symbol(let s):
            if choices.contains(s.lowercased()) { return s.lowercased() }
            let guess = Suggestions.closest(to: s, among: choices)
            throw ArgumentError(message: "\(builtin.name): '\(parameter)' must be one of \(list), not '\(s)'",
                                hint: guess.map { "did you mean \($0)?" }, argument: argument.index)
        default:
            throw fail(parameter, expected: "one of \(list)", got: argument.value)
        }
    }

    /// A shape from the variadic sizes (`zeros(3, 4)`), a size literal (`zeros(3x4)`) or a vector (`zeros([3, 4])`).
    public func shape(variadicName: String) throws -> [Int] {
        var sizes: [Int] = []
        for argument in rest {
            switch argument.value {
            case .number(let x):
                guard let n = Int(exactly: x) else {
                    throw ArgumentError(message: "\(builtin.name): sizes must be whole numbers, not \(Format.number(x))",
                                        hint: nil, argument: argument.index)
                }
                sizes.append(n)
            case .dimensions(let d):
                sizes += d
            case .tensor(let t) where t.rank == 1:
                for x in t.scalars {
                    guard let n = Int(exactly: x) else {
                        throw ArgumentError(message: "\(builtin.name): sizes must be whole numbers, not \(Format.number(x))",
                                            hint: nil, argument: argument.index)
                    }
                    sizes.append(n)
                }
            default:
                throw ArgumentError(message: "\(builtin.name): '\(variadicName)' must be sizes such as 3, 4 or 3x4, not \(argument.value.kindDescription)",
                                    hint: nil, argument: argument.index)
            }
        }
        guard !sizes.isEmpty else {
            throw ArgumentError(message: "\(builtin.name): give the size, e.g. \(builtin.name)(3, 3)", hint: nil, argument: nil)
        }
        return sizes
    }

    /// Whether `argument` is the word `none` for a parameter whose default is none (`bias=none`).
    static func isNone(_ argument: CallArgument, for parameter: Parameter) -> Bool {
        guard parameter.defaultText == "none", case .symbol(let word) = argument.value else { return false }
        return word.lowercased() == "none"
    }

    /// A file name argument resolved against `baseDirectory` (absolute names are kept as they are).
    public func path(_ parameter: String) throws -> String {
        guard let name = try string(parameter) else {
            throw ArgumentError(message: "\(builtin.name): '\(parameter)' must be a file name in double quotes",
                                hint: nil, argument: bound[parameter]?.index)
        }
        if let problem = Workspace.problem(withFileName: name) {
            throw ArgumentError(message: "\(builtin.name): \(problem)", hint: "e.g. \"picture.png\" or \"data/x.npy\"",
                                argument: bound[parameter]?.index)
        }
        return Workspace(baseDirectory: baseDirectory).path(for: name)
    }

    /// A file name argument to write to: `path(_:)`, refused outside the folders a running script may
    /// write in (Workspace.writableFolders).
    public func writablePath(_ parameter: String) throws -> String {
        let resolved = try path(parameter)
        let workspace = Workspace(baseDirectory: baseDirectory, writableFolders: writableFolders)
        if let problem = workspace.problem(writing: resolved, named: try string(parameter) ?? resolved) {
            throw ArgumentError(message: "\(builtin.name): \(problem.message)", hint: problem.hint,
                                argument: bound[parameter]?.index)
        }
        return resolved
    }

    /// The arguments collected by the variadic parameter.
    public var variadicArguments: [CallArgument] { rest }
}
