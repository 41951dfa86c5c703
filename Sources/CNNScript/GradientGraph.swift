// GradientGraph: `grad(loss, k)`, backpropagation over the steps the interpreter recorded.
//
// Every value remembers how it was made (Provenance.swift): the step, and each operand with its own
// provenance. Starting from the loss, those links form a graph of steps back to the inputs. The gradient
// is the chain rule applied along it, from the loss backwards (reverse-mode differentiation):
//   1. Walk the graph from the loss and put the steps in an order where every step comes before the
//      steps that made its operands (a topological order). A value used twice (y = x * x) is one node.
//   2. dL/dloss = 1. For each step in that order, hand the gradient of its result to each operand with the
//      step's backward rule (GradientBackward.swift); gradients arriving at one value from several uses add up.
//   3. dL/dk is what arrived at k.
// Only steps from which k can be reached are differentiated, so an operation grad cannot go back through
// matters only when it lies between the loss and k.
//
// Which operand is k? The one made by k's current provenance (the same Provenance object: `g = k` makes
// g an alias of the same value). A variable typed in as a plain number has no provenance; then an operand
// called k with no provenance and k's current value is k. After an in-place command such as `relu f`, the
// name f means the new, activated f: `grad(loss, f)` is the gradient with respect to what f holds now, and
// it fails with a hint if the loss was computed from an earlier f.
import CNNCore

/// The variable a gradient is taken with respect to.
struct GradientTarget {
    /// The variable's name.
    var name: String
    /// Its current value.
    var value: Value
    /// Its current provenance (nil for a number or literal typed in directly).
    var provenance: Provenance?

    /// Whether `operand` is this variable.
    func matches(_ operand: Operand) -> Bool {
        if let provenance { return operand.provenance === provenance }
        guard operand.provenance == nil, operand.name == name else { return false }
        return GradientTarget.same(operand.value, value)
    }

    /// Whether two values are equal numbers or equal tensors.
    static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y || (x.isNaN && y.isNaN)
        case (.tensor(let x), .tensor(let y)): return x == y
        default: return false
        }
    }
}

/// The result of backpropagation: dL/dk and where it came from.
struct GradientResult {
    /// dL/dk, the shape of k (a 1-element vector when k is a number).
    var gradient: Tensor
    /// Every use of k on the way to the loss.
    var uses: [GradientUse]
}

/// The steps between a loss and its inputs, in an order fit for backpropagation.
struct GradientGraph {
    /// Node identities, every consumer before the steps that made its operands (the loss first).
    private(set) var order: [ObjectIdentifier] = []
    /// The provenance of each node.
    private(set) var nodes: [ObjectIdentifier: Provenance] = [:]
    /// What each node's value is called: the variable name it was used under, else its expression.
    private(set) var names: [ObjectIdentifier: String] = [:]
    /// The nodes from which the target can be reached (the only ones worth differentiating).
    private(set) var reachesTarget: Set<ObjectIdentifier> = []
    /// Operands called like the target but made by something else (an earlier value of the variable).
    private(set) var staleUses: [Operand] = []
    /// The variable names the loss was computed from, in the order they were met.
    private(set) var inputNames: [String] = []
    /// Whether the walk met history that was dropped to keep chains bounded (Provenance.historyKept).
    private(set) var metDroppedHistory = false
    /// The node of the loss itself.
    let root: ObjectIdentifier

    /// Builds the graph behind `loss` (its provenance) for the gradient with respect to `target`.
    init(loss: Provenance, lossName: String, target: GradientTarget) {
        root = ObjectIdentifier(loss)
        nodes[root] = loss
        names[root] = lossName
        // Iterative depth-first walk (the chain of a long script can be deep); post-order gives producers
        // before consumers, and its reverse is the order backpropagation needs.
        var postOrder: [ObjectIdentifier] = []
        var visited: Set<ObjectIdentifier> = [root]
        var stack: [(id: ObjectIdentifier, next: Int)] = [(root, 0)]
        while let top = stack.last {
            let operands = nodes[top.id]?.step?.operands ?? []
            if top.next < operands.count {
                stack[stack.count - 1].next += 1
                let operand = operands[top.next]
                if target.matches(operand) { reachesTarget.insert(top.id) }
                if operand.name == target.name, !target.matches(operand) { staleUses.append(operand) }
                if let name = operand.name, !inputNames.contains(name) { inputNames.append(name) }
                guard let provenance = operand.provenance else { continue }
                if provenance.isDroppedHistory { metDroppedHistory = true }
                let id = ObjectIdentifier(provenance)
                if names[id] == nil || operand.name != nil { names[id] = operand.name ?? provenance.expression }
                if visited.insert(id).inserted {
                    nodes[id] = provenance
                    stack.append((id, 0))
                }
            } else {
                stack.removeLast()
                postOrder.append(top.id)
                let reaches = operands.contains { operand in
                    target.matches(operand) || operand.provenance.map { reachesTarget.contains(ObjectIdentifier($0)) } == true
                }
                if reaches { reachesTarget.insert(top.id) }
            }
        }
        order = postOrder.reversed()
    }

    /// Whether the target is one of the values the loss was computed from.
    var dependsOnTarget: Bool { reachesTarget.contains(root) }

