// Tests of windowed max/average pooling: agreement with the NumPy reference, the fast path against the
// plain reference loop, the output-size arithmetic, traces and every error.
import Testing
@testable import CNNCore
import CNNTestSupport

// MARK: - Agreement with NumPy

@Test func poolingMatchesNumPyReference() throws {
    let cases = OpsFixtures.cases("pool")
    #expect(cases.count >= 25, "Fixtures/ops/index.txt should list the pooling cases")
    for fixture in cases {
        let kind = try #require(Pooling.Kind(rawValue: fixture.params["kind"] ?? ""), "\(fixture)")
        let size = try #require(fixture.pair("size"), "\(fixture)")
        let stride = try #require(fixture.pair("stride"), "\(fixture)")
        let padding = try #require(Pooling.PaddingMode(rawValue: fixture.params["padding"] ?? ""), "\(fixture)")
        let pooling = Pooling(kind: kind, size: size, stride: stride, padding: padding)
        let input = try fixture.array("input")
        let expected = try fixture.array("expected")
        let fast = try pooling.apply(input)
        let reference = try pooling.applyReference(input)
        #expect(OpsFixtures.close(fast, expected), "fast path, case \(fixture)")
        #expect(OpsFixtures.close(reference, expected), "reference loop, case \(fixture)")
        #expect(try pooling.plan(inputShape: input.shape).outputShape == expected.shape, "case \(fixture)")
    }
}

// MARK: - Fast path against the reference loop

@Test func poolingFastPathAgreesWithReferenceLoop() throws {
    var seed: UInt64 = 1
    for kind in Pooling.Kind.allCases {
        for padding in Pooling.PaddingMode.allCases {
            for shape in [[7, 7], [5, 8, 3], [9, 6, 2], [3, 3, 1], [1, 4]] {
                for (size, stride) in [(Pair(2, 2), Pair(2, 2)), (Pair(3, 3), Pair(1, 1)),
                                       (Pair(3, 2), Pair(2, 3)), (Pair(1, 1), Pair(2, 2)), (Pair(2, 3), Pair(1, 1))] {
                    seed += 1
                    let pooling = Pooling(kind: kind, size: size, stride: stride, padding: padding)
                    let input = try OpsFixtures.random(shape, seed: seed)
                    let fast = coreError { try pooling.apply(input) }
                    let reference = coreError { try pooling.applyReference(input) }
                    #expect(fast == reference, "both paths must refuse the same inputs")
                    guard fast == nil else { continue }
                    // Same order of additions, so the results agree exactly.
                    #expect(try pooling.apply(input) == pooling.applyReference(input),
                            "\(kind) \(padding) \(shape) size \(size) stride \(stride)")
                }
            }
        }
    }
}

@Test func poolingBenchmarkShapeAgreesWithReferenceLoop() throws {
    let input = try OpsFixtures.random([32, 32, 64], seed: 99)
    let pooling = Pooling(kind: .max, size: Pair(square: 2))
    let output = try pooling.apply(input)
    #expect(output.shape == [16, 16, 64])
    #expect(output == (try pooling.applyReference(input)))
}

// MARK: - The learning material's examples

@Test func padToFitTurnsSevenBySevenIntoFourByFour() throws {
    let pooling = Pooling(kind: .max, size: Pair(square: 2), padding: .padToFit)
    let plan = try pooling.plan(inputShape: [7, 7])
    #expect(plan.outputShape == [4, 4])
    #expect(plan.padding == PaddingAmounts(top: 0, bottom: 1, left: 0, right: 1))
    #expect(plan.paddingTakesPart)
    #expect(plan.outputHeight.formula == "out = (7 + 1 - 2)/2 + 1 = 4")
    #expect(plan.description == "7x7 -> 4x4 (out = (7 + 1 - 2)/2 + 1 = 4)")
    // Valid padding drops the last row and column instead.
    let valid = try Pooling(kind: .max, size: Pair(square: 2)).plan(inputShape: [7, 7])
    #expect(valid.outputShape == [3, 3])
    #expect(valid.outputHeight.formula == "out = floor((7 - 2)/2) + 1 = 3")
}

