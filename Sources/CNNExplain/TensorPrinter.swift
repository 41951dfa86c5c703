// TensorPrinter: tensors as aligned columns of numbers, the way a learner reads them.
//
// Rules (what transcripts record; docs/LANGUAGE.md states them for learners):
// - Integer-valued tensors print without decimals; others with a fixed number of decimals (`precision`),
//   as NumPy's array2string(precision=P, floatmode="fixed") prints them: the exact binary value is rounded
//   (0.125 -> 0.12, 2.675 -> 2.67, an exact tie to the even digit), and a negative value that rounds to
//   zero keeps its sign (-0.001 -> -0.00).
// - NumPy's switch to scientific notation, for the whole tensor at once: when its smallest non-zero
//   magnitude is below 1e-4, its largest is 1e8 or more, or the largest is more than 1000 times the
//   smallest, every value prints as 1.00e-05 (P decimals; the exponent as wide as the widest). A single
//   number follows the same rule, as a 1-element array does. Of an elided tensor only the values shown
//   count, as NumPy decides a summarised array's format. Tests: Fixtures/printing (gen_printing.py).
// - Columns are right-aligned to one width per printed block, two spaces apart, indented by two spaces.
// - A dimension longer than `PrintLimits.full` is elided NumPy-style: its first and last `PrintLimits.edge`
//   entries with `…` between them. The caller states the full shape in the header.
// - H x W x C prints channel by channel under a `[:, :, c]` label; a filter bank kh x kw x Cin x Cout prints
//   each `[:, :, c, f]` slice. Too many slices are elided too, with a count of what was left out.
import CNNCore

/// How much of a large tensor is printed.
public enum PrintLimits {
    /// A dimension up to this length prints in full.
    public static let full = 12
    /// Entries shown at each end of an elided dimension.
    public static let edge = 5
    /// Slices (channels) printed in full before eliding.
    public static let slices = 4
}

/// Renders tensors and numbers as text.
public struct TensorPrinter: Sendable {
    /// Decimals shown for numbers that are not whole.
    public var precision: Int

    /// Creates a printer with the given number of decimals.
    public init(precision: Int = 2) {
        self.precision = precision
    }

    /// One number as text: whole numbers without decimals, others with `precision` decimals, or in
    /// scientific notation when NumPy would print it so (below 1e-4 or from 1e8 on).
    public func number(_ value: Double) -> String {
        if value.isFinite && value == value.rounded() && abs(value) < 1e15 { return Format.number(value) }
        return formatter(for: CollectionOfOne(value))(value)
    }

    /// How every value of a group printed together is written: fixed decimals, or NumPy's scientific
    /// notation for the whole group when its non-zero magnitudes are below 1e-4, reach 1e8, or span more
    /// than a factor of 1000.
    public func formatter<Values: Sequence>(for values: Values) -> (Double) -> String where Values.Element == Double {
        var smallest = Double.infinity, largest = 0.0, exponentDigits = 2
        for value in values where value.isFinite && value != 0 {
            let magnitude = abs(value)
            smallest = Swift.min(smallest, magnitude)
            largest = Swift.max(largest, magnitude)
        }
        let decimals = precision
        guard largest > 0, largest >= 1e8 || smallest < 1e-4 || largest / smallest > 1000 else {
            return { Format.formatFixed($0, decimals: decimals) }
        }
        // The exponent is as wide as the widest one printed (1.00e-300 next to 1.00e+000, as NumPy pads).
        for value in values where value.isFinite && value != 0 {
            let rounded = Format.formatScientific(value, decimals: decimals)
            if let e = rounded.firstIndex(of: "e") { exponentDigits = Swift.max(exponentDigits, rounded.distance(from: e, to: rounded.endIndex) - 2) }
        }
        return { [exponentDigits] in Format.formatScientific($0, decimals: decimals, exponentDigits: exponentDigits) }
    }

