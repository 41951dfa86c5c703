// TrainingRenderer: the text of data sets, training runs (after the epoch lines `train` printed while it ran,
// or as a Keras-like table per epoch when nothing was printed), evaluations,
// predictions and the accuracy/loss curves drawn in the terminal.
import CNNCore
import CNNScript

/// Renders what the learning commands produced.
struct TrainingRenderer {
    let printer: TensorPrinter

    /// Metrics are printed with 4 decimals, as Keras prints them.
    static let decimals = 4

    private func metric(_ value: Double?) -> String {
        guard let value else { return "-" }
        return Format.formatFixed(value, decimals: TrainingRenderer.decimals)
    }

    /// evaluate's and predict's numbers: Keras' 4 decimals, or more when `precision` asks for more.
    private func result(_ value: Double?) -> String {
        guard let value else { return "-" }
        return Format.formatFixed(value, decimals: Swift.max(TrainingRenderer.decimals, printer.precision))
    }

    /// "a 3", "an 8": a digit with its article.
    static func article(_ digit: Int) -> String { digit == 8 || digit == 18 || digit == 11 ? "an \(digit)" : "a \(digit)" }

    // MARK: - Values

    /// `data = dataset("digits")`.
    func datasetLines(_ data: Dataset, source: String) -> [String] {
        let shape = Shape.describe(data.exampleShape)
        let validation = data.validationIsTestSplit
            ? "\(Format.count(data.validationIndices.count)) for validation (the set's test split)"
            : "\(Format.count(data.validationIndices.count)) held out for validation (seed \(data.seed))"
        var lines = ["\(source)   \(Format.count(data.labels.count)) \(shape) images in \(data.classes) classes: "
                     + "\(Format.count(data.trainIndices.count)) for training, \(validation)"]
        if let origin = data.origin {
            lines.append("  read " + origin + (data.readSeconds.map { " in \(Format.formatFixed($0, decimals: 1)) s" } ?? ""))
        }
        lines.append("  " + data.attribution)
        if let names = data.classNames {
            lines.append("  classes: " + names.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", "))
        }
        let counts = data.classCounts(data.trainIndices)
        lines.append("  training examples per class: " + counts.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: ", "))
        if data.validationIsTestSplit {
            let test = data.classCounts(data.validationIndices)
            lines.append("  validation examples per class: " + test.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: ", "))
        }
        if let first = data.trainIndices.first {
            lines.append("  the first training example, \(ClassNameText.withArticle(data.labels[first], names: data.classNames)) (pixels 0..1):")
            let image = data.image(first)
            let map = (try? image.reshaped(Array(image.shape.prefix(2)))) ?? image
            lines += printer.lines(map)
        }
        return lines
    }

    /// `history` on its own: the table of a training run.
    func historyLines(_ history: TrainingHistory, source: String) -> [String] {
        ["\(source)   \(history.model) trained on \(history.dataset) for \(history.epochs.count) epoch\(history.epochs.count == 1 ? "" : "s") (\(history.optimizer.rawValue), lr \(Format.number(history.learningRate)))"]
            + table(history)
    }

    /// The per-epoch table, like Keras' history.history.
    func table(_ history: TrainingHistory) -> [String] {
        let rows = history.epochs.map { record -> [String] in
            [String(record.epoch), metric(record.loss), metric(record.accuracy), metric(record.validationLoss),
             metric(record.validationAccuracy)]
        }
        return Table.render(header: ["epoch", "loss", "accuracy", "val_loss", "val_accuracy"], rows: rows,
                            rightAligned: [0, 1, 2, 3, 4]).map { "  " + $0 }
    }

    // MARK: - Commands

    /// The lines of a learning command's outcome.
    func lines(_ report: LearningReport) -> [String] {
        switch report {
        case .trained(let trained): return trainedLines(trained)
        case .evaluated(let evaluation): return evaluatedLines(evaluation)
        case .predicted(let prediction): return predictedLines(prediction)
        case .plotted(let name, let history): return plotLines(history, name: name)
        }
    }

    private func trainedLines(_ report: TrainingReport) -> [String] {
        let h = report.history
        var lines = ["train \(report.model) \(report.data): \(Format.count(h.trainingExamples)) training and \(Format.count(h.validationExamples)) validation examples of \(h.dataset), "
                     + "\(h.epochs.count) epoch\(h.epochs.count == 1 ? "" : "s") of \(h.batchesPerEpoch) batches (\(h.batchSize) examples each)"]
        if let stopped = h.stoppedInEpoch {
            lines.append("  stopped in epoch \(stopped) (Ctrl-C); the model keeps the weights after epoch \(stopped - 1)")
        }
        let start = report.startedFrom.map { "starting from the ones loaded from \($0)" } ?? "Glorot uniform (biases 0)"
        lines.append("  \(Format.count(report.parameterCount)) weights, \(start); loss: crossentropy of the softmax output")
        let formula = h.optimizer.formulaLines
        lines.append("  optimizer \(h.optimizer.rawValue), lr \(Format.number(h.learningRate)): \(formula.first ?? "")")
        let indent = String(repeating: " ", count: "  optimizer \(h.optimizer.rawValue), lr \(Format.number(h.learningRate)): ".count)
        lines += formula.dropFirst().map { indent + $0 }
        if h.augmentation.isActive {
            var changes: [String] = []
            if h.augmentation.flip { changes.append("mirrored left to right half of the time") }
            if h.augmentation.shift > 0 {
                changes.append("moved by up to \(h.augmentation.shift) pixel\(h.augmentation.shift == 1 ? "" : "s") each way (zeros moved in)")
            }
            lines.append("  augment \(h.augmentation.description): each training image, each time it is used, is "
                         + changes.joined(separator: " and ") + "; validation images are not changed")
        }
        // The epoch lines printed while training ran are the record; without them, the table is.
        if !report.epochsShown { lines += table(h) }
        if let best = h.epochs.filter({ $0.validationAccuracy != nil }).max(by: { ($0.validationAccuracy ?? 0) < ($1.validationAccuracy ?? 0) }),
           let last = h.epochs.last {
            let lastEpoch = report.epochsShown ? ""
                : "; after the last epoch accuracy \(metric(last.accuracy)), val_accuracy \(metric(last.validationAccuracy))"
            lines.append("  best val_accuracy \(metric(best.validationAccuracy)) at epoch \(best.epoch)" + lastEpoch)
        }
        lines.append("  the history is in `\(report.historyVariable)`: plot \(report.historyVariable), or save(\(report.historyVariable), \"curves.png\")")
        return lines
    }

    private func evaluatedLines(_ report: EvaluationReport) -> [String] {
        var lines = ["evaluate \(report.model) \(report.data): crossentropy and accuracy, dropout off"]
        lines.append("  training:   loss \(result(report.training.loss)), accuracy \(result(report.training.accuracy)) (\(Format.count(report.training.examples)) examples)")
        if let validation = report.validation {
            lines.append("  validation: loss \(result(validation.loss)), accuracy \(result(validation.accuracy)) (\(Format.count(validation.examples)) examples)")
            let right = Int((validation.accuracy * Double(validation.examples)).rounded())
            lines.append("  \(Format.count(right)) of \(Format.count(validation.examples)) held-out examples are classified right")
        }
        return lines
    }

    private func predictedLines(_ report: PredictionReport) -> [String] {
        let p = report.probabilities.scalars
        let best = report.predicted
        let names = report.classNames
        let bestText = names == nil ? String(best) : "\(best) \(ClassNameText.name(best, names: names))"
        var head = "predict \(report.model) \(report.input): \(bestText) (probability \(result(p.indices.contains(best) ? p[best] : .nan)))"
        if let label = report.label {
            head += "; the example is \(ClassNameText.withArticle(label, names: names)): " + (label == best ? "right" : "wrong")
        }
        var lines = [head]
        let rows = p.enumerated().map { index, value -> [String] in
            let bar = String(repeating: "#", count: Swift.max(0, Swift.min(40, Int((value * 40).rounded()))))
            return names == nil ? [String(index), result(value), bar] : [String(index), ClassNameText.name(index, names: names), result(value), bar]
        }
        let header = names == nil ? ["class", "probability", ""] : ["class", "name", "probability", ""]
        lines += Table.render(header: header, rows: rows, rightAligned: names == nil ? [0, 1] : [0, 2]).map { "  " + $0 }
        return lines
    }

    // MARK: - Curves

    /// Two charts, accuracy then loss, with training (*) and validation (o) per epoch.
    func plotLines(_ history: TrainingHistory, name: String) -> [String] {
        let epochs = history.epochs
        guard !epochs.isEmpty else { return ["\(name): no epochs to plot"] }
        var lines = ["\(name): \(history.model) on \(history.dataset), \(epochs.count) epoch\(epochs.count == 1 ? "" : "s"); * training, o validation, @ both"]
        lines.append("")
        lines += chart(title: "accuracy", training: epochs.map(\.accuracy), validation: epochs.map { $0.validationAccuracy })
        lines.append("")
        lines += chart(title: "loss", training: epochs.map(\.loss), validation: epochs.map { $0.validationLoss })
        return lines
    }

    /// The height of a chart in rows.
    static let chartRows = 10

    private func chart(title: String, training: [Double], validation: [Double?]) -> [String] {
        let all = (training + validation.compactMap { $0 }).filter(\.isFinite)
        guard let low0 = all.min(), let high0 = all.max() else { return ["  \(title): no finite values"] }
        let low = low0, high = high0 > low0 ? high0 : low0 + 1
        let rows = TrainingRenderer.chartRows
        let step = 3  // columns per epoch
        let width = training.count * step
        var grid = Array(repeating: Array(repeating: Character(" "), count: width), count: rows)
        func row(_ value: Double) -> Int {
            let fraction = (value - low) / (high - low)
            return Swift.min(rows - 1, Swift.max(0, Int((fraction * Double(rows - 1)).rounded())))
        }
        for (e, value) in training.enumerated() where value.isFinite {
            grid[rows - 1 - row(value)][e * step + 1] = "*"
        }
        for (e, value) in validation.enumerated() {
            guard let value, value.isFinite else { continue }
            let r = rows - 1 - row(value), c = e * step + 1
            grid[r][c] = grid[r][c] == "*" ? "@" : "o"
        }
        let labels = (0..<rows).map { r -> String in
            let value = high - (high - low) * Double(r) / Double(rows - 1)
            return Format.formatFixed(value, decimals: 2)
        }
        let labelWidth = labels.map(\.count).max() ?? 4
        var lines = ["  \(title)"]
        for r in 0..<rows {
            let label = r == 0 || r == rows - 1 || r == rows / 2 ? labels[r] : ""
            let padded = String(repeating: " ", count: labelWidth - label.count) + label
            var text = "  \(padded) |" + String(grid[r])
            while text.hasSuffix(" ") { text.removeLast() }
            lines.append(text)
        }
        lines.append("  " + String(repeating: " ", count: labelWidth) + " +" + String(repeating: "-", count: width))
        var axis = Array(repeating: Character(" "), count: width + 2)
        for e in [1, training.count / 2, training.count] where e >= 1 {
            let text = Array(String(e))
            let start = (e - 1) * step + 1
            for (i, ch) in text.enumerated() where start + i < axis.count { axis[start + i] = ch }
        }
        var axisText = "  " + String(repeating: " ", count: labelWidth) + "  " + String(axis)
        while axisText.hasSuffix(" ") { axisText.removeLast() }
        lines.append(axisText + "   (epoch)")
        return lines
    }
}
