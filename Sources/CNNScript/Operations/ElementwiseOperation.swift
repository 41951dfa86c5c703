// ElementwiseOperation: `a + b`, `a - b`, `a * b`, `a / b` cell by cell, with broadcasting (a number, or a
// tensor whose axes of size 1 repeat).
//
// Operands: the two sides (a number side is a plain number). CNNCore's ArithmeticOperation computes it and
// its backward pass.
import CNNCore

/// Element-wise arithmetic.
public struct ElementwiseOperation: StepOperation {
    /// Which operator.
    public let operation: ArithmeticOperation

    /// Creates the operation.
    public init(_ operation: ArithmeticOperation) { self.operation = operation }

    public var name: String { "t" }

    public func forward(_ operands: [Operand]) throws -> Value {
        guard operands.count == 2 else { throw CoreError("step: an element-wise step needs two operands") }
        switch (operands[0].value, operands[1].value) {
        case (.number(let a), .number(let b)): return .number(operation.apply(a, b))
        case (.tensor(let a), .number(let b)):
            try Limits.checkMemory(forElements: a.count, what: operation.symbol, shape: a.shape)
            return .tensor(a.elementwise(operation, b))
        case (.number(let a), .tensor(let b)):
            try Limits.checkMemory(forElements: b.count, what: operation.symbol, shape: b.shape)
            return .tensor(b.elementwise(operation, numberOnLeft: a))
        default:
            let o = Operands(operands, forward: operation.symbol)
            return .tensor(try o.tensor(0).elementwise(operation, try o.tensor(1)))
        }
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        let d = try operation.backward(left: try o.tensor(0), right: try o.tensor(1), outputGradient: g)
        return paired(step, [d.left, d.right])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard operands.count == 2, let l = Self.broadcastValue(operands[0], index: index),
              let r = Self.broadcastValue(operands[1], index: index) else { return nil }
        return .elementwise(left: operands[0], right: operands[1], symbol: operation.symbol,
                            leftValue: l, rightValue: r, result: operation.apply(l, r))
    }

    /// The value an operand contributes to the output cell at `index` (broadcast from the trailing axes).
    private static func broadcastValue(_ operand: Operand, index: [Int]) -> Double? {
        switch operand.value {
        case .number(let x): return x
        case .tensor(let t):
            let offset = index.count - t.rank
            guard offset >= 0 else { return nil }
            return t.value(at: (0..<t.rank).map { axis in t.shape[axis] == 1 ? 0 : index[axis + offset] })
        default: return nil
        }
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        let other = operands.count > 1 ? operands[1].tensor?.shape : nil
        guard other == nil || other == operands.first?.tensor?.shape else { return .stop }
        return .cellByCell(text: "\(operation.symbol), cell by cell")
    }

    public func gradientRule(position: Int) -> GradientRule { .elementwise(operation, position: position) }

    public var operandRoles: [String] { ["a", "b"] }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 2, c.tensorCount >= 1, c.tensorCount + c.numberCount == 2 else { return nil }
        return NumPyStep("\(c.reference(0, or: "x")) \(operation.symbol) \(c.reference(1, or: "0"))")
    }
}