    /// The lines of a tensor (without the header), each indented by two spaces.
    public func lines(_ tensor: Tensor) -> [String] {
        let integral = tensor.isIntegral
        let format = integral ? Format.number : formatter(for: shownValues(tensor))
        let text: (Double) -> String = { value in
            integral ? Format.number(value) : format(value)
        }
        switch tensor.rank {
        case 1:
            return block(rows: 1, cols: tensor.shape[0], text: text) { _, col in tensor.scalars[col] }
        case 2:
            let width = tensor.shape[1]
            return block(rows: tensor.shape[0], cols: width, text: text) { row, col in
                tensor.scalars[row * width + col]
            }
        case 3:
            let (height, width, channels) = (tensor.shape[0], tensor.shape[1], tensor.shape[2])
            var out: [String] = []
            for c in PrintLimits.visible(channels, limit: PrintLimits.slices) {
                guard let c else {
                    // The middle channels are left out: name them, so the next label's jump is explained.
                    let first = PrintLimits.slices / 2, hidden = channels - 2 * (PrintLimits.slices / 2)
                    out.append(hidden == 1 ? "  … channel \(first) not shown …"
                                           : "  … channels \(first)..\(first + hidden - 1) not shown …")
                    continue
                }
                out.append("[:, :, \(c)]")
                out += block(rows: height, cols: width, text: text) { row, col in
                    tensor.scalars[(row * width + col) * channels + c]
                }
            }
            return out
        default:
            let (height, width, inChannels, filters) = (tensor.shape[0], tensor.shape[1], tensor.shape[2], tensor.shape[3])
            let slices = inChannels * filters
            var out: [String] = []
            for s in PrintLimits.visible(slices, limit: PrintLimits.slices) {
                guard let s else {
                    let hidden = slices - 2 * (PrintLimits.slices / 2)
                    out.append("  … \(hidden) more \(hidden == 1 ? "slice" : "slices") …")
                    continue
                }
                let (c, f) = (s / filters, s % filters)
                out.append("[:, :, \(c), \(f)]")
                out += block(rows: height, cols: width, text: text) { row, col in
                    tensor.scalars[((row * width + col) * inChannels + c) * filters + f]
                }
            }
            return out
        }
    }

    /// The values that will be printed: all of them, or only the corners when a dimension is elided (as
    /// NumPy decides a summarised array's format from the values it shows).
    private func shownValues(_ tensor: Tensor) -> [Double] {
        let shape = tensor.shape
        func shown(_ count: Int, _ limit: Int) -> [Int] { PrintLimits.visible(count, limit: limit).compactMap { $0 } }
        switch tensor.rank {
        case 1:
            return shown(shape[0], PrintLimits.full).map { tensor.scalars[$0] }
        case 2:
            return shown(shape[0], PrintLimits.full).flatMap { row in
                shown(shape[1], PrintLimits.full).map { tensor.scalars[row * shape[1] + $0] }
            }
        case 3:
            var values: [Double] = []
            for c in shown(shape[2], PrintLimits.slices) {
                for row in shown(shape[0], PrintLimits.full) {
                    for col in shown(shape[1], PrintLimits.full) { values.append(tensor.scalars[(row * shape[1] + col) * shape[2] + c]) }
                }
            }
            return values
        case 4:
            var values: [Double] = []
            let filters = shape[3]
            for slice in shown(shape[2] * filters, PrintLimits.slices) {
                let (c, f) = (slice / filters, slice % filters)
                for row in shown(shape[0], PrintLimits.full) {
                    for col in shown(shape[1], PrintLimits.full) {
                        values.append(tensor.scalars[((row * shape[1] + col) * shape[2] + c) * filters + f])
                    }
                }
            }
            return values
        default:
            return tensor.scalars
        }
    }

    /// Right-aligned columns for a rows x cols grid read through `value`, eliding long dimensions.
    private func block(rows: Int, cols: Int, text: (Double) -> String, value: (Int, Int) -> Double) -> [String] {
        let rowIndices = PrintLimits.visible(rows, limit: PrintLimits.full)
        let colIndices = PrintLimits.visible(cols, limit: PrintLimits.full)
        var cells: [[String]] = []
        var width = 1
        for row in rowIndices {
            guard let row else {
                cells.append([])
                continue
            }
            var line: [String] = []
            for col in colIndices {
                let cell = col.map { text(value(row, $0)) } ?? "…"
                width = max(width, cell.count)
                line.append(cell)
            }
            cells.append(line)
        }
        return cells.map { line in
            if line.isEmpty {
                let column = String(repeating: " ", count: width - 1) + "⋮"
                return "  " + colIndices.map { $0 == nil ? " " : column }.joined(separator: "  ")
            }
            return "  " + line.map { String(repeating: " ", count: width - $0.count) + $0 }.joined(separator: "  ")
        }
    }
}

extension PrintLimits {
    /// The indices to show for a dimension of `count` entries: all of them, or both edges with nil marking
    /// the elided middle.
    static func visible(_ count: Int, limit: Int) -> [Int?] {
        if count <= limit { return Array(0..<count) }
        let edge = max(1, min(PrintLimits.edge, limit / 2))
        return Array(0..<edge) + [nil] + Array((count - edge)..<count)
    }
}
