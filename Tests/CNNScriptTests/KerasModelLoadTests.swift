// KerasModelLoadTests: `load("model.keras")`, `load("model.json")` and `save(m, "out.keras")` in the language,
// against the models Keras wrote (Tests/CNNKerasTests/Fixtures/models, tools/fixtures/gen_keras_models.py).
import CNNCore
import CNNScript
import CNNTestSupport
import Testing

private let folder = TestFiles.fixtures("models", target: "CNNKerasTests")
private let names = ["seq_cnn", "func_add_concat", "kinds_depthwise", "kinds_transposed", "dense_vector"]

/// `run m x[i]` for each of the three inputs: m_out against Keras' model.predict, relative to its largest output.
private func runError(_ script: Script, _ name: String) throws -> Double {
    let y = try NPY.read(path: folder + name + "_y.npy")
    let classes = y.shape[1]
    var largest = 0.0
    for i in 0..<3 {
        try script.run("x = load(\"\(name)_x.npy\")\nrun m x[\(i)]")
        let out = try #require(script.tensor(named: "m_out"))
        for c in 0..<classes { largest = max(largest, abs(out.scalars[c] - y.scalars[i * classes + c])) }
    }
    return largest / (y.scalars.map(abs).max() ?? 1)
}

@Test(arguments: names)
func runMatchesKerasPredict(_ name: String) throws {
    let script = Script()
    try script.run("m = load(\"\(name).keras\")", baseDirectory: folder)
    #expect(try runError(script, name) <= 1e-5)
}

@Test(arguments: names)
func savedModelsRunTheSame(_ name: String) throws {
    let scratch = try #require(TestFiles.temporaryFolder())
    let script = Script()
    try script.run("m = load(\"\(folder)\(name).keras\")\nsave(m, \"again.keras\")\nm = load(\"again.keras\")", baseDirectory: scratch)
    script.interpreter.workspace.baseDirectory = folder
    #expect(try runError(script, name) <= 1e-5)
}

@Test func aLoadedModelIsNamedByItsVariable() throws {
    let script = Script()
    let outcomes = try script.run("fm = load(\"seq_cnn.keras\")\nsummary fm", baseDirectory: folder)
    guard case .assigned(_, .model(let spec), let provenance, _)? = outcomes.first else {
        Issue.record("not a model: \(outcomes)")
        return
    }
    #expect(spec.name == "fm")
    #expect(provenance?.step?.operation is LoadedModelOperation)
    guard case .summary(let summarized, _)? = outcomes.last else { Issue.record("no summary"); return }
    #expect(summarized.name == "fm")
}

@Test func predictAndEvaluateUseTheLoadedWeights() throws {
    let script = Script()
    try script.run("m = load(\"dense_vector.keras\")\nx = load(\"dense_vector_x.npy\")", baseDirectory: folder)
    let outcomes = try script.run("predict m x[1]")
    guard case .learning(.predicted(let report))? = outcomes.last else { Issue.record("no prediction"); return }
    let y = try NPY.read(path: folder + "dense_vector_y.npy")
    for c in 0..<3 { #expect(abs(report.probabilities.scalars[c] - y.scalars[3 + c]) <= 1e-5) }
}

@Test func theArchitectureAloneRunsWithFreshWeights() throws {
    let script = Script(seed: 3)
    let outcomes = try script.run("m = load(\"seq_cnn.json\")\nrun m", baseDirectory: folder)
    guard case .modelRun(let run)? = outcomes.last else { Issue.record("no run"); return }
    #expect(run.loadedFrom == nil)
    #expect(!run.trained)
    // The same model block, declared, draws the same weights from the same seed.
    let declared = Script(seed: 3)
    let block = "model m 10x10x1\n conv 4 3x3 relu\n maxpool 2x2\n conv 6 3x3 same tanh\n avgpool 2x2 stride 1\n flatten\n dropout 0.25\n dense 5 softmax\nend\nrun m"
    guard case .modelRun(let again)? = try declared.run(block).last else { Issue.record("no run"); return }
    #expect(again.output == run.output)
}

@Test func theModelTextDeclaresTheSameModel() throws {
    for name in names {
        let script = Script()
        let outcomes = try script.run("m = load(\"\(name).keras\")", baseDirectory: folder)
        guard case .assigned(_, .model(let spec), _, _)? = outcomes.first else { continue }
        let text = ModelText.lines(spec, try spec.analyze()).joined(separator: "\n")
        let declared = Script()
        let again = try declared.run(text)
        guard case .modelDeclared(let redeclared, _)? = again.last else { Issue.record("\(name): \(text)"); continue }
        // Batch norm's epsilon and momentum are only in a comment; everything else reads back the same.
        if name != "kinds_depthwise" { #expect(redeclared == spec, "\(text)") }
        #expect(redeclared.connections == spec.connections)
        #expect(try redeclared.analyze().layers.map(\.outputShape) == spec.analyze().layers.map(\.outputShape))
    }
}

@Test func trainingStartsFromTheLoadedWeights() throws {
    // A model saved with the weights train learned, loaded again: evaluate gives the trained model's numbers
    // before any training, and train reports where it started.
    let scratch = try #require(TestFiles.temporaryFolder())
    let script = Script(seed: 5)
    let trained = try script.run("""
        data = dataset("digits")
        model d 8x8x1
          conv 4 3x3 relu
          flatten
          dense 10 softmax
        end
        train d data epochs=1
        evaluate d data
        save(d, "d.keras")
        m = load("d.keras")
        evaluate m data
        train m data epochs=1
        """, baseDirectory: scratch)
    let evaluations = trained.compactMap { outcome -> EvaluationReport? in
        if case .learning(.evaluated(let report)) = outcome { return report }
        return nil
    }
    try #require(evaluations.count == 2)
    // float32 in the file: the same loss to about 1e-6.
    #expect(abs(evaluations[0].training.loss - evaluations[1].training.loss) < 1e-5)
    guard case .learning(.trained(let report))? = trained.last else { Issue.record("no training"); return }
    #expect(report.startedFrom == "d.keras")
}

@Test func errorsPointAtTheCall() throws {
    let script = Script()
    script.interpreter.workspace.baseDirectory = folder
    let unsupported = script.error("m = load(\"bad_unsupported.keras\")")
    #expect(unsupported?.message.contains("Rescaling") == true)
    #expect(script.interpreter.environment["m"] == nil)
    let cycle = script.error("m = load(\"bad_cycle.json\")")
    #expect(cycle?.message.contains("cycle") == true)
    let wrongSuffix = script.error("m = load(\"seq_cnn.keras\")\nsave(m, \"m.h5\")")
    #expect(wrongSuffix?.message.contains(".keras") == true)
}
