// Tests of grad, the losses and step through the language: every operation a script can compute is
// differentiated by walking its recorded steps, and the result is checked against central finite
// differences of the same script (the variable nudged up and down, everything after it run again) and,
// for whole small networks, against JAX (tools/fixtures/gen_grad.py, network_* cases).
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

/// A gradient case: constants, then a program computing `loss` from the variable `wrt`.
private struct ScriptGradientCase: CustomStringConvertible, Sendable {
    var setup: String
    var wrt: String
    var program: String
    var description: String { program }
}

private let scriptGradientCases: [ScriptGradientCase] = [
    // Convolution: every padding, stride, dilation and channel layout, with and without bias.
    .init(setup: "x = randn(6, 7); t = randn(4, 5)", wrt: "k", program: "loss = mse(conv(x, k), t)"),
    .init(setup: "x = randn(6, 7); t = randn(6, 7)", wrt: "x", program: "loss = mse(conv(x, k, padding=same), t)"),
    .init(setup: "x = randn(5, 6, 2); t = randn(3, 3, 3)", wrt: "k3",
          program: "y = conv(x, k3, stride=2, padding=same, bias=[0.1, -0.2, 0.3])\nloss = mse(y, t)"),
    .init(setup: "x = randn(7, 7); t = randn(9, 9)", wrt: "k", program: "loss = sum(conv(x, k, padding=full) * t)"),
    .init(setup: "x = randn(9, 8); t = randn(5, 4)", wrt: "k", program: "loss = mean(conv(x, k, dilation=2) * t)"),
    .init(setup: "x = randn(6, 6); t = randn(7, 3)", wrt: "x", program: "loss = sum(conv(x, k, stride=[1, 2], padding=[1, 2, 0, 1]) * t)"),
    .init(setup: "x = randn(5, 5, 2)", wrt: "bias", program: "loss = sum(conv(x, k3, bias=bias) * conv(x, k3, bias=bias))"),
    // Pooling of every kind and padding.
    .init(setup: "x = randn(7, 7); t = randn(3, 3)", wrt: "x", program: "loss = mse(maxpool(x), t)"),
    .init(setup: "x = randn(7, 7); t = randn(4, 4)", wrt: "x", program: "loss = mse(maxpool(x, padding=fit), t)"),
    .init(setup: "x = randn(6, 5, 2); t = randn(6, 5, 2)", wrt: "x", program: "loss = mse(avgpool(x, 3, stride=1, padding=same), t)"),
    .init(setup: "x = randn(7, 6)", wrt: "x", program: "loss = sum(avgpool(x, padding=fit) * [1, 2, 3; 4, 5, 6; 7, 8, 9; 1, 0, 1])"),
    .init(setup: "x = randn(7, 7) - 3; t = randn(4, 4)", wrt: "x", program: "loss = mse(maxpool(x, padding=ceil), t)"),
    .init(setup: "x = randn(7, 6, 2)", wrt: "x", program: "loss = sum(avgpool(x, 3, stride=2, padding=ceil) * avgpool(x, 3, stride=2, padding=ceil))"),
    .init(setup: "x = randn(4, 4, 3)", wrt: "x", program: "loss = sum(globalavgpool(x) * [1, 2, 3]) + sum(globalmaxpool(x))"),
    .init(setup: "x = randn(3, 3, 6)", wrt: "x", program: "loss = sum(depthmaxpool(x, 3) * depthmaxpool(x, 3))"),
    // Activations, flatten, dense, the matrix product.
    .init(setup: "x = randn(3, 4)", wrt: "x", program: "loss = sum(relu(x) * sigmoid(x)) + sum(tanh(x)) + sum(leakyrelu(x, 0.2))"),
    .init(setup: "x = randn(2, 5); t = [0, 1, 0, 0, 0; 0, 0, 0, 1, 0]", wrt: "x", program: "loss = mse(softmax(x), t)"),
    .init(setup: "x = randn(3, 3, 2); t = [1, 0, 0]", wrt: "w18",
          program: "v = flatten(relu(x))\nloss = crossentropy(softmax(dense(v, w18, [0.1, 0, -0.1])), t)"),
    .init(setup: "x = randn(4, 3); t = [1, 0; 0, 1; 1, 0; 0, 1]", wrt: "w32", program: "loss = crossentropy(softmax(x @ w32), t)"),
    // Probabilities that do not sum to 1: Keras' rescaling, differentiated.
    .init(setup: "x = randn(3, 4); t = [1, 0, 0, 0; 0, 0.5, 0.5, 0; 0, 0, 0, 1]", wrt: "x", program: "loss = crossentropy(sigmoid(x), t)"),
    .init(setup: "v = randn(3)", wrt: "w32", program: "loss = sum(v @ w32) + sum(w32 @ [1, 2])"),
    .init(setup: "t = [0.2, 0.3, 0.5]", wrt: "z", program: "p = softmax(z)\nloss = crossentropy(p, t) + crossentropy(p, [0, 1, 0])"),
    .init(setup: "t = [0, 0, 1]", wrt: "p3", program: "loss = crossentropy(p3, t)"),
    // Arithmetic with broadcasting and numbers, negation, slicing, reductions, literals and the tensor tools.
    .init(setup: "a = randn(3, 1); c = randn(1, 4)", wrt: "a", program: "loss = sum((a + c) * (a - c) / (c * c + 1)) + sum(-a * 2)"),
    .init(setup: "x = 2", wrt: "w", program: "y = w * x\nloss = (y - 1) * (y - 1)"),
    .init(setup: "x = randn(5, 6)", wrt: "x", program: "loss = sum(x[1:4, ::-2] * x[0:3, 0:3]) + x[2, 3] * x[4, -1]"),
    .init(setup: "x = randn(3, 4, 2)", wrt: "x", program: "loss = sum(max(x, axis=1)) + sum(mean(x, axis=0) * min(x, axis=-1)[0, 1])"),
    .init(setup: "a = randn(2, 2); b = randn(2, 2)", wrt: "a", program: "s = stack(a, b, a * b)\nloss = sum(s * s) + sum([a, b][0] * 3)"),
    .init(setup: "x = 0.7", wrt: "x", program: "output = [x, 0]\nloss = mse(output, [1, 0])"),
    .init(setup: "x = randn(3, 4)", wrt: "x", program: "loss = sum(pad(x, [1, 0, 2, 1], 5) * pad(x, [0, 1, 1, 2])[0:4, 0:7]) + sum(clip(x, -0.5, 0.5))"),
    .init(setup: "x = randn(2, 3, 4)", wrt: "x", program: "loss = sum(transpose(x, [2, 0, 1]) * reshape(x, 4x2x3)) + sum(transpose(x[0]) @ x[1])"),
    // In place: `relu f` rebinds f; the gradient is taken with respect to the value f had when used.
    .init(setup: "x = randn(5, 5); t = randn(3, 3)", wrt: "k", program: "f = conv(x, k)\nrelu f\nloss = mse(f, t)"),
]

