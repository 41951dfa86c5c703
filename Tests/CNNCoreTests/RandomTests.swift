// Tests of RandomGenerator against a Python transcription of xoshiro256** (tools/fixtures/gen_random.py).
import Testing
@testable import CNNCore
import CNNTestSupport

/// Loads a fixture written by tools/fixtures/gen_random.py.
private func randomFixture(_ name: String) throws -> Tensor {
    try NPY.read(path: TestFiles.fixtures("random") + name)
}

/// Joins (high, low) 32-bit halves, stored as pairs of Doubles, into 64-bit words.
private func words(fromHalves tensor: Tensor) -> [UInt64] {
    stride(from: 0, to: tensor.count - 1, by: 2).map { i in
        UInt64(tensor.scalars[i]) << 32 | UInt64(tensor.scalars[i + 1])
    }
}

private let seeds: [UInt64] = [42, 0, 1, 123_456_789, UInt64.max]

@Test func matchesPublishedXoshiroOutputs() {
    // The reference C code of xoshiro256** started from state (1, 2, 3, 4).
    var generator = RandomGenerator(state: (1, 2, 3, 4))
    let first = (0..<4).map { _ in generator.next() }
    #expect(first == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
}

@Test(arguments: seeds)
func rawWordsMatchReference(seed: UInt64) throws {
    let expected = words(fromHalves: try randomFixture("seed\(seed)_next.npy"))
    #expect(expected.count == 32)
    var generator = RandomGenerator(seed: seed)
    #expect(expected.map { _ in generator.next() } == expected)
}

@Test(arguments: seeds)
func doublesMatchReference(seed: UInt64) throws {
    let expected = try randomFixture("seed\(seed)_double.npy").scalars
    var generator = RandomGenerator(seed: seed)
    let actual = expected.map { _ in generator.nextDouble() }
    #expect(actual == expected)
    #expect(actual.allSatisfy { $0 >= 0 && $0 < 1 })
}

@Test(arguments: seeds)
func gaussiansMatchReference(seed: UInt64) throws {
    let expected = try randomFixture("seed\(seed)_gaussian.npy").scalars
    var generator = RandomGenerator(seed: seed)
    for value in expected {
        let actual = generator.nextGaussian()
        // Same formula on both sides; allow a few ulps in case a libm rounds log/cos differently.
        #expect(abs(actual - value) <= 1e-14 * max(1, abs(value)), "seed \(seed): \(actual) vs \(value)")
    }
}

@Test(arguments: seeds)
func boundedIntegersMatchReference(seed: UInt64) throws {
    let bounds = words(fromHalves: try randomFixture("int_bounds.npy"))
    let table = try randomFixture("seed\(seed)_int.npy")
    #expect(table.shape == [bounds.count, 32, 2])
    let all = words(fromHalves: table)
    for (row, bound) in bounds.enumerated() {
        let expected = Array(all[(row * 32)..<(row * 32 + 32)])
        var generator = RandomGenerator(seed: seed)
        let actual = expected.map { _ in UInt64(generator.nextInt(below: Int(bound))) }
        #expect(actual == expected, "seed \(seed), bound \(bound)")
    }
}

@Test func defaultSeedIs42AndSequencesRepeat() {
    #expect(RandomGenerator.defaultSeed == 42)
    var a = RandomGenerator(seed: RandomGenerator.defaultSeed)
    var b = RandomGenerator(seed: 42)
    #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
    var c = RandomGenerator(seed: 43)
    var d = RandomGenerator(seed: 42)
    #expect(c.next() != d.next())
}

@Test func degenerateBoundsGiveZero() {
    var generator = RandomGenerator(seed: 1)
    #expect(generator.nextInt(below: 1) == 0)
    #expect(generator.nextInt(below: 0) == 0)
    #expect(generator.nextInt(below: -5) == 0)
    #expect(generator.nextInt(below: Int.min) == 0)
    let big = generator.nextInt(below: Int.max)
    #expect(big >= 0 && big < Int.max)
    // An all-zero state would repeat zeros forever; it is replaced.
    var zero = RandomGenerator(state: (0, 0, 0, 0))
    #expect(zero.next() != 0 || zero.next() != 0)
}

@Test func distributionsLookRight() {
    var generator = RandomGenerator(seed: RandomGenerator.defaultSeed)
    let n = 20_000
    let uniform = (0..<n).map { _ in generator.nextDouble() }
    let mean = uniform.reduce(0, +) / Double(n)
    #expect(abs(mean - 0.5) < 0.01)
    var counts = Array(repeating: 0, count: 6)
    for _ in 0..<n { counts[generator.nextInt(below: 6)] += 1 }
    #expect(counts.allSatisfy { abs($0 - n / 6) < n / 60 })
    let normal = (0..<n).map { _ in generator.nextGaussian() }
    let normalMean = normal.reduce(0, +) / Double(n)
    let variance = normal.map { ($0 - normalMean) * ($0 - normalMean) }.reduce(0, +) / Double(n)
    #expect(abs(normalMean) < 0.03)
    #expect(abs(variance - 1) < 0.05)
    #expect(normal.allSatisfy { $0.isFinite })
}
