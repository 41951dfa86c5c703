// GradientRenderer: the text of a loss (its arithmetic worked out) and of `step k 0.1` (before, gradient,
// after, and the loss before and after).
import CNNCore
import CNNScript
import Glibc

/// Renders losses and gradient-descent steps.
struct GradientRenderer {
    let printer: TensorPrinter

    /// The most values a worked-out loss lists before it says how many were left out.
    static let listedValues = 8

    // MARK: - A loss, worked out

    /// Lines under `loss = 0.045` when the number was made by mse or crossentropy (none otherwise).
    func lossLines(_ provenance: Provenance?) -> [String] {
        guard let step = provenance?.step, let kind = (step.operation as? LossOperation)?.kind, step.operands.count == 2,
              let prediction = tensor(step.operands[0]), let target = tensor(step.operands[1]),
              prediction.shape == target.shape else { return [] }
        let y = step.operands[0].name ?? step.operands[0].text, t = step.operands[1].name ?? step.operands[1].text
        var lines = ["  " + StepSummaryText.text(step.summary)]
        switch kind {
        case .meanSquaredError:
            let errors = zip(prediction.scalars, target.scalars).map { $0 - $1 }
            let squares = errors.map { $0 * $0 }
            let sum = squares.reduce(0, +)
            lines.append("  errors \(y) - \(t): \(list(errors))")
            lines.append("  squared: \(list(squares))")
            lines.append("  mse = \(printer.number(sum)) / \(Format.count(errors.count)) = \(printer.number(sum / Double(errors.count)))")
        case .crossEntropy:
            let length = prediction.shape[prediction.rank - 1]
            let examples = Loss.examples(in: prediction)
            let logits = step.operands[0].softmaxStep?.operands.first?.tensor
            var perExample: [Double] = []
            for e in 0..<examples {
                let range = (e * length)..<((e + 1) * length)
                let targets = Array(target.scalars[range])
                if let z = logits.map({ Array($0.scalars[range]) }) {
                    let lse = Loss.logSumExp(z[...])
                    let value = zip(targets, z).reduce(0) { $0 + $1.0 * (lse - $1.1) }
                    perExample.append(value)
                    if e < 3 {
                        let picked = zip(targets, z).enumerated().filter { $0.element.0 != 0 }
                        let terms = picked.map { "\(printer.number($0.element.0)) * (\(printer.number(lse)) - \(signed($0.element.1)))" }
                        lines.append("  \(examples == 1 ? "" : "example \(e): ")log(sum e^z) = \(printer.number(lse)); "
                                     + "sum t * (log(sum e^z) - z) = \(terms.isEmpty ? "0" : terms.joined(separator: " + ")) = \(printer.number(value))")
                    }
                } else {
                    // Keras' rule: p is rescaled to sum to 1 first (q = p / sum p), then clipped.
                    let sum = prediction.scalars[range].reduce(0, +)
                    let q = prediction.scalars[range].map { $0 / sum }
                    let value = Loss.crossEntropyTerm(probabilities: prediction.scalars[range], target: target.scalars[range], sum: sum)
                    perExample.append(value)
                    if e < 3 {
                        let label = examples == 1 ? "" : "example \(e): "
                        let rescaled = abs(sum - 1) > 1e-12
                        if rescaled {
                            lines.append("  \(label)p sums to \(printer.number(sum)), so first p / \(printer.number(sum)) = \(list(q)) (Keras rescales p to sum to 1)")
                        }
                        let picked = zip(targets, q).filter { $0.0 != 0 }
                        let terms = picked.map { "\(printer.number($0.0)) * log(\(printer.number($0.1)))" }
                        lines.append("  \(rescaled ? String(repeating: " ", count: label.count) : label)-(\(terms.isEmpty ? "0" : terms.joined(separator: " + "))) = \(printer.number(value))")
                    }
                }
            }
            if examples > 3 { lines.append("  … \(Format.count(examples - 3)) more examples") }
            if examples > 1 {
                let mean = perExample.reduce(0, +) / Double(examples)
                lines.append("  the mean over \(Format.count(examples)) examples: \(list(perExample)) -> \(printer.number(mean))")
            }
        }
        return lines
    }

    // MARK: - step k 0.1

    /// The lines of a gradient-descent step.
    func stepLines(_ report: GradientStepReport) -> [String] {
        let k = report.targetName, rate = report.learningRateText
        var lines = ["step \(k) \(rate): \(k) = \(k) - \(rate) * grad(\(report.lossName), \(k))"]
        switch (report.before, report.gradient, report.after) {
        case (.number(let before), .number(let gradient), .number(let after)):
            lines.append("  grad(\(report.lossName), \(k)) = \(printer.number(gradient))")
            lines.append("  \(k) = \(printer.number(before)) - \(rate) * \(signed(gradient)) = \(printer.number(after))")
        case (.tensor(let before), .tensor(let gradient), .tensor(let after)):
            lines.append("\(k) before:")
            lines += printer.lines(before)
            lines.append("grad(\(report.lossName), \(k)):")
            lines += printer.lines(gradient)
            lines.append("\(k) after = \(k) - \(rate) * gradient:")
            lines += printer.lines(after)
        default:
            lines.append("  \(k) is now \(report.after.kindDescription)")
        }
        let change = report.lossAfter - report.lossBefore
        let word = change < 0 ? "fell by \(printer.number(-change))" : change > 0 ? "rose by \(printer.number(change))" : "did not change"
        lines.append("\(report.lossName): \(printer.number(report.lossBefore)) -> \(printer.number(report.lossAfter)) (\(word))")
        let others = report.recomputed.filter { $0 != report.lossName }
        if !others.isEmpty {
            lines.append("  computed again from the new \(k): \((others + [report.lossName]).joined(separator: ", "))")
        }
        if change > 0 {
            lines.append("  the step was too large for this loss: try a smaller learning rate than \(rate)")
        }
        return lines
    }

    // MARK: - Helpers

    private func tensor(_ operand: Operand) -> Tensor? {
        switch operand.value {
        case .tensor(let t): return t
        case .number(let x): return Tensor(scalar: x)
        default: return nil
        }
    }

    /// "(-1.20)" for a negative number, so that "0.35 - 0.1 * (-1.20)" reads right.
    private func signed(_ value: Double) -> String {
        value < 0 ? "(\(printer.number(value)))" : printer.number(value)
    }

    /// "0.30, 0.00" or the first values and how many more.
    private func list(_ values: [Double]) -> String {
        let shown = values.prefix(GradientRenderer.listedValues).map(printer.number).joined(separator: ", ")
        return values.count > GradientRenderer.listedValues ? shown + ", … (\(Format.count(values.count)) values)" : shown
    }
}
