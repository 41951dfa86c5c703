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
//
// Upsampling (UpSampling2D by s, a transposed convolution of stride s) divides the jump by s: neighbouring
// output values are j/s input pixels apart, so the jump becomes a fraction and the fields of neighbouring
// values no longer grow alike. With a transposed conv of kernel k, output cell o reads the input cells i with
// o <= P + i*s <= o + k - 1 (P: the zeros before the zero-inserted input), ceil(k/s) of them at most, so
//     r_out = r_in + (ceil(k/s) - 1)*j_in      (the largest field: some cells read fewer input cells)
//     j_out = j_in/s
// and upsampling by s repeats each value s times: r_out = r_in, j_out = j_in/s. From there the fields repeat
// with a period of s cells (the `period`, the denominator of the jump): cells o and o + s see fields j_in apart.
// The arithmetic is then kept exactly, as the first and last input pixel of each of the `period` cells
// 0..period-1 (`phases`), and each layer's field is worked out from them: r is the largest field of any
// value, ignoring the image's borders (as the formulas above do), start the centre of cell 0's field.
// A join of paths (add, concat) sees the union of its paths' fields.
// tools/fixtures/gen_receptive_fields.py checks all of this against the gradient support of JAX models.

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
    /// After upsampling: how many neighbouring values share the jump (the jump is `jump/period` input pixels,
    /// and the fields repeat every `period` values); 1 for a chain of sliding windows.
    public var period: Int = 1
    /// With a period above 1: the first and last input pixel of the fields of values 0..period-1 (nil: a value
    /// that depends on no input pixel, as between the taps of a transposed conv with a kernel below its stride).
    public var phases: [ClosedRange<Int>?] = []
    /// The size arithmetic, e.g. "r = 3 + (3 - 1)*1 = 5".
    public var sizeFormula: String
    /// The jump arithmetic, e.g. "j = 1*2 = 2".
    public var jumpFormula: String
    /// The start arithmetic, e.g. "start = 0.5 + ((3 - 1)/2 - 0)*1 = 1.5".
    public var startFormula: String

    /// Creates an axis description from its values and formulas.
    public init(size: Int, jump: Int, start: Double, sizeFormula: String, jumpFormula: String, startFormula: String,
                period: Int = 1, phases: [ClosedRange<Int>?] = []) {
        self.period = period
        self.phases = phases
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

    /// The jump as a number of input pixels: "2", or "1/2" after upsampling.
    public var jumpText: String {
        guard period > 1 else { return "\(jump)" }
        let d = ReceptiveField.gcd(jump, period)
        return period / d == 1 ? "\(jump / d)" : "\(jump / d)/\(period / d)"
    }

    /// The first and last input pixel of value `i`'s field (padding included, borders ignored), or nil when it
    /// depends on no input pixel; nil too if the numbers do not fit.
    public func field(of i: Int) -> ClosedRange<Int>? {
        if period <= 1 {
            let first = start - Double(size) / 2 + Double(i) * Double(jump)
            guard first.isFinite, abs(first) < 1e15 else { return nil }
            let low = Int(first.rounded())
            let (high, overflow) = low.addingReportingOverflow(size - 1)
            return overflow || size < 1 ? nil : low...high
        }
        let q = ((i % period) + period) % period, t = (i - q) / period
        guard q < phases.count, let phase = phases[q] else { return nil }
        let (shift, o1) = t.multipliedReportingOverflow(by: jump)
        let (low, o2) = phase.lowerBound.addingReportingOverflow(shift)
        let (high, o3) = phase.upperBound.addingReportingOverflow(shift)
        return o1 || o2 || o3 ? nil : low...high
    }
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

    /// "2" when both jumps agree, "(2, 1)" otherwise; "1/2" after upsampling.
    public var jumpDescription: String {
        rows.jumpText == cols.jumpText ? rows.jumpText : "(\(rows.jumpText), \(cols.jumpText))"
    }

    /// Whether a jump is a fraction of a pixel (after upsampling).
    public var hasFractionalJump: Bool { rows.jumpText.contains("/") || cols.jumpText.contains("/") }
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
        if previous.period > 1 {
            // After upsampling: output value o reads the values o*s - p + t*d, t = 0..k-1.
            let g = gcd(previous.period, s)
            let period = previous.period / g
            let (jump, overflow) = previous.jump.multipliedReportingOverflow(by: s / g)
            guard !overflow else { throw tooLarge }
            let phases = (0..<period).map { q -> ClosedRange<Int>? in
                let (base, o1) = q.multipliedReportingOverflow(by: s)
                guard !o1 else { return nil }
                return ReceptiveField.span(previous, from: base - p, count: k, step: d)
            }
            return described(jump: jump, period: period, phases: phases, previous: previous,
                             jumpFormula: "j = \(previous.jumpText)*\(s) = \(ratioText(jump, period))")
        }
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

    /// The field after upsampling by `u` (UpSampling2D): value o repeats value floor(o/u), so the field is
    /// the same size and neighbours are j/u apart. Nil when the period of the fields grows past `maxPeriod`.
    public static func upsampled(_ previous: ReceptiveFieldAxis, by u: Int) -> ReceptiveFieldAxis? {
        guard u >= 1, let period = checkedPeriod(previous.period, u) else { return nil }
        let phases = (0..<period).map { q in previous.field(of: q / u) }
        var axis = described(jump: previous.jump, period: period, phases: phases, previous: previous,
                             jumpFormula: "j = \(previous.jumpText)/\(u) = \(ratioText(previous.jump, period))")
        if previous.period == 1 { axis.sizeFormula = "r = \(previous.size) (each value repeats one)" }
        return axis
    }

    /// The field after a transposed convolution of kernel k and stride s with `zerosBefore` zeros before the
    /// zero-inserted input: output value o reads the input values i with o <= zerosBefore + i*s <= o + k - 1.
    /// Nil when the period of the fields grows past `maxPeriod`.
    public static func transposed(_ previous: ReceptiveFieldAxis, kernel k: Int, stride s: Int, zerosBefore z: Int) -> ReceptiveFieldAxis? {
        guard k >= 1, s >= 1, let period = checkedPeriod(previous.period, s) else { return nil }
        let phases = (0..<period).map { q -> ClosedRange<Int>? in
            let low = ceilDivide(q - z, s), high = floorDivide(q + k - 1 - z, s)
            return low <= high ? span(previous, from: low, count: high - low + 1, step: 1) : nil
        }
        var axis = described(jump: previous.jump, period: period, phases: phases, previous: previous,
                             jumpFormula: "j = \(previous.jumpText)/\(s) = \(ratioText(previous.jump, period))")
        if previous.period == 1 {
            // Every input value has a field of the same size, so the largest is that of ceil(k/s) inputs.
            axis.sizeFormula = "r = \(previous.size) + (ceil(\(k)/\(s)) - 1)*\(previous.jump) = \(axis.size)"
        }
        return axis
    }

    /// The field of a join of paths (add, concat) along one axis: the union of the paths' fields, value by
    /// value. Nil when the paths' jumps differ (their fields drift apart) or a period grows too large.
    public static func union(_ paths: [ReceptiveFieldAxis]) -> ReceptiveFieldAxis? {
        guard let first = paths.first else { return nil }
        guard paths.count > 1 else { return first }
        var period = 1
        for path in paths {
            guard let next = checkedPeriod(period / gcd(period, path.period), path.period) else { return nil }
            period = next
        }
        let shifts = paths.map { $0.jump.multipliedReportingOverflow(by: period / $0.period) }
        guard !shifts.contains(where: \.overflow), Set(shifts.map(\.partialValue)).count == 1 else { return nil }
        let phases = (0..<period).map { q -> ClosedRange<Int>? in
            let fields = paths.compactMap { $0.field(of: q) }
            guard let low = fields.map(\.lowerBound).min(), let high = fields.map(\.upperBound).max() else { return nil }
            return low...high
        }
        var axis = described(jump: shifts[0].partialValue, period: period, phases: phases, previous: first,
                             jumpFormula: "j = \(first.jumpText) (every path's)")
        axis.sizeFormula = "r = the union of the paths' fields = \(axis.size)"
        return axis
    }

    /// The largest period of the fields kept (the product of the upsampling factors, less any stride after them).
    public static let maxPeriod = 4_096

    /// The first pixel of the first value and the last pixel of the last value among `count` values of
    /// `previous`, `step` apart from value `from` (fields never move backwards, so the ends decide; values that
    /// depend on nothing are skipped, at most a period of them in a row).
    static func span(_ previous: ReceptiveFieldAxis, from: Int, count: Int, step: Int) -> ClosedRange<Int>? {
        let tries = min(count, previous.period + 1)
        var low: Int?, high: Int?
        for t in 0..<tries {
            if let field = previous.field(of: from + t * step) { low = field.lowerBound; break }
        }
        for t in 0..<tries {
            if let field = previous.field(of: from + (count - 1 - t) * step) { high = field.upperBound; break }
        }
        guard let low, let high, low <= high else { return nil }
        return low...high
    }

    /// An axis from its phases, made as short as the fields allow (upsampling then a stride back to period 1).
    static func described(jump: Int, period: Int, phases: [ClosedRange<Int>?], previous: ReceptiveFieldAxis,
                          jumpFormula: String) -> ReceptiveFieldAxis {
        var jump = jump, period = period, phases = phases
        // A shorter period p when every field is the one p values earlier moved by jump*p/period.
        for p in 1..<max(period, 1) where period % p == 0 {
            let (moved, overflow) = jump.multipliedReportingOverflow(by: p)
            guard !overflow, moved % period == 0 else { continue }
            let shift = moved / period
            let repeats = (0..<(period - p)).allSatisfy { q in
                guard let phase = phases[q] else { return phases[q + p] == nil }
                let (low, o1) = phase.lowerBound.addingReportingOverflow(shift)
                let (high, o2) = phase.upperBound.addingReportingOverflow(shift)
                return !o1 && !o2 && phases[q + p] == low...high
            }
            if repeats {
                phases = Array(phases[0..<p])
                jump = shift
                period = p
                break
            }
        }
        let size = phases.compactMap { $0.map { $0.count } }.max() ?? 0
        let start: Double
        if let (q, phase) = phases.enumerated().first(where: { $0.element != nil }).map({ ($0.offset, $0.element!) }) {
            start = (Double(phase.lowerBound) + Double(phase.upperBound) + 1) / 2 - Double(q) * Double(jump) / Double(period)
        } else {
            start = previous.start
        }
        let sizes = phases.map { $0.map { "\($0.count)" } ?? "0" }
        let sizeFormula = period == 1 ? "r = \(size)" : "r = the largest of \(sizes.joined(separator: ", ")) = \(size)"
        return ReceptiveFieldAxis(size: size, jump: jump, start: start, sizeFormula: sizeFormula, jumpFormula: jumpFormula,
                                  startFormula: "start = the centre of the first value's field = \(Format.number(start))",
                                  period: period, phases: period == 1 ? [] : phases)
    }

    /// a*b when it stays within `maxPeriod`.
    static func checkedPeriod(_ a: Int, _ b: Int) -> Int? {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow || product > maxPeriod ? nil : product
    }

    /// The greatest common divisor.
    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (abs(a), abs(b))
        while y != 0 { (x, y) = (y, x % y) }
        return max(x, 1)
    }

    /// "1/2", "2": a ratio in lowest terms.
    static func ratioText(_ numerator: Int, _ denominator: Int) -> String {
        let d = gcd(numerator, denominator)
        return denominator / d == 1 ? "\(numerator / d)" : "\(numerator / d)/\(denominator / d)"
    }

    static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func ceilDivide(_ a: Int, _ b: Int) -> Int { -floorDivide(-a, b) }

    /// The receptive field on both axes after one more window.
    public static func after(_ previous: ReceptiveFieldStep, window: SlidingWindow) throws -> ReceptiveFieldStep {
        let rows = try along(previous.rows, kernel: window.kernel.rows, stride: window.stride.rows,
                             dilation: window.dilation.rows, padBefore: window.padBefore.rows)
        let cols = try along(previous.cols, kernel: window.kernel.cols, stride: window.stride.cols,
                             dilation: window.dilation.cols, padBefore: window.padBefore.cols)
        return ReceptiveFieldStep(rows: rows, cols: cols)
    }

    /// The receptive field on both axes after upsampling by `size` (nil past `maxPeriod`).
    public static func upsampled(_ previous: ReceptiveFieldStep, by size: Pair) -> ReceptiveFieldStep? {
        guard let rows = upsampled(previous.rows, by: size.rows), let cols = upsampled(previous.cols, by: size.cols) else { return nil }
        return ReceptiveFieldStep(rows: rows, cols: cols)
    }

    /// The receptive field on both axes after a transposed convolution (nil past `maxPeriod`).
    public static func transposed(_ previous: ReceptiveFieldStep, kernel: Pair, stride: Pair, zerosBefore: Pair) -> ReceptiveFieldStep? {
        guard let rows = transposed(previous.rows, kernel: kernel.rows, stride: stride.rows, zerosBefore: zerosBefore.rows),
              let cols = transposed(previous.cols, kernel: kernel.cols, stride: stride.cols, zerosBefore: zerosBefore.cols)
        else { return nil }
        return ReceptiveFieldStep(rows: rows, cols: cols)
    }

    /// The receptive field of a join on both axes: the union of the paths' fields (nil when their jumps differ).
    public static func union(_ paths: [ReceptiveFieldStep]) -> ReceptiveFieldStep? {
        guard let rows = union(paths.map(\.rows)), let cols = union(paths.map(\.cols)) else { return nil }
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
