// PythonCodeGenerator: the code generator the session gives the interpreter for `code keras mnist`,
// `code torch mnist` and `code numpy f`. It picks the writer for the request (KerasCode, TorchCode,
// NumPyCode) and says how the script is run; the interpreter writes the files, CNNExplain shows the result.
import CNNCore
import CNNScript

/// Writes Keras 3, PyTorch or NumPy code for a `code` request.
public struct PythonCodeGenerator: CodeGenerator {
    /// Creates the generator.
    public init() {}

    /// The generated code for `request`, without writing anything.
    public func generate(_ request: CodeRequest) -> GeneratedCode {
        let scriptName = request.fileName.map(PythonCodeGenerator.lastComponent) ?? "\(PythonText.identifier(request.subjectName)).py"
        var code: GeneratedCode
        switch request.subject {
        case .model(let spec, let analysis):
            switch request.language {
            case .torch: code = TorchCode.script(for: spec, analysis: analysis, scriptName: scriptName)
            default: code = KerasCode.script(for: spec, analysis: analysis, scriptName: scriptName)
            }
        case .variable(let name, let variable):
            code = NumPyCode.script(name: name, variable: variable, scriptName: scriptName,
                                    savesDataFiles: request.path != nil)
        }
        code.scriptName = scriptName
        // Keras 3 picks its backend from the environment; JAX is the lightest to install.
        code.runner = request.language == .keras ? "KERAS_BACKEND=jax python3" : "python3"
        return code
    }

    /// "mnist.py" for "out/mnist.py".
    static func lastComponent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        let name = String(path[path.index(after: slash)...])
        return name.isEmpty ? path : name
    }
}
