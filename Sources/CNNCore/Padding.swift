// Padding: how many zero rows and columns surround the input of a convolution or pooling window.
//
// `valid` adds nothing; `same` follows TensorFlow: along one axis with input n, kernel k, stride s and
// dilation d, the total padding is max((ceil(n/s) - 1)*s + (k - 1)*d + 1 - n, 0), split so that the
// extra row/column (when the total is odd) goes to the bottom/right; `full` pads (k - 1)*d on both sides,
// so every overlap of kernel and input is computed; `explicit` gives each side on its own.

/// A pair of values for the row and column axes, such as a stride (2, 1) or a kernel size 3x5.
public struct Pair: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The value along the rows (height).
    public var rows: Int
    /// The value along the columns (width).
    public var cols: Int

    /// Creates a pair from row and column values.
    public init(_ rows: Int, _ cols: Int) {
        self.rows = rows
        self.cols = cols
    }

    /// Creates a pair with the same value on both axes.
    public init(square value: Int) {
        self.init(value, value)
    }

    /// "2" when both axes agree, "(2, 1)" otherwise.
    public var description: String { rows == cols ? "\(rows)" : "(\(rows), \(cols))" }

    /// "3x5": the pair written as a size.
    public var sizeDescription: String { "\(rows)x\(cols)" }
}

/// Zero padding amounts on each side of a 2-D input.
public struct PaddingAmounts: Equatable, Sendable {
    /// Rows added above the input.
    public var top: Int
    /// Rows added below the input.
    public var bottom: Int
    /// Columns added left of the input.
    public var left: Int
    /// Columns added right of the input.
    public var right: Int

    /// Creates padding amounts; each should be zero or more.
    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
    }

    /// No padding at all.
    public static let zero = PaddingAmounts(top: 0, bottom: 0, left: 0, right: 0)

    /// Whether all four sides are zero.
    public var isZero: Bool { self == .zero }
}

/// A padding mode for convolution and pooling.
public enum Padding: Equatable, Sendable, CustomStringConvertible {
    /// No padding: the window only visits positions where it fits entirely inside the input.
    case valid
    /// TensorFlow's `same`: output size ceil(n / stride); extra padding goes bottom/right.
    case same
    /// Pad (k - 1) * dilation on every side: every partial overlap is computed.
    case full
    /// Explicit amounts per side.
    case explicit(PaddingAmounts)

    /// "valid", "same", "full", or "[t, b, l, r]".
    public var description: String {
        switch self {
        case .valid: return "valid"
        case .same: return "same"
        case .full: return "full"
        case .explicit(let p):
            if p.top == p.bottom && p.left == p.right && p.top == p.left { return "\(p.top)" }
            return "[\(p.top), \(p.bottom), \(p.left), \(p.right)]"
        }
    }

    /// The padding along one axis (before, after) for input size n, kernel k, stride s and dilation d.
    /// Sizes are assumed validated (all at least 1).
    public static func sameAmounts(inputSize n: Int, kernel k: Int, stride s: Int, dilation d: Int) -> (before: Int, after: Int) {
        let outputSize = (n + s - 1) / s
        let span = (k - 1) * d + 1
        let total = max((outputSize - 1) * s + span - n, 0)
        return (total / 2, total - total / 2)
    }

    /// The concrete padding on each side for an input of `height` x `width`.
    public func amounts(height: Int, width: Int, kernel: Pair, stride: Pair, dilation: Pair) -> PaddingAmounts {
        switch self {
        case .valid:
            return .zero
        case .same:
            let rows = Padding.sameAmounts(inputSize: height, kernel: kernel.rows, stride: stride.rows, dilation: dilation.rows)
            let cols = Padding.sameAmounts(inputSize: width, kernel: kernel.cols, stride: stride.cols, dilation: dilation.cols)
            return PaddingAmounts(top: rows.before, bottom: rows.after, left: cols.before, right: cols.after)
        case .full:
            let rows = (kernel.rows - 1) * dilation.rows
            let cols = (kernel.cols - 1) * dilation.cols
            return PaddingAmounts(top: rows, bottom: rows, left: cols, right: cols)
        case .explicit(let amounts):
            return amounts
        }
    }
}
