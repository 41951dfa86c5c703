// ProgressText: the words and bars a long command shows while it runs: `train`'s line per epoch (with its
// time where the session shows times, as Keras prints), the bar redrawn in place on a terminal with the
// time the epoch still needs, and `dataset`'s reading bar. The commands send ProgressEvent values.
import CNNCore
import CNNScript

/// Puts progress events into words; one per running command (it remembers the last bar it drew).
public struct ProgressText {
    /// Whether bars are redrawn in place (a terminal); otherwise only finished epochs make lines.
    public var live: Bool
    private var lastReadingWidth = -1

    /// Creates the text for a terminal (`live`) or for plain lines.
    public init(live: Bool) {
        self.live = live
    }

    /// The text for `event`, or nil when there is nothing new to show.
    public mutating func text(_ event: ProgressEvent) -> String? {
        switch event {
        case .epoch(let record, let epochs, let batches, let seconds):
            return Self.epochLine(record, of: epochs, batches: batches, live: live, seconds: seconds)
        case .batch(let step, let seconds):
            return live ? Self.bar(step, seconds: seconds) : nil
        case .reading(let done, let total):
            guard live else { return nil }
            let width = 30
            let filled = total > 0 ? min(done, total) * width / total : width
            guard filled != lastReadingWidth else { return nil }
            lastReadingWidth = filled
            if done >= total { return "\r\u{1B}[K" }
            return "\r\u{1B}[Kdataset [" + String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
                + "] \(Format.count(done))/\(Format.count(total)) images"
        }
    }

    /// "epoch 3/20: 45 batches, loss 0.4123, accuracy 0.8812, val_loss 0.3012, val_accuracy 0.9109", Keras'
    /// four numbers in Keras' order, then the epoch's time where the session shows times ("1.2 s (27 ms per
    /// batch)") (after a live bar: the bar's line is overwritten). These lines are the run's record: the
    /// report after them does not repeat them as a table.
    public static func epochLine(_ record: EpochRecord, of epochs: Int, batches: Int, live: Bool,
                                 seconds: Double? = nil) -> String {
        let accuracy = Format.formatFixed(record.accuracy, decimals: 4)
        let validationLoss = record.validationLoss.map { ", val_loss \(Format.formatFixed($0, decimals: 4))" } ?? ""
        let validation = validationLoss
            + (record.validationAccuracy.map { ", val_accuracy \(Format.formatFixed($0, decimals: 4))" } ?? "")
        let time = seconds.map { ", \(duration($0)) (\(duration($0 / Double(max(batches, 1)))) per batch)" } ?? ""
        // The epoch number padded to the width of the count, so that the columns line up: "epoch  9/12", "epoch 10/12".
        let number = String(repeating: " ", count: max(0, String(epochs).count - String(record.epoch).count)) + String(record.epoch)
        let line = "epoch \(number)/\(epochs): \(batches) batches, loss \(Format.formatFixed(record.loss, decimals: 4)), accuracy \(accuracy)\(validation)\(time)"
        return (live ? "\r\u{1B}[K" : "") + line + "\n"
    }

    /// A progress bar for the running epoch, redrawn in place: "epoch 3/20 [=========>          ] 20/45";
    /// with `seconds` (the epoch's time so far) it adds the time the epoch still needs at this pace.
    public static func bar(_ step: TrainingProgress, seconds: Double? = nil) -> String {
        let width = 30
        let done = step.batches > 0 ? step.batch * width / step.batches : width
        let bar = String(repeating: "=", count: max(done - 1, 0)) + (done > 0 ? ">" : "")
            + String(repeating: " ", count: width - done)
        var eta = ""
        if let seconds, step.batch > 0, step.batches > step.batch {
            eta = "  ETA \(duration(seconds / Double(step.batch) * Double(step.batches - step.batch)))"
        }
        return "\r\u{1B}[Kepoch \(step.epoch)/\(step.epochs) [\(bar)] \(step.batch)/\(step.batches)  loss \(Format.formatFixed(step.loss, decimals: 4))\(eta)"
    }

    /// A time for people: "340 ms", "12.3 s", "4 min 05 s".
    public static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return Format.formatFixed(seconds, decimals: 1) + " s" }
        let whole = Int(seconds.rounded())
        let rest = whole % 60
        return "\(whole / 60) min \(rest < 10 ? "0" : "")\(rest) s"
    }
}
