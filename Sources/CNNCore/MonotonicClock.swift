// MonotonicClock: seconds on a clock that only goes forward, for the times results report (a data set's read
// time, a training epoch's time). Wall-clock changes do not move it.
import Glibc

/// Seconds since an arbitrary start, on the system's monotonic clock.
public enum MonotonicClock {
    /// The current reading, in seconds.
    public static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
