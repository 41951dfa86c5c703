// KerasModelConfig: a Keras 3 model config (config.json, or model.to_json()) <-> a CNNCore ModelSpec.
//
// Sequential: a list of layers, the first usually an InputLayer with the batch shape. Functional: the layers
// with, for each, the layers it takes ("inbound_nodes" -> "keras_history"), plus the model's input and output
// layers. cnnrepl's graphs take one input and give one output, and list every layer after those it takes; a
// Functional config is put in that order by a walk back from the output, which refuses a cycle and any layer
// that does not lead to the output. Every layer's `build_config` input shape, when given, must be the shape
// cnnrepl works out for it: a config that lies about shapes is refused before any weight is read.
import CNNCore

/// A model config read into cnnrepl's terms.
struct KerasModelConfig {
    /// The architecture (named `modelName`), checked by `analyze`.
    var spec: ModelSpec
    /// Its analysis.
    var analysis: ModelAnalysis
    /// "Sequential" or "Functional".
    var className: String
    /// The model's own name in Keras.
    var kerasName: String
    /// Each layer's name in Keras, in cnnrepl's layer order.
    var layerNames: [String]
    /// Each layer's group in the weights file ("layers/conv2d"), in cnnrepl's layer order.
    var weightPaths: [String]

    /// The most layers a config may have.
    static let maxLayers = 10_000

    // MARK: - Reading

    /// Reads the config `json`; `name` starts every message.
    static func read(_ json: JSONValue, modelName: String, name: String) throws -> KerasModelConfig {
        guard case .object = json, let className = json["class_name"]?.string, let config = json["config"] else {
            throw CoreError("\(name): this is not a Keras model config (no class_name and config)",
                            hint: "cnnrepl reads what model.save(\"model.keras\") and model.to_json() write in Keras 3")
        }
        let kerasName = config["name"]?.string ?? className.lowercased()
        guard let layers = config["layers"]?.array else {
            throw CoreError("\(name): the \(className) model '\(kerasName)' has no list of layers",
                            hint: className == "Sequential" || className == "Functional" ? nil
                                : "a subclassed model (class \(className)) keeps its layers in Python code, which cnnrepl cannot read; build it with Sequential or the functional API")
        }
        guard layers.count <= maxLayers else { throw CoreError("\(name): the model has \(Format.count(layers.count)) layers, more than the \(Format.count(maxLayers)) cnnrepl reads") }
        switch className {
        case "Sequential": return try sequential(layers, config: config, json: json, modelName: modelName, kerasName: kerasName, name: name)
        case "Functional", "Model": return try functional(layers, config: config, modelName: modelName, kerasName: kerasName, name: name)
        default:
            throw CoreError("\(name): the model is a \(className), which cnnrepl cannot read",
                            hint: "cnnrepl reads Sequential and Functional models (keras.Sequential, keras.Model(inputs, outputs))")
        }
    }

    /// One layer entry of a config: its name, class and settings.
    private struct Entry {
        var name: String
        var className: String
        var config: JSONValue
        var entry: JSONValue

        init(_ entry: JSONValue, position: Int, name file: String) throws {
            guard let className = entry["class_name"]?.string, let config = entry["config"] else {
                throw CoreError("\(file): layer \(position + 1) of the config has no class_name and config")
            }
            self.className = className
            self.config = config
            self.entry = entry
            self.name = entry["name"]?.string ?? config["name"]?.string ?? "layer \(position + 1)"
        }

        /// The shape without the batch axis: [null, 28, 28, 1] -> [28, 28, 1].
        static func shape(_ value: JSONValue?) -> [Int]? {
            guard let items = value?.array, items.count >= 2, items[0].isNull else { return nil }
            let sizes = items.dropFirst().compactMap(\.int)
            return sizes.count == items.count - 1 ? sizes : nil
        }

        /// The input shape an InputLayer declares.
        func inputShape(file: String) throws -> [Int] {
            guard let shape = Entry.shape(config["batch_shape"] ?? config["batch_input_shape"]) else {
                throw CoreError("\(file): the input layer '\(name)' has no batch_shape such as [null, 28, 28, 1]")
            }
            return shape
        }

