// TraceRenderer: `trace f[i, j]`, the explanation of one output cell.
//
// First the step that made the cell, in full: for a convolution the input with the window marked, the
// window, the kernel, their element-wise products and the sum (+ bias); for pooling the window and the
// winner or the average; for an activation the value before and after; for dense the dot product.
// Then the walk back through the chain of steps to the original input: which cells of each earlier tensor
// the cell depends on, with the receptive-field arithmetic (size r, jump j) of each step.
import CNNCore
import CNNScript

/// Renders the trace of one cell.
struct TraceRenderer {
    let printer: TensorPrinter
    let color: Bool
    /// The names of earlier values of a variable met on the way back (`f#1`), set by `lines`.
    var versions = TraceVersions()

    /// The lines of `trace name[index]`; `fieldArithmetic` (`trace ... rf`) shows the receptive-field
    /// arithmetic even for a single window.
    func lines(name: String, index: [Int], variable: Variable, fieldArithmetic: Bool = false) -> [String] {
        guard case .tensor(let tensor) = variable.value else {
            return ["trace: \(name) is \(variable.value.kindDescription), not a tensor"]
        }
        let cell = "\(name)[\(index.map(String.init).joined(separator: ", "))]"
        guard let value = tensor.value(at: index) else {
            return ["trace: \(cell) is outside \(name)'s shape \(tensor.shapeDescription)"]
        }
        if let gradient = variable.provenance?.step?.operation as? GradientOperation {
            return GradientTrace(printer: printer).lines(name: name, index: index, gradient: tensor,
                                                         expression: variable.provenance?.expression ?? name, record: gradient.record)
        }
        guard let provenance = variable.provenance, let step = provenance.step else {
            let made = variable.provenance.map { "made by \($0.expression)" } ?? "typed in"
            return ["\(cell) = \(printer.number(value))   (\(made): nothing was computed to trace)"]
        }
        var renderer = self
        renderer.versions = TraceVersions(tracing: name, current: provenance)
        return renderer.stepTrace(cell: cell, value: value, name: name, index: index, provenance: provenance, step: step,
                                  fieldArithmetic: fieldArithmetic)
    }

    /// The trace of a cell that a step made: the step, then the walk back to the input.
    private func stepTrace(cell: String, value: Double, name: String, index: [Int], provenance: Provenance, step: Step,
                           fieldArithmetic: Bool) -> [String] {
        var out = ["\(cell) = \(printer.number(value))   from \(provenance.expression): \(StepSummaryText.text(step.summary))"]
        if let note = versions.note { out.append(note) }
        do {
            out += try stepLines(step: step, index: index, cell: cell)
            out += try innerLines(step: step, index: index, name: name)
        } catch let error as CoreError {
            out.append("  (cannot trace this step: \(error.message))")
        } catch {
            out.append("  (cannot trace this step)")
        }
        out += chainLines(start: step, index: index, cell: cell, fieldArithmetic: fieldArithmetic,
                          windowDrawn: drawsWindow(step, name: name))
        return out
    }

    // MARK: - The step that made the cell

    /// Whether the explanation above the chain drew a window on the input: the step is a window (conv,
    /// pooling), or an activation whose inner window step `innerLines` explained.
    private func drawsWindow(_ step: Step, name: String) -> Bool {
        if case .window = step.operation.chainLink(step.operands) { return true }
        guard let inner = innerStep(of: step, name: name)?.step else { return false }
        if case .window = inner.operation.chainLink(inner.operands) { return true }
        return false
    }

    /// For an activation applied to a result that has no variable of its own (a layer's `relu`, a nested
    /// `relu(conv(...))`, or `relu f` in place), the operand and the step that made the value before the
    /// activation (not itself an activation); nil otherwise.
    private func innerStep(of step: Step, name: String) -> (operand: Operand, record: Provenance, step: Step)? {
        guard step.operation.isActivation, let operand = step.operands.first, operand.name == nil || operand.name == name,
              let record = operand.provenance, let inner = record.step, !inner.operation.isActivation else { return nil }
        return (operand, record, inner)
    }

