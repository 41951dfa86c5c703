// `trace` through a graph's joins and through depthwise convs with a depth multiplier, against
// Tests/CNNScriptTests/Fixtures/trace_paths.txt: tools/fixtures/gen_receptive_fields.py builds every path from
// the input to the traced cell as a Keras chain of its own and takes the gradient of the cell, so each path's
// input rows, columns and channels come from JAX, not from cnnrepl's walk. The trace must reach exactly those
// cells of the input, one walk per path (the first input of a join, then every other one).
import Testing
import CNNTestSupport
@testable import CNNExplain

/// One traced cell of the fixture: the model block, the trace command and the input cells of every path.
private struct TracedPaths {
    var name: String
    var block: String
    var trace: String
    var paths: [String]
}

private let tracedPaths: [TracedPaths] = FixtureModels.read("Tests/CNNScriptTests/Fixtures/trace_paths.txt").map { model in
    TracedPaths(name: model.name, block: model.block, trace: model.lines.first { $0.hasPrefix("trace ") } ?? "",
                paths: model.lines.filter { $0.hasPrefix("path ") }.map { String($0.dropFirst("path ".count)) })
}

@Test func theTraceFixtureHasItsCases() {
    #expect(tracedPaths.map(\.name) == ["residual", "projection", "skip", "multiplier"])
    #expect(tracedPaths.map(\.paths.count) == [2, 2, 2, 1])
}

@Test(arguments: tracedPaths.map(\.name))
func traceWalksEveryPathToTheCellsJAXFinds(_ name: String) throws {
    let found = try #require(tracedPaths.first { $0.name == name })
    let session = Script()
    try session.rendered(found.block + "\nseed 1\nrun \(name)")
    let text = try session.rendered(found.trace)
    // The hops that reach the model's input: "  CELL <- STEP: needs NAME_in rows 1..9, columns 2..10, all 2 channels".
    let reached = text.split(separator: "\n").map(String.init).compactMap { line -> String? in
        guard let range = line.firstRange(of: ": needs \(name)_in ") else { return nil }
        var cells = String(line[range.upperBound..<line.endIndex].prefix { $0 != "(" })
        while cells.hasSuffix(" ") { cells.removeLast() }
        return cells
    }
    #expect(reached == found.paths, "\(found.trace):\n\(text)")
    #expect(!text.contains("the field above is the first path's"))
    // Every path after the first is walked, with the traced cell's field along it.
    let cell = String(found.trace.dropFirst("trace ".count))
    #expect(text.ranges(of: "Along this path, \(cell) depends on").count == found.paths.count - 1)
}

@Test func aDeepResidualTraceWalksSixPathsAndNamesTheRest() throws {
    // Ten residual blocks: every add on the way is a path; six are walked in full, the others are named.
    var lines = ["model deep 8x8x2", "  x0 = conv 2 3x3 same"]
    for k in 1...10 { lines += ["  conv 2 3x3 same relu", "  f\(k) = conv 2 3x3 same", "  x\(k) = add f\(k) x\(k - 1)"] }
    lines += ["  conv 2 3x3 same", "end", "seed 1", "run deep"]
    let session = Script()
    try session.rendered(lines.joined(separator: "\n"))
    let text = try session.rendered("trace deep_32[4, 4, 0]")
    #expect(text.ranges(of: "\nAnother path joins at ").count == 6)
    #expect(text.ranges(of: "Along this path, deep_32[4, 4, 0] depends on").count == 6)
    #expect(text.contains("4 more paths join along this path (a trace walks 6 in full): deep_10[3..5, 3..5] into deep_13[3..5, 3..5]"))
}
