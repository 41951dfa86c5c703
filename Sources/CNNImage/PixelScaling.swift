// PixelScaling: how the values of a tensor become 8-bit pixels when it is saved as a picture.
//
// The rule, stated to the learner every time a picture is written:
//   - values already within 0..255, with some above 1 (an 8-bit picture, a clipped filter output), are
//     written as they are, rounded to whole numbers;
//   - anything else (a feature map of -3.2 .. 7.5, random numbers in 0..1) is stretched: the smallest
//     value becomes 0 (black), the largest 255 (white), linearly in between;
//   - a map whose values are all equal and outside 0..255 is written black;
//   - values that are not numbers (nan) become 0, infinities the nearest end.
import CNNCore

/// How tensor values are turned into 0..255 pixels.
public struct PixelScaling: Equatable, Sendable {
    /// How the scaling is chosen.
    public enum Mode: String, CaseIterable, Sendable {
        /// The rule above: values already within 0..255 (some above 1) as they are, others stretched.
        case auto
        /// Always stretched: the smallest value black, the largest white (a grid of maps, a dark map).
        case stretch
        /// Always as they are, rounded, anything outside 0..255 clipped to the nearer end.
        case keep
    }

    /// The smallest finite value of the tensor.
    public let low: Double
    /// The largest finite value of the tensor.
    public let high: Double
    /// Whether values are stretched from low..high to 0..255 (false: written as they are, rounded).
    public let stretched: Bool

    /// Chooses the scaling for `values` by `mode` (the rule above by default).
    public init(values: [Double], mode: Mode = .auto) {
        var low = Double.infinity
        var high = -Double.infinity
        for value in values where value.isFinite {
            low = min(low, value)
            high = max(high, value)
        }
        if low > high {  // no finite value at all
            low = 0
            high = 0
        }
        self.low = low
        self.high = high
        switch mode {
        case .auto:
            let inRange = low >= 0 && high <= 255
            stretched = !(inRange && (high > 1 || low == high))
        case .stretch:
            stretched = true
        case .keep:
            stretched = false
        }
    }

    /// Whether some values fall outside 0..255 and are clipped (only when not stretched).
    public var clips: Bool { !stretched && (low < 0 || high > 255) }

    /// The pixel for one value.
    public func pixel(_ value: Double) -> UInt8 {
        if value.isNaN { return 0 }
        let level: Double
        if stretched {
            guard high > low else { return 0 }
            level = (value - low) / (high - low) * 255
        } else {
            level = value
        }
        if level <= 0 { return 0 }
        if level >= 255 { return 255 }
        return UInt8(level.rounded(.toNearestOrAwayFromZero))
    }

    /// A phrase for the learner, e.g. "values -3.2 .. 7.5 stretched to 0..255" or "values 0..255 written as they are".
    public var description: String {
        let range = "\(PixelScaling.text(low)) .. \(PixelScaling.text(high))"
        if !stretched { return "values \(range) written as they are" + (clips ? ", clipped to 0..255" : " (0..255)") }
        if low == high { return "every value is \(PixelScaling.text(low)): written black (0)" }
        return "values \(range) stretched to 0..255 (min -> 0 black, max -> 255 white)"
    }

    /// A value in a message: whole numbers as they are, others with two decimals.
    public static func text(_ value: Double) -> String {
        value == value.rounded() ? Format.number(value) : Format.formatFixed(value, decimals: 2)
    }
}
