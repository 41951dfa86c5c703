// JSONValue: a JSON document as a tree (Keras' config.json), read and written through Foundation's JSON coders.
//
// Numbers keep whether they were whole, so a config written back says `"filters": 8`, not 8.0 (Python would
// read a float). Reading refuses documents nested deeper than `maxDepth` before decoding them.
import CNNCore
import Foundation

/// A JSON value.
enum JSONValue: Codable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The deepest nesting of arrays and objects a config may have (Keras' configs are about 10 deep).
    static let maxDepth = 64

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses `bytes`, or throws a CoreError starting with `name`.
    static func parse(_ bytes: [UInt8], name: String) throws -> JSONValue {
        var depth = 0, deepest = 0, inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1; deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        guard deepest <= maxDepth else {
            throw CoreError("\(name): the JSON is nested \(deepest) levels deep, more than the \(maxDepth) a Keras config needs")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw CoreError("\(name): the JSON cannot be read (\(Self.describe(error)))", hint: "the file is damaged or is not a Keras config")
        }
    }

    /// The bytes of this value as JSON, keys sorted (the same model gives the same file).
    func bytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8](try encoder.encode(self))
    }

    private static func describe(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return "not valid JSON"
    }

    // MARK: - Access

    /// The member `key` of an object, nil otherwise.
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string, if this is one.
    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The elements, if this is an array.
    var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    /// Whether this is null.
    var isNull: Bool { self == .null }
    /// A whole number (also 8.0), if this is one.
    var int: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value.rounded() == value && abs(value) < 1e15: return Int(value)
        default: return nil
        }
    }
    /// A number, if this is one.
    var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }
}
