// StepSummaryText: a step's summary (StepSummary, data from the language) in words, the one line that step
// headers, traces, gradient walks and the comments of generated NumPy code show for a step:
//     "10x10 * 3x3, stride 1, valid -> 8x8"      "8x8 -> 8x8, relu of every cell"
import CNNCore
import CNNScript

/// Words for what a step did.
public enum StepSummaryText {
    /// The summary as one line.
    public static func text(_ summary: StepSummary) -> String {
        switch summary {
        case let .mapped(from, to, .sizes?):
            // A bare "-> 2" reads as a value; the result is a vector holding one size per axis.
            return "\(from) -> a vector of \(to): the input's size along each axis"
        case let .mapped(from, to, how):
            return "\(from) -> \(to)" + (how.map { ", " + text($0) } ?? "")
        case .result(let shape):
            return shape
        case let .convolution(plan, denseOnImage):
            return convolution(plan) + (denseOnImage ? " (a dense layer on an image is a 1x1 convolution)" : "")
        case let .pooling(plan, smallest):
            return pooling(plan, smallest: smallest)
        case .kernelOperation(let summary):
            return kernelOperation(summary)
        case let .batchNorm(shape, epsilon):
            return "batchnorm \(Shape.describe(shape)), per channel (x - mean)/sqrt(var + \(Format.number(epsilon)))*gamma + beta -> \(Shape.describe(shape))"
        case let .depthPooling(from, size, to):
            return "\(from), max over every \(size) channels -> \(to)"
        case let .dense(input, weights, bias, output):
            return "\(input) . \(weights)\(bias.map { " + \($0)" } ?? "") -> \(output)"
        case let .matrixProduct(a, b, output):
            return "\(a) @ \(b) -> \(output)"
        case let .elementwise(symbol, left, right, output):
            return "\(left) \(symbol) \(right) -> \(output), cell by cell"
        case .numbers(let symbol):
            return "number \(symbol) number -> number"
        case .element(let shape):
            return "\(shape) -> one number"
        case let .cellsSet(shape, count, total, number, from):
            let what = number.map { "set to \(Format.number($0))" } ?? "set from \(from ?? "the value")"
            let kept = total - count
            return "\(shape): \(Format.count(count)) of \(Format.count(total)) cell\(total == 1 ? "" : "s") \(what)"
                + (kept > 0 ? ", the other \(Format.count(kept)) kept" : "")
        case .samplePicture(let about):
            return "sample picture \(about), values 0..255"
        case let .loadedPicture(details, shape):
            return "\(details) -> \(shape), values 0..255"
        case let .loadedModel(_, kerasClass, kerasName, kerasVersion, weights):
            let saved = kerasVersion.map { " saved by Keras \($0)" } ?? ""
            guard let weights else {
                return "the architecture of a Keras \(kerasClass) model '\(kerasName)', without weights: run draws fresh ones, as for a new Keras model"
            }
            return "a Keras \(kerasClass) model '\(kerasName)'\(saved): \(Format.count(weights)) weights read as float32, kept as float64"
        case let .meanSquaredError(prediction, target, count):
            return "mse: the mean of (\(prediction) - \(target))^2 over \(Format.count(count)) value\(count == 1 ? "" : "s")"
        case let .crossEntropy(examples, fromLogits):
            return "crossentropy: -sum(t * log " + (fromLogits ? "p)" : "q), q = p / sum(p)")
                + (examples == 1 ? "" : ", the mean over \(Format.count(examples)) examples")
                + (fromLogits ? "; computed from the logits, softmax and crossentropy together" : "")
        case let .gradient(loss, variable, shape):
            return "d \(loss) / d \(variable): \(shape), one value per value of \(variable)"
        case let .example(part, index, dataset, label, className):
            guard let className else { return "\(part) example \(index) of \(dataset), \(label == 8 ? "an" : "a") \(label)" }
            return "\(part) example \(index) of \(dataset), \(ClassNameText.withArticle(className)) (class \(label))"
        }
    }

