// Clip: limit every element to a range, as an 8-bit image clips to 0...255 after a sharpen filter.
//
// clip(x, low, high) replaces values below `low` by `low` and values above `high` by `high`; values in
// between (and nan) are kept, as NumPy's np.clip does. The bounds must satisfy low <= high.

extension Tensor {
    /// Limits every element to `low...high` (nan elements stay nan).
    /// Throws if a bound is nan or `low` is above `high`.
    public func clipped(low: Double, high: Double) throws -> Tensor {
        guard !low.isNaN, !high.isNaN else {
            throw CoreError("clip: the bounds must be numbers, not nan (low \(Format.number(low)), high \(Format.number(high)))")
        }
        guard low <= high else {
            throw CoreError(
                "clip: the low bound \(Format.number(low)) is above the high bound \(Format.number(high))",
                hint: "write clip(x, low, high) with low <= high, e.g. clip(x, 0, 255)")
        }
        return map { value in
            if value < low { return low }
            if value > high { return high }
            return value
        }
    }
}
