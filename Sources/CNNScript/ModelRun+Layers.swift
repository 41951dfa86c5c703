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
