// Tests of receptive-field arithmetic against hand-worked chains and a brute-force index walk.
import Testing
@testable import CNNCore

/// A window with the same settings on both axes.
private func window(_ k: Int, stride s: Int = 1, dilation d: Int = 1, pad p: Int = 0) -> SlidingWindow {
    SlidingWindow(kernel: Pair(square: k), stride: Pair(square: s), dilation: Pair(square: d), padBefore: Pair(square: p))
}

/// The input pixels (unclamped, padding included) that output `o` of the last layer depends on,
/// found by walking the windows backwards: an independent check of the closed-form arithmetic.
private func inputSpan(of o: Int, through windows: [SlidingWindow]) -> (low: Int, high: Int) {
    var low = o
    var high = o
    for w in windows.reversed() {
        let k = w.kernel.rows, s = w.stride.rows, d = w.dilation.rows, p = w.padBefore.rows
        low = low * s - p
        high = high * s - p + (k - 1) * d
    }
    return (low, high)
}

@Test func handWorkedChains() throws {
    let one = try ReceptiveField.chain([window(3)])
    #expect(one.map(\.rows.size) == [3])
    #expect(one.first?.sizeDescription == "3x3")

    let two = try ReceptiveField.chain([window(3), window(3)])
    #expect(two.map(\.rows.size) == [3, 5])
    #expect(two.last?.rows.sizeFormula == "r = 3 + (3 - 1)*1 = 5")

    let pooled = try ReceptiveField.chain([window(3), window(2, stride: 2), window(3)])
    #expect(pooled.map(\.rows.size) == [3, 4, 8])
    #expect(pooled.map(\.cols.jump) == [1, 2, 2])
    #expect(pooled[1].rows.jumpFormula == "j = 1*2 = 2")
    #expect(pooled[2].rows.sizeFormula == "r = 4 + (3 - 1)*2 = 8")
    #expect(pooled[2].jumpDescription == "2")
    // Centres: a valid 3x3 conv's first value is centred on pixel 1 (1.5); the 2x2 pool averages
    // centres 1.5 and 2.5 (2.0); the last conv is centred on pool output 1, at 2.0 + 2 = 4.0.
    #expect(pooled.map(\.rows.start) == [1.5, 2.0, 4.0])
    #expect(pooled[2].rows.startFormula == "start = 2 + ((3 - 1)/2 - 0)*2 = 4")
}

@Test func paddingAndDilation() throws {
    let same = try ReceptiveField.chain([window(3, pad: 1)])
    #expect(same.first?.rows.start == 0.5)  // centred on pixel 0, like the input
    let dilated = try ReceptiveField.after(.input, window: window(3, dilation: 2))
    #expect(dilated.rows == ReceptiveFieldAxis(size: 5, jump: 1, start: 2.5,
                                               sizeFormula: "r = 1 + (3 - 1)*2*1 = 5", jumpFormula: "j = 1*1 = 1",
                                               startFormula: "start = 0.5 + ((3 - 1)*2/2 - 0)*1 = 2.5"))
    let rectangular = try ReceptiveField.after(.input, window: SlidingWindow(kernel: Pair(1, 5), stride: Pair(1, 2)))
    #expect(rectangular.sizeDescription == "1x5")
    #expect(rectangular.jumpDescription == "(1, 2)")
}

@Test func closedFormAgreesWithBruteForce() throws {
    let chains: [[SlidingWindow]] = [
        [window(3), window(3)],
        [window(3), window(2, stride: 2), window(3)],
        [window(5, stride: 2, pad: 2), window(3, dilation: 2, pad: 2), window(2, stride: 2), window(3, stride: 3)],
        [window(7, stride: 2, pad: 3), window(3, stride: 2, pad: 1), window(1), window(4, dilation: 3)],
    ]
    for chain in chains {
        guard let last = try ReceptiveField.chain(chain).last else { continue }
        let first = inputSpan(of: 0, through: chain)
        let second = inputSpan(of: 1, through: chain)
        #expect(last.rows.size == first.high - first.low + 1)
        #expect(last.rows.jump == second.low - first.low)
        #expect(last.rows.start == Double(first.low + first.high + 1) / 2)
    }
}

