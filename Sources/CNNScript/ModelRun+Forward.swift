// ModelRun+Forward: `run NAME [x]`, the forward pass of a declared model with freshly drawn weights.
//
// Weights are drawn the way Keras initialises a new Conv2D or Dense layer: kernels Glorot (Xavier)
// uniform, w ~ U(-limit, limit) with limit = sqrt(6/(fan_in + fan_out)), where a conv kernel
// kh x kw x Cin x Cout has fan_in = kh*kw*Cin and fan_out = kh*kw*Cout (Keras' compute_fans) and a
// dense kernel in x units has fan_in = in and fan_out = units; biases start at zero. The numbers come
// from the session's random generator, kernels first (layer by layer, in Keras' storage order), then
// the random input if none was given, so `seed N` before `run` repeats a run exactly. Dropout is off
// when predicting, as in Keras' model.predict.
//
// Every layer is computed by the core (Convolution, Pooling, GlobalPooling, Activation, Dense) and
// records its Step, so each output can be traced back to the input. A layer with an activation records
// two steps: the operation, then the activation on its result ("mnist_1 before relu").
// Nothing is stored until every layer has run: an error or Ctrl-C leaves the variables and the random
// generator as they were.
import CNNCore

/// Limits that keep `run` interactive.
public enum ModelRunLimits {
    /// The most multiply-adds one forward pass may take: 2 billion, a few seconds in a release build (about
    /// half a minute in a debug build); Ctrl-C stops a run between and inside layers.
    public static let maxMultiplyAdds = 2_000_000_000
    /// The most numbers (weights plus layer outputs) one run may hold: Limits.maxElements (800 MB).
    public static let maxValues = Limits.maxElements
}

