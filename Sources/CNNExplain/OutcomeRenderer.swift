// OutcomeRenderer: turns what a statement produced into the text a learner reads.
//
// Every assignment prints a step header: the statement as written, then (three spaces apart) what the
// operation did to which shapes, and the instantiated shape arithmetic; then the value itself. Padding gets
// a line saying how much was added on each side and why.
import CNNCore
import CNNScript

/// Renders outcomes as plain text (colour, where enabled, only highlights).
public struct OutcomeRenderer: Sendable {
    /// How numbers and tensors are printed.
    public var printer: TensorPrinter
    /// Whether ANSI colour may be used.
    public var color: Bool
    /// The terminal's width in columns (heatmaps fit into it).
    public var width = 80
    /// Whether colour may be 24-bit (heatmaps; otherwise the 256-colour palette).
    public var trueColor = false

    /// Creates a renderer.
    public init(precision: Int = 2, color: Bool = false) {
        self.printer = TensorPrinter(precision: precision)
        self.color = color
    }

    /// The text for one outcome, ending in a newline (empty for `.nothing`).
    public func render(_ outcome: Outcome) -> String {
        var lines: [String] = []
        switch outcome {
        case .nothing:
            return ""
        case .assigned(let name, let value, let provenance, let source):
            lines = valueLines(value, provenance: provenance, source: source, name: name)
        case .value(let value, let provenance, let source):
            lines = valueLines(value, provenance: provenance, source: source, name: nil)
        case .settings(let report):
            lines = SettingsRenderer.lines(report)
        case .help(let topic):
            lines = HelpRenderer.lines(topic: topic)
        case .variables(let list):
            lines = variableLines(list)
        case .parameters(let layer, let count, let reason):
            if let count {
                lines = ["\(layer): \(count.formula)"]
            } else {
                lines = ["\(layer): 0 parameters (\(reason ?? "no weights"))"]
            }
        case .modelDeclared(let spec, let analysis):
            lines = SummaryRenderer.declaredLines(spec, analysis)
        case .summary(let spec, let analysis):
            lines = SummaryRenderer.tableLines(spec, analysis)
        case .trace(let name, let index, let variable, let fieldArithmetic):
            lines = TraceRenderer(printer: printer, color: color).lines(name: name, index: index, variable: variable,
                                                                       fieldArithmetic: fieldArithmetic)
        case .modelRun(let run):
            lines = RunRenderer(printer: printer).lines(run)
        case .code(let result):
            lines = CodeRenderer.lines(result)
        case .show(let request):
            lines = Heatmap(style: color ? (trueColor ? .trueColor : .colors256) : .plain, width: width).lines(request)
        case .network(let view):
            lines = NetworkRenderer(heatmap: Heatmap(style: color ? (trueColor ? .trueColor : .colors256) : .plain, width: width),
                                    printer: printer).lines(view)
        case .gradientStep(let report):
            lines = GradientRenderer(printer: printer).stepLines(report)
        case .learning(let report):
            lines = TrainingRenderer(printer: printer).lines(report)
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Header plus value lines for an assignment or an expression statement.
    func valueLines(_ value: Value, provenance: Provenance?, source: String, name: String?) -> [String] {
        switch value {
        case .number(let x):
            let shown = printer.number(x)
            return [name.map { "\($0) = \(shown)" } ?? "\(source) = \(shown)"] + GradientRenderer(printer: printer).lossLines(provenance)
        case .string(let s):
            return name.map { ["\($0) = \"\(s)\""] } ?? [s]
        case .symbol(let s):
            return [s]
        case .dimensions(let d):
            return [name.map { "\($0) = \(Shape.describe(d))" } ?? Shape.describe(d)]
        case .model(let spec):
            // A model read from a file: what it was, the model block that declares it, and the one-line summary.
            if let step = provenance?.step, step.operation is LoadedModelOperation, let analysis = try? spec.analyze() {
                return ["\(source)   \(StepSummaryText.text(step.summary))"] + ModelText.lines(spec, analysis)
                    + SummaryRenderer.declaredLines(spec, analysis)
            }
            return ["model \(spec.name) \(Shape.describe(spec.inputShape))"]
        case .dataset(let data):
            return TrainingRenderer(printer: printer).datasetLines(data, source: source)
        case .history(let history):
            return TrainingRenderer(printer: printer).historyLines(history, source: name ?? source)
        case .tensor(let tensor):
            var lines = [header(source: source, tensor: tensor, provenance: provenance)]
            if let step = provenance?.step {
                lines += StepNotes.lines(for: step).map { "  " + $0 }
            }
            lines += printer.lines(tensor)
            return lines
        }
    }

    /// "f = conv(image, ones(3,3))   10x10 * 3x3, stride 1, valid -> 8x8   (out = (10 - 3)/1 + 1 = 8)".
    func header(source: String, tensor: Tensor, provenance: Provenance?) -> String {
        guard let step = provenance?.step else { return "\(source)   \(tensor.shapeDescription)" }
        var text = "\(source)   \(StepSummaryText.text(step.summary))"
        if !step.arithmetic.isEmpty { text += "   (\(step.arithmetic.joined(separator: "; ")))" }
        return text
    }

    func variableLines(_ list: [(name: String, variable: Variable)]) -> [String] {
        guard !list.isEmpty else { return ["no variables yet: try image = rand(10, 10)"] }
        let rows = list.map { entry -> [String] in
            [entry.name, entry.variable.value.shapeText, Origins.describe(entry.variable.provenance, name: entry.name)]
        }
        return Table.render(header: ["name", "shape", "made by"], rows: rows)
    }
}

/// Describes where a value came from as a chain: "rand(10,10)", "conv(image, ones(3,3)) -> relu -> maxpool".
enum Origins {
    /// The chain of expressions that made `name`, following in-place updates back:
    /// "maxpool(f) <- relu(f) <- conv(image, ones(3,3))".
    static func describe(_ provenance: Provenance?, name: String) -> String {
        guard let provenance else { return "typed in" }
        var parts = [provenance.expression]
        var node = provenance
        while let operand = node.step?.operands.first, operand.name == name, let earlier = operand.provenance {
            if parts.count == 6 {
                parts.append("…")
                break
            }
            parts.append(earlier.expression)
            node = earlier
        }
        return parts.joined(separator: " <- ")
    }
}

/// Plain-text tables with left-aligned text columns and right-aligned number columns.
public enum Table {
    /// The lines of a table: header, a rule, then the rows. Columns whose cells all look numeric are right-aligned.
    public static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        let columns = header.count
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < columns { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for i in 0..<columns {
                let cell = i < cells.count ? cells[i] : ""
                let padding = String(repeating: " ", count: widths[i] - cell.count)
                parts.append(rightAligned.contains(i) ? padding + cell : cell + padding)
            }
            var text = parts.joined(separator: "   ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "   ")
        return [line(header), rule] + rows.map(line)
    }
}
