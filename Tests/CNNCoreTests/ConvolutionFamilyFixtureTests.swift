// Tests of the convolution family and batch normalization against Keras 3 and JAX
// (tools/fixtures/gen_convfamily.py: keras.ops on the JAX backend in float64, jax.grad, SciPy's convolve2d).
//
// Fixtures/convfamily/index.txt lists one case per line, `<name> <op> key=value ...`; each test picks its
// op's cases (so a case added to the generator is never skipped) and checks that it found some.
import Testing
@testable import CNNCore
import CNNTestSupport

private let family = FixtureSet("convfamily")

/// The largest difference between two tensors of the same shape, relative to 1 or the expected value.
private func gap(_ a: Tensor, _ b: Tensor) -> Double {
    guard a.shape == b.shape else { return .infinity }
    return zip(a.scalars, b.scalars).map { abs($0 - $1) / Swift.max(1, abs($1)) }.max() ?? 0
}

private let tolerance = 1e-12

@Test func everyConvolutionFamilyFixtureIsChecked() {
    let known: Set = ["depthwise", "separable", "transposed", "convolve", "batchnorm", "bntrain"]
    #expect(family.all.count >= 20)
    for fixture in family.all {
        #expect(known.contains(fixture.op), "\(fixture) has an op no test checks: \(fixture.op)")
    }
}

/// The padding word of a case.
private func padding(_ fixture: FixtureCase) -> Padding { fixture.params["padding"] == "same" ? .same : .valid }

