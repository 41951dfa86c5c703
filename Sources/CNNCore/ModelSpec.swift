// ModelSpec: a sequential model declared without data, and the shape and parameter analysis of it.
//
// A ModelSpec mirrors a Keras Sequential model: an input shape (H x W x C for images, H x W, or a
// vector length) and a list of layers. analyze() walks the layers the way Keras builds them, working
// out each layer's Keras default name, output shape, parameter count and receptive field, and shows
// the arithmetic of each step. Nothing is allocated, so any size can be analysed; every computation on
// user-given sizes is checked, and a problem is reported as a CoreError that names the layer:
//     "layer 2 (conv): a 3x3 kernel does not fit a 2x2 input with valid padding"

/// A sequential model declared by its input shape and layers, like a Keras Sequential model.
public struct ModelSpec: Equatable, Sendable {
    /// The model's name, as Keras' summary prints it ("sequential" by default).
    public var name: String
    /// The shape of one input example: H x W x C (e.g. [28, 28, 1]), H x W, or a vector length.
    public var inputShape: [Int]
    /// The layers, applied in order.
    public var layers: [LayerSpec]
    /// How the layers are connected when the model is a graph (named layers, merges); nil for a plain stack.
    public var graph: ModelGraph?

    /// Creates a model from its input shape and layers, a plain stack unless `graph` connects them otherwise.
    public init(name: String = "sequential", inputShape: [Int], layers: [LayerSpec], graph: ModelGraph? = nil) {
        self.name = name
        self.inputShape = inputShape
        self.layers = layers
        self.graph = graph
    }

    /// The connections, a plain stack when none were given.
    public var connections: ModelGraph { graph ?? .stack(layers.count) }

    /// Whether the model is a graph (some layer is named, takes another layer than the one before, or merges).
    public var isGraph: Bool { !(graph?.isStack ?? true) }

    /// Works out every layer's name, output shape, parameters and receptive field, and the totals.
    /// Throws a CoreError naming the first layer that cannot be applied to its input.
    public func analyze() throws -> ModelAnalysis {
        do {
            return try analyzeLocating()
        } catch let error as ModelLayerError {
            throw error.error
        }
    }

    /// As `analyze`, but a problem with a layer is thrown as a ModelLayerError that says which layer (1-based).
    public func analyzeLocating() throws -> ModelAnalysis {
        try checkInputShape()
        let graph = connections
        guard graph.inputs.count == layers.count, graph.names.count == layers.count else {
            throw CoreError("model: the connections do not match the layers")
        }
        var shapes = [inputShape]
        var fields: [ReceptiveFieldStep?] = [inputShape.count == 3 ? .input : nil]
        var names = ["input_layer"]
        var uses: [String: Int] = [:]
        let given = Set(graph.names.compactMap { $0 })
        var results: [LayerAnalysis] = []
        for (offset, layer) in layers.enumerated() {
            let label = "layer \(offset + 1) (\(layer.kindName))"
            let name: String
            if let given = graph.names[offset] {
                name = given
            } else {
                name = ModelSpec.defaultName(layer.kerasBaseName, uses: &uses, avoiding: given)
            }
            let sources = graph.inputs[offset]
            guard !sources.isEmpty, sources.allSatisfy({ (0...offset).contains($0) }) else {
                throw ModelLayerError(CoreError("\(label): a layer can only take the input or earlier layers"), layer: offset + 1)
            }
            let inputs = sources.map { LayerInput(shape: shapes[$0], field: fields[$0], label: label) }
            let found: LayerShape
            do {
                if let merge = layer.layer as? any MergeLayer {
                    guard sources.count >= 2 else {
                        throw CoreError("\(label): \(layer.kindName) joins two or more layers, and this one has \(sources.count)",
                                        hint: "name the layers to join, e.g. \(layer.kindName) a b")
                    }
                    found = try relabelled(label) { try merge.analyze(merging: inputs, names: sources.map { $0 == 0 ? "input" : names[$0] }) }
                } else {
                    guard sources.count == 1 else {
                        throw CoreError("\(label): a \(layer.kindName) layer takes one input, not \(sources.count)",
                                        hint: "join the branches first with add or concat")
                    }
                    found = try relabelled(label) { try layer.layer.analyze(inputs[0]) }
                }
            } catch let error as CoreError {
                throw ModelLayerError(error, layer: offset + 1)
            }
            var result = LayerAnalysis(index: offset + 1, spec: layer, name: name, inputShape: inputs[0].shape, shape: found)
            result.inputs = sources
            shapes.append(result.outputShape)
            fields.append(result.receptiveField)
            names.append(name)
            results.append(result)
        }
        let consumers = graph.consumers
        for (offset, layer) in results.enumerated().dropLast() where consumers[offset + 1].isEmpty {
            let given = graph.names[offset].map { " '\($0)'" } ?? ""
            throw ModelLayerError(CoreError("layer \(offset + 1) (\(layer.spec.kindName))\(given): its output is never used; only the last layer may end a branch",
                                            hint: "join the branch with add or concat, or take it as another layer's input with from \(layer.name)"),
                                  layer: offset + 1)
        }
        let total = try ModelSpec.totalDerivation(results.map(\.parameters.value))
        let frozen = results.reduce(0) { $0 + $1.nonTrainableParameters }
        return ModelAnalysis(name: name, inputShape: inputShape, layers: results, total: total,
                             trainableParameters: total.value - frozen, nonTrainableParameters: frozen)
    }

