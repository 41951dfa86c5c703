// ModelText: a model as the `model ... end` block that declares it, for a model read from a file (`load`).
//
// Each layer's line comes from its kind (LayerLanguage.line). In a graph every layer carries its name, a layer
// that does not take the line above says `from NAME`, and add/concat list the layers they join, so the text
// read back declares the same model with the same names.
import CNNCore

/// The `model ... end` text of a model.
public enum ModelText {
    /// "model m 28x28x1", the layer lines indented, "end".
    public static func lines(_ spec: ModelSpec, _ analysis: ModelAnalysis) -> [String] {
        var out = ["model \(spec.name) \(Shape.describe(spec.inputShape))"]
        let names = analysis.layers.map(\.name)
        func node(_ k: Int) -> String { k == 0 ? ModelBuilder.inputName : names[k - 1] }
        for (offset, layer) in analysis.layers.enumerated() {
            let line = (layer.spec.layer as? any LayerLanguage)?.line ?? "# \(layer.spec.kerasClassName)"
            guard spec.isGraph else {
                out.append("  " + line)
                continue
            }
            var words = "  \(layer.name) = "
            if layer.spec.layer is any MergeLayer {
                words += ([line] + layer.inputs.map(node)).joined(separator: " ")
            } else if layer.inputs == [offset] {
                words += line
            } else {
                // A comment stays at the end of the line.
                let parts = line.split(separator: "#", maxSplits: 1)
                words += "\(parts[0].trimmingSuffixSpaces) from \(layer.inputs.map(node).joined(separator: " "))"
                if parts.count > 1 { words += "   #" + parts[1] }
            }
            out.append(words)
        }
        out.append("end")
        return out
    }
}

private extension Substring {
    var trimmingSuffixSpaces: Substring {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
