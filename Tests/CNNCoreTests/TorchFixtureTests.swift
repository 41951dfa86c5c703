// Tests against PyTorch (tools/fixtures/gen_torch.py, float64): pooling with padding=ceil, which is
// PyTorch's ceil_mode=True, forward and backward; the sizes PyTorch refuses; clip's gradient at its bounds.
//
// Fixtures/torch/index.txt lists one case per line, `<name> <op> key=value ...`; each test picks its op's
// cases, so a case added to the generator is never skipped, and checks that it found some.
import Testing
@testable import CNNCore
import CNNTestSupport

private let torchFixtures = FixtureSet("torch")

@Test func everyTorchFixtureIsChecked() {
    let known: Set = ["ceilpool", "ceilpool_refused", "clip"]
    #expect(torchFixtures.all.count >= 20)
    for fixture in torchFixtures.all {
        #expect(known.contains(fixture.op), "\(fixture) has an op no test checks: \(fixture.op)")
    }
}

/// max_pool2d / avg_pool2d with ceil_mode=True: the same output (size and values, negative maxima kept,
/// edge averages over the real cells) and the same gradient, from the fast kernel and the reference loop.
@Test func ceilPoolingMatchesPyTorch() throws {
    let cases = torchFixtures.cases("ceilpool")
    #expect(cases.count >= 18)
    for fixture in cases {
        let kind: Pooling.Kind = fixture.params["kind"] == "max" ? .max : .average
        let pooling = Pooling(kind: kind, size: try #require(fixture.pair("size")), stride: try #require(fixture.pair("stride")),
                              padding: .ceil)
        let x = try fixture.array("x"), expected = try fixture.array("output")
        let output = try pooling.apply(x)
        #expect(output.shape == expected.shape, "\(fixture): \(output.shape) vs \(expected.shape)")
        #expect(zip(output.scalars, expected.scalars).allSatisfy { abs($0 - $1) <= 1e-14 }, "\(fixture): \(output.scalars)")
        #expect(try pooling.applyReference(x) == output, "\(fixture): reference loop")
        let dx = try pooling.backward(input: x, outputGradient: try fixture.array("upstream"))
        let expectedGradient = try fixture.array("d_x").scalars
        #expect(zip(dx.scalars, expectedGradient).allSatisfy { abs($0 - $1) <= 1e-14 }, "\(fixture): \(dx.scalars)")
    }
}

/// Where no window can start inside the input, PyTorch refuses and so does padding=ceil (a clear error).
@Test func ceilPoolingRefusesWhatPyTorchRefuses() throws {
    let cases = torchFixtures.cases("ceilpool_refused")
    #expect(cases.count >= 2)
    for fixture in cases {
        let shape = try #require(fixture.pair("shape"))
        let pooling = Pooling(kind: .max, size: try #require(fixture.pair("size")), stride: try #require(fixture.pair("stride")),
                              padding: .ceil)
        #expect(throws: CoreError.self, "\(fixture)") { try pooling.plan(inputShape: [shape.rows, shape.cols]) }
    }
}

/// The notes' padding=fit is NOT ceil_mode: on an all-negative 3x3 map fit's padded zeros win, ceil keeps
/// the negative maxima (the pooling lesson's example).
@Test func fitAndCeilDifferOnNegativeValues() throws {
    let x = try Tensor(rows: [[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]])
    let fit = try Pooling(kind: .max, size: Pair(square: 2), padding: .padToFit).apply(x)
    let ceil = try Pooling(kind: .max, size: Pair(square: 2), padding: .ceil).apply(x)
    #expect(fit.scalars == [-1, 0, 0, 0])
    #expect(ceil.scalars == [-1, -3, -7, -9])
}

/// torch.clamp passes the gradient at a value exactly on a bound (1), as cnnrepl's clip does (and Keras on
/// TensorFlow); only values strictly outside get 0.
@Test func clipGradientAtTheBoundsMatchesPyTorch() throws {
    let cases = torchFixtures.cases("clip")
    #expect(cases.count >= 1)
    for fixture in cases {
        let low = try #require(fixture.double("low")), high = try #require(fixture.double("high"))
        let x = try fixture.array("x")
        #expect(try x.clipped(low: low, high: high).scalars == (try fixture.array("output").scalars), "\(fixture)")
        let dx = try Tensor.clipBackward(input: x, low: low, high: high, outputGradient: try fixture.array("upstream"))
        #expect(dx.scalars == (try fixture.array("d_x").scalars), "\(fixture)")
    }
}
