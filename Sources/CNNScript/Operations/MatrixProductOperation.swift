// MatrixProductOperation: `a @ b`, the matrix product (a vector on either side counts as one row/column).
//
// Operands: the two sides. CNNCore's matrixProduct computes it and its backward pass.
import CNNCore

/// The matrix product.
public struct MatrixProductOperation: StepOperation {
    /// Creates the operation.
    public init() {}

    public var name: String { "product" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: "@")
        return .tensor(try o.tensor(0).matrixProduct(try o.tensor(1)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        let d = try Tensor.matrixProductBackward(left: try o.tensor(0), right: try o.tensor(1), outputGradient: g)
        return paired(step, [d.left, d.right])
    }

    public func gradientRule(position: Int) -> GradientRule { .matrixProduct }

    public var operandRoles: [String] { ["a", "b"] }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 2, c.tensorCount == 2 else { return nil }
        let a = c.reference(0, or: "x"), b = c.reference(1, or: "b")
        if c.operandShapes.count == 2, c.operandShapes[0].count == 1, c.operandShapes[1].count == 1 {
            return NumPyStep("np.array([\(a) @ \(b)])", note: "a vector @ a vector: cnnrepl keeps the one value as a vector")
        }
        return NumPyStep("\(a) @ \(b)")
    }
}