    /// The explanation of the step `innerStep` finds, under the activation's own.
    private func innerLines(step: Step, index: [Int], name: String) throws -> [String] {
        guard let (operand, inner, innerStep) = innerStep(of: step, name: name),
              let value = operand.tensor?.value(at: index) else { return [] }
        let innerCell = "\(operandName(operand))[\(index.map(String.init).joined(separator: ", "))]"
        var lines = ["  where \(innerCell) = \(printer.number(value)) comes from \(inner.expression): \(StepSummaryText.text(innerStep.summary))"]
        lines += try stepLines(step: innerStep, index: index, cell: innerCell)
        return lines
    }

    /// Softmax of one cell: the vector along the last axis, its maximum, the exponentials and their sum.
    private func softmaxLines(inputName: String, vector x: [Double], exponentials: [Double], maximum largest: Double,
                              sum: Double, position: Int, index: [Int], cell: String) -> [String] {
        guard position < x.count, position < exponentials.count else { return [] }
        func list(_ values: [Double]) -> String {
            let shown = values.count <= 12 ? values : Array(values.prefix(8))
            let text = shown.map(printer.number).joined(separator: ", ")
            return values.count <= 12 ? text : text + ", … (\(Format.count(values.count)) values)"
        }
        let vectorName = index.count > 1 ? "\(inputName)[\(index.dropLast().map(String.init).joined(separator: ", ")), :]" : inputName
        let xi = printer.number(x[position]), top = printer.number(largest)
        return [
            "  softmax along the last axis of \(vectorName): x = \(list(x))",
            "  max x = \(top); e^(x_k - max x) = \(list(exponentials)); their sum = \(printer.number(sum))",
            "  \(cell) = e^(x_\(position) - max x) / sum = e^(\(xi) - \(top)) / \(printer.number(sum))"
                + " = \(printer.number(exponentials[position])) / \(printer.number(sum)) = \(printer.number(sum > 0 ? exponentials[position] / sum : .nan))",
        ]
    }

    /// The lines that explain one cell of `step`, from the data its operation gives (OperationData.swift).
    private func stepLines(step: Step, index: [Int], cell: String) throws -> [String] {
        guard let explanation = try step.operation.cellExplanation(step.operands, at: index) else { return [] }
        switch explanation {
        case .convolution(let trace, let input):
            guard let tensor = input.tensor else { return [] }
            return convolutionLines(trace, plan: trace.plan, inputName: operandName(input), input: tensor)
        case .poolingWindow(let trace, let input, let smallestWins):
            guard let tensor = input.tensor else { return [] }
            return poolingLines(trace, inputName: operandName(input), input: tensor, smallestWins: smallestWins)
        case .poolingSummary(let trace, let input):
            return poolingSummary(trace, inputName: operandName(input))
        case .activation(let kind, let slope, let input, let before, let after):
            let inputCell = "\(operandName(input))[\(index.map(String.init).joined(separator: ", "))]"
            if kind == .linear {
                return ["  \(cell) = \(inputCell) = \(printer.number(before)): the value passes unchanged"]
            }
            return ["  \(cell) = \(kind.rawValue)(\(inputCell)) = \(kind.rawValue)(\(printer.number(before))) = \(printer.number(after))",
                    "  (\(Activation.formula(kind, slope: slope)))"]
        case .softmax(let input, let vector, let exponentials, let maximum, let sum, let position):
            return softmaxLines(inputName: operandName(input), vector: vector, exponentials: exponentials, maximum: maximum,
                                sum: sum, position: position, index: index, cell: cell)
        case .dotProduct(let trace, let input, let weights, let j):
            var terms = trace.terms.map { "\(printer.number($0.input))*\(printer.number($0.weight))" }
            if terms.count > 8 { terms = Array(terms.prefix(6)) + ["… (\(Format.count(trace.terms.count)) terms)"] }
            var lines = ["  \(cell) = \(operandName(input)) . \(operandName(weights))[:, \(j)]"
                         + (trace.bias == nil ? "" : " + bias[\(j)]"),
                         "  = " + terms.joined(separator: " + "),
                         "  = \(printer.number(trace.productSum))"]
            if let b = trace.bias { lines.append("  + bias \(printer.number(b)) = \(printer.number(trace.value))") }
            if trace.terms.count > 8 {
                lines += largestProducts(trace, inputName: operandName(input), weightsName: operandName(weights), column: j)
            }
            return lines
        case .moved(let source, let input):
            return ["  flatten keeps the order row by row, channels last: \(cell) is \(operandName(input))[\(source.map(String.init).joined(separator: ", "))]"]
        case .elementwise(let left, let right, let symbol, let l, let r, let result):
            return ["  \(cell) = \(left.text) \(symbol) \(right.text) at this cell = \(printer.number(l)) \(symbol) \(printer.number(r)) = \(printer.number(result))"]
        case .cellSet(let before, let value, let valueCell, let old, let new):
            let beforeCell = "\(operandName(before))[\(index.map(String.init).joined(separator: ", "))]"
            guard let valueCell else {
                return ["  \(cell) was not among the cells set: it kept its value, \(beforeCell) = \(printer.number(old))"]
            }
            let source = valueCell.isEmpty ? printer.number(new)
                : "\(operandName(value))[\(valueCell.map(String.init).joined(separator: ", "))] = \(printer.number(new))"
            return ["  \(cell) was set to \(source) (it was \(printer.number(old)))"]
        default:
            return kernelFamilyLines(explanation, index: index, cell: cell)
        }
    }

