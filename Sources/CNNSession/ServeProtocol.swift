// ServeProtocol: the messages of `cnnrepl --serve`, the machine protocol (docs/PROTOCOL.md).
//
// One JSON object per line in (a request), one JSON object per line out (its response, a list of parts).
// The types here are Codable data only; `Server` answers requests and Foundation's JSONEncoder and
// JSONDecoder turn them into lines. Optional fields that are nil are left out of the JSON.

/// A request's id, echoed in its response: a JSON string or integer, as the client chose.
public enum ServeID: Codable, Equatable, Sendable {
    case number(Int)
    case text(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            self = .number(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let number): try container.encode(number)
        case .text(let text): try container.encode(text)
        }
    }
}

/// One request: `{"id": 1, "type": "execute", "code": "x = ones(3, 3)"}`.
public struct ServeRequest: Codable, Equatable, Sendable {
    /// Echoed in the response (optional).
    public var id: ServeID?
    /// What to do: execute, complete, inspect, help, is_complete, hello.
    public var type: String
    /// The code to run (execute), or the text being typed (complete, inspect).
    public var code: String?
    /// The cursor's offset in `code`, in Unicode scalars (complete, inspect); default: the end.
    public var cursor: Int?
    /// The topic of `help` (a built-in or command name; none: the overview).
    public var name: String?
    /// execute: also send matrices as HTML tables shaded like the heatmap (`html` parts).
    public var html: Bool?

    /// Creates a request.
    public init(id: ServeID? = nil, type: String, code: String? = nil, cursor: Int? = nil, name: String? = nil, html: Bool? = nil) {
        self.id = id
        self.type = type
        self.code = code
        self.cursor = cursor
        self.name = name
        self.html = html
    }
}

/// Where an error is in the code of the request: 1-based lines and columns (columns count Unicode scalars),
/// the end just after the last character.
public struct ServeRange: Codable, Equatable, Sendable {
    public var startLine: Int
    public var startColumn: Int
    public var endLine: Int
    public var endColumn: Int

    /// Creates a range.
    public init(startLine: Int, startColumn: Int, endLine: Int, endColumn: Int) {
        self.startLine = startLine
        self.startColumn = startColumn
        self.endLine = endLine
        self.endColumn = endColumn
    }
}

/// One part of a response. `kind` says which fields are there:
/// - text: `text` (ordinary output, exactly what the REPL prints);
/// - error: `message`, `hint`, `range`, and `text` (the report with the line and the caret);
/// - image: `mime` ("image/png"), `png` (base64), `width`, `height`, `title`, and `path` for a saved file;
/// - html: `html` (a matrix as a shaded table, when the request asked for it);
/// - completion: `matches`, `start` and `end` (the scalar offsets of the word they replace);
/// - help: `name`, `text`;
/// - status: `text` ("complete", "incomplete" or "invalid": whether code is a whole entry);
/// - hello: `text` (the version), `protocolVersion`.
public struct ServePart: Codable, Equatable, Sendable {
    public var kind: String
    public var text: String?
    public var message: String?
    public var hint: String?
    public var range: ServeRange?
    public var mime: String?
    public var png: String?
    public var path: String?
    public var width: Int?
    public var height: Int?
    public var title: String?
    public var html: String?
    public var matches: [String]?
    public var start: Int?
    public var end: Int?
    public var name: String?
    public var protocolVersion: Int?

    /// A part of `kind` with no fields yet.
    public init(kind: String) {
        self.kind = kind
    }
}

/// The response to one request: `ok` is false when the request failed (an error in the code, a request
/// that could not be read); the parts say what happened in order.
public struct ServeResponse: Codable, Equatable, Sendable {
    public var id: ServeID?
    public var ok: Bool
    public var parts: [ServePart]

    public init(id: ServeID?, ok: Bool, parts: [ServePart]) {
        self.id = id
        self.ok = ok
        self.parts = parts
    }
}