@Test func padToFitZerosTakePartButSamePaddingIsIgnored() throws {
    // All values negative: the padded zeros win with padToFit, never with same.
    let input = try Tensor(shape: [3, 3], scalars: [-1, -2, -3, -4, -5, -6, -7, -8, -9])
    let ceil = try Pooling(kind: .max, size: Pair(square: 2), padding: .padToFit).apply(input)
    #expect(ceil.scalars == [-1, 0, 0, 0])
    let same = try Pooling(kind: .max, size: Pair(square: 2), padding: .same).apply(input)
    #expect(same.scalars == [-1, -3, -7, -9])
    // Average: padToFit divides by the whole window, same by the real cells only.
    let ceilAverage = try Pooling(kind: .average, size: Pair(square: 2), padding: .padToFit).apply(input)
    #expect(ceilAverage.scalars == [-3, -2.25, -3.75, -2.25])
    let sameAverage = try Pooling(kind: .average, size: Pair(square: 2), padding: .same).apply(input)
    #expect(sameAverage.scalars == [-3, -4.5, -7.5, -9])
}

@Test func poolingKeepsAQuarterOfTheValuesPerChannel() throws {
    let plan = try Pooling(kind: .max, size: Pair(square: 2)).plan(inputShape: [28, 28, 64])
    #expect(plan.outputShape == [14, 14, 64])
    #expect(plan.channels == 64)
    #expect(plan.arithmetic == "out = (28 - 2)/2 + 1 = 14")
    let rectangular = try Pooling(kind: .average, size: Pair(2, 3), stride: Pair(1, 2)).plan(inputShape: [6, 9])
    #expect(rectangular.outputShape == [5, 4])
    #expect(rectangular.arithmetic == "rows: out = (6 - 2)/1 + 1 = 5; columns: out = (9 - 3)/2 + 1 = 4")
    #expect(rectangular.channels == nil)
}

@Test func samePaddingFollowsTensorFlowRule() throws {
    let plan = try Pooling(kind: .max, size: Pair(square: 3), stride: Pair(square: 2), padding: .same)
        .plan(inputShape: [7, 8])
    // Rows: out ceil(7/2) = 4, total (4-1)*2+3-7 = 2 -> 1/1; columns: out 4, total (4-1)*2+3-8 = 1 -> 0/1.
    #expect(plan.outputShape == [4, 4])
    #expect(plan.padding == PaddingAmounts(top: 1, bottom: 1, left: 0, right: 1))
    #expect(!plan.paddingTakesPart)
}

@Test func maxPoolingPropagatesNaN() throws {
    let input = try Tensor(shape: [2, 2], scalars: [1, .nan, 3, 2])
    let pooling = Pooling(kind: .max, size: Pair(square: 2))
    #expect(try pooling.apply(input).scalars[0].isNaN)
    #expect(try pooling.applyReference(input).scalars[0].isNaN)
    let trace = try pooling.trace(input: input, at: [0, 0])
    #expect(trace.winner == 1)
    #expect(trace.value.isNaN)
}

// MARK: - Traces

@Test func maxTraceNamesTheWinningCell() throws {
    let input = try Tensor(rows: [[1, 5, 2, 0], [3, 4, 8, 8], [0, 0, 1, 1], [9, 0, 1, 2]])
    let pooling = Pooling(kind: .max, size: Pair(square: 2))
    let trace = try pooling.trace(input: input, at: [0, 1])
    #expect(trace.kind == .max)
    #expect(trace.outputIndex == [0, 1])
    #expect(trace.windowShape == [2, 2])
    #expect(trace.cells.map(\.value) == [2, 0, 8, 8])
    #expect(trace.cells.map(\.row) == [0, 0, 1, 1])
    #expect(trace.cells.map(\.column) == [2, 3, 2, 3])
    #expect(trace.winner == 2, "the first of two equal largest values wins, as np.argmax")
    #expect(trace.value == 8)
    #expect(trace.sum == nil && trace.divisor == nil)
    #expect(trace.cells.allSatisfy { !$0.isPadding && $0.takesPart && $0.channel == nil })
}