        /// The input shape its build_config says the layer was built for, when it is one shape.
        var builtFor: [Int]? { Entry.shape(entry["build_config"]?["input_shape"]) }
    }

    private static func sequential(_ items: [JSONValue], config: JSONValue, json: JSONValue, modelName: String,
                                   kerasName: String, name: String) throws -> KerasModelConfig {
        var entries = try items.enumerated().map { try Entry($0.element, position: $0.offset, name: name) }
        let inputShape: [Int]
        if let first = entries.first, first.className == "InputLayer" {
            inputShape = try first.inputShape(file: name)
            entries.removeFirst()
        } else if let shape = Entry.shape(config["build_input_shape"]) ?? Entry.shape(json["build_config"]?["input_shape"])
                    ?? entries.first?.builtFor {
            inputShape = shape
        } else {
            throw CoreError("\(name): the Sequential model '\(kerasName)' does not say its input shape",
                            hint: "build it with an input first: keras.Sequential([keras.Input((28, 28, 1)), ...])")
        }
        guard !entries.isEmpty else { throw CoreError("\(name): the model '\(kerasName)' has no layers") }
        let layers = try entries.map { try layer($0, name: name) }
        let spec = ModelSpec(name: modelName, inputShape: inputShape, layers: layers)
        let analysis = try analyze(spec, entries: entries, name: name)
        return KerasModelConfig(spec: spec, analysis: analysis, className: "Sequential", kerasName: kerasName,
                                layerNames: entries.map(\.name), weightPaths: KerasNames.containerPaths(entries.map(\.className)))
    }

    private static func layer(_ entry: Entry, name: String) throws -> LayerSpec {
        if ["Sequential", "Functional", "Model"].contains(entry.className) {
            throw CoreError("\(name): layer '\(entry.name)' is a whole \(entry.className) model inside the model, which cnnrepl cannot read",
                            hint: "write its layers into the outer model")
        }
        if entry.className == "InputLayer" {
            throw CoreError("\(name): layer '\(entry.name)' is a second input, and cnnrepl's models take one input")
        }
        do {
            return try KerasLayers.layer(className: entry.className, config: entry.config, name: entry.name)
        } catch let error as CoreError {
            throw CoreError("\(name): \(error.message)", hint: error.hint)
        }
    }

    /// Analyses the spec, and checks each layer's build_config against the shapes found.
    private static func analyze(_ spec: ModelSpec, entries: [Entry], name: String) throws -> ModelAnalysis {
        let analysis: ModelAnalysis
        do {
            analysis = try spec.analyze()
        } catch let error as CoreError {
            throw CoreError("\(name): \(error.message)", hint: error.hint ?? "the config describes a model that cannot be built")
        }
        for (layer, entry) in zip(analysis.layers, entries) where layer.inputs.count == 1 {
            if let built = entry.builtFor, built != layer.inputShape {
                throw CoreError("\(name): the config says layer '\(entry.name)' (\(entry.className)) takes \(Shape.describe(built)), but what comes before it gives \(Shape.describe(layer.inputShape))",
                                hint: "the config does not describe the model it claims to; save it again from Keras")
            }
        }
        return analysis
    }

