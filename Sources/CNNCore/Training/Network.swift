// Network: a declared model (ModelSpec) with real weights, able to learn: forward, backward, predict.
//
// Weights start as a new Keras model's do: kernels Glorot uniform in ±sqrt(6/(fan_in + fan_out)) (a conv
// kernel kh x kw x Cin x Cout has fan_in = kh*kw*Cin, fan_out = kh*kw*Cout), biases 0, drawn in layer order
// from a seeded generator (the same draws as `run` makes). The model must end in softmax with one unit
// per class: training minimises the categorical crossentropy, computed together with that softmax from
// its input, the logits (Losses.swift), so the gradient arriving at the logits is simply p - t.
//
// One example goes forward layer by layer with the core's own operations, keeping each layer's input (and
// a dropout mask), then the gradient goes back through the same layers with the backward passes of
// Sources/CNNCore/Gradients, adding each weight's gradient into a running sum for the batch.
// Dropout is active only in training (inverted dropout, as Keras: kept values are scaled by 1/(1 - rate)).

/// A sequential model with weights, for training and prediction.
public struct Network: Sendable {
    /// One layer as the network computes it.
    enum Layer: Sendable {
        case convolution(Convolution, kernel: Int, bias: Int?, activation: ActivationKind)
        case pooling(Pooling)
        case globalPooling(Pooling.Kind)
        case flatten
        case dense(weights: Int, bias: Int?, activation: ActivationKind)
        case dropout(rate: Double)
        case activation(ActivationKind)
    }

    /// The model as declared.
    public let spec: ModelSpec
    /// Every weight tensor: for each layer with weights its kernel, then its bias.
    public var parameters: [Tensor]
    /// Names of the weight tensors, e.g. "conv2d kernel 3x3x1x8", in the order of `parameters`.
    public let parameterNames: [String]
    /// The layers as computed.
    let layers: [Layer]
    /// The number of classes (the softmax's units).
    public let classes: Int

    /// Builds the network and draws its initial weights from `random`.
    /// Throws when a layer cannot be trained here (dense on an image, a padding pooling does not have) or
    /// the model does not end in softmax.
    public init(spec: ModelSpec, random: inout RandomGenerator) throws {
        let analysis = try spec.analyze()
        var parameters: [Tensor] = []
        var names: [String] = []
        var layers: [Layer] = []
        for layer in analysis.layers {
            let label = "layer \(layer.index) (\(layer.spec.kindName))"
            let computation: LayerComputation
            do {
                computation = try layer.computation()
            } catch let error as CoreError {
                throw CoreError("train: " + error.message, hint: error.hint)
            }
            switch computation.operation {
            case .convolution where layer.inputShape.count != 3:
                throw CoreError("train: \(label) needs an H x W x C input, not \(Shape.describe(layer.inputShape))",
                                hint: "declare the model's input as H x W x C, e.g. 8x8x1")
            case .dense where layer.inputShape.count != 1:
                throw CoreError("train: \(label) gets a \(Shape.describe(layer.inputShape)) input; training needs dense layers on vectors",
                                hint: "put flatten (or globalavgpool) before the dense layer")
            default:
                break
            }
            // Weights in layer order (the same draws as `run` makes): kernel, then bias.
            var indices: [Int] = []
            for (w, weight) in computation.weights.enumerated() {
                parameters.append(try weight.draw(using: &random, for: "weights"))
                names.append("\(layer.name) \(w == 0 ? "kernel" : "bias")")
                indices.append(parameters.count - 1)
            }
            let kernel = indices.first ?? 0, bias = indices.count > 1 ? indices[1] : nil
            switch computation.operation {
            case .convolution(let convolution):
                layers.append(.convolution(convolution, kernel: kernel, bias: bias, activation: computation.activation))
            case .pooling(let pooling):
                layers.append(.pooling(pooling))
            case .globalPooling(let kind):
                layers.append(.globalPooling(kind))
            case .flatten:
                layers.append(.flatten)
            case .dense:
                layers.append(.dense(weights: kernel, bias: bias, activation: computation.activation))
            case .dropout(let rate):
                layers.append(.dropout(rate: rate))
            case .activation(let kind):
                layers.append(.activation(kind))
            }
        }
        guard let last = layers.last, Network.endsInSoftmax(last), analysis.layers.last?.outputShape.count == 1 else {
            throw CoreError("train: the model must end in softmax, one probability per class",
                            hint: "end it with a dense layer with one unit per class and softmax, e.g. dense 10 softmax")
        }
        self.spec = spec
        self.parameters = parameters
        self.parameterNames = names
        self.layers = layers
        self.classes = analysis.layers.last?.outputShape.first ?? 1
    }

    private static func endsInSoftmax(_ layer: Layer) -> Bool {
        switch layer {
        case .dense(_, _, .softmax), .activation(.softmax): return true
        default: return false
        }
    }

    /// The number of weights.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    // MARK: - Forward