    /// Backpropagates from the loss (its gradient `seed`, usually 1) to the target.
    func backpropagate(seed: Tensor, target: GradientTarget) throws -> GradientResult {
        var gradients: [ObjectIdentifier: Tensor] = [root: seed]
        var parent: [ObjectIdentifier: ObjectIdentifier] = [:]
        var total: Tensor?
        var uses: [GradientUse] = []
        let targetNode = target.provenance.map(ObjectIdentifier.init)
        for id in order where id != targetNode && reachesTarget.contains(id) {
            try Interruption.check("grad")
            guard let provenance = nodes[id], let step = provenance.step, let upstream = gradients[id] else { continue }
            let fuse = !(step.operands.first.map(target.matches) ?? false)
            for item in try GradientBackward.gradients(of: step, outputGradient: upstream, fuseSoftmax: fuse) {
                if target.matches(item.operand) {
                    total = try total.map { try $0 + item.gradient } ?? item.gradient
                    uses.append(GradientUse(
                        step: step, operandPosition: item.position, operand: item.operand,
                        outputName: names[id] ?? provenance.expression, outputGradient: upstream,
                        contribution: item.gradient, path: path(to: id, parent: parent), fusedSoftmax: item.fusedSoftmax))
                    continue
                }
                guard let producer = item.operand.provenance else { continue }
                let producerID = ObjectIdentifier(producer)
                guard reachesTarget.contains(producerID) else { continue }
                if let existing = gradients[producerID] {
                    gradients[producerID] = try existing + item.gradient
                } else {
                    gradients[producerID] = item.gradient
                    parent[producerID] = id
                }
            }
        }
        guard let total else {
            throw CoreError("grad: no gradient reached \(target.name)")
        }
        return GradientResult(gradient: total, uses: uses)
    }

    /// "name = expression" for each step from the loss down to `id`, the loss first.
    private func path(to id: ObjectIdentifier, parent: [ObjectIdentifier: ObjectIdentifier]) -> [String] {
        var lines: [String] = []
        var current: ObjectIdentifier? = id
        while let node = current, lines.count < 50 {
            if let provenance = nodes[node] {
                let name = names[node] ?? provenance.expression
                lines.append(name == provenance.expression ? name : "\(name) = \(provenance.expression)")
            }
            current = parent[node]
        }
        return lines.reversed()
    }
}

/// Taking a gradient from the values of a call: what `grad(loss, k)` and `step k` share.
enum Gradients {
    /// The loss of a gradient, as written and evaluated.
    struct LossInput {
        /// The loss as written, e.g. "loss".
        var text: String
        /// Its value: a number (or a 1-element tensor).
        var value: Value
        /// How it was made.
        var provenance: Provenance?
        /// The variable it came from, if any.
        var variableName: String?
    }

    /// dL/dk as a value of k's kind (a number for a number), with the record that explains it.
    static func take(loss: LossInput, target: GradientTarget) throws -> (value: Value, gradient: Tensor, record: GradientRecord) {
        let lossName = loss.variableName ?? loss.text
        switch loss.value {
        case .number: break
        case .tensor(let t) where t.count == 1: break
        default:
            throw CoreError("grad: the loss must be one number, but \(lossName) is \(loss.value.kindDescription)",
                            hint: "make one number of it first, e.g. grad(sum(y), \(target.name)) or grad(mse(y, t), \(target.name))")
        }
        guard let targetTensor = Operand(name: target.name, text: target.name, value: target.value,
                                                    provenance: target.provenance).numeric else {
            throw CoreError("grad: \(target.name) is \(target.value.kindDescription); a gradient is taken with respect to a tensor or a number")
        }
        let seed = Tensor(scalar: 1)
        let lossIsTarget = loss.provenance.map { $0 === target.provenance }
            ?? (target.provenance == nil && loss.variableName == target.name)
        if lossIsTarget {
            let ones = targetTensor.map { _ in 1 }
            return (wrap(ones, like: target.value), ones,
                    GradientRecord(lossText: loss.text, targetName: target.name, target: target.value, uses: []))
        }
        guard let provenance = loss.provenance, provenance.step != nil else {
            throw CoreError("grad: \(lossName) was typed in, not computed, so it does not depend on \(target.name)",
                            hint: "compute the loss from \(target.name), e.g. loss = mse(conv(x, \(target.name)), t)")
        }
        let graph = GradientGraph(loss: provenance, lossName: lossName, target: target)
        guard graph.dependsOnTarget else {
            if graph.metDroppedHistory {
                throw CoreError("grad: \(lossName) does not depend on \(target.name) in the last \(Format.count(Provenance.historyKept)) steps of its history, the part that is kept",
                                hint: "a value keeps the last \(Format.count(Provenance.historyKept)) steps that made it (docs/LIMITS.md); compute \(lossName) again from \(target.name) in fewer steps")
            }
            if let stale = graph.staleUses.first {
                let then = stale.provenance?.expression ?? "an earlier value"
                throw CoreError("grad: \(lossName) was computed from an earlier \(target.name) (made by \(then)), not from the \(target.name) there is now",
                                hint: "\(target.name) changed after \(lossName) was computed; compute \(lossName) again from the new \(target.name)")
            }
            let names = graph.inputNames.filter { $0 != lossName }
            throw CoreError("grad: \(lossName) does not depend on \(target.name)",
                            hint: names.isEmpty ? "compute the loss from \(target.name), e.g. loss = mse(conv(x, \(target.name)), t)"
                                                : "\(lossName) was computed from \(names.joined(separator: ", "))")
        }
        let result = try graph.backpropagate(seed: seed, target: target)
        guard result.gradient.shape == targetTensor.shape else {
            throw CoreError("grad: the gradient came back as \(result.gradient.shapeDescription), not the \(targetTensor.shapeDescription) of \(target.name)")
        }
        let record = GradientRecord(lossText: loss.text, targetName: target.name, target: target.value, uses: result.uses)
        return (wrap(result.gradient, like: target.value), result.gradient, record)
    }

    /// A gradient as a value of the same kind as the variable: a number for a number.
    static func wrap(_ gradient: Tensor, like value: Value) -> Value {
        if case .number = value { return .number(gradient.scalars.first ?? .nan) }
        return .tensor(gradient)
    }
}
