// Convolution against the NumPy/SciPy reference fixtures written by tools/fixtures/gen_conv.py.
//
// Fixtures/conv/index.txt lists one case per line: `name stride_r stride_c pad_mode t b l r dil_r dil_c bias`.
// Every case is run through both the fast path and the reference loops, and the plan's padding amounts
// must equal the ones the generator computed with its own copy of TensorFlow's `same` rule.
import Testing
@testable import CNNCore
import CNNTestSupport

/// One line of Fixtures/conv/index.txt.
struct ConvFixtureCase: CustomStringConvertible, Sendable {
    var name: String
    var stride: Pair
    var mode: String
    var amounts: PaddingAmounts
    var dilation: Pair
    var hasBias: Bool

    var description: String { name }

    /// The padding the case asks for.
    var padding: Padding {
        switch mode {
        case "same": return .same
        case "full": return .full
        case "explicit": return .explicit(amounts)
        default: return .valid
        }
    }

    func array(_ suffix: String) throws -> Tensor {
        try NPY.read(path: ConvFixtures.folder + "\(name).\(suffix).npy")
    }
}

/// Access to the convolution fixtures.
enum ConvFixtures {
    /// Fixtures/conv/ next to this source file.
    static let folder = TestFiles.fixtures("conv")

    /// Every case of the index, in file order (empty if the index cannot be read; a test checks the count).
    static let cases: [ConvFixtureCase] = {
        var result: [ConvFixtureCase] = []
        for line in (TestFiles.text(folder + "index.txt") ?? "").split(separator: "\n") where !line.hasPrefix("#") {
            let words = line.split(separator: " ").map(String.init)
            let numbers = words.dropFirst().compactMap { Int($0) }
            guard words.count == 11, numbers.count == 9 else { continue }
            result.append(ConvFixtureCase(
                name: words[0], stride: Pair(numbers[0], numbers[1]), mode: words[3],
                amounts: PaddingAmounts(top: numbers[2], bottom: numbers[3], left: numbers[4], right: numbers[5]),
                dilation: Pair(numbers[6], numbers[7]), hasBias: numbers[8] == 1))
        }
        return result
    }()

    /// The largest element-wise difference relative to max(1, |expected|); infinity when shapes differ.
    static func relativeError(_ actual: Tensor, _ expected: Tensor) -> Double {
        guard actual.shape == expected.shape else { return .infinity }
        var worst = 0.0
        for (a, e) in zip(actual.scalars, expected.scalars) {
            worst = Swift.max(worst, abs(a - e) / Swift.max(1, abs(e)))
        }
        return worst
    }
}

@Test func convFixturesAreAllListed() {
    #expect(ConvFixtures.cases.count >= 40)
    let modes = Set(ConvFixtures.cases.map(\.mode))
    #expect(modes == ["valid", "same", "full", "explicit"])
}

@Test(arguments: ConvFixtures.cases)
func convolutionMatchesNumPy(_ fixture: ConvFixtureCase) throws {
    let input = try fixture.array("input")
    let kernel = try fixture.array("kernel")
    let bias = fixture.hasBias ? try fixture.array("bias") : nil
    let expected = try fixture.array("expected")
    let conv = try Convolution(stride: fixture.stride, padding: fixture.padding, dilation: fixture.dilation)

    let plan = try conv.plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape)
    #expect(plan.paddingAmounts == fixture.amounts, "padding of \(fixture.name)")
    #expect(plan.outputShape == expected.shape)

    let fast = try conv.apply(input, kernel: kernel, bias: bias)
    let reference = try conv.applyReference(input, kernel: kernel, bias: bias)
    #expect(ConvFixtures.relativeError(fast, expected) <= 1e-9, "fast path on \(fixture.name)")
    #expect(ConvFixtures.relativeError(reference, expected) <= 1e-9, "reference on \(fixture.name)")
}

@Test func notesTenByTenWithOnesKernelShowsItsArithmetic() throws {
    let fixture = try #require(ConvFixtures.cases.first { $0.name == "notes_rand10_ones3_valid" })
    let input = try fixture.array("input")
    let kernel = try fixture.array("kernel")
    let plan = try Convolution().plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: nil)
    #expect(plan.outputShape == [8, 8] && plan.arithmetic == "out = (10 - 3)/1 + 1 = 8")
}

@Test func notesThirtyTwoByThirtyTwoByThreeWithOneFilterGivesOneMap() throws {
    let fixture = try #require(ConvFixtures.cases.first { $0.name == "notes_32x32x3_one_5x5x3_filter" })
    let input = try fixture.array("input")
    let kernel = try fixture.array("kernel")
    let output = try Convolution().apply(input, kernel: kernel)
    #expect(input.shape == [32, 32, 3])
    #expect(kernel.shape == [5, 5, 3])
    #expect(output.shape == [28, 28, 1])
}
