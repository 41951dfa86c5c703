// CodeGenerator: what writes the Python code a `code` command asks for. The language only checks the
// request (CodeRequest.swift) and knows nothing of Keras, PyTorch or NumPy: CNNCodegen provides the
// generator (PythonCodeGenerator), and the session hands it to the interpreter. The interpreter then
// writes the files when the statement runs and returns a CodeResult for CNNExplain to show.

/// Writes Python code for a checked `code` request.
public protocol CodeGenerator: Sendable {
    /// The code for `request`: the script, the data files it loads (when it goes to a file), its title.
    func generate(_ request: CodeRequest) -> GeneratedCode
}

/// What a `code` command did: the code it generated, shown, or written with its data files to
/// `request.path` before the command returned.
public struct CodeResult: Sendable {
    /// The request, with the file name when the code went to a file.
    public var request: CodeRequest
    /// The generated code.
    public var code: GeneratedCode

    /// Creates a result.
    public init(request: CodeRequest, code: GeneratedCode) {
        self.request = request
        self.code = code
    }

    /// Whether the code was written to a file (else it is shown).
    public var wasWritten: Bool { request.fileName != nil }
}
