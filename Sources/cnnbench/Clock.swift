// Clock: the clocks the benchmark reads and the timing loop (the median or the minimum of N runs).
//
// A case that runs on one thread is timed by the CPU time of that thread (CLOCK_THREAD_CPUTIME_ID): on a
// machine shared with other work, the time the thread waited for a core is not counted, so the result is
// the cost of the work itself. A case that spreads over the cores (training) is timed by the wall clock
// (CLOCK_MONOTONIC), which is what a user waits; its process CPU time (CLOCK_PROCESS_CPUTIME_ID, all
// threads) is recorded beside it. Every measurement keeps the statistic on all three clocks, so a report can
// show both. The statistic is the median, or with --statistic min the minimum: on a host shared with other
// machines (other virtual machines' use of the cache and memory slows a run without taking its core), the
// fastest of N runs is the steadiest estimate of what the work itself costs.
import Glibc

/// How the timed runs of a case are summed up.
enum BenchStatistic: String {
    /// The middle run (the mean of the middle two for an even count).
    case median
    /// The fastest run.
    case min

    /// This statistic of some times (NaN for none).
    func of(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard let first = sorted.first else { return .nan }
        switch self {
        case .min: return first
        case .median:
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }
}

/// Which clock a case's main time is read from.
enum BenchClock: String {
    /// The calling thread's CPU time: for cases that run on one thread.
    case threadCPU = "thread-cpu"
    /// The monotonic wall clock: for cases that use several threads.
    case wall = "wall"
}

/// One case's timed runs summed up by a statistic (each clock on its own), in milliseconds.
struct Measurement {
    /// The clock `milliseconds` was read from.
    let clock: BenchClock
    /// The statistic the times are.
    let statistic: BenchStatistic
    /// The time on `clock`.
    let milliseconds: Double
    /// The wall time.
    let wallMilliseconds: Double
    /// The CPU time of the calling thread.
    let threadMilliseconds: Double
    /// The CPU time of the whole process (all threads).
    let processMilliseconds: Double
    /// The number of timed runs.
    let runs: Int
}

/// Timing helpers for the benchmark.
enum Clock {
    /// Seconds on `clock` (CLOCK_MONOTONIC, CLOCK_THREAD_CPUTIME_ID or CLOCK_PROCESS_CPUTIME_ID).
    static func seconds(_ clock: clockid_t) -> Double {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// Runs `body` `warmups` times untimed, then `runs` times timed on all three clocks; `statistic` of
    /// `clock` is the result.
    static func measure(clock: BenchClock, statistic: BenchStatistic = .median, runs: Int, warmups: Int,
                        _ body: () throws -> Void) rethrows -> Measurement {
        for _ in 0..<warmups { try body() }
        var wall: [Double] = [], thread: [Double] = [], process: [Double] = []
        for _ in 0..<max(1, runs) {
            let w0 = seconds(CLOCK_MONOTONIC), t0 = seconds(CLOCK_THREAD_CPUTIME_ID), p0 = seconds(CLOCK_PROCESS_CPUTIME_ID)
            try body()
            let p1 = seconds(CLOCK_PROCESS_CPUTIME_ID), t1 = seconds(CLOCK_THREAD_CPUTIME_ID), w1 = seconds(CLOCK_MONOTONIC)
            wall.append((w1 - w0) * 1000)
            thread.append((t1 - t0) * 1000)
            process.append((p1 - p0) * 1000)
        }
        let wallTime = statistic.of(wall), threadTime = statistic.of(thread)
        return Measurement(clock: clock, statistic: statistic, milliseconds: clock == .wall ? wallTime : threadTime,
                           wallMilliseconds: wallTime, threadMilliseconds: threadTime,
                           processMilliseconds: statistic.of(process), runs: max(1, runs))
    }
}
