// Tests of every backward pass and loss against JAX (tools/fixtures/gen_grad.py, float64 jax.grad).
//
// Fixtures/grad/index.txt lists one case per line, `<name> <op> key=value ... operands=a,b`. For an
// operation, JAX computed L = sum(op(operands) * G) for a random upstream G and its gradient with respect to
// each operand; the core's backward, handed G, must give the same. For a loss, JAX computed the value and
// its gradients. Each test picks its op's cases from the index, so a case added to the generator is never
// skipped, and checks that it found some.
import Testing
@testable import CNNCore
import CNNTestSupport

/// Every op of the index is checked here, except "network": whole scripts, checked through the language
/// (Tests/CNNScriptTests/GradientInterpreterTests.swift).
@Test func gradientFixturesAreAllRecognised() {
    let known: Set = ["conv", "pool", "globalpool", "depthwise", "activation", "dense", "matmul", "elementwise",
                      "slice", "stack", "concatenate", "pad", "clip", "reduction", "transpose", "reshape",
                      "mse", "crossentropy", "crossentropy_logits", "network"]
    #expect(GradientFixtures.all.count >= 130)
    for fixture in GradientFixtures.all {
        #expect(known.contains(fixture.op), "\(fixture) has an op no test checks: \(fixture.op)")
    }
}

