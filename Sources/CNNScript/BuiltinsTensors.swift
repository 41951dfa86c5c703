// The built-ins that make tensors (zeros, ones, rand, ...), work with them (sum, pad, stack, ...) and
// move them in and out of files (load, save: .npy, and pictures by their extension).
import CNNCore
import CNNImage

extension Builtins {
    static let constructors: [Builtin] = [
        filled("zeros", value: 0, summary: "A tensor of zeros: zeros(3, 3) or zeros(28x28x1)."),
        filled("ones", value: 1, summary: "A tensor of ones: ones(3, 3) is the all-ones 3x3 kernel."),
        Builtin(
            name: "full", category: .constructors,
            parameters: [Parameter("shape", .shape, "a size such as 3x3 or [3, 3]"),
                         Parameter("value", .number, "the value of every cell")],
            summary: "A tensor with every cell equal to value: full(3x3, 7).",
            details: "Like NumPy's np.full(shape, value).", examples: ["full(3x3, 0.5)"], updatesInPlace: false,
            body: { context in
                let shape = try context.shapeValue("shape")
                let value = try context.number("value") ?? 0
                return .tensor(try Tensor.full(shape, value: value))
            }),
        Builtin(
            name: "eye", category: .constructors,
            parameters: [Parameter("n", .integer, "rows and columns")],
            summary: "The n x n identity matrix: ones on the diagonal, zeros elsewhere.",
            details: "x @ eye(n) is x again.", examples: ["eye(3)"], updatesInPlace: false,
            body: { context in
                let n = try context.integer("n", in: 1...Limits.maxElements) ?? 1
                return .tensor(try Tensor.eye(n))
            }),
        Builtin(
            name: "range", category: .constructors,
            parameters: [Parameter("start", .number, "the first value (or the end, when it is the only argument)"),
                         Parameter("stop", .number, default: "none", "the end (not included)"),
                         Parameter("step", .number, default: "1", "the distance between values")],
            summary: "Evenly spaced values like NumPy's arange: range(5) is 0 1 2 3 4.",
            details: "range(start, stop, step) stops before stop. Useful with reshape-free lessons: range(1, 10).",
            examples: ["range(5)", "range(1, 10, 2)"], updatesInPlace: false,
            body: { context in
                let first = try context.number("start") ?? 0
                let stop = try context.number("stop")
                let step = try context.number("step") ?? 1
                let (start, end) = stop.map { (first, $0) } ?? (0, first)
                return .tensor(try Tensor.range(start, end, step))
            }),
        Builtin(
            name: "rand", category: .constructors,
            parameters: [Parameter("size", .shape, variadic: true, "the sizes, e.g. 10, 10 or 10x10")],
            summary: "Random numbers uniform in [0, 1), from the session's seeded generator.",
            details: "The generator is xoshiro256** seeded with SplitMix64: `seed N` makes the numbers repeat exactly, on every machine.",
            examples: ["image = rand(10, 10)"], updatesInPlace: false,
            body: { context in
                let shape = try context.shape(variadicName: "size")
                return .tensor(try Tensor.rand(shape, using: &context.random))
            }),
        Builtin(
            name: "randint", category: .constructors,
            parameters: [Parameter("low", .integer, "the smallest value"),
                         Parameter("high", .integer, "one more than the largest value"),
                         Parameter("size", .shape, variadic: true, "the sizes, e.g. 3, 3")],
            summary: "Random whole numbers from low up to (not including) high: randint(0, 5, 3, 3).",
            details: "Like NumPy's randint: high is not included.", examples: ["a = randint(0, 5, 3, 3)"], updatesInPlace: false,
            body: { context in
                let low = try context.integer("low", in: -1_000_000_000_000...1_000_000_000_000) ?? 0
                let high = try context.integer("high", in: -1_000_000_000_000...1_000_000_000_000) ?? 1
                let shape = try context.shape(variadicName: "size")
                return .tensor(try Tensor.randint(low, high, shape, using: &context.random))
            }),
        Builtin(
            name: "randn", category: .constructors,
            parameters: [Parameter("size", .shape, variadic: true, "the sizes, e.g. 3, 3")],
            summary: "Random numbers from the standard normal distribution (mean 0, deviation 1).",
            details: "Drawn from the session's seeded generator.", examples: ["w = randn(3, 3)"], updatesInPlace: false,
            body: { context in
                let shape = try context.shape(variadicName: "size")
                return .tensor(try Tensor.randn(shape, using: &context.random))
            }),
    ]

