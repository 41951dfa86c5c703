// DenseOperation: `dense(x, w, b)`, a fully connected layer x . W + b.
//
// Operands: x, W, and b if given. CNNCore's Dense computes it, differentiates it, traces one output (the
// dot product with one column of W) and lists the exact terms of its gradients.
import CNNCore

/// A dense layer.
public struct DenseOperation: StepOperation {
    /// Creates the operation.
    public init() {}

    public var name: String { "dense" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: name)
        return .tensor(try Dense(weights: try o.tensor(1), bias: try o.optional(2)).apply(try o.tensor(0)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        let bias = o.count > 2 ? try o.tensor(2) : nil
        let d = try Dense(weights: try o.tensor(1), bias: bias).backward(input: try o.tensor(0), outputGradient: g)
        return paired(step, [d.input, d.weights, d.bias])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard operands.count >= 2, let input = operands[0].tensor, let weights = operands[1].tensor,
              let column = index.last else { return nil }
        let bias = operands.count > 2 ? operands[2].tensor : nil
        let trace = try Dense(weights: weights, bias: bias).trace(input: input, at: index)
        return .dotProduct(trace, input: operands[0], weights: operands[1], column: column)
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        operands.first?.tensor?.rank == 1 ? .everyValue(text: "dense") : .stop
    }

    public func gradientRule(position: Int) -> GradientRule { .joiningWeight }

    public func exactGradientTerms(_ operands: [Operand], position: Int, outputGradient g: Tensor,
                                   at index: [Int]) throws -> GradientCellTerms? {
        guard position < 2, operands.count >= 2, let input = operands[0].numeric, let weights = operands[1].numeric else { return nil }
        let layer = try Dense(weights: weights, bias: operands.count > 2 ? operands[2].numeric : nil)
        if position == 1 {
            let sum = try layer.weightGradientSum(input: input, outputGradient: g, at: index)
            return GradientCellTerms(sum: sum, factor: .input(operands[0].displayName), independentOutputs: g.count - sum.terms.count)
        }
        let sum = try layer.inputGradientSum(input: input, outputGradient: g, at: index)
        return GradientCellTerms(sum: sum, factor: .weight(operands[1].displayName), independentOutputs: g.count - sum.terms.count)
    }

    public var biasPosition: Int? { 2 }

    public var operandRoles: [String] { ["x", "weights", "bias"] }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.hasWeightsAndBias else { return nil }
        var code = "\(c.reference(0, or: "x")) @ \(c.reference(1, or: "weights"))"
        if c.references.count > 2 { code += " + \(c.references[2])" }
        return NumPyStep(code)
    }
}
