// Option words such as `same` or `fit` mean themselves in an option, even when a variable has that name;
// elsewhere the variable wins.
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

@Test func optionWordsAreNotShadowedByVariables() throws {
    let script = Script()
    try script.run("fit = 1; same = 2")
    let pooled = try script.tensor("maxpool(ones(5, 5), padding=fit)")
    #expect(pooled.shape == [3, 3], "padding=fit zero-pads the odd 5x5 map to 6x6 before 2x2 pooling")
    let convolved = try script.tensor("conv(ones(5, 5), ones(3, 3), padding=same)")
    #expect(convolved.shape == [5, 5])
    // As a plain value the variable is still the variable.
    #expect(try script.number("fit + same") == 3)
}
