// Format: the few number and shape formats the core itself needs in messages and formulas.
//
// Counts get thousands separators ("18,496"), shapes are written with "x" ("3x3x32x64"), and
// numbers in formulas print without a trailing ".0" when they are whole. Locale-independent on purpose
// (snprintf is used only in the C locale, which cnnrepl never changes: the decimal point is always ".").

import Glibc

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

    /// A number with exactly `decimals` digits after the point, as NumPy and C's printf write it: the exact
    /// binary value is rounded (0.125 -> "0.12", 2.675 -> "2.67": 2.675 is 2.67499999... in binary; an
    /// exact tie goes to the even digit), and a negative value keeps its sign even when it rounds to zero
    /// (-0.001 -> "-0.00", -0.0 -> "-0.00"), as NumPy prints it.
    public static func formatFixed(_ value: Double, decimals: Int) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return printf("%.*f", value, decimals: max(0, min(decimals, 17)))
    }

    /// A number in scientific notation with `decimals` digits after the point and at least
    /// `exponentDigits` digits in the exponent, as NumPy writes it: 1e-300 -> "1.00e-300",
    /// 2.5 -> "2.50e+00" (or "2.50e+000" next to a three-digit exponent).
    public static func formatScientific(_ value: Double, decimals: Int, exponentDigits: Int = 2) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        let text = printf("%.*e", value, decimals: max(0, min(decimals, 17)))
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = text[..<e]
        let sign = text[text.index(after: e)]
        var digits = String(text[text.index(e, offsetBy: 2)...])
        while digits.count < exponentDigits { digits = "0" + digits }
        return "\(mantissa)e\(sign)\(digits)"
    }

    /// C's snprintf with one precision and one Double (exact decimal conversion, round half to even).
    private static func printf(_ format: String, _ value: Double, decimals: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 400)
        let written = withVaList([Int32(decimals), value]) { arguments in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
        }
        guard written > 0, Int(written) < buffer.count else { return String(value) }
        return String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
