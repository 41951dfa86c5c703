// CodeRequest: what `code keras mnist`, `code torch mnist` or `code numpy f` asked for, as data.
//
// The language only checks the request (a known framework, a model or a tensor variable, a file name
// whose folder exists) and hands it to the session's CodeGenerator: the CNNCodegen library turns it into
// Python, so the language itself knows nothing of Keras, PyTorch or NumPy.
import CNNCore

/// The framework a `code` command writes Python for.
public enum CodeLanguage: String, CaseIterable, Sendable {
    /// A Keras 3 Sequential model (any backend: JAX, TensorFlow or PyTorch).
    case keras
    /// A PyTorch `nn.Sequential` model.
    case torch
    /// Plain NumPy that recomputes a variable step by step.
    case numpy

    /// The name a learner reads: "Keras 3", "PyTorch", "NumPy".
    public var displayName: String {
        switch self {
        case .keras: return "Keras 3"
        case .torch: return "PyTorch"
        case .numpy: return "NumPy"
        }
    }

    /// The framework for a word typed after `code`: keras, torch (or pytorch), numpy.
    public static func named(_ word: String) -> CodeLanguage? {
        switch word.lowercased() {
        case "keras": return .keras
        case "torch", "pytorch": return .torch
        case "numpy", "np": return .numpy
        default: return nil
        }
    }
}

/// What the code is for: a declared model (Keras, PyTorch) or a variable and how it was made (NumPy).
public enum CodeSubject: Sendable {
    /// A model declared with a `model ... end` block, with its analysis (shapes, names, counts).
    case model(ModelSpec, ModelAnalysis)
    /// A tensor variable with the provenance of its value.
    case variable(name: String, Variable)
}

/// A request for Python code, made by the `code` command.
public struct CodeRequest: Sendable {
    /// The framework to write for.
    public var language: CodeLanguage
    /// The model or variable the code reproduces.
    public var subject: CodeSubject
    /// The file name as written after `file=`, nil to print the code.
    public var fileName: String?
    /// The file name resolved against the running script's folder (nil to print the code).
    public var path: String?
    /// Where the file went, as the learner is told (`Workspace.shownPath`), once it is written.
    public var shownPath: String?

    /// Creates a request.
    public init(language: CodeLanguage, subject: CodeSubject, fileName: String? = nil, path: String? = nil) {
        self.language = language
        self.subject = subject
        self.fileName = fileName
        self.path = path
    }

    /// The name of the model or variable.
    public var subjectName: String {
        switch subject {
        case .model(let spec, _): return spec.name
        case .variable(let name, _): return name
        }
    }
}