    // MARK: - Checks

    private func checkInputShape() throws {
        let written = inputShape.isEmpty ? "empty" : Shape.describe(inputShape)
        guard (1...3).contains(inputShape.count), inputShape.allSatisfy({ $0 >= 1 }) else {
            throw CoreError("model input: the shape must be H x W x C, H x W or a vector length, each at least 1, not \(written)",
                            hint: "for a 28x28 grayscale image write 28x28x1")
        }
    }

    /// Runs `body`, giving any CoreError it throws the layer's label instead of the operation's prefix.
    private func relabelled<T>(_ label: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CoreError {
            guard !error.message.hasPrefix(label) else { throw error }
            var message = Substring(error.message)
            if let colon = message.firstRange(of: ": ") { message = message[colon.upperBound...] }
            throw CoreError("\(label): \(message)", hint: error.hint)
        }
    }

    /// Keras' default name for the next layer of base name `base` ("conv2d", "conv2d_1", ...), skipping the
    /// names given to layers (Keras refuses two layers of one name).
    private static func defaultName(_ base: String, uses: inout [String: Int], avoiding given: Set<String>) -> String {
        while true {
            let earlier = uses[base, default: 0]
            uses[base] = earlier + 1
            let candidate = earlier == 0 ? base : "\(base)_\(earlier)"
            if !given.contains(candidate) { return candidate }
        }
    }

    // MARK: - Totals

    /// "320 + 18,496 + 0 + ... = 1,625,866", overflow-checked.
    private static func totalDerivation(_ counts: [Int]) throws -> Derivation {
        var total = 0
        for count in counts {
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { throw CoreError("model: the total parameter count is too large to compute") }
            total = sum
        }
        if counts.count <= 1 { return Derivation(value: total, formula: Format.count(total)) }
        let terms = counts.map(Format.count).joined(separator: " + ")
        return Derivation(value: total, formula: "\(terms) = \(Format.count(total))")
    }
}

/// A problem with one layer of a model, with the layer's 1-based position, so the language can underline its line.
public struct ModelLayerError: Error {
    /// The problem, its message starting with the layer's label.
    public var error: CoreError
    /// The layer, from 1.
    public var layer: Int

    /// Creates the error.
    public init(_ error: CoreError, layer: Int) {
        self.error = error
        self.layer = layer
    }
}
