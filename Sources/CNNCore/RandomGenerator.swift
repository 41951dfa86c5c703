// RandomGenerator: a small, seeded random number generator that gives the same numbers everywhere.
//
// Lessons and transcripts must print the same "random" image on every machine and every Swift
// release, so cnnrepl does not use the system generator. It uses xoshiro256** (Blackman & Vigna,
// 2018; https://prng.di.unimi.it), written out below, seeded through SplitMix64 as its authors
// recommend. A Python transcription of the same arithmetic (tools/fixtures/gen_random.py) produced
// the fixtures the tests compare against.
//
// Derived values:
//   - nextDouble():       the top 53 bits of next(), times 2^-53: uniform on [0, 1), every value a
//                         multiple of 2^-53.
//   - nextInt(below: n):  Lemire's "nearly divisionless" method: multiply a 64-bit draw by n as a
//                         128-bit product, keep the high half, and redraw in the rare case that would
//                         favour some results. Unbiased.
//   - nextGaussian():     Box-Muller with one draw per value: u1 = 1 - nextDouble() (in (0, 1], so the
//                         logarithm is finite), u2 = nextDouble(), z = sqrt(-2 ln u1) * cos(2 pi u2).
//                         The sine partner is not kept, so every call consumes exactly two draws.
import Glibc

/// A deterministic random number generator (xoshiro256** seeded by SplitMix64).
public struct RandomGenerator: Equatable, Sendable {
    /// The seed used when a lesson or script does not choose one: 42, a convention from the
    /// machine-learning tutorials the learning material follows (e.g. `random_state=42`).
    public static let defaultSeed: UInt64 = 42

    /// The four 64-bit words of xoshiro256** state; never all zero.
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    ///
    /// The state is four successive outputs of SplitMix64 started at `seed`. SplitMix64 is a
    /// bijection of its counter, so the four words are never all zero (the one state xoshiro must avoid).
    public init(seed: UInt64) {
        var counter = seed
        func splitMix64() -> UInt64 {
            counter = counter &+ 0x9E37_79B9_7F4A_7C15
            var z = counter
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix64()
        s1 = splitMix64()
        s2 = splitMix64()
        s3 = splitMix64()
    }

    /// Creates a generator from a raw xoshiro256** state (for checking against published vectors).
    /// An all-zero state, which would only ever produce zeros, is replaced by the state of seed 0.
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        if state == (0, 0, 0, 0) {
            self = RandomGenerator(seed: 0)
        } else {
            s0 = state.0
            s1 = state.1
            s2 = state.2
            s3 = state.3
        }
    }

    /// Rotates the 64 bits of `x` left by `k` places.
    private static func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// The next 64 random bits (one step of xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = RandomGenerator.rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = RandomGenerator.rotateLeft(s3, 45)
        return result
    }

    /// A uniform Double in [0, 1): the top 53 bits of `next()` times 2^-53.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in 0 ..< `bound`, without bias (Lemire's method). Returns 0 when `bound` is
    /// 1 or less, so it never traps.
    public mutating func nextInt(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            // 2^64 mod range: draws whose low half falls below it would make some results likelier.
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)  // < bound, so it fits
    }

    /// A standard normal value (mean 0, standard deviation 1) by the Box-Muller transform; consumes
    /// exactly two `nextDouble()` draws.
    public mutating func nextGaussian() -> Double {
        let u1 = 1.0 - nextDouble()
        let u2 = nextDouble()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }
}
