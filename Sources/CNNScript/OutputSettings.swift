// OutputSettings: how a session shows its results: the decimals of numbers that are not whole
// (`precision N`), and where a long command such as `train` reports its progress while it runs (as
// ProgressEvent values, which CNNExplain's ProgressText puts into words).
import CNNCore

/// The session's settings for showing results.
public struct OutputSettings {
    /// The precision a session starts with.
    public static let defaultPrecision = 2
    /// The largest precision accepted.
    public static let maxPrecision = 12

    /// Decimals shown for numbers that are not whole.
    public internal(set) var precision: Int
    /// Where `train` and `dataset` report their progress while they run (set by the session); nil: silently.
    public var progress: ((ProgressEvent) -> Void)?
    /// Whether progress may redraw a bar in place (a terminal) rather than print plain lines: without it,
    /// commands send only the events that make a line of their own (a finished epoch).
    public var liveProgress = false
    /// Whether results may say how long they took (`dataset`'s read time, `train`'s epochs); off in
    /// transcripts, which must not change from run to run.
    public var showsTimes = false

    /// Settings with `precision` decimals and no progress reports.
    public init(precision: Int = OutputSettings.defaultPrecision) {
        self.precision = precision
    }
}

/// What a long command has done so far, reported while it runs.
public enum ProgressEvent: Sendable {
    /// `dataset` has converted `done` of `total` examples (sent only where a bar can be redrawn).
    case reading(done: Int, total: Int)
    /// `train` finished a batch (sent only where a bar can be redrawn); `seconds`: the epoch's time so far,
    /// when the session shows times.
    case batch(TrainingProgress, seconds: Double?)
    /// `train` finished an epoch of `batches` batches; `seconds`: its time, when the session shows times.
    case epoch(EpochRecord, of: Int, batches: Int, seconds: Double?)
}
