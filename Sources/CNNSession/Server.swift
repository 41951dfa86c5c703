// Server: answers `--serve` requests (ServeProtocol.swift, docs/PROTOCOL.md) with one long-lived session,
// so variables persist from request to request. It turns a line of JSON into a line of JSON and does no
// I/O of its own beyond reading the pictures the code saved; the executable reads and writes the lines and
// forwards Ctrl-C (SIGINT) to `Session.requestInterrupt()` while a request runs.
//
// An execute request runs its code as one REPL entry. Its parts are, in order: the text the REPL would
// print, the pictures of `show` and `plot`, every picture a statement saved, and, when asked, a matrix as
// an HTML table; an error ends the parts with its message, range, hint and the report with the caret.
import CNNCore
import CNNExplain
import CNNScript
import Foundation

/// Serves protocol requests with one session.
public final class Server {
    /// The session every request runs in.
    public let session: Session
    /// The version of the protocol (the `hello` part's protocolVersion).
    public static let protocolVersion = 1
    /// The request types, in the order docs/PROTOCOL.md lists them.
    public static let requestTypes = ["execute", "complete", "inspect", "help", "is_complete", "hello"]

    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    private var htmlCount = 0

    /// Creates a server over `session`.
    public init(session: Session) {
        self.session = session
    }

    /// The response line (JSON, no newline) to one request line. Never throws: a line that is not a request
    /// gets a response with ok false and an error part.
    public func respond(toLine line: String) -> String {
        let response: ServeResponse
        if line.utf8.count > SessionLimits.maxScriptBytes {
            response = Server.failure(id: nil, ProtocolText.tooLong(bytes: line.utf8.count, limit: SessionLimits.maxScriptBytes))
        } else {
            do {
                let request = try JSONDecoder().decode(ServeRequest.self, from: Data(line.utf8))
                response = handle(request)
            } catch {
                response = Server.failure(id: nil, ProtocolText.unreadable(Server.reason(error)))
            }
        }
        return encode(response)
    }

