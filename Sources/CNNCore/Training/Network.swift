// Network: a declared model (ModelSpec) with real weights, able to learn: forward, backward, predict.
//
// Weights start as a new Keras model's do: kernels Glorot uniform in ±sqrt(6/(fan_in + fan_out)) (a conv
// kernel kh x kw x Cin x Cout has fan_in = kh*kw*Cin, fan_out = kh*kw*Cout), biases 0, drawn in layer order
// from a seeded generator (the same draws as `run` makes). The model must end in softmax with one unit
// per class: training minimises the categorical crossentropy, computed together with that softmax from
// its input, the logits (Losses.swift), so the gradient arriving at the logits is simply p - t.
//
// A batch goes forward layer by layer, each layer kind computing itself (Sources/CNNCore/Layers) on the whole
// batch (a dense layer as one matrix product, other kinds example by example), keeping each example's input,
// its value before the activation and what it kept (a dropout mask); then the gradients go back through the
// same layers, each weight's gradient summed over the batch in example order. A graph (ModelGraph) runs its
// layers in order too, each on the node(s) it takes; a merge (add, concat) joins its inputs, and going back
// it hands each input its share, where the shares reaching one node are added in layer order.
// Dropout is active only in training (inverted dropout, as Keras: kept values are scaled by 1/(1 - rate)).

/// A sequential model with weights, for training and prediction.
public struct Network: Sendable {
    /// One layer as the network computes it: its kind and the positions of its weights in `parameters`.
    struct Layer: Sendable {
        let kind: any ModelLayer
        let weights: [Int]
        /// The nodes the layer takes (0: the network's input, k: layer k's output).
        let inputs: [Int]
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
    /// Predicting (`logits`) runs the layers before this position a group of examples at a time: the first
    /// layer that wants the whole batch (`ModelLayer.wantsWholeBatch`), else the number of layers.
    let wholeBatchFrom: Int
    /// How many examples go through those layers at a time (`predictionGroup(largestOutput:)`).
    let predictionGroup: Int

    /// Builds the network and draws its initial weights from `random`.
    /// Throws when a layer cannot be computed (a padding its kind does not have) or the model does not end
    /// in softmax.
    public init(spec: ModelSpec, random: inout RandomGenerator) throws {
        let analysis = try spec.analyze()
        var parameters: [Tensor] = []
        var names: [String] = []
        var layers: [Layer] = []
        for layer in analysis.layers {
            let weights: [WeightShape]
            do {
                weights = try layer.weights()
            } catch let error as CoreError {
                throw CoreError("train: layer \(layer.index) (\(layer.spec.kindName)): " + error.message, hint: error.hint)
            }
            // Weights in layer order (the same draws as `run` makes): kernel, then bias.
            var indices: [Int] = []
            for (w, weight) in weights.enumerated() {
                parameters.append(try weight.draw(using: &random, for: "weights"))
                names.append("\(layer.name) \(weight.role ?? (w == 0 ? "kernel" : "bias"))")
                indices.append(parameters.count - 1)
            }
            layers.append(Layer(kind: layer.spec.layer, weights: indices, inputs: layer.inputs))
        }
        if layers.last?.kind.activation == .softmax, let shape = analysis.layers.last?.outputShape, shape.count > 1 {
            throw CoreError("train: the model ends in \(Shape.describe(shape)) probabilities, but training needs one vector of one probability per class",
                            hint: "put flatten (or globalavgpool) before the last dense layer")
        }
        guard layers.last?.kind.activation == .softmax, analysis.layers.last?.outputShape.count == 1 else {
            throw CoreError("train: the model must end in softmax, one probability per class",
                            hint: "end it with a dense layer with one unit per class and softmax, e.g. dense 10 softmax")
        }
        self.spec = spec
        self.parameters = parameters
        self.parameterNames = names
        self.layers = layers
        self.classes = analysis.layers.last?.outputShape.first ?? 1
        let wholeBatchFrom = layers.firstIndex { $0.kind.wantsWholeBatch } ?? layers.count
        self.wholeBatchFrom = wholeBatchFrom
        let largestOutput = analysis.layers.prefix(wholeBatchFrom).map { layer in
            layer.outputShape.reduce(1) { product, size in
                let (value, overflow) = product.multipliedReportingOverflow(by: size)
                return overflow ? Int.max : value
            }
        }.max() ?? 1
        self.predictionGroup = Network.predictionGroup(largestOutput: largestOutput)
    }

