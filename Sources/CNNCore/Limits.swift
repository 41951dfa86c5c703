// Limits: the documented resource limits of the numeric core.
//
// Sizes are checked against these limits *before* any storage is allocated, so a typo such as
// zeros(100000, 100000) is an error message, not an out-of-memory crash.

/// Resource limits enforced by the numeric core before it allocates.
public enum Limits {
    /// The largest number of elements one tensor may hold (100 million doubles, 800 MB).
    public static let maxElements = 100_000_000
    /// The largest rank a tensor may have.
    public static let maxRank = 4

    /// Returns the element count of `shape`, or throws if a dimension is not positive, the product
    /// overflows, or it exceeds `maxElements`. `what` names the operation for the message.
    public static func elementCount(of shape: [Int], for what: String) throws -> Int {
        guard !shape.isEmpty, shape.count <= maxRank else {
            throw CoreError("\(what): a tensor has 1 to \(maxRank) dimensions, not \(shape.count)")
        }
        var count = 1
        for dimension in shape {
            guard dimension > 0 else {
                throw CoreError(
                    "\(what): every dimension must be at least 1, but the shape is \(Shape.describe(shape))")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= maxElements else {
                throw CoreError(
                    "\(what): a \(Shape.describe(shape)) tensor would have more than \(Format.count(maxElements)) elements",
                    hint: "a tensor holds at most 100,000,000 values; use smaller sizes")
            }
            count = product
        }
        return count
    }
}
