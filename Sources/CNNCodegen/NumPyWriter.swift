// NumPyWriter: writes the nodes of a NumPyGraph as Python lines, one assignment per step, naming each
// value (see the design note in NumPyCode.swift) and collecting the helpers and data files it needs.
import CNNCore
import CNNScript
import CNNExplain

/// Turns a graph of steps into the body of a NumPy script.
struct NumPyWriter {
    /// The start of the .npy file names for arrays too large to embed ("f" gives "f_w.npy").
    let dataFilePrefix: String
    /// Whether those .npy files will be written beside the script (false when it is only printed).
    let savesDataFiles: Bool
    /// The helper functions the steps call.
    private(set) var helpers: Set<NumPyHelper> = []
    /// The arrays to save beside the script.
    private(set) var dataFiles: [GeneratedCode.DataFile] = []
    /// Whether the script loads .npy files (and so needs `os` and HERE).
    private(set) var needsOS = false
    /// Whether it loads .npy files that are not written (the code is only printed).
    private(set) var loadsUnsavedFiles = false
    /// The Python name of the variable the script computes.
    private(set) var rootPythonName = "x"

    /// Which node each Python name holds at this point of the script.
    private var holders: [String: NumPyNode] = [:]
    private var usedFileNames: Set<String> = []

    /// Names the script defines itself, which a value never takes.
    static let reserved: Set<String> = Set(NumPyHelper.allCases.map(\.name) + ["np", "sliding_window_view", "HERE"])

    init(dataFilePrefix: String, savesDataFiles: Bool) {
        self.dataFilePrefix = dataFilePrefix
        self.savesDataFiles = savesDataFiles
    }

    /// The lines computing every node of `graph`, the root last.
    mutating func write(_ graph: NumPyGraph) -> [String] {
        var lines: [String] = []
        for node in graph.order {
            switch node.kind {
            case .number(let x):
                node.reference = PythonText.number(x)
            case .constant(let tensor):
                lines += constantLines(node, tensor, isRoot: node === graph.root)
            case .step(let step, let result):
                lines += stepLines(node, step, result: result)
            }
        }
        rootPythonName = graph.root.reference
        return lines
    }

    // MARK: - Names

    /// Gives `node` a Python name: its variable name (or fallback) unless that name still holds a value
    /// a later step needs, in which case `name_2`, `name_3`, ...
    private mutating func name(_ node: NumPyNode) -> String {
        let base = PythonText.identifier(node.variableName ?? node.fallbackName, reserved: NumPyWriter.reserved)
        var candidate = base
        var suffix = 2
        while let holder = holders[candidate], holder !== node, holder.pendingUses > 0 {
            candidate = "\(base)_\(suffix)"
            suffix += 1
        }
        holders[candidate] = node
        node.reference = candidate
        return candidate
    }

    /// Text of a cnnrepl expression for a one-line comment (newlines folded, long text shortened).
    static func shortened(_ text: String, limit: Int = 90) -> String {
        let flat = text.split(whereSeparator: \.isNewline)
            .map { line in String(line.drop { $0 == " " || $0 == "\t" }) }
            .joined(separator: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit - 3)) + "..."
    }

    // MARK: - Constants

    private mutating func constantLines(_ node: NumPyNode, _ tensor: Tensor, isRoot: Bool) -> [String] {
        let recreated = NumPyArrays.recreation(tensor)
        if let recreated, node.variableName == nil, node.pendingUses == 1, !isRoot {
            node.reference = recreated
            return []
        }
        let name = self.name(node)
        let origin = node.expression.map { "\(NumPyWriter.shortened($0)) in cnnrepl" } ?? "typed in"
        let label = node.variableName.map { "\($0) = " } ?? "\(name): "
        if let recreated {
            return ["", "# \(label)\(origin)", "\(name) = \(recreated)"]
        }
        let count = Format.count(tensor.count)
        if tensor.count <= NumPyArrays.embedLimit {
            var lines = ["", "# \(label)\(origin): its \(count) value\(tensor.count == 1 ? "" : "s") embedded at full precision"]
            let literal = NumPyArrays.literal(tensor)
            lines.append("\(name) = " + (literal.first ?? "np.array([])"))
            lines += literal.dropFirst()
            return lines
        }
        var fileName = "\(dataFilePrefix)_\(name).npy"
        var suffix = 2
        while usedFileNames.contains(fileName) {
            fileName = "\(dataFilePrefix)_\(name)_\(suffix).npy"
            suffix += 1
        }
        usedFileNames.insert(fileName)
        needsOS = true
        if savesDataFiles {
            dataFiles.append(GeneratedCode.DataFile(fileName: fileName, tensor: tensor))
        } else {
            loadsUnsavedFiles = true
        }
        return ["", "# \(label)\(origin): \(count) values (\(tensor.shapeDescription)), too many to embed: saved beside this script",
                "\(name) = np.load(os.path.join(HERE, \(PythonText.string(fileName))))"]
    }

    // MARK: - Steps

    private mutating func stepLines(_ node: NumPyNode, _ step: Step, result: Tensor) -> [String] {
        let references = node.inputs.map(\.reference)
        // The graph kept only steps whose code exists, so this finds it again with the real names.
        let code = NumPyGraph.code(for: step, references: references, result: result, expression: node.expression ?? "")
            ?? NumPyStep(references.first ?? "x")
        for name in code.helpers {
            if let helper = NumPyHelper.allCases.first(where: { $0.name == name }) { helpers.insert(helper) }
        }
        let note = code.note
        for input in node.inputs { input.pendingUses -= 1 }
        let name = self.name(node)
        let summary = StepSummaryText.text(step.summary)
        let written = node.expression ?? summary
        // `w[:, 3] = 1` is a statement of its own: shown as written, not as "w = w[:, 3] = 1".
        let statement = step.operation is SetCellsOperation ? written : "\(node.variableName ?? name) = \(written)"
        var header = "# \(NumPyWriter.shortened(statement))   \(summary)"
        if !step.arithmetic.isEmpty { header += "   (\(step.arithmetic.joined(separator: "; ")))" }
        var lines = ["", header]
        if let note { lines.append("# \(note)") }
        if let wanted = node.variableName, PythonText.identifier(wanted, reserved: NumPyWriter.reserved) != name {
            lines.append("# (called \(name) here: \(wanted) still holds a value needed further down)")
        }
        lines.append("\(name) = \(code.code)  # \(Shape.describe(node.shape))")
        return lines
    }
}
