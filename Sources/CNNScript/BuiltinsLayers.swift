// The layer built-ins: convolution, pooling, activations, flatten and dense. Each records a Step so that
// the result can be explained (step header) and traced cell by cell later.
import CNNCore

extension Builtins {
    /// Every kind of model layer, in the order `help` lists their layer lines. A kind's language side (its
    /// keywords, `run` steps and code) is in its operation's file in Operations/.
    static let layerKinds: [any LayerLanguage.Type] = [
        ConvolutionLayer.self, PoolingLayer.self, GlobalPoolingLayer.self, FlattenLayer.self, DenseLayer.self,
        DropoutLayer.self, ZeroPaddingLayer.self, ActivationLayer.self,
        DepthwiseConvolutionLayer.self, SeparableConvolutionLayer.self, TransposedConvolutionLayer.self, BatchNormLayer.self,
        UpsampleLayer.self,
        AddLayer.self, ConcatLayer.self,
    ]

    static let layers: [Builtin] = [
        Builtin(
            name: "conv", category: .layers,
            parameters: convolutionParameters,
            summary: "Slide a kernel over the input: each output cell is the sum of the element-wise products.",
            details: """
                Deep-learning convolution (cross-correlation: the kernel is not flipped). Each output cell is
                sum(window * kernel) + bias, where the window is the part of the (padded) input under the kernel.
                Output size per axis: out = floor((n + padding - dilation*(k - 1) - 1)/stride) + 1.
                `same` pads like TensorFlow: total max((ceil(n/s) - 1)*s + (k - 1)*d + 1 - n, 0), the odd one at the
                bottom/right. A kh x kw x C x F bank gives F maps stacked as H' x W' x F.
                """,
            examples: ["f = conv(image, ones(3,3))", "g = conv(image, k, stride=2, padding=same)"],
            updatesInPlace: true,
            body: { context in
                let input = try context.requiredTensor("input")
                let kernel = try context.requiredTensor("kernel")
                let bias = try context.tensor("bias", allowNumber: true)
                let convolution = try Convolution(
                    stride: context.pair("stride") ?? Pair(square: 1),
                    padding: context.padding("padding") ?? .valid,
                    dilation: context.pair("dilation") ?? Pair(square: 1))
                let plan = try convolution.plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape)
                let operation = ConvolutionOperation(convolution, plan: plan)
                let operands = context.operands(["input", "kernel", "bias"])
                let output = try operation.forward(operands)
                context.step = Step(operation: operation, operands: operands, summary: .convolution(plan), arithmetic: [plan.arithmetic])
                return output
            }),
        ConvolveOperation.builtin,
        DepthwiseConvolutionOperation.builtin,
        SeparableConvolutionOperation.builtin,
        TransposedConvolutionOperation.builtin,
        poolingBuiltin(kind: .max, name: "maxpool"),
        poolingBuiltin(kind: .average, name: "avgpool"),
        MinPoolOperation.builtin,
        Builtin(
            name: "globalavgpool", category: .layers,
            parameters: [Parameter("input", .tensor, "an H x W map or an H x W x C stack")],
            summary: "Average each whole map to one number: H x W x C -> C values.",
            details: "Global average pooling replaces Flatten before the classifier in networks such as GoogLeNet: one value per map, no weights.",
            examples: ["g = globalavgpool(maps)"], updatesInPlace: true,
            body: { context in try globalPool(&context, kind: .average) }),
        Builtin(
            name: "globalmaxpool", category: .layers,
            parameters: [Parameter("input", .tensor, "an H x W map or an H x W x C stack")],
            summary: "The largest value of each whole map: H x W x C -> C values.",
            details: "Global max pooling keeps one value per map, the largest; it has no weights.",
            examples: ["g = globalmaxpool(maps)"], updatesInPlace: true,
            body: { context in try globalPool(&context, kind: .max) }),
        Builtin(
            name: "depthmaxpool", category: .layers,
            parameters: [
                Parameter("input", .tensor, "an H x W x C stack of maps"),
                Parameter("size", .integer, default: "2", "how many neighbouring channels share one maximum"),
            ],
            summary: "Max pooling across channels: H x W x C -> H x W x C/size.",
            details: "Depth-wise max pooling compares the same cell of neighbouring maps (TensorFlow's ksize (1, 1, 1, k)); C must be a multiple of size.",
            examples: ["d = depthmaxpool(maps, 3)"], updatesInPlace: true,
            body: { context in
                let input = try context.requiredTensor("input")
                let size = try context.integer("size", in: 1...Limits.maxElements) ?? 2
                let operands = context.operands(["input"])
                let output = try DepthPoolingOperation(size: size).forward(operands)
                context.step = Step(operation: DepthPoolingOperation(size: size), operands: operands,
                                    summary: .depthPooling(from: input.shapeDescription, size: size, to: output.shapeText))
                return output
            }),
        BatchNormOperation.builtin,
        UpsampleOperation.builtin,
        activationBuiltin(.relu, name: "relu", summary: "max(0, x) for every cell: negative values become 0.",
                          details: "ReLU turns a feature map into an activation map of the same size; it adds the non-linearity that lets stacked layers learn more than one linear map could."),
        activationBuiltin(.relu6, name: "relu6", summary: "min(max(0, x), 6) for every cell: ReLU capped at 6.",
                          details: "MobileNet's activation (Keras' ReLU(max_value=6), PyTorch's ReLU6): a bounded ReLU keeps activations small enough for low-precision arithmetic."),
        activationBuiltin(.leakyrelu, name: "leakyrelu", summary: "x for positive x, slope * x for negative x.",
                          details: "A ReLU that lets a little of the negative side through (slope 0.3 by default, like Keras 3's LeakyReLU)."),
        activationBuiltin(.sigmoid, name: "sigmoid", summary: "1 / (1 + e^-x): squashes every value into (0, 1).",
                          details: "The logistic function; used at the output for yes/no answers."),
        activationBuiltin(.tanh, name: "tanh", summary: "The hyperbolic tangent: squashes every value into (-1, 1).",
                          details: "tanh(x) = (e^x - e^-x) / (e^x + e^-x)."),
        activationBuiltin(.softmax, name: "softmax", summary: "e^x / sum(e^x) along the last axis: values that add up to 1.",
                          details: "Turns scores into probabilities. Computed stably by subtracting the maximum first."),
        Builtin(
            name: "flatten", category: .layers,
            parameters: [Parameter("input", .tensor, "any tensor")],
            summary: "All values in one vector, row by row, channels last (as Keras flattens H x W x C).",
            details: "Flatten sits between the last pooling layer and the dense layers: a 14x14x64 stack becomes 12,544 values.",
            examples: ["v = flatten(maps)"], updatesInPlace: true,
            body: { context in
                let input = try context.requiredTensor("input")
                let operands = context.operands(["input"])
                let output = try FlattenOperation().forward(operands)
                context.step = Step(operation: FlattenOperation(), operands: operands,
                                    summary: .mapped(from: input.shapeDescription, to: output.shapeText),
                                    arithmetic: input.rank > 1 ? ["\(input.shape.map(String.init).joined(separator: " x ")) = \(Format.count(input.count))"] : [])
                return output
            }),
        Builtin(
            name: "dense", category: .layers,
            parameters: [
                Parameter("input", .tensor, "a vector of n values (or a batch matrix B x n)"),
                Parameter("weights", .tensor, "an n x m weight matrix"),
                Parameter("bias", .tensor, default: "none", "m numbers"),
            ],
            summary: "A fully connected layer: input . weights + bias.",
            details: "Every output is the dot product of the whole input with one column of the weights, plus its bias.",
            examples: ["y = dense(v, rand(4, 2), [0.1, 0.2])"], updatesInPlace: false,
            body: { context in
                let input = try context.requiredTensor("input")
                let weights = try context.requiredTensor("weights")
                let bias = try context.tensor("bias", allowNumber: true)
                let operands = context.operands(["input", "weights", "bias"])
                let output = try DenseOperation().forward(operands)
                var arithmetic: [String] = []
                if weights.rank == 2 {
                    arithmetic.append(bias == nil ? "\(weights.shape[0]) x \(weights.shape[1]) weights"
                                                  : "\(weights.shape[0]) x \(weights.shape[1]) weights + \(weights.shape[1]) biases")
                }
                context.step = Step(operation: DenseOperation(), operands: operands,
                                    summary: .dense(input: input.shapeDescription, weights: weights.shapeDescription, bias: bias?.shapeDescription, output: output.shapeText),
                                    arithmetic: arithmetic)
                return output
            }),
    ]

    /// The parameters of conv and convolve.
    static let convolutionParameters = [
        Parameter("input", .tensor, "an H x W image or an H x W x C stack of maps"),
        Parameter("kernel", .tensor, "kh x kw, one kh x kw x C filter, or a kh x kw x C x F filter bank"),
        Parameter("stride", .pair, default: "1", "how far the window moves: 2 or [rows, cols]"),
        Parameter("padding", .padding, default: "valid", "valid, same, full, a number, or [top, bottom, left, right]"),
        Parameter("dilation", .pair, default: "1", "spacing between kernel taps"),
        Parameter("bias", .tensor, default: "none", "one number per filter, added to every cell of its map"),
    ]

    /// The parameters every window pooling takes (maxpool, avgpool, minpool).
    static let poolingParameters = [
        Parameter("input", .tensor, "an H x W map or an H x W x C stack"),
        Parameter("size", .pair, default: "2", "the window: 2 or [rows, cols]"),
        Parameter("stride", .pair, default: "size", "how far the window moves"),
        Parameter("padding", .word(["valid", "same", "fit", "ceil"]), default: "valid",
                  "valid, same (TensorFlow), fit (the notes: zeros that take part) or ceil (PyTorch's ceil_mode)"),
    ]

    /// The pooling padding mode the `padding` argument names (valid when not given).
    static func poolingMode(_ context: CallContext) throws -> Pooling.PaddingMode {
        let word = try context.word("padding", choices: ["valid", "same", "fit", "ceil"]) ?? "valid"
        switch word {
        case "same": return .same
        case "fit": return .padToFit
        case "ceil": return .ceil
        default: return .valid
        }
    }

    private static func poolingBuiltin(kind: Pooling.Kind, name: String) -> Builtin {
        let what = kind == .max ? "largest value" : "average"
        return Builtin(
            name: name, category: .layers, parameters: poolingParameters,
            summary: "Keep the \(what) of each window: 2x2 windows with stride 2 keep 1/4 of the values.",
            details: """
                Pooling has no weights. With `padding=fit` an odd-sized map is first padded with zeros at the
                bottom/right, as the learning material's MaxPooling does, so 7x7 -> 4x4, and the zeros take part
                \(kind == .max ? "(an all-negative edge window pools to 0)" : "(an edge window's average divides by the whole window)").
                `padding=ceil` is PyTorch's ceil_mode: the same size, out = ceil((n - k)/s) + 1, but the edge
                windows are clipped to the map and no zeros take part
                \(kind == .max ? "(an all-negative edge window keeps its negative maximum)" : "(an edge window's average divides by its real cells)").
                With `same` (TensorFlow) padded cells take no part\(kind == .average ? " and each average divides by the real cells only" : "").
                """,
            examples: ["p = \(name)(f)", "p = \(name)(f, 3, stride=1, padding=same)"],
            updatesInPlace: true,
            body: { context in
                let input = try context.requiredTensor("input")
                let size = try context.pair("size") ?? Pair(square: 2)
                let stride = try context.pair("stride")
                let pooling = Pooling(kind: kind, size: size, stride: stride, padding: try poolingMode(context))
                let plan = try pooling.plan(inputShape: input.shape)
                let operation = PoolingOperation(pooling, plan: plan)
                let operands = context.operands(["input"])
                let output = try operation.forward(operands)
                context.step = Step(operation: operation, operands: operands, summary: .pooling(plan), arithmetic: [plan.arithmetic])
                return output
            })
    }

    private static func activationBuiltin(_ kind: ActivationKind, name: String, summary: String, details: String) -> Builtin {
        var parameters = [Parameter("input", .tensor, "any tensor")]
        if kind == .leakyrelu { parameters.append(Parameter("slope", .number, default: "0.3", "the factor for negative values")) }
        return Builtin(
            name: name, category: .layers, parameters: parameters, summary: summary, details: details,
            examples: ["a = \(name)(f)", "\(name) f"], updatesInPlace: true,
            body: { context in
                let input = try context.requiredTensor("input")
                let operation = ActivationOperation(kind, slope: try context.number("slope") ?? Activation.defaultLeakySlope)
                let operands = context.operands(["input"])
                let output = try operation.forward(operands)
                context.step = Step(operation: operation, operands: operands,
                                    summary: .mapped(from: input.shapeDescription, to: output.shapeText,
                                                     how: .activation(kind, inputRank: input.rank)))
                return output
            })
    }

    private static func globalPool(_ context: inout CallContext, kind: Pooling.Kind) throws -> Value {
        let input = try context.requiredTensor("input")
        let operands = context.operands(["input"])
        let output = try GlobalPoolingOperation(kind).forward(operands)
        context.step = Step(operation: GlobalPoolingOperation(kind), operands: operands,
                            summary: .mapped(from: input.shapeDescription, to: output.shapeText,
                                             how: .globalPooling(kind, perMap: input.rank == 3)))
        return output
    }
}
