// OutputSize: how big the output of a sliding window is, returned with the arithmetic that gives it.
//
// For one axis with input n, kernel k, stride s, dilation d and total padding p:
//     out = floor((n + p - d*(k - 1) - 1) / s) + 1
// which for d = 1 is the familiar  out = (n + p - k)/s + 1. The formula is returned instantiated
// ("out = (10 - 3)/1 + 1 = 8") so that step headers and lessons can show their work.

/// A value together with the instantiated arithmetic that produced it.
public struct Derivation: Equatable, Sendable, CustomStringConvertible {
    /// The result, e.g. 8.
    public var value: Int
    /// The arithmetic, e.g. "out = (10 - 3)/1 + 1 = 8".
    public var formula: String

    /// Creates a derivation from a value and its formula.
    public init(value: Int, formula: String) {
        self.value = value
        self.formula = formula
    }

    public var description: String { formula }
}

/// Output-size arithmetic for convolution and pooling windows.
public enum OutputSize {
    /// The output size along one axis, or an error if the window does not fit even once.
    /// - Parameters:
    ///   - inputSize: n, the input size along the axis.
    ///   - kernel: k, the window size.
    ///   - stride: s, at least 1.
    ///   - dilation: d, at least 1.
    ///   - padBefore: zero rows/columns added before the input.
    ///   - padAfter: zero rows/columns added after the input.
    public static func along(inputSize n: Int, kernel k: Int, stride s: Int, dilation d: Int = 1,
                             padBefore: Int = 0, padAfter: Int = 0) -> Derivation {
        let p = padBefore + padAfter
        let span = d * (k - 1) + 1
        let numerator = n + p - span
        // Floor division that is also right for a negative numerator (the window does not fit).
        let quotient = numerator >= 0 ? numerator / s : -((-numerator + s - 1) / s)
        let value = max(quotient + 1, 0)
        var inside = "\(n)"
        if p > 0 { inside += " + \(p)" }
        if d == 1 {
            inside += " - \(k)"
        } else {
            inside += " - \(d)*(\(k) - 1) - 1"
        }
        let divided = numerator % s == 0 || numerator < 0 ? "(\(inside))/\(s)" : "floor((\(inside))/\(s))"
        return Derivation(value: value, formula: "out = \(divided) + 1 = \(value)")
    }
}
