// HTMLRenderer+Trace: a `trace` of a sliding-window step (convolution, max/min/average pooling) of H x W maps
// as tables. The input shows the traced cell's window, each cell numbered by its position in the window
// (for a convolution: the kernel tap it is multiplied by, and the kernel table shows the same numbers in the
// same colours); a max or min pooling's winner is said in words. The output table outlines, on hover or
// keyboard focus, the input cells each of its cells reads (CSS `:has`, no script), and each output cell says
// the same in its title. Other traces keep only their text.
import CNNCore
import CNNScript

extension HTMLRenderer {
    /// The input cells one output cell reads, numbered by window position (1 = top left, row by row).
    struct TraceWindow {
        /// Real input cells (padding left out) and their window position.
        var taps: [[Int]: Int] = [:]
        /// Kernel cells and their tap number (convolution only).
        var kernelTaps: [[Int]: Int] = [:]
        /// The cell that won a max or min pooling.
        var winner: [Int]?
        /// Whether the winner is the smallest (min pooling).
        var smallestWins = false
        /// Window positions in all, padding included.
        var size = 0
    }

    /// The window of `step`'s output cell `index`, for a 2-D convolution or pooling; nil for other steps.
    func window(of step: Step, at index: [Int]) -> TraceWindow? {
        switch try? step.operation.cellExplanation(step.operands, at: index) {
        case .convolution(let cell, _)?:
            var window = TraceWindow(size: cell.terms.count)
            for (n, term) in cell.terms.enumerated() where term.channel == 0 {
                window.kernelTaps[[term.kernelRow, term.kernelColumn]] = n + 1
                if !term.isPadding { window.taps[[term.inputRow, term.inputColumn]] = n + 1 }
            }
            return window
        case .poolingWindow(let trace, _, let smallestWins)?:
            guard trace.cells.allSatisfy({ $0.channel == nil }) else { return nil }
            var window = TraceWindow(smallestWins: smallestWins, size: trace.cells.count)
            for (n, cell) in trace.cells.enumerated() where !cell.isPadding {
                window.taps[[cell.row, cell.column]] = n + 1
            }
            if let winner = trace.winner, winner < trace.cells.count {
                window.winner = [trace.cells[winner].row, trace.cells[winner].column]
            }
            return window
        default:
            return nil
        }
    }

    /// The trace's text, then its tables when the step slides a window over an H x W map.
    func traceFragment(name: String, index: [Int], variable: Variable, fieldArithmetic: Bool = false, id: String) -> String? {
        let text = TraceRenderer(printer: printer, color: false).lines(name: name, index: index, variable: variable,
                                                                      fieldArithmetic: fieldArithmetic)
        let pre = "<pre>" + HTMLRenderer.escape(text.joined(separator: "\n")) + "</pre>\n"
        guard case .tensor(let output) = variable.value, fits(output), index.count == 2,
              let step = variable.provenance?.step, let input = step.operands.first?.tensor, fits(input),
              let traced = window(of: step, at: index)
        else { return pre }
        let inputName = step.operands[0].name ?? step.operands[0].text
        // The receptive field of every output cell: which input cells it reads.
        var readers: [[Int]: [String]] = [:]
        var fieldText: [[Int]: String] = [:]
        var css = ""
        for row in 0..<output.shape[0] {
            for column in 0..<output.shape[1] {
                guard let cells = window(of: step, at: [row, column])?.taps.keys else { continue }
                for cell in cells { readers[cell, default: []].append("f\(id)-\(row)-\(column)") }
                if let top = cells.map({ $0[0] }).min(), let bottom = cells.map({ $0[0] }).max(),
                   let left = cells.map({ $0[1] }).min(), let right = cells.map({ $0[1] }).max() {
                    fieldText[[row, column]] = ExplainText.receptiveField(input: inputName, rows: top...bottom, columns: left...right)
                } else {
                    fieldText[[row, column]] = ExplainText.onlyPadding
                }
                css += ".t\(id):has(.o\(id)-\(row)-\(column):hover) .f\(id)-\(row)-\(column),"
                    + ".t\(id):has(.o\(id)-\(row)-\(column):focus) .f\(id)-\(row)-\(column){outline:3px solid #e4007c;outline-offset:-3px}\n"
            }
        }
        let isConvolution = !traced.kernelTaps.isEmpty
        let inputTable = table(input, caption: ExplainText.windowCaption(input: inputName, output: name, index: index, byTap: isConvolution),
                               tableClass: "matrix input") { row, column in
            var mark = CellMarks(classes: readers[[row, column]] ?? [])
            if let tap = traced.taps[[row, column]] {
                mark.classes += ["tap\(ExplainText.tapColorClass(tap))", "win"]
                mark.tap = tap
            }
            if traced.winner == [row, column] {
                mark.classes.append("winner")
                mark.note = ExplainText.winner(smallest: traced.smallestWins)
            }
            return mark
        }
        var kernelTable = ""
        if isConvolution, step.operands.count > 1, let kernel = step.operands[1].tensor, fits(kernel) {
            let kernelName = step.operands[1].name ?? step.operands[1].text
            kernelTable = table(kernel, caption: ExplainText.kernelCaption(kernel: kernelName), tableClass: "matrix kernel") { row, column in
                var mark = CellMarks()
                if let tap = traced.kernelTaps[[row, column]] {
                    mark.classes += ["tap\(ExplainText.tapColorClass(tap))", "win"]
                    mark.tap = tap
                }
                return mark
            }
        }
        let outputTable = table(output, caption: ExplainText.outputCaption(output: name, index: index), tableClass: "matrix output") { row, column in
            var mark = CellMarks(classes: ["o\(id)-\(row)-\(column)"],
                                 attributes: ["tabindex=\"0\"", "title=\"\(HTMLRenderer.escape(fieldText[[row, column]] ?? ""))\""])
            if [row, column] == index {
                mark.classes.append("traced")
                mark.note = ExplainText.traced
            }
            return mark
        }
        let legend = isConvolution ? ExplainText.convolutionLegend(taps: traced.size) : ExplainText.poolingLegend(cells: traced.size)
        return pre + "<style>\n" + css + "</style>\n<div class=\"trace t\(id)\">\n<p class=\"legend\">"
            + HTMLRenderer.escape(legend) + "</p>\n<div class=\"tables\">\n"
            + inputTable + kernelTable + outputTable + "</div>\n</div>\n"
    }
}
