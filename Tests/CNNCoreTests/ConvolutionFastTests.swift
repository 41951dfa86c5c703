// The fast convolution (direct SIMD loops, im2col + blocked matrix multiply) against the reference loops,
// on many random shapes: odd and even sizes, strides, dilations, every padding mode, channels, filters, bias.
import Testing
@testable import CNNCore
import CNNTestSupport

/// The largest difference between two tensors relative to the largest magnitude of the expected one.
private func scaledError(_ actual: Tensor, _ expected: Tensor) -> Double {
    guard actual.shape == expected.shape else { return .infinity }
    let scale = max(1, expected.scalars.map { abs($0) }.max() ?? 0)
    return zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}

@Test func fastConvolutionMatchesReferenceOnRandomShapes() throws {
    var random = SplitMix64(state: 12345)
    var checked = 0
    var usedUnrolled = false, usedDirect = false
    for _ in 0..<400 {
        let height = random.int(1...20), width = random.int(1...23)
        let channels = random.int(1...5), filters = random.int(1...11)
        let kernel = Pair(random.int(1...5), random.int(1...5))
        let stride = Pair(random.int(1...3), random.int(1...3))
        let dilation = random.int(0...2) == 0 ? Pair(random.int(1...3), random.int(1...3)) : Pair(square: 1)
        let padding: Padding
        switch random.int(0...3) {
        case 0: padding = .valid
        case 1: padding = .same
        case 2: padding = .full
        default:
            padding = .explicit(PaddingAmounts(top: random.int(0...3), bottom: random.int(0...3),
                                               left: random.int(0...3), right: random.int(0...3)))
        }
        // Kernel layouts: 2-D (one channel), one 3-D filter, or a 4-D bank; input 2-D or 3-D.
        let layout = random.int(0...2)
        let inputShape = channels == 1 && random.int(0...1) == 0 ? [height, width] : [height, width, channels]
        let kernelShape: [Int]
        switch layout {
        case 0 where channels == 1: kernelShape = [kernel.rows, kernel.cols]
        case 1: kernelShape = [kernel.rows, kernel.cols, channels]
        default: kernelShape = [kernel.rows, kernel.cols, channels, filters]
        }
        let bankFilters = kernelShape.count == 4 ? filters : 1
        let conv = try Convolution(stride: stride, padding: padding, dilation: dilation)
        guard (try? conv.plan(inputShape: inputShape, kernelShape: kernelShape, biasShape: nil)) != nil else {
            continue  // the kernel does not fit this input; the error paths are tested elsewhere
        }
        let input = try random.tensor(inputShape)
        let weights = try random.tensor(kernelShape)
        let bias = random.int(0...1) == 0 ? try random.tensor([bankFilters]) : nil
        let fast = try conv.apply(input, kernel: weights, bias: bias)
        let reference = try conv.applyReference(input, kernel: weights, bias: bias)
        #expect(scaledError(fast, reference) <= 1e-12,
                "\(Shape.describe(inputShape)) * \(Shape.describe(kernelShape)) stride \(stride) \(padding) dilation \(dilation)")
        if channels == 1 && bankFilters == 1 {
            // The direct path adds in the reference order, so it agrees exactly.
            #expect(fast == reference)
            usedDirect = true
        } else {
            usedUnrolled = true
        }
        checked += 1
    }
    #expect(checked >= 200)
    #expect(usedDirect && usedUnrolled)
}

@Test func fastConvolutionMatchesReferenceOnLargerBanksAcrossBlocks() throws {
    // Sizes that cross the matrix multiply's blocks (kc = 256 deep, several blocks of output cells).
    var random = SplitMix64(state: 777)
    let cases: [([Int], [Int], Padding, Pair)] = [
        ([28, 28, 32], [3, 3, 32, 64], .same, Pair(square: 1)),
        ([30, 17, 40], [3, 3, 40, 13], .valid, Pair(2, 1)),
        ([64, 64], [3, 3], .same, Pair(square: 1)),
        ([37, 41], [5, 4], .same, Pair(square: 1)),
        ([20, 20, 3], [7, 7, 3, 9], .same, Pair(square: 2)),
    ]
    for (inputShape, kernelShape, padding, stride) in cases {
        let conv = try Convolution(stride: stride, padding: padding)
        let input = try random.tensor(inputShape)
        let weights = try random.tensor(kernelShape)
        let filters = kernelShape.count == 4 ? kernelShape[3] : 1
        let bias = try random.tensor([filters])
        let fast = try conv.apply(input, kernel: weights, bias: bias)
        let reference = try conv.applyReference(input, kernel: weights, bias: bias)
        #expect(scaledError(fast, reference) <= 1e-12, "\(Shape.describe(inputShape)) * \(Shape.describe(kernelShape))")
    }
}

@Test func convolutionOfOnesCountsTheWindowCells() throws {
    // With an all-ones input and kernel, each output cell counts the kernel taps inside the input.
    let input = try Tensor(shape: [4, 4], repeating: 1)
    let kernel = try Tensor(shape: [3, 3], repeating: 1)
    let same = try Convolution(padding: .same).apply(input, kernel: kernel)
    #expect(same.scalars == [4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4])
    let valid = try Convolution().applyReference(input, kernel: kernel, bias: Tensor(scalar: 0.5))
    #expect(valid.shape == [2, 2])
    #expect(valid.scalars == [9.5, 9.5, 9.5, 9.5])
}

