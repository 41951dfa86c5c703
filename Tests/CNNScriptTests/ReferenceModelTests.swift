// The reference models in lessons/models/ (a contract): each ends with `summary NAME`, and its Total,
// Trainable and Non-trainable params equal those of keras.applications with weights=None and a 224x224x3
// input, as tools/fixtures/gen_reference_models.py wrote them to Fixtures/reference_models.txt.
import Testing
import CNNCore
import CNNScript
import CNNTestSupport

/// One line of the fixture: the model's file name and Keras' counts.
private struct KerasCounts {
    var name: String
    var total: Int
    var trainable: Int
    var nonTrainable: Int
}

private let kerasCounts: [KerasCounts] = {
    let text = TestFiles.text(TestFiles.path("Tests/CNNScriptTests/Fixtures/reference_models.txt")) ?? ""
    return text.split(separator: "\n").compactMap { line in
        let words = line.split(separator: " ")
        guard let name = words.first else { return nil }
        var values: [String: Int] = [:]
        for word in words.dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Int(parts[1]) { values[String(parts[0])] = value }
        }
        guard let total = values["total"], let trainable = values["trainable"], let frozen = values["non_trainable"] else { return nil }
        return KerasCounts(name: String(name), total: total, trainable: trainable, nonTrainable: frozen)
    }
}()

@Test func theFixtureHasTheContractsModels() {
    #expect(kerasCounts.map(\.name).sorted() == ["densenet121", "mobilenetv2", "resnet50", "vgg16"])
    #expect(kerasCounts.first { $0.name == "resnet50" }?.total == 25_636_712)
    #expect(kerasCounts.first { $0.name == "resnet50" }?.nonTrainable == 53_120)
}

@Test(arguments: kerasCounts.map(\.name))
func aReferenceModelHasKerasCounts(_ name: String) throws {
    let counts = try #require(kerasCounts.first { $0.name == name })
    let source = try #require(TestFiles.text(TestFiles.path("lessons/models/\(name).cnn")), "lessons/models/\(name).cnn is missing")
    let outcomes = try Script().run(source)
    guard case .summary(let spec, let analysis) = outcomes.last else {
        Issue.record("lessons/models/\(name).cnn does not end with summary \(name)")
        return
    }
    #expect(spec.name == name)
    #expect(spec.inputShape == [224, 224, 3])
    #expect(analysis.totalParameters == counts.total)
    #expect(analysis.trainableParameters == counts.trainable)
    #expect(analysis.nonTrainableParameters == counts.nonTrainable)
}

@Test func theSmallUNetIsAGraphWithSkipConnections() throws {
    let source = try #require(TestFiles.text(TestFiles.path("lessons/models/unet-small.cnn")), "lessons/models/unet-small.cnn is missing")
    let outcomes = try Script().run(source)
    guard case .summary(let spec, let analysis) = outcomes.last else {
        Issue.record("lessons/models/unet-small.cnn does not end with a summary")
        return
    }
    #expect(spec.isGraph)
    #expect(analysis.layers.contains { $0.spec.kerasClassName == "Concatenate" })
    #expect(analysis.outputShape.prefix(2) == spec.inputShape.prefix(2))
}
