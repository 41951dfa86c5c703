// GradientSum: one gradient cell written out as the sum it is, for `trace g[i, j]`.
//
// Backpropagation collects a weight's gradient from every output cell that weight helped to make:
//     dL/dk[ky, kx] = sum over output cells o of  dL/dy[o] * (what k[ky, kx] multiplied at o)
// A `GradientSum` lists those terms (the output cell, the upstream gradient dL/dy there, the factor it is
// multiplied by and where that factor came from) in the order the backward pass adds them, so the
// listed sum equals the computed gradient cell exactly.

/// One term dL/dy[o] * factor of a gradient cell.
public struct GradientTerm: Equatable, Sendable {
    /// The output cell o the term comes from (an index into the operation's output).
    public var outputIndex: [Int]
    /// dL/dy[o], the gradient arriving at that output cell.
    public var upstream: Double
    /// The index of the factor in the other operand (the input cell under a kernel tap, say); nil when the
    /// factor is a constant such as 1 or the derivative of an activation.
    public var factorIndex: [Int]?
    /// The factor the upstream gradient is multiplied by (0 for a kernel tap over the zero padding).
    public var factor: Double
    /// Whether the factor lies in the zero padding (it is 0 and the term adds nothing).
    public var isPadding: Bool
    /// upstream * factor.
    public var product: Double

    /// Creates a term; the product is computed.
    public init(outputIndex: [Int], upstream: Double, factorIndex: [Int]?, factor: Double, isPadding: Bool = false) {
        self.outputIndex = outputIndex
        self.upstream = upstream
        self.factorIndex = factorIndex
        self.factor = factor
        self.isPadding = isPadding
        self.product = upstream * factor
    }
}

/// A gradient cell as the sum of its terms.
public struct GradientSum: Equatable, Sendable {
    /// The most terms one sum may list (a million); larger sums are refused rather than listed.
    public static let maxTerms = 1_000_000

    /// The cell of the gradient explained.
    public var index: [Int]
    /// Every term, in the order they are added.
    public var terms: [GradientTerm]
    /// The sum of the products.
    public var value: Double

    /// Creates a sum of `terms`, adding them in order, each with a fused multiply-add (upstream times factor
    /// joins the sum with one rounding, as the backward passes add it; `product` is only for showing).
    public init(index: [Int], terms: [GradientTerm]) {
        self.index = index
        self.terms = terms
        var total = 0.0
        for term in terms { total.addProduct(term.upstream, term.factor) }
        self.value = total
    }
}
