// Resize: a picture or a stack of maps made larger or smaller, as Pillow's Image.resize does.
//
// Each output pixel is a weighted average of input pixels, one axis at a time (rows' columns first, then
// the rows), so resizing is a matrix on each side: out = Wy . x . Wx^T for every channel. The weights are
// Pillow's (libImaging/Resample.c, precompute_coeffs), so the result agrees with Image.resize:
//   - output pixel i covers input [i*s, (i+1)*s) with s = in/out, its centre at (i + 0.5)*s;
//   - the filter is stretched by max(s, 1), so shrinking averages every input pixel the output covers;
//   - area (Pillow's BOX): weight 1 for each input pixel whose centre lies in the output pixel's span, so
//     shrinking 28 -> 14 averages 2x2 blocks (at a ratio that is not whole, a pixel cut by the span's edge
//     counts whole or not at all, by where its centre is);
//   - bilinear (Pillow's BILINEAR): the triangle 1 - |d| around the centre (stretched when shrinking);
//   - the weights of each output pixel are divided by their sum, so a flat picture stays flat.
// Pillow rounds every pass to whole 0..255 values; cnnrepl keeps the fractions (values agree within 1).
// Ctrl-C is checked once per row of each pass; the work is bounded by Limits.checkWork before it starts.
// The backward pass is the transposed matrices: d x = Wy^T . d out . Wx.

/// How `resize` weighs the input pixels.
public enum ResizeMethod: String, CaseIterable, Sendable {
    /// The average of the input pixels each output pixel covers (Pillow's BOX; OpenCV's INTER_AREA when
    /// shrinking): the right choice for making a picture smaller.
    case area
    /// A triangle of weights around the output pixel's centre, widened when shrinking (Pillow's BILINEAR).
    case bilinear

    /// The method `resize` uses when none is given: area when no side grows, else bilinear.
    public static func natural(from: [Int], to: [Int]) -> ResizeMethod {
        zip(from, to).allSatisfy { $0 >= $1 } ? .area : .bilinear
    }

    /// The filter's half-width at scale 1.
    var support: Double { self == .area ? 0.5 : 1 }

    /// The filter's weight at distance `x` (in input pixels at scale 1).
    func weight(_ x: Double) -> Double {
        switch self {
        case .area: return x > -0.5 && x <= 0.5 ? 1 : 0
        case .bilinear: return abs(x) < 1 ? 1 - abs(x) : 0
        }
    }
}

/// Resizing of pictures and maps (H x W, or H x W x C with every channel alike).
public enum Resize {
    /// The input pixels one output pixel of an axis reads, and their weights (adding up to 1).
    public struct Taps: Sendable, Equatable {
        /// The first input pixel read.
        public var first: Int
        /// The weights of input pixels first, first + 1, ...
        public var weights: [Double]
    }

    /// Pillow's weights for one axis of `input` pixels resized to `output` pixels.
    public static func taps(input: Int, output: Int, method: ResizeMethod) -> [Taps] {
        let scale = Double(input) / Double(output)
        let stretch = max(scale, 1)
        let support = method.support * stretch
        return (0..<output).map { i in
            let centre = (Double(i) + 0.5) * scale
            // C's (int) cast truncates toward zero, as Pillow's does.
            let low = max(Int((centre - support + 0.5).rounded(.towardZero)), 0)
            let high = min(Int((centre + support + 0.5).rounded(.towardZero)), input)
            var weights = (low..<max(high, low)).map { method.weight((Double($0) - centre + 0.5) / stretch) }
            let total = weights.reduce(0, +)
            if total != 0 { weights = weights.map { $0 / total } }
            return Taps(first: low, weights: weights)
        }
    }

    /// The tensor's height, width and channels, or an error for shapes that are not pictures or maps.
    static func geometry(_ x: Tensor, what: String) throws -> (height: Int, width: Int, channels: Int) {
        switch x.rank {
        case 2: return (x.shape[0], x.shape[1], 1)
        case 3: return (x.shape[0], x.shape[1], x.shape[2])
        default:
            throw CoreError("\(what): resizes an H x W picture or H x W x C maps, and this is \(x.rank == 1 ? "a vector" : x.shapeDescription)",
                            hint: x.rank == 1 ? "reshape it first, e.g. reshape(v, 1x\(x.count))" : "resize one example at a time")
        }
    }

    /// `x` (H x W or H x W x C) resized to height x width with `method`.
    public static func resize(_ x: Tensor, height: Int, width: Int, method: ResizeMethod, what: String = "resize") throws -> Tensor {
        let (h, w, c) = try geometry(x, what: what)
        guard height >= 1, width >= 1 else {
            throw CoreError("\(what): the new size must be at least 1x1, not \(height)x\(width)")
        }
        let shape = x.rank == 2 ? [height, width] : [height, width, c]
        _ = try Limits.elementCount(of: shape, for: what)
        _ = try Limits.elementCount(of: [h, width, c], for: what)
        let across = taps(input: w, output: width, method: method)
        let down = taps(input: h, output: height, method: method)
        let widest = max(across.map(\.weights.count).max() ?? 0, down.map(\.weights.count).max() ?? 0)
        try Limits.checkWork([h * width + height * width, c, widest], what: what,
                             hint: "resize in two steps, or to a smaller size")
        // Along each row first (h x width x c), then down the columns.
        var rows = [Double](repeating: 0, count: h * width * c)
        for y in 0..<h {
            try Interruption.check(what)
            for (ox, tap) in across.enumerated() {
                for k in 0..<c {
                    var sum = 0.0
                    for (j, weight) in tap.weights.enumerated() { sum.addProduct(weight, x.scalars[(y * w + tap.first + j) * c + k]) }
                    rows[(y * width + ox) * c + k] = sum
                }
            }
        }
        var out = [Double](repeating: 0, count: height * width * c)
        for (oy, tap) in down.enumerated() {
            try Interruption.check(what)
            for ox in 0..<width {
                for k in 0..<c {
                    var sum = 0.0
                    for (j, weight) in tap.weights.enumerated() { sum.addProduct(weight, rows[((tap.first + j) * width + ox) * c + k]) }
                    out[(oy * width + ox) * c + k] = sum
                }
            }
        }
        return try Tensor(shape: shape, scalars: out)
    }

    /// The gradient of a resize: `upstream` (shaped like its output) carried back to `inputShape` through
    /// the transposed weights.
    public static func backward(_ upstream: Tensor, inputShape: [Int], method: ResizeMethod) throws -> Tensor {
        let (height, width, c) = try geometry(upstream, what: "resize")
        let (h, w) = (inputShape[0], inputShape[1])
        let across = taps(input: w, output: width, method: method)
        let down = taps(input: h, output: height, method: method)
        _ = try Limits.elementCount(of: inputShape, for: "resize")
        var rows = [Double](repeating: 0, count: h * width * c)
        for (oy, tap) in down.enumerated() {
            for ox in 0..<width {
                for k in 0..<c {
                    let g = upstream.scalars[(oy * width + ox) * c + k]
                    for (j, weight) in tap.weights.enumerated() { rows[((tap.first + j) * width + ox) * c + k].addProduct(weight, g) }
                }
            }
        }
        var out = [Double](repeating: 0, count: h * w * c)
        for y in 0..<h {
            for (ox, tap) in across.enumerated() {
                for k in 0..<c {
                    let g = rows[(y * width + ox) * c + k]
                    for (j, weight) in tap.weights.enumerated() { out[(y * w + tap.first + j) * c + k].addProduct(weight, g) }
                }
            }
        }
        return try Tensor(shape: inputShape, scalars: out)
    }
}
