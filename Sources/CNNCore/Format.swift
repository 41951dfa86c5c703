// Format: the few number and shape formats the core itself needs in messages and formulas.
//
// Counts get thousands separators ("18,496"), shapes are written with "x" ("3x3x32x64"), and
// numbers in formulas print without a trailing ".0" when they are whole. Locale-independent on purpose.

/// Locale-independent formatting used in messages and instantiated formulas.
public enum Format {
    /// An integer with comma thousands separators: 1625866 -> "1,625,866".
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// A number as a person writes it: whole numbers without decimals, others with up to 6 significant
    /// decimals and no trailing zeros; -0 prints as 0.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded() && abs(value) < 1e15 {
            let whole = Int(value)
            return String(whole)
        }
        var text = String(value)
        if text.contains("e") { return text }
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals > 6 {
                text = formatFixed(value, decimals: 6)
            }
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A number with exactly `decimals` digits after the point (round half away from zero); -0 prints as 0.
    public static func formatFixed(_ value: Double, decimals: Int) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        let places = max(0, min(decimals, 15))
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return String(value) }
        let integer = UInt64(scaled)
        var digits = String(integer)
        if places > 0 {
            if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -places))
        }
        let negative = value < 0 && integer != 0
        return negative ? "-" + digits : digits
    }

    /// `text` with its control characters (C0 except line breaks and tabs, DEL, C1) written as escapes,
    /// "\u{1B}", so that text from the user or a file never reaches the terminal as a command.
    public static func visible(_ text: String) -> String {
        func isControl(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
        }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
