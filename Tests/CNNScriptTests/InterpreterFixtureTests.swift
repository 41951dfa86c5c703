// InterpreterFixtureTests: lines of script evaluated by the interpreter against values NumPy computed for
// the same thing (tools/fixtures/gen_interp.py): precedence, broadcast, @, indexing and slicing, keyword and
// positional arguments, bare words, padding forms, strides, dilation, reductions and every layer built-in.
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

@Test func theFixturesAreThere() {
    #expect(interpreterFixtures.count >= 100)
    #expect(Set(interpreterFixtures.map(\.name)).count == interpreterFixtures.count)
}

@Test(arguments: interpreterFixtures)
func evaluatesLikeNumPy(_ fixture: InterpreterFixture) throws {
    let script = Script()
    try script.run(interpreterFixturePrelude)
    let value = try script.value(fixture.source)
    switch (value, fixture.shape) {
    case (.number(let x), nil):
        #expect(close(x, fixture.values[0]), "\(fixture.source) = \(x), NumPy says \(fixture.values[0])")
    case (.tensor(let t), let shape?):
        #expect(t.shape == shape, "\(fixture.source) has shape \(t.shape), NumPy says \(shape)")
        #expect(matches(t, shape: shape, values: fixture.values),
                "\(fixture.source) = \(t.scalars), NumPy says \(fixture.values)")
    default:
        Issue.record("\(fixture.source) gave \(value.kindDescription), NumPy says shape \(fixture.shape.map { "\($0)" } ?? "number")")
    }
}
