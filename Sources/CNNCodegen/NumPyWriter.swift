// NumPyWriter: writes the nodes of a NumPyGraph as Python lines, one assignment per step, naming each
// value (see the design note in NumPyCode.swift) and collecting the helpers and data files it needs.
import CNNCore
import CNNScript

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
            case .step(let step):
                lines += stepLines(node, step)
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

    private mutating func stepLines(_ node: NumPyNode, _ step: Step) -> [String] {
        let references = node.inputs.map(\.reference)
        let (code, note) = expression(step, references, node: node)
        for input in node.inputs { input.pendingUses -= 1 }
        let name = self.name(node)
        var header = "# \(node.variableName ?? name) = \(NumPyWriter.shortened(node.expression ?? step.summary))   \(step.summary)"
        if !step.arithmetic.isEmpty { header += "   (\(step.arithmetic.joined(separator: "; ")))" }
        var lines = ["", header]
        if let note { lines.append("# \(note)") }
        if let wanted = node.variableName, PythonText.identifier(wanted, reserved: NumPyWriter.reserved) != name {
            lines.append("# (called \(name) here: \(wanted) still holds a value needed further down)")
        }
        lines.append("\(name) = \(code)  # \(Shape.describe(node.shape))")
        return lines
    }

    /// The Python expression of one step, and a remark about it, if any.
    private mutating func expression(_ step: Step, _ refs: [String], node: NumPyNode) -> (String, String?) {
        let x = refs.first ?? "x"
        let inputs = node.inputs
        switch step.operation {
        case .convolution(_, let plan):
            helpers.insert(.conv2d)
            var arguments = [x, refs.count > 1 ? refs[1] : "kernel"]
            if plan.stride != Pair(square: 1) { arguments.append("stride=\(PythonText.pair(plan.stride))") }
            let amounts = plan.paddingAmounts
            var note: String?
            if !amounts.isZero {
                arguments.append("padding=((\(amounts.top), \(amounts.bottom)), (\(amounts.left), \(amounts.right)))")
                note = "padding \(plan.padding): zero rows \(amounts.top) above, \(amounts.bottom) below; "
                    + "zero columns \(amounts.left) left, \(amounts.right) right"
            }
            if plan.dilation != Pair(square: 1) { arguments.append("dilation=\(PythonText.pair(plan.dilation))") }
            if refs.count > 2 { arguments.append("bias=\(refs[2])") }
            return ("conv2d(\(arguments.joined(separator: ", ")))", note)

        case .pooling(let pooling, let plan):
            var arguments = [x, PythonText.pair(pooling.size), PythonText.pair(pooling.stride)]
            let amounts = plan.padding
            if !amounts.isZero {
                arguments.append("((\(amounts.top), \(amounts.bottom)), (\(amounts.left), \(amounts.right)))")
            }
            var note: String?
            switch (pooling.kind, pooling.padding) {
            case (.max, .padToFit) where !amounts.isZero:
                arguments.append("pad_value=0")
                note = "padding=fit: zero rows below and columns right, which take part"
            case (.max, .same) where !amounts.isZero:
                note = "padding=same: padded cells take no part (-inf never wins)"
            case (.average, .same) where !amounts.isZero:
                arguments.append("padding_counts=False")
                note = "padding=same: each window averages its real cells only"
            case (.average, .padToFit) where !amounts.isZero:
                note = "padding=fit: zero rows below and columns right, which count in the average"
            default:
                break
            }
            let helper: NumPyHelper = pooling.kind == .max ? .maxpool2d : .avgpool2d
            helpers.insert(helper)
            return ("\(helper.name)(\(arguments.joined(separator: ", ")))", note)

        case .globalPooling(let kind):
            let function = kind == .max ? "max" : "mean"
            if inputs.first?.shape.count == 3 { return ("\(x).\(function)(axis=(0, 1))", "one value per map") }
            return ("np.array([\(x).\(function)()])", nil)

        case .depthwisePooling(let size):
            let shape = inputs.first?.shape ?? []
            guard shape.count == 3, size >= 1 else { return ("\(x)", nil) }
            let groups = shape[2] / size
            return ("\(x).reshape(\(shape[0]), \(shape[1]), \(groups), \(size)).max(axis=3)",
                    "the largest of every \(size) neighbouring channels")

        case .activation(let kind, let slope):
            switch kind {
            case .relu: return ("np.maximum(\(x), 0)", nil)
            case .leakyrelu: return ("np.where(\(x) < 0, \(PythonText.float(slope)) * \(x), \(x))", nil)
            case .sigmoid:
                helpers.insert(.sigmoid)
                return ("sigmoid(\(x))", nil)
            case .tanh: return ("np.tanh(\(x))", nil)
            case .softmax:
                helpers.insert(.softmax)
                return ("softmax(\(x))", nil)
            case .linear: return ("\(x).copy()", "unchanged (no activation, or dropout, which is off when predicting)")
            }

        case .flatten:
            return ("\(x).reshape(-1)", "row by row, channels last, as Keras flattens")

        case .other("reshape"):
            return ("\(x).reshape\(PythonText.tuple(node.shape))", nil)

        case .other("transpose"):
            return ("\(x).T", nil)

        case .other("slice"):
            let operandText = step.operands.first?.text ?? ""
            let subscripts = NumPyGraph.sliceSubscripts(of: operandText, in: node.expression ?? "") ?? ":"
            return ("\(x)[\(subscripts)]", nil)

        case .dense, .other:
            var code = "\(x) @ \(refs.count > 1 ? refs[1] : "weights")"
            if refs.count > 2 { code += " + \(refs[2])" }
            return (code, nil)

        case .elementwise(let operation):
            return ("\(x) \(operation.symbol) \(refs.count > 1 ? refs[1] : "0")", nil)

        case .matrixProduct:
            let b = refs.count > 1 ? refs[1] : "b"
            if inputs.count == 2, inputs[0].shape.count == 1, inputs[1].shape.count == 1 {
                return ("np.array([\(x) @ \(b)])", "a vector @ a vector: cnnrepl keeps the one value as a vector")
            }
            return ("\(x) @ \(b)", nil)
        }
    }
}