@Test func everyTraceAgreesWithApply() throws {
    let input = try OpsFixtures.random([7, 6, 2], seed: 7)
    for kind in Pooling.Kind.allCases {
        for padding in Pooling.PaddingMode.allCases {
            let pooling = Pooling(kind: kind, size: Pair(square: 3), stride: Pair(square: 2), padding: padding)
            let output = try pooling.apply(input)
            for oy in 0..<output.shape[0] {
                for ox in 0..<output.shape[1] {
                    for c in 0..<2 {
                        let trace = try pooling.trace(input: input, at: [oy, ox, c])
                        #expect(trace.value == output.value(at: [oy, ox, c]))
                        #expect(trace.cells.count == 9)
                        #expect(trace.cells.allSatisfy { $0.channel == c })
                        let taking = trace.cells.filter { $0.takesPart }
                        switch kind {
                        case .max:
                            let winner = try #require(trace.winner)
                            #expect(trace.cells[winner].takesPart)
                            #expect(trace.cells[winner].value == taking.map(\.value).max())
                        case .average:
                            let sum = try #require(trace.sum)
                            let divisor = try #require(trace.divisor)
                            #expect(divisor == taking.count)
                            #expect(sum / Double(divisor) == trace.value)
                        }
                    }
                }
            }
        }
    }
}

@Test func sameTraceMarksIgnoredPadding() throws {
    let input = try Tensor(rows: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    let pooling = Pooling(kind: .average, size: Pair(square: 3), stride: Pair(square: 1), padding: .same)
    let trace = try pooling.trace(input: input, at: [0, 0])
    #expect(trace.cells.first == PoolingTrace.Cell(row: -1, column: -1, channel: nil, value: 0,
                                                   isPadding: true, takesPart: false))
    #expect(trace.cells.filter { $0.isPadding }.count == 5)
    #expect(trace.divisor == 4)
    #expect(trace.sum == 12)
    #expect(trace.value == 3)
}

