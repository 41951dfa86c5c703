// ModelFiles: `m = load("model.keras")`, `m = load("model.json")` and `save(m, "out.keras")`: Keras 3 models
// in and out of the session, through CNNKeras.
//
// A model read from a .keras file keeps its weights in the step that made the variable (LoadedModelOperation),
// so they belong to that declaration exactly as `train`'s networks do (TrainedModels): `run`, `evaluate`,
// `predict` and `train` start from them; after `train`, what train learned. A model read from JSON has its
// architecture only, and runs with fresh weights like a declared model. `save` writes what the model has:
// what train learned, else the weights it was loaded with, else fresh weights as `run` would draw them.
import CNNCore
import CNNKeras

/// The step of a model read from a file: where from, and its weights (none for an architecture alone).
public struct LoadedModelOperation: StepOperation {
    public var name: String { "load" }
    /// The file as the script named it.
    public let file: String
    /// The model read, with its weights (nil from JSON).
    public let model: KerasModel

    public func forward(_ operands: [Operand]) throws -> Value {
        throw CoreError("step cannot recompute load: a model read from a file is not recomputed")
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        throw CoreError("grad cannot go back through loading a model", hint: "run the model first (run m x), then take grad of its output")
    }

    /// The weights, when they belong to `spec` (the same layers and connections; the name may differ).
    func weights(for spec: ModelSpec) -> [[Tensor]]? {
        guard let weights = model.weights, spec.inputShape == model.spec.inputShape, spec.layers == model.spec.layers,
              spec.connections == model.spec.connections else { return nil }
        return weights
    }
}

extension Builtins {
    /// Whether `load` reads `name` as a model: a .keras or .json file.
    static func isModelFile(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".keras") || lower.hasSuffix(".json")
    }

    /// `load("model.keras")` or `load("model.json")`: the model, named after Keras' name until it is assigned.
    static func loadModel(_ context: inout CallContext) throws -> Value {
        if let option = ["size", "gray"].first(where: context.has) {
            throw ArgumentError(message: "load: \(option)= is for pictures, and a model file is read as it is", hint: nil,
                                argument: context.argument(option)?.index)
        }
        let path = try context.path("path")
        let shown = try context.string("path") ?? path
        let model: KerasModel
        if shown.lowercased().hasSuffix(".keras") {
            model = try KerasModelFile.read(path: path, modelName: "model", shownName: shown)
        } else {
            model = try KerasModelFile.readArchitecture(path: path, modelName: "model", shownName: shown)
        }
        var spec = model.spec
        spec.name = KerasModelFile.scriptName(model.kerasName)
        context.step = Step(operation: LoadedModelOperation(file: shown, model: model), operands: [],
                            summary: .loadedModel(file: shown, kerasClass: model.className, kerasName: model.kerasName,
                                                  kerasVersion: model.kerasVersion, weights: model.weights == nil ? nil : model.weightCount))
        return .model(spec)
    }

    /// `save(m, "out.keras")`: the model with its weights, as a .keras file Keras opens.
    static func saveModel(_ spec: ModelSpec, _ context: inout CallContext) throws -> Value {
        let path = try context.writablePath("path")
        let shown = try context.string("path") ?? path
        guard shown.lowercased().hasSuffix(".keras") else {
            throw ArgumentError(message: "save writes a model to a .keras file (Keras 3), and '\(shown)' is not one",
                                hint: "e.g. save(\(spec.name), \"\(spec.name).keras\")", argument: context.argument("path")?.index)
        }
        if let option = ["values", "quality"].first(where: context.has) {
            throw ArgumentError(message: "save: \(option)= is for pictures", hint: nil, argument: context.argument(option)?.index)
        }
        let analysis = try spec.analyze()
        let weights: [[Tensor]], origin: String
        if let kept = context.modelWeights?(context.argument("value")?.variableName ?? spec.name, spec) {
            (weights, origin) = kept
        } else {
            var generator = context.random
            weights = try ModelRunner.drawWeights(spec, analysis, using: &generator).map { $0.map(\.tensor) }
            origin = "fresh weights, as run would draw them (the model is not trained)"
        }
        let bytes = try KerasModelFile.write(spec, weights: weights, path: path, shownName: shown)
        let count = weights.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        return .string("saved model \(spec.name) to \(Workspace.shownPath(path)) for Keras 3 (\(Format.count(bytes)) bytes): "
                       + "\(Format.count(count)) weights as float32, \(origin)\n"
                       + "  in Python: keras.saving.load_model(\"\(shown)\")")
    }
}

extension Interpreter {
    /// The weights a model variable was loaded with, when they still fit its spec.
    func loadedWeights(_ variable: Variable?, spec: ModelSpec) -> (weights: [[Tensor]], file: String)? {
        guard let operation = variable?.provenance?.step?.operation as? LoadedModelOperation,
              let weights = operation.weights(for: spec) else { return nil }
        return (weights, operation.file)
    }

    /// A network with the weights a model was loaded with, for evaluate, predict and train.
    func loadedNetwork(_ modelName: String, spec: ModelSpec) throws -> Network? {
        guard let loaded = loadedWeights(environment[modelName], spec: spec) else { return nil }
        var unused = RandomGenerator(seed: 0)
        var network = try Network(spec: spec, random: &unused)
        network.parameters = loaded.weights.flatMap { $0 }
        return network
    }

    /// What `save` writes for model `name`: what train learned, else what it was loaded with (nil: neither).
    func keptWeights(_ name: String, spec: ModelSpec) -> (weights: [[Tensor]], origin: String)? {
        let variable = environment[name]
        if let network = trained.network(for: name, declaration: variable?.provenance, spec: spec),
           let analysis = try? spec.analyze() {
            var weights: [[Tensor]] = []
            var next = 0
            for layer in analysis.layers {
                let count = (try? layer.weights().count) ?? 0
                guard next + count <= network.parameters.count else { return nil }
                weights.append(Array(network.parameters[next..<next + count]))
                next += count
            }
            return (weights, "the weights train learned")
        }
        if let loaded = loadedWeights(variable, spec: spec) {
            return (loaded.weights, "the weights loaded from '\(loaded.file)'")
        }
        return nil
    }
}