    /// For a long dot product, what decided it: the products largest in size, and what the positive and the
    /// negative ones add up to (a learner's "why did it say Ankle boot").
    private func largestProducts(_ trace: DenseTrace, inputName: String, weightsName: String, column: Int) -> [String] {
        let largest = trace.terms.enumerated()
            .sorted { abs($0.element.product) != abs($1.element.product) ? abs($0.element.product) > abs($1.element.product) : $0.offset < $1.offset }
            .prefix(4).map(\.element)
        let positive = trace.terms.reduce(0.0) { $0 + Swift.max($1.product, 0) }
        let negative = trace.terms.reduce(0.0) { $0 + Swift.min($1.product, 0) }
        let zero = trace.terms.filter { $0.product == 0 }.count
        return ["  the largest products, by size:"]
            + largest.map {
                "    \(inputName)[\($0.index)] * \(weightsName)[\($0.index), \(column)] = \(printer.number($0.input))*\(printer.number($0.weight)) = \(printer.number($0.product))"
            }
            + ["  the positive products add up to \(printer.number(positive)), the negative ones to \(printer.number(negative))"
                + (zero > 0 ? "; \(Format.count(zero)) of the \(Format.count(trace.terms.count)) \(zero == 1 ? "is" : "are") 0" : "")]
    }

    /// The operand's variable name (`f#1` for an earlier value of f, TraceVersions), or its text in brackets.
    func operandName(_ operand: Operand) -> String {
        guard let name = operand.name else { return "(\(operand.text))" }
        return versions.name(name, operand.provenance)
    }

    func convolutionLines(_ trace: ConvolutionCellTrace, plan: ConvolutionPlan, inputName: String, input: Tensor) -> [String] {
        var lines: [String] = []
        let rows = "\(trace.rowRange.lowerBound)..\(trace.rowRange.upperBound)"
        let cols = "\(trace.columnRange.lowerBound)..\(trace.columnRange.upperBound)"
        let dilated = plan.dilation != Pair(square: 1)
            ? (plan.dilation.rows == plan.dilation.cols ? " (every \(ordinal(plan.dilation.rows)) cell: dilation \(plan.dilation.rows))"
                                                         : " (dilation \(plan.dilation): taps \(plan.dilation.rows) rows and \(plan.dilation.cols) columns apart)")
            : ""
        lines.append("  the window: \(inputName) rows \(rows), columns \(cols)\(dilated), marked [ ]")
        let channels = plan.inputChannels
        let shownChannels = channels <= 3 ? Array(0..<channels) : [0]
        for c in shownChannels {
            if channels > 1 { lines.append("  channel \(c):") }
            lines += cropLines(input: input, channel: channels > 1 || input.rank == 3 ? c : nil,
                               rows: trace.rowRange, cols: trace.columnRange, marked: trace.terms.filter { $0.channel == c })
        }
        // Window * kernel = products, one channel at a time.
        for c in shownChannels {
            let terms = trace.terms.filter { $0.channel == c }
            let window = grid(terms, plan: plan) { $0.isPadding ? "(0)" : printer.number($0.inputValue) }
            let kernel = grid(terms, plan: plan) { printer.number($0.weight) }
            let products = grid(terms, plan: plan) { printer.number($0.product) }
            lines.append(channels > 1 ? "  channel \(c): window * kernel = products" : "  window * kernel = products")
            lines += sideBySide([window, kernel, products], separators: ["*", "="]).map { "    " + $0 }
            // Each channel's own sum, then the sum of those (issue 17: "-3, 3 and 2" in channels.cnn).
            if channels > 1 { lines.append("    " + sumLine(terms.filter { !$0.isPadding }.map(\.product), label: "channel \(c) sum")) }
        }
        if shownChannels.count < channels {
            lines.append("  … and the same for channels 1..\(channels - 1)")
        }
        if trace.terms.contains(where: { $0.isPadding }) {
            lines.append("  (0) is zero padding: it adds nothing to the sum")
        }
        if channels > 1 {
            let subtotals = (0..<channels).map { c in
                trace.terms.filter { $0.channel == c && !$0.isPadding }.reduce(0) { $0.addingProduct($1.inputValue, $1.weight) }
            }
            lines.append("  " + sumLine(subtotals, label: "sum of the \(channels) channel sums", total: trace.productSum, what: "channels"))
        } else {
            lines.append("  " + sumLine(trace.terms.filter { !$0.isPadding }.map(\.product), label: "sum", total: trace.productSum))
        }
        if let bias = trace.bias {
            lines.append("  + bias \(printer.number(bias)) = \(printer.number(trace.value))")
        }
        return lines
    }