/// Seeded variables the cases differentiate with respect to.
private let scriptGradientPrelude = """
    seed 5
    k = randn(3, 3); k3 = randn(3, 3, 2, 3); bias = [0.5, -0.5, 0.25]; w18 = randn(18, 3); w32 = randn(3, 2)
    z = randn(3); p3 = [0.2, 0.3, 0.5]; w = 0.35
    """

/// The loss after running `program` with `wrt` set to `value` (everything else as `script` has it).
private func loss(_ script: Script, program: String, wrt: String, value: Value) throws -> Double {
    script.interpreter.assign(wrt, Variable(value: value, provenance: nil))
    try script.run(program)
    switch script.interpreter.environment["loss"]?.value {
    case .number(let x)?: return x
    default: throw TestFailure("loss is not a number")
    }
}

@Test(arguments: scriptGradientCases)
private func gradOfAScriptAgreesWithFiniteDifferences(_ testCase: ScriptGradientCase) throws {
    let script = Script()
    try script.run(scriptGradientPrelude)
    try script.run(testCase.setup)
    try script.run(testCase.program)
    let value = try #require(script.interpreter.environment[testCase.wrt]?.value)
    let gradient = try script.value("g = grad(loss, \(testCase.wrt))")
    let h = 1e-6
    switch (value, gradient) {
    case (.number(let x), .number(let g)):
        let up = try loss(script, program: testCase.program, wrt: testCase.wrt, value: .number(x + h))
        let down = try loss(script, program: testCase.program, wrt: testCase.wrt, value: .number(x - h))
        #expect(close(g, (up - down) / (2 * h), tolerance: 1e-6), "\(testCase): \(g) vs \((up - down) / (2 * h))")
    case (.tensor(let x), .tensor(let g)):
        #expect(g.shape == x.shape)
        for i in 0..<x.count {
            var up = x, down = x
            up.withUnsafeMutableScalars { $0[i] += h }
            down.withUnsafeMutableScalars { $0[i] -= h }
            let numeric = (try loss(script, program: testCase.program, wrt: testCase.wrt, value: .tensor(up))
                - loss(script, program: testCase.program, wrt: testCase.wrt, value: .tensor(down))) / (2 * h)
            #expect(close(g.scalars[i], numeric, tolerance: 1e-6), "\(testCase), cell \(i): \(g.scalars[i]) vs \(numeric)")
        }
    default:
        Issue.record("\(testCase): the gradient is \(gradient.kindDescription) for \(value.kindDescription)")
    }
}

