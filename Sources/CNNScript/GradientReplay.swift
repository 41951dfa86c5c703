// GradientReplay: computing the steps behind a loss again after one of its inputs changed.
//
// A loss remembers every step that made it (Provenance.swift). After `step k 0.1` has moved k, the loss
// must be computed again from the new k to see whether it fell. Replaying does that without the learner
// retyping anything: the steps from which k can be reached are run again, producers before consumers, each
// with the same operation and settings but with the new values of its operands; every other operand (an
// input image, a target) is used as it was. The result is a new chain of provenance, so the new loss can
// be differentiated again and `step` repeated.
import CNNCore

/// The outcome of a replay: new values and provenance for the recomputed steps.
struct GradientReplay {
    /// The loss's new value.
    var loss: Value
    /// The loss's new provenance.
    var lossProvenance: Provenance
    /// For each recomputed step (by the identity of its old provenance): its new value and provenance.
    var recomputed: [ObjectIdentifier: (value: Value, provenance: Provenance)]

    /// Runs the steps between `loss` and `target` again, with `replacement` wherever the target was used.
    init(loss: Provenance, target: GradientTarget, replacement: Operand) throws {
        let graph = GradientGraph(loss: loss, lossName: "", target: target)
        let targetNode = target.provenance.map(ObjectIdentifier.init)
        var done: [ObjectIdentifier: (value: Value, provenance: Provenance)] = [:]
        for id in graph.order.reversed() where id != targetNode && graph.reachesTarget.contains(id) {
            try Interruption.check("step")
            guard let provenance = graph.provenance(of: id), let step = provenance.step else { continue }
            let operands = step.operands.map { operand -> Operand in
                if target.matches(operand) {
                    return Operand(name: operand.name, text: operand.text, value: replacement.value, provenance: replacement.provenance)
                }
                if let producer = operand.provenance, let new = done[ObjectIdentifier(producer)] {
                    return Operand(name: operand.name, text: operand.text, value: new.value, provenance: new.provenance)
                }
                return operand
            }
            let value = try GradientReplay.forward(step, operands: operands)
            let newStep = Step(operation: step.operation, operands: operands, summary: step.summary,
                               arithmetic: step.arithmetic, notes: step.notes, detail: step.detail)
            done[id] = (value, Provenance(expression: provenance.expression, step: newStep))
        }
        guard let root = done[graph.root] else {
            throw CoreError("step: the loss does not depend on \(target.name), so moving it changes nothing")
        }
        self.loss = root.value
        self.lossProvenance = root.provenance
        self.recomputed = done
    }

    /// The value of `step`'s operation applied to `operands` (the step's own settings, new operand values).
    static func forward(_ step: Step, operands: [Operand]) throws -> Value {
        func input(_ position: Int) throws -> Tensor {
            guard position < operands.count, let t = GradientBackward.tensor(operands[position]) else {
                throw CoreError("step: cannot recompute \(step.summary): operand \(position + 1) is not a tensor")
            }
            return t
        }
        func optional(_ position: Int) throws -> Tensor? { position < operands.count ? try input(position) : nil }
        switch step.operation {
        case .convolution(let convolution, _):
            return .tensor(try convolution.apply(try input(0), kernel: try input(1), bias: try optional(2)))
        case .pooling(let pooling, _):
            return .tensor(try pooling.apply(try input(0)))
        case .globalPooling(let kind):
            return .tensor(try GlobalPooling(kind: kind).apply(try input(0)))
        case .depthwisePooling(let size):
            return .tensor(try DepthwisePooling(size: size).apply(try input(0)))
        case .activation(let kind, let slope):
            return .tensor(try Activation.apply(kind, to: try input(0), slope: slope))
        case .flatten:
            return .tensor(Flatten.apply(try input(0)))
        case .dense:
            return .tensor(try Dense(weights: try input(1), bias: try optional(2)).apply(try input(0)))
        case .elementwise(let operation):
            guard operands.count == 2 else { throw CoreError("step: an element-wise step needs two operands") }
            switch (operands[0].value, operands[1].value) {
            case (.number(let a), .number(let b)): return .number(operation.apply(a, b))
            case (.tensor(let a), .number(let b)): return .tensor(a.elementwise(operation, b))
            case (.number(let a), .tensor(let b)): return .tensor(b.elementwise(operation, numberOnLeft: a))
            default: return .tensor(try input(0).elementwise(operation, try input(1)))
            }
        case .matrixProduct:
            return .tensor(try input(0).matrixProduct(try input(1)))
        case .other(let name):
            guard let detail = step.detail else {
                throw CoreError("step cannot recompute \(name): it does not record how it computed its result")
            }
            return try forward(detail, operands: operands, input: input)
        }
    }

    private static func forward(_ detail: StepDetail, operands: [Operand], input: (Int) throws -> Tensor) throws -> Value {
        switch detail {
        case .slice(let selections):
            let x = try input(0)
            let picked = try x.sliced(selections)
            let isCell = selections.count == x.rank && selections.allSatisfy { if case .index = $0 { return true } else { return false } }
            return isCell ? .number(picked.scalars.first ?? .nan) : .tensor(picked)
        case .negate:
            if case .number(let x)? = operands.first?.value { return .number(-x) }
            return .tensor(-(try input(0)))
        case .reduction(let kind, let axis):
            let x = try input(0)
            guard let axis else { return .number(x.reduced(kind)) }
            return Builtins.value(of: try x.reduced(kind, axis: axis))
        case .reshape(let shape):
            return .tensor(try input(0).reshaped(shape))
        case .transpose(let permutation):
            return .tensor(try input(0).transposed(permutation))
        case .stack:
            return .tensor(try Tensor.stack(try operands.indices.map(input)))
        case .assemble(let shape):
            return .tensor(try Tensor(shape: shape, scalars: try operands.indices.flatMap { try input($0).scalars }))
        case .pad(let amounts, let value):
            return .tensor(try input(0).padded(amounts, value: value))
        case .clip(let low, let high):
            return .tensor(try input(0).clipped(low: low, high: high))
        case .loss(let kind):
            let prediction = try input(0), target = try input(1)
            switch kind {
            case .meanSquaredError:
                return .number(try Loss.meanSquaredError(prediction, target))
            case .crossEntropy:
                if let softmax = operands.first.flatMap(GradientBackward.fusableSoftmax), let logits = softmax.operands[0].tensor {
                    return .number(try Loss.crossEntropy(logits: logits, target: target))
                }
                return .number(try Loss.crossEntropy(probabilities: prediction, target: target))
            }
        case .gradient:
            throw CoreError("step cannot recompute a gradient inside the loss", hint: "compute the loss without grad")
        case .example:
            throw CoreError("step cannot recompute an example of a data set")
        }
    }
}

extension GradientGraph {
    /// The provenance of a node of the graph.
    func provenance(of id: ObjectIdentifier) -> Provenance? { nodes[id] }
}