    /// What happened to the values: "relu of every cell", "one maximum per map", ...
    static func text(_ change: ValueChange) -> String {
        switch change {
        case let .activation(kind, inputRank):
            guard kind == .softmax else { return "\(kind.rawValue) of every cell" }
            guard let inputRank else { return "softmax along the last axis" }
            return inputRank <= 1 ? "softmax of the whole vector (the values add up to 1)"
                                  : "softmax along the last axis (each slice along it adds up to 1)"
        case let .globalPooling(kind, perMap):
            return "one \(kind == .max ? "maximum" : "average")" + (perMap ? " per map" : "")
        case let .clipped(low, high):
            return "every value kept within [\(Format.number(low)), \(Format.number(high))]"
        case .sameValuesRowByRow:
            return "the same values row by row"
        case .unchanged:
            return "every value passes unchanged"
        case .sizes:
            return "the input's sizes, one value per axis"
        case .grey(let formula):
            return formula ?? "already grey"
        case let .resized(method, scale):
            let shrinking = scale.allSatisfy { $0 >= 1 }
            let per = scale.map { Format.number(($0 * 100).rounded() / 100) }.joined(separator: " x ")
            if method == "area" {
                return shrinking ? "each pixel the average of the \(per) input pixels it covers (area)"
                                 : "each pixel the input pixel its centre falls in (area, when enlarging: the nearest pixel)"
            }
            return shrinking ? "each pixel a bilinear (triangle) average of the input pixels around its centre, widened to \(per) pixels"
                             : "each pixel a bilinear blend of the 2 x 2 input pixels around its centre"
        }
    }

    /// "10x10 * 3x3, stride 1, valid -> 8x8", with the dilation when it is not 1.
    static func convolution(_ plan: ConvolutionPlan) -> String {
        var text = "\(Shape.describe(plan.inputShape)) * \(Shape.describe(plan.kernelShape)), stride \(plan.stride)"
        if plan.dilation != Pair(square: 1) { text += ", dilation \(plan.dilation)" }
        // Explicit amounts read "padding 1" or "padding [0, 1, 0, 1]"; the named modes speak for themselves.
        if case .explicit = plan.padding { text += ", padding \(plan.padding)" } else { text += ", \(plan.padding)" }
        return text + " -> \(Shape.describe(plan.outputShape))"
    }

    /// "depthwise 8x8x3 * 3x3x3x2, stride 1, valid -> 6x6x6", "transposed 5x5x1 * 3x3x2x1, stride 2, same -> 10x10x2".
    static func kernelOperation(_ s: KernelOperationSummary) -> String {
        let kernels: String
        switch s.kind {
        case .separable:
            kernels = s.kernelShapes.map(Shape.describe).joined(separator: " then ")
        case .convolve:
            kernels = "flipped " + (s.kernelShapes.first.map(Shape.describe) ?? "")
        case .depthwise, .transposed:
            kernels = s.kernelShapes.first.map(Shape.describe) ?? ""
        }
        var text = "\(s.kind.rawValue) \(Shape.describe(s.inputShape)) * \(kernels), stride \(s.stride)"
        if s.dilation != Pair(square: 1) { text += ", dilation \(s.dilation)" }
        return text + ", \(s.padding) -> \(Shape.describe(s.outputShape))"
    }

    /// "maxpool 7x7, 2x2 window, stride 2, fit -> 4x4" (the padding as the script spells it); "minpool ..."
    /// for min pooling, which runs as the max pooling of -x.
    static func pooling(_ plan: Pooling.Plan, smallest: Bool) -> String {
        let padding = plan.pooling.padding.scriptName
        let name = smallest ? "minpool" : plan.pooling.kind.operationName
        return "\(name) \(Shape.describe(plan.inputShape)), \(plan.pooling.size.sizeDescription) window, "
            + "stride \(plan.pooling.stride), \(padding) -> \(Shape.describe(plan.outputShape))"
    }
}
