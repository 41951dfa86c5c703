// CodeOutput: what the `code` command shows. Without a file, the generated script, indented under a line
// saying what it is; with file="NAME.py", the script is written there as it is (with any .npy files it
// loads beside it) and a line says so.
//
// The language checked the request before (the framework, the model or tensor, that the file's folder
// exists), so writing rarely fails; when it does, the line says why.
import CNNCore
import CNNScript
import Glibc

/// The code a request asks for, printed or written to a file.
public enum CodeOutput {
    /// The generated code for `request`, without writing anything.
    public static func generate(_ request: CodeRequest) -> GeneratedCode {
        let scriptName = request.fileName.map(lastComponent) ?? "\(PythonText.identifier(request.subjectName)).py"
        switch request.subject {
        case .model(let spec, let analysis):
            switch request.language {
            case .torch: return TorchCode.script(for: spec, analysis: analysis, scriptName: scriptName)
            default: return KerasCode.script(for: spec, analysis: analysis, scriptName: scriptName)
            }
        case .variable(let name, let variable):
            return NumPyCode.script(name: name, variable: variable, scriptName: scriptName,
                                    savesDataFiles: request.path != nil)
        }
    }

    /// The lines the learner sees: what the code is and the script, indented under that line like every
    /// value cnnrepl prints (so its comment lines never read as a lesson's narration); or, with a file,
    /// where it was written and how to run it.
    public static func lines(for request: CodeRequest) -> [String] {
        let code = generate(request)
        guard let path = request.path, let fileName = request.fileName else {
            let suggested = "\(PythonText.identifier(request.subjectName)).py"
            let command = "code \(request.language.rawValue) \(request.subjectName) file=\"\(suggested)\""
            return ["\(code.title); to run it, write it to a file: \(command)"]
                + code.lines.map { $0.isEmpty ? "" : "  " + $0 }
        }
        do {
            try write(code.text, to: path)
            let folder = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
            for data in code.dataFiles {
                try NPY.write(data.tensor, path: folder + data.fileName)
            }
        } catch let error as CoreError {
            return ["could not write \(fileName): \(error.message)"]
        } catch {
            return ["could not write \(fileName)"]
        }
        var lines = ["wrote \(fileName): \(code.title) (\(Format.count(code.lines.count)) lines)"]
        if !code.dataFiles.isEmpty {
            let names = code.dataFiles.map(\.fileName)
            lines.append("  and beside it the array\(names.count == 1 ? "" : "s") it loads: \(names.joined(separator: ", "))")
        }
        let runner = request.language == .keras ? "KERAS_BACKEND=jax python3" : "python3"
        lines.append("  run it with: \(runner) \(fileName)")
        return lines
    }

    /// "mnist.py" for "out/mnist.py".
    static func lastComponent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        let name = String(path[path.index(after: slash)...])
        return name.isEmpty ? path : name
    }

    /// Writes `text` to `path`, replacing the file; throws a CoreError saying why it failed.
    static func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw CoreError("cannot open \(path) for writing (\(String(cString: strerror(errno))))")
        }
        var bytes = Array(text.utf8)
        let written = bytes.withUnsafeMutableBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else {
            throw CoreError("writing \(path) failed (\(String(cString: strerror(errno))))")
        }
    }
}
