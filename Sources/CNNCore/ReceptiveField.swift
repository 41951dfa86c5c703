// ReceptiveField: how much of the input image one value of a deeper layer can see.
//
// Along one axis, a chain of sliding-window layers (convolution, pooling) is described by three numbers
// per layer, starting from the input image where each value sees one pixel:
//     r      the receptive field size: how many input pixels one value depends on     (input: r = 1)
//     j      the jump: how many input pixels apart two neighbouring values are       (input: j = 1)
//     start  where the first value's field is centred, in input pixel coordinates    (input: start = 0.5)
// A layer with kernel k, stride s, dilation d and padding p before the input (top or left) gives
//     r_out     = r_in + (k - 1)*d*j_in
//     j_out     = j_in*s
//     start_out = start_in + ((k - 1)*d/2 - p)*j_in
// Coordinates: input pixel i covers [i, i + 1), so its centre is i + 0.5 and start = 0.5 is the centre of
// pixel 0. A start below 0.5 means the first window is centred in the zero padding.
// Example: 3x3 conv, 2x2 pool stride 2, 3x3 conv gives r = 3, 4, 8 and j = 1, 2, 2.

/// One sliding-window layer (convolution or pooling), as the receptive field sees it.
public struct SlidingWindow: Equatable, Sendable {
    /// The window size (rows x cols).
    public var kernel: Pair
    /// The step between windows.
    public var stride: Pair
    /// The spacing between kernel taps (1 = adjacent).
    public var dilation: Pair
    /// Zero rows added above and columns added left of the input (the padding after does not move windows).
    public var padBefore: Pair

    /// Creates a window; stride and dilation default to 1 and padding to none.
    public init(kernel: Pair, stride: Pair = Pair(square: 1), dilation: Pair = Pair(square: 1),
                padBefore: Pair = Pair(square: 0)) {
        self.kernel = kernel
        self.stride = stride
        self.dilation = dilation
        self.padBefore = padBefore
    }
}

/// The receptive field along one axis after some layer, with the arithmetic that gave it.
public struct ReceptiveFieldAxis: Equatable, Sendable {
    /// How many input pixels one value depends on.
    public var size: Int
    /// How many input pixels apart two neighbouring values are.
    public var jump: Int
    /// The centre of the first value's field in input coordinates (0.5 = centre of pixel 0).
    public var start: Double
    /// The size arithmetic, e.g. "r = 3 + (3 - 1)*1 = 5".
    public var sizeFormula: String
    /// The jump arithmetic, e.g. "j = 1*2 = 2".
    public var jumpFormula: String
    /// The start arithmetic, e.g. "start = 0.5 + ((3 - 1)/2 - 0)*1 = 1.5".
    public var startFormula: String

    /// Creates an axis description from its values and formulas.
    public init(size: Int, jump: Int, start: Double, sizeFormula: String, jumpFormula: String, startFormula: String) {
        self.size = size
        self.jump = jump
        self.start = start
        self.sizeFormula = sizeFormula
        self.jumpFormula = jumpFormula
        self.startFormula = startFormula
    }

    /// The input image itself: every value sees one pixel, neighbours are 1 apart, the first is centred at 0.5.
    public static let input = ReceptiveFieldAxis(size: 1, jump: 1, start: 0.5,
                                                 sizeFormula: "r = 1", jumpFormula: "j = 1", startFormula: "start = 0.5")
}

/// The receptive field on both axes after one layer.
public struct ReceptiveFieldStep: Equatable, Sendable {
    /// Along the rows (height).
    public var rows: ReceptiveFieldAxis
    /// Along the columns (width).
    public var cols: ReceptiveFieldAxis

    /// Creates a step from its two axes.
    public init(rows: ReceptiveFieldAxis, cols: ReceptiveFieldAxis) {
        self.rows = rows
        self.cols = cols
    }

    /// The input image: a 1x1 field.
    public static let input = ReceptiveFieldStep(rows: .input, cols: .input)

    /// "5x5": the field size written as a size.
    public var sizeDescription: String { "\(rows.size)x\(cols.size)" }

    /// "2" when both jumps agree, "(2, 1)" otherwise.
    public var jumpDescription: String { Pair(rows.jump, cols.jump).description }
}

/// Receptive-field arithmetic for chains of sliding-window layers.
public enum ReceptiveField {
    /// The receptive field along one axis after a layer with kernel k, stride s, dilation d and padding
    /// p before the input, given the field before it. Throws on sizes below 1 (negative padding) or overflow.
    public static func along(_ previous: ReceptiveFieldAxis, kernel k: Int, stride s: Int, dilation d: Int = 1,
                             padBefore p: Int = 0) throws -> ReceptiveFieldAxis {
        guard k >= 1 else { throw CoreError("receptive field: the kernel size must be at least 1, not \(k)") }
        guard s >= 1 else { throw CoreError("receptive field: the stride must be at least 1, not \(s)") }
        guard d >= 1 else { throw CoreError("receptive field: the dilation must be at least 1, not \(d)") }
        guard p >= 0 else { throw CoreError("receptive field: the padding cannot be negative (\(p))") }
        let tooLarge = CoreError("receptive field: the field is too large to compute", hint: "use smaller sizes")
        let (span, o1) = (k - 1).multipliedReportingOverflow(by: d)
        let (growth, o2) = span.multipliedReportingOverflow(by: previous.jump)
        let (size, o3) = previous.size.addingReportingOverflow(growth)
        let (jump, o4) = previous.jump.multipliedReportingOverflow(by: s)
        guard !(o1 || o2 || o3 || o4) else { throw tooLarge }
        let start = previous.start + (Double(span) / 2 - Double(p)) * Double(previous.jump)

        let spread = d == 1 ? "(\(k) - 1)" : "(\(k) - 1)*\(d)"
        let sizeFormula = "r = \(previous.size) + \(spread)*\(previous.jump) = \(size)"
        let jumpFormula = "j = \(previous.jump)*\(s) = \(jump)"
        let startFormula = "start = \(Format.number(previous.start)) + (\(spread)/2 - \(p))*\(previous.jump) = \(Format.number(start))"
        return ReceptiveFieldAxis(size: size, jump: jump, start: start,
                                  sizeFormula: sizeFormula, jumpFormula: jumpFormula, startFormula: startFormula)
    }

    /// The receptive field on both axes after one more window.
    public static func after(_ previous: ReceptiveFieldStep, window: SlidingWindow) throws -> ReceptiveFieldStep {
        let rows = try along(previous.rows, kernel: window.kernel.rows, stride: window.stride.rows,
                             dilation: window.dilation.rows, padBefore: window.padBefore.rows)
        let cols = try along(previous.cols, kernel: window.kernel.cols, stride: window.stride.cols,
                             dilation: window.dilation.cols, padBefore: window.padBefore.cols)
        return ReceptiveFieldStep(rows: rows, cols: cols)
    }

    /// The receptive field after each window of a chain, starting from the input image.
    /// Element i describes the output of window i.
    public static func chain(_ windows: [SlidingWindow]) throws -> [ReceptiveFieldStep] {
        var current = ReceptiveFieldStep.input
        var steps: [ReceptiveFieldStep] = []
        for window in windows {
            current = try after(current, window: window)
            steps.append(current)
        }
        return steps
    }
}
