// UpsampleOperation: `upsample(x, size)`, nearest-neighbour upsampling (Keras' UpSampling2D), everything
// specific to it: forward and backward are CNNCore's Upsample; a traced cell is the input cell it copies;
// the walk back finds the input cells under an output region; NumPy code repeats rows and columns.
import CNNCore

/// Nearest upsampling by a factor per axis.
public struct UpsampleOperation: StepOperation {
    /// The factor along rows and columns.
    public let size: Pair

    /// Creates the operation.
    public init(size: Pair) {
        self.size = size
    }

    public var name: String { "upsampled" }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try Upsample.apply(try Operands(operands, forward: "upsample").tensor(0), size: size))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let x = try backwardOperands(step).tensor(0)
        return paired(step, [try Upsample.backward(inputShape: x.shape, size: size, outputGradient: g)])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let x = operands.first?.tensor, index.count >= 2 else { return nil }
        let source = [index[0] / size.rows, index[1] / size.cols] + index.dropFirst(2)
        guard x.value(at: source) != nil else { return nil }
        return .moved(from: source, input: operands[0])
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        let size = self.size
        return .inputRegion(text: "upsample \(size.sizeDescription)", channels: .same) { rows, cols in
            (rows.lowerBound / size.rows...rows.upperBound / size.rows, cols.lowerBound / size.cols...cols.upperBound / size.cols)
        }
    }

    public func gradientRule(position: Int) -> GradientRule { .moves }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1 else { return nil }
        let x = c.reference(0, or: "x")
        return NumPyStep("\(x).repeat(\(size.rows), axis=0).repeat(\(size.cols), axis=1)", note: "nearest upsampling: every cell repeated")
    }

    /// The built-in `upsample`.
    static let builtin = Builtin(
        name: "upsample", category: .layers,
        parameters: [
            Parameter("input", .tensor, "an H x W map or an H x W x C stack"),
            Parameter("size", .pair, default: "2", "the factor: 2 or [rows, cols]"),
        ],
        summary: "Repeat every cell size x size times (Keras' UpSampling2D, nearest): H x W -> 2H x 2W.",
        details: "The fixed counterpart of transposedconv: no weights; each input cell becomes a block of copies.",
        examples: ["u = upsample(maps)", "u = upsample(maps, [2, 3])"],
        updatesInPlace: true,
        body: { context in
            let input = try context.requiredTensor("input")
            let operation = UpsampleOperation(size: try context.pair("size") ?? Pair(square: 2))
            let operands = context.operands(["input"])
            let output = try operation.forward(operands)
            context.step = Step(operation: operation, operands: operands,
                                summary: .mapped(from: input.shapeDescription, to: output.shapeText),
                                arithmetic: ["\(input.shape[0])*\(operation.size.rows) = \(input.shape[0] * operation.size.rows) rows, "
                                             + "\(input.rank >= 2 ? input.shape[1] : 1)*\(operation.size.cols) = \((input.rank >= 2 ? input.shape[1] : 1) * operation.size.cols) columns"])
            return output
        })
}

// MARK: - The model layer `upsample S` (Keras UpSampling2D)

extension UpsampleLayer: LayerLanguage {
    var line: String { "upsample \(size.rows == size.cols ? "\(size.rows)" : size.sizeDescription)" }
    static let lineUsage = "upsample S or upsample RxC (every cell repeated, as Keras' UpSampling2D)"

    static var keywords: [LayerKeyword] {
        [LayerKeyword(name: "upsample", weights: .none(reason: "no weights: upsampling only repeats values"),
                      read: { line, words in
                          guard let word = words.popFirst() else { return .upsample(Pair(square: 2)) }
                          let size = try ModelBuilder.pair(word, what: "the upsampling size")
                          return try ModelBuilder.nothingAfter(line, words, .upsample(size))
                      })]
    }

    func run(_ input: LayerRunInput) throws -> LayerRun {
        let operation = UpsampleOperation(size: size)
        let output = try operation.forward([input.input]).tensorValue(input.label)
        let step = Step(operation: operation, operands: [input.input],
                        summary: .mapped(from: input.tensor.shapeDescription, to: output.shapeDescription))
        return try input.finish(output: output, expression: "upsample(\(input.inputName), \(LayerCode.script(size)))", step: step,
                                activation: nil)
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        [PythonRow(code: "layers.UpSampling2D(size=\(PythonText.pair(size))),", comment: LayerCode.kerasComment(layer))]
    }

    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        [TorchModule(name: layer.name, code: "nn.Upsample(scale_factor=\(PythonText.pair(size)), mode=\"nearest\")",
                     comment: LayerCode.torchComment(layer))]
    }
}
