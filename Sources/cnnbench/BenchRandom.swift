// BenchRandom: the small deterministic generator the benchmark's inputs come from.
import CNNCore

/// SplitMix64, for benchmark inputs (the values do not matter for the timings, only the shapes).
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

    /// `count` random images of `shape` with labels 0, 1, ..., 9, 0, ... as a data set with no validation part.
    mutating func dataset(count: Int, shape: [Int]) throws -> Dataset {
        try Dataset(name: "random", images: tensor([count] + shape), labels: (0..<count).map { $0 % 10 }, classes: 10,
                    validationFraction: 0, seed: 1, attribution: "random numbers")
    }
}