@Test func convolutionGradientsMatchJAX() throws {
    let cases = GradientFixtures.cases("conv")
    #expect(cases.count >= 15)
    for fixture in cases {
        let padding: Padding
        switch fixture.params["padding"] ?? "" {
        case "valid": padding = .valid
        case "same": padding = .same
        case "full": padding = .full
        default:
            let a = fixture.integers("padding")
            try #require(a.count == 4, "\(fixture)")
            padding = .explicit(PaddingAmounts(top: a[0], bottom: a[1], left: a[2], right: a[3]))
        }
        let convolution = try Convolution(stride: #require(fixture.pair("stride")), padding: padding,
                                          dilation: #require(fixture.pair("dilation")))
        let input = try fixture.array("input"), kernel = try fixture.array("kernel")
        let bias = fixture.operands.contains("bias") ? try fixture.array("bias") : nil
        try GradientFixtures.expectOutput(try convolution.applyReference(input, kernel: kernel, bias: bias), fixture)
        let gradients = try convolution.backward(input: input, kernel: kernel, biasShape: bias?.shape,
                                                 outputGradient: fixture.array("upstream"))
        try GradientFixtures.expectGradient(gradients.input, fixture, "input")
        try GradientFixtures.expectGradient(gradients.kernel, fixture, "kernel")
        if bias != nil { try GradientFixtures.expectGradient(gradients.bias, fixture, "bias") }
        #expect((gradients.bias == nil) == (bias == nil), "\(fixture)")
    }
}

@Test func poolingGradientsMatchJAX() throws {
    let cases = GradientFixtures.cases("pool")
    #expect(cases.count >= 13)
    for fixture in cases {
        let pooling = try Pooling(kind: #require(Pooling.Kind(rawValue: fixture.params["kind"] ?? "")),
                                  size: #require(fixture.pair("size")), stride: #require(fixture.pair("stride")),
                                  padding: #require(Pooling.PaddingMode(rawValue: fixture.params["padding"] ?? "")))
        let input = try fixture.array("input")
        try GradientFixtures.expectOutput(try pooling.apply(input), fixture)
        let gradient = try pooling.backward(input: input, outputGradient: fixture.array("upstream"))
        try GradientFixtures.expectGradient(gradient, fixture, "input")
    }
}

@Test func globalAndDepthwisePoolingGradientsMatchJAX() throws {
    let global = GradientFixtures.cases("globalpool"), depthwise = GradientFixtures.cases("depthwise")
    #expect(global.count >= 4 && depthwise.count >= 3)
    for fixture in global {
        let pooling = GlobalPooling(kind: try #require(Pooling.Kind(rawValue: fixture.params["kind"] ?? "")))
        let input = try fixture.array("input")
        try GradientFixtures.expectOutput(try pooling.apply(input), fixture)
        try GradientFixtures.expectGradient(try pooling.backward(input: input, outputGradient: fixture.array("upstream")),
                                            fixture, "input")
    }
    for fixture in depthwise {
        let pooling = DepthwisePooling(size: try #require(Int(fixture.params["size"] ?? "")))
        let input = try fixture.array("input")
        try GradientFixtures.expectOutput(try pooling.apply(input), fixture)
        try GradientFixtures.expectGradient(try pooling.backward(input: input, outputGradient: fixture.array("upstream")),
                                            fixture, "input")
    }
}

@Test func activationGradientsMatchJAX() throws {
    let cases = GradientFixtures.cases("activation")
    #expect(cases.count >= 19)
    for fixture in cases {
        let kind = try #require(ActivationKind(rawValue: fixture.params["kind"] ?? ""))
        let slope = try #require(Double(fixture.params["slope"] ?? ""))
        let input = try fixture.array("input")
        try GradientFixtures.expectOutput(try Activation.apply(kind, to: input, slope: slope), fixture)
        let gradient = try Activation.backward(kind, input: input, outputGradient: fixture.array("upstream"), slope: slope)
        try GradientFixtures.expectGradient(gradient, fixture, "input")
    }
}

@Test func denseAndMatrixProductGradientsMatchJAX() throws {
    let dense = GradientFixtures.cases("dense"), products = GradientFixtures.cases("matmul")
    #expect(dense.count >= 4 && products.count >= 4)
    for fixture in dense {
        let input = try fixture.array("input")
        let layer = try Dense(weights: fixture.array("weights"),
                              bias: fixture.operands.contains("bias") ? fixture.array("bias") : nil)
        try GradientFixtures.expectOutput(try layer.apply(input), fixture)
        let gradients = try layer.backward(input: input, outputGradient: fixture.array("upstream"))
        try GradientFixtures.expectGradient(gradients.input, fixture, "input")
        try GradientFixtures.expectGradient(gradients.weights, fixture, "weights")
        if layer.bias != nil { try GradientFixtures.expectGradient(gradients.bias, fixture, "bias") }
    }
    for fixture in products {
        let left = try fixture.array("left"), right = try fixture.array("right")
        try GradientFixtures.expectOutput(try left.matrixProduct(right), fixture)
        let gradients = try Tensor.matrixProductBackward(left: left, right: right, outputGradient: fixture.array("upstream"))
        try GradientFixtures.expectGradient(gradients.left, fixture, "left")
        try GradientFixtures.expectGradient(gradients.right, fixture, "right")
    }
}

@Test func elementwiseGradientsWithBroadcastingMatchJAX() throws {
    let cases = GradientFixtures.cases("elementwise")
    #expect(cases.count >= 28)
    let operations: [String: ArithmeticOperation] = ["add": .add, "subtract": .subtract, "multiply": .multiply, "divide": .divide]
    for fixture in cases {
        let operation = try #require(operations[fixture.params["op"] ?? ""])
        let left = try fixture.array("left"), right = try fixture.array("right")
        try GradientFixtures.expectOutput(try left.elementwise(operation, right), fixture)
        let gradients = try operation.backward(left: left, right: right, outputGradient: fixture.array("upstream"))
        try GradientFixtures.expectGradient(gradients.left, fixture, "left")
        try GradientFixtures.expectGradient(gradients.right, fixture, "right")
    }
}

@Test func slicingGradientsMatchJAX() throws {
    let cases = GradientFixtures.cases("slice")
    #expect(cases.count >= 6)
    for fixture in cases {
        let selections = try (fixture.params["select"] ?? "").split(separator: ";").map { part -> AxisSelection in
            guard part.contains(":") else { return .index(try #require(Int(part))) }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            return .range(start: pieces[0], stop: pieces.count > 1 ? pieces[1] : nil, step: pieces.count > 2 ? pieces[2] : nil)
        }
        let input = try fixture.array("input")
        try GradientFixtures.expectOutput(try input.sliced(selections), fixture)
        let gradient = try Tensor.slicingBackward(inputShape: input.shape, selections: selections,
                                                  outputGradient: fixture.array("upstream"))
        try GradientFixtures.expectGradient(gradient, fixture, "input")
    }
}

@Test func layoutGradientsMatchJAX() throws {
    let stacks = GradientFixtures.cases("stack"), joins = GradientFixtures.cases("concatenate")
    #expect(stacks.count >= 2 && joins.count >= 1)
    for fixture in stacks {
        let parts = try fixture.operands.map { try fixture.array($0) }
        try GradientFixtures.expectOutput(try Tensor.stack(parts), fixture)
        let gradients = try Tensor.stackBackward(partShape: parts[0].shape, count: parts.count,
                                                 outputGradient: fixture.array("upstream"))
        for (operand, gradient) in zip(fixture.operands, gradients) {
            try GradientFixtures.expectGradient(gradient, fixture, operand)
        }
    }
    for fixture in joins {
        let parts = try fixture.operands.map { try fixture.array($0) }
        try GradientFixtures.expectOutput(try Tensor.concatenate(parts), fixture)
        let gradients = try Tensor.concatenateBackward(partShapes: parts.map(\.shape), outputGradient: fixture.array("upstream"))
        for (operand, gradient) in zip(fixture.operands, gradients) {
            try GradientFixtures.expectGradient(gradient, fixture, operand)
        }
    }
    let pads = GradientFixtures.cases("pad"), clips = GradientFixtures.cases("clip")
    #expect(pads.count >= 3 && clips.count >= 1)
    for fixture in pads {
        let a = fixture.integers("amounts")
        try #require(a.count == 4)
        let amounts = PaddingAmounts(top: a[0], bottom: a[1], left: a[2], right: a[3])
        let input = try fixture.array("input")
        try GradientFixtures.expectOutput(try input.padded(amounts, value: 0.5), fixture)
        try GradientFixtures.expectGradient(
            try Tensor.padBackward(inputShape: input.shape, amounts: amounts, outputGradient: fixture.array("upstream")),
            fixture, "input")
    }
    for fixture in clips {
        let low = try #require(Double(fixture.params["low"] ?? "")), high = try #require(Double(fixture.params["high"] ?? ""))
        let input = try fixture.array("input")
        try GradientFixtures.expectOutput(try input.clipped(low: low, high: high), fixture)
        try GradientFixtures.expectGradient(
            try Tensor.clipBackward(input: input, low: low, high: high, outputGradient: fixture.array("upstream")),
            fixture, "input")
    }
    let transposes = GradientFixtures.cases("transpose"), reshapes = GradientFixtures.cases("reshape")
    #expect(transposes.count >= 3 && reshapes.count >= 2)
    for fixture in transposes {
        let input = try fixture.array("input"), permutation = fixture.integers("perm")
        try GradientFixtures.expectOutput(try input.transposed(permutation), fixture)
        try GradientFixtures.expectGradient(
            try Tensor.transposeBackward(permutation: permutation, outputGradient: fixture.array("upstream")), fixture, "input")
    }
    for fixture in reshapes {
        let input = try fixture.array("input")
        try GradientFixtures.expectOutput(try input.reshaped(fixture.integers("shape")), fixture)
        try GradientFixtures.expectGradient(
            try Tensor.reshapeBackward(inputShape: input.shape, outputGradient: fixture.array("upstream")), fixture, "input")
    }
}

@Test func reductionGradientsMatchJAX() throws {
    let cases = GradientFixtures.cases("reduction")
    #expect(cases.count >= 20)
    for fixture in cases {
        let kind = try #require(ReductionKind(rawValue: fixture.params["kind"] ?? ""))
        let axis = fixture.params["axis"] == "none" ? nil : Int(fixture.params["axis"] ?? "")
        let input = try fixture.array("input")
        let forward = try axis.map { try input.reduced(kind, axis: $0).tensor } ?? Tensor(scalar: input.reduced(kind))
        try GradientFixtures.expectOutput(forward, fixture)
        let gradient = try Tensor.reductionBackward(kind, input: input, axis: axis, outputGradient: fixture.array("upstream"))
        try GradientFixtures.expectGradient(gradient, fixture, "input")
    }
}

@Test func lossValuesAndGradientsMatchJAX() throws {
    let mse = GradientFixtures.cases("mse"), crossentropy = GradientFixtures.cases("crossentropy")
    let fused = GradientFixtures.cases("crossentropy_logits")
    #expect(mse.count >= 3 && crossentropy.count >= 3 && fused.count >= 4)
    func expectValue(_ value: Double, _ fixture: GradientCase) throws {
        let expected = try fixture.array("value").scalars[0]
        #expect(abs(value - expected) <= 1e-12 * Swift.max(1, abs(expected)), "\(fixture): value \(value) vs \(expected)")
    }
    for fixture in mse {
        let y = try fixture.array("prediction"), t = try fixture.array("target")
        try expectValue(try Loss.meanSquaredError(y, t), fixture)
        let gradient = try Loss.meanSquaredErrorGradient(y, t)
        try GradientFixtures.expectGradient(gradient, fixture, "prediction")
        try GradientFixtures.expectGradient(-gradient, fixture, "target")
    }
    for fixture in crossentropy {
        let p = try fixture.array("prediction"), t = try fixture.array("target")
        try expectValue(try Loss.crossEntropy(probabilities: p, target: t), fixture)
        try GradientFixtures.expectGradient(try Loss.crossEntropyGradient(probabilities: p, target: t), fixture, "prediction")
        try GradientFixtures.expectGradient(try Loss.crossEntropyTargetGradient(probabilities: p, target: t), fixture, "target")
    }
    for fixture in fused {
        let z = try fixture.array("logits"), t = try fixture.array("target")
        try expectValue(try Loss.crossEntropy(logits: z, target: t), fixture)
        try GradientFixtures.expectGradient(try Loss.crossEntropyLogitsGradient(logits: z, target: t), fixture, "logits")
        try GradientFixtures.expectGradient(try Loss.crossEntropyLogitsTargetGradient(logits: z, target: t), fixture, "target")
    }
    // The learning material's example: output (0.7, 0) against target (1, 0) errs by 0.3; mse = 0.09 / 2.
    #expect(abs(try Loss.meanSquaredError(Tensor(vector: [0.7, 0]), Tensor(vector: [1, 0])) - 0.045) < 1e-15)
}