@Test func depthwiseConvolutionMatchesKeras() throws {
    let cases = family.cases("depthwise")
    #expect(cases.count >= 4)
    for fixture in cases {
        let op = DepthwiseConvolution(try Convolution(stride: fixture.pair("stride") ?? Pair(square: 1), padding: padding(fixture),
                                                      dilation: fixture.pair("dilation") ?? Pair(square: 1)))
        let x = try fixture.array("x"), k = try fixture.array("kernel")
        let b = fixture.int("bias") == 1 ? try fixture.array("bias") : nil
        let y = try op.apply(x, kernel: k, bias: b)
        #expect(gap(y, try fixture.array("output")) < tolerance, "\(fixture) output")
        let d = try op.backward(input: x, kernel: k, biasShape: b?.shape, outputGradient: try fixture.array("upstream"))
        #expect(gap(d.input, try fixture.array("d_x")) < tolerance, "\(fixture) d_x")
        #expect(gap(d.kernel, try fixture.array("d_kernel")) < tolerance, "\(fixture) d_kernel")
        if let db = d.bias { #expect(gap(db, try fixture.array("d_bias")) < tolerance, "\(fixture) d_bias") }
        // A traced cell gives the same value as the whole computation.
        let last = y.shape.map { $0 - 1 }
        let traced = try op.trace(input: x, kernel: k, bias: b, at: last)
        #expect(abs(traced.trace.value - (y.value(at: last) ?? .nan)) < 1e-12, "\(fixture) trace")
    }
}

@Test func separableConvolutionMatchesKeras() throws {
    let cases = family.cases("separable")
    #expect(cases.count >= 3)
    for fixture in cases {
        let op = SeparableConvolution(try Convolution(stride: fixture.pair("stride") ?? Pair(square: 1), padding: padding(fixture),
                                                      dilation: fixture.pair("dilation") ?? Pair(square: 1)))
        let x = try fixture.array("x"), dk = try fixture.array("dk"), pk = try fixture.array("pk")
        let b = fixture.int("bias") == 1 ? try fixture.array("bias") : nil
        let y = try op.apply(x, depthwiseKernel: dk, pointwiseKernel: pk, bias: b)
        #expect(gap(y, try fixture.array("output")) < tolerance, "\(fixture) output")
        let d = try op.backward(input: x, depthwiseKernel: dk, pointwiseKernel: pk, biasShape: b?.shape,
                                outputGradient: try fixture.array("upstream"))
        #expect(gap(d.input, try fixture.array("d_x")) < tolerance, "\(fixture) d_x")
        #expect(gap(d.depthwiseKernel, try fixture.array("d_dk")) < tolerance, "\(fixture) d_dk")
        #expect(gap(d.pointwiseKernel, try fixture.array("d_pk")) < tolerance, "\(fixture) d_pk")
        if let db = d.bias { #expect(gap(db, try fixture.array("d_bias")) < tolerance, "\(fixture) d_bias") }
        let last = y.shape.map { $0 - 1 }
        let traced = try op.trace(input: x, depthwiseKernel: dk, pointwiseKernel: pk, bias: b, at: last)
        #expect(abs(traced.value - (y.value(at: last) ?? .nan)) < 1e-12, "\(fixture) trace")
    }
}

@Test func transposedConvolutionMatchesKeras() throws {
    let cases = family.cases("transposed")
    #expect(cases.count >= 8)
    for fixture in cases {
        let op = try TransposedConvolution(stride: fixture.pair("stride") ?? Pair(square: 1), padding: padding(fixture),
                                           outputPadding: fixture.pair("output_padding"))
        let x = try fixture.array("x"), k = try fixture.array("kernel")
        let b = fixture.int("bias") == 1 ? try fixture.array("bias") : nil
        let y = try op.apply(x, kernel: k, bias: b)
        let expected = try fixture.array("output")
        #expect(y.shape == expected.shape, "\(fixture): \(y.shapeDescription) against Keras' \(expected.shapeDescription)")
        #expect(gap(y, expected) < tolerance, "\(fixture) output")
        let d = try op.backward(input: x, kernel: k, biasShape: b?.shape, outputGradient: try fixture.array("upstream"))
        #expect(gap(d.input, try fixture.array("d_x")) < tolerance, "\(fixture) d_x")
        #expect(gap(d.kernel, try fixture.array("d_kernel")) < tolerance, "\(fixture) d_kernel")
        if let db = d.bias { #expect(gap(db, try fixture.array("d_bias")) < tolerance, "\(fixture) d_bias") }
        // Both views of every cell: the scattered products add up to the convolution view's sum.
        for oy in 0..<y.shape[0] {
            for ox in 0..<y.shape[1] {
                let index = [oy, ox, y.shape[2] - 1]
                let t = try op.trace(input: x, kernel: k, bias: b, at: index)
                let scattered = t.scatter.reduce(0) { $0 + $1.product } + (b?.scalars.last ?? 0)
                #expect(abs(scattered - (y.value(at: index) ?? .nan)) < 1e-12, "\(fixture) scatter at \(index)")
                #expect(abs(t.convolution.value - (y.value(at: index) ?? .nan)) < 1e-12, "\(fixture) conv view at \(index)")
            }
        }
    }
}

@Test func convolveIsSciPysConvolve2d() throws {
    let cases = family.cases("convolve")
    #expect(cases.count >= 3)
    for fixture in cases {
        let mode: Padding = fixture.params["mode"] == "full" ? .full : .valid
        let conv = try Convolution(padding: mode)
        let x = try fixture.array("x"), k = try fixture.array("kernel")
        let flipped = Convolution.flipped(k)
        #expect(gap(try conv.apply(x, kernel: flipped), try fixture.array("output")) < tolerance, "\(fixture) output")
        let d = try conv.backward(input: x, kernel: flipped, outputGradient: try fixture.array("upstream"))
        #expect(gap(d.input, try fixture.array("d_x")) < tolerance, "\(fixture) d_x")
        #expect(gap(Convolution.flipped(d.kernel), try fixture.array("d_kernel")) < tolerance, "\(fixture) d_kernel")
    }
}

@Test func batchNormalizationMatchesKeras() throws {
    let cases = family.cases("batchnorm")
    #expect(cases.count >= 2)
    for fixture in cases {
        let eps = try #require(fixture.double("eps"))
        let x = try fixture.array("x"), gamma = try fixture.array("gamma"), beta = try fixture.array("beta")
        let mean = try fixture.array("mean"), variance = try fixture.array("var")
        let y = try BatchNormalization.apply(x, gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: eps)
        #expect(gap(y, try fixture.array("output")) < tolerance, "\(fixture) output")
        let d = try BatchNormalization.backward(x, gamma: gamma, mean: mean, variance: variance, epsilon: eps,
                                                outputGradient: try fixture.array("upstream"))
        for (i, name) in ["x", "gamma", "beta", "mean", "var"].enumerated() {
            #expect(gap(d[i], try fixture.array("d_" + name)) < 1e-11, "\(fixture) d_\(name)")
        }
    }
}

/// A Keras BatchNormalization layer called in training on a batch: its output, its moving averages after
/// the call, and the gradients through the batch statistics.
@Test func batchNormalizationTrainingMatchesKeras() throws {
    let cases = family.cases("bntrain")
    #expect(cases.count >= 2)
    for fixture in cases {
        let x = try fixture.array("x"), gamma = try fixture.array("gamma"), beta = try fixture.array("beta")
        let batch = try (0..<x.shape[0]).map { try x.sliced([.index($0)] + Array(repeating: .range(start: nil, stop: nil, step: nil), count: x.rank - 1)) }
        let forward = try BatchNormalization.trainingForward(batch, gamma: gamma, beta: beta)
        let output = try fixture.array("output"), upstream = try fixture.array("upstream")
        let expectedMean = try fixture.array("moving_mean").scalars, expectedVariance = try fixture.array("moving_var").scalars
        for (i, y) in forward.outputs.enumerated() {
            let expected = try output.sliced([.index(i)] + Array(repeating: .range(start: nil, stop: nil, step: nil), count: x.rank - 1))
            #expect(gap(y, expected) < tolerance, "\(fixture) output \(i)")
        }
        for c in 0..<gamma.count {
            #expect(abs(BatchNormalization.moved(0, towards: forward.mean[c]) - expectedMean[c]) < 1e-12, "\(fixture) moving mean \(c)")
            #expect(abs(BatchNormalization.moved(1, towards: forward.variance[c]) - expectedVariance[c]) < 1e-12, "\(fixture) moving var \(c)")
        }
        let upstreams = try (0..<x.shape[0]).map { try upstream.sliced([.index($0)] + Array(repeating: .range(start: nil, stop: nil, step: nil), count: x.rank - 1)) }
        let d = try BatchNormalization.trainingBackward(batch, gamma: gamma, outputGradients: upstreams)
        let dx = try fixture.array("d_x")
        for (i, g) in d.inputs.enumerated() {
            let expected = try dx.sliced([.index(i)] + Array(repeating: .range(start: nil, stop: nil, step: nil), count: x.rank - 1))
            #expect(gap(g, expected) < 1e-11, "\(fixture) d_x \(i)")
        }
        #expect(gap(d.gamma, try fixture.array("d_gamma")) < 1e-11, "\(fixture) d_gamma")
        #expect(gap(d.beta, try fixture.array("d_beta")) < 1e-11, "\(fixture) d_beta")
    }
}
