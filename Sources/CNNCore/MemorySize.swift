// MemorySize: the weight memory Keras prints after its parameter counts, e.g. "1,625,866 (6.20 MB)".
//
// Keras 3 (keras/src/utils/summary_utils.py) counts 4 bytes per float32 weight, then divides by 1024
// until the value is below 1024 and prints it with two decimals and the unit B, KB, MB, GB, TB or PB.
// Two details are mirrored exactly:
//   - the two decimals come from Python's "{:.2f}", i.e. correct rounding of the exact value with ties
//     to even (1,152 bytes is 1.125 KB and prints "1.12 KB"); the arithmetic here is done in integers;
//   - past 1024 PB Keras divides once more but still writes "PB".

/// Keras-style readable memory sizes of float32 weights.
public enum MemorySize {
    /// Keras' readable size of `parameters` float32 weights: 1625866 -> "6.20 MB", 0 -> "0.00 B".
    /// A negative count is treated as 0.
    public static func float32(parameters: Int) -> String {
        let count = UInt64(max(parameters, 0))
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        // bytes = 4 * count; move to the next unit while bytes >= 1024 * divisor, i.e. count >= 256 * divisor.
        var level = 0
        var divisor: UInt64 = 1
        while level < units.count && count >= 256 * divisor {
            divisor *= 1024
            level += 1
        }
        // Hundredths of the unit: 4 * count * 100 / divisor, rounded half to even. The 128-bit product
        // cannot overflow and the quotient is below 102,400 (or a few thousand at the top level).
        let product = count.multipliedFullWidth(by: 400)
        let (quotient, remainder) = divisor.dividingFullWidth(product)
        var hundredths = quotient
        let rest = divisor - remainder
        if remainder > rest || (remainder == rest && quotient % 2 == 1) { hundredths += 1 }
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(units[min(level, units.count - 1)])"
    }
}
