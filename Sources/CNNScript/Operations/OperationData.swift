// OperationData: what operations hand to the explaining and code-writing layers, as data.
//
// An operation (StepOperation.swift) says *what* one of its cells is made of, what a region of its output
// needs of its input, and what its local derivative is; CNNExplain turns these values into sentences and
// pictures, CNNCodegen into Python. Each enum below lists shapes of explanation that many operations share
// (every sliding window is a `.window`, every cell-by-cell step a `.cellByCell`), so a new operation
// usually reuses a case rather than adding one.
import CNNCore

/// The numbers one output cell is made of, for `trace`.
public enum CellExplanation: Sendable {
    /// A convolution cell: the window, the kernel, their products and the sum (+ bias).
    case convolution(ConvolutionCellTrace, input: Operand)
    /// A pooling cell whose window is drawn on the input: the window and the winner or the average. The trace's
    /// kind says max or average; `smallestWins` makes a max trace read as a minimum (its winner the smallest).
    case poolingWindow(PoolingTrace, input: Operand, smallestWins: Bool = false)
    /// A pooling cell summarised without a picture (global pooling, pooling across channels).
    case poolingSummary(PoolingTrace, input: Operand)
    /// An activation function of one value: `kind(before) = after`.
    case activation(ActivationKind, slope: Double, input: Operand, before: Double, after: Double)
    /// A softmax cell: the vector along the last axis, its maximum, the exponentials and their sum.
    case softmax(input: Operand, vector: [Double], exponentials: [Double], maximum: Double, sum: Double, position: Int)
    /// A dense cell: the dot product of the input with one column of the weights (+ bias).
    case dotProduct(DenseTrace, input: Operand, weights: Operand, column: Int)
    /// A value moved from another place of the input (flatten).
    case moved(from: [Int], input: Operand)
    /// An element-wise cell: `left symbol right` at this cell.
    case elementwise(left: Operand, right: Operand, symbol: String, leftValue: Double, rightValue: Double, result: Double)
    /// A cell of `w[...] = value`: set from the value (`valueCell`: its cell, [] for a number) or, when
    /// `valueCell` is nil, not selected and kept from `before`.
    case cellSet(before: Operand, value: Operand, valueCell: [Int]?, old: Double, new: Double)
    /// A depthwise convolution cell: conv's trace of one input channel (`slice`, H x W x 1, what the trace's
    /// rows refer to) with that channel's kernel k[:, :, channel, multiplierIndex].
    case depthwise(ConvolutionCellTrace, slice: Tensor, input: Operand, channel: Int, multiplierIndex: Int, multiplier: Int)
    /// A true convolution cell: conv's trace with the flipped kernel `flipped` (the kernel operand turned 180 degrees).
    case flippedKernel(ConvolutionCellTrace, input: Operand, kernel: Operand, flipped: Tensor)
    /// A transposed convolution cell in both views: the input cells scattered onto it, and the convolution
    /// over the zero-inserted input `expanded` with the flipped kernel.
    case transposed(scatter: [TransposedConvolution.ScatterTerm], convolution: ConvolutionCellTrace, expanded: Tensor,
                    plan: TransposedConvolution.Plan, input: Operand, kernel: Operand)
    /// A separable convolution cell: the depthwise values at its position, then the pointwise dot product.
    case separable(SeparableCellTrace, input: Operand)
    /// A batch-normalized cell: (x - mean)/sqrt(var + eps) * gamma + beta for its channel.
    case normalized(input: Operand, channel: Int, x: Double, gamma: Double, beta: Double, mean: Double, variance: Double,
                    epsilon: Double, value: Double)
}

/// What a region of a step's output needs of its first operand, for the walk back to the input.
public enum ChainLink: Sendable {
    /// A sliding window (convolution, pooling): `channels` says which input channels an output channel reads
    /// (all of them for a convolution, its own for pooling, channel c/M for a depthwise one). `text`:
    /// "conv 3x3, stride 1, same".
    case window(SlidingWindow, text: String, channels: ChannelReach)
    /// The same cells of the input (activations, arithmetic of equal shapes). `text`: "relu, cell by cell".
    case cellByCell(text: String)
    /// The same cell of every operand, all of one shape (a model graph's add): the walk follows the first
    /// operand, then each other one as a path of its own. `text`: "add, cell by cell".
    case join(text: String)
    /// The inputs side by side along the channels (a model graph's concat): channel c of the output is
    /// channel c - offset of the input that holds it. `text`: "concat along the channels".
    case concatenation(text: String)
    /// A vector cell that is one cell of the input, row by row, channels last (flatten).
    case unflatten
    /// One value per map, from the whole map (global pooling). `text`: "global max pooling".
    case wholeMap(text: String)
    /// Every value of a vector input (a dense layer). `text`: "dense".
    case everyValue(text: String)
    /// A window that is not a plain sliding window (a transposed convolution): `reach` gives the input rows
    /// and columns an output region needs (clamped to the input). The receptive-field table stops here.
    case inputRegion(text: String, channels: ChannelReach,
                     reach: @Sendable (ClosedRange<Int>, ClosedRange<Int>) -> (rows: ClosedRange<Int>, cols: ClosedRange<Int>)?)
    /// The walk stops here.
    case stop
}

