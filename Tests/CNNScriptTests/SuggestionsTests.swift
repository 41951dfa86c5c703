// Tests of "did you mean" suggestions: edit distance with swaps of neighbours, and when to stay silent.
import Testing
@testable import CNNScript

@Test func editDistanceCountsASwapAsOneEdit() {
    #expect(Suggestions.distance("cnov", "conv") == 1)
    #expect(Suggestions.distance("conv", "conv") == 0)
    #expect(Suggestions.distance("maxpol", "maxpool") == 1)
    #expect(Suggestions.distance("", "relu") == 4)
    #expect(Suggestions.distance("kitten", "sitting") == 3)
}

@Test func suggestsCloseNamesOnly() {
    let names = ["conv", "maxpool", "avgpool", "relu", "rand", "range"]
    #expect(Suggestions.closest(to: "cnov", among: names) == "conv")
    #expect(Suggestions.closest(to: "maxpol", among: names) == "maxpool")
    #expect(Suggestions.closest(to: "Relu", among: names) == "relu")
    #expect(Suggestions.closest(to: "zebra", among: names) == nil)
}