extension Interpreter {
    /// `run NAME` or `run NAME x`: runs a declared model on x (or on a random input) and stores every
    /// layer's output as NAME_1 ... NAME_N and NAME_out.
    func runModel(_ command: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        guard let first = arguments.first, first.label == nil, let modelName = first.value.identifierName else {
            throw Diagnostic("run takes the name of a model, then optionally an input tensor",
                             at: arguments.first?.range ?? command.range,
                             hint: "declare a model with a model NAME SHAPE ... end block, then: run NAME or run NAME x")
        }
        if arguments.count > 2 {
            throw Diagnostic("run takes a model and at most one input", at: arguments[2].range, hint: "e.g. run \(modelName) x")
        }
        if arguments.count == 2, let label = arguments[1].label {
            throw Diagnostic("run takes the input as it is, without a name=", at: label.range, hint: "e.g. run \(modelName) x")
        }
        guard let variable = variables[modelName] else { throw unknownName(modelName, at: first.range) }
        guard case .model(let spec) = variable.value else {
            throw Diagnostic("\(modelName) is \(variable.value.kindDescription), not a model", at: first.range,
                             hint: "run works on a model declared with a model NAME SHAPE ... end block")
        }
        let analysis = try core(first.range) { try spec.analyze() }
        try core(first.range) { try ModelRunner.checkSize(spec, analysis) }

        // The input: the argument (evaluated first, as it may draw random numbers itself), or random numbers
        // in the model's input shape drawn after the weights.
        var given: (tensor: Tensor, variable: String, origin: String, provenance: Provenance?, note: String?)?
        if arguments.count == 2 {
            let argument = arguments[1]
            let evaluated = try evaluate(argument.value, context)
            guard case .tensor(let tensor) = evaluated.value else {
                throw Diagnostic("run needs an input tensor of shape \(Shape.describe(spec.inputShape)), not \(evaluated.value.kindDescription)",
                                 at: argument.range, hint: "e.g. x = rand(\(Shape.describe(spec.inputShape))), then run \(modelName) x")
            }
            let fitted = try ModelRunner.fitInput(tensor, to: spec.inputShape, model: modelName, at: argument.range)
            let origin = context.text(argument.value.range)
            if let name = evaluated.variableName, fitted.note == nil {
                given = (fitted.tensor, name, origin, evaluated.provenance, nil)
            } else {
                let provenance = fitted.note == nil ? evaluated.provenance
                    : Provenance(expression: "\(origin) read as \(Shape.describe(spec.inputShape))", step: nil)
                given = (fitted.tensor, "\(modelName)_in", origin, provenance, fitted.note)
            }
        }
        var generator = random
        let weights = try core(first.range) { try ModelRunner.drawWeights(spec, analysis, using: &generator) }
        let input: Tensor, inputVariable: String, inputOrigin: String, inputProvenance: Provenance?
        let storeInput: Bool
        if let given {
            (input, inputVariable, inputOrigin, inputProvenance) = (given.tensor, given.variable, given.origin, given.provenance)
            storeInput = given.variable == "\(modelName)_in"
        } else {
            input = try core(first.range) { try Tensor.rand(spec.inputShape, using: &generator) }
            inputVariable = "\(modelName)_in"
            inputOrigin = "rand(\(Shape.describe(spec.inputShape)))"
            inputProvenance = Provenance(expression: inputOrigin, step: nil)
            storeInput = true
        }
        let inputNote = given?.note

        // The layers, one after the other.
        var layers: [LayerRun] = []
        var current = Operand(name: inputVariable, text: inputVariable, value: .tensor(input), provenance: inputProvenance)
        for (offset, layer) in analysis.layers.enumerated() {
            let label = "layer \(offset + 1) (\(layer.spec.kindName))"
            let result: LayerRun
            do {
                try Interruption.check("run \(modelName)")
                result = try ModelRunner.forward(layer, input: current, variable: "\(modelName)_\(offset + 1)",
                                                 weights: weights[offset], label: label)
            } catch let error as CoreError {
                // "conv: ..." from the core becomes "layer 1 (conv): ...", naming the layer.
                var message = error.message
                if !message.hasPrefix("layer "), !message.hasPrefix("run ") {
                    if let colon = message.firstRange(of: ": ") { message = String(message[colon.upperBound...]) }
                    message = "\(label): \(message)"
                }
                throw Diagnostic(CoreError(message, hint: error.hint), at: first.range)
            }
            layers.append(result)
            current = Operand(name: result.variable, text: result.variable, value: .tensor(result.output), provenance: result.provenance)
        }

        // Everything worked: store the results.
        random = generator
        if storeInput { assign(inputVariable, Variable(value: .tensor(input), provenance: inputProvenance)) }
        for (offset, layerWeights) in weights.enumerated() {
            for weight in layerWeights {
                assign(weight.draw.variable, Variable(value: .tensor(weight.tensor),
                                                      provenance: Provenance(expression: weight.origin(layer: offset + 1, model: modelName), step: nil)))
            }
        }
        for layer in layers {
            assign(layer.variable, Variable(value: .tensor(layer.output), provenance: layer.provenance))
        }
        let outputVariable = "\(modelName)_out"
        if let last = layers.last {
            assign(outputVariable, Variable(value: .tensor(last.output), provenance: last.provenance))
        } else {
            assign(outputVariable, Variable(value: .tensor(input), provenance: inputProvenance))
        }
        let run = ModelRun(spec: spec, analysis: analysis, inputVariable: inputVariable, input: input,
                           inputOrigin: arguments.count == 2 ? inputOrigin : "random numbers in [0, 1): \(inputOrigin)",
                           inputIsRandom: arguments.count < 2, inputNote: inputNote, layers: layers,
                           outputVariable: outputVariable)
        return .modelRun(run)
    }
}

/// A weight tensor drawn for a layer, with how it was drawn.
struct DrawnWeight {
    var draw: WeightDraw
    var tensor: Tensor

    /// The provenance text of the weight variable: "Glorot uniform for layer 1 of mnist".
    func origin(layer: Int, model: String) -> String {
        draw.isBias ? "zeros: the biases of layer \(layer) of \(model)"
                    : "Glorot uniform in ±\(Format.number(draw.limit)): the kernel of layer \(layer) of \(model)"
    }
}