/// Which input channels one output channel of a step reads, for the walk back to the input.
public enum ChannelReach: Sendable, Equatable {
    /// Every input channel (a convolution mixes them).
    case every
    /// Output channel c reads input channel c / `multiplier` alone (integer division): pooling and
    /// upsampling with a multiplier of 1, a depthwise convolution with its depth multiplier M.
    case own(multiplier: Int)

    /// Output channel c reads input channel c.
    public static let same = ChannelReach.own(multiplier: 1)

    /// The input channel an output channel reads (nil: every channel, or every one was asked for).
    public func input(of channel: Int?) -> Int? {
        guard let channel, case .own(let multiplier) = self, multiplier >= 1 else { return nil }
        return channel / multiplier
    }
}

/// The data of the notes under a step header.
public enum HeaderNote: Sendable {
    /// How much zero padding a convolution added on each side, and why (`same`, `full`).
    case convolutionPadding(ConvolutionPlan)
    /// How much padding a pooling added and whether the padded cells take part (in its `extreme` when it picks
    /// one value: the largest or, `smallestWins`, the smallest).
    case poolingPadding(Pooling.Plan, smallestWins: Bool = false)
    /// How a transposed convolution is the convolution of the zero-inserted input (Dumoulin & Visin).
    case transposedConvolution(TransposedConvolution.Plan)
    /// That a true convolution flips its kernel, then the padding note of the convolution it runs.
    case flippedKernel(ConvolutionPlan)
}

/// What d(result)/d(operand) is, for the line of a gradient trace that says it in words.
public enum GradientRule: Sendable, Equatable {
    /// An activation function's derivative.
    case activation(ActivationKind, slope: Double)
    /// Only the winner of each window passes the gradient on: its largest cell (max pooling) or its smallest.
    case windowWinner(smallest: Bool)
    /// Each window shares its gradient among its cells: `cells` of them, or (nil) its real cells only.
    case windowShare(cells: Int?)
    /// Global pooling: the map's largest cell (max) or every cell of the map (average).
    case wholeMap(Pooling.Kind)
    /// Only the largest channel of each group passes the gradient on (pooling across channels).
    case channelGroupWinner
    /// Values moved, each gradient goes back to its cell (flatten).
    case moves
    /// `a op b` with respect to the side at `position`.
    case elementwise(ArithmeticOperation, position: Int)
    /// `a @ b`.
    case matrixProduct
    /// dy/dx is the kernel weight of each tap (a convolution's input).
    case kernelWeight
    /// dy/dx is the weight that joins them (a dense layer's input).
    case joiningWeight
    /// The selected cells pass their gradient back (slicing; the value written into cells).
    case selected
    /// The cells that were set pass nothing back, the others pass theirs unchanged (the old value of `w[...] = v`).
    case keptCells
    /// -x.
    case negate
    /// A reduction over values.
    case reduction(ReductionKind)
    /// Values inside the bounds pass the gradient.
    case clip(low: Double, high: Double)
    /// Mean squared error with respect to the prediction (0) or the target (1).
    case meanSquaredError(position: Int)
    /// Crossentropy with respect to the prediction (0) or the target (1).
    case crossEntropy(position: Int)
    /// Any other step: "NAME: dy/dx from its backward rule".
    case backwardRule(String)
}

/// What an operation's NumPy code may use: the Python names of its operands and the shapes involved.
public struct NumPyContext {
    /// The step's operands.
    public var operands: [Operand]
    /// The Python reference of each operand (a name, or inline text such as `np.ones((3, 3))`).
    public var references: [String]
    /// The shape of each operand's value (empty for a number).
    public var operandShapes: [[Int]]
    /// The result's shape.
    public var resultShape: [Int]
    /// The result's value.
    public var result: Tensor
    /// The expression that made the result in cnnrepl ("x[0:2, :]").
    public var expression: String

    /// Creates a context.
    public init(operands: [Operand], references: [String], operandShapes: [[Int]], result: Tensor, expression: String) {
        self.operands = operands
        self.references = references
        self.operandShapes = operandShapes
        self.resultShape = result.shape
        self.result = result
        self.expression = expression
    }

    /// The reference of operand `position`, or `fallback` when there is none.
    public func reference(_ position: Int, or fallback: String) -> String {
        position < references.count ? references[position] : fallback
    }

    /// The numbers of tensor and plain-number operands.
    var tensorCount: Int { operands.filter { $0.tensor != nil }.count }
    var numberCount: Int { operands.filter(\.isNumber).count }
}

/// One line of NumPy: the expression, a remark for a comment above it, and the helper functions it calls.
public struct NumPyStep: Sendable, Equatable {
    /// The Python expression ("conv2d(x, kernel)").
    public var code: String
    /// A remark written as a comment above the line, if any.
    public var note: String?
    /// Names of the helper functions it calls ("conv2d", "maxpool2d", "sigmoid", "softmax").
    public var helpers: [String]

    /// Creates a step.
    public init(_ code: String, note: String? = nil, helpers: [String] = []) {
        self.code = code
        self.note = note
        self.helpers = helpers
    }
}
