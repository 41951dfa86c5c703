// TensorPrinter: tensors as aligned columns of numbers, the way a learner reads them.
//
// Rules (what transcripts record):
// - Integer-valued tensors print without decimals; others with a fixed number of decimals (`precision`).
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

    /// One number as text: whole numbers without decimals, others with `precision` decimals.
    public func number(_ value: Double) -> String {
        if value.isFinite && value == value.rounded() && abs(value) < 1e15 { return Format.number(value) }
        return Format.formatFixed(value, decimals: precision)
    }

    /// The lines of a tensor (without the header), each indented by two spaces.
    public func lines(_ tensor: Tensor) -> [String] {
        let integral = tensor.isIntegral
        let text: (Double) -> String = { value in
            integral ? Format.number(value) : Format.formatFixed(value, decimals: precision)
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