    private static func filled(_ name: String, value: Double, summary: String) -> Builtin {
        Builtin(
            name: name, category: .constructors,
            parameters: [Parameter("size", .shape, variadic: true, "the sizes, e.g. 3, 3 or 3x3")],
            summary: summary, details: "Sizes may be written as separate numbers, one size literal (28x28x1) or a vector.",
            examples: ["\(name)(3, 3)", "\(name)(5x5x3)"], updatesInPlace: false,
            body: { context in
                let shape = try context.shape(variadicName: "size")
                return .tensor(try value == 0 ? Tensor.zeros(shape) : Tensor.ones(shape))
            })
    }

    static let tensorTools: [Builtin] = [
        reduction("sum", .sum, summary: "The sum of all values (or along one axis)."),
        reduction("mean", .mean, summary: "The average of all values (or along one axis)."),
        reduction("max", .max, summary: "The largest value (or the largest along one axis)."),
        reduction("min", .min, summary: "The smallest value (or the smallest along one axis)."),
        Builtin(
            name: "argmax", category: .tensors,
            parameters: [Parameter("input", .tensor, "any tensor"),
                         Parameter("axis", .integer, default: "none", "reduce along this axis only (negative counts from the end)")],
            summary: "Where the largest value is: its index (for a vector: the predicted class).",
            details: "Without an axis, the position of the largest value as [row, column, ...]; ties go to the first.",
            examples: ["argmax(softmax([1, 3, 2]))"], updatesInPlace: false,
            body: { context in
                let input = try context.requiredTensor("input")
                if let axis = try context.integer("axis") {
                    return value(of: try input.argmax(axis: axis))
                }
                let result = input.argmax()
                if result.index.count == 1 { return .number(Double(result.index[0])) }
                return .tensor(try Tensor(vector: result.index.map(Double.init)))
            }),
        Builtin(
            name: "shape", category: .tensors,
            parameters: [Parameter("input", .tensor, "any tensor")],
            summary: "The sizes of a tensor as a vector: shape(rand(28, 28, 1)) is 28 28 1.",
            details: "", examples: ["shape(image)"], updatesInPlace: false,
            body: { context in
                let input = try context.requiredTensor("input")
                let sizes = try Tensor(vector: input.shape.map(Double.init))
                context.step = Step(operation: RecordedOperation("shape"), operands: context.operands(["input"]),
                                    summary: .mapped(from: input.shapeDescription, to: sizes.shapeDescription, how: .sizes))
                return .tensor(sizes)
            }),
        Builtin(
            name: "clip", category: .tensors,
            parameters: [Parameter("input", .tensor, "any tensor"),
                         Parameter("low", .number, "values below become low"),
                         Parameter("high", .number, "values above become high")],
            summary: "Limit every value to [low, high]: clip(x, 0, 255) keeps an 8-bit image in range.",
            details: "", examples: ["clip(sharp, 0, 255)"], updatesInPlace: true,
            body: { context in
                let input = try context.requiredTensor("input")
                let low = try context.number("low") ?? 0
                let high = try context.number("high") ?? 0
                let operation = ClipOperation(low: low, high: high)
                let operands = context.operands(["input"])
                let output = try operation.forward(operands)
                context.step = Step(operation: operation, operands: operands,
                                    summary: .mapped(from: input.shapeDescription, to: output.shapeText, how: .clipped(low: low, high: high)))
                return output
            }),
        Builtin(
            name: "pad", category: .tensors,
            parameters: [Parameter("input", .tensor, "an H x W map, an H x W x C stack or a vector"),
                         Parameter("amount", .padding, default: "1", "cells on every side, or [top, bottom, left, right]"),
                         Parameter("value", .number, default: "0", "the value of the new cells")],
            summary: "Surround a map with zeros (or another value): pad(x, 1) makes 10x10 into 12x12.",
            details: "This is the zero padding a convolution with padding does, made visible.",
            examples: ["pad(image, 1)", "pad(image, [0, 1, 0, 1])"], updatesInPlace: true,
            body: { context in
                let input = try context.requiredTensor("input")
                let amounts: PaddingAmounts
                switch try context.padding("amount") ?? .explicit(PaddingAmounts(top: 1, bottom: 1, left: 1, right: 1)) {
                case .explicit(let given): amounts = given
                default:
                    throw ArgumentError(message: "pad: 'amount' must be a number of cells or [top, bottom, left, right]",
                                        hint: "valid/same/full belong to conv; here say how many cells, e.g. pad(x, 1)",
                                        argument: context.argument("amount")?.index)
                }
                let value = try context.number("value") ?? 0
                let operation = PadOperation(amounts, value: value)
                let operands = context.operands(["input"])
                let output = try operation.forward(operands)
                context.step = Step(operation: operation, operands: operands,
                                    summary: .mapped(from: input.shapeDescription, to: output.shapeText))
                return output
            }),
        Builtin(
            name: "transpose", category: .tensors,
            parameters: [Parameter("input", .tensor, "a matrix (or any tensor with axes)"),
                         Parameter("axes", .shape, default: "reversed", "the new order of the axes, e.g. [2, 0, 1]")],
            summary: "Swap rows and columns (or reorder axes).",
            details: "", examples: ["transpose(w)"], updatesInPlace: true,
            body: { context in
                let input = try context.requiredTensor("input")
                let axes = context.has("axes") ? try context.shapeValue("axes") : Array((0..<input.rank).reversed())
                let operation = TransposeOperation(axes)
                let operands = context.operands(["input"])
                let output = try operation.forward(operands)
                context.step = Step(operation: operation, operands: operands,
                                    summary: .mapped(from: input.shapeDescription, to: output.shapeText))
                return output
            }),
        Builtin(
            name: "stack", category: .tensors,
            parameters: [Parameter("maps", .tensor, variadic: true, "maps of the same shape")],
            summary: "Stack maps along a new last axis: three 4x4 maps -> 4x4x3 (the notes' join).",
            details: "This is how F feature maps become the H x W x F input of the next layer.",
            examples: ["s = stack(m0, m1, m2)"], updatesInPlace: false,
            body: { context in
                for argument in context.variadicArguments {
                    guard case .tensor = argument.value else {
                        throw ArgumentError(message: "stack: every argument must be a tensor, not \(argument.value.kindDescription)",
                                            hint: nil, argument: argument.index)
                    }
                }
                guard !context.variadicArguments.isEmpty else {
                    throw ArgumentError(message: "stack: give at least one map", hint: "e.g. stack(a, b, c)", argument: nil)
                }
                let operands = context.variadicArguments.map {
                    Operand(name: $0.variableName, text: $0.text, value: $0.value, provenance: $0.provenance)
                }
                let output = try StackOperation().forward(operands)
                context.step = Step(operation: StackOperation(), operands: operands, summary: .result(output.shapeText))
                return output
            }),
        Builtin(
            name: "reshape", category: .tensors,
            parameters: [Parameter("input", .tensor, "any tensor"),
                         Parameter("shape", .shape, "the new shape, with the same number of values")],
            summary: "The same values, row by row, in a new shape: reshape(range(9), 3x3).",
            details: "", examples: ["reshape(range(9), 3x3)"], updatesInPlace: true,
            body: { context in
                let input = try context.requiredTensor("input")
                let operation = ReshapeOperation(try context.shapeValue("shape"))
                let operands = context.operands(["input"])
                let output = try operation.forward(operands)
                context.step = Step(operation: operation, operands: operands,
                                    summary: .mapped(from: input.shapeDescription, to: output.shapeText, how: .sameValuesRowByRow))
                return output
            }),
    ]

