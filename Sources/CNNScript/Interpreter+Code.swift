// Interpreter+Code: the `code` command, `code keras NAME`, `code torch NAME`, `code numpy VAR [file="x.py"]`.
//
// It checks what was asked (a framework it knows, a model for Keras and PyTorch, a tensor for NumPy, a
// file whose folder exists) into a CodeRequest and has the session's CodeGenerator (CNNCodegen) write the
// Python. With a file, the script and the arrays it loads are written here, when the statement runs, each
// whole or not at all (FileBytes); a failed write is an error at the file name. The CodeResult that comes
// back is data, which CNNExplain only shows.
import CNNCore
import Glibc

extension Commands {
    /// `code`: Python for Keras 3, PyTorch or NumPy.
    static let code = CommandDefinition(
        name: "code", usage: "code keras MODEL | code torch MODEL | code numpy VAR [> NAME.py | file=\"NAME.py\"]",
        summary: "Write the Python that does the same in Keras 3, PyTorch or NumPy.",
        details: """
            code keras mnist shows a complete Keras 3 script building the model as a Sequential with the
            same layers, shapes, padding and activations, ending in model.summary(). code torch mnist shows
            the PyTorch nn.Sequential (channels first; TensorFlow's asymmetric `same` padding as an explicit
            nn.ZeroPad2d) and a loop printing each layer's output shape and parameters. code numpy f shows
            NumPy code that recomputes f step by step as it was made (conv with sliding_window_view, pooling,
            activations, dense), so cnnrepl's numbers can be checked in Python; values typed in or drawn at
            random are embedded at full precision. The code is shown indented, like every value; with
            > NAME.py at the end of the line (or file="NAME.py") it is written to that file, ready to run
            with python3 (arrays too large to embed are saved beside it as .npy files).
            """,
        examples: ["code keras mnist", "code torch mnist", "code numpy f", "code keras mnist > mnist.py", "code torch mnist file=\"mnist_torch.py\""],
        body: Interpreter.codeCommand)
}

