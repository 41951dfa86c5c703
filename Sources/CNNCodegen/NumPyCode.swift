// NumPyCode: a variable's provenance chain as a NumPy script that recomputes it step by step.
//
// Design note. Every tensor remembers the Step that made it (operation, settings, operands with their
// own provenance), so the steps behind a variable form a graph whose leaves are values cnnrepl did not
// compute by a translatable step (typed in, drawn at random, loaded, padded, clipped). The script is
// written in three passes:
//   1. walk the graph from the variable (with an explicit stack, so a long chain cannot exhaust the call
//      stack), one node per provenance record, counting how often each node is used;
//   2. visit the nodes in dependency order and give each a Python name: the cnnrepl variable name where
//      there is one, so `f = conv(...)`, `relu f`, `maxpool f` read as three assignments to f. A name is
//      reused only when its old value is not needed any more; otherwise the new value gets f_2;
//   3. write each node: leaves are re-created (np.ones((3, 3))) or embedded at full precision, steps
//      become one line each under a comment with cnnrepl's own step header.
// Only the helpers the steps need (conv2d, maxpool2d, ...) are defined at the top.
import CNNCore
import CNNScript

/// Writes NumPy code that recomputes a variable.
public enum NumPyCode {
    /// A stand-alone NumPy script that recomputes the variable `name` from its inputs.
    /// - Parameters:
    ///   - name: the variable's name.
    ///   - variable: its value and provenance.
    ///   - scriptName: the file name the learner runs, for the instructions at the top.
    ///   - savesDataFiles: whether the script goes to a file, beside which the arrays too large to embed are
    ///     saved as .npy files (named after the script); when it is only printed, they are not.
    public static func script(name: String, variable: Variable, scriptName: String,
                              savesDataFiles: Bool) -> GeneratedCode {
        var stem = Substring(scriptName)
        if let slash = stem.lastIndex(of: "/") { stem = stem[stem.index(after: slash)...] }
        if stem.hasSuffix(".py") { stem = stem.dropLast(3) }
        var writer = NumPyWriter(dataFilePrefix: PythonText.identifier(String(stem)), savesDataFiles: savesDataFiles)
        let graph = NumPyGraph(rootName: name, value: variable.value, provenance: variable.provenance)
        let body = writer.write(graph)
        var lines = [
            "# NumPy code that recomputes \(name) as cnnrepl made it, step by step, written by cnnrepl (code numpy \(name)).",
            "# Layouts are cnnrepl's: images H x W or H x W x C (channels last), kernels kh x kw x C x F.",
            "# Values drawn at random or given to cnnrepl are embedded at full precision (NumPy's own random",
            "# numbers would differ), so the results equal cnnrepl's up to rounding in the last digits.",
        ]
        if writer.loadsUnsavedFiles {
            lines.append("# Arrays too large to show are loaded from .npy files: write this code with")
            lines.append("# code numpy \(name) file=\"\(scriptName)\" and cnnrepl saves them beside the script.")
        }
        lines.append("# Run it with: python3 \(scriptName)")
        if writer.needsOS { lines.append("import os") }
        lines.append("")
        lines.append("import numpy as np")
        let helpers = writer.helpers.sorted()
        if helpers.contains(where: \.usesWindows) {
            lines.append("from numpy.lib.stride_tricks import sliding_window_view")
        }
        if writer.needsOS {
            lines.append("")
            lines.append("HERE = os.path.dirname(os.path.abspath(__file__))  # the folder of this script")
        }
        for helper in helpers {
            lines.append("")
            lines.append("")
            lines += helper.lines
        }
        lines.append("")
        if !helpers.isEmpty { lines.append("") }  // two blank lines after functions, as PEP 8 has it
        lines += body.drop { $0.isEmpty }
        let rootName = writer.rootPythonName
        lines.append("")
        lines.append("np.set_printoptions(precision=2, suppress=True, linewidth=120)  # 2 decimals, as cnnrepl shows")
        lines.append("print(\(PythonText.string(rootName + ":")), \(rootName).shape)")
        lines.append("print(\(rootName))")
        return GeneratedCode(lines: lines, dataFiles: writer.dataFiles,
                             title: "NumPy code that recomputes \(name)")
    }
}

// MARK: - The graph of steps

