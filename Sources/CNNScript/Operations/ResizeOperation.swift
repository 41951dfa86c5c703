// ResizeOperation: `resize(x, 28x28, method=area|bilinear)`, a picture or H x W x C maps made smaller or
// larger with Pillow's weights (CNNCore's Resize.swift). Operand: x. The result is linear in x, so its
// gradient is the transposed weights: a resize of the gradient back to x's size, summed where pixels shared.
import CNNCore

/// Resizing to a new height and width.
public struct ResizeOperation: StepOperation {
    /// The new height and width.
    public let height: Int, width: Int
    /// How input pixels are weighed.
    public let method: ResizeMethod

    /// Creates the operation.
    public init(height: Int, width: Int, method: ResizeMethod) {
        self.height = height
        self.width = width
        self.method = method
    }

    public var name: String { "resize" }

    public func forward(_ operands: [Operand]) throws -> Value {
        .tensor(try Resize.resize(try Operands(operands, forward: name).tensor(0), height: height, width: width, method: method))
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let x = try backwardOperands(step).tensor(0)
        return paired(step, [try Resize.backward(g, inputShape: x.shape, method: method)])
    }

    static let builtin = Builtin(
        name: "resize", category: .tensors,
        parameters: [Parameter("input", .tensor, "an H x W picture, or H x W x C (RGB, or maps)"),
                     Parameter("size", .pair, "the new height x width, e.g. 28x28"),
                     Parameter("method", .word(ResizeMethod.allCases.map(\.rawValue)), default: "area when shrinking, else bilinear",
                               "area (the average of the pixels each new pixel covers) or bilinear")],
        summary: "Make a picture (or maps) smaller or larger: resize(x, 28x28), area when shrinking, bilinear.",
        details: """
            Each new pixel is a weighted average of the input pixels near it, with Pillow's weights (Image.resize),
            one axis at a time: area (Pillow's BOX) averages the input pixels each new pixel covers, the right
            way to shrink a photo (a 512x512 picture to 28x28 averages about 18 x 18 pixels for each); bilinear
            blends the 2 x 2 pixels around the new pixel's centre when enlarging, and widens its triangle of
            weights when shrinking, so no pixel is skipped. The channels of H x W x C are resized alike. Values
            keep their fractions (Pillow rounds each pass to whole 0..255 values; the results agree within 1).
            load("photo.jpg", size=28x28) resizes on the way in.
            """,
        examples: ["resize(sample(\"shapes\"), 16x16)", "resize(sample(\"digit\"), 56x56, method=bilinear)"],
        updatesInPlace: false,
        body: { context in
            let input = try context.requiredTensor("input")
            guard let size = try context.pair("size") else {
                throw ArgumentError(message: "resize: give the new size, e.g. resize(x, 28x28)", hint: nil, argument: nil)
            }
            guard size.rows <= 16384, size.cols <= 16384 else {
                throw ArgumentError(message: "resize: the new size is at most 16384x16384", hint: nil, argument: context.argument("size")?.index)
            }
            guard input.rank == 2 || input.rank == 3 else {
                throw ArgumentError(message: "resize: resizes an H x W picture or H x W x C maps, and this is \(input.rank == 1 ? "a vector" : input.shapeDescription)",
                                    hint: input.rank == 1 ? "reshape it first, e.g. reshape(v, 1x\(input.count))" : "resize one example at a time, e.g. resize(x[0], 28x28)",
                                    argument: context.argument("input")?.index)
            }
            let from = [input.shape[0], input.shape[1]], to = [size.rows, size.cols]
            let method = try context.word("method", choices: ResizeMethod.allCases.map(\.rawValue)).flatMap(ResizeMethod.init(rawValue:))
                ?? ResizeMethod.natural(from: from, to: to)
            let operation = ResizeOperation(height: size.rows, width: size.cols, method: method)
            let operands = context.operands(["input"])
            let output = try operation.forward(operands)
            let scale = zip(from, to).map { Double($0) / Double($1) }
            context.step = Step(operation: operation, operands: operands,
                                summary: .mapped(from: input.shapeDescription, to: output.shapeText,
                                                 how: .resized(method: method.rawValue, scale: scale)))
            return output
        })
}
