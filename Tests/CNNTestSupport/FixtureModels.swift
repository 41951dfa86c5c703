// FixtureModels: reads the fixture files that hold model blocks, each followed by lines of expectations
// ("model NAME SHAPE", the layer lines, "end", then e.g. "field 1 rows 3 1 0.5 cols 3 1 0.5"), as written by
// tools/fixtures/gen_receptive_fields.py. Lines starting with # are comments.

/// One model block of a fixture file and the lines after it.
public struct FixtureModel: Sendable {
    /// The model's name (the second word of its first line).
    public var name: String
    /// The block, from "model" to "end".
    public var block: String
    /// The lines between this block's "end" and the next block.
    public var lines: [String]
}

public enum FixtureModels {
    /// The model blocks of the file at `path` (a repository-relative path), or none if it cannot be read.
    public static func read(_ path: String) -> [FixtureModel] {
        let text = TestFiles.text(TestFiles.path(path)) ?? ""
        var models: [FixtureModel] = []
        var block: [String]?
        for line in text.split(separator: "\n").map(String.init) where !line.hasPrefix("#") {
            if line.hasPrefix("model ") {
                block = [line]
                models.append(FixtureModel(name: String(line.split(separator: " ")[1]), block: "", lines: []))
            } else if line == "end", var lines = block {
                lines.append(line)
                models[models.count - 1].block = lines.joined(separator: "\n")
                block = nil
            } else if block != nil {
                block?.append(line)
            } else if !models.isEmpty {
                models[models.count - 1].lines.append(line)
            }
        }
        return models
    }
}
