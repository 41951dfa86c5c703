// PoolingTrace: how one output value of a pooling operation was made, cell by cell.
//
// Every pooling kind in the core (windowed max/average pooling, global pooling, depth-wise pooling) can
// explain one of its output values with this record: the input cells its window covered (with their input
// coordinates, and whether each is padding and whether it took part), which cell won for max pooling,
// or the sum and the divisor for average pooling, and the resulting value. The renderer in CNNExplain
// draws it; the core only computes it.

/// The cells behind one pooled value, and how they were combined.
public struct PoolingTrace: Equatable, Sendable {
    /// The most cells one trace may list (a million); larger windows are refused rather than listed.
    public static let maxCells = 1_000_000

    /// Throws unless a window of `cells` cells is small enough to be traced cell by cell.
    static func checkSize(cells: Int, window: String, name: String) throws {
        guard cells <= maxCells else {
            throw CoreError("\(name): a \(window) window has too many cells to trace one by one",
                            hint: "a trace lists at most \(Format.count(maxCells)) cells; trace a smaller example")
        }
    }

    /// One cell of a pooling window.
    public struct Cell: Equatable, Sendable {
        /// The input row of the cell; -1 or `height` and beyond for padding rows.
        public var row: Int
        /// The input column of the cell; -1 or `width` and beyond for padding columns.
        public var column: Int
        /// The input channel of the cell, or nil when the input is a single H x W map.
        public var channel: Int?
        /// The value the cell holds (0 for padding).
        public var value: Double
        /// Whether the cell lies in the zero padding around the input rather than in the input itself.
        public var isPadding: Bool
        /// Whether the cell took part in the result. Padding added by `same` does not (TensorFlow ignores
        /// it); the zeros added by `padToFit` do (they are real zeros, as in the learning material).
        public var takesPart: Bool

        /// Creates a cell record.
        public init(row: Int, column: Int, channel: Int?, value: Double, isPadding: Bool, takesPart: Bool) {
            self.row = row
            self.column = column
            self.channel = channel
            self.value = value
            self.isPadding = isPadding
            self.takesPart = takesPart
        }
    }

    /// Max or average.
    public var kind: Pooling.Kind
    /// The index of the explained value in the output tensor, e.g. [oy, ox, c].
    public var outputIndex: [Int]
    /// The shape of the window as it should be drawn: [rows, columns] for a 2-D window, [k] for a
    /// window that runs along the channels (depth-wise pooling).
    public var windowShape: [Int]
    /// The window's cells in row-major window order (for a depth-wise window: in channel order).
    public var cells: [Cell]
    /// For max pooling, the position in `cells` of the winning cell (the first largest value that took
    /// part); nil for average pooling.
    public var winner: Int?
    /// For average pooling, the sum of the cells that took part; nil for max pooling.
    public var sum: Double?
    /// For average pooling, the number the sum was divided by; nil for max pooling.
    public var divisor: Int?
    /// The output value.
    public var value: Double

    /// Creates a trace record.
    public init(kind: Pooling.Kind, outputIndex: [Int], windowShape: [Int], cells: [Cell],
                winner: Int?, sum: Double?, divisor: Int?, value: Double) {
        self.kind = kind
        self.outputIndex = outputIndex
        self.windowShape = windowShape
        self.cells = cells
        self.winner = winner
        self.sum = sum
        self.divisor = divisor
        self.value = value
    }

    /// Combines the cells that take part into a trace: the first largest value for max pooling (a NaN
    /// wins, so that NaN propagates as in NumPy), the sum divided by the number of taking-part cells for
    /// average pooling. Shared by every pooling kind so that they all explain their values the same way.
    static func combine(kind: Pooling.Kind, outputIndex: [Int], windowShape: [Int], cells: [Cell]) -> PoolingTrace {
        switch kind {
        case .max:
            var winner: Int? = nil
            var best = -Double.infinity
            for (position, cell) in cells.enumerated() where cell.takesPart {
                if winner == nil || Pooling.beats(cell.value, best) {
                    winner = position
                    best = cell.value
                }
            }
            return PoolingTrace(kind: kind, outputIndex: outputIndex, windowShape: windowShape, cells: cells,
                                winner: winner, sum: nil, divisor: nil, value: winner == nil ? 0 : best)
        case .average:
            var sum = 0.0
            var divisor = 0
            for cell in cells where cell.takesPart {
                sum += cell.value
                divisor += 1
            }
            let value = divisor > 0 ? sum / Double(divisor) : 0
            return PoolingTrace(kind: kind, outputIndex: outputIndex, windowShape: windowShape, cells: cells,
                                winner: nil, sum: sum, divisor: divisor, value: value)
        }
    }
}
