// Clock: a monotonic clock and the median-of-N timing loop the benchmark uses.
import CNNCore
import Glibc

/// Timing helpers for the benchmark.
enum Clock {
    /// Seconds on the monotonic clock.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// Runs `body` `warmups` times untimed, then `runs` times timed; returns the median in milliseconds.
    static func medianMilliseconds(runs: Int, warmups: Int, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmups { try body() }
        var times: [Double] = []
        for _ in 0..<max(1, runs) {
            let start = now()
            try body()
            times.append((now() - start) * 1000)
        }
        times.sort()
        let middle = times.count / 2
        return times.count % 2 == 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2
    }
}

/// A small deterministic random generator (SplitMix64) for benchmark inputs.
struct BenchRandom {
    var state: UInt64

    /// A value in -1..<1.
    mutating func value() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53) * 2 - 1
    }

    /// A tensor of the given shape with values in -scale..<scale.
    mutating func tensor(_ shape: [Int], scale: Double = 1) throws -> Tensor {
        let count = shape.reduce(1, *)
        var values: [Double] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(value() * scale) }
        return try Tensor(shape: shape, scalars: values)
    }
}