@Test func kernelIsNotFlipped() throws {
    // Cross-correlation: a kernel with a single 1 at its top-left reads the window's top-left cell.
    let input = try Tensor(rows: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    let kernel = try Tensor(rows: [[1, 0], [0, 0]])
    let output = try Convolution().apply(input, kernel: kernel)
    #expect(output.scalars == [1, 2, 4, 5])
}

@Test func largeConvolutionsGiveTheSameBitsOnAnyNumberOfThreads() throws {
    // Above Convolution.parallelMultiplyAdds the output rows (direct loops) or the unrolled blocks (im2col) are
    // split over the cores; each cell is computed the same way wherever it is, so 1, 2 and 3 threads agree to
    // the bit, and the direct loops still equal the reference loops exactly (padding: edge columns and rows).
    let single = try Convolution(padding: .same, dilation: Pair(1, 2))
    let image = try FiniteDifferences.random([700, 705], seed: 2500), kernel = try FiniteDifferences.random([3, 3], seed: 2501)
    let bank = try Convolution(stride: Pair(square: 2), padding: .same)
    let maps = try FiniteDifferences.random([90, 90, 8], seed: 2502), filters = try FiniteDifferences.random([3, 3, 8, 40], seed: 2503)
    let bias = try FiniteDifferences.random([40], seed: 2504)
    #expect((try single.plan(inputShape: image.shape, kernelShape: kernel.shape, biasShape: [1])).multiplyAdds >= Convolution.parallelMultiplyAdds)
    #expect((try bank.plan(inputShape: maps.shape, kernelShape: filters.shape, biasShape: [40])).multiplyAdds >= Convolution.parallelMultiplyAdds)
    func run(threads: Int) throws -> (Tensor, Tensor) {
        let saved = Parallel.threads
        Parallel.threads = threads
        defer { Parallel.threads = saved }
        return (try single.apply(image, kernel: kernel, bias: try Tensor(vector: [0.25])),
                try bank.apply(maps, kernel: filters, bias: bias))
    }
    let one = try run(threads: 1)
    #expect(one.0 == (try single.applyReference(image, kernel: kernel, bias: try Tensor(vector: [0.25]))))
    #expect(scaledError(one.1, try bank.applyReference(maps, kernel: filters, bias: bias)) <= 1e-12)
    for threads in [2, 3] {
        let many = try run(threads: threads)
        #expect(many.0 == one.0 && many.1 == one.1, "\(threads) threads")
    }
}

@Test func directConvolutionOfWideImagesEqualsTheReferenceExactly() throws {
    // Wide enough for the 32-column groups, tall enough for the three-row blocks; stride 1 rows (blocks) and
    // stride 2 rows (one row at a time), column dilation, every padding: each cell must add its taps in the
    // reference order, so the fast path gives the reference's bits.
    var random = SplitMix64(state: 4242)
    let cases: [([Int], Pair, Pair, Pair, Padding)] = [
        ([40, 100], Pair(3, 3), Pair(1, 1), Pair(1, 1), .valid), ([41, 77], Pair(5, 3), Pair(1, 1), Pair(1, 1), .same),
        ([12, 130], Pair(1, 7), Pair(1, 1), Pair(1, 2), .full), ([9, 64], Pair(4, 2), Pair(1, 1), Pair(1, 1), .same),
        ([33, 97], Pair(3, 3), Pair(2, 1), Pair(1, 1), .same), ([30, 90], Pair(2, 3), Pair(1, 1), Pair(2, 1), .valid),
        ([20, 70], Pair(3, 3), Pair(1, 1), Pair(1, 1),
         .explicit(PaddingAmounts(top: 2, bottom: 0, left: 1, right: 3))),
        // 3x3 without dilation has its own unrolled loop; with column dilation it takes the general one.
        ([35, 200], Pair(3, 3), Pair(1, 1), Pair(1, 1), .same), ([20, 100], Pair(3, 3), Pair(1, 1), Pair(1, 2), .valid),
        // Interiors that end in a group overlapping the one before it (the six-row loop's 16 columns, the row
        // loop's 8) or are too narrow for one: 18 and 16 columns wide, 10, 6 and 5.
        ([30, 20], Pair(3, 3), Pair(1, 1), Pair(1, 1), .valid), ([25, 16], Pair(3, 3), Pair(1, 1), Pair(1, 1), .same),
        ([14, 12], Pair(3, 3), Pair(1, 1), Pair(1, 1), .same), ([13, 8], Pair(3, 3), Pair(1, 1), Pair(1, 1), .valid),
        ([11, 9], Pair(3, 5), Pair(1, 1), Pair(1, 1), .valid),
    ]
    for (shape, kernelSize, stride, dilation, padding) in cases {
        let conv = try Convolution(stride: stride, padding: padding, dilation: dilation)
        let image = try random.tensor(shape), kernel = try random.tensor([kernelSize.rows, kernelSize.cols])
        for bias in [nil, try Tensor(vector: [0.375])] {
            let fast = try conv.apply(image, kernel: kernel, bias: bias)
            #expect(fast == (try conv.applyReference(image, kernel: kernel, bias: bias)),
                    "\(Shape.describe(shape)) * \(kernelSize) stride \(stride) dilation \(dilation) \(padding)")
        }
    }
}
