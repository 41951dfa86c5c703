// ProgressTextTests: the words `train` and `dataset` show while they run: the epoch line, with its time where
// the session shows times, the bar redrawn on a terminal with the time the epoch still needs, and the
// reading bar, drawn only when it grows.
@testable import CNNCore
import CNNScript
import Testing
@testable import CNNExplain

@Test func epochLinesSayHowLongTheEpochTook() {
    let record = EpochRecord(epoch: 2, loss: 0.5, accuracy: 0.75, validationLoss: 0.625, validationAccuracy: 0.5)
    #expect(ProgressText.epochLine(record, of: 5, batches: 40, live: false)
            == "epoch 2/5: 40 batches, loss 0.5000, accuracy 0.7500, val_loss 0.6250, val_accuracy 0.5000\n")
    // 2 s over 40 batches: 50 ms per batch; live, the line overwrites the bar.
    #expect(ProgressText.epochLine(record, of: 5, batches: 40, live: true, seconds: 2)
            == "\r\u{1B}[Kepoch 2/5: 40 batches, loss 0.5000, accuracy 0.7500, val_loss 0.6250, val_accuracy 0.5000, 2.0 s (50 ms per batch)\n")
    // Times for people: milliseconds below a second, one decimal below a minute, then minutes and seconds.
    #expect(ProgressText.duration(0.0123) == "12 ms")
    #expect(ProgressText.duration(12.34) == "12.3 s")
    #expect(ProgressText.duration(245) == "4 min 05 s")
}

@Test func barsSayWhatIsLeft() {
    // 10 of 40 batches in 2 s: the other 30 take 6 s at this pace.
    let step = TrainingProgress(epoch: 1, epochs: 2, batch: 10, batches: 40, loss: 1.5, finished: nil)
    #expect(ProgressText.bar(step, seconds: 2) == "\r\u{1B}[Kepoch 1/2 [======>                       ] 10/40  loss 1.5000  ETA 6.0 s")
    #expect(!ProgressText.bar(step).contains("ETA"))
    var plain = ProgressText(live: false)
    #expect(plain.text(.batch(step, seconds: 2)) == nil && plain.text(.reading(done: 5, total: 10)) == nil)
    // The reading bar is drawn when it grows by a step of its 30, and cleared at the end.
    var live = ProgressText(live: true)
    #expect(live.text(.reading(done: 0, total: 70_000))?.hasSuffix("] 0/70,000 images") == true)
    #expect(live.text(.reading(done: 1_000, total: 70_000)) == nil)
    #expect(live.text(.reading(done: 7_000, total: 70_000))?.contains("[===") == true)
    #expect(live.text(.reading(done: 70_000, total: 70_000)) == "\r\u{1B}[K")
}
