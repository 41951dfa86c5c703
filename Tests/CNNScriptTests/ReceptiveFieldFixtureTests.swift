// The receptive-field column of `summary` for models with transposed convs, upsampling and joins, against
// the fields tools/fixtures/gen_receptive_fields.py found by brute force (the input pixels with a nonzero
// gradient in Keras/JAX models with kernels of ones): the size (the largest of any value, borders ignored),
// the jump (a fraction after upsampling) and the start, along rows and columns, after every layer.
import Testing
import CNNCore
import CNNScript
import CNNTestSupport

/// One model of the fixture: its block and, per layer, the expected "SIZE JUMP START" of rows and columns.
private struct FieldCase {
    var name: String
    var block: String
    var fields: [(layer: Int, rows: [String], cols: [String])]
}

private let fieldCases: [FieldCase] = FixtureModels.read("Tests/CNNScriptTests/Fixtures/receptive_fields.txt").map { model in
    let fields = model.lines.compactMap { line -> (layer: Int, rows: [String], cols: [String])? in
        let words = line.split(separator: " ").map(String.init)
        guard words.count == 10, words[0] == "field", let layer = Int(words[1]) else { return nil }
        return (layer, Array(words[3...5]), Array(words[7...9]))
    }
    return FieldCase(name: model.name, block: model.block, fields: fields)
}

@Test func theFieldFixtureHasItsModels() {
    #expect(fieldCases.map(\.name) == ["decoder", "valid_transposed", "sparse_taps", "upsample_three", "unet", "unet_upsample", "offset_paths"])
    #expect(fieldCases.allSatisfy { !$0.fields.isEmpty })
}

@Test(arguments: fieldCases.map(\.name))
func summaryGivesTheBruteForceField(_ name: String) throws {
    let found = try #require(fieldCases.first { $0.name == name })
    let outcomes = try Script().run(found.block + "\nsummary \(name)")
    guard case .summary(_, let analysis) = outcomes.last else {
        Issue.record("no summary for \(name)")
        return
    }
    for expected in found.fields {
        let layer = try #require(analysis.layers.first { $0.index == expected.layer })
        let field = try #require(layer.receptiveField, "\(name) layer \(expected.layer) has no receptive field")
        for (axis, want) in [(field.rows, expected.rows), (field.cols, expected.cols)] {
            #expect(["\(axis.size)", axis.jumpText] == Array(want[0...1]), "\(name) layer \(expected.layer)")
            #expect(abs(axis.start - (Double(want[2]) ?? .nan)) < 1e-9, "\(name) layer \(expected.layer): start \(axis.start)")
        }
    }
}