/// The pieces of a forward pass, one layer at a time.
enum ModelRunner {
    // MARK: - Checks

    /// Refuses a model too large to run interactively (any size can still be summarised).
    static func checkSize(_ spec: ModelSpec, _ analysis: ModelAnalysis) throws {
        var work = 0
        var values = 0
        func add(_ a: inout Int, _ factors: [Int]) -> Bool {
            var product = 1
            for factor in factors {
                let (p, overflow) = product.multipliedReportingOverflow(by: factor)
                guard !overflow else { return false }
                product = p
            }
            let (sum, overflow) = a.addingReportingOverflow(product)
            guard !overflow else { return false }
            a = sum
            return true
        }
        let tooLarge = CoreError("run \(spec.name): the model is too large to run here",
                                 hint: "summary \(spec.name) still works for any size; for run use a smaller input or fewer filters")
        for layer in analysis.layers {
            guard add(&values, layer.outputShape), add(&values, [layer.parameters.value]) else { throw tooLarge }
            let outputs = layer.outputShape
            switch layer.spec {
            case let .conv(_, kernel, _, _, _, _, _):
                guard add(&work, outputs + [kernel.rows, kernel.cols, layer.inputShape.last ?? 1]) else { throw tooLarge }
            case .dense:
                guard add(&work, outputs + [layer.inputShape.last ?? 1]) else { throw tooLarge }
            default:
                guard add(&work, layer.inputShape) else { throw tooLarge }
            }
        }
        guard values <= ModelRunLimits.maxValues else {
            throw CoreError("run \(spec.name): the weights and layer outputs would hold \(Format.count(values)) numbers, more than run allows (\(Format.count(ModelRunLimits.maxValues)))",
                            hint: "summary \(spec.name) still works for any size; for run use a smaller input or fewer filters")
        }
        guard work <= ModelRunLimits.maxMultiplyAdds else {
            throw CoreError("run \(spec.name): one pass would take \(Format.count(work)) multiply-adds, more than run allows (\(Format.count(ModelRunLimits.maxMultiplyAdds)))",
                            hint: "use a smaller input, smaller kernels or fewer filters")
        }
    }

    /// The given input in the model's input shape: as it is, or an H x W image read as H x W x 1.
    static func fitInput(_ given: Tensor, to shape: [Int], model: String, at range: SourceRange) throws -> (tensor: Tensor, note: String?) {
        if given.shape == shape { return (given, nil) }
        let wanted = Shape.describe(shape)
        if shape.count == 3, shape[2] == 1, given.shape == [shape[0], shape[1]], let reshaped = try? given.reshaped(shape) {
            return (reshaped, "the \(given.shapeDescription) input is read as \(wanted) (one channel)")
        }
        var hint = "x = rand(\(wanted)) makes a random one"
        if shape.count == 1, given.count == shape[0] {
            hint = "flatten it first: run \(model) flatten(x)"
        } else if given.count == shape.reduce(1, { $0 &* $1 }) {
            hint = "it has the right number of values; reshape it to \(wanted)"
        }
        throw Diagnostic("\(model) takes a \(wanted) input, and this is \(given.shapeDescription)", at: range, hint: hint)
    }

    // MARK: - Weights