    private static func functional(_ items: [JSONValue], config: JSONValue, modelName: String, kerasName: String,
                                   name: String) throws -> KerasModelConfig {
        let entries = try items.enumerated().map { try Entry($0.element, position: $0.offset, name: name) }
        var position: [String: Int] = [:]
        for (i, entry) in entries.enumerated() {
            guard position[entry.name] == nil else { throw CoreError("\(name): two layers are named '\(entry.name)'") }
            position[entry.name] = i
        }
        func endpoints(_ key: String) throws -> [String] {
            guard let value = config[key]?.array else { throw CoreError("\(name): the Functional model has no \(key)") }
            if value.first?.string != nil { return value.first?.string.map { [$0] } ?? [] }  // ["input_layer", 0, 0]
            return try value.map {
                guard let layer = $0.array?.first?.string else { throw CoreError("\(name): \(key) cannot be read") }
                return layer
            }
        }
        let inputs = try endpoints("input_layers"), outputs = try endpoints("output_layers")
        guard inputs.count == 1, outputs.count == 1 else {
            throw CoreError("\(name): the model has \(inputs.count) input\(inputs.count == 1 ? "" : "s") and \(outputs.count) output\(outputs.count == 1 ? "" : "s"); cnnrepl's models have one of each")
        }
        guard let inputIndex = position[inputs[0]], entries[inputIndex].className == "InputLayer" else {
            throw CoreError("\(name): the model's input '\(inputs[0])' is not an InputLayer of the config")
        }
        guard let outputIndex = position[outputs[0]] else { throw CoreError("\(name): the model's output '\(outputs[0])' is not a layer of the config") }
        let inputShape = try entries[inputIndex].inputShape(file: name)

        // What each layer takes, by position in the config.
        var takes = Array(repeating: [Int](), count: entries.count)
        for (i, entry) in entries.enumerated() where i != inputIndex {
            let nodes = entry.entry["inbound_nodes"]?.array ?? []
            guard nodes.count == 1 else {
                throw CoreError("\(name): layer '\(entry.name)' (\(entry.className)) is used \(nodes.count) times; cnnrepl's layers are used once",
                                hint: nodes.isEmpty ? "the layer is not connected to anything" : "a shared layer has one set of weights for several places; write a layer for each")
            }
            var sources: [String] = []
            func collect(_ value: JSONValue) {
                if value["class_name"]?.string == "__keras_tensor__", let history = value["config"]?["keras_history"]?.array,
                   let layer = history.first?.string {
                    sources.append(layer)
                } else if let items = value.array {
                    items.forEach(collect)
                }
            }
            collect(nodes[0]["args"] ?? .null)
            guard !sources.isEmpty else { throw CoreError("\(name): layer '\(entry.name)' takes no layer that cnnrepl can find") }
            takes[i] = try sources.map {
                guard let source = position[$0] else { throw CoreError("\(name): layer '\(entry.name)' takes '\($0)', which is not in the config") }
                return source
            }
        }

        // The order: every layer after those it takes, the output last (a walk back from the output).
        var order: [Int] = []
        var state = Array(repeating: 0, count: entries.count)  // 0 unseen, 1 on the path, 2 done
        var stack: [(node: Int, next: Int)] = [(outputIndex, 0)]
        state[outputIndex] = 1
        while let top = stack.last {
            if top.next < takes[top.node].count {
                stack[stack.count - 1].next += 1
                let source = takes[top.node][top.next]
                switch state[source] {
                case 0:
                    state[source] = 1
                    stack.append((source, 0))
                case 1:
                    throw CoreError("\(name): the layers form a cycle: '\(entries[source].name)' takes, through other layers, its own output",
                                    hint: "a model's layers can only take layers before them")
                default: break
                }
            } else {
                state[top.node] = 2
                order.append(top.node)
                stack.removeLast()
            }
        }
        if let unused = entries.indices.first(where: { state[$0] == 0 }) {
            throw CoreError("\(name): layer '\(entries[unused].name)' does not lead to the model's output '\(outputs[0])'",
                            hint: "cnnrepl's models have one output, and every layer leads to it")
        }
        guard order.first == inputIndex else {
            let first = order.first.map { entries[$0].name } ?? "?"
            throw CoreError("\(name): layer '\(first)' takes no input")
        }
        let layerOrder = Array(order.dropFirst())
        for i in layerOrder where entries[i].className == "InputLayer" {
            throw CoreError("\(name): layer '\(entries[i].name)' is a second input, and cnnrepl's models take one input")
        }
        var node: [Int: Int] = [inputIndex: 0]
        for (k, i) in layerOrder.enumerated() { node[i] = k + 1 }
        var taken: Set<String> = []
        var names: [String?] = []
        for i in layerOrder {
            let script = KerasNames.scriptName(entries[i].name, taken: taken)
            taken.insert(script)
            names.append(script)
        }
        let layers = try layerOrder.map { try layer(entries[$0], name: name) }
        let graph = ModelGraph(inputs: layerOrder.map { i in takes[i].map { node[$0] ?? 0 } }, names: names)
        let spec = ModelSpec(name: modelName, inputShape: inputShape, layers: layers, graph: graph)
        let ordered = layerOrder.map { entries[$0] }
        let analysis = try analyze(spec, entries: ordered, name: name)
        let paths = KerasNames.containerPaths(entries.map(\.className))
        return KerasModelConfig(spec: spec, analysis: analysis, className: "Functional", kerasName: kerasName,
                                layerNames: ordered.map(\.name), weightPaths: layerOrder.map { paths[$0] })
    }