    /// "sum = 1 + 2 - 3 = 0", with only the first 6 of more than 12 terms: "sum = 1 + 2 + … (27 products) = 5".
    private func sumLine(_ values: [Double], label: String, total: Double? = nil, what: String = "products") -> String {
        let texts = values.map(printer.number)
        let result = printer.number(total ?? values.reduce(0, +))
        guard texts.count > 12 else { return SumText.line(label: label, terms: texts, total: result) }
        return "\(label) = \(SumText.join(Array(texts.prefix(6)))) + … (\(texts.count) \(what)) = \(result)"
    }

    /// "2nd", "3rd", "4th", "11th", "21st".
    private func ordinal(_ n: Int) -> String {
        let lastTwo = n % 100, last = n % 10
        if (11...13).contains(lastTwo) { return "\(n)th" }
        return "\(n)" + (last == 1 ? "st" : last == 2 ? "nd" : last == 3 ? "rd" : "th")
    }

    func grid(_ terms: [ConvolutionTerm], plan: ConvolutionPlan, text: (ConvolutionTerm) -> String) -> [String] {
        var cells = Array(repeating: Array(repeating: "", count: plan.kernel.cols), count: plan.kernel.rows)
        for term in terms where term.kernelRow < plan.kernel.rows && term.kernelColumn < plan.kernel.cols {
            cells[term.kernelRow][term.kernelColumn] = text(term)
        }
        let width = cells.flatMap { $0 }.map(\.count).max() ?? 1
        return cells.map { row in row.map { String(repeating: " ", count: width - $0.count) + $0 }.joined(separator: "  ") }
    }

    func sideBySide(_ blocks: [[String]], separators: [String]) -> [String] {
        let height = blocks.map(\.count).max() ?? 0
        let widths = blocks.map { $0.map(\.count).max() ?? 0 }
        var lines: [String] = []
        for row in 0..<height {
            var parts: [String] = []
            for (b, block) in blocks.enumerated() {
                let text = row < block.count ? block[row] : ""
                parts.append(text + String(repeating: " ", count: widths[b] - text.count))
                if b < separators.count { parts.append(row == height / 2 ? separators[b] : " ") }
            }
            var line = parts.joined(separator: "   ")
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
        }
        return lines
    }