    /// What the backward pass needs from one forward pass: each layer's input, before-activation value
    /// and dropout mask.
    struct Pass {
        var inputs: [Tensor] = []
        var preActivations: [Tensor?] = []
        var masks: [[Double]?] = []
        var logits = Tensor(scalar: 0)
    }

    /// The class probabilities for one example (H x W x C as the model's input), dropout off.
    public func predict(_ example: Tensor) throws -> Tensor {
        var unused = RandomGenerator(seed: 0)
        return Activation.softmax(try forward(example, training: false, random: &unused).logits)
    }

    /// Runs one example forward; the last softmax is left out (its input, the logits, is returned).
    func forward(_ example: Tensor, training: Bool, random: inout RandomGenerator) throws -> Pass {
        var pass = Pass()
        var x = try example.reshaped(spec.inputShape)
        for (position, layer) in layers.enumerated() {
            let isLast = position == layers.count - 1
            pass.inputs.append(x)
            var pre: Tensor?
            var mask: [Double]?
            switch layer {
            case let .convolution(convolution, kernel, bias, activation):
                let z = try convolution.apply(x, kernel: parameters[kernel], bias: bias.map { parameters[$0] })
                pre = z
                x = isLast ? z : try Activation.apply(activation, to: z)
            case .pooling(let pooling):
                x = try pooling.apply(x)
            case .globalPooling(let kind):
                x = try GlobalPooling(kind: kind).apply(x)
            case .flatten:
                x = Flatten.apply(x)
            case let .dense(weights, bias, activation):
                let z = try Dense(weights: parameters[weights], bias: bias.map { parameters[$0] }).apply(x)
                pre = z
                x = isLast ? z : try Activation.apply(activation, to: z)
            case .dropout(let rate):
                if training && rate > 0 {
                    let keep = 1 - rate
                    let m = (0..<x.count).map { _ in random.nextDouble() < rate ? 0 : 1 / keep }
                    mask = m
                    x = Tensor(unchecked: x.shape, scalars: zip(x.scalars, m).map { $0 * $1 })
                }
            case .activation(let kind):
                pre = x
                if !isLast { x = try Activation.apply(kind, to: x) }
            }
            pass.preActivations.append(pre)
            pass.masks.append(mask)
        }
        pass.logits = x
        return pass
    }

    // MARK: - Backward

    /// Adds dL/d(weights) for one example to `gradients` (shaped like `parameters`), given the forward
    /// pass and dL/d(logits).
    func backward(_ pass: Pass, logitsGradient: Tensor, into gradients: inout [Tensor]) throws {
        var g = logitsGradient
        for position in stride(from: layers.count - 1, through: 0, by: -1) {
            let isLast = position == layers.count - 1
            let input = pass.inputs[position]
            switch layers[position] {
            case let .convolution(convolution, kernel, bias, activation):
                if !isLast, let z = pass.preActivations[position] {
                    g = try Activation.backward(activation, input: z, outputGradient: g)
                }
                let d = try convolution.backward(input: input, kernel: parameters[kernel],
                                                 biasShape: bias.map { parameters[$0].shape }, outputGradient: g)
                try Network.add(d.kernel, to: &gradients[kernel])
                if let bias, let db = d.bias { try Network.add(db, to: &gradients[bias]) }
                g = d.input
            case .pooling(let pooling):
                g = try pooling.backward(input: input, outputGradient: g)
            case .globalPooling(let kind):
                g = try GlobalPooling(kind: kind).backward(input: input, outputGradient: g)
            case .flatten:
                g = try g.reshaped(input.shape)
            case let .dense(weights, bias, activation):
                if !isLast, let z = pass.preActivations[position] {
                    g = try Activation.backward(activation, input: z, outputGradient: g)
                }
                let d = try Dense(weights: parameters[weights], bias: bias.map { parameters[$0] }).backward(input: input, outputGradient: g)
                try Network.add(d.weights, to: &gradients[weights])
                if let bias, let db = d.bias { try Network.add(db, to: &gradients[bias]) }
                g = d.input
            case .dropout:
                if let mask = pass.masks[position] {
                    g = Tensor(unchecked: g.shape, scalars: zip(g.scalars, mask).map { $0 * $1 })
                }
            case .activation(let kind):
                if !isLast, let z = pass.preActivations[position] {
                    g = try Activation.backward(kind, input: z, outputGradient: g)
                }
            }
        }
    }

    /// sum += addend, element by element (same shapes).
    static func add(_ addend: Tensor, to sum: inout Tensor) throws {
        guard addend.shape == sum.shape else {
            throw CoreError("train: a gradient of \(addend.shapeDescription) does not fit weights of \(sum.shapeDescription)")
        }
        sum.withUnsafeMutableScalars { s in
            addend.scalars.withUnsafeBufferPointer { a in
                for i in 0..<a.count { s[i] += a[i] }
            }
        }
    }
}