    /// About this many bytes of one layer's outputs for a group of examples that `logits` runs together: the
    /// second-level caches of two cores, so that the next layer finds its input still in cache.
    static let predictionGroupBytes = 2 << 20

    /// The number of examples whose outputs of `largestOutput` values fit `predictionGroupBytes`, in fours (so
    /// that 2 or 4 cores share a group's examples evenly, as `Convolution.batchGroups` cuts them), at least 4.
    static func predictionGroup(largestOutput: Int) -> Int {
        max(4, predictionGroupBytes / MemoryLayout<Double>.stride / max(largestOutput, 1) / 4 * 4)
    }

    /// The number of weights.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    // MARK: - Forward

    /// What the backward pass needs from one forward pass of a batch: for each layer, each example's input(s),
    /// its value before the activation and what the layer kept for its backward pass (dropout's mask).
    struct Pass {
        /// Per layer, per example, the layer's first input (its only one unless it merges).
        var inputs: [[Tensor]] = []
        /// Per merge layer, per input, per example: every input it joined (empty for other layers).
        var mergedInputs: [[[Tensor]]] = []
        /// Per layer, per example, the layer's value before its activation (after it for relu, which is applied
        /// in place: relu's slope reads the same from both).
        var preActivations: [[Tensor]] = []
        var memos: [[[Double]?]] = []
        /// Each example's logits (the input of the last softmax).
        var logits: [Tensor] = []
        /// New values of weights that are not learned by gradient descent (batch norm's moving averages),
        /// by position in `parameters`, for `applyWeightUpdates` after the batch's update.
        var weightUpdates: [(parameter: Int, value: Tensor)] = []
    }

    /// Sets the weights a training pass moved outside gradient descent (batch norm's moving averages).
    mutating func applyWeightUpdates(_ pass: Pass) {
        for update in pass.weightUpdates where update.parameter < parameters.count {
            parameters[update.parameter] = update.value
        }
    }

    /// The class probabilities for one example (H x W x C as the model's input), dropout off.
    public func predict(_ example: Tensor) throws -> Tensor {
        Activation.softmax(try logits([example])[0])
    }

    /// Runs a batch of examples forward, layer by layer (in a graph, each layer on the nodes it takes); the last
    /// softmax is left out (its input, the logits, is returned).
    func forward(_ examples: [Tensor], training: Bool, random: inout RandomGenerator) throws -> Pass {
        var pass = Pass()
        var state = LayerPass(training: training, random: random)
        defer { random = state.random }
        var nodes = [try examples.map { try $0.reshaped(spec.inputShape) }]
        for (position, layer) in layers.enumerated() {
            pass.inputs.append(nodes[layer.inputs[0]])
            pass.mergedInputs.append(layer.inputs.count > 1 ? layer.inputs.map { nodes[$0] } : [])
            let step = try self.step(position, nodes: nodes, state: &state)
            pass.preActivations.append(step.z)
            pass.memos.append(step.memos)
            for update in state.weightUpdates where update.position < layer.weights.count {
                pass.weightUpdates.append((layer.weights[update.position], update.value))
            }
            state.weightUpdates = []
            nodes.append(step.output)
        }
        pass.logits = nodes.last ?? []
        return pass
    }

    /// Each example's logits, dropout off, keeping nothing for a backward pass (`predict`, `evaluate`): the same
    /// bits as `forward`'s. The layers before `wholeBatchFrom` (convolutions, pooling) run `predictionGroup`
    /// examples at a time, so each reads its input while the layer before has just left it in cache (layer by
    /// layer over a whole batch, a convolution's output is out of cache before the pooling reads it); the rest
    /// (the dense layers) run on the whole batch, reading their weights once. A layer before `wholeBatchFrom`
    /// computes each example on its own, so the groups change no bits. `group` overrides `predictionGroup` (tests).
    func logits(_ examples: [Tensor], group: Int? = nil) throws -> [Tensor] {
        let predictionGroup = max(1, group ?? self.predictionGroup)
        var state = LayerPass(training: false, random: RandomGenerator(seed: 0))
        let inputs = try examples.map { try $0.reshaped(spec.inputShape) }
        // The nodes that the whole-batch layers (or the caller) read, gathered group by group.
        var kept = Set(layers[wholeBatchFrom...].flatMap(\.inputs).filter { $0 <= wholeBatchFrom })
        if wholeBatchFrom == layers.count { kept.insert(layers.count) }
        var nodes = [[Tensor]](repeating: [], count: layers.count + 1)
        for start in stride(from: 0, to: inputs.count, by: predictionGroup) {
            var group = [Array(inputs[start..<min(start + predictionGroup, inputs.count)])]
            for position in 0..<wholeBatchFrom {
                group.append(try step(position, nodes: group, state: &state).output)
            }
            for node in kept { nodes[node] += group[node] }
        }
        for position in wholeBatchFrom..<layers.count {
            nodes[position + 1] = try step(position, nodes: nodes, state: &state).output
        }
        return nodes[layers.count]
    }

