// Tests of parameter counting against the Keras counts of the learning material (/work/shared/SEEDS.md).
import Testing
@testable import CNNCore

@Test func convolutionCountsMatchKeras() throws {
    let first = try ParameterCount.convolution(kernel: Pair(square: 3), inputChannels: 1, filters: 32)
    #expect(first == Derivation(value: 320, formula: "3x3x1x32 + 32 = 320"))
    let second = try ParameterCount.convolution(kernel: Pair(square: 3), inputChannels: 32, filters: 64)
    #expect(second == Derivation(value: 18_496, formula: "3x3x32x64 + 64 = 18,496"))
    let noBias = try ParameterCount.convolution(kernel: Pair(square: 3), inputChannels: 32, filters: 64, bias: false)
    #expect(noBias == Derivation(value: 18_432, formula: "3x3x32x64 = 18,432"))
    let cifar = try ParameterCount.convolution(kernel: Pair(square: 3), inputChannels: 64, filters: 64)
    #expect(cifar.value == 36_928)
    let small = try ParameterCount.convolution(kernel: Pair(square: 5), inputChannels: 3, filters: 6)
    #expect(small.formula == "5x5x3x6 + 6 = 456")
    let rectangular = try ParameterCount.convolution(kernel: Pair(1, 7), inputChannels: 2, filters: 3)
    #expect(rectangular.formula == "1x7x2x3 + 3 = 45")
}

@Test func denseCountsMatchKeras() throws {
    #expect(try ParameterCount.dense(inputs: 12544, units: 128)
            == Derivation(value: 1_605_760, formula: "12544x128 + 128 = 1,605,760"))
    #expect(try ParameterCount.dense(inputs: 128, units: 10).formula == "128x10 + 10 = 1,290")
    #expect(try ParameterCount.dense(inputs: 1024, units: 64).value == 65_600)
    #expect(try ParameterCount.dense(inputs: 784, units: 128, bias: false).formula == "784x128 = 100,352")
}

@Test func parameterCountErrors() {
    let zero = #expect(throws: CoreError.self) {
        try ParameterCount.convolution(kernel: Pair(square: 3), inputChannels: 0, filters: 8)
    }
    #expect(zero?.message == "conv: the number of input channels must be at least 1, not 0")
    #expect(throws: CoreError.self) { try ParameterCount.convolution(kernel: Pair(0, 3), inputChannels: 1, filters: 8) }
    #expect(throws: CoreError.self) { try ParameterCount.convolution(kernel: Pair(3, 3), inputChannels: 1, filters: -1) }
    #expect(throws: CoreError.self) { try ParameterCount.dense(inputs: 0, units: 10) }
    #expect(throws: CoreError.self) { try ParameterCount.dense(inputs: 10, units: 0) }
    let huge = #expect(throws: CoreError.self) {
        try ParameterCount.convolution(kernel: Pair(square: 1 << 20), inputChannels: 1 << 20, filters: 1 << 20)
    }
    #expect(huge?.message.contains("too large") == true)
    #expect(throws: CoreError.self) { try ParameterCount.dense(inputs: Int.max, units: 2) }
    // The product fits but adding the biases overflows.
    #expect(throws: CoreError.self) { try ParameterCount.dense(inputs: Int.max, units: 1) }
}
