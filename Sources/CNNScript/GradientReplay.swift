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
            let value = try step.operation.forward(operands)
            let newStep = Step(operation: step.operation, operands: operands, summary: step.summary,
                               arithmetic: step.arithmetic)
            done[id] = (value, Provenance(expression: provenance.expression, step: newStep))
        }
        guard let root = done[graph.root] else {
            throw CoreError("step: the loss does not depend on \(target.name), so moving it changes nothing")
        }
        self.loss = root.value
        self.lossProvenance = root.provenance
        self.recomputed = done
    }
}

extension GradientGraph {
    /// The provenance of a node of the graph.
    func provenance(of id: ObjectIdentifier) -> Provenance? { nodes[id] }
}