    /// Draws every layer's weights in order: Glorot-uniform kernels and zero biases.
    static func drawWeights(_ spec: ModelSpec, _ analysis: ModelAnalysis,
                            using generator: inout RandomGenerator) throws -> [[DrawnWeight]] {
        var all: [[DrawnWeight]] = []
        for layer in analysis.layers {
            let prefix = "\(spec.name)_\(layer.index)"
            let inputs = layer.inputShape.last ?? 1
            var drawn: [DrawnWeight] = []
            switch layer.spec {
            case let .conv(filters, kernel, _, _, _, _, useBias):
                let area = kernel.rows * kernel.cols
                let draw = WeightDraw(variable: "\(prefix)_kernel", shape: [kernel.rows, kernel.cols, inputs, filters],
                                      fanIn: area * inputs, fanOut: area * filters,
                                      fanInText: "\(kernel.rows)*\(kernel.cols)*\(inputs)",
                                      fanOutText: "\(kernel.rows)*\(kernel.cols)*\(filters)",
                                      limit: glorotLimit(fanIn: area * inputs, fanOut: area * filters))
                drawn.append(try glorot(draw, using: &generator))
                if useBias { drawn.append(try zeros("\(prefix)_bias", count: filters)) }
            case let .dense(units, _, useBias):
                let draw = WeightDraw(variable: "\(prefix)_kernel", shape: [inputs, units], fanIn: inputs, fanOut: units,
                                      fanInText: "\(inputs)", fanOutText: "\(units)",
                                      limit: glorotLimit(fanIn: inputs, fanOut: units))
                drawn.append(try glorot(draw, using: &generator))
                if useBias { drawn.append(try zeros("\(prefix)_bias", count: units)) }
            default:
                break
            }
            all.append(drawn)
        }
        return all
    }

    /// sqrt(6/(fanIn + fanOut)), Keras' GlorotUniform bound.
    static func glorotLimit(fanIn: Int, fanOut: Int) -> Double {
        let fans = Double(fanIn) + Double(fanOut)
        return fans > 0 ? (6 / fans).squareRoot() : 0
    }

    private static func glorot(_ draw: WeightDraw, using generator: inout RandomGenerator) throws -> DrawnWeight {
        let count = try Limits.elementCount(of: draw.shape, for: draw.variable)
        var scalars: [Double] = []
        scalars.reserveCapacity(count)
        for _ in 0..<count {
            scalars.append((2 * generator.nextDouble() - 1) * draw.limit)
        }
        return DrawnWeight(draw: draw, tensor: try Tensor(shape: draw.shape, scalars: scalars))
    }

    private static func zeros(_ variable: String, count: Int) throws -> DrawnWeight {
        let draw = WeightDraw(variable: variable, shape: [count], fanIn: 0, fanOut: 0, fanInText: "", fanOutText: "", limit: 0)
        return DrawnWeight(draw: draw, tensor: try Tensor.zeros([count]))
    }

    // MARK: - One layer