// MARK: - Whole networks against JAX

/// The network_* cases of tools/fixtures/gen_grad.py written as scripts (the same computation as the JAX function).
private let networkScripts: [String: (program: String, operands: [String])] = [
    "network_cnn": ("""
        y = conv(x, kernel, padding=same, bias=bias)
        relu y
        maxpool y
        z = dense(flatten(y), weights, dense_bias)
        loss = crossentropy(softmax(z), t)
        """, ["x", "kernel", "bias", "weights", "dense_bias", "t"]),
    "network_mse": ("""
        y = sigmoid(conv(x, kernel, stride=2))
        loss = mse(tanh(avgpool(y, padding=fit)), target)
        """, ["x", "kernel", "target"]),
    "network_mixed": ("""
        h = a[1:4, ::2] @ w + b
        h = leakyrelu(h) * c
        s = -sum(h, axis=0)
        s = clip(s, -0.8, 0.8)
        loss = mean(stack(s, s * s)) + h[2, 1] / 2
        """, ["a", "w", "b", "c"]),
]

@Test(arguments: networkScripts.keys.sorted())
func gradOfAWholeNetworkMatchesJAX(_ name: String) throws {
    let (program, operands) = try #require(networkScripts[name])
    let script = Script()
    for operand in operands {
        try script.run("\(operand) = load(\"\(GradientFixtures.folder)\(name).\(operand).npy\")")
    }
    try script.run(program)
    let expectedLoss = try NPY.read(path: GradientFixtures.folder + "\(name).value.npy").scalars[0]
    #expect(close(try script.number("loss"), expectedLoss, tolerance: 1e-12), "\(name): loss")
    for operand in operands {
        let expected = try NPY.read(path: GradientFixtures.folder + "\(name).d_\(operand).npy")
        let actual = try script.tensor("grad(loss, \(operand))")
        #expect(matches(actual, shape: expected.shape, values: expected.scalars, tolerance: 1e-10), "\(name): d loss / d \(operand)")
    }
}

// MARK: - step

@Test func stepMovesAgainstTheGradientAndRecomputesTheLoss() throws {
    let script = Script(seed: 3)
    try script.run("x = rand(6, 6); k = rand(3, 3); t = zeros(4, 4); y = conv(x, k); loss = mse(y, t)")
    let before = try script.tensor("k")
    let gradient = try script.tensor("grad(loss, k)")
    let lossBefore = try script.number("loss")
    let outcomes = try script.run("step k 0.1")
    guard case .gradientStep(let report)? = outcomes.last else { Issue.record("no step report: \(outcomes)"); return }
    let after = try script.tensor("k")
    #expect(matches(after, shape: [3, 3], values: zip(before.scalars, gradient.scalars).map { $0 - 0.1 * $1 }))
    // The loss and y were computed again from the new k, exactly as computing them afresh would.
    let recomputed = try script.number("mse(conv(x, k), t)")
    #expect(try script.number("loss") == recomputed)
    #expect(try script.tensor("y") == script.tensor("conv(x, k)"))
    #expect(report.lossBefore == lossBefore && report.lossAfter == recomputed && recomputed < lossBefore)
    #expect(report.recomputed == ["y", "loss"])
    // Repeating the step keeps lowering the loss.
    var last = recomputed
    for _ in 0..<5 {
        try script.run("step k 0.05")
        let now = try script.number("loss")
        #expect(now < last)
        last = now
    }
}

