// ModelRun+Layers: one layer of `run`, computed by the core with the Step it records.
//
// Convolution, pooling, global pooling, flatten, dense (on an image: the 1x1 convolution it is), dropout
// (the identity when predicting) and activation layers. A layer with an activation records two steps:
// the operation, then the activation on its result, whose operand is named "NAME_K before relu" so that a
// trace of the layer's output shows both. Every expression is written as the script would write it.
import CNNCore

extension ModelRunner {
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

        let computation = try layer.computation()
        let activation: ActivationKind? = computation.activation == .linear ? nil : computation.activation
        switch computation.operation {
        case .convolution(let convolution):
            guard let kernel = weightOperand(0), let kernelTensor = kernel.tensor else {
                throw CoreError("\(label): the kernel is missing")
            }
            let bias = weightOperand(1)
            let plan = try convolution.plan(inputShape: x.shape, kernelShape: kernelTensor.shape, biasShape: bias?.tensor?.shape)
            let operation = ConvolutionOperation(convolution, plan: plan)
            let operands = [input, kernel] + (bias.map { [$0] } ?? [])
            let output = try operation.forward(operands).tensorValue(label)
            var arguments = [inputName, kernel.text]
            if convolution.stride != Pair(square: 1) { arguments.append("stride=\(script(convolution.stride))") }
            if convolution.padding != .valid { arguments.append("padding=\(convolution.padding)") }
            if convolution.dilation != Pair(square: 1) { arguments.append("dilation=\(script(convolution.dilation))") }
            if let bias { arguments.append("bias=\(bias.text)") }
            let expression = "conv(\(arguments.joined(separator: ", ")))"
            let step = Step(operation: operation, operands: operands, summary: plan.summary, arithmetic: [plan.arithmetic])
            return try finish(layer, variable: variable, output: output, expression: expression, step: step,
                              activation: activation, weights: draws())

        case .pooling(let pooling):
            let plan = try pooling.plan(inputShape: x.shape)
            let operation = PoolingOperation(pooling, plan: plan)
            let output = try operation.forward([input]).tensorValue(label)
            var arguments = [inputName, script(pooling.size)]
            if pooling.stride != pooling.size { arguments.append("stride=\(script(pooling.stride))") }
            if pooling.padding == .same { arguments.append("padding=same") }
            let step = Step(operation: operation, operands: [input], summary: plan.summary, arithmetic: [plan.arithmetic])
            return try finish(layer, variable: variable, output: output,
                              expression: "\(pooling.kind.operationName)(\(arguments.joined(separator: ", ")))", step: step,
                              activation: nil, weights: [])

        case .globalPooling(let kind):
            let output = try GlobalPoolingOperation(kind).forward([input]).tensorValue(label)
            let per = kind == .max ? "one maximum per map" : "one average per map"
            let step = Step(operation: GlobalPoolingOperation(kind), operands: [input],
                            summary: "\(x.shapeDescription) -> \(output.shapeDescription), \(per)")
            return try finish(layer, variable: variable, output: output, expression: "global\(kind.operationName)(\(inputName))",
                              step: step, activation: nil, weights: [])

        case .flatten:
            let output = try FlattenOperation().forward([input]).tensorValue(label)
            let step = Step(operation: FlattenOperation(), operands: [input], summary: "\(x.shapeDescription) -> \(output.shapeDescription)",
                            arithmetic: x.rank > 1 ? ["\(x.shape.map(String.init).joined(separator: " x ")) = \(Format.count(x.count))"] : [])
            return try finish(layer, variable: variable, output: output, expression: "flatten(\(inputName))", step: step,
                              activation: nil, weights: [])

        case .dense:
            guard let kernel = weightOperand(0), let kernelTensor = kernel.tensor else {
                throw CoreError("\(label): the kernel is missing")
            }
            let bias = weightOperand(1)
            let biasText = bias.map { " + \($0.tensor?.shapeDescription ?? "")" } ?? ""
            let arithmetic = ["\(kernelTensor.shape[0]) x \(kernelTensor.shape[1]) weights" + (bias == nil ? "" : " + \(kernelTensor.shape[1]) biases")]
            if x.rank <= 2 {
                let operands = [input, kernel] + (bias.map { [$0] } ?? [])
                let output = try DenseOperation().forward(operands).tensorValue(label)
                let step = Step(operation: DenseOperation(), operands: operands,
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
            let kernelOperand = Operand(name: nil, text: "\(kernel.text) as 1x1x\(kernelTensor.shape[0])x\(units)",
                                        value: .tensor(asConvolution), provenance: nil)
            let operands = [input, kernelOperand] + (bias.map { [$0] } ?? [])
            let output = try ConvolutionOperation(convolution, plan: plan).forward(operands).tensorValue(label)
            let step = Step(operation: ConvolutionOperation(convolution, plan: plan), operands: operands,
                            summary: plan.summary + " (a dense layer on an image is a 1x1 convolution)",
                            arithmetic: [plan.arithmetic] + arithmetic)
            var arguments = [inputName, "reshape(\(kernel.text), 1x1x\(kernelTensor.shape[0])x\(units))"]
            if let bias { arguments.append("bias=\(bias.text)") }
            return try finish(layer, variable: variable, output: output, expression: "conv(\(arguments.joined(separator: ", ")))",
                              step: step, activation: activation, weights: draws())

        case .dropout(let rate):
            let step = Step(operation: ActivationOperation(.linear), operands: [input],
                            summary: "\(x.shapeDescription) -> \(x.shapeDescription), every value passes unchanged")
            let provenance = Provenance(expression: "\(inputName) (dropout \(Format.number(rate)), off when predicting)", step: step)
            return LayerRun(analysis: layer, variable: variable, output: x, provenance: provenance, mainStep: step,
                            activation: nil, weights: [],
                            note: "dropout zeroes a random \(Format.number(rate * 100))% of the values only while training; when predicting every value passes unchanged")

        case .activation(let kind):
            let output = try ActivationOperation(kind).forward([input]).tensorValue(label)
            let step = Step(operation: ActivationOperation(kind), operands: [input],
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
        let before = Operand(name: nil, text: "\(variable) before \(activation.rawValue)", value: .tensor(output),
                             provenance: Provenance(expression: expression, step: step))
        let activated = try ActivationOperation(activation).forward([before]).tensorValue(variable)
        let activationStep = Step(operation: ActivationOperation(activation), operands: [before],
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
