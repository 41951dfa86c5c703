// NPYHeader: the header of a NumPy .npy file, parsed from its Python-literal dictionary.
//
// A .npy header is the text of a Python dict such as
//     {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
// This file holds a tiny parser for exactly the Python literals that can appear there (dicts,
// tuples, lists, strings, integers, True/False/None), the element type (`descr`) it names, and the
// checks NumPy itself makes: the dict has exactly the keys descr, fortran_order and shape; shape is a
// tuple of non-negative integers; fortran_order is a bool. Nothing here can trap: integers that do not
// fit in an Int are kept as "too large", and nesting is limited so a hostile header cannot exhaust
// the stack.

/// The element type of a .npy array, as named by its `descr` string (e.g. "<f8").
struct NPYElementType: Equatable {
    /// The kind of number stored.
    enum Kind: Equatable {
        case float, signedInteger, unsignedInteger, bool
    }

    /// The kind of number stored.
    var kind: Kind
    /// Bytes per element (1, 2, 4 or 8).
    var size: Int
    /// Whether multi-byte elements are stored most significant byte first.
    var bigEndian: Bool

    /// The NumPy name of the type, e.g. "float64", "uint8", "bool".
    var name: String {
        switch kind {
        case .float: return "float\(size * 8)"
        case .signedInteger: return "int\(size * 8)"
        case .unsignedInteger: return "uint\(size * 8)"
        case .bool: return "bool"
        }
    }

    /// Parses a NumPy type string such as "<f8", ">i4", "|u1", "|b1" or "=f4".
    ///
    /// The byte order is '<' (little-endian), '>' (big-endian), '|' (not applicable, single bytes) or
    /// '=' (native; little-endian on every platform cnnrepl runs on). Throws a CoreError naming the
    /// type when it is not one of float32/float64, int8..int64, uint8..uint64 or bool.
    static func parse(_ descr: String, what: String) throws -> NPYElementType {
        var scalars = Array(descr.unicodeScalars)
        var bigEndian = false
        if let first = scalars.first, "<>|=".unicodeScalars.contains(first) {
            bigEndian = first == ">"
            scalars.removeFirst()
        }
        let hint = "convert it in NumPy first, e.g. np.save(path, arr.astype(np.float64))"
        guard let kindLetter = scalars.first else {
            throw CoreError("\(what): the header names no element type (descr '\(descr)')", hint: hint)
        }
        let sizeText = String(String.UnicodeScalarView(scalars.dropFirst()))
        let size = Int(sizeText) ?? -1
        let kind: Kind
        let supportedSizes: [Int]
        switch kindLetter {
        case "f": kind = .float; supportedSizes = [4, 8]
        case "i": kind = .signedInteger; supportedSizes = [1, 2, 4, 8]
        case "u": kind = .unsignedInteger; supportedSizes = [1, 2, 4, 8]
        case "b": kind = .bool; supportedSizes = [1]
        case "O":
            throw CoreError(
                "\(what): object arrays (dtype 'O', Python objects) cannot be loaded",
                hint: "only numeric arrays can be loaded; \(hint)")
        default:
            throw CoreError(
                "\(what): unsupported dtype '\(descr)' (\(describeUnsupported(kindLetter, size: size)))",
                hint: "supported: float32, float64, int8-int64, uint8-uint64, bool; \(hint)")
        }
        guard supportedSizes.contains(size) else {
            let described = kind == .float && size == 2 ? "float16"
                : kind == .float && size > 8 ? "long double" : "\(kindLetter) with \(sizeText) bytes"
            throw CoreError(
                "\(what): unsupported dtype '\(descr)' (\(described))",
                hint: "supported: float32, float64, int8-int64, uint8-uint64, bool; \(hint)")
        }
        return NPYElementType(kind: kind, size: size, bigEndian: bigEndian)
    }

    /// A readable name for a NumPy type letter cnnrepl does not load.
    private static func describeUnsupported(_ letter: Unicode.Scalar, size: Int) -> String {
        switch letter {
        case "c": return "complex"
        case "U": return "unicode string"
        case "S", "a": return "byte string"
        case "V": return "raw bytes or structured record"
        case "M": return "datetime"
        case "m": return "timedelta"
        default: return "unknown type letter '\(letter)'"
        }
    }

