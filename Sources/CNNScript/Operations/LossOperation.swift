// LossOperation: `mse(y, t)` and `crossentropy(p, t)`: one number saying how far a prediction is from a target.
//
// Operands: prediction, target. Crossentropy of a softmax output is computed, and differentiated, from the
// softmax's input (the logits) together with it (Loss.crossEntropyLogitsGradient): the gradient then skips
// the softmax step and goes straight to the logits, unless the softmax output itself is what the gradient
// is taken with respect to.
import CNNCore

/// A loss.
public struct LossOperation: StepOperation {
    /// Which loss.
    public let kind: LossKind

    /// Creates the operation.
    public init(_ kind: LossKind) { self.kind = kind }

    public var name: String { kind.rawValue }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: name)
        let prediction = try o.tensor(0), target = try o.tensor(1)
        switch kind {
        case .meanSquaredError:
            return .number(try Loss.meanSquaredError(prediction, target))
        case .crossEntropy:
            if let softmax = operands.first?.softmaxStep, let logits = softmax.operands[0].tensor {
                return .number(try Loss.crossEntropy(logits: logits, target: target))
            }
            return .number(try Loss.crossEntropy(probabilities: prediction, target: target))
        }
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let operands = step.operands
        guard g.count == 1, operands.count == 2 else {
            throw CoreError("grad: a loss is one number, so its gradient is one number")
        }
        let scale = g.scalars[0]
        let o = backwardOperands(step)
        let prediction = try o.tensor(0), target = try o.tensor(1)
        switch kind {
        case .meanSquaredError:
            let d = try Loss.meanSquaredErrorGradient(prediction, target)
            return [OperandGradient(operand: operands[0], position: 0, gradient: d * scale),
                    OperandGradient(operand: operands[1], position: 1, gradient: -d * scale)]
        case .crossEntropy:
            if fuseSoftmax, let softmax = operands[0].softmaxStep, let logits = softmax.operands[0].tensor {
                let dz = try Loss.crossEntropyLogitsGradient(logits: logits, target: target)
                let dt = try Loss.crossEntropyLogitsTargetGradient(logits: logits, target: target)
                return [OperandGradient(operand: softmax.operands[0], position: 0, gradient: dz * scale, fusedSoftmax: true),
                        OperandGradient(operand: operands[1], position: 1, gradient: dt * scale)]
            }
            let dp = try Loss.crossEntropyGradient(probabilities: prediction, target: target)
            let dt = try Loss.crossEntropyTargetGradient(probabilities: prediction, target: target)
            return [OperandGradient(operand: operands[0], position: 0, gradient: dp * scale),
                    OperandGradient(operand: operands[1], position: 1, gradient: dt * scale)]
        }
    }

    public func gradientRule(position: Int) -> GradientRule {
        kind == .meanSquaredError ? .meanSquaredError(position: position) : .crossEntropy(position: position)
    }
}

extension Operand {
    /// The step softmax(z) when this operand was made by softmax of a tensor z, else nil. Crossentropy of such
    /// an operand is computed, and differentiated, from z.
    public var softmaxStep: Step? {
        guard let step = provenance?.step, (step.operation as? ActivationOperation)?.kind == .softmax,
              step.operands.count == 1, step.operands[0].tensor != nil else { return nil }
        return step
    }
}