@Test func receptiveFieldErrors() throws {
    #expect(throws: CoreError.self) { try ReceptiveField.along(.input, kernel: 0, stride: 1) }
    #expect(throws: CoreError.self) { try ReceptiveField.along(.input, kernel: 3, stride: 0) }
    #expect(throws: CoreError.self) { try ReceptiveField.along(.input, kernel: 3, stride: 1, dilation: 0) }
    #expect(throws: CoreError.self) { try ReceptiveField.along(.input, kernel: 3, stride: 1, padBefore: -1) }
    let huge = #expect(throws: CoreError.self) {
        try ReceptiveField.chain([window(1 << 40, stride: 1 << 40), window(1 << 40, stride: 1 << 40)])
    }
    #expect(huge?.message.contains("too large") == true)
    #expect(try ReceptiveField.chain([]).isEmpty)
}

@Test func upsamplingDividesTheJump() throws {
    // 3x3 conv, 2x2 pool: r = 4, j = 2. A 3x3 transposed conv of stride 2 reads ceil(3/2) = 2 inputs at most.
    let pooled = try ReceptiveField.chain([window(3), window(2, stride: 2)]).last!.rows
    let up = try #require(ReceptiveField.transposed(pooled, kernel: 3, stride: 2, zerosBefore: 1))
    #expect(up.size == 6 && up.jumpText == "1")
    #expect(up.sizeFormula == "r = 4 + (ceil(3/2) - 1)*2 = 6")
    #expect(up.jumpFormula == "j = 2/2 = 1")
    // Its values alternate between fields of 2 inputs and of 1, so the fields repeat every 2 values.
    #expect(up.period == 2)
    #expect(up.field(of: 0).map(\.count) != up.field(of: 1).map(\.count))

    let repeated = try #require(ReceptiveField.upsampled(.input, by: 2))
    #expect(repeated.size == 1 && repeated.jumpText == "1/2" && repeated.sizeFormula == "r = 1 (each value repeats one)")
    #expect(repeated.field(of: 0) == 0...0 && repeated.field(of: 1) == 0...0 && repeated.field(of: 2) == 1...1)
    #expect(repeated.field(of: -1) == -1...(-1))
    // A 2x2 conv after it sees 1 or 2 pixels; a stride of 2 brings the period back to 1.
    let conv = try ReceptiveField.along(repeated, kernel: 2, stride: 1)
    #expect(conv.size == 2 && conv.jumpText == "1/2")
    let strided = try ReceptiveField.along(repeated, kernel: 2, stride: 2)
    #expect(strided.period == 1 && strided.size == 1 && strided.jump == 1 && strided.start == 0.5)

    // A 1x1 transposed conv of stride 2: every second value depends on no input at all.
    let sparse = try #require(ReceptiveField.transposed(.input, kernel: 1, stride: 2, zerosBefore: 0))
    #expect(sparse.field(of: 0) == 0...0 && sparse.field(of: 1) == nil && sparse.size == 1)
}

@Test func joinsTakeTheUnionAndPeriodsStayBounded() throws {
    let small = ReceptiveFieldAxis.input
    let wide = try ReceptiveField.along(.input, kernel: 5, stride: 1, padBefore: 2)
    let joined = try #require(ReceptiveField.union([small, wide]))
    #expect(joined.size == 5 && joined.field(of: 3) == 1...5)
    // Paths whose jumps differ drift apart: no single field describes the join.
    #expect(ReceptiveField.union([small, try ReceptiveField.along(.input, kernel: 2, stride: 2)]) == nil)
    // Upsampling by 2 thirteen times would need 8,192 phases: past maxPeriod, the field is left unknown.
    var axis: ReceptiveFieldAxis? = .input
    for _ in 0..<13 { axis = axis.flatMap { ReceptiveField.upsampled($0, by: 2) } }
    #expect(axis == nil)
}
