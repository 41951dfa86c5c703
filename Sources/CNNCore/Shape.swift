// Shape: helpers for tensor shapes written the way the learning material writes them ("28x28x1").

/// Helpers for describing and checking tensor shapes.
public enum Shape {
    /// "3x3x32x64" for [3, 3, 32, 64].
    public static func describe(_ shape: [Int]) -> String {
        shape.map(String.init).joined(separator: "x")
    }

    /// The product of `factors` (1 for none), or nil when it does not fit in an Int: the one overflow-checked
    /// product for element counts, parameter counts and work estimates.
    public static func product(_ factors: [Int]) -> Int? {
        var product = 1
        for factor in factors {
            let (next, overflow) = product.multipliedReportingOverflow(by: factor)
            guard !overflow else { return nil }
            product = next
        }
        return product
    }
}
