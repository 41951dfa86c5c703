// SliceOperation: `x[0, 1]`, `x[0:3, :, 1]`: a part of a tensor (every axis picked by an index: one number).
//
// Operand: x. The selected cells pass their gradient back; NumPy reads the same subscripts the same way
// when they hold only whole numbers, `:` and commas.
import CNNCore

/// Slicing with the selections it ran with.
public struct SliceOperation: StepOperation {
    /// What each axis selected.
    public let selections: [AxisSelection]

    /// Creates the operation.
    public init(_ selections: [AxisSelection]) { self.selections = selections }

    public var name: String { "part" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let x = try Operands(operands, forward: "slice").tensor(0)
        let picked = try x.sliced(selections)
        let isCell = selections.count == x.rank && selections.allSatisfy { if case .index = $0 { return true } else { return false } }
        return isCell ? .number(picked.scalars.first ?? .nan) : .tensor(picked)
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let input = try backwardOperands(step).tensor(0)
        return paired(step, [try Tensor.slicingBackward(inputShape: input.shape, selections: selections, outputGradient: g)])
    }

    public func gradientRule(position: Int) -> GradientRule { .selected }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1,
              let subscripts = Self.subscripts(of: c.operands[0].text, in: c.expression) else { return nil }
        return NumPyStep("\(c.reference(0, or: "x"))[\(subscripts)]")
    }

    /// The subscripts of a slice `x[0:3, :, 1]` as written, when NumPy reads them the same way: the
    /// expression is the operand's text followed by brackets holding only whole numbers, `:` and commas
    /// (a subscript naming a variable is not translated, since the script may call it otherwise).
    static func subscripts(of operand: String, in expression: String) -> String? {
        guard expression.hasPrefix(operand + "["), expression.hasSuffix("]") else { return nil }
        let inside = expression.dropFirst(operand.count + 1).dropLast()
        let allowed: Set<Character> = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "-", ":", ",", " "]
        guard !inside.isEmpty, inside.allSatisfy(allowed.contains) else { return nil }
        return String(inside)
    }
}