    /// Runs one layer on `input` and records its steps.
    static func forward(_ layer: LayerAnalysis, input: Operand, variable: String, weights: [DrawnWeight],
                        label: String) throws -> LayerRun {
        guard let x = input.tensor else { throw CoreError("\(label): the input is not a tensor") }
        let inputName = input.name ?? input.text
        func weightOperand(_ i: Int) -> Operand? {
            guard i < weights.count else { return nil }
            return Operand(name: weights[i].draw.variable, text: weights[i].draw.variable,
                           value: .tensor(weights[i].tensor), provenance: nil)
        }
        func draws() -> [WeightDraw] { weights.map(\.draw) }

        switch layer.spec {
        case let .conv(_, _, stride, padding, dilation, activation, _):
            guard let kernel = weightOperand(0), let kernelTensor = kernel.tensor else {
                throw CoreError("\(label): the kernel is missing")
            }
            let bias = weightOperand(1)
            let convolution = try Convolution(stride: stride, padding: padding, dilation: dilation)
            let plan = try convolution.plan(inputShape: x.shape, kernelShape: kernelTensor.shape, biasShape: bias?.tensor?.shape)
            let output = try convolution.apply(x, kernel: kernelTensor, bias: bias?.tensor)
            var arguments = [inputName, kernel.text]
            if stride != Pair(square: 1) { arguments.append("stride=\(script(stride))") }
            if padding != .valid { arguments.append("padding=\(padding)") }
            if dilation != Pair(square: 1) { arguments.append("dilation=\(script(dilation))") }
            if let bias { arguments.append("bias=\(bias.text)") }
            let expression = "conv(\(arguments.joined(separator: ", ")))"
            let step = Step(operation: .convolution(convolution, plan), operands: [input, kernel] + (bias.map { [$0] } ?? []),
                            summary: plan.summary, arithmetic: [plan.arithmetic])
            return try finish(layer, variable: variable, output: output, expression: expression, step: step,
                              activation: activation, weights: draws())

        case let .maxPool(size, stride, padding), let .avgPool(size, stride, padding):
            let kind: Pooling.Kind
            if case .maxPool = layer.spec { kind = .max } else { kind = .average }
            let mode: Pooling.PaddingMode
            switch padding {
            case .valid: mode = .valid
            case .same: mode = .same
            default: throw CoreError("\(label): run pools with valid or same padding only, not \(padding)")
            }
            let pooling = Pooling(kind: kind, size: size, stride: stride, padding: mode)
            let plan = try pooling.plan(inputShape: x.shape)
            let output = try pooling.apply(x)
            var arguments = [inputName, script(size)]
            if let stride, stride != size { arguments.append("stride=\(script(stride))") }
            if mode == .same { arguments.append("padding=same") }
            let step = Step(operation: .pooling(pooling, plan), operands: [input], summary: plan.summary, arithmetic: [plan.arithmetic])
            return try finish(layer, variable: variable, output: output,
                              expression: "\(kind.operationName)(\(arguments.joined(separator: ", ")))", step: step,
                              activation: nil, weights: [])

        case .globalAvgPool, .globalMaxPool:
            let kind: Pooling.Kind = layer.spec == .globalMaxPool ? .max : .average
            let output = try GlobalPooling(kind: kind).apply(x)
            let per = kind == .max ? "one maximum per map" : "one average per map"
            let step = Step(operation: .globalPooling(kind), operands: [input],
                            summary: "\(x.shapeDescription) -> \(output.shapeDescription), \(per)")
            return try finish(layer, variable: variable, output: output, expression: "global\(kind.operationName)(\(inputName))",
                              step: step, activation: nil, weights: [])

        case .flatten:
            let output = try x.reshaped([x.count])
            let step = Step(operation: .flatten, operands: [input], summary: "\(x.shapeDescription) -> \(output.shapeDescription)",
                            arithmetic: x.rank > 1 ? ["\(x.shape.map(String.init).joined(separator: " x ")) = \(Format.count(x.count))"] : [])
            return try finish(layer, variable: variable, output: output, expression: "flatten(\(inputName))", step: step,
                              activation: nil, weights: [])

        case let .dense(_, activation, _):
            guard let kernel = weightOperand(0), let kernelTensor = kernel.tensor else {
                throw CoreError("\(label): the kernel is missing")
            }
            let bias = weightOperand(1)
            let dense = try Dense(weights: kernelTensor, bias: bias?.tensor)
            let biasText = bias.map { " + \($0.tensor?.shapeDescription ?? "")" } ?? ""
            let arithmetic = ["\(kernelTensor.shape[0]) x \(kernelTensor.shape[1]) weights" + (bias == nil ? "" : " + \(kernelTensor.shape[1]) biases")]
            if x.rank <= 2 {
                let output = try dense.apply(x)
                let step = Step(operation: .dense, operands: [input, kernel] + (bias.map { [$0] } ?? []),
                                summary: "\(x.shapeDescription) . \(kernelTensor.shapeDescription)\(biasText) -> \(output.shapeDescription)",
                                arithmetic: arithmetic)
                let arguments = [inputName, kernel.text] + (bias.map { [$0.text] } ?? [])
                return try finish(layer, variable: variable, output: output, expression: "dense(\(arguments.joined(separator: ", ")))",
                                  step: step, activation: activation, weights: draws())
            }
            // Keras' Dense on an image acts on the last axis: the same small dense layer at every pixel, which is
            // exactly a 1x1 convolution with the in x units kernel seen as 1x1 x in x units.
            let units = kernelTensor.shape[1]
            let asConvolution = try kernelTensor.reshaped([1, 1, kernelTensor.shape[0], units])
            let convolution = try Convolution()
            let plan = try convolution.plan(inputShape: x.shape, kernelShape: asConvolution.shape, biasShape: bias?.tensor?.shape)
            let output = try convolution.apply(x, kernel: asConvolution, bias: bias?.tensor)
            let kernelOperand = Operand(name: nil, text: "\(kernel.text) as 1x1x\(kernelTensor.shape[0])x\(units)",
                                        value: .tensor(asConvolution), provenance: nil)
            let step = Step(operation: .convolution(convolution, plan), operands: [input, kernelOperand] + (bias.map { [$0] } ?? []),
                            summary: plan.summary + " (a dense layer on an image is a 1x1 convolution)",
                            arithmetic: [plan.arithmetic] + arithmetic)
            var arguments = [inputName, "reshape(\(kernel.text), 1x1x\(kernelTensor.shape[0])x\(units))"]
            if let bias { arguments.append("bias=\(bias.text)") }
            return try finish(layer, variable: variable, output: output, expression: "conv(\(arguments.joined(separator: ", ")))",
                              step: step, activation: activation, weights: draws())

        case let .dropout(rate):
            let step = Step(operation: .activation(.linear, slope: Activation.defaultLeakySlope), operands: [input],
                            summary: "\(x.shapeDescription) -> \(x.shapeDescription), every value passes unchanged")
            let provenance = Provenance(expression: "\(inputName) (dropout \(Format.number(rate)), off when predicting)", step: step)
            return LayerRun(analysis: layer, variable: variable, output: x, provenance: provenance, mainStep: step,
                            activation: nil, weights: [],
                            note: "dropout zeroes a random \(Format.number(rate * 100))% of the values only while training; when predicting every value passes unchanged")

        case let .activation(kind):
            let output = try Activation.apply(kind, to: x)
            let step = Step(operation: .activation(kind, slope: Activation.defaultLeakySlope), operands: [input],
                            summary: "\(x.shapeDescription) -> \(output.shapeDescription), \(activationWords(kind))")
            return LayerRun(analysis: layer, variable: variable, output: output,
                            provenance: Provenance(expression: "\(kind.rawValue)(\(inputName))", step: step),
                            mainStep: step, activation: nil, weights: [])
        }
    }

