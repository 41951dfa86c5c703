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
/// old RMSprop and Adam formulas miss by 1e-6 to 3e-3).
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
