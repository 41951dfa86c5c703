// Every way a convolution can be handed bad input must throw a CoreError a learner can act on.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func kernelLargerThanInputNamesTheFormula() throws {
    let error = coreError { try Convolution().plan(inputShape: [3, 3], kernelShape: [5, 5], biasShape: nil) }
    #expect(error?.message == "conv: a 5x5 kernel does not fit a 3x3 input with valid padding")
    #expect(error?.hint == "out = (3 - 5)/1 + 1 = 0; use padding=same or a smaller kernel")
}

@Test func kernelTooLargeWithExplicitPaddingOrDilation() throws {
    let padded = coreError {
        try Convolution(padding: .explicit(PaddingAmounts(top: 1, bottom: 0, left: 0, right: 0)))
            .plan(inputShape: [4, 6], kernelShape: [6, 3], biasShape: nil)
    }
    #expect(padded?.message == "conv: a 6x3 kernel does not fit a 4x6 input with padding [1, 0, 0, 0]")
    let dilated = coreError {
        try Convolution(dilation: Pair(square: 3)).plan(inputShape: [6, 6], kernelShape: [3, 3], biasShape: nil)
    }
    #expect(dilated?.message == "conv: a 3x3 kernel with dilation 3 (spanning 7x7) does not fit a 6x6 input with valid padding")
    #expect(dilated?.hint?.hasSuffix("use padding=same, a smaller kernel or less dilation") == true)
}

@Test func channelMismatchesNameBothCounts() {
    let bank = coreError { try Convolution().plan(inputShape: [10, 10, 3], kernelShape: [3, 3, 1, 8], biasShape: nil) }
    #expect(bank?.message == "conv: the input has 3 channels but the filter bank expects 1 (kernel 3x3x1x8)")
    let filter = coreError { try Convolution().plan(inputShape: [10, 10, 3], kernelShape: [5, 5, 2], biasShape: nil) }
    #expect(filter?.message == "conv: the input has 3 channels but the filter expects 2 (filter 5x5x2)")
    let flat = coreError { try Convolution().plan(inputShape: [10, 10, 3], kernelShape: [3, 3], biasShape: nil) }
    #expect(flat?.message == "conv: the input has 3 channels but a 3x3 kernel has no channel axis")
    #expect(flat?.hint?.contains("3x3x3") == true)
    let gray = coreError { try Convolution().plan(inputShape: [10, 10], kernelShape: [3, 3, 3, 4], biasShape: nil) }
    #expect(gray?.message == "conv: the input has 1 channel but the filter bank expects 3 (kernel 3x3x3x4)")
}

@Test func biasMustHaveOneValuePerFilter() {
    let short = coreError { try Convolution().plan(inputShape: [8, 8, 1], kernelShape: [3, 3, 1, 8], biasShape: [4]) }
    #expect(short?.message == "conv: the bias has 4 values but there are 8 filters")
    let single = coreError { try Convolution().plan(inputShape: [8, 8], kernelShape: [3, 3], biasShape: [2]) }
    #expect(single?.message == "conv: the bias has 2 values but there is 1 filter")
    let matrix = coreError { try Convolution().plan(inputShape: [8, 8], kernelShape: [3, 3], biasShape: [1, 1]) }
    #expect(matrix?.message.hasPrefix("conv: the bias must be a vector") == true)
}

@Test func strideAndDilationMustBePositive() {
    #expect(coreError { try Convolution(stride: Pair(0, 1)) }?.message == "conv: the stride must be at least 1, not 0")
    #expect(coreError { try Convolution(stride: Pair(1, -2)) }?.message == "conv: the stride must be at least 1, not -2")
    #expect(coreError { try Convolution(dilation: Pair(square: 0)) }?.message == "conv: the dilation must be at least 1, not 0")
    #expect(coreError { try Convolution(stride: Pair(Int.max, 1)) }?.message.hasPrefix("conv: a stride of") == true)
    #expect(coreError { try Convolution(dilation: Pair(1, Int.max)) }?.message.hasPrefix("conv: a dilation of") == true)
}

@Test func explicitPaddingMustBeZeroOrMore() {
    let negative = coreError {
        try Convolution(padding: .explicit(PaddingAmounts(top: 0, bottom: 0, left: -1, right: 0)))
    }
    #expect(negative?.message == "conv: padding cannot be negative, but the left padding is -1")
    let huge = coreError {
        try Convolution(padding: .explicit(PaddingAmounts(top: Int.max, bottom: 0, left: 0, right: 0)))
    }
    #expect(huge?.message == "conv: a top padding of \(Int.max) is too large")
}

@Test func ranksOutsideTheLayoutsAreRejected() {
    let batch = coreError { try Convolution().plan(inputShape: [1, 28, 28, 1], kernelShape: [3, 3, 1, 8], biasShape: nil) }
    #expect(batch?.message == "conv: the input must be an H x W image or an H x W x C stack of maps, not a 4-D 1x28x28x1 tensor")
    #expect(batch?.hint == "drop the batch dimension: reshape it to 28x28x1")
    let vector = coreError { try Convolution().plan(inputShape: [10], kernelShape: [3, 3], biasShape: nil) }
    #expect(vector?.message.hasPrefix("conv: the input must be") == true)
    let flatKernel = coreError { try Convolution().plan(inputShape: [10, 10], kernelShape: [9], biasShape: nil) }
    #expect(flatKernel?.message == "conv: the kernel is a vector of 9 values, but a kernel has rows and columns (kh x kw)")
    #expect(flatKernel?.hint == "ones(3, 3) or ones(3x3) is a 3x3 kernel of ones")
    let fiveD = coreError { try Convolution().plan(inputShape: [10, 10], kernelShape: [1, 3, 3, 1, 1], biasShape: nil) }
    #expect(fiveD?.message == "conv kernel: a tensor has 1 to 4 dimensions, not 5")
    let empty = coreError { try Convolution().plan(inputShape: [0, 10], kernelShape: [3, 3], biasShape: nil) }
    #expect(empty != nil)
}

@Test func oversizedOutputsAndWorkAreRejectedBeforeAllocating() {
    // Full padding with a huge dilation: the output would be enormous.
    let huge = coreError {
        try Convolution(padding: .full, dilation: Pair(square: Convolution.maxSetting))
            .plan(inputShape: [2, 2], kernelShape: [2, 2], biasShape: nil)
    }
    #expect(huge?.message.hasPrefix("conv output:") == true)
    // Explicit padding that makes a big output.
    let padded = coreError {
        let amounts = PaddingAmounts(top: 50_000, bottom: 50_000, left: 50_000, right: 50_000)
        return try Convolution(padding: .explicit(amounts)).plan(inputShape: [1, 1], kernelShape: [1, 1], biasShape: nil)
    }
    #expect(padded?.message.hasPrefix("conv output:") == true)
    // A same convolution whose multiply-adds exceed the limit.
    let work = coreError {
        try Convolution(padding: .same).plan(inputShape: [3000, 3000], kernelShape: [100, 100, 1, 10], biasShape: nil)
    }
    #expect(work?.message.contains("multiply-adds") == true)
}

@Test func applyAndReferenceThrowTheSameErrors() throws {
    let input = try Tensor(shape: [3, 3], repeating: 1)
    let kernel = try Tensor(shape: [5, 5], repeating: 1)
    let conv = try Convolution()
    #expect(throws: CoreError.self) { try conv.apply(input, kernel: kernel) }
    #expect(throws: CoreError.self) { try conv.applyReference(input, kernel: kernel) }
    #expect(throws: CoreError.self) { try conv.trace(input: input, kernel: kernel, at: [0, 0]) }
}