/// One value in the graph: a step to translate, a constant to embed or re-create, or a plain number.
final class NumPyNode {
    enum Kind {
        /// A step whose operation the script can compute, and its result; its operands are the node's inputs.
        case step(Step, result: Tensor)
        /// A tensor the script cannot compute: re-created or embedded.
        case constant(Tensor)
        /// A plain number (one side of an element-wise operation).
        case number(Double)
    }

    let kind: Kind
    /// The tensor's shape (empty for a number).
    let shape: [Int]
    /// The cnnrepl variable name, if the value was a variable.
    let variableName: String?
    /// A name to use when there is no variable name ("kernel", "conv", ...).
    let fallbackName: String
    /// The expression that made it in cnnrepl ("rand(10,10)", "relu(f)"), if known.
    let expression: String?
    /// The nodes the step reads, in operand order.
    var inputs: [NumPyNode] = []
    /// How many steps still have to read this node (counted down as the script is written).
    var pendingUses = 0
    /// The Python name holding the value, or the inline text (a number, np.ones((3, 3))).
    var reference = ""

    init(kind: Kind, shape: [Int], variableName: String?, fallbackName: String, expression: String?) {
        self.kind = kind
        self.shape = shape
        self.variableName = variableName
        self.fallbackName = fallbackName
        self.expression = expression
    }
}

/// The graph behind a variable, its nodes in an order where every node comes after its inputs.
struct NumPyGraph {
    /// Every node, inputs first; the last one is the variable itself.
    private(set) var order: [NumPyNode] = []
    /// The variable the script computes.
    let root: NumPyNode

    init(rootName: String, value: Value, provenance: Provenance?) {
        var memo: [ObjectIdentifier: NumPyNode] = [:]
        var pending: [(node: NumPyNode, operands: [Operand], next: Int)] = []
        var order: [NumPyNode] = []

        /// The node for a value: memoised per provenance record; a new step is queued for its operands.
        func visit(value: Value, provenance: Provenance?, name: String?, role: String) -> NumPyNode {
            if let provenance, let known = memo[ObjectIdentifier(provenance)] { return known }
            let node: NumPyNode
            switch value {
            case .number(let x):
                node = NumPyNode(kind: .number(x), shape: [], variableName: nil, fallbackName: role, expression: nil)
                order.append(node)
                return node
            case .tensor(let tensor):
                if let step = provenance?.step,
                   NumPyGraph.code(for: step, references: step.operation.operandRoles, result: tensor,
                                   expression: provenance?.expression ?? "") != nil {
                    node = NumPyNode(kind: .step(step, result: tensor), shape: tensor.shape, variableName: name,
                                     fallbackName: step.operation.name, expression: provenance?.expression)
                    pending.append((node, step.operands, 0))
                } else {
                    node = NumPyNode(kind: .constant(tensor), shape: tensor.shape, variableName: name,
                                     fallbackName: role, expression: provenance?.expression)
                    order.append(node)
                }
            default:
                // Never reached for translatable steps (their operands are tensors or numbers).
                node = NumPyNode(kind: .number(0), shape: [], variableName: nil, fallbackName: role, expression: nil)
                order.append(node)
            }
            if let provenance { memo[ObjectIdentifier(provenance)] = node }
            return node
        }

        root = visit(value: value, provenance: provenance, name: rootName, role: rootName)
        while let top = pending.last {
            if top.next < top.operands.count {
                pending[pending.count - 1].next += 1
                let operand = top.operands[top.next]
                let roles = NumPyGraph.operandRoles(top.node)
                let role = top.next < roles.count ? roles[top.next] : "x"
                let input = visit(value: operand.value, provenance: operand.provenance, name: operand.name, role: role)
                top.node.inputs.append(input)
                input.pendingUses += 1
            } else {
                pending.removeLast()
                order.append(top.node)
            }
        }
        self.order = order
    }

    /// The NumPy code of a step that gave `result`, or nil when the script cannot compute it (its result is
    /// then embedded): steps that do not record all their settings (clip, pad) are not translated.
    static func code(for step: Step, references: [String], result: Tensor, expression: String) -> NumPyStep? {
        let shapes = step.operands.map { operand -> [Int] in operand.tensor?.shape ?? [] }
        return step.operation.numpy(NumPyContext(operands: step.operands, references: references, operandShapes: shapes,
                                                 result: result, expression: expression))
    }

    /// Names for a step's unnamed operands: conv(x, kernel, bias), dense(x, weights, bias), a + b.
    static func operandRoles(_ node: NumPyNode) -> [String] {
        guard case .step(let step, _) = node.kind else { return [] }
        return step.operation.operandRoles
    }
}
