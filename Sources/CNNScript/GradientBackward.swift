// GradientBackward: one recorded step, differentiated: given dL/d(its result), dL/d(each operand).
//
// Every step the interpreter records (Provenance.swift) names its operation, its settings and its operands
// with their values at the time, which is all a backward pass needs. This file maps each kind of step to
// the core's backward function (Sources/CNNCore/Gradients). Numbers take part as 1-element tensors, so
// `y = w * x` with numbers is differentiated like any element-wise product.
//
// Crossentropy of a softmax output is differentiated together with the softmax, from the logits
// (Loss.crossEntropyLogitsGradient): the gradient then skips the softmax step and goes straight to its
// input, unless the softmax output itself is what the gradient is taken with respect to.
import CNNCore

/// The gradient one step hands back to one of its operands.
struct OperandGradient {
    /// The operand (for a fused crossentropy: the logits, the softmax step's own operand).
    var operand: Operand
    /// Its position among the step's operands (for a fused crossentropy: the prediction's position).
    var position: Int
    /// dL/d(operand), the operand's shape (a 1-element vector for a number).
    var gradient: Tensor
    /// Whether this gradient went through crossentropy and softmax together.
    var fusedSoftmax: Bool = false
}

enum GradientBackward {
    /// The operand as a tensor: a number is a 1-element vector; anything else has no gradient.
    static func tensor(_ operand: Operand) -> Tensor? {
        switch operand.value {
        case .tensor(let t): return t
        case .number(let x): return Tensor(scalar: x)
        default: return nil
        }
    }

    /// The softmax step that made a crossentropy's prediction, when crossentropy can be fused with it.
    static func fusableSoftmax(_ prediction: Operand) -> Step? { prediction.softmaxStep }

