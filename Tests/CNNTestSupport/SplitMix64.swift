// SplitMix64: the tests' one small deterministic random generator, so that every run tries the same inputs
// and a failure can be reproduced from its seed.
import CNNCore

/// Steele, Lea and Flood's SplitMix64: one 64-bit state, advanced by the golden ratio and mixed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The state; the seed at the start.
    public var state: UInt64

    /// A generator starting at `state`.
    public init(state: UInt64) {
        self.state = state
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in 0..<1 (53 random bits).
    public mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }

    /// A whole number in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// A value in -1..<1.
    public mutating func value() -> Double {
        unit() * 2 - 1
    }

    /// A tensor of `shape` filled with values in -1..<1, row-major.
    public mutating func tensor(_ shape: [Int]) throws -> Tensor {
        let count = shape.reduce(1, *)
        return try Tensor(shape: shape, scalars: (0..<count).map { _ in value() })
    }
}