@Test func stepWorksOnNumbersAndOnANamedLoss() throws {
    let script = Script()
    try script.run("x = 2; w = 0.35; y = w * x; err = (y - 1) * (y - 1)")
    try script.run("step w 0.1 loss=err")
    #expect(close(try script.number("w"), 0.47))
    #expect(close(try script.number("y"), 0.94))
    #expect(close(try script.number("err"), 0.0036))
}

@Test func stepThroughASoftmaxClassifierLowersTheCrossentropy() throws {
    let script = Script(seed: 11)
    try script.run("x = rand(4, 4, 1); k = randn(3, 3, 1, 2) * 0.5; w = randn(8, 3) * 0.5; t = [0, 0, 1]")
    try script.run("p = softmax(dense(flatten(maxpool(relu(conv(x, k, padding=same)))), w)); loss = crossentropy(p, t)")
    let start = try script.number("loss")
    for _ in 0..<3 { try script.run("step w 0.5; step k 0.5") }
    #expect(try script.number("loss") < start)
    #expect(try script.number("loss") == script.number("crossentropy(softmax(dense(flatten(maxpool(relu(conv(x, k, padding=same)))), w)), t)"))
}

// MARK: - Errors a learner can make

@Test func gradAndStepSayWhatIsWrong() throws {
    #expect(failure("x = rand(3); loss = sum(x); y = rand(3); grad(loss, y)")?.contains("loss does not depend on y") == true)
    #expect(failureHint("x = rand(3); loss = sum(x); y = rand(3); grad(loss, y)")?.contains("loss was computed from x") == true)
    #expect(failure("x = rand(3); grad(x, x)")?.contains("the loss must be one number") == true)
    #expect(failure("x = rand(3); loss = 2; grad(loss, x)")?.contains("was typed in") == true)
    #expect(failure("x = rand(3); loss = sum(x); grad(loss, rand(3))")?.contains("must be the name of a variable") == true)
    // Changed after the loss was computed: the hint says so.
    #expect(failure("f = rand(3, 3) - 0.5; loss = sum(f); relu f; grad(loss, f)")?.contains("computed from an earlier f") == true)
    #expect(failure("x = rand(3); loss = sum(x); g = grad(loss, x); loss2 = sum(g * x); grad(loss2, x)")?.contains("second derivatives") == true)
    #expect(failure("x = rand(3); step x 0.1")?.contains("there is no variable 'loss'") == true)
    #expect(failure("x = rand(3); loss = sum(x); step x")?.contains("takes a variable and a learning rate") == true)
    #expect(failure("x = rand(3); loss = sum(x); step x [1, 2]")?.contains("learning rate must be a number") == true)
    #expect(failure("x = rand(3); loss = sum(x); step x 0.1 lr=2")?.contains("loss=NAME") == true)
    #expect(failure("mse([1, 2], [1, 2, 3])")?.contains("same shape") == true)
    // A loss of itself: the gradient is 1.
    let script = Script()
    try script.run("x = rand(2, 2); s = sum(x)")
    #expect(try script.number("grad(s, s)") == 1)
}

@Test func aGradientRecordsItsUsesForTracing() throws {
    let script = Script(seed: 2)
    try script.run("x = rand(5, 5); k = rand(3, 3); y = conv(x, k); loss = mse(y, zeros(3, 3)) + sum(k * k)")
    let provenance = try #require(try script.provenance("g = grad(loss, k)"))
    guard let record = (provenance.step?.operation as? GradientOperation)?.record else { Issue.record("no gradient record"); return }
    // k is used three times: as the kernel of the conv, and as both sides of k * k.
    #expect(record.targetName == "k" && record.uses.count == 3)
    let g = try script.tensor("g")
    // The uses' contributions add up to the gradient, and each cell's listed terms add up to its share.
    var total = try Tensor(shape: [3, 3], repeating: 0)
    for use in record.uses { total = try total + use.contribution }
    #expect(matches(total, shape: [3, 3], values: g.scalars))
    for use in record.uses {
        let terms = try use.terms(at: [1, 2])
        #expect(close(terms.sum.value, use.contribution.scalars[5], tolerance: 1e-12))
    }
    let conv = try #require(record.uses.first { $0.step.operation is ConvolutionOperation })
    #expect(conv.path == ["loss = mse(y, zeros(3, 3)) + sum(k * k)", "mse(y, zeros(3, 3))", "y = conv(x, k)"])
    #expect(conv.outputName == "y")
}
