// The JAX reference fixtures of every backward pass and loss (tools/fixtures/gen_grad.py, float64
// jax.grad), read by the core's gradient tests and by the language's whole-network gradient tests.
// Fixtures/grad/index.txt lists one case per line, `<name> <op> key=value ... operands=a,b`.
import Testing
import CNNCore

/// One case of Fixtures/grad/index.txt.
public typealias GradientCase = FixtureCase

/// Access to the gradient fixtures, and checks of a computed gradient against them.
public enum GradientFixtures {
    /// The fixture folder and its index.
    public static let fixtures = FixtureSet("grad")

    /// The folder holding the fixtures.
    public static var folder: String { fixtures.folder }

    /// Every case of the index, in file order.
    public static var all: [GradientCase] { fixtures.all }

    /// The cases of one operation.
    public static func cases(_ op: String) -> [GradientCase] { fixtures.cases(op) }

    /// Checks that `actual` is JAX's `d_<operand>` of the case.
    public static func expectGradient(_ actual: Tensor?, _ fixture: GradientCase, _ operand: String,
                                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try fixture.array("d_" + operand)
        let value = try #require(actual, "\(fixture): no gradient for \(operand)", sourceLocation: sourceLocation)
        #expect(OpsFixtures.close(value, expected, tolerance: 1e-10), "\(fixture): d_\(operand)", sourceLocation: sourceLocation)
    }

    /// Checks the forward output too, so that the fixture and the core agree on what the operation is.
    public static func expectOutput(_ actual: Tensor, _ fixture: GradientCase, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(OpsFixtures.close(actual, try fixture.array("output"), tolerance: 1e-10), "\(fixture): forward output",
                sourceLocation: sourceLocation)
    }
}
