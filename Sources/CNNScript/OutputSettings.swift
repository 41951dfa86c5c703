// OutputSettings: how a session shows its results: the decimals of numbers that are not whole
// (`precision N`), and where a long command such as `train` reports its progress while it runs.

/// The session's settings for showing results.
public struct OutputSettings {
    /// The precision a session starts with.
    public static let defaultPrecision = 2
    /// The largest precision accepted.
    public static let maxPrecision = 12

    /// Decimals shown for numbers that are not whole.
    public internal(set) var precision: Int
    /// Where `train` reports its progress while it runs (set by the session); nil: silently.
    public var progress: ((String) -> Void)?
    /// Whether progress may redraw a bar in place (a terminal) rather than print plain lines.
    public var liveProgress = false
    /// Whether results may say how long they took (`dataset`'s read time); off in transcripts, which must
    /// not change from run to run.
    public var showsTimes = false

    /// Settings with `precision` decimals and no progress reports.
    public init(precision: Int = OutputSettings.defaultPrecision) {
        self.precision = precision
    }
}
