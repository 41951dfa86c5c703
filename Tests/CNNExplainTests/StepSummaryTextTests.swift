// StepSummaryTextTests: the words for what a step did. Most forms are read in every transcript's step
// headers; these pin the ones whose wording depends on settings (pooling's padding names, min pooling, a
// dense layer on an image, softmax's grouping, the plural of a count).
import Testing
import CNNCore
import CNNScript
@testable import CNNExplain

@Test func poolingSummariesNameTheKindWindowStrideAndPadding() throws {
    let plan = try Pooling(kind: .max, size: Pair(square: 2), padding: .padToFit).plan(inputShape: [7, 7])
    #expect(StepSummaryText.text(.pooling(plan)) == "maxpool 7x7, 2x2 window, stride 2, fit -> 4x4")
    #expect(StepSummaryText.text(.pooling(plan, smallest: true)) == "minpool 7x7, 2x2 window, stride 2, fit -> 4x4")
    let average = try Pooling(kind: .average, size: Pair(3, 2), stride: Pair(square: 1), padding: .same).plan(inputShape: [5, 5, 2])
    #expect(StepSummaryText.text(.pooling(average)) == "avgpool 5x5x2, 3x2 window, stride 1, same -> 5x5x2")
}

@Test func convolutionSummariesShowDilationAndExplicitPadding() throws {
    let plain = try Convolution().plan(inputShape: [10, 10], kernelShape: [3, 3], biasShape: nil)
    #expect(StepSummaryText.text(.convolution(plain)) == "10x10 * 3x3, stride 1, valid -> 8x8")
    let explicit = try Convolution(padding: .explicit(PaddingAmounts(top: 0, bottom: 1, left: 0, right: 1)), dilation: Pair(square: 2))
        .plan(inputShape: [6, 6], kernelShape: [2, 2], biasShape: nil)
    #expect(StepSummaryText.text(.convolution(explicit)) == "6x6 * 2x2, stride 1, dilation 2, padding [0, 1, 0, 1] -> 5x5")
    #expect(StepSummaryText.text(.convolution(plain, denseOnImage: true))
            == "10x10 * 3x3, stride 1, valid -> 8x8 (a dense layer on an image is a 1x1 convolution)")
}

@Test func valueChangesAreWordedAfterTheShapes() {
    #expect(StepSummaryText.text(.mapped(from: "4", to: "4", how: .activation(.softmax, inputRank: 1)))
            == "4 -> 4, softmax of the whole vector (the values add up to 1)")
    #expect(StepSummaryText.text(.mapped(from: "2x4", to: "2x4", how: .activation(.softmax, inputRank: 2)))
            == "2x4 -> 2x4, softmax along the last axis (each slice along it adds up to 1)")
    #expect(StepSummaryText.text(.mapped(from: "10", to: "10", how: .activation(.softmax, inputRank: nil)))
            == "10 -> 10, softmax along the last axis")
    #expect(StepSummaryText.text(.mapped(from: "3x3", to: "3x3", how: .activation(.relu, inputRank: 2))) == "3x3 -> 3x3, relu of every cell")
    #expect(StepSummaryText.text(.mapped(from: "4x4x3", to: "3", how: .globalPooling(.max, perMap: true))) == "4x4x3 -> 3, one maximum per map")
    #expect(StepSummaryText.text(.mapped(from: "4x4", to: "number", how: .globalPooling(.average, perMap: false))) == "4x4 -> number, one average")
    #expect(StepSummaryText.text(.mapped(from: "2x2", to: "2x2", how: .clipped(low: 0, high: 255)))
            == "2x2 -> 2x2, every value kept within [0, 255]")
    #expect(StepSummaryText.text(.mapped(from: "8x8", to: "8x8", how: .grey(formula: nil))) == "8x8 -> 8x8, already grey")
}

@Test func lossAndExampleSummariesCountTheirValues() {
    #expect(StepSummaryText.text(.meanSquaredError(prediction: "y", target: "t", count: 1)) == "mse: the mean of (y - t)^2 over 1 value")
    #expect(StepSummaryText.text(.meanSquaredError(prediction: "y", target: "t", count: 1200))
            == "mse: the mean of (y - t)^2 over 1,200 values")
    #expect(StepSummaryText.text(.crossEntropy(examples: 4, fromLogits: true))
            == "crossentropy: -sum(t * log p), the mean over 4 examples; computed from the logits, softmax and crossentropy together")
    #expect(StepSummaryText.text(.crossEntropy(examples: 1, fromLogits: false)) == "crossentropy: -sum(t * log q), q = p / sum(p)")
    #expect(StepSummaryText.text(.example(part: "training", index: 3, dataset: "digits", label: 8)) == "training example 3 of digits, an 8")
    #expect(StepSummaryText.text(.dense(input: "4", weights: "4x3", bias: "3", output: "3")) == "4 . 4x3 + 3 -> 3")
}