    /// The layer's record: the main step, then the activation (if any) as a second step on its result.
    private static func finish(_ layer: LayerAnalysis, variable: String, output: Tensor, expression: String, step: Step,
                               activation: ActivationKind?, weights: [WeightDraw]) throws -> LayerRun {
        guard let activation, activation != .linear else {
            return LayerRun(analysis: layer, variable: variable, output: output,
                            provenance: Provenance(expression: expression, step: step), mainStep: step,
                            activation: nil, weights: weights)
        }
        let activated = try Activation.apply(activation, to: output)
        let before = Operand(name: nil, text: "\(variable) before \(activation.rawValue)", value: .tensor(output),
                             provenance: Provenance(expression: expression, step: step))
        let activationStep = Step(operation: .activation(activation, slope: Activation.defaultLeakySlope), operands: [before],
                                  summary: "\(output.shapeDescription) -> \(activated.shapeDescription), \(activationWords(activation))")
        return LayerRun(analysis: layer, variable: variable, output: activated,
                        provenance: Provenance(expression: "\(activation.rawValue)(\(expression))", step: activationStep),
                        mainStep: step, activation: activation, weights: weights)
    }

    /// "relu of every cell", or "softmax along the last axis".
    static func activationWords(_ kind: ActivationKind) -> String {
        kind == .softmax ? "softmax along the last axis" : "\(kind.rawValue) of every cell"
    }

    /// A pair as the script writes it: "2" or "[2, 3]".
    static func script(_ pair: Pair) -> String {
        pair.rows == pair.cols ? "\(pair.rows)" : "[\(pair.rows), \(pair.cols)]"
    }
}
