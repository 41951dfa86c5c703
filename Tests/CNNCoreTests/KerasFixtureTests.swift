// Tests against Keras 3 itself (tools/fixtures/gen_keras.py: Keras on JAX in float64): the optimizers'
// steps, crossentropy on probabilities and the gradients at ties.
//
// Fixtures/keras/index.txt lists one case per line, `<name> <op> key=value ...`; each test picks its op's
// cases, so a case added to the generator is never skipped, and checks that it found some.
import Testing
@testable import CNNCore
import CNNTestSupport

private let kerasFixtures = FixtureSet("keras")

/// The largest difference between two lists, relative to 1 or the expected value's size.
private func relativeGap(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) / Swift.max(1, abs($1)) }.max() ?? 0
}

@Test func everyKerasFixtureIsChecked() {
    let known: Set = ["optimizer", "crossentropy", "tie"]
    #expect(kerasFixtures.all.count >= 8)
    for fixture in kerasFixtures.all {
        #expect(known.contains(fixture.op), "\(fixture) has an op no test checks: \(fixture.op)")
    }
}

/// Several steps of each optimizer on two parameters, with Keras' default learning rate and with lr=0.01:
/// every weight after every step equals Keras' to 1e-13 (Double rounding, not a different formula: the
/// old RMSprop formula, epsilon outside the root, missed the first step of opt_rmsprop_default by 2.9e-3).
@Test func optimizerStepsMatchKeras() throws {
    let cases = kerasFixtures.cases("optimizer")
    #expect(cases.count >= 8)
    for fixture in cases {
        let kind = try #require(Optimizer.Kind(rawValue: fixture.params["kind"] ?? ""), "\(fixture)")
        let steps = try #require(fixture.int("steps")), count = try #require(fixture.int("parameters"))
        var optimizer = try Optimizer(kind: kind, learningRate: fixture.double("lr"))
        var parameters = try (0..<count).map { try fixture.array("w\($0)") }
        let gradients = try (0..<count).map { try fixture.array("g\($0)") }
        let after = try (0..<count).map { try fixture.array("after\($0)") }
        for t in 0..<steps {
            let step = try gradients.map { try $0.sliced([.index(t), .range(start: nil, stop: nil, step: nil)]) }
            optimizer.update(&parameters, gradients: step)
            for k in 0..<count {
                let expected = try after[k].sliced([.index(t), .range(start: nil, stop: nil, step: nil)]).scalars
                let gap = relativeGap(parameters[k].scalars, expected)
                #expect(gap < 1e-13, "\(fixture) step \(t + 1) parameter \(k): off by \(gap)")
            }
        }
    }
}

/// crossentropy(p, t) is Keras' categorical_crossentropy(from_logits=False): p rescaled to sum to 1 per
/// example, then clipped; its gradients with respect to p and t are jax.grad of Keras' own function.
@Test func crossentropyOfProbabilitiesMatchesKeras() throws {
    let cases = kerasFixtures.cases("crossentropy")
    #expect(cases.count >= 6)
    for fixture in cases {
        let p = try fixture.array("p"), t = try fixture.array("t")
        let value = try Loss.crossEntropy(probabilities: p, target: t)
        let expected = try fixture.array("value").scalars[0]
        #expect(abs(value - expected) <= 1e-12 * Swift.max(1, abs(expected)), "\(fixture): \(value) vs \(expected)")
        let dp = try Loss.crossEntropyGradient(probabilities: p, target: t)
        #expect(relativeGap(dp.scalars, try fixture.array("d_p").scalars) < 1e-12, "\(fixture) dL/dp: \(dp.scalars)")
        let dt = try Loss.crossEntropyTargetGradient(probabilities: p, target: t)
        #expect(relativeGap(dt.scalars, try fixture.array("d_t").scalars) < 1e-12, "\(fixture) dL/dt: \(dt.scalars)")
    }
}

/// The issue's two numbers, spelled out: 0.47 (not 0.69) and [-0.43, 1, 1] (not [-1.43, 0, 0]).
@Test func crossentropyRescalesLikeKerasInTheIssuesExamples() throws {
    let value = try Loss.crossEntropy(probabilities: Tensor(vector: [0.5, 0.2, 0.1]), target: Tensor(vector: [1, 0, 0]))
    #expect(abs(value - 0.4700036292457356) < 1e-12)
    let dp = try Loss.crossEntropyGradient(probabilities: Tensor(vector: [0.7, 0.2, 0.1]), target: Tensor(vector: [1, 0, 0]))
    #expect(relativeGap(dp.scalars, [1 - 1 / 0.7, 1, 1]) < 1e-12)
    // Probabilities that sum to 0 (or to nan) cannot be rescaled: a clear error, not nan.
    #expect(throws: CoreError.self) { try Loss.crossEntropy(probabilities: Tensor(vector: [0, 0, 0]), target: Tensor(vector: [1, 0, 0])) }
}

/// Gradients at ties, from jax.grad through Keras' ops and layers on inputs full of equal values: max, min
/// and global max pooling share the gradient among tied cells; window max pooling gives it to the first.
@Test func tieGradientsMatchKeras() throws {
    let cases = kerasFixtures.cases("tie")
    #expect(cases.count >= 10)
    for fixture in cases {
        let x = try fixture.array("x"), upstream = try fixture.array("upstream")
        let expected = try fixture.array("d_x").scalars
        let dx: Tensor
        switch fixture.params["fn"] ?? "" {
        case "max", "min":
            let kind: ReductionKind = fixture.params["fn"] == "max" ? .max : .min
            let axis = fixture.int("axis")
            let output = try axis.map { try x.reduced(kind, axis: $0).tensor } ?? Tensor(vector: [x.reduced(kind)])
            #expect(output.scalars == (try fixture.array("output").scalars), "\(fixture) forward")
            dx = try Tensor.reductionBackward(kind, input: x, axis: axis, outputGradient: upstream)
        case "globalmax":
            let pooling = GlobalPooling(kind: .max)
            #expect(try pooling.apply(x).scalars == (try fixture.array("output").scalars), "\(fixture) forward")
            dx = try pooling.backward(input: x, outputGradient: upstream)
        case "windowmax":
            let size = try #require(fixture.int("size")), stride = try #require(fixture.int("stride"))
            let pooling = Pooling(kind: .max, size: Pair(size, size), stride: Pair(stride, stride), padding: .valid)
            #expect(try pooling.apply(x).scalars == (try fixture.array("output").scalars), "\(fixture) forward")
            dx = try pooling.backward(input: x, outputGradient: upstream)
        default:
            Issue.record("\(fixture): unknown fn")
            continue
        }
        #expect(relativeGap(dx.scalars, expected) < 1e-14, "\(fixture): \(dx.scalars) vs \(expected)")
    }
}
