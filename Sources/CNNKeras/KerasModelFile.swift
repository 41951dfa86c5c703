// KerasModelFile: open a Keras 3 model (.keras, or the architecture alone as model.to_json() writes it) as a
// cnnrepl model with its weights, and save one as a .keras file that keras.saving.load_model opens.
//
// Reading checks everything before anything is handed back: the zip's entries and their sizes
// (KerasArchive), the config's layers and connections (KerasModelConfig, KerasLayers), then exactly the
// datasets those layers need, each against the shape the layer needs (KerasWeightStore). Weights arrive as
// float32 and are kept as float64, so `run` computes with the numbers Keras stored. Writing stores float32.
import CNNCore
import Glibc

/// A Keras model read from a file.
public struct KerasModel: Sendable {
    /// The architecture, named as the caller asked.
    public var spec: ModelSpec
    /// Its analysis.
    public var analysis: ModelAnalysis
    /// Each layer's weights in cnnrepl's order (the same as Keras'), nil for an architecture alone.
    public var weights: [[Tensor]]?
    /// "Sequential" or "Functional".
    public var className: String
    /// The model's name in Keras.
    public var kerasName: String
    /// Each layer's name in Keras.
    public var layerNames: [String]
    /// The Keras version that saved the file, when its metadata says.
    public var kerasVersion: String?
    /// Bytes of float32 weights the file held.
    public var weightCount: Int { weights?.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } ?? 0 }
}

/// Reading and writing Keras 3 model files.
public enum KerasModelFile {
    /// The largest .keras file read: 2 GB (the weights of a model much larger than cnnrepl's runs allow).
    public static let maxFileBytes = 2_000_000_000

    /// Reads a .keras file at `path` as the model `modelName`; `shownName` names the file in messages.
    public static func read(path: String, modelName: String, shownName: String) throws -> KerasModel {
        let what = "load '\(shownName)'"
        try checkFile(path, what: what)
        let archive = try KerasArchive.read(fileAt: path, weightLimit: weightLimit, name: what)
        return try read(archive, modelName: modelName, what: what)
    }

    /// Reads the bytes of a .keras file; `what` starts every message ("load 'model.keras'").
    public static func read(bytes: [UInt8], modelName: String, what: String) throws -> KerasModel {
        try read(KerasArchive.read(bytes, weightLimit: weightLimit, name: what), modelName: modelName, what: what)
    }

    /// The most bytes model.weights.h5 may unpack to: the session's memory limit (at most 2 GB).
    private static var weightLimit: Int { min(maxFileBytes, Limits.current.maxMemoryBytes) }

