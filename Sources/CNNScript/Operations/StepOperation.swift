// StepOperation: one operation of the language as one unit, in the manner of micrograd's ops.
//
// Everything that is specific to an operation sits in its own file in this folder, behind this protocol:
//   - `forward`: the result from operand values (the call, `run`, and `step`'s replay all use it);
//   - `gradients`: dL/d(each operand) from dL/d(result) (`grad`, `step`);
//   - `cellExplanation`: the numbers one output cell is made of (`trace`);
//   - `chainLink`: what a region of the output needs of the first operand (the walk back in `trace`);
//   - `headerNote`, `gradientRule`: the data behind the notes under a step header and behind a gradient
//     trace's "dy/dk is ..." line;
//   - `numpy`: the NumPy expression that recomputes the step (`code numpy`).
// The rest of the code reaches operations only through this protocol: there is no switch over operation
// kinds outside this folder. CNNExplain writes the English for the data these methods return
// (OperationData.swift), whose cases are shapes of explanation shared by many operations, not operations.
import CNNCore

/// An operation of the language with the settings it ran with (a convolution's stride and padding, the
/// axis of a sum): enough to compute it again on new operands, differentiate and explain it.
public protocol StepOperation: Sendable {
    /// The short name used for an unnamed result in generated code and in messages ("conv", "relu", "slice").
    var name: String { get }

    /// The result for these operands (values and names); throws `CoreError` when they do not fit.
    func forward(_ operands: [Operand]) throws -> Value

    /// dL/d(operand) for each operand that has a gradient, given `outputGradient` = dL/d(result).
    /// `fuseSoftmax` lets a crossentropy differentiate its softmax input together with it.
    func gradients(of step: Step, outputGradient: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient]

    /// The numbers that made the output cell at `index`, for `trace`; nil when the step is not traced cell by cell.
    func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation?

    /// What a region of the output needs of the first operand, for the walk back to the input.
    func chainLink(_ operands: [Operand]) -> ChainLink

    /// The data of the notes under the step header (padding added and why), if any.
    var headerNote: HeaderNote? { get }

    /// What d(result)/d(operand at `position`) is, for a gradient trace.
    func gradientRule(position: Int) -> GradientRule

    /// The exact terms of one cell of dL/d(operand at `position`) when the operation knows them better than
    /// probing its backward rule (a convolution's kernel: input values under the taps); nil otherwise.
    func exactGradientTerms(_ operands: [Operand], position: Int, outputGradient: Tensor,
                            at index: [Int]) throws -> GradientCellTerms?

    /// The operand position of a bias (its local derivative is 1), if the operation has one.
    var biasPosition: Int? { get }

    /// Whether it is an activation function applied cell by cell (a trace of its result also shows the step
    /// that made its input, when that input has no variable of its own).
    var isActivation: Bool { get }

    /// Names for unnamed operands in generated code, in operand order (conv: x, kernel, bias).
    var operandRoles: [String] { get }

    /// The NumPy code that computes the step from Python names of its operands, or nil when the step
    /// cannot be translated (its result is then embedded as a constant).
    func numpy(_ context: NumPyContext) -> NumPyStep?
}

extension StepOperation {
    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? { nil }
    public func chainLink(_ operands: [Operand]) -> ChainLink { .stop }
    public var headerNote: HeaderNote? { nil }
    public func gradientRule(position: Int) -> GradientRule { .backwardRule(name) }
    public func exactGradientTerms(_ operands: [Operand], position: Int, outputGradient: Tensor,
                                   at index: [Int]) throws -> GradientCellTerms? { nil }
    public var biasPosition: Int? { nil }
    public var isActivation: Bool { false }
    public var operandRoles: [String] { ["x"] }
    public func numpy(_ context: NumPyContext) -> NumPyStep? { nil }
}

// MARK: - Operand helpers the operations share

extension Value {
    /// The tensor of a layer's result (every layer operation makes a tensor); `what` names the layer in the error.
    func tensorValue(_ what: String) throws -> Tensor {
        guard case .tensor(let t) = self else { throw CoreError("\(what): the result is not a tensor") }
        return t
    }
}

extension Operand {
    /// The operand as a tensor for computing: a number is a 1-element vector; anything else is nil.
    public var numeric: Tensor? {
        switch value {
        case .tensor(let t): return t
        case .number(let x): return Tensor(scalar: x)
        default: return nil
        }
    }

    /// Whether the operand is a plain number.
    public var isNumber: Bool {
        if case .number = value { return true }
        return false
    }
}

/// Operand access with the error message of the caller (a backward pass, a replay).
struct Operands {
    let list: [Operand]
    /// The message for a missing or non-tensor operand at a position.
    let failure: (Int) -> String

    init(_ list: [Operand], failure: @escaping (Int) -> String) {
        self.list = list
        self.failure = failure
    }

    /// For a forward pass: "conv: operand 2 is not a tensor".
    init(_ list: [Operand], forward name: String) {
        self.init(list) { "\(name): operand \($0 + 1) is not a tensor" }
    }

    var count: Int { list.count }

    /// The tensor at `position` (a number as a 1-element vector).
    func tensor(_ position: Int) throws -> Tensor {
        guard position < list.count, let t = list[position].numeric else { throw CoreError(failure(position)) }
        return t
    }

    /// The tensor at `position`, or nil when there are fewer operands (an optional bias).
    func optional(_ position: Int) throws -> Tensor? { position < list.count ? try tensor(position) : nil }
}

extension StepOperation {
    /// Pairs gradients with the step's operands by position, dropping nil gradients.
    func paired(_ step: Step, _ gradients: [Tensor?]) -> [OperandGradient] {
        gradients.enumerated().compactMap { position, gradient in
            guard let gradient, position < step.operands.count else { return nil }
            return OperandGradient(operand: step.operands[position], position: position, gradient: gradient)
        }
    }

    /// The operands of `step` for a backward pass, with the error grad has always given.
    func backwardOperands(_ step: Step) -> Operands {
        let summary = step.summary
        return Operands(step.operands) { "grad: the step \(summary) lost its operand \($0 + 1)" }
    }
}
