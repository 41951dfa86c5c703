// GradientTerms: one cell of a gradient written out as the sum the chain rule makes of it.
//
// A use of k (a step y = op(..., k, ...)) hands k the gradient
//     dL/dk[c] = sum over output cells o of dL/dy[o] * dy[o]/dk[c]
// For a convolution's kernel and input and a dense layer's weights and input the local derivative is a
// value of the other operand (the input under a kernel tap, a weight), and the core lists those terms
// exactly (GradientSum). For every other step the local derivatives are found by asking the step's
// backward rule about one output cell at a time (a gradient of 1 at o and 0 elsewhere gives dy[o]/dk); only
// the cells that depend on k[c] are listed.
import CNNCore

/// What the local derivative of a gradient term is.
public enum GradientFactor: Sendable, Equatable {
    /// A value of the step's input under the kernel tap (a convolution's dL/dkernel); the operand's name.
    case input(String)
    /// A kernel weight (a convolution's dL/dinput); the operand's name.
    case kernelWeight(String)
    /// A weight of a dense layer (its dL/dinput); the operand's name.
    case weight(String)
    /// The constant 1 (a bias: every output cell of its filter adds it once).
    case one
    /// dy[o]/dk[c] of any other step, found from its backward rule.
    case localDerivative
}

/// The terms of one gradient cell for one use of k.
public struct GradientCellTerms: Sendable {
    /// The terms, each dL/dy[o] * factor (only those that can be non-zero for a generic step).
    public var sum: GradientSum
    /// What each term's factor is.
    public var factor: GradientFactor
    /// The output cells left out because they do not depend on this cell (dy/dk = 0).
    public var independentOutputs: Int
}

extension GradientUse {
    /// The most (output cells x cells of k) the generic way may examine, one backward pass per output cell.
    public static let maxProbeWork = 20_000_000

    /// The terms that make cell `index` of this use's contribution to dL/dk.
    public func terms(at index: [Int]) throws -> GradientCellTerms {
        if !fusedSoftmax, let exact = try step.operation.exactGradientTerms(step.operands, position: operandPosition,
                                                                               outputGradient: outputGradient, at: index) {
            return exact
        }
        return try probedTerms(at: index)
    }

    /// The generic way: dy[o]/dk[c] from the backward rule with a gradient of 1 at o, for every output cell o.
    private func probedTerms(at index: [Int]) throws -> GradientCellTerms {
        let g = outputGradient
        let shape = contribution.shape
        try GradientShapes.checkIndex(index, in: shape, what: "gradient")
        guard let cell = contribution.offset(of: index) else {
            throw CoreError("there is no cell \(index) in the \(contribution.shapeDescription) gradient")
        }
        let (work, overflow) = g.count.multipliedReportingOverflow(by: contribution.count)
        guard !overflow, work <= GradientUse.maxProbeWork else {
            throw CoreError("this gradient cell collects from \(Format.count(g.count)) output cells, too many to list one by one",
                            hint: "trace a gradient of a smaller example")
        }
        var terms: [GradientTerm] = []
        var probe = try Tensor(shape: g.shape, repeating: 0)
        let isBias = step.operation.biasPosition == operandPosition
        for o in 0..<g.count {
            try Interruption.check("trace")
            probe.withUnsafeMutableScalars { $0[o] = 1 }
            defer { probe.withUnsafeMutableScalars { $0[o] = 0 } }
            let items = try GradientBackward.gradients(of: step, outputGradient: probe, fuseSoftmax: fusedSoftmax)
            guard let item = items.first(where: { $0.position == operandPosition && $0.fusedSoftmax == fusedSoftmax }),
                  cell < item.gradient.count else { continue }
            let factor = item.gradient.scalars[cell]
            guard factor != 0 else { continue }
            terms.append(GradientTerm(outputIndex: GradientShapes.unravel(o, shape: g.shape), upstream: g.scalars[o],
                                      factorIndex: nil, factor: factor))
        }
        return GradientCellTerms(sum: GradientSum(index: index, terms: terms), factor: isBias ? .one : .localDerivative,
                                 independentOutputs: g.count - terms.count)
    }
}