    /// dL/d(operand) for each tensor or number operand of `step`, given `outputGradient` = dL/d(result).
    /// `fuseSoftmax` allows a crossentropy to differentiate its softmax input together with it.
    static func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let operands = step.operands
        func input(_ position: Int) throws -> Tensor {
            guard position < operands.count, let t = tensor(operands[position]) else {
                throw CoreError("grad: the step \(step.summary) lost its operand \(position + 1)")
            }
            return t
        }
        func result(_ pairs: [(Int, Tensor?)]) -> [OperandGradient] {
            pairs.compactMap { position, gradient in
                guard let gradient, position < operands.count else { return nil }
                return OperandGradient(operand: operands[position], position: position, gradient: gradient)
            }
        }
        switch step.operation {
        case .convolution(let convolution, _):
            let bias = operands.count > 2 ? try input(2) : nil
            let d = try convolution.backward(input: try input(0), kernel: try input(1), biasShape: bias?.shape, outputGradient: g)
            return result([(0, d.input), (1, d.kernel), (2, d.bias)])
        case .pooling(let pooling, _):
            return result([(0, try pooling.backward(input: try input(0), outputGradient: g))])
        case .globalPooling(let kind):
            return result([(0, try GlobalPooling(kind: kind).backward(input: try input(0), outputGradient: g))])
        case .depthwisePooling(let size):
            return result([(0, try DepthwisePooling(size: size).backward(input: try input(0), outputGradient: g))])
        case .activation(let kind, let slope):
            return result([(0, try Activation.backward(kind, input: try input(0), outputGradient: g, slope: slope))])
        case .flatten:
            return result([(0, try Tensor.reshapeBackward(inputShape: try input(0).shape, outputGradient: g))])
        case .dense:
            let bias = operands.count > 2 ? try input(2) : nil
            let d = try Dense(weights: try input(1), bias: bias).backward(input: try input(0), outputGradient: g)
            return result([(0, d.input), (1, d.weights), (2, d.bias)])
        case .elementwise(let operation):
            let d = try operation.backward(left: try input(0), right: try input(1), outputGradient: g)
            return result([(0, d.left), (1, d.right)])
        case .matrixProduct:
            let d = try Tensor.matrixProductBackward(left: try input(0), right: try input(1), outputGradient: g)
            return result([(0, d.left), (1, d.right)])
        case .other(let name):
            guard let detail = step.detail else {
                throw CoreError("grad cannot go back through \(name): it does not record how it computed its result",
                                hint: "compute the value with operations grad knows (conv, pooling, activations, dense, arithmetic, slicing, sum, ...)")
            }
            return try gradients(of: step, detail: detail, outputGradient: g, fuseSoftmax: fuseSoftmax)
        }
    }

    private static func gradients(of step: Step, detail: StepDetail, outputGradient g: Tensor,
                                  fuseSoftmax: Bool) throws -> [OperandGradient] {
        let operands = step.operands
        func input(_ position: Int) throws -> Tensor {
            guard position < operands.count, let t = tensor(operands[position]) else {
                throw CoreError("grad: the step \(step.summary) lost its operand \(position + 1)")
            }
            return t
        }
        func single(_ gradient: Tensor) -> [OperandGradient] {
            operands.isEmpty ? [] : [OperandGradient(operand: operands[0], position: 0, gradient: gradient)]
        }
        switch detail {
        case .slice(let selections):
            return single(try Tensor.slicingBackward(inputShape: try input(0).shape, selections: selections, outputGradient: g))
        case .negate:
            return single(-g)
        case .reduction(let kind, let axis):
            return single(try Tensor.reductionBackward(kind, input: try input(0), axis: axis, outputGradient: g))
        case .reshape:
            return single(try Tensor.reshapeBackward(inputShape: try input(0).shape, outputGradient: g))
        case .transpose(let permutation):
            return single(try Tensor.transposeBackward(permutation: permutation, outputGradient: g))
        case .pad(let amounts, _):
            return single(try Tensor.padBackward(inputShape: try input(0).shape, amounts: amounts, outputGradient: g))
        case .clip(let low, let high):
            return single(try Tensor.clipBackward(input: try input(0), low: low, high: high, outputGradient: g))
        case .stack:
            let parts = try operands.indices.map { try input($0) }
            guard let first = parts.first else { return [] }
            let gradients = try Tensor.stackBackward(partShape: first.shape, count: parts.count, outputGradient: g)
            return zip(operands.indices, gradients).map { OperandGradient(operand: operands[$0], position: $0, gradient: $1) }
        case .assemble:
            // Only numbers and tensors fill a literal; every operand is one of them.
            let parts = try operands.indices.map { try input($0) }
            let gradients = try Tensor.assembleBackward(partShapes: parts.map(\.shape), outputGradient: g)
            return zip(operands.indices, gradients).map { OperandGradient(operand: operands[$0], position: $0, gradient: $1) }
        case .loss(let kind):
            guard g.count == 1, operands.count == 2 else {
                throw CoreError("grad: a loss is one number, so its gradient is one number")
            }
            let scale = g.scalars[0]
            let prediction = try input(0), target = try input(1)
            switch kind {
            case .meanSquaredError:
                let d = try Loss.meanSquaredErrorGradient(prediction, target)
                return [OperandGradient(operand: operands[0], position: 0, gradient: d * scale),
                        OperandGradient(operand: operands[1], position: 1, gradient: -d * scale)]
            case .crossEntropy:
                if fuseSoftmax, let softmax = fusableSoftmax(operands[0]), let logits = softmax.operands[0].tensor {
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
        case .gradient:
            throw CoreError("grad cannot go back through another grad: second derivatives are not supported",
                            hint: "take the gradient of a loss computed from the variable")
        case .example:
            return []  // an image of a data set: a constant
        }
    }
}

extension Operand {
    /// The step softmax(z) when this operand was made by softmax of a tensor z, else nil. Crossentropy of such
    /// an operand is computed, and differentiated, from z.
    public var softmaxStep: Step? {
        guard let step = provenance?.step, case .activation(.softmax, _) = step.operation,
              step.operands.count == 1, step.operands[0].tensor != nil else { return nil }
        return step
    }
}