    /// Converts one element's raw bits (already assembled in the right byte order) to a Double.
    /// 64-bit integers beyond 2^53 round to the nearest representable Double.
    func value(ofBits bits: UInt64) -> Double {
        switch kind {
        case .float:
            if size == 4 { return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits))) }
            return Double(bitPattern: bits)
        case .signedInteger:
            let shift = UInt64(64 - 8 * size)
            let signed = Int64(bitPattern: bits << shift) >> Int64(shift)
            return Double(signed)
        case .unsignedInteger:
            return Double(bits)
        case .bool:
            return bits == 0 ? 0 : 1
        }
    }
}

/// The three facts a .npy header states: element type, memory order and shape.
struct NPYHeader {
    /// The `descr` entry, e.g. "<f8".
    var descr: String
    /// Whether the data is stored column-major (Fortran order).
    var fortranOrder: Bool
    /// The shape; nil entries are integers too large for an Int.
    var shape: [Int?]

    /// Parses the header text (the dictionary) of a .npy file. `what` names the operation for messages.
    static func parse(_ text: String, what: String) throws -> NPYHeader {
        var parser = PythonLiteralParser(text: text, what: what)
        let value = try parser.parseDocument()
        let hint = "the file may be damaged; save it again with numpy.save"
        guard case .dict(let entries) = value else {
            throw CoreError("\(what): the header is not a valid dictionary (it is \(value.kindName))", hint: hint)
        }
        var table: [String: PythonLiteral] = [:]
        for (key, entry) in entries { table[key] = entry }
        let expected: Set<String> = ["descr", "fortran_order", "shape"]
        guard Set(table.keys) == expected else {
            let found = table.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
            throw CoreError(
                "\(what): the header dictionary must have exactly the keys 'descr', 'fortran_order' and 'shape', but it has \(found.isEmpty ? "none" : found)",
                hint: hint)
        }
        let descr: String
        switch table["descr"] {
        case .string(let text): descr = text
        case .list, .tuple:
            throw CoreError(
                "\(what): structured arrays (record dtypes with named fields) are not supported",
                hint: "save one numeric field at a time, e.g. np.save(path, arr['x'].astype(np.float64))")
        default:
            throw CoreError("\(what): the header's 'descr' is not a type string such as '<f8'", hint: hint)
        }
        guard case .bool(let fortranOrder) = table["fortran_order"] else {
            throw CoreError("\(what): the header's 'fortran_order' is not True or False", hint: hint)
        }
        guard case .tuple(let items) = table["shape"] else {
            throw CoreError("\(what): the header's 'shape' is not a tuple of sizes such as (3, 4)", hint: hint)
        }
        var shape: [Int?] = []
        for item in items {
            switch item {
            case .integer(let size) where size >= 0: shape.append(size)
            case .tooLargeInteger: shape.append(nil)
            default:
                throw CoreError("\(what): the header's 'shape' holds something that is not a size (\(item.kindName))",
                                hint: hint)
            }
        }
        return NPYHeader(descr: descr, fortranOrder: fortranOrder, shape: shape)
    }
}

/// A Python literal value, as far as .npy headers need them.
enum PythonLiteral {
    case string(String)
    case integer(Int)
    /// An integer whose magnitude does not fit in an Int.
    case tooLargeInteger
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(String, PythonLiteral)])

    /// What kind of value this is, for messages.
    var kindName: String {
        switch self {
        case .string: return "a string"
        case .integer(let value): return value < 0 ? "a negative number" : "a number"
        case .tooLargeInteger: return "a number"
        case .bool: return "a bool"
        case .none: return "None"
        case .tuple: return "a tuple"
        case .list: return "a list"
        case .dict: return "a dictionary"
        }
    }
}

/// A recursive-descent parser for the Python literals of a .npy header.
struct PythonLiteralParser {
    private let bytes: [UInt8]
    private var position = 0
    private let what: String
    /// Deepest nesting accepted; a real header nests two levels.
    private let maxDepth = 16

