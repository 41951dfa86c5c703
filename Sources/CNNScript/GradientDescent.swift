// GradientDescent: the `step k 0.1` command, one step of gradient descent on a variable.
//
//     k = k - learningRate * grad(loss, k)
// Each value of k moves against its gradient, the direction in which the loss falls fastest, by an amount
// proportional to the learning rate. The loss is the variable `loss` unless `loss=NAME` names another.
// Then everything between k and the loss is computed again from the new k (GradientReplay.swift), so the
// new loss can be compared with the old one and the command repeated: each `step k 0.1` is one iteration
// of training. Variables that held one of the recomputed values (a feature map y = conv(x, k), say) are
// updated too, and listed.
import CNNCore

/// What `step k 0.1` did, for rendering.
public struct GradientStepReport: Sendable {
    /// The variable that was moved.
    public var targetName: String
    /// The learning rate (the factor of the gradient).
    public var learningRate: Double
    /// The learning rate as written.
    public var learningRateText: String
    /// The variable's value before the step.
    public var before: Value
    /// dL/dk at the value before the step.
    public var gradient: Value
    /// The variable's value after the step: before - learningRate * gradient.
    public var after: Value
    /// The loss variable's name.
    public var lossName: String
    /// The loss before the step.
    public var lossBefore: Double
    /// The loss computed again from the new value.
    public var lossAfter: Double
    /// Other variables computed again from the new value, in the order they were made (the loss last).
    public var recomputed: [String]
}

extension Interpreter {
    /// `step k 0.1 [loss=NAME]`: one gradient-descent update of k, then the loss computed again.
    func gradientDescentStep(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        let usage = "e.g. step k 0.1 (moves k against grad(loss, k)), or step k 0.1 loss=err"
        let positional = arguments.filter { $0.label == nil }
        guard positional.count == 2, let targetName = positional[0].value.identifierName else {
            throw Diagnostic("step takes a variable and a learning rate", at: arguments.first?.range ?? name.range, hint: usage)
        }
        var lossName = "loss"
        var lossRange = name.range
        for argument in arguments {
            guard let label = argument.label else { continue }
            guard label.text == "loss", let given = argument.value.identifierName else {
                throw Diagnostic("step knows only loss=NAME besides the variable and the learning rate", at: argument.range, hint: usage)
            }
            lossName = given
            lossRange = argument.range
        }
        guard let variable = environment[targetName] else { throw unknownName(targetName, at: positional[0].range) }
        let rateResult = try evaluate(positional[1].value, context)
        let rate: Double
        switch rateResult.value {
        case .number(let x): rate = x
        case .tensor(let t) where t.count == 1: rate = t.scalars[0]
        default:
            throw Diagnostic("the learning rate must be a number, not \(rateResult.value.kindDescription)", at: positional[1].range, hint: usage)
        }
        guard rate.isFinite else {
            throw Diagnostic("the learning rate must be a finite number, not \(Format.number(rate))", at: positional[1].range, hint: usage)
        }
        guard let lossVariable = environment[lossName] else {
            throw Diagnostic("step needs the loss, but there is no variable '\(lossName)'", at: lossRange,
                             hint: "compute it first from \(targetName), e.g. loss = mse(conv(x, \(targetName)), t); or name it: step \(targetName) 0.1 loss=NAME")
        }
        let lossBefore: Double
        switch lossVariable.value {
        case .number(let x): lossBefore = x
        case .tensor(let t) where t.count == 1: lossBefore = t.scalars[0]
        default:
            throw Diagnostic("\(lossName) is \(lossVariable.value.kindDescription), but a loss is one number", at: lossRange,
                             hint: "compute one number, e.g. \(lossName) = mse(y, t) or \(lossName) = sum(y)")
        }
        let target = GradientTarget(name: targetName, value: variable.value, provenance: variable.provenance)
        let loss = Gradients.LossInput(text: lossName, value: lossVariable.value, provenance: lossVariable.provenance,
                                       variableName: lossName)
        let taken = try core(name.range.through(positional[1].range)) { try Gradients.take(loss: loss, target: target) }
        guard let current = Operand(name: targetName, text: targetName, value: variable.value, provenance: nil).numeric else {
            throw Diagnostic("step moves a tensor or a number, and \(targetName) is \(variable.value.kindDescription)", at: positional[0].range)
        }
        let moved = try core(name.range) { try current - taken.gradient * rate }
        let after = Gradients.wrap(moved, like: variable.value)
        let rateText = context.text(positional[1].value.range)
        let newProvenance = Provenance(expression: "\(targetName) - \(rateText) * grad(\(lossName), \(targetName))", step: nil)

        // Compute the loss again from the new value, and update every variable that held a recomputed value.
        guard let lossProvenance = lossVariable.provenance else {
            throw Diagnostic("\(lossName) was typed in, so it cannot be computed again", at: lossRange)
        }
        let replacement = Operand(name: targetName, text: targetName, value: after, provenance: newProvenance)
        let replay = try core(name.range) { try GradientReplay(loss: lossProvenance, target: target, replacement: replacement) }
        assign(targetName, Variable(value: after, provenance: newProvenance))
        var recomputed: [String] = []
        for other in environment.names where other != targetName && other != lossName {
            guard let old = environment[other]?.provenance, let new = replay.recomputed[ObjectIdentifier(old)] else { continue }
            assign(other, Variable(value: new.value, provenance: new.provenance))
            recomputed.append(other)
        }
        assign(lossName, Variable(value: replay.loss, provenance: replay.lossProvenance))
        recomputed.append(lossName)
        let lossAfter: Double
        switch replay.loss {
        case .number(let x): lossAfter = x
        case .tensor(let t): lossAfter = t.scalars.first ?? .nan
        default: lossAfter = .nan
        }
        return .gradientStep(GradientStepReport(
            targetName: targetName, learningRate: rate, learningRateText: rateText, before: variable.value,
            gradient: taken.value, after: after, lossName: lossName, lossBefore: lossBefore, lossAfter: lossAfter,
            recomputed: recomputed))
    }
}
