// Tests of the learning commands through the language: dataset, example, train, evaluate, predict, plot
// and save(history, ...): what they store, that a seed repeats a run, and the errors a learner can make.
import Glibc
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

@Test func trainStoresTheHistoryAndTheWeights() throws {
    let script = Script(seed: 3)
    try script.run(tinyModel)
    var events: [ProgressEvent] = []
    script.interpreter.output.progress = { events.append($0) }
    let outcomes = try script.run("train tiny data epochs=2 batch=64 optimizer=adam lr=0.01")
    guard case .learning(.trained(let report))? = outcomes.last else { Issue.record("no training report"); return }
    #expect(report.history.epochs.count == 2 && report.history.batchesPerEpoch == 23)
    #expect(report.history.learningRate == 0.01 && report.history.optimizer == .adam)
    // One event per epoch (not a terminal: no batch events), with no time (the session does not show times).
    let epochs = events.compactMap { event -> (EpochRecord, Int, Int)? in
        guard case .epoch(let record, let of, let batches, nil) = event else { return nil }
        return (record, of, batches)
    }
    #expect(events.count == 2 && epochs.count == 2)
    #expect(epochs.first.map { $0.0.epoch == 1 && $0.1 == 2 && $0.2 == 23 } == true)
    guard case .history(let history)? = script.interpreter.environment["history"]?.value else { Issue.record("no history"); return }
    #expect(history == report.history)
    // The same seed gives the same run; evaluate agrees with the last epoch's validation numbers.
    let again = Script(seed: 3)
    try again.run(tinyModel)
    guard case .learning(.trained(let second))? = try again.run("train tiny data epochs=2 batch=64 optimizer=adam lr=0.01").last else {
        Issue.record("no second report"); return
    }
    #expect(second.history == report.history)
    guard case .learning(.evaluated(let evaluation))? = try script.run("evaluate tiny data").last else { Issue.record("no evaluation"); return }
    #expect(evaluation.validation?.accuracy == report.history.epochs.last?.validationAccuracy)
    #expect(evaluation.validation?.loss == report.history.epochs.last?.validationLoss)
    #expect(evaluation.training.examples == 1438)
    // predict gives probabilities that add up to 1, and knows the example's label.
    guard case .learning(.predicted(let prediction))? = try script.run("predict tiny example(data, 4)").last else {
        Issue.record("no prediction"); return
    }
    #expect(abs(prediction.probabilities.sum() - 1) < 1e-12 && prediction.probabilities.shape == [10])
    guard case .dataset(let data)? = script.interpreter.environment["data"]?.value else { Issue.record("no data"); return }
    #expect(prediction.label == data.labels[data.validationIndices[4]])
    guard case .learning(.plotted(let name, let plotted))? = try script.run("plot history").last else { Issue.record("no plot"); return }
    #expect(name == "history" && plotted == report.history)
}

@Test func trainTimesEachEpochWhenTheSessionShowsTimes() throws {
    // The REPL on a terminal shows times, as Keras does; transcripts do not, so they stay the same.
    let script = Script(seed: 3)
    try script.run(tinyModel)
    var seconds: [Double?] = []
    script.interpreter.output.progress = { if case .epoch(_, _, _, let time) = $0 { seconds.append(time) } }
    script.interpreter.output.showsTimes = true
    _ = try script.run("train tiny data epochs=2 batch=64")
    #expect(seconds.count == 2 && seconds.allSatisfy { ($0 ?? -1) > 0 && ($0 ?? 100) < 100 }, "\(seconds)")
}

@Test func saveWritesTheCurvesAsAPicture() throws {
    let script = Script(seed: 1)
    try script.run(tinyModel)
    try script.run("train tiny data epochs=2 batch=128")
    let path = "/tmp/cnnrepl-curves-\(getpid()).png"
    let saved = try script.value("save(history, \"\(path)\")")
    guard case .string(let message) = saved else { Issue.record("save said nothing"); return }
    #expect(message.contains("360x960 pixels"))  // height x width, as savegrid and every shape (issue 17, item 10)
    let picture = try script.tensor("load(\"\(path)\")")
    #expect(picture.shape == [360, 960, 3])
    // Both colours of the curves are in the picture.
    let scalars: [Double] = picture.scalars
    func hasPixel(_ red: Double, _ green: Double, _ blue: Double) -> Bool {
        stride(from: 0, to: scalars.count, by: 3).contains { (i: Int) -> Bool in
            scalars[i] == red && scalars[i + 1] == green && scalars[i + 2] == blue
        }
    }
    #expect(hasPixel(31, 119, 180) && hasPixel(255, 127, 14))
    unlink(path)
}

@Test func learningCommandsSayWhatIsWrong() throws {
    let script = Script()
    try script.run(tinyModel)
    func message(_ source: String) -> String? { script.error(source).map { "\($0.message) | \($0.hint ?? "")" } }
    #expect(message("evaluate tiny data")?.contains("has not been trained yet") == true)
    #expect(message("predict tiny example(data, 0)")?.contains("has not been trained yet") == true)
    #expect(message("train tiny")?.contains("takes a model and a data set") == true)
    #expect(message("train data tiny")?.contains("not a model") == true)
    #expect(message("train tiny data optimizer=adamw")?.contains("did you mean adam?") == true)
    #expect(message("train tiny data epochs=0")?.contains("epochs must be from 1") == true)
    #expect(message("train tiny data batch=0")?.contains("batch size must be at least 1") == true)
    #expect(message("train tiny data lr=-1")?.contains("positive number") == true)
    #expect(message("train tiny data speed=2")?.contains("no setting 'speed'") == true)
    #expect(message("plot data")?.contains("not the history") == true)
    #expect(message("dataset(\"imagenet\")")?.contains("no data set called") == true)
    #expect(message("dataset(\"fashion_mnist\")")?.contains("no data set called") == true)
    #expect(message("dataset(\"mnist\", path=\"/nonexistent-folder\")")?.contains("found no mnist files; looked in:\n  /nonexistent-folder") == true)
    #expect(message("dataset(\"digits\", limit=5)")?.contains("limit= is for data sets read from files") == true)
    #expect(message("dataset(path=\"/nonexistent-folder\")")?.contains("is not a folder") == true)
    #expect(message("example(data, 400)")?.contains("from 0 to 358") == true)
    try script.run("model flat 8x8x1\n  flatten\n  dense 10\nend")
    #expect(message("train flat data")?.contains("must end in softmax") == true)
    try script.run("model three 8x8x1\n  flatten\n  dense 3 softmax\nend")
    #expect(message("train three data epochs=1")?.contains("10 classes") == true)
    try script.run("train tiny data epochs=1 batch=256")
    #expect(message("predict tiny rand(3, 3)")?.contains("takes 8x8x1 inputs") == true)
    try script.run("evaluate tiny data")
    // Declaring the model again, even the same way, makes a new, untrained model.
    try script.run(tinyModel)
    #expect(message("evaluate tiny data")?.contains("since it was declared again") == true)
}
