// Tests of output-size arithmetic and TensorFlow's `same` padding rule.
import Testing
@testable import CNNCore

@Test func outputSizeOfValidConvolution() {
    let d = OutputSize.along(inputSize: 10, kernel: 3, stride: 1)
    #expect(d.value == 8)
    #expect(d.formula == "out = (10 - 3)/1 + 1 = 8")
}

@Test func outputSizeWithStrideFloors() {
    let d = OutputSize.along(inputSize: 10, kernel: 3, stride: 2)
    #expect(d.value == 4)
    #expect(d.formula == "out = floor((10 - 3)/2) + 1 = 4")
}

@Test func outputSizeWhenKernelDoesNotFit() {
    #expect(OutputSize.along(inputSize: 3, kernel: 5, stride: 1).value == 0)
    #expect(OutputSize.along(inputSize: 3, kernel: 5, stride: 2).value == 0)
}

@Test func samePaddingFollowsTensorFlow() {
    // n=10, k=3, s=1: total 2, split 1/1.
    #expect(Padding.sameAmounts(inputSize: 10, kernel: 3, stride: 1, dilation: 1) == (1, 1))
    // n=10, k=3, s=2: out 5, total (5-1)*2+3-10 = 1, extra goes after.
    #expect(Padding.sameAmounts(inputSize: 10, kernel: 3, stride: 2, dilation: 1) == (0, 1))
    // even kernel k=4, s=1: total 3 -> 1 before, 2 after.
    #expect(Padding.sameAmounts(inputSize: 7, kernel: 4, stride: 1, dilation: 1) == (1, 2))
    // k=1 s=2 n=5: out 3, total (3-1)*2+1-5 = 0.
    #expect(Padding.sameAmounts(inputSize: 5, kernel: 1, stride: 2, dilation: 1) == (0, 0))
}
