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

    /// Creates a model from its input shape and layers.
    public init(name: String = "sequential", inputShape: [Int], layers: [LayerSpec]) {
        self.name = name
        self.inputShape = inputShape
        self.layers = layers
    }

    /// Works out every layer's name, output shape, parameters and receptive field, and the totals.
    /// Throws a CoreError naming the first layer that cannot be applied to its input.
    public func analyze() throws -> ModelAnalysis {
        try checkInputShape()
        var shape = inputShape
        var field: ReceptiveFieldStep? = inputShape.count == 3 ? .input : nil
        var uses: [String: Int] = [:]
        var results: [LayerAnalysis] = []
        for (offset, layer) in layers.enumerated() {
            let label = "layer \(offset + 1) (\(layer.kindName))"
            let base = layer.kerasBaseName
            let earlier = uses[base, default: 0]
            uses[base] = earlier + 1
            let name = earlier == 0 ? base : "\(base)_\(earlier)"
            let input = LayerInput(shape: shape, field: field, label: label)
            let found = try relabelled(label) { try layer.layer.analyze(input) }
            let result = LayerAnalysis(index: offset + 1, spec: layer, name: name, inputShape: shape, shape: found)
            shape = result.outputShape
            field = result.receptiveField
            results.append(result)
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
