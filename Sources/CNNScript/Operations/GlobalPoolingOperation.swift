// GlobalPoolingOperation: `globalavgpool(x)` and `globalmaxpool(x)`: one value per whole map.
//
// Operand: input. CNNCore's GlobalPooling computes, differentiates and traces it; the walk back needs the
// whole map of the traced channel.
import CNNCore

/// Global average or max pooling.
public struct GlobalPoolingOperation: StepOperation {
    /// Average or maximum.
    public let kind: Pooling.Kind

    /// Creates the operation.
    public init(_ kind: Pooling.Kind) { self.kind = kind }

    public var name: String { "pooled" }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try GlobalPooling(kind: kind).apply(try Operands(operands, forward: name).tensor(0)))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        paired(step, [try GlobalPooling(kind: kind).backward(input: try backwardOperands(step).tensor(0), outputGradient: g)])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard let input = operands.first?.tensor else { return nil }
        return .poolingSummary(try GlobalPooling(kind: kind).trace(input: input, at: index), input: operands[0])
    }

    public func chainLink(_ operands: [Operand]) -> ChainLink {
        .wholeMap(text: "global \(kind == .max ? "max" : "average") pooling")
    }

    public func gradientRule(position: Int) -> GradientRule { .wholeMap(kind) }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 1, c.tensorCount == 1 else { return nil }
        let x = c.reference(0, or: "x"), function = kind == .max ? "max" : "mean"
        if c.operandShapes.first?.count == 3 { return NumPyStep("\(x).\(function)(axis=(0, 1))", note: "one value per map") }
        return NumPyStep("np.array([\(x).\(function)()])")
    }
}

// MARK: - The model layers `globalavgpool` and `globalmaxpool` (Keras GlobalAveragePooling2D, GlobalMaxPooling2D)

extension GlobalPoolingLayer: LayerLanguage {
    var line: String { kindName }
    static let lineUsage = "globalavgpool, globalmaxpool"

    static var keywords: [LayerKeyword] {
        [Pooling.Kind.average, .max].map { kind in
            LayerKeyword(name: "global" + kind.operationName, weights: PoolingLayer.noWeights,
                         read: { line, words in try ModelBuilder.nothingAfter(line, words, LayerSpec(GlobalPoolingLayer(kind: kind))) })
        }
    }

    func run(_ input: LayerRunInput) throws -> LayerRun {
        let operation = GlobalPoolingOperation(kind)
        let output = try operation.forward([input.input]).tensorValue(input.label)
        let step = Step(operation: operation, operands: [input.input],
                        summary: .mapped(from: input.tensor.shapeDescription, to: output.shapeDescription,
                                         how: .globalPooling(kind, perMap: true)))
        return try input.finish(output: output, expression: "global\(kind.operationName)(\(input.inputName))", step: step, activation: nil)
    }

    func keras(_ layer: LayerAnalysis) -> [PythonRow] {
        [PythonRow(code: "layers.\(kerasClassName)(),", comment: LayerCode.kerasComment(layer))]
    }

    func torch(_ layer: LayerAnalysis) -> [TorchModule] {
        let className = kind == .average ? "AdaptiveAvgPool2d" : "AdaptiveMaxPool2d"
        return [
            TorchModule(name: layer.name, code: "nn.\(className)(1)", comment: "one value per map: C x 1 x 1"),
            TorchModule(name: "\(layer.name)_flatten", code: "nn.Flatten()", comment: LayerCode.torchComment(layer)),
        ]
    }
}
