// ProtocolText: the English of the `--serve` protocol's own errors (docs/PROTOCOL.md). Errors in the code a
// request runs are the session's diagnostics, rendered as everywhere else.

/// Messages for requests that could not be served.
public enum ProtocolText {
    /// A line that is not a JSON request.
    public static func unreadable(_ reason: String) -> (message: String, hint: String) {
        ("the request is not a JSON object with a \"type\": \(reason)",
         "send one JSON object per line, e.g. {\"id\": 1, \"type\": \"execute\", \"code\": \"x = ones(3, 3)\"}")
    }

    /// A request of an unknown type.
    public static func unknownType(_ type: String, known: [String]) -> (message: String, hint: String) {
        ("there is no request of type '\(type)'", "the types are " + known.joined(separator: ", "))
    }

    /// A request without a field it needs.
    public static func missing(_ field: String, in type: String) -> (message: String, hint: String) {
        ("a '\(type)' request needs \"\(field)\"", "e.g. {\"type\": \"\(type)\", \"\(field)\": \"conv\"}")
    }

    /// A line longer than a script may be.
    public static func tooLong(bytes: Int, limit: Int) -> (message: String, hint: String) {
        ("the request has \(bytes) bytes, more than the script size limit of \(limit)",
         "send a shorter piece of code; docs/LIMITS.md lists the limits")
    }

    /// Code whose brackets or model block are still open at its end.
    public static let incomplete = (message: "the code ends inside an open bracket or model block",
                                    hint: "close every bracket, and end a model block with `end`")

    /// Help on a variable: what it holds.
    public static func variable(_ name: String, _ description: String) -> String {
        "\(name) is a variable: \(description)"
    }
}
