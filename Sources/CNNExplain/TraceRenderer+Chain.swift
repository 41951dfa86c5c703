// TraceRenderer+Chain: the second half of a trace, the walk from a cell back to the original input.
//
// Step by step, from the traced cell towards the input, it says which cells of the earlier tensor each
// step needs: a convolution or pooling window (clamped to the tensor, with how far it reaches into the
// zero padding), the same cell for a cell-by-cell step (activation, arithmetic), the source cell for
// flatten, the whole map for global pooling, every value for a dense layer. Where a model graph's add joins
// paths, the walk follows the first input, and then every other input back to the input too, whatever the
// region (a Walk carries the hops made so far, so each path gets the traced cell's own field along it); at a
// concat it follows the input that holds the traced channel (or, for all channels, every input). A depthwise
// conv with depth multiplier M reads input channel o/M for output channel o (ChannelReach).
// Then, forward from the input, the receptive-field arithmetic of the sliding windows (CNNCore's
// ReceptiveField): size r, jump j and start per step, and which input rows and columns that gives for
// the traced cell, drawn on the input with padding shown as (0).
import CNNCore
import CNNScript

extension TraceRenderer {
    /// A rectangle of cells of one tensor (channel nil: every channel).
    struct Region {
        var rows: ClosedRange<Int>
        var cols: ClosedRange<Int>
        var channel: Int?

        /// "rows 2..3, columns 4..5, channel 5".
        func description(channels: Int?) -> String {
            let r = rows.lowerBound == rows.upperBound ? "row \(rows.lowerBound)" : "rows \(rows.lowerBound)..\(rows.upperBound)"
            let c = cols.lowerBound == cols.upperBound ? "column \(cols.lowerBound)" : "columns \(cols.lowerBound)..\(cols.upperBound)"
            var text = "\(r), \(c)"
            if let channel {
                text += ", channel \(channel)"
            } else if let channels, channels > 1 {
                text += ", all \(channels) channels"
            }
            return text
        }

        /// "f[2..3, 4..5]" or "f[2, 4]" for one cell.
        func cell(of name: String) -> String {
            func axis(_ range: ClosedRange<Int>) -> String {
                range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)..\(range.upperBound)"
            }
            return "\(name)[\(axis(rows)), \(axis(cols))\(channel.map { ", \($0)" } ?? "")]"
        }

