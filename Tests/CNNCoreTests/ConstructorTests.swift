// Tests of the tensor constructors against NumPy (tools/fixtures/gen_constructors.py) and the
// Python reference generator (tools/fixtures/gen_random.py).
import Testing
@testable import CNNCore
import CNNTestSupport

/// Loads a fixture from Tests/CNNCoreTests/Fixtures/<folder>/<name>.
private func constructorFixture(_ folder: String, _ name: String) throws -> Tensor {
    try NPY.read(path: TestFiles.fixtures(folder) + name)
}

@Test func zerosOnesAndFull() throws {
    let zeros = try Tensor.zeros([2, 3])
    #expect(zeros.shape == [2, 3])
    #expect(zeros.scalars == [0, 0, 0, 0, 0, 0])
    #expect(try Tensor.ones([4]).scalars == [1, 1, 1, 1])
    #expect(try Tensor.ones([1, 2, 1, 2]).shape == [1, 2, 1, 2])
    #expect(try Tensor.full([2, 3], value: -1.5) == constructorFixture("constructors", "full_2x3_minus1.5.npy"))
}

@Test func eyeMatchesNumPy() throws {
    #expect(try Tensor.eye(3) == constructorFixture("constructors", "eye_3.npy"))
    #expect(try Tensor.eye(2, 4) == constructorFixture("constructors", "eye_2x4.npy"))
    #expect(try Tensor.eye(4, 2) == constructorFixture("constructors", "eye_4x2.npy"))
    #expect(try Tensor.eye(1) == constructorFixture("constructors", "eye_1.npy"))
}

@Test(arguments: 0..<10)
func rangeMatchesNumPyArange(index: Int) throws {
    let args = try constructorFixture("constructors", "arange_\(index)_args.npy").scalars
    let expected = try constructorFixture("constructors", "arange_\(index).npy")
    let actual = try Tensor.range(args[0], args[1], args[2])
    #expect(actual.shape == expected.shape, "arange\(args)")
    #expect(actual.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern), "arange\(args)")
}

@Test func rangeCountsFloatingStepsRobustly() throws {
    // NumPy's arange(1, 1.3, 0.1) has 4 values because (1.3 - 1)/0.1 = 3.0000000000000004; the stop
    // is excluded here as documented.
    #expect(try Tensor.range(1, 1.3, 0.1).count == 3)
    #expect(try Tensor.range(0, 0.3, 0.1).count == 3)
    #expect(try Tensor.range(0, 1, 0.1).count == 10)
    #expect(try Tensor.range(5).scalars == [0, 1, 2, 3, 4])
    #expect(try Tensor.range(0.5).scalars == [0])
    #expect(try Tensor.range(3, 0, -1).scalars == [3, 2, 1])
}

@Test func rangeErrors() {
    let zeroStep = #expect(throws: CoreError.self) { try Tensor.range(0, 5, 0) }
    #expect(zeroStep?.message == "range(0, 5, 0): the step cannot be 0")
    let empty = #expect(throws: CoreError.self) { try Tensor.range(5, 2, 1) }
    #expect(empty?.message == "range(5, 2, 1): there are no values from 5 up to 2 in steps of 1")
    #expect(empty?.hint?.contains("negative step") == true)
    #expect(throws: CoreError.self) { try Tensor.range(2, 5, -1) }
    #expect(throws: CoreError.self) { try Tensor.range(0, 0, 1) }
    #expect(throws: CoreError.self) { try Tensor.range(0) }
    let huge = #expect(throws: CoreError.self) { try Tensor.range(0, 1e12, 1) }
    #expect(huge?.message.contains("more than 100,000,000 values") == true)
    #expect(throws: CoreError.self) { try Tensor.range(0, 1e300, 1e-300) }
    #expect(throws: CoreError.self) { try Tensor.range(0, .infinity, 1) }
    #expect(throws: CoreError.self) { try Tensor.range(.nan, 1, 1) }
    #expect(throws: CoreError.self) { try Tensor.range(0, 1, .nan) }
}

@Test func sizesAreCheckedBeforeAllocating() {
    #expect(throws: CoreError.self) { try Tensor.zeros([100_000, 100_000]) }
    #expect(throws: CoreError.self) { try Tensor.ones([Int.max, Int.max]) }
    #expect(throws: CoreError.self) { try Tensor.full([0, 3], value: 1) }
    #expect(throws: CoreError.self) { try Tensor.zeros([]) }
    #expect(throws: CoreError.self) { try Tensor.zeros([1, 1, 1, 1, 1]) }
    #expect(throws: CoreError.self) { try Tensor.eye(0) }
    #expect(throws: CoreError.self) { try Tensor.eye(-3) }
    #expect(throws: CoreError.self) { try Tensor.eye(Int.max) }
    var generator = RandomGenerator(seed: 1)
    #expect(throws: CoreError.self) { try Tensor.rand([Int.max, 2], using: &generator) }
    #expect(throws: CoreError.self) { try Tensor.randn([-1], using: &generator) }
    #expect(throws: CoreError.self) { try Tensor.randint(0, 5, [100_000, 100_000], using: &generator) }
    let message = #expect(throws: CoreError.self) { try Tensor.zeros([0, 3]) }
    #expect(message?.message.hasPrefix("zeros: ") == true)
}

@Test func randomConstructorsMatchReference() throws {
    var generator = RandomGenerator(seed: 42)
    #expect(try Tensor.rand([3, 4], using: &generator) == constructorFixture("random", "rand_3x4_seed42.npy"))
    generator = RandomGenerator(seed: 42)
    #expect(try Tensor.randint(0, 5, [4, 4], using: &generator)
            == constructorFixture("random", "randint_0_5_4x4_seed42.npy"))
    generator = RandomGenerator(seed: 3)
    #expect(try Tensor.randint(-3, 3, [10], using: &generator)
            == constructorFixture("random", "randint_-3_3_10_seed3.npy"))
    generator = RandomGenerator(seed: 7)
    let normal = try Tensor.randn([2, 3, 4], using: &generator)
    let expected = try constructorFixture("random", "randn_2x3x4_seed7.npy")
    #expect(normal.shape == expected.shape)
    for (a, b) in zip(normal.scalars, expected.scalars) {
        #expect(abs(a - b) <= 1e-14 * max(1, abs(b)))
    }
}

@Test func randintErrors() {
    var generator = RandomGenerator(seed: 1)
    let backwards = #expect(throws: CoreError.self) { try Tensor.randint(5, 5, [2], using: &generator) }
    #expect(backwards?.message.hasPrefix("randint(5, 5): high must be larger than low") == true)
    #expect(throws: CoreError.self) { try Tensor.randint(5, 0, [2], using: &generator) }
    #expect(throws: CoreError.self) { try Tensor.randint(Int.min, Int.max, [2], using: &generator) }
    #expect(throws: CoreError.self) { try Tensor.randint(0, Int.max, [2], using: &generator) }
    let single = try? Tensor.randint(7, 8, [3], using: &generator)
    #expect(single?.scalars == [7, 7, 7])
    let wide = try? Tensor.randint(-Tensor.randintMaxMagnitude, Tensor.randintMaxMagnitude, [50], using: &generator)
    #expect(wide?.scalars.allSatisfy { abs($0) <= 9_007_199_254_740_992 && $0 == $0.rounded() } == true)
}