    private static func reduction(_ name: String, _ kind: ReductionKind, summary: String) -> Builtin {
        Builtin(
            name: name, category: .tensors,
            parameters: [Parameter("input", .tensor, "any tensor"),
                         Parameter("axis", .integer, default: "none", "reduce along this axis only (negative counts from the end)")],
            summary: summary, details: "Without an axis the result is one number.",
            examples: ["\(name)(a * k)"], updatesInPlace: false,
            body: { context in
                _ = try context.requiredTensor("input")
                let operation = ReductionOperation(kind, axis: try context.integer("axis"))
                let operands = context.operands(["input"])
                let result = try operation.forward(operands)
                // The header stays the plain shape; the step lets grad and trace go back through the reduction.
                context.step = Step(operation: operation, operands: operands, summary: .result(result.shapeText))
                return result
            })
    }

    static func value(of result: ReductionResult) -> Value {
        switch result {
        case .number(let x): return .number(x)
        case .tensor(let t): return .tensor(t)
        }
    }

    static let files: [Builtin] = [
        Builtin(
            name: "load", category: .files,
            parameters: [Parameter("path", .string, "a .npy, .png, .jpg, .pgm or .ppm file, \"sample:NAME\", or a Keras model: .keras or .json"),
                         Parameter("size", .pair, default: "as stored", "pictures only: resize on the way in, e.g. size=28x28 (area when shrinking, else bilinear)"),
                         Parameter("gray", .word(["true", "false"]), default: "false", "pictures only: turn a colour picture grey (ITU-R BT.601)")],
            summary: "Read a tensor from a NumPy .npy file, a picture from a .png, .jpg, .pgm or .ppm file, or a Keras model from a .keras file.",
            details: """
                .npy: float, integer and bool arrays in C order (np.save writes those). Pictures give H x W (grey)
                or H x W x 3 (RGB) of values 0..255: 1- to 8-bit PNGs (palette pictures become RGB, transparency is
                left out, 16-bit PNGs are refused), JPEGs (baseline and progressive, grey and colour, turned upright
                by their EXIF orientation as a phone's photo should be; CMYK and 12-bit JPEGs are refused), PGM and
                PPM (P2, P3, P5, P6; another maxval is scaled to 0..255). gray=true turns a colour picture grey as
                gray(x) does, and size=HxW resizes it as resize(x, HxW) does: load("shoe.jpg", size=28x28,
                gray=true) gives a picture the size of a Fashion-MNIST one. "sample:shapes" is the built-in picture
                sample("shapes"). In a script, a relative name is found next to the script.
                m = load("model.keras") opens a Keras 3 model (model.save writes the file: a zip of config.json,
                metadata.json and model.weights.h5): Sequential or Functional, with one input and one output and the
                layers cnnrepl has (Conv2D, Dense, MaxPooling2D, AveragePooling2D, the global poolings, Flatten,
                Dropout, Activation, ReLU, LeakyReLU(0.3), Softmax, BatchNormalization, DepthwiseConv2D,
                SeparableConv2D, Conv2DTranspose, Add, Concatenate, ZeroPadding2D, UpSampling2D). It prints the model
                block that declares it; summary, run, trace, grad, evaluate, predict, train and code work on it, run
                and predict with the weights of the file (float32 there, float64 here) and train from them. Only the
                weights the layers need are read, each checked against the shape its layer needs; any other layer or
                setting is refused with its name, and nothing is loaded half-way. m = load("model.json") reads the
                architecture alone (Keras' model.to_json()), with fresh weights as a model block has.
                """,
            examples: ["x = load(\"x.npy\")", "p = load(\"picture.png\")", "p = load(\"sample:astronaut\", size=28x28, gray=true)",
                       "m = load(\"model.keras\")"],
            updatesInPlace: false,
            body: { context in
                if case .string(let name)? = context.argument("path")?.value, isModelFile(name) {
                    return try loadModel(&context)  // ModelFiles.swift
                }
                let size = try context.pair("size")
                let gray = try context.word("gray", choices: ["true", "false"]) == "true"
                var picture: Tensor
                var details: String
                if case .string(let name)? = context.argument("path")?.value, name.hasPrefix("sample:") {
                    let sample = String(name.dropFirst("sample:".count))
                    picture = try samplePicture(sample, context: &context)
                    guard size != nil || gray else { return .tensor(picture) }
                    details = "sample picture \(sample), \(picture.shapeDescription)"
                } else {
                    let path = try context.path("path")
                    guard ImageFile.kind(ofPath: path) != nil else {
                        if let option = ["size", "gray"].first(where: context.has) {
                            throw ArgumentError(message: "load: \(option)= is for pictures (.png, .jpg, .pgm, .ppm), and a .npy file is read as it is",
                                                hint: "resize(x, 28x28) and gray(x) work on any tensor", argument: context.argument(option)?.index)
                        }
                        return .tensor(try NPY.read(path: path))
                    }
                    (picture, details) = try ImageFile.read(path: path)
                }
                if gray, picture.rank == 3, picture.shape[2] == 3 {
                    picture = try Grayscale.convert(picture)
                    details += "; turned grey"
                }
                if let size {
                    let from = [picture.shape[0], picture.shape[1]], to = [size.rows, size.cols]
                    let method = ResizeMethod.natural(from: from, to: to)
                    picture = try Resize.resize(picture, height: size.rows, width: size.cols, method: method)
                    details += "; resized from \(Shape.describe(from)) (\(method.rawValue))"
                }
                context.step = Step(operation: RecordedOperation("load"), operands: [],
                                    summary: .loadedPicture(details: details, shape: picture.shapeDescription))
                return .tensor(picture)
            }),
        Builtin(
            name: "save", category: .files,
            parameters: [Parameter("value", .tensor, "the tensor to save (or a model, or a training history)"),
                         Parameter("path", .string, "a .npy, .png, .jpg, .pgm or .ppm file name (.keras for a model)"),
                         Parameter("values", .word(PixelScaling.Mode.allCases.map(\.rawValue)), default: "auto",
                                   "pictures only: auto (as described), stretch (min..max to 0..255) or keep (as they are, clipped)"),
                         Parameter("quality", .integer, default: "90", "JPEG only: 1 (smallest file) to 100 (best picture)")],
            summary: "Write a tensor to a NumPy .npy file (float64), a map or picture to a .png, .jpg, .pgm or .ppm file, or a model to a .keras file.",
            details: """
                .npy keeps every value exactly (np.load reads it). A picture file holds 8-bit pixels: H x W (or
                H x W x 1) is saved grey, H x W x 3 as RGB. Values already within 0..255 (some above 1) are written
                as they are, rounded; any others are stretched, the smallest to 0 (black) and the largest to 255
                (white). The message says which; values=stretch or values=keep decides it yourself. A .jpg (or
                .jpeg) is compressed with loss, as photographs are: quality=90 by default, 4:2:0 colour; a .png keeps
                every pixel. For several maps in one picture, use savegrid.
                save(m, "out.keras") writes a model as a Keras 3 .keras file that keras.saving.load_model opens with
                the same predictions: the weights train learned, else those it was loaded with, else fresh ones as run
                would draw them; stored as float32, as Keras stores them. A plain stack is saved as a Sequential
                model, a graph as a Functional one.
                """,
            examples: ["save(f, \"f.npy\")", "save(f, \"f.png\")", "save(f, \"f.png\", values=stretch)", "save(p, \"p.jpg\", quality=80)",
                       "save(m, \"m.keras\")"],
            updatesInPlace: false,
            body: { context in
                if case .history(let history)? = context.argument("value")?.value {
                    return try saveCurves(history, &context)  // TrainingPicture.swift
                }
                if case .model(let spec)? = context.argument("value")?.value {
                    return try saveModel(spec, &context)  // ModelFiles.swift
                }
                let tensor = try context.requiredTensor("value")
                let path = try context.writablePath("path")
                let name = try context.string("path") ?? path
                let mode = try context.word("values", choices: PixelScaling.Mode.allCases.map(\.rawValue))
                let quality = try context.integer("quality", in: 1...100)
                if quality != nil, ImageFile.kind(ofPath: path) != .jpg {
                    throw ArgumentError(message: "save: quality= is for JPEG files (.jpg); '\(name)' keeps every value as it is",
                                        hint: "e.g. save(p, \"p.jpg\", quality=90)", argument: context.argument("quality")?.index)
                }
                if let kind = ImageFile.kind(ofPath: path) {
                    let scaling = PixelScaling.Mode(rawValue: mode ?? "auto") ?? .auto
                    let details = try ImageFile.write(tensor, path: path, kind: kind, mode: scaling,
                                                      quality: quality ?? JPEGCodec.defaultQuality)
                    context.picturesWritten.append(path)
                    var said = "saved \(tensor.shapeDescription) to \(Workspace.shownPath(path)) as an 8-bit \(details)"
                    if mode == nil, let high = tensor.scalars.max(), high < 64,
                       !PixelScaling(values: tensor.scalars).stretched {
                        said += "\n  the picture is dark (nothing above \(PixelScaling.text(high)) of 255): values=stretch makes the largest white"
                    }
                    return .string(said)
                }
                // A lesson is code someone else wrote: save writes only the kinds of file it names.
                guard path.lowercased().hasSuffix(".npy") else {
                    throw ArgumentError(message: "save writes .npy, .png, .jpg, .pgm and .ppm files, and '\(name)' is none of them",
                                        hint: "end the name with the kind of file, e.g. \"\(name.split(separator: "/").last.map(String.init) ?? "x").npy\"",
                                        argument: context.argument("path")?.index)
                }
                if mode != nil {
                    throw ArgumentError(message: "save: values= is for pictures (.png, .jpg, .pgm, .ppm); a .npy file keeps every value exactly",
                                        hint: nil, argument: context.argument("values")?.index)
                }
                try NPY.write(tensor, path: path)
                return .string("saved \(tensor.shapeDescription) to \(Workspace.shownPath(path))")
            }),
    ]
}