extension Interpreter {
    /// `code LANGUAGE NAME [file="x.py"]`: Python code reproducing a model or a variable, shown or written.
    func codeCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        let usage = "e.g. code keras mnist, code torch mnist or code numpy f"
        var positional: [Argument] = []
        var fileArgument: Argument?
        for argument in arguments {
            if let label = argument.label {
                guard label.text == "file" else {
                    throw Diagnostic("code has no setting called '\(label.text)'", at: label.range,
                                     hint: "to write the code to a file: code keras mnist file=\"mnist.py\"")
                }
                fileArgument = argument
            } else {
                positional.append(argument)
            }
        }
        guard let first = positional.first else {
            throw Diagnostic("code takes a framework (keras, torch or numpy) and a name", at: name.range, hint: usage)
        }
        let languageWord: String
        switch first.value.kind {
        case .identifier(let word), .string(let word): languageWord = word
        default: throw Diagnostic("code takes a framework first: keras, torch or numpy", at: first.range, hint: usage)
        }
        guard let language = CodeLanguage.named(languageWord) else {
            let guess = Suggestions.closest(to: languageWord, among: CodeLanguage.allCases.map(\.rawValue))
            throw Diagnostic("code writes keras, torch or numpy, not '\(languageWord)'", at: first.range,
                             hint: guess.map { "did you mean \($0)?" } ?? usage)
        }
        guard positional.count >= 2 else {
            let what = language == .numpy ? "a variable, e.g. code numpy f" : "a model, e.g. code \(language.rawValue) mnist"
            throw Diagnostic("code \(language.rawValue) needs the name of \(what)", at: first.range)
        }
        guard positional.count == 2 else {
            throw Diagnostic("code takes a framework and one name", at: positional[2].range,
                             hint: "to write the code to a file: code \(language.rawValue) NAME file=\"NAME.py\"")
        }
        let target = positional[1]
        guard let targetName = target.value.identifierName else {
            throw Diagnostic("code \(language.rawValue) takes the name of a \(language == .numpy ? "variable" : "model")",
                             at: target.range, hint: usage)
        }
        guard let variable = environment[targetName] else { throw unknownName(targetName, at: target.range) }
        let subject = try codeSubject(language, name: targetName, variable: variable, at: target.range)
        var request = CodeRequest(language: language, subject: subject)
        if let fileArgument {
            let (written, resolved) = try codeFile(fileArgument, context)
            request.fileName = written
            request.path = resolved
        }
        guard let codeGenerator else {
            throw Diagnostic("code needs a code generator, and this session has none", at: name.range,
                             hint: "cnnrepl has one; a program that runs the interpreter itself sets interpreter.codeGenerator")
        }
        let code = codeGenerator.generate(request)
        if let fileArgument, let fileName = request.fileName, let path = request.path {
            try write(code, to: path, named: fileName, at: fileArgument.value.range)
            request.shownPath = Workspace.shownPath(path)
        }
        return .code(CodeResult(request: request, code: code))
    }

    /// Writes the script to `path` (`fileName` as written) and the arrays it loads beside it (first, so the
    /// script never runs without them); a failure is an error at `range`, the file name.
    private func write(_ code: GeneratedCode, to path: String, named fileName: String, at range: SourceRange) throws {
        let folder = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        try core(range) {
            for data in code.dataFiles {
                try FileBytes.write(NPY.encode(data.tensor), path: folder + data.fileName, what: "code: write \(data.fileName)")
            }
            try FileBytes.write(Array(code.text.utf8), path: path, what: "code: write \(fileName)")
        }
    }

    /// The model (Keras, PyTorch) or tensor variable (NumPy) the code is for, or a diagnostic saying why not.
    private func codeSubject(_ language: CodeLanguage, name: String, variable: Variable,
                             at range: SourceRange) throws -> CodeSubject {
        switch (language, variable.value) {
        case (.keras, .model(let spec)), (.torch, .model(let spec)):
            let analysis = try core(range) { try spec.analyze() }
            return .model(spec, analysis)
        case (.numpy, .tensor):
            return .variable(name: name, variable)
        case (.numpy, .model):
            throw Diagnostic("code numpy writes the steps that made a tensor, and \(name) is a model", at: range,
                             hint: "run \(name) first, then: code numpy \(name)_out (or, for the model itself: code keras \(name))")
        case (.numpy, _):
            throw Diagnostic("code numpy writes the steps that made a tensor, and \(name) is \(variable.value.kindDescription)",
                             at: range)
        default:
            throw Diagnostic("code \(language.rawValue) writes a model as \(language.displayName) code, and \(name) is \(variable.value.kindDescription)",
                             at: range, hint: "declare a model with model ... end; for the NumPy steps that made \(name): code numpy \(name)")
        }
    }

    /// The file name as written and resolved against the script's folder, checked: a string whose
    /// folder exists.
    private func codeFile(_ argument: Argument, _ context: EvaluationContext) throws -> (String, String) {
        guard case .string(let written) = argument.value.kind else {
            throw Diagnostic("file= takes a file name in double quotes", at: argument.value.range,
                             hint: "e.g. code keras mnist file=\"mnist.py\"")
        }
        if let problem = Workspace.problem(withFileName: written) {
            throw Diagnostic("code: \(problem)", at: argument.value.range, hint: "e.g. code keras mnist file=\"mnist.py\"")
        }
        // A lesson is code someone else wrote: code writes Python files only.
        guard written.hasSuffix(".py") else {
            throw Diagnostic("code writes Python files, and '\(written)' does not end in .py", at: argument.value.range,
                             hint: "e.g. code keras mnist file=\"mnist.py\"")
        }
        let resolved = workspace.path(for: written)
        if let problem = workspace.problem(writing: resolved, named: written) {
            throw Diagnostic("code: \(problem.message)", at: argument.value.range, hint: problem.hint)
        }
        let folder = resolved.lastIndex(of: "/").map { String(resolved[..<$0]) } ?? "."
        var status = stat()
        guard stat(folder.isEmpty ? "/" : folder, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
            throw Diagnostic("cannot write \(written): the folder \(folder) does not exist", at: argument.value.range)
        }
        if stat(resolved, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            throw Diagnostic("cannot write \(written): it is a folder", at: argument.value.range,
                             hint: "give a file name, e.g. \(written.hasSuffix("/") ? written : written + "/")code.py")
        }
        return (written, resolved)
    }
}
