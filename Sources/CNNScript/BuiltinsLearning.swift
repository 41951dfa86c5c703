// The learning built-ins: the losses mse and crossentropy, and grad, the gradient of a loss with respect to
// any variable it was computed from (by backpropagation over the recorded steps, GradientGraph.swift).
// Each records its Step, so that a loss can be differentiated and a gradient's cells traced.
import CNNCore

extension Builtins {
    static let learning: [Builtin] = [
        Builtin(
            name: "mse", category: .learning,
            parameters: [Parameter("prediction", .tensor, "what the network answered, e.g. [0.7, 0]"),
                         Parameter("target", .tensor, "the right answer, the same shape, e.g. [1, 0]")],
            summary: "The mean squared error: the average of (prediction - target)^2 over every value.",
            details: """
                One number that is 0 when every output is right and grows with the square of each error, as
                Keras' MeanSquaredError (the mean over all values). Output (0.7, 0) against target (1, 0) errs
                by 0.3 in the first value: mse = (0.3^2 + 0^2) / 2 = 0.045. Its gradient with respect to the
                prediction is 2 (prediction - target) / n.
                """,
            examples: ["loss = mse([0.7, 0], [1, 0])", "loss = mse(conv(image, k), zeros(8, 8))"], updatesInPlace: false,
            body: { context in
                let prediction = try context.requiredTensor("prediction", allowNumber: true)
                _ = try context.requiredTensor("target", allowNumber: true)
                let operation = LossOperation(.meanSquaredError)
                let operands = context.operands(["prediction", "target"])
                let value = try operation.forward(operands)
                context.step = Step(
                    operation: operation, operands: operands,
                    summary: .meanSquaredError(prediction: context.argument("prediction")?.text ?? "y",
                                              target: context.argument("target")?.text ?? "t", count: prediction.count))
                return value
            }),
        Builtin(
            name: "crossentropy", category: .learning,
            parameters: [Parameter("probabilities", .tensor, "class probabilities, e.g. softmax(z); the last axis holds the classes"),
                         Parameter("target", .tensor, "the right classes, usually one-hot, e.g. [1, 0, 0]")],
            summary: "The categorical crossentropy -sum(target * log(p)), averaged over the examples (rows).",
            details: """
                Takes probabilities (Keras' categorical_crossentropy, from_logits=False): a vector is one
                example, a B x C matrix B examples, and the loss is their mean. As Keras does, each example's p
                is first rescaled to sum to 1 and clipped to [1e-7, 1 - 1e-7], so log(0) never happens:
                q = p / sum(p), loss = -sum(t * log(clip(q))); crossentropy([0.5, 0.2, 0.1], [1, 0, 0]) is
                -log(0.625) = 0.47. Its gradient is dL/dp = (sum(t) - t / q) / sum(p) per example (over the
                examples' count; a clipped q drops its own term), so every p has one: raising any p lowers
                the others' share. When p was made by softmax(z), the loss and its gradient are computed from
                the logits z together (stable for any z; the gradient is softmax(z) - t).
                """,
            examples: ["loss = crossentropy(softmax([2, 1, 0.1]), [1, 0, 0])"], updatesInPlace: false,
            body: { context in
                let probabilities = try context.requiredTensor("probabilities")
                _ = try context.requiredTensor("target", allowNumber: true)
                let operation = LossOperation(.crossEntropy)
                let operands = context.operands(["probabilities", "target"])
                let fused = operands.first?.softmaxStep
                let value = try operation.forward(operands)
                let examples = Loss.examples(in: probabilities)
                context.step = Step(
                    operation: operation, operands: operands,
                    summary: .crossEntropy(examples: examples, fromLogits: fused != nil))
                return value
            }),
        Builtin(
            name: "grad", category: .learning,
            parameters: [Parameter("loss", .any, "one number computed from the variable, e.g. loss = mse(y, t)"),
                         Parameter("wrt", .any, "the variable: a kernel, weights, an input, a number")],
            summary: "The gradient d loss / d wrt: how the loss changes with each value of a variable (same shape).",
            details: """
                Backpropagation over the steps that computed the loss: from dL/dloss = 1 back through every
                operation (mse, crossentropy, dense, flatten, pooling, activations, conv with any stride,
                padding and dilation, arithmetic, slicing, sum, stack, ...) to the variable, by the chain rule.
                Each cell says how much the loss rises when that value rises a little. `trace g[i, j]` shows which
                output cells a cell collects from and the products. After an in-place command (`relu f`) the
                name means the new value. `step k 0.1` moves k against its gradient.
                Ties and kinks follow Keras: max, min and globalmaxpool share the gradient equally among tied
                values (k tied values get 1/k each; JAX, Keras and PyTorch's max agree); maxpool, minpool and
                depthmaxpool give a window's whole gradient to its first largest (smallest) cell, as Keras'
                MaxPooling2D and PyTorch's max_pool2d do; clip passes the gradient (1) at a value exactly on a
                bound, as Keras on TensorFlow and PyTorch do (JAX gives 0.5 there); relu's slope at 0 is 0.
                """,
            examples: ["g = grad(mse(conv(image, k), zeros(8, 8)), k)", "grad(sum(w * w), w)"], updatesInPlace: false,
            body: { context in
                guard let lossArgument = context.argument("loss"), let targetArgument = context.argument("wrt") else {
                    throw ArgumentError(message: "grad: give the loss and a variable, e.g. grad(loss, k)", hint: nil, argument: nil)
                }
                guard let name = targetArgument.variableName else {
                    throw ArgumentError(message: "grad: '\(targetArgument.text)' must be the name of a variable",
                                        hint: "store it in a variable first, then e.g. grad(loss, k)", argument: targetArgument.index)
                }
                let target = GradientTarget(name: name, value: targetArgument.value, provenance: targetArgument.provenance)
                let loss = Gradients.LossInput(text: lossArgument.text, value: lossArgument.value,
                                               provenance: lossArgument.provenance, variableName: lossArgument.variableName)
                let result = try Gradients.take(loss: loss, target: target)
                context.step = Step(
                    operation: GradientOperation(result.record), operands: context.operands(["loss", "wrt"]),
                    summary: .gradient(loss: lossArgument.text, variable: name, shape: result.gradient.shapeDescription))
                return result.value
            }),
        DatasetBuiltin.builtin,
        Builtin(
            name: "example", category: .learning,
            parameters: [Parameter("data", .any, "a data set, e.g. data = dataset(\"digits\")"),
                         Parameter("i", .integer, "which validation example, from 0"),
                         Parameter("part", .word(["validation", "training"]), default: "validation", "validation or training examples")],
            summary: "One image of a data set (a validation example unless part=training), e.g. for predict.",
            details: "The image keeps its label, so predict can say whether the model got it right.",
            examples: ["x = example(dataset(\"digits\"), 0)"], updatesInPlace: false,
            body: { context in
                guard case .dataset(let data)? = context.argument("data")?.value else {
                    throw ArgumentError(message: "example: 'data' must be a data set, e.g. dataset(\"digits\")", hint: nil,
                                        argument: context.argument("data")?.index)
                }
                let part = try context.word("part", choices: ["validation", "training"]) ?? "validation"
                let positions = part == "training" ? data.trainIndices : data.validationIndices
                guard !positions.isEmpty else {
                    throw ArgumentError(message: "example: \(data.name) holds out no \(part) examples", hint: nil, argument: nil)
                }
                let i = try context.integer("i", in: 0...(positions.count - 1)) ?? 0
                let label = data.labels[positions[i]]
                context.step = Step(operation: ExampleOperation(label: label, classNames: data.classNames), operands: [],
                                    summary: .example(part: part, index: i, dataset: data.name, label: label,
                                                      className: data.classNames.map { _ in data.className(label) }))
                return .tensor(data.image(positions[i]))
            }),
    ]
}

extension CallContext {
    /// The tensor given for a required parameter; a plain number becomes a 1-element vector.
    func requiredTensor(_ parameter: String, allowNumber: Bool) throws -> Tensor {
        guard let t = try tensor(parameter, allowNumber: allowNumber) else {
            throw ArgumentError(message: "\(builtin.name): missing argument '\(parameter)'", hint: nil, argument: nil)
        }
        return t
    }
}