    // MARK: - Writing

    /// The config of `spec` as Keras 3 writes it (Sequential for a plain stack, Functional for a graph), and
    /// the weight groups of its layers in Keras' order (and of a Functional model's input layer, which has none).
    static func write(_ spec: ModelSpec, _ analysis: ModelAnalysis) throws -> (config: JSONValue, weightPaths: [String], inputPath: String?) {
        let names = analysis.layers.map(\.name)
        var inputName = "input_layer", n = 1
        while names.contains(inputName) { inputName = "input_layer_\(n)"; n += 1 }
        let batchShape = JSONValue.array([.null] + analysis.inputShape.map { .int($0) })
        func shapeJSON(_ shape: [Int]) -> JSONValue { .array([.null] + shape.map { .int($0) }) }
        let inputLayer: [String: JSONValue] = [
            "module": .string("keras.layers"), "class_name": .string("InputLayer"), "registered_name": .null,
            "config": .object(["batch_shape": batchShape, "dtype": .string("float32"), "sparse": .bool(false), "name": .string(inputName)]),
        ]
        var layers: [JSONValue] = []
        var classNames: [String] = []
        for layer in analysis.layers {
            let (className, config) = try KerasLayers.config(of: layer.spec, name: layer.name)
            classNames.append(className)
            var entry: [String: JSONValue] = ["module": .string("keras.layers"), "class_name": .string(className),
                                              "registered_name": .null, "config": .object(config)]
            if layer.inputs.count == 1 { entry["build_config"] = .object(["input_shape": shapeJSON(layer.inputShape)]) }
            if spec.isGraph {
                entry["name"] = .string(layer.name)
                let tensors: [JSONValue] = layer.inputs.map { source in
                    let shape = source == 0 ? analysis.inputShape : analysis.layers[source - 1].outputShape
                    let from = source == 0 ? inputName : names[source - 1]
                    return .object(["class_name": .string("__keras_tensor__"),
                                    "config": .object(["shape": shapeJSON(shape), "dtype": .string("float32"),
                                                       "keras_history": .array([.string(from), .int(0), .int(0)])])])
                }
                let args: JSONValue = layer.spec.layer is any MergeLayer ? .array([.array(tensors)]) : .array(tensors)
                entry["inbound_nodes"] = .array([.object(["args": args, "kwargs": .object([:])])])
            }
            layers.append(.object(entry))
        }
        if !spec.isGraph {
            let config: JSONValue = .object(["name": .string(spec.name), "trainable": .bool(true), "dtype": .string("float32"),
                                             "layers": .array([.object(inputLayer)] + layers), "build_input_shape": batchShape])
            return (.object(["module": .string("keras"), "class_name": .string("Sequential"), "registered_name": .null,
                             "config": config, "build_config": .object(["input_shape": batchShape])]),
                    KerasNames.containerPaths(classNames), nil)
        }
        var input = inputLayer
        input["name"] = .string(inputName)
        input["inbound_nodes"] = .array([])
        let output = names.last ?? inputName
        let config: JSONValue = .object([
            "name": .string(spec.name), "trainable": .bool(true), "layers": .array([.object(input)] + layers),
            "input_layers": .array([.array([.string(inputName), .int(0), .int(0)])]),
            "output_layers": .array([.array([.string(output), .int(0), .int(0)])]),
        ])
        let paths = KerasNames.containerPaths(["InputLayer"] + classNames)
        return (.object(["module": .string("keras.src.models.functional"), "class_name": .string("Functional"),
                         "registered_name": .string("Functional"), "config": config,
                         "build_config": .object(["input_shape": batchShape])]),
                Array(paths.dropFirst()), paths.first)
    }
}