        /// "4x4".
        var size: String { "\(rows.count)x\(cols.count)" }
    }

    /// One step of the walk back.
    struct Hop {
        /// What the step did: "conv 3x3, stride 1, same".
        var text: String
        /// The cells of the step's output being explained, as text ("mnist_3[1, 2, 5]").
        var from: String
        /// What the step needs of its input, as text.
        var needs: String
        /// The input's name and value.
        var name: String
        var tensor: Tensor
        /// The cells of the input needed (nil when the input is a vector).
        var region: Region?
        /// The sliding window, for convolution and pooling.
        var window: SlidingWindow?
        /// Whether the step joins paths (add, concat): the field table names the tensors before it.
        var joins = false
    }

    /// The largest receptive field drawn on the input, per side.
    static let largestDrawnField = 16

    /// Where a walk back stands: the cells still needed, the hops made so far (from the traced cell), and
    /// what the receptive-field arithmetic starts from.
    struct Walk {
        /// The cells of the current tensor needed (nil for a vector).
        var region: Region?
        /// The value of the current vector needed (nil for a map).
        var vectorIndex: Int?
        /// Those cells as text ("block_2[1, 2, 0]").
        var described: String
        /// The hops from the traced cell to here.
        var hops: [Hop] = []
        /// Hops from here on are windows and cell-by-cell steps only.
        var fieldStart = 0
        /// The single cell the receptive-field arithmetic starts from (nil: the region found is the answer).
        var fieldCell: Region?
    }

    /// Another input of a join met on a walk: where the walk stood at the join, with the join's hop to this input.
    struct Path {
        var operand: Operand
        var walk: Walk
        var at: String
    }

    /// "Back to the input, step by step", then the patch of the input the cell depends on. The
    /// receptive-field arithmetic (the table, the cell's rows and columns, the patch drawn) comes when more
    /// than one window leads back to the input or `fieldArithmetic` asks for it; for a single window the
    /// field is one line, and the patch is drawn only if the step above did not draw it (`windowDrawn`).
    /// Where a graph's paths join, every other path is walked back too, each with its own field.
    func chainLines(start: Step, index: [Int], cell: String, fieldArithmetic: Bool = false, windowDrawn: Bool = false) -> [String] {
        let region: Region? = index.count >= 2 ? Region(rows: index[0]...index[0], cols: index[1]...index[1],
                                                        channel: index.count > 2 ? index[2] : nil) : nil
        let walk = Walk(region: region, vectorIndex: index.count == 1 ? index[0] : nil, described: cell, fieldCell: region)
        var budget = TraceRenderer.pathsWalked
        return walkLines(from: start, walk: walk, cell: cell, fieldArithmetic: fieldArithmetic, windowDrawn: windowDrawn,
                         alongPath: false, budget: &budget)
    }

    /// Walks back from `start` (a step whose output is `walk`'s current tensor), then writes the hops made
    /// here, the field of the traced `cell` over all of `walk`'s hops, and the other paths met.
    private func walkLines(from start: Step?, walk initial: Walk, cell: String, fieldArithmetic: Bool, windowDrawn: Bool,
                           alongPath: Bool, budget: inout Int) -> [String] {
        var walk = initial
        let shownFrom = walk.hops.count     // the hops before this are another walk's, already shown
        var ending: [String] = []
        var step: Step? = start
        var droppedBefore: String?
        var otherPaths: [Path] = []
        walk: while let current = step, var operand = current.operands.first, let input = operand.tensor {
            var name = operandName(operand)
            let channels = input.rank == 3 ? input.shape[2] : nil
            switch current.operation.chainLink(current.operands) {
            case .window(let window, let text, let reads):
                guard let r = walk.region, input.rank >= 2 else { break walk }
                let reach = reachBack(r, input: input, window: window)
                let channel = reads.input(of: r.channel)
                walk.region = Region(rows: reach.rows, cols: reach.cols, channel: channel)
                let needs = "needs \(name) \(reach.region(channel).description(channels: channels))"
                    + channelReason(reads, output: r.channel, input: channel) + reach.paddingText
                walk.hops.append(Hop(text: text, from: walk.described, needs: needs, name: name, tensor: input, region: walk.region,
                                     window: window))
            case .inputRegion(let text, let reads, let reach):
                guard let r = walk.region, input.rank >= 2, let found = reach(r.rows, r.cols) else { break walk }
                let channel = reads.input(of: r.channel)
                walk.region = Region(rows: found.rows, cols: found.cols, channel: channel)
                walk.hops.append(Hop(text: text, from: walk.described,
                                     needs: "needs \(name) \(walk.region.map { $0.description(channels: channels) } ?? "")"
                                        + channelReason(reads, output: r.channel, input: channel),
                                     name: name, tensor: input, region: walk.region))
                walk.fieldCell = nil  // the exact region found is the answer, not the field arithmetic
            case .cellByCell(let text):
                walk.hops.append(Hop(text: text, from: walk.described, needs: "needs the same \(sameWhat(walk.region)) of \(name)",
                                     name: name, tensor: input, region: walk.region))
            case .concatenation(let text):
                guard let r = walk.region else { break walk }
                guard let channel = r.channel else {
                    // Every channel of the output: the same cells of every input, each a path of its own.
                    otherPaths += joinPaths(current, walk: walk, text: text, what: "cells")
                    let others = current.operands.dropFirst().map(operandName)
                    walk.hops.append(Hop(text: text, from: walk.described,
                                         needs: "needs the same cells of \(name) and of \(others.joined(separator: ", ")) (paths below)",
                                         name: name, tensor: input, region: walk.region, joins: true))
                    break
                }
                // One channel of the output is one channel of one input: the inputs lie side by side.
                var offset = 0
                var found: (operand: Operand, tensor: Tensor, channel: Int)?
                for part in current.operands {
                    guard let tensor = part.tensor, tensor.rank == 3 else { break walk }
                    if channel < offset + tensor.shape[2] { found = (part, tensor, channel - offset); break }
                    offset += tensor.shape[2]
                }
                guard let found else { break walk }
                operand = found.operand
                name = operandName(operand)
                walk.region = Region(rows: r.rows, cols: r.cols, channel: found.channel)
                walk.hops.append(Hop(text: text, from: walk.described,
                                     needs: "channel \(channel) is channel \(found.channel) of \(name) (channels \(offset)..\(offset + found.tensor.shape[2] - 1) of the join)",
                                     name: name, tensor: found.tensor, region: walk.region))
            case .join(let text):
                otherPaths += joinPaths(current, walk: walk, text: text, what: sameWhat(walk.region))
                let others = current.operands.dropFirst().map(operandName)
                walk.hops.append(Hop(text: text, from: walk.described,
                                     needs: "needs the same \(sameWhat(walk.region)) of \(name) and of \(others.joined(separator: ", ")) (paths below)",
                                     name: name, tensor: input, region: walk.region, joins: true))
            case .unflatten:
                guard let flat = walk.vectorIndex, input.rank >= 2 else { break walk }
                let source = unravel(flat, shape: input.shape)
                walk.region = Region(rows: source[0]...source[0], cols: source[1]...source[1], channel: source.count > 2 ? source[2] : nil)
                walk.vectorIndex = nil
                walk.fieldCell = walk.region
                walk.hops.append(Hop(text: "flatten", from: walk.described,
                                     needs: "it is \(name)[\(source.map(String.init).joined(separator: ", "))]",
                                     name: name, tensor: input, region: walk.region))
                walk.fieldStart = walk.hops.count
            case .wholeMap(let text):
                guard let channel = walk.vectorIndex, input.rank >= 2 else { break walk }
                walk.region = Region(rows: 0...(input.shape[0] - 1), cols: 0...(input.shape[1] - 1), channel: input.rank == 3 ? channel : nil)
                walk.vectorIndex = nil
                walk.fieldCell = nil
                walk.hops.append(Hop(text: text, from: walk.described,
                                     needs: "needs the whole map: \(name) \(walk.region.map { $0.description(channels: channels) } ?? "")",
                                     name: name, tensor: input, region: walk.region))
                walk.fieldStart = walk.hops.count
            case .everyValue(let text):
                ending.append("  \(walk.described) <- \(text): needs every value of \(name) (\(Format.count(input.count)) values)")
                let origin = originalInput(of: operand).flatMap { $0 == name ? nil : $0 } ?? name
                ending.append("\(alongPath ? "Along this path, \(cell)" : "So \(cell)") depends on every value of \(origin): a \(text) layer sees its whole input.")
                break walk
            case .stop:
                break walk
            }
            if let r = walk.region { walk.described = r.cell(of: name) } else if let v = walk.vectorIndex { walk.described = "\(name)[\(v)]" }
            step = operand.provenance?.step
            if operand.provenance?.isDroppedHistory == true { droppedBefore = name }
        }
        let shown = walk.hops[shownFrom...]
        var lines: [String] = []
        if !shown.isEmpty || !ending.isEmpty || alongPath {
            lines = ["", alongPath ? "Back to the input along this path:" : "Back to the input, step by step:"]
        }
        guard !lines.isEmpty else { return [] }
        lines += TraceRenderer.shortened(shown.map { "  \($0.from) <- \($0.text): \($0.needs)" }, what: "steps")
        if shown.isEmpty { lines.append("  \(walk.described) is the input itself: this path adds it unchanged") }
        if let droppedBefore {
            lines.append("  (the steps that made \(droppedBefore) are no longer kept: a value keeps the last \(Format.count(Provenance.historyKept)) steps of its history, docs/LIMITS.md)")
        }
        if !ending.isEmpty {
            lines += ending
        } else if let last = walk.hops.last, let region = last.region {
            let fieldHops = Array(walk.hops[min(walk.fieldStart, walk.hops.count)...])
            let windows = fieldHops.filter { $0.window != nil }.count
            let subject = alongPath ? "Along this path, \(cell)" : "So \(cell)"
            if let cellRegion = walk.fieldCell, windows > 0 {
                let arithmetic = windows > 1 || fieldArithmetic
                lines += fieldLines(fieldHops, cell: cellRegion, cellText: cell, subject: subject, input: last, arithmetic: arithmetic,
                                    drawPatch: alongPath || arithmetic || !(windowDrawn && walk.fieldStart == 0))
            } else {
                lines.append("\(subject) depends on \(region.description(channels: last.tensor.rank == 3 ? last.tensor.shape[2] : nil)) of \(last.name):")
                lines += patchLines(last.tensor, rows: region.rows, cols: region.cols, channel: region.channel)
            }
        }
        return lines + pathLines(otherPaths, cell: cell, fieldArithmetic: fieldArithmetic, budget: &budget)
    }

    /// The largest number of other paths of a graph walked in full, over the whole trace (the rest are
    /// named, with the trace that follows them), so that a deep residual network does not multiply its walks.
    static let pathsWalked = 6

    /// The other inputs of a join, each with the walk as it stands plus the join's hop to that input.
    private func joinPaths(_ join: Step, walk: Walk, text: String, what: String) -> [Path] {
        join.operands.dropFirst().compactMap { operand in
            guard let tensor = operand.tensor else { return nil }
            let name = operandName(operand)
            var path = walk
            path.hops.append(Hop(text: text, from: walk.described, needs: "needs the same \(what) of \(name)", name: name,
                                 tensor: tensor, region: walk.region, joins: true))
            if let r = walk.region { path.described = r.cell(of: name) } else if let v = walk.vectorIndex { path.described = "\(name)[\(v)]" }
            return Path(operand: operand, walk: path, at: walk.described)
        }
    }

    /// Why a window needs one input channel: " (output channel 5 / depth multiplier 2 = input channel 2)".
    private func channelReason(_ reads: ChannelReach, output: Int?, input: Int?) -> String {
        guard case .own(let multiplier) = reads, multiplier > 1, let output, let input else { return "" }
        return " (output channel \(output) reads input channel \(output)/\(multiplier) = \(input): depth multiplier \(multiplier))"
    }

    /// The other inputs of the joins met on the walk (a graph's add or concat), each walked back to the input:
    /// the cells of a join's output are made from the same cells of every input, so each path gives the traced
    /// cell a field of its own. Once the budget of walks is spent, a path is named with the trace to run.
    private func pathLines(_ paths: [Path], cell: String, fieldArithmetic: Bool, budget: inout Int) -> [String] {
        var lines: [String] = []
        var notWalked: [String] = []
        for path in paths {
            let here = path.walk.described
            guard budget > 0 else {
                notWalked.append("\(here) into \(path.at)")
                continue
            }
            budget -= 1
            lines += ["", "Another path joins at \(path.at): \(here)."]
            lines += walkLines(from: path.operand.provenance?.step, walk: path.walk, cell: cell, fieldArithmetic: fieldArithmetic,
                               windowDrawn: false, alongPath: true, budget: &budget).dropFirst()
        }
        if !notWalked.isEmpty {
            let shown = notWalked.prefix(3).joined(separator: ", ")
            let more = notWalked.count > 3 ? " and \(notWalked.count - 3) more" : ""
            lines += ["", "\(notWalked.count == 1 ? "1 more path joins" : "\(notWalked.count) more paths join") along this path"
                      + " (a trace walks \(TraceRenderer.pathsWalked) in full): \(shown)\(more); trace a cell of one to follow it."]
        }
        return lines
    }

    // MARK: - Receptive-field arithmetic

    /// The receptive-field table from the input forward, the rows and columns it gives for the cell, and
    /// the field drawn on the input; without `arithmetic` only the field in one line (and the drawing if
    /// `drawPatch`).
    private func fieldLines(_ hops: [Hop], cell: Region, cellText: String, subject: String, input: Hop, arithmetic: Bool = true,
                            drawPatch: Bool = true) -> [String] {
        // Forward order: from the input towards the traced cell.
        let forward = Array(hops.reversed())
        var current = ReceptiveFieldStep.input
        var rows: [[String]] = [[input.name, "r = 1", "j = 1", "start = 0.5"]]
        var squareOnly = true
        for (i, hop) in forward.enumerated() {
            guard let window = hop.window else { continue }
            // The tensor this window makes, after any cell-by-cell steps that follow it (a layer's relu), up to a join.
            var last = i
            while last + 1 < forward.count, forward[last + 1].window == nil, !forward[last + 1].joins { last += 1 }
            let output = String(forward[last].from.prefix { $0 != "[" })
            guard let next = try? ReceptiveField.after(current, window: window) else { return [] }
            current = next
            // The window's own result first (f#1 when `relu f` made f#2 of it), then what the cell-by-cell steps
            // after it made: the names the step list above uses.
            let made = String(hop.from.prefix { $0 != "[" })
            let after = forward[(i + 1)..<(last + 1)].map { String($0.text.prefix { $0 != "," }) }.joined(separator: ", ")
            // A layer's own activation (made "(block_1 before relu)", no variable) keeps the layer's one name.
            let label = made == output || made.hasPrefix("(") ? "\(hop.text) -> \(output)" : "\(hop.text) -> \(made), \(after) -> \(output)"
            if next.rows == next.cols && window.kernel.rows == window.kernel.cols && window.padBefore.rows == window.padBefore.cols {
                rows.append([label, next.rows.sizeFormula, next.rows.jumpFormula, next.rows.startFormula])
            } else {
                squareOnly = false
                rows.append([label + " (rows)", next.rows.sizeFormula, next.rows.jumpFormula, next.rows.startFormula])
                rows.append(["  (columns)", next.cols.sizeFormula, next.cols.jumpFormula, next.cols.startFormula])
            }
        }
        var lines: [String] = []
        if arithmetic {
            lines = ["", "Receptive field, from \(input.name) forward (r = size, j = jump, start = centre of the first field\(squareOnly ? "; rows and columns alike" : "")):"]
            lines += TraceRenderer.shortened(columns(rows).map { "  " + $0 }, what: "rows")
        }

        // The traced cell's field: centre = start + i*j, first = centre - r/2, last = first + r - 1.
        func span(_ axis: ReceptiveFieldAxis, _ i: Int, word: String) -> (range: ClosedRange<Int>, text: String)? {
            let centre = axis.start + Double(i) * Double(axis.jump)
            let firstValue = centre - Double(axis.size) / 2
            guard firstValue.isFinite, abs(firstValue) < 1e15 else { return nil }
            let first = Int(firstValue.rounded())
            let (last, overflow) = first.addingReportingOverflow(axis.size - 1)
            guard !overflow else { return nil }
            let text = "\(word) start + i*j - r/2 = \(Format.number(axis.start)) + \(i)*\(axis.jump) - \(axis.size)/2 = \(first)"
                + " to \(first) + \(axis.size) - 1 = \(last)"
            return (first...last, text)
        }
        guard let r = span(current.rows, cell.rows.lowerBound, word: "rows"),
              let c = span(current.cols, cell.cols.lowerBound, word: "columns") else { return lines }
        if arithmetic { lines.append("  for \(hops.first?.from ?? cellText): \(r.text); \(c.text)") }
        let height = input.tensor.shape[0], width = input.tensor.shape[1]
        let inside = r.range.clamped(to: 0...(height - 1)).count * c.range.clamped(to: 0...(width - 1)).count
        let total = r.range.count * c.range.count
        var summary = "\(subject) depends on a \(current.sizeDescription) patch of \(input.name) (its receptive field; jump \(current.jumpDescription))"
        if !arithmetic { summary += ": " + Region(rows: r.range, cols: c.range, channel: nil).description(channels: nil) }
        if inside < total {
            summary += ", of which \(Format.count(total - inside)) cells lie outside \(input.name): zero padding"
                + (drawPatch ? ", shown as (0)" : "")
        }
        guard drawPatch else {
            lines.append(summary + (arithmetic ? "" : " (the window above)"))
            return lines
        }
        lines.append(summary + ":")
        lines += patchLines(input.tensor, rows: r.range, cols: c.range, channel: input.region?.channel)
        return lines
    }

    /// The patch of `tensor` drawn with brackets (channel 0 when every channel takes part), or a note when it
    /// is too large to draw.
    private func patchLines(_ tensor: Tensor, rows: ClosedRange<Int>, cols: ClosedRange<Int>, channel: Int?) -> [String] {
        guard tensor.rank >= 2 else { return [] }
        guard rows.count <= TraceRenderer.largestDrawnField, cols.count <= TraceRenderer.largestDrawnField else {
            return ["  (\(rows.count)x\(cols.count) is too large to draw here: rows \(rows.lowerBound)..\(rows.upperBound), columns \(cols.lowerBound)..\(cols.upperBound))"]
        }
        var lines: [String] = []
        var shownChannel = channel
        if tensor.rank == 3, channel == nil {
            shownChannel = 0
            if tensor.shape[2] > 1 { lines.append("  (channel 0 shown; all \(tensor.shape[2]) channels take part)") }
        }
        lines += cropLines(input: tensor, channel: tensor.rank == 3 ? shownChannel : nil, rows: rows, cols: cols, marked: nil)
        return lines
    }

    /// Left-aligned columns three spaces apart.
    private func columns(_ rows: [[String]]) -> [String] {
        let count = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            var line = row.enumerated().map { i, cell in cell + String(repeating: " ", count: widths[i] - cell.count) }
                .joined(separator: "   ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    // MARK: - Windows

    /// The input cells a window step reads for a region of its output: clamped to the input, with how many
    /// rows and columns of the unclamped window lie in the zero padding.
    struct Reach {
        var rows: ClosedRange<Int>
        var cols: ClosedRange<Int>
        var above = 0, below = 0, left = 0, right = 0

        func region(_ channel: Int?) -> Region { Region(rows: rows, cols: cols, channel: channel) }

        /// " (+ 1 row of padding above, 1 column left)" or "".
        var paddingText: String {
            var parts: [String] = []
            func rows(_ n: Int) -> String { n == 1 ? "1 row" : "\(n) rows" }
            func cols(_ n: Int) -> String { n == 1 ? "1 column" : "\(n) columns" }
            if above > 0 { parts.append("\(rows(above)) above") }
            if below > 0 { parts.append("\(rows(below)) below") }
            if left > 0 { parts.append("\(cols(left)) left") }
            if right > 0 { parts.append("\(cols(right)) right") }
            return parts.isEmpty ? "" : " (and zero padding: \(parts.joined(separator: ", ")))"
        }
    }

    private func reachBack(_ out: Region, input: Tensor, window w: SlidingWindow) -> Reach {
        let rows = along(out.rows, stride: w.stride.rows, kernel: w.kernel.rows, dilation: w.dilation.rows, before: w.padBefore.rows,
                         size: input.shape[0])
        let cols = along(out.cols, stride: w.stride.cols, kernel: w.kernel.cols, dilation: w.dilation.cols, before: w.padBefore.cols,
                         size: input.shape[1])
        return Reach(rows: rows.clamped, cols: cols.clamped, above: rows.before, below: rows.after, left: cols.before, right: cols.after)
    }

    /// The input rows (or columns) a range of output rows reads: clamped to the input, and how far the
    /// unclamped window reaches before and after it (into the padding).
    private func along(_ out: ClosedRange<Int>, stride: Int, kernel: Int, dilation: Int, before: Int, size: Int)
        -> (clamped: ClosedRange<Int>, before: Int, after: Int) {
        let first = out.lowerBound * stride - before
        let last = out.upperBound * stride - before + (kernel - 1) * dilation
        let lo = max(0, min(first, size - 1)), hi = max(lo, min(last, size - 1))
        return (lo...hi, max(0, -first), max(0, last - (size - 1)))
    }

    /// The lines of a long walk shortened for reading: the first 40 and the last 10, with how many were
    /// left out between them ("  … 950 more steps …").
    static func shortened(_ lines: [String], what: String) -> [String] {
        guard lines.count > 60 else { return lines }
        return Array(lines.prefix(40)) + ["  … \(Format.count(lines.count - 50)) more \(what) …"] + Array(lines.suffix(10))
    }

    /// "cell" for one cell, "cells" for a region, "value" for a vector's value.
    private func sameWhat(_ region: Region?) -> String {
        guard let region else { return "value" }
        return region.rows.count == 1 && region.cols.count == 1 ? "cell" : "cells"
    }

    /// The name of the tensor a chain of steps started from (following first operands back).
    private func originalInput(of operand: Operand) -> String? {
        var current = operand
        var hops = 0
        while let step = current.provenance?.step, let next = step.operands.first, hops < 1_000 {
            current = next
            hops += 1
        }
        return current.name
    }
}
