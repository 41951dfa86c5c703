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
