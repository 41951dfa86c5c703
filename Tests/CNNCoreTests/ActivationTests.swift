// Tests of the activation functions: agreement with NumPy, numerical stability, the leaky slope, formulas.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func activationsMatchNumPyReference() throws {
    let cases = OpsFixtures.cases("activation")
    #expect(cases.count >= 19, "Fixtures/ops/index.txt should list the activation cases")
    var kindsSeen = Set<ActivationKind>()
    for fixture in cases {
        let kind = try #require(ActivationKind(rawValue: fixture.params["kind"] ?? ""), "\(fixture)")
        kindsSeen.insert(kind)
        let input = try fixture.array("input")
        let output: Tensor
        if let slope = fixture.params["slope"] {
            output = try Activation.apply(kind, to: input, slope: try #require(Double(slope)))
        } else {
            output = try Activation.apply(kind, to: input)
        }
        #expect(OpsFixtures.close(output, try fixture.array("expected")), "case \(fixture)")
    }
    #expect(kindsSeen == Set(ActivationKind.allCases), "every activation has fixtures")
}

@Test func sigmoidAndSoftmaxStayFiniteForLargeInputs() throws {
    #expect(Activation.sigmoid(1000) == 1)
    #expect(Activation.sigmoid(-1000) == 0)
    #expect(Activation.sigmoid(0) == 0.5)
    #expect(Activation.sigmoid(-40) > 0)
    let softmax = try Activation.apply(.softmax, to: try Tensor(vector: [1000, 1001, 1002]))
    #expect(softmax.scalars.allSatisfy { $0.isFinite })
    let total: Double = softmax.scalars.reduce(0, +)
    #expect(abs(total - 1) < 1e-15)
    #expect(softmax.scalars[2] > softmax.scalars[1])
}

@Test func softmaxWorksAlongTheLastAxis() throws {
    let input = try Tensor(rows: [[1, 2, 3], [0, 0, 0]])
    let output = try Activation.apply(.softmax, to: input)
    #expect(output.shape == [2, 3])
    let firstRow: Double = output.scalars[0..<3].reduce(0, +)
    #expect(abs(firstRow - 1) < 1e-15)
    #expect(output.scalars[3..<6].allSatisfy { abs($0 - 1.0 / 3) < 1e-15 })
    // A map's channels at each pixel sum to 1.
    let map = try OpsFixtures.random([2, 2, 4], seed: 3)
    let perPixel = try Activation.apply(.softmax, to: map)
    for pixel in 0..<4 {
        let channels: Double = perPixel.scalars[pixel * 4..<pixel * 4 + 4].reduce(0, +)
        #expect(abs(channels - 1) < 1e-14)
    }
}

@Test func elementWiseActivationsKeepTheShape() throws {
    let input = try Tensor(rows: [[-2, -0.5], [0, 3]])
    #expect(try Activation.apply(.relu, to: input).scalars == [0, 0, 0, 3])
    #expect(try Activation.apply(.leakyrelu, to: input).scalars == [-0.6, -0.15, 0, 3])
    #expect(try Activation.apply(.leakyrelu, to: input, slope: 0).scalars == [0, 0, 0, 3])
    #expect(try Activation.apply(.linear, to: input) == input)
    for kind in ActivationKind.allCases {
        #expect(try Activation.apply(kind, to: input).shape == [2, 2])
    }
    #expect(Activation.defaultLeakySlope == 0.3)
}

@Test func activationsLetNaNThrough() throws {
    let input = try Tensor(vector: [.nan, 1])
    for kind in ActivationKind.allCases {
        #expect(try Activation.apply(kind, to: input).scalars[0].isNaN, "\(kind)")
    }
}

@Test func leakySlopeMustBeZeroOrMore() throws {
    let input = try Tensor(vector: [-1, 1])
    let negative = coreError { try Activation.apply(.leakyrelu, to: input, slope: -0.5) }
    #expect(negative?.message == "leakyrelu: the slope must be a number of 0 or more, not -0.5")
    #expect(negative?.hint == "Keras' LeakyReLU uses 0.3 by default; 0 gives plain relu")
    #expect(coreError { try Activation.apply(.leakyrelu, to: input, slope: .nan) } != nil)
    #expect(coreError { try Activation.apply(.leakyrelu, to: input, slope: .infinity) } != nil)
    // Other activations ignore the slope.
    #expect(try Activation.apply(.relu, to: input, slope: -1).scalars == [0, 1])
}

@Test func activationFormulasForStepHeaders() {
    #expect(Activation.formula(.relu) == "relu(x) = max(0, x)")
    #expect(Activation.formula(.leakyrelu) == "leakyrelu(x) = x if x >= 0, else 0.3 * x")
    #expect(Activation.formula(.leakyrelu, slope: 0.1) == "leakyrelu(x) = x if x >= 0, else 0.1 * x")
    #expect(Activation.formula(.sigmoid) == "sigmoid(x) = 1 / (1 + e^-x)")
    for kind in ActivationKind.allCases {
        #expect(Activation.formula(kind).hasPrefix(kind.rawValue + "(x)"))
    }
}

@Test func reluInPlaceOnABatchGivesReluAndItsSlopeFromTheOutputGivesReluBackward() throws {
    let x = try Tensor(shape: [2, 3], scalars: [-1.5, 0, .nan, 2.25, -0.0, 1e-300])
    let other = try Tensor(shape: [2, 3], scalars: [3, -3, 0.5, -0.5, 7, -7])
    let kept = x  // shares x's storage: the in-place relu must copy, not change it
    var batch = [x, other]
    try Activation.reluInPlace(&batch)
    #expect(kept.scalars[0] == -1.5, "a tensor sharing the storage is unchanged")
    for (y, input) in zip(batch, [x, other]) {
        let expected = try Activation.apply(.relu, to: input)
        #expect(zip(y.scalars, expected.scalars).allSatisfy { $0.bitPattern == $1.bitPattern })
    }
    let g = try Tensor(shape: [2, 3], scalars: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    var gradients = [g, g]
    try Activation.reluBackwardInPlace(outputs: batch, gradients: &gradients)
    for (d, input) in zip(gradients, [x, other]) {
        let expected = try Activation.backward(.relu, input: input, outputGradient: g)
        #expect(zip(d.scalars, expected.scalars).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) })
    }
    #expect(g.scalars == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], "the shared gradient is unchanged")
    var wrong = [g]
    #expect(throws: CoreError.self) { try Activation.reluBackwardInPlace(outputs: batch, gradients: &wrong) }
}