@Test func padToFitTraceCountsPaddedZeros() throws {
    let input = try Tensor(rows: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    let pooling = Pooling(kind: .average, size: Pair(square: 2), padding: .padToFit)
    let trace = try pooling.trace(input: input, at: [1, 1])
    #expect(trace.cells.map(\.isPadding) == [false, true, true, true])
    #expect(trace.cells.allSatisfy { $0.takesPart })
    #expect(trace.cells[3].row == 3 && trace.cells[3].column == 3)
    #expect(trace.divisor == 4)
    #expect(trace.value == 9.0 / 4)
}

// MARK: - Errors

@Test func windowThatDoesNotFitIsAnError() throws {
    let input = try Tensor(shape: [2, 2], repeating: 1)
    let error = coreError { try Pooling(kind: .max, size: Pair(square: 3)).apply(input) }
    #expect(error?.message == "maxpool: a 3x3 window does not fit a 2x2 input with valid padding")
    #expect(error?.hint == "out = (2 - 3)/3 + 1 = 0; use padding=same or padding=fit, or a smaller window")
    let stack = try Tensor(shape: [4, 2, 3], repeating: 1)
    let average = coreError { try Pooling(kind: .average, size: Pair(3, 3), stride: Pair(1, 1)).apply(stack) }
    #expect(average?.message == "avgpool: a 3x3 window does not fit a 4x2x3 input with valid padding")
    #expect(average?.hint == "out = (2 - 3)/1 + 1 = 0; use padding=same or padding=fit, or a smaller window")
    // The same window is fine with same padding and with padToFit.
    #expect(try Pooling(kind: .max, size: Pair(square: 3), padding: .same).apply(input).shape == [1, 1])
    #expect(try Pooling(kind: .max, size: Pair(square: 3), padding: .padToFit).apply(input).shape == [1, 1])
}

@Test func zeroNegativeAndHugeSizesAreErrors() throws {
    let input = try Tensor(shape: [4, 4], repeating: 1)
    let cases: [(Pooling, String)] = [
        (Pooling(kind: .max, size: Pair(0, 2)), "maxpool: the window height must be at least 1, not 0"),
        (Pooling(kind: .max, size: Pair(2, -1)), "maxpool: the window width must be at least 1, not -1"),
        (Pooling(kind: .average, size: Pair(2, 2), stride: Pair(0, 1)),
         "avgpool: the stride along the rows must be at least 1, not 0"),
        (Pooling(kind: .max, size: Pair(2, 2), stride: Pair(1, -3)),
         "maxpool: the stride along the columns must be at least 1, not -3"),
        (Pooling(kind: .max, size: Pair(Int.max, 2), padding: .same),
         "maxpool: the window height \(Int.max) is larger than any tensor dimension can be (100,000,000)"),
        (Pooling(kind: .max, size: Pair(2, 2), stride: Pair(2, Int.max), padding: .same),
         "maxpool: the stride along the columns \(Int.max) is larger than any tensor dimension can be (100,000,000)"),
    ]
    for (pooling, message) in cases {
        #expect(coreError { try pooling.apply(input) }?.message == message)
        #expect(coreError { try pooling.applyReference(input) }?.message == message)
        #expect(coreError { try pooling.trace(input: input, at: [0, 0]) }?.message == message)
    }
    // Large but legal settings are fine and cannot overflow.
    for padding in Pooling.PaddingMode.allCases {
        let big = Pooling(kind: .max, size: Pair(1, 1), stride: Pair(square: Limits.maxElements), padding: padding)
        #expect(try big.apply(input).shape == [1, 1])
        let wide = Pooling(kind: .average, size: Pair(square: Limits.maxElements), padding: padding)
        if padding == .valid {
            #expect(coreError { try wide.plan(inputShape: [4, 4]) } != nil)
        } else {
            #expect(try wide.plan(inputShape: [4, 4]).outputShape == [1, 1])
        }
    }
}

@Test func poolingNeedsAMapOrAStackOfMaps() throws {
    let pooling = Pooling(kind: .max, size: Pair(square: 2))
    let vector = try Tensor(vector: [1, 2, 3, 4, 5])
    let error = coreError { try pooling.apply(vector) }
    #expect(error?.message == "maxpool: expects an H x W map or an H x W x C stack of maps, not a 5-element vector")
    #expect(error?.hint == "reshape the vector into a map first")
    let batch = try Tensor(shape: [2, 4, 4, 3], repeating: 0)
    #expect(coreError { try pooling.apply(batch) }?.message
        == "maxpool: expects an H x W map or an H x W x C stack of maps, not a 2x4x4x3 tensor")
    #expect(coreError { try pooling.plan(inputShape: []) }?.message
        == "maxpool: expects an H x W map or an H x W x C stack of maps, not a tensor with no dimensions")
    #expect(coreError { try pooling.plan(inputShape: [4, 0]) } != nil)
    #expect(coreError { try pooling.plan(inputShape: [Int.max, 4]) } != nil)
}

@Test func traceOutsideTheOutputIsAnError() throws {
    let input = try Tensor(shape: [4, 4, 2], repeating: 1)
    let pooling = Pooling(kind: .max, size: Pair(square: 2))
    let outside = coreError { try pooling.trace(input: input, at: [2, 0, 0]) }
    #expect(outside?.message == "maxpool: there is no output position [2, 0, 0] in the 2x2x2 output")
    #expect(outside?.hint == "positions along axis 0 run from 0 to 1")
    #expect(coreError { try pooling.trace(input: input, at: [0, -1, 0]) } != nil)
    #expect(coreError { try pooling.trace(input: input, at: [0, 0, 2]) } != nil)
    #expect(coreError { try pooling.trace(input: input, at: [0, 0]) }?.message
        == "maxpool: a position in the 2x2x2 output has 3 numbers, not 2")
}

@Test func hugeWindowIsNotTracedCellByCell() throws {
    let input = try Tensor(shape: [4, 4], repeating: 1)
    let pooling = Pooling(kind: .max, size: Pair(square: 2000), padding: .same)
    #expect(try pooling.apply(input).scalars == [1])
    let error = coreError { try pooling.trace(input: input, at: [0, 0]) }
    #expect(error?.message == "maxpool: a 2000x2000 window has too many cells to trace one by one")
}