    /// Layer `position` forward on the nodes it takes: its value before the activation (`z`; after it for relu),
    /// what it kept for its backward pass, and its output (the last layer's is its logits, softmax left out).
    private func step(_ position: Int, nodes: [[Tensor]], state: inout LayerPass)
        throws -> (z: [Tensor], memos: [[Double]?], output: [Tensor]) {
        let layer = layers[position]
        let x = nodes[layer.inputs[0]]
        var z: [Tensor], memos: [[Double]?]
        let isLast = position == layers.count - 1
        let activation = layer.kind.activation
        state.outputRelu = !isLast && activation == .relu
        if layer.inputs.count > 1, let merge = layer.kind as? any MergeLayer {
            let joined = layer.inputs.map { nodes[$0] }
            z = try Parallel.map(x.count) { i in try merge.merge(joined.map { $0[i] }) }
            memos = Array(repeating: nil, count: x.count)
        } else {
            (z, memos) = try layer.kind.forward(batch: x, weights: layer.weights.map { parameters[$0] }, pass: &state)
        }
        // relu is applied in place (by the layer itself when it can: LayerPass.outputRelu), and its output
        // kept for the backward pass instead of its input: relu's slope is the same read from either
        // (Activation.reluBackwardInPlace).
        if state.outputRelu { try Activation.reluInPlace(&z) }
        state.outputRelu = false
        let values = z
        let output = isLast || activation == .linear || activation == .relu ? values
            : try Parallel.map(values.count) { try Activation.apply(activation, to: values[$0]) }
        return (z, memos, output)
    }

    // MARK: - Backward

    /// Adds dL/d(weights), summed over the batch, to `gradients` (shaped like `parameters`), given the
    /// forward pass and each example's dL/d(logits). In a graph, the gradient arriving at a node is the sum of
    /// what every layer that takes it sends back, added in layer order (so the bits do not depend on threads).
    func backward(_ pass: Pass, logitsGradients: [Tensor], into gradients: inout [Tensor]) throws {
        var nodeGradients = [[Tensor]?](repeating: nil, count: layers.count + 1)
        nodeGradients[layers.count] = logitsGradients
        func send(_ g: [Tensor], to node: Int) throws {
            guard var sum = nodeGradients[node] else { nodeGradients[node] = g; return }
            for i in sum.indices { try sum[i].add(g[i]) }
            nodeGradients[node] = sum
        }
        for position in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[position]
            guard var g = nodeGradients[position + 1] else { continue }  // a layer no path to the output uses
            nodeGradients[position + 1] = nil
            let isLast = position == layers.count - 1
            if !isLast, layer.kind.activation == .relu {
                try Activation.reluBackwardInPlace(outputs: pass.preActivations[position], gradients: &g)
            } else if !isLast, layer.kind.activation != .linear {
                let inputs = pass.preActivations[position], outputGradients = g, activation = layer.kind.activation
                g = try Parallel.map(g.count) { try Activation.backward(activation, input: inputs[$0], outputGradient: outputGradients[$0]) }
            }
            if layer.inputs.count > 1, let merge = layer.kind as? any MergeLayer {
                let joined = pass.mergedInputs[position], outputGradients = g
                let each = try Parallel.map(g.count) { i in try merge.unmerge(joined.map { $0[i] }, outputGradient: outputGradients[i]) }
                for (k, node) in layer.inputs.enumerated() { try send(each.map { $0[k] }, to: node) }
                continue
            }
            let d = try layer.kind.backward(batch: pass.inputs[position], weights: layer.weights.map { parameters[$0] },
                                            memos: pass.memos[position], outputGradients: g, inputGradients: layer.inputs[0] > 0)
            for (index, weightGradient) in zip(layer.weights, d.weights) {
                try gradients[index].add(weightGradient)
            }
            if layer.inputs[0] > 0 { try send(d.inputs, to: layer.inputs[0]) }
        }
    }
}
