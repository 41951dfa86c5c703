// GraphCode: a model graph (named layers, add, concat) as Keras' functional API and as a PyTorch nn.Module.
//
// Keras: `inputs = keras.Input(...)`, then one line per layer calling the layer on the tensor(s) it takes,
//     conv2d = layers.Conv2D(64, (1, 1), name="conv2d")(input_layer)
//     add = layers.Add(name="add")([f, input_layer])
// every layer given cnnrepl's name, so model.summary() reads like `summary NAME` (the same names in
// "Connected to"). A layer whose code is several Keras layers (a ZeroPadding2D before a conv) chains them.
// PyTorch: the modules are made in __init__ (self.conv2d = nn.Conv2d(...)), and `forward` computes each
// layer's output from the tensor(s) it takes: `add` is `a + b`, `concat` is torch.cat along dim=1 (the
// channels, which PyTorch keeps first). The summary loop of the stack's script becomes a shape check of
// every layer's output with hooks on the modules.
import CNNCore
import CNNScript

/// Writes Keras and PyTorch code for models that are graphs.
enum GraphCode {
    /// The variable of each node: "input_layer", then each layer's name (a Python identifier).
    static func variables(_ analysis: ModelAnalysis) -> [String] {
        ["input_layer"] + analysis.layers.map { PythonText.identifier($0.name, reserved: taken) }
    }

    /// Names the scripts use themselves, which a layer's variable must not shadow.
    static let taken: Set<String> = ["keras", "layers", "model", "torch", "nn", "x", "self", "input_layer", "forward",
                                     "training", "super", "print", "sum", "str", "tuple", "name", "layer", "shape"]

    /// The functional Keras lines building the model (without the import and summary lines).
    static func keras(_ spec: ModelSpec, _ analysis: ModelAnalysis) -> [String] {
        let names = variables(analysis)
        var rows: [(code: String, comment: String?)] = [
            (code: "input_layer = keras.Input(shape=\(PythonText.tuple(spec.inputShape)), name=\"input_layer\")",
             comment: "one example: \(Shape.describe(spec.inputShape))"),
        ]
        for (offset, layer) in analysis.layers.enumerated() {
            let variable = names[offset + 1]
            let sources = layer.inputs.map { names[$0] }
            let taken = sources.count == 1 ? sources[0] : "[\(sources.joined(separator: ", "))]"
            let pieces = LayerCode.keras(layer)
            var current = taken
            for (p, piece) in pieces.enumerated() {
                var call = piece.code
                if call.hasSuffix(",") { call.removeLast() }
                let isLast = p == pieces.count - 1
                let label = isLast ? variable : "\(variable)_\(p)"
                if call.hasSuffix(")") {
                    call.removeLast()
                    call += (call.hasSuffix("(") ? "" : ", ") + "name=\(PythonText.string(isLast ? layer.name : "\(layer.name)_\(p)")))"
                }
                rows.append((code: "\(label) = \(call)(\(current))", comment: piece.comment))
                current = label
            }
        }
        var lines = PythonText.aligned(rows)
        lines.append("model = keras.Model(input_layer, \(names.last ?? "input_layer"), name=\(PythonText.string(PythonText.identifier(spec.name))))")
        return lines
    }

    /// The PyTorch nn.Module class and the line that makes it.
    static func torch(_ spec: ModelSpec, _ analysis: ModelAnalysis) -> [String] {
        let names = variables(analysis)
        var modules: [(code: String, comment: String?)] = []
        var forward: [String] = []
        for (offset, layer) in analysis.layers.enumerated() {
            let variable = names[offset + 1]
            let sources = layer.inputs.map { $0 == 0 ? "x" : names[$0] }
            if layer.spec.layer is AddLayer {
                forward.append("\(variable) = \(sources.joined(separator: " + "))")
                continue
            }
            if layer.spec.layer is ConcatLayer {
                forward.append("\(variable) = torch.cat([\(sources.joined(separator: ", "))], dim=1)  # along the channels")
                continue
            }
            var current = sources[0]
            let pieces = LayerCode.torch(layer)
            if pieces.isEmpty { forward.append("\(variable) = \(current)") }
            for piece in pieces {
                let module = PythonText.identifier(piece.name, reserved: taken)
                modules.append((code: "self.\(module) = \(piece.code)", comment: piece.comment))
                forward.append("\(variable) = self.\(module)(\(current))")
                current = variable
            }
        }
        var lines = ["class \(className(spec.name))(nn.Module):", "    def __init__(self):", "        super().__init__()"]
        lines += PythonText.aligned(modules, indent: "        ", limit: 72)
        lines += ["", "    def forward(self, x):"]
        lines += forward.map { "        " + $0 }
        lines.append("        return \(analysis.layers.isEmpty ? "x" : names[analysis.layers.count])")
        lines += ["", "", "model = \(className(spec.name))()"]
        return lines
    }

    /// "Residual" for a model called residual: a Python class name.
    static func className(_ name: String) -> String {
        let identifier = PythonText.identifier(name)
        return identifier.prefix(1).uppercased() + identifier.dropFirst()
    }
}
