// SummaryRenderer: a model's layers as a table in the spirit of Keras' model.summary(), with the
// arithmetic of every parameter count and the receptive field of every layer.
import CNNCore
import CNNScript

/// Renders model declarations and summaries.
enum SummaryRenderer {
    /// The short confirmation after a `model ... end` block: the shape walk and the total.
    static func declaredLines(_ spec: ModelSpec, _ analysis: ModelAnalysis) -> [String] {
        let walk = ([Shape.describe(spec.inputShape)] + analysis.layers.map(\.outputShapeDescription)).joined(separator: " -> ")
        return ["model \(spec.name): \(spec.layers.count) layer\(spec.layers.count == 1 ? "" : "s"), \(Format.count(analysis.totalParameters)) parameters",
                "  " + walk,
                "  (summary \(spec.name) shows the table)"]
    }

    /// The summary table and the totals.
    static func tableLines(_ spec: ModelSpec, _ analysis: ModelAnalysis) -> [String] {
        var rows: [[String]] = []
        for layer in analysis.layers {
            let formula = layer.parameters.formula
            var arithmetic = ""
            if layer.parameters.value > 0, let equals = formula.ranges(of: " = ").last {
                arithmetic = String(formula[..<equals.lowerBound])
            }
            let field = layer.receptiveField.map { "\($0.sizeDescription) / \($0.jumpDescription)" } ?? ""
            rows.append(["\(layer.name) (\(layer.spec.kerasClassName))", layer.outputShapeDescription,
                         Format.count(layer.parameters.value), arithmetic, field])
        }
        var lines = ["Model: \"\(spec.name)\"   input \(Shape.describe(spec.inputShape))"]
        lines += Table.render(header: ["Layer (type)", "Output shape", "Param #", "Arithmetic", "Receptive field (size / jump)"],
                              rows: rows, rightAligned: [2])
        lines.append("Total params: \(analysis.totalDescription)")
        lines.append("Trainable params: \(analysis.trainableDescription)")
        lines.append("Non-trainable params: \(analysis.nonTrainableDescription)")
        return lines
    }
}