    /// Prepares to parse `text`; `what` names the operation for messages.
    init(text: String, what: String) {
        self.bytes = Array(text.utf8)
        self.what = what
    }

    /// Parses one value followed only by whitespace.
    mutating func parseDocument() throws -> PythonLiteral {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == bytes.count else { throw invalid("unexpected text after the dictionary") }
        return value
    }

    private func invalid(_ detail: String) -> CoreError {
        CoreError("\(what): the header is not a valid dictionary (\(detail) at character \(position + 1))",
                  hint: "the file may be damaged; save it again with numpy.save")
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func parseValue(depth: Int) throws -> PythonLiteral {
        guard depth < maxDepth else { throw invalid("nested too deeply") }
        skipWhitespace()
        guard let byte = peek() else { throw invalid("unexpected end") }
        switch byte {
        case UInt8(ascii: "{"): return try parseDict(depth: depth)
        case UInt8(ascii: "("): return try parseSequence(close: UInt8(ascii: ")"), depth: depth)
        case UInt8(ascii: "["): return try parseSequence(close: UInt8(ascii: "]"), depth: depth)
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseInteger()
        default: return try parseName()
        }
    }

    private mutating func parseDict(depth: Int) throws -> PythonLiteral {
        position += 1  // {
        var entries: [(String, PythonLiteral)] = []
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { position += 1; return .dict(entries) }
            guard case .string(let key) = try parseValue(depth: depth + 1) else {
                throw invalid("a key that is not a string")
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw invalid("expected ':'") }
            position += 1
            let value = try parseValue(depth: depth + 1)
            entries.append((key, value))
            skipWhitespace()
            if peek() == UInt8(ascii: ",") { position += 1; continue }
            guard peek() == UInt8(ascii: "}") else { throw invalid("expected ',' or '}'") }
        }
    }

    /// Parses a tuple or list. As in Python, "(3)" is the number 3 and "(3,)" a one-element tuple.
    private mutating func parseSequence(close: UInt8, depth: Int) throws -> PythonLiteral {
        let isTuple = close == UInt8(ascii: ")")
        position += 1  // ( or [
        var items: [PythonLiteral] = []
        var sawComma = false
        while true {
            skipWhitespace()
            if peek() == close { position += 1; break }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if peek() == UInt8(ascii: ",") { position += 1; sawComma = true; continue }
            guard peek() == close else { throw invalid(isTuple ? "expected ',' or ')'" : "expected ',' or ']'") }
        }
        if isTuple && items.count == 1 && !sawComma, let only = items.first { return only }
        return isTuple ? .tuple(items) : .list(items)
    }

    private mutating func parseString() throws -> String {
        guard let quote = peek() else { throw invalid("unexpected end") }
        position += 1
        var content: [UInt8] = []
        while let byte = peek() {
            position += 1
            if byte == quote { return String(decoding: content, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                guard let escaped = peek() else { break }
                position += 1
                content.append(escaped)
            } else {
                content.append(byte)
            }
        }
        throw invalid("a string that never ends")
    }

    private mutating func parseInteger() throws -> PythonLiteral {
        var negative = false
        if let sign = peek(), sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            position += 1
        }
        var value = 0
        var tooLarge = false
        var digits = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            position += 1
            digits += 1
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { tooLarge = true } else { value = sum }
        }
        // Headers written by NumPy under Python 2 may mark integers with a trailing 'L', as in (3L, 4L).
        if peek() == UInt8(ascii: "L") { position += 1 }
        guard digits > 0 else { throw invalid("a sign without a number") }
        if tooLarge { return .tooLargeInteger }
        return .integer(negative ? -value : value)
    }

    private mutating func parseName() throws -> PythonLiteral {
        var name: [UInt8] = []
        while let byte = peek(),
              (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_") {
            name.append(byte)
            position += 1
        }
        switch String(decoding: name, as: UTF8.self) {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .none
        case "": throw invalid("unexpected character")
        case let other: throw invalid("unknown name '\(other)'")
        }
    }
}
