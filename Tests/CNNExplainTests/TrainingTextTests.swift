// The text of `train`: each epoch's four numbers are printed once, as the epoch's line while training runs,
// or, when nothing was printed while it ran (a caller without progress output), as the table afterwards
// (issue 17, item 14: a learner should never scroll past the same numbers twice).
import Testing
@testable import CNNExplain
import CNNScript
import CNNTestSupport

/// The smallest model train accepts (the text, not the model, is under test): 650 weights.
private let tinyRun = "data = dataset(\"digits\")\nmodel tiny 8x8x1\n  flatten\n  dense 10 softmax\nend"

@Test func trainPrintsEachEpochsNumbersOnce() throws {
    let script = Script(seed: 3)
    try script.run(tinyRun)
    var progress = ""
    var text = ProgressText(live: false)
    script.interpreter.output.progress = { progress += text.text($0) ?? "" }
    let report = try script.rendered("train tiny data epochs=10 batch=256")
    // The epoch lines carry Keras' four numbers, with the epoch numbers padded so that the columns line up.
    let lines = progress.split(separator: "\n").map(String.init)
    #expect(lines.count == 10, "\(progress)")
    #expect(lines[0].hasPrefix("epoch  1/10: 6 batches, loss ") && lines[9].hasPrefix("epoch 10/10: 6 batches, loss "), "\(progress)")
    #expect(lines.allSatisfy { $0.contains(", accuracy ") && $0.contains(", val_loss ") && $0.contains(", val_accuracy ") })
    let columns = Set(lines.map { $0.firstRange(of: "loss")?.lowerBound.utf16Offset(in: $0) })
    #expect(columns.count == 1, "\(progress)")
    // The report after them has no table and does not repeat the last epoch's numbers.
    #expect(!report.contains("val_loss") && !report.contains("after the last epoch"), "\(report)")
    #expect(report.contains("  best val_accuracy "), "\(report)")
    // No epoch's loss or val_loss comes back in the report (the best val_accuracy is named once, as a summary).
    for line in lines {
        let words = line.split(separator: " ").map { String($0.filter { $0 != "," }) }
        for (label, value) in zip(words, words.dropFirst()) where label == "loss" || label == "val_loss" {
            #expect(!report.contains(value), "\(value) again in \(report)")
        }
    }
}

@Test func trainWithoutProgressPrintsTheTable() throws {
    let script = Script(seed: 3)
    try script.run(tinyRun)
    let report = try script.rendered("train tiny data epochs=2 batch=256")
    #expect(report.contains("epoch     loss   accuracy   val_loss   val_accuracy"), "\(report)")
    #expect(report.contains("; after the last epoch accuracy "), "\(report)")
}
