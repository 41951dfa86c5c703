// CodeRenderer: what the `code` command shows. Code that was only generated is printed indented under a
// line saying what it is and how to write it to a file (indented like every value cnnrepl prints, so its
// comment lines never read as a lesson's narration); code the statement wrote to a file gets a line
// saying where, the arrays written beside it, and how to run it.
import CNNCore
import CNNScript

/// Renders the result of a `code` command.
enum CodeRenderer {
    /// The lines for `result`.
    static func lines(_ result: CodeResult) -> [String] {
        let request = result.request
        let code = result.code
        guard result.wasWritten, let fileName = request.shownPath ?? request.fileName else {
            let command = "code \(request.language.rawValue) \(request.subjectName) file=\"\(code.scriptName)\""
            return ["\(code.title); to run it, write it to a file: \(command)"]
                + code.lines.map { $0.isEmpty ? "" : "  " + $0 }
        }
        var lines = ["wrote \(fileName): \(code.title) (\(Format.count(code.lines.count)) lines)"]
        if !code.dataFiles.isEmpty {
            let names = code.dataFiles.map(\.fileName)
            lines.append("  and beside it the array\(names.count == 1 ? "" : "s") it loads: \(names.joined(separator: ", "))")
        }
        lines.append("  run it with: \(code.runner) \(fileName)")
        return lines
    }
}