    /// The response as one line of JSON.
    public func encode(_ response: ServeResponse) -> String {
        guard let data = try? encoder.encode(response) else { return #"{"ok":false,"parts":[]}"# }
        return String(decoding: data, as: UTF8.self)
    }

    /// Answers one request.
    public func handle(_ request: ServeRequest) -> ServeResponse {
        switch request.type {
        case "execute":
            guard let code = request.code else { return Server.failure(id: request.id, ProtocolText.missing("code", in: "execute")) }
            return execute(code, id: request.id, html: request.html ?? false)
        case "complete":
            guard let code = request.code else { return Server.failure(id: request.id, ProtocolText.missing("code", in: "complete")) }
            return ServeResponse(id: request.id, ok: true, parts: [complete(code, cursor: request.cursor)])
        case "inspect":
            guard let code = request.code else { return Server.failure(id: request.id, ProtocolText.missing("code", in: "inspect")) }
            let word = Server.word(in: code, at: request.cursor)
            guard !word.text.isEmpty, let part = help(word.text) else { return ServeResponse(id: request.id, ok: true, parts: []) }
            return ServeResponse(id: request.id, ok: true, parts: [part])
        case "help":
            // A name that is nothing known gets help's own answer (did you mean ...?).
            if let part = help(request.name ?? "") { return ServeResponse(id: request.id, ok: true, parts: [part]) }
            var part = ServePart(kind: "help")
            part.name = request.name
            part.text = HelpRenderer.lines(topic: request.name).map { $0 + "\n" }.joined()
            return ServeResponse(id: request.id, ok: true, parts: [part])
        case "is_complete":
            guard let code = request.code else { return Server.failure(id: request.id, ProtocolText.missing("code", in: "is_complete")) }
            let parsed = session.parse(entry: code)
            var part = ServePart(kind: "status")
            part.text = parsed.isIncomplete ? "incomplete" : parsed.hasErrors ? "invalid" : "complete"
            return ServeResponse(id: request.id, ok: true, parts: [part])
        case "hello":
            var part = ServePart(kind: "hello")
            part.text = "cnnrepl \(Version.string)"
            part.protocolVersion = Server.protocolVersion
            return ServeResponse(id: request.id, ok: true, parts: [part])
        default:
            return Server.failure(id: request.id, ProtocolText.unknownType(request.type, known: Server.requestTypes))
        }
    }

    // MARK: - execute

    /// Runs `code` as one REPL entry and collects its parts.
    func execute(_ code: String, id: ServeID?, html: Bool) -> ServeResponse {
        var parts: [ServePart] = []
        var pendingError = ""
        func addText(_ text: String) {
            guard !text.isEmpty else { return }
            if let last = parts.last, last.kind == "text" {
                parts[parts.count - 1].text = (last.text ?? "") + text
            } else {
                var part = ServePart(kind: "text")
                part.text = text
                parts.append(part)
            }
        }
        let parsed = session.parse(entry: code)
        if parsed.isIncomplete && !parsed.hasErrors {
            return Server.failure(id: id, ProtocolText.incomplete)
        }
        session.interpreter.picturesWritten = []
        session.observer = { [unowned self] event in
            switch event {
            case .outcome(let outcome):
                for picture in OutcomePictures.pictures(for: outcome) { parts.append(Server.imagePart(picture, path: nil)) }
                parts += savedPictures()
                if html, let fragment = HTMLRenderer(precision: session.interpreter.output.precision)
                    .fragment(for: outcome, id: "s\(htmlCount)") {
                    htmlCount += 1
                    var part = ServePart(kind: "html")
                    part.html = fragment
                    parts.append(part)
                }
            case .diagnostics(let diagnostics, _):
                parts += savedPictures()
                var part = ServePart(kind: "error")
                part.text = pendingError
                if let first = diagnostics.first {
                    part.message = first.message
                    part.hint = first.hint
                    part.range = ServeRange(startLine: first.range.start.line, startColumn: first.range.start.column,
                                            endLine: first.range.end.line, endColumn: first.range.end.column)
                }
                parts.append(part)
                pendingError = ""
            case .failure(let message):
                var part = ServePart(kind: "error")
                part.text = pendingError
                part.message = message
                parts.append(part)
                pendingError = ""
            }
        }
        defer { session.observer = nil }
        let ok = session.run(parsed) { text, kind in
            switch kind {
            case .normal: addText(text)
            case .error: pendingError += text
            }
        }
        if !pendingError.isEmpty {
            var part = ServePart(kind: "error")
            part.text = pendingError
            part.message = pendingError.split(separator: "\n").first.map(String.init) ?? pendingError
            parts.append(part)
        }
        return ServeResponse(id: id, ok: ok, parts: parts)
    }

    /// Image parts for the pictures the last statement saved (a PNG inline, other kinds by path only).
    func savedPictures() -> [ServePart] {
        session.takeSavedPictures().map { saved in
            if let picture = saved.picture { return Server.imagePart(picture, path: saved.path) }
            var part = ServePart(kind: "image")
            part.path = saved.path
            part.title = saved.path.split(separator: "/").last.map(String.init) ?? saved.path
            part.mime = saved.path.lowercased().hasSuffix(".ppm") ? "image/x-portable-pixmap" : "image/x-portable-graymap"
            return part
        }
    }

    static func imagePart(_ picture: RenderedPicture, path: String?) -> ServePart {
        var part = ServePart(kind: "image")
        part.mime = "image/png"
        part.png = Data(picture.png).base64EncodedString()
        part.width = picture.width
        part.height = picture.height
        part.title = picture.title
        part.path = path
        return part
    }

    // MARK: - complete, inspect

    /// What completes the word before the cursor: an option's values after `option=`, else names
    /// (`Session.completion(line:cursor:)`, as in the REPL).
    func complete(_ code: String, cursor: Int?) -> ServePart {
        let count = code.unicodeScalars.count
        let position = min(max(cursor ?? count, 0), count)
        let found = session.completion(line: code, cursor: position)
        var part = ServePart(kind: "completion")
        part.matches = found.matches
        part.start = found.start
        part.end = position
        return part
    }

    /// `help NAME` for a built-in or command, or what a variable holds; nil when the name is unknown.
    func help(_ name: String) -> ServePart? {
        var part = ServePart(kind: "help")
        part.name = name
        if name.isEmpty {
            part.text = HelpRenderer.lines(topic: nil).map { $0 + "\n" }.joined()
        } else if Vocabulary.helpTopics.contains(name) {
            part.text = HelpRenderer.lines(topic: name).map { $0 + "\n" }.joined()
        } else if let variable = session.interpreter.environment[name] {
            part.text = ProtocolText.variable(name, variable.value.kindDescription) + "\n"
        } else {
            return nil
        }
        return part
    }

    /// The identifier around `cursor`, with its scalar offsets.
    static func word(in code: String, at cursor: Int?) -> (text: String, start: Int, end: Int) {
        let scalars = Array(code.unicodeScalars)
        let position = min(max(cursor ?? scalars.count, 0), scalars.count)
        var start = position
        while start > 0 && Vocabulary.isWordScalar(scalars[start - 1]) { start -= 1 }
        var end = position
        while end < scalars.count && Vocabulary.isWordScalar(scalars[end]) { end += 1 }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start..<end])
        return (String(text), start, end)
    }

    // MARK: - Failures

    static func failure(id: ServeID?, _ problem: (message: String, hint: String)) -> ServeResponse {
        var part = ServePart(kind: "error")
        part.message = problem.message
        part.hint = problem.hint
        part.text = "error: \(problem.message)\n  hint: \(problem.hint)\n"
        return ServeResponse(id: id, ok: false, parts: [part])
    }

    /// A short reason a line could not be decoded.
    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        case DecodingError.keyNotFound(let key, _):
            return "\"\(key.stringValue)\" is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\"\(path)\" has the wrong type"
        default:
            return "it cannot be read"
        }
    }
}