    /// Refuses what is not a regular file of at most `maxFileBytes` (a pipe or a device would never end).
    private static func checkFile(_ path: String, what: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw CoreError("\(what): cannot open the file: \(String(cString: strerror(errno)))",
                            hint: "check the name; a relative name is found next to the running script, or in the folder cnnrepl runs in")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw CoreError("\(what): this is not a file (a folder or a device?)") }
        guard status.st_size <= maxFileBytes else {
            throw CoreError("\(what): the file is \(Limits.bytesText(Int(status.st_size))), more than the \(Limits.bytesText(maxFileBytes)) a model file may have")
        }
    }

    private static func read(_ archive: KerasArchive, modelName: String, what: String) throws -> KerasModel {
        let json = try JSONValue.parse(archive.config, name: "\(what): config.json")
        var model = try architecture(json, modelName: modelName, what: what)
        if let metadata = archive.metadata, let parsed = try? JSONValue.parse(metadata, name: what) {
            model.kerasVersion = parsed["keras_version"]?.string
        }
        let config = try KerasModelConfig.read(json, modelName: modelName, name: what)
        var slots: [KerasDatasetSlot] = []
        var counts: [Int] = []
        for (layer, path) in zip(config.analysis.layers, config.weightPaths) {
            let shapes = try layer.weights()
            counts.append(shapes.count)
            for (i, shape) in shapes.enumerated() {
                slots.append(KerasDatasetSlot(path: "\(path)/vars/\(i)", shape: shape.shape,
                                              what: "the \(shape.name) of '\(config.layerNames[layer.index - 1])' (\(layer.spec.kerasClassName))"))
            }
        }
        let total = slots.reduce(0) { $0 + $1.shape.reduce(1, *) }
        guard total <= Limits.maxElements else {
            throw CoreError("\(what): the model has \(Format.count(total)) weights, more than the \(Format.count(Limits.maxElements)) elements allowed",
                            hint: Limits.elementsHowTo)
        }
        let tensors = try KerasWeightStore.read(archive.weights, slots: slots, name: what)
        var weights: [[Tensor]] = []
        var next = 0
        for count in counts {
            weights.append(Array(tensors[next..<next + count]))
            next += count
        }
        model.weights = weights
        return model
    }

    /// Reads a model whose config.json and model.weights.h5 are given apart (the fuzzer feeds libhdf5 this way:
    /// inside a zip, a damaged entry fails its CRC before HDF5 sees it).
    public static func read(config: [UInt8], weights: [UInt8], modelName: String, what: String) throws -> KerasModel {
        try read(KerasArchive(config: config, metadata: nil, weights: weights), modelName: modelName, what: what)
    }

    /// Reads the architecture alone from a JSON file (Keras' model.to_json()) at `path`.
    public static func readArchitecture(path: String, modelName: String, shownName: String) throws -> KerasModel {
        let what = "load '\(shownName)'"
        let bytes = try FileBytes.read(path: path, limit: KerasArchive.configLimit, what: what, kind: "Keras model config")
        return try architecture(JSONValue.parse(bytes, name: what), modelName: modelName, what: what)
    }

    /// Reads the architecture from a JSON document's bytes (for the fuzzer and tests).
    public static func readArchitecture(bytes: [UInt8], modelName: String, what: String) throws -> KerasModel {
        try architecture(JSONValue.parse(bytes, name: what), modelName: modelName, what: what)
    }

    private static func architecture(_ json: JSONValue, modelName: String, what: String) throws -> KerasModel {
        let config = try KerasModelConfig.read(json, modelName: modelName, name: what)
        return KerasModel(spec: config.spec, analysis: config.analysis, weights: nil, className: config.className,
                          kerasName: config.kerasName, layerNames: config.layerNames, kerasVersion: nil)
    }

    /// The bytes of a .keras file holding `spec` with `weights` (one list per layer, in each layer's order).
    public static func bytes(_ spec: ModelSpec, weights: [[Tensor]]) throws -> [UInt8] {
        let analysis = try spec.analyze()
        guard weights.count == analysis.layers.count else { throw CoreError("save: the model's weights do not match its layers") }
        for (layer, given) in zip(analysis.layers, weights) {
            let shapes = try layer.weights().map(\.shape)
            guard shapes == given.map(\.shape) else {
                throw CoreError("save: the weights of layer \(layer.index) (\(layer.name)) do not fit it")
            }
        }
        let (config, paths, inputPath) = try KerasModelConfig.write(spec, analysis)
        var groups = zip(zip(paths, analysis.layers), weights).map { item in
            KerasWeightStore.LayerGroup(path: item.0.0, name: item.0.1.name, weights: item.1)
        }
        if let inputPath { groups.insert(KerasWeightStore.LayerGroup(path: inputPath, name: "input_layer", weights: []), at: 0) }
        let metadata: JSONValue = .object(["keras_version": .string("3.0.0"), "saved_by": .string("cnnrepl")])
        let archive = KerasArchive(config: try config.bytes(), metadata: try metadata.bytes(),
                                   weights: try KerasWeightStore.write(layers: groups, modelName: spec.name))
        return try archive.bytes()
    }

    /// Writes `spec` with `weights` to a .keras file at `path` (whole or not at all).
    public static func write(_ spec: ModelSpec, weights: [[Tensor]], path: String, shownName: String) throws -> Int {
        let bytes = try bytes(spec, weights: weights)
        try FileBytes.write(bytes, path: path, what: "save '\(shownName)'")
        return bytes.count
    }
}

extension KerasModelFile {
    /// A cnnrepl name for a Keras model or layer name ("my-model" -> my_model).
    public static func scriptName(_ kerasName: String) -> String {
        KerasNames.scriptName(kerasName, taken: [])
    }
}