    /// The part of the input around a window, with row/column numbers and the window in brackets.
    /// Positions outside the input (padding) inside the window show as (0).
    func cropLines(input: Tensor, channel: Int?, rows: ClosedRange<Int>, cols: ClosedRange<Int>,
                           marked: [ConvolutionTerm]?) -> [String] {
        let height = input.shape[0], width = input.rank >= 2 ? input.shape[1] : 1
        let margin = 1
        let firstRow = min(rows.lowerBound, max(0, rows.lowerBound - margin)), lastRow = max(rows.upperBound, min(height - 1, rows.upperBound + margin))
        let firstCol = min(cols.lowerBound, max(0, cols.lowerBound - margin)), lastCol = max(cols.upperBound, min(width - 1, cols.upperBound + margin))
        let taps = marked.map { Set($0.map { $0.inputRow * 1_000_003 + $0.inputColumn }) }
        func inWindow(_ r: Int, _ c: Int) -> Bool {
            guard rows.contains(r), cols.contains(c) else { return false }
            return taps?.contains(r * 1_000_003 + c) ?? true
        }
        func text(_ r: Int, _ c: Int) -> String {
            guard r >= 0, r < height, c >= 0, c < width else { return "(0)" }
            var index = [r, c]
            if let channel { index.append(channel) }
            return input.value(at: index).map(printer.number) ?? "?"
        }
        var cellWidth = 1
        for r in firstRow...lastRow { for c in firstCol...lastCol { cellWidth = max(cellWidth, text(r, c).count) } }
        cellWidth = max(cellWidth, String(lastCol).count)
        let labelWidth = max(String(lastRow).count, String(firstRow).count, 1)  // firstRow may be -1 (padding)
        var lines: [String] = []
        var header = String(repeating: " ", count: labelWidth + 2)
        for c in firstCol...lastCol {
            let label = String(c)
            header += " " + String(repeating: " ", count: cellWidth - label.count) + label + " "
        }
        lines.append("    " + trimmed(header))
        for r in firstRow...lastRow {
            let label = String(r)
            var line = String(repeating: " ", count: labelWidth - label.count) + label + "  "
            for c in firstCol...lastCol {
                let value = text(r, c)
                let padded = String(repeating: " ", count: cellWidth - value.count) + value
                let open = inWindow(r, c) && (c == cols.lowerBound || c == firstCol || !inWindow(r, c - 1))
                let close = inWindow(r, c) && (c == cols.upperBound || c == lastCol || !inWindow(r, c + 1))
                let shown = color && inWindow(r, c) ? "\u{1B}[1;33m" + padded + "\u{1B}[0m" : padded
                line += (open ? "[" : " ") + shown + (close ? "]" : " ")
            }
            lines.append("    " + trimmed(line))
        }
        return lines
    }

    private func trimmed(_ s: String) -> String {
        var s = s
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }

    private func poolingLines(_ trace: PoolingTrace, inputName: String, input: Tensor, smallestWins: Bool) -> [String] {
        let rowsSeen = trace.cells.map(\.row), colsSeen = trace.cells.map(\.column)
        guard let r0 = rowsSeen.min(), let r1 = rowsSeen.max(), let c0 = colsSeen.min(), let c1 = colsSeen.max() else { return [] }
        var lines = ["  the window: \(inputName) rows \(r0)..\(r1), columns \(c0)..\(c1), marked [ ]"]
        lines += cropLines(input: input, channel: trace.cells.first?.channel, rows: r0...r1, cols: c0...c1, marked: nil)
        lines += poolingSummary(trace, inputName: inputName, smallestWins: smallestWins)
        return lines
    }

    private func poolingSummary(_ trace: PoolingTrace, inputName: String, smallestWins: Bool = false) -> [String] {
        let parts = trace.cells.filter(\.takesPart).map { printer.number($0.value) }
        let listed = parts.count <= 16 ? parts.joined(separator: ", ") : parts.prefix(8).joined(separator: ", ") + ", … (\(parts.count) values)"
        var lines: [String] = []
        switch trace.kind {
        case .max:
            lines.append("  \(smallestWins ? "min" : "max") of \(listed) = \(printer.number(trace.value))")
            if let w = trace.winner, w < trace.cells.count {
                let cell = trace.cells[w]
                let at = cell.channel.map { "\(inputName)[\(cell.row), \(cell.column), \($0)]" } ?? "\(inputName)[\(cell.row), \(cell.column)]"
                lines.append("  the winner is \(at)" + (cell.isPadding ? " (a zero of the padding)" : ""))
            }
        case .average:
            let sumText = parts.count <= 16 ? "(" + SumText.join(parts) + ")" : "(sum of \(parts.count) values)"
            lines.append("  \(sumText) / \(trace.divisor ?? 0) = \(printer.number(trace.sum ?? 0)) / \(trace.divisor ?? 0) = \(printer.number(trace.value))")
        }
        let skipped = trace.cells.filter { $0.isPadding && !$0.takesPart }.count
        if skipped > 0 { lines.append("  (\(skipped) padding cell\(skipped == 1 ? "" : "s") take no part)") }
        return lines
    }

    func unravel(_ flat: Int, shape: [Int]) -> [Int] {
        var rest = flat
        var index = Array(repeating: 0, count: shape.count)
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }
}
