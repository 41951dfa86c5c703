// CellAssignmentTests: `w[:, 3] = 1`, `x[0, 0] = 5`, `w[:, :, 0] = k` (issue 17, item 2): the cells set, the
// others kept, a value stretched as NumPy broadcasting stretches it, errors at the value, and gradients
// through the new value to both the old one and the value written.
import CNNCore
import Testing
import CNNTestSupport
@testable import CNNScript

@Test func theNotesLineFilterIsBuiltByAssigningIntoAColumn() throws {
    // The notes: filters = np.zeros((7, 7, 1, 2)); filters[:, 3, :, 0] = 1 (a vertical line).
    let script = Script()
    try script.run("filters = zeros(7, 7, 1, 2)\nfilters[:, 3, :, 0] = 1")
    let filters = try #require(script.tensor(named: "filters"))
    #expect(filters.shape == [7, 7, 1, 2])
    for r in 0..<7 {
        for c in 0..<7 {
            #expect(filters.value(at: [r, c, 0, 0]) == (c == 3 ? 1 : 0))
            #expect(filters.value(at: [r, c, 0, 1]) == 0)
        }
    }
}

@Test func oneCellARegionFromATensorAndARowStretchedOverRows() throws {
    let script = Script()
    try script.run("x = zeros(2, 3)\nx[0, 0] = 5\nx[-1, -1] = 2")
    #expect(script.tensor(named: "x")?.scalars == [5, 0, 0, 0, 0, 2])
    try script.run("m = zeros(3, 3, 2)\nk = [1, 2; 3, 4]\nm[0:2, 0:2, 0] = k")
    let m = try #require(script.tensor(named: "m"))
    #expect(m.value(at: [1, 1, 0]) == 4 && m.value(at: [0, 1, 0]) == 2 && m.value(at: [2, 2, 0]) == 0 && m.value(at: [0, 0, 1]) == 0)
    try script.run("r = zeros(3, 4)\nr[:, :] = [1, 2, 3, 4]")
    #expect(script.tensor(named: "r")?.scalars == [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4])
    // Every second column, with a step.
    try script.run("s = zeros(2, 4)\ns[:, ::2] = 7")
    #expect(script.tensor(named: "s")?.scalars == [7, 0, 7, 0, 7, 0, 7, 0])
}

@Test func theStepSaysHowManyCellsWereSet() throws {
    let script = Script()
    let outcomes = try script.run("w = zeros(3, 3)\nw[:, 1] = 1")
    guard case .assigned(let name, _, let provenance, let source)? = outcomes.last else { Issue.record("no assignment"); return }
    #expect(name == "w" && source == "w[:, 1] = 1")
    #expect(provenance?.step?.summary == .cellsSet(shape: "3x3", count: 3, total: 9, number: 1, from: nil))
}

@Test func aValueThatDoesNotFitIsAnErrorAtTheValue() throws {
    let script = Script()
    try script.run("m = zeros(3, 4)\nname = 3")
    let wrong = try #require(script.error("m[1, :] = [1, 2]"))
    #expect(wrong.message == "m[1, :] selects a 4 part of m, and [1, 2] is 2: it does not fit")
    #expect(wrong.range.description == "1:11-1:17")
    #expect(script.error("m[5, 0] = 1")?.message.contains("out of range") == true)
    #expect(script.error("name[0] = 1")?.message == "only the cells of a tensor can be set, and name is the number 3")
    #expect(script.error("nothing[0] = 1")?.message.contains("unknown name 'nothing'") == true)
    #expect(script.error("m[0, 0] = \"text\"")?.message.hasPrefix("a cell holds a number") == true)
    // m is unchanged by the failed statements.
    #expect(script.tensor(named: "m")?.scalars.allSatisfy { $0 == 0 } == true)
}

@Test func gradientsFlowToTheValueWrittenAndToTheCellsKept() throws {
    // w = [[v0, v1], [1, 1]] from w0 = ones; loss = sum(w * x) with x = [[1, 2], [3, 4]]:
    // dloss/dv = x[0, :] = [1, 2]; dloss/dw0 = x where w kept w0's cells, 0 where they were set.
    let script = Script()
    try script.run("v = [1, 2]\nw0 = ones(2, 2)\nw = w0 * 1\nw[0, :] = v\nx = [1, 2; 3, 4]\nloss = sum(w * x)")
    #expect(try script.number("loss") == 12)
    #expect(try script.tensor("grad(loss, v)").scalars == [1, 2])
    #expect(try script.tensor("grad(loss, w0)").scalars == [0, 0, 3, 4])
    // A number stretched over cells gets the sum of their gradients: c fills row 0, so dloss/dc = 1 + 2.
    try script.run("c = 5\nu = w0 * 1\nu[0, :] = c\nl2 = sum(u * x)")
    #expect(try script.number("grad(l2, c)") == 3)
}

@Test func parsedAsACellAssignment() {
    let parsed = Parser.parse(SourceText("w[:, 3] = 1", name: "t"))
    #expect(!parsed.hasErrors)
    guard case .cellAssignment(let name, let subscripts, _)? = parsed.statements.first?.kind else {
        Issue.record("not a cell assignment: \(parsed.statements)")
        return
    }
    #expect(name.text == "w" && subscripts.count == 2)
}
