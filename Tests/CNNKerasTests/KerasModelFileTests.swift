// KerasModelFileTests: Keras 3 models read and written, against files Keras itself wrote.
//
// The fixtures (Fixtures/models/) come from tools/fixtures/gen_keras_models.py: small models trained a few
// steps in Keras (JAX backend) and saved with model.save, three inputs each and Keras' model.predict on them,
// and damaged or hostile files with the message each must give.
import CNNCore
@testable import CNNKeras
import CNNTestSupport
import Testing

/// The fixture folder and its models.
enum KerasFixtures {
    static let folder = TestFiles.fixtures("models", target: "CNNKerasTests")

    /// The model names listed in index.txt.
    static let names: [String] = (TestFiles.text(folder + "index.txt") ?? "")
        .split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }

    /// (file, a piece of its message) for every hostile file.
    static let bad: [(String, String)] = (TestFiles.text(folder + "bad_index.txt") ?? "")
        .split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }

    static func model(_ name: String) throws -> KerasModel {
        try KerasModelFile.read(path: folder + name + ".keras", modelName: "m", shownName: name + ".keras")
    }

    /// A network computing with the model's weights.
    static func network(_ model: KerasModel) throws -> Network {
        var random = RandomGenerator(seed: 0)
        var network = try Network(spec: model.spec, random: &random)
        network.parameters = (model.weights ?? []).flatMap { $0 }
        return network
    }

    /// The largest difference between the network's predictions and Keras', relative to Keras' largest output.
    static func predictionError(_ network: Network, _ name: String) throws -> Double {
        let x = try NPY.read(path: folder + name + "_x.npy"), y = try NPY.read(path: folder + name + "_y.npy")
        let count = x.shape[0], size = x.count / count, classes = y.count / count
        var largest = 0.0
        for i in 0..<count {
            let example = try Tensor(shape: Array(x.shape.dropFirst()), scalars: Array(x.scalars[i * size..<(i + 1) * size]))
            let p = try network.predict(example)
            for c in 0..<classes { largest = max(largest, abs(p.scalars[c] - y.scalars[i * classes + c])) }
        }
        return largest / (y.scalars.map(abs).max() ?? 1)
    }
}

@Test func theFixturesAreThere() {
    #expect(KerasFixtures.names.count == 5)
    #expect(KerasFixtures.bad.count >= 14)
}

@Test(arguments: KerasFixtures.names)
func predictionsMatchKeras(_ name: String) throws {
    let model = try KerasFixtures.model(name)
    #expect(model.weights != nil)
    #expect(try KerasFixtures.predictionError(KerasFixtures.network(model), name) <= 1e-5)
}

@Test(arguments: KerasFixtures.names)
func theJSONArchitectureIsTheSame(_ name: String) throws {
    let keras = try KerasFixtures.model(name)
    let json = try KerasModelFile.readArchitecture(path: KerasFixtures.folder + name + ".json", modelName: "m", shownName: name + ".json")
    #expect(json.spec == keras.spec)
    #expect(json.weights == nil)
    #expect(json.layerNames == keras.layerNames)
}

@Test(arguments: KerasFixtures.names)
func whatIsWrittenReadsBackTheSame(_ name: String) throws {
    let model = try KerasFixtures.model(name)
    let bytes = try KerasModelFile.bytes(model.spec, weights: model.weights ?? [])
    let again = try KerasModelFile.read(bytes: bytes, modelName: "m", what: "test")
    #expect(again.spec == model.spec)
    // The weights came as float32 and are written as float32: the same numbers exactly.
    #expect(again.weights == model.weights)
    #expect(try KerasFixtures.predictionError(KerasFixtures.network(again), name) <= 1e-5)
}

@Test(arguments: KerasFixtures.bad.map(\.0))
func hostileFilesAreRefused(_ file: String) {
    let expected = KerasFixtures.bad.first { $0.0 == file }?.1 ?? "?"
    do {
        if file.hasSuffix(".json") {
            _ = try KerasModelFile.readArchitecture(path: KerasFixtures.folder + file, modelName: "m", shownName: file)
        } else {
            _ = try KerasModelFile.read(path: KerasFixtures.folder + file, modelName: "m", shownName: file)
        }
        Issue.record("\(file) was read")
    } catch let error as CoreError {
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(error.message.hasPrefix("load '\(file)'"))
    } catch {
        Issue.record("\(file): \(error)")
    }
}

@Test func anUnsupportedLayerNamesWhatIsSupported() throws {
    do {
        _ = try KerasModelFile.read(path: KerasFixtures.folder + "bad_unsupported.keras", modelName: "m", shownName: "u.keras")
        Issue.record("read")
    } catch let error as CoreError {
        #expect(error.message.contains("Rescaling"))
        #expect(error.hint?.contains("Conv2D, Dense, MaxPooling2D") == true)
    }
}

@Test func keptWeightsMustFitTheLayers() throws {
    let model = try KerasFixtures.model("seq_cnn")
    var weights = model.weights ?? []
    weights[0].removeLast()
    #expect(throws: CoreError.self) { try KerasModelFile.bytes(model.spec, weights: weights) }
}

@Test func aLeakyReLUInsideAConvCannotBeSaid() throws {
    let spec = ModelSpec(name: "m", inputShape: [6, 6, 1], layers: [.conv(filters: 2, kernel: Pair(square: 3), activation: .leakyrelu),
                                                                     .flatten, .dense(units: 2, activation: .softmax)])
    var random = RandomGenerator(seed: 1)
    let network = try Network(spec: spec, random: &random)
    let weights = [Array(network.parameters[0..<2]), [], Array(network.parameters[2..<4])]
    do {
        _ = try KerasModelFile.bytes(spec, weights: weights)
        Issue.record("written")
    } catch let error as CoreError {
        #expect(error.message.contains("leakyrelu"))
    }
}
