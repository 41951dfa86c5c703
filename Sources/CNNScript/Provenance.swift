// Provenance: how a tensor was made, kept with the variable so that it can be explained and traced later.
//
// Every operation the interpreter performs records a `Step`: what was done (the operation with its
// settings), to what (the operands, with their own provenance), and the arithmetic of its output shape.
// Following `inputs` back from a variable walks the whole chain to the original input, which is what
// `trace` does.
import CNNCore

/// One input of a step.
public struct Operand: Sendable {
    /// The variable it came from, if it was a plain variable.
    public var name: String?
    /// Its source text, e.g. "ones(3,3)".
    public var text: String
    /// Its value when the step ran.
    public var value: Value
    /// How it was made, if known.
    public var provenance: Provenance?

    /// Creates an operand.
    public init(name: String?, text: String, value: Value, provenance: Provenance?) {
        self.name = name
        self.text = text
        self.value = value
        self.provenance = provenance
    }

    /// The tensor value, if the operand is a tensor.
    public var tensor: Tensor? {
        if case .tensor(let t) = value { return t }
        return nil
    }
}

/// What one operation did: the operation, its operands and its output-shape arithmetic.
public struct Step: Sendable {
    /// The operation with its settings (Operations/: one file per operation).
    public var operation: any StepOperation
    /// Its operands, in the operation's order.
    public var operands: [Operand]
    /// What it did, as data (CNNExplain words it: "10x10 * 3x3, stride 1, valid -> 8x8").
    public var summary: StepSummary
    /// The instantiated arithmetic: "out = (10 - 3)/1 + 1 = 8".
    public var arithmetic: [String]

    /// Creates a step.
    public init(operation: any StepOperation, operands: [Operand], summary: StepSummary, arithmetic: [String] = []) {
        self.operation = operation
        self.operands = operands
        self.summary = summary
        self.arithmetic = arithmetic
    }
}

/// How a value was made: the expression as written and the step it performed.
public final class Provenance: Sendable {
    /// The expression as written, e.g. "conv(image, ones(3,3))".
    public let expression: String
    /// The step, if the value came from a recorded operation (nil for literals).
    public let step: Step?

    /// Creates a provenance record.
    public init(expression: String, step: Step?) {
        self.expression = expression
        self.step = step
    }
}
