// RandomSource: the session's random numbers. One generator that every random built-in, `run` and `train`
// draw from, and the seed it last started from; `seed N` and `reset` restart it. A command that may fail
// part-way draws from a copy of the generator and stores the copy back only when it succeeds.
import CNNCore

/// The session's random generator and the seed it last started from.
public struct RandomSource: Equatable, Sendable {
    /// The seed the generator was last started from.
    public private(set) var seed: UInt64
    /// The generator; drawing advances it.
    public var generator: RandomGenerator

    /// A generator started from `seed`.
    public init(seed: UInt64 = RandomGenerator.defaultSeed) {
        self.seed = seed
        self.generator = RandomGenerator(seed: seed)
    }

    /// Starts the generator over from `seed`.
    public mutating func restart(from seed: UInt64) {
        self = RandomSource(seed: seed)
    }
}