@Test func maxPoolingGradientOfTilingWindowsSendsGToTheFirstWinner() throws {
    // Windows that tile the input (stride = size, no padding), as training's MaxPooling2D(2) has them: each
    // window's first maximum (a NaN beats a number) gets 0 + g, every other cell 0, the cells outside every
    // window included. Ties are frequent (values 0...3), channel counts cover whole groups of eight and
    // leftovers, and g holds -0.
    var random = SplitMix64(state: 99)
    for (height, width, channels, size) in [(26, 26, 32, Pair(2, 2)), (11, 11, 64, Pair(2, 2)), (7, 9, 11, Pair(3, 2)),
                                             (6, 6, 1, Pair(2, 3)), (5, 8, 17, Pair(1, 2)), (9, 9, 8, Pair(3, 3))] {
        var values = (0..<(height * width * channels)).map { _ in Double(random.int(0...3)) }
        values[random.int(0...(values.count - 1))] = .nan
        let input = try Tensor(shape: [height, width, channels], scalars: values)
        let pooling = Pooling(kind: .max, size: size)
        let plan = try pooling.plan(inputShape: input.shape)
        let (outputHeight, outputWidth) = (plan.outputHeight.value, plan.outputWidth.value)
        var gradients = (0..<(outputHeight * outputWidth * channels)).map { _ in random.value() }
        gradients[0] = -0.0
        let g = try Tensor(shape: plan.outputShape, scalars: gradients)
        var expected = [Double](repeating: 0, count: values.count)
        for oy in 0..<outputHeight {
            for ox in 0..<outputWidth {
                for c in 0..<channels {
                    var winner = ((oy * size.rows) * width + ox * size.cols) * channels + c
                    for ky in 0..<size.rows {
                        for kx in 0..<size.cols {
                            let cell = ((oy * size.rows + ky) * width + ox * size.cols + kx) * channels + c
                            if values[cell] > values[winner] || (values[cell].isNaN && !values[winner].isNaN) { winner = cell }
                        }
                    }
                    expected[winner] = 0 + gradients[(oy * outputWidth + ox) * channels + c]
                }
            }
        }
        let dx = try pooling.backward(input: input, outputGradient: g)
        #expect(zip(dx.scalars, expected).allSatisfy { $0.bitPattern == $1.bitPattern },
                "\(height)x\(width)x\(channels), window \(size)")
    }
}

@Test func maxPoolingOfWholeWindowsEightChannelsAtATimeKeepsTheReferenceBits() throws {
    // Windows wholly inside the input take the maximum eight channels at a time in registers when the channels
    // come in eights (16, 24, 64; 13 take the scalar loop). NaNs (the first in a window wins), +0 and -0 ties
    // and equal values must come out as the reference loop's, bit for bit, on both paths.
    var random = SplitMix64(state: 77)
    for (shape, size, stride) in [([6, 8, 13], Pair(2, 2), Pair(2, 2)), ([7, 7, 16], Pair(3, 3), Pair(1, 1)),
                                  ([8, 8, 64], Pair(2, 2), Pair(2, 2)), ([5, 9, 24], Pair(2, 3), Pair(1, 2))] {
        var values = (0..<shape.reduce(1, *)).map { _ in random.value() }
        for i in values.indices where i % 7 == 0 { values[i] = [0.0, -0.0, .nan, -Double.nan, 0.5][i / 7 % 5] }
        let input = try Tensor(shape: shape, scalars: values)
        for padding in Pooling.PaddingMode.allCases {
            let pooling = Pooling(kind: .max, size: size, stride: stride, padding: padding)
            guard let reference = try? pooling.applyReference(input) else { continue }
            let fast = try pooling.apply(input)
            let differ = fast.scalars.indices.filter { fast.scalars[$0].bitPattern != reference.scalars[$0].bitPattern }
            #expect(differ.isEmpty, "\(shape) \(size) \(stride) \(padding): \(differ.count) cells differ, first \(differ.prefix(3).map { (fast.scalars[$0], reference.scalars[$0]) })")
        }
    }
}
