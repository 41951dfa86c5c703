// The built-ins for pictures: gray (colour to grey, ITU-R BT.601), resize (Operations/ResizeOperation.swift), sample (pictures drawn by cnnrepl
// itself) and savegrid (several maps side by side in one PNG, like the notes' Conv0-0..2 figure).
// Loading and saving single pictures is load/save's job (BuiltinsTensors.swift), by the file's extension.
import CNNCore
import CNNImage

extension Builtins {
    static let pictures: [Builtin] = [
        Builtin(
            name: "gray", category: .tensors,
            parameters: [Parameter("input", .tensor, "an H x W x 3 colour picture (red, green, blue)")],
            summary: "Colour to grey: 0.299 R + 0.587 G + 0.114 B for every pixel (ITU-R BT.601).",
            details: """
                The weights are those of ITU-R BT.601 (TV, JPEG, Pillow's convert("L")): green counts most
                because the eye is most sensitive to it, blue least. An H x W x 3 picture becomes H x W;
                an H x W x 1 picture loses its channel axis; a grey H x W map stays as it is. The result keeps
                its fractions (Pillow rounds them to whole numbers).
                """,
            examples: ["gray(sample(\"colors\"))"], updatesInPlace: true,
            body: { context in
                let input = try context.requiredTensor("input")
                let output = try Grayscale.convert(input)
                let formula = input.rank == 3 && input.shape[2] == 3 ? Grayscale.formula : nil
                context.step = Step(operation: RecordedOperation("gray"), operands: context.operands(["input"]),
                                    summary: .mapped(from: input.shapeDescription, to: output.shapeDescription, how: .grey(formula: formula)))
                return .tensor(output)
            }),
        ResizeOperation.builtin,
        Builtin(
            name: "sample", category: .constructors,
            parameters: [Parameter("name", .word(SamplePictures.names),
                                   "which picture: " + SamplePictures.names.joined(separator: ", "))],
            summary: "A built-in picture, drawn by cnnrepl or a real photograph (no files needed): sample(\"digit\"), sample(\"cat\"), ...",
            details: "The pictures, values 0..255, the same on every machine (the photographs are JPEG files built into cnnrepl, public domain or CC0; lessons/README.md credits them): "
                + SamplePictures.catalogue.map { "\($0.name) (\($0.about))" }.joined(separator: "; ")
                + ". load(\"sample:NAME\") gives the same picture.",
            examples: ["x = sample(\"shapes\")", "d = sample(\"digit\")"], updatesInPlace: false,
            body: { context in
                let name = try context.word("name", choices: SamplePictures.names) ?? "shapes"
                return .tensor(try samplePicture(name, context: &context))
            }),
        Builtin(
            name: "savegrid", category: .files,
            parameters: [Parameter("maps", .tensor, "H x W x C maps (e.g. stack(m0, m1, m2)), one H x W map, a kh x kw x Cin x Cout filter bank, or a model after run"),
                         Parameter("path", .string, "a .png (or .pgm) file name"),
                         Parameter("titles", .string, default: "none", "a name to number (\"Conv0\" gives Conv0-0, Conv0-1, ...) or titles separated by commas; \"Conv0;MaxP0\" titles maps and below"),
                         Parameter("columns", .integer, default: "auto", "maps per row (up to 8 in one row, else a near-square grid)"),
                         Parameter("scale", .integer, default: "auto", "pixels per map cell (so small maps are big enough to see)"),
                         Parameter("below", .tensor, default: "none", "more maps drawn in the rows below, e.g. the pooled maps")],
            summary: "Save several maps side by side in one picture, with titles: the notes' Conv0-0..2 figure.",
            details: """
                Each channel of an H x W x C stack becomes one tile; a filter bank gives one row of tiles per input
                channel; below= adds another stack in the rows underneath (the notes draw the conv maps Conv0-0..2
                above the pooled maps MaxP0-0..2). One scale covers all the tiles, always stretched: the smallest
                value of all the maps is black, the largest white, so the tiles can be compared. Each cell is drawn
                as a square of `scale` pixels (automatically about 128 pixels per tile), so a pooled map, with
                fewer cells, makes a smaller tile. savegrid(NAME, "maps.png") after `run NAME x` saves what `show NAME`
                draws: a row for the input, for each layer's maps (at most 8) and for the first layer's filters, each
                row on its own scale.
                """,
            examples: ["savegrid(stack(m0, m1, m2), \"conv0.png\", titles=\"Conv0\")",
                       "savegrid(maps, \"conv0.png\", titles=\"Conv0;MaxP0\", below=maxpool(maps))"],
            updatesInPlace: false,
            body: { context in
                if case .model(let spec)? = context.argument("maps")?.value {
                    return try saveNetworkGrid(spec.name, &context)
                }
                let tensor = try context.requiredTensor("maps")
                let name = try context.string("path") ?? ""
                let path = try context.writablePath("path")
                let kind = ImageFile.kind(ofPath: path)
                guard kind == .png || kind == .pgm else {
                    throw ArgumentError(message: "savegrid: the grid is a grey picture: give a .png or .pgm file name, not \"\(name)\"",
                                        hint: "e.g. savegrid(maps, \"grid.png\")", argument: context.argument("path")?.index)
                }
                var stacks = [tensor]
                if let below = try context.tensor("below") { stacks.append(below) }
                let split = try stacks.map { try PictureGrid.maps(of: $0, name: "") }
                let given = try context.string("titles")
                let specs = given.map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) } ?? []
                guard specs.count <= stacks.count else {
                    throw ArgumentError(message: "savegrid: titles has \(specs.count) parts separated by ';' but there \(stacks.count == 1 ? "is 1 stack" : "are \(stacks.count) stacks") of maps",
                                        hint: "use ';' only to title the maps given with below=", argument: context.argument("titles")?.index)
                }
                let titles: [[String]] = split.indices.map { index in
                    let spec = index < specs.count ? specs[index].trimmingCharacters(in: " ") : ""
                    if spec.isEmpty || spec == "none" { return [] }
                    if spec.contains(",") {
                        return spec.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " ") }
                    }
                    return split[index].maps.count == 1 ? [spec] : split[index].titles.map { spec + $0 }
                }
                let asked = try context.integer("columns", in: 1...Limits.maxElements)
                let scale = try context.integer("scale", in: 1...PictureGrid.maxScale)
                let natural = split.map(\.columns).max() ?? 1
                let (picture, scaling, used) = try PictureGrid.draw(groups: split.map(\.maps), titles: titles, columns: asked ?? natural,
                                                                    scale: scale, what: "save '\(path)'")
                let bytes = kind == .png ? try PNGCodec.encode(picture, what: "save '\(path)'") : NetPBMCodec.encode(picture)
                try ImageFile.writeBytes(bytes, path: path, what: "save '\(path)'")
                context.picturesWritten.append(path)
                let count = split.map(\.maps.count).reduce(0, +)
                let shapes = split.map { $0.maps.first.map(\.shapeDescription) ?? "" }
                let what = split.count == 1 ? "\(count) map\(count == 1 ? "" : "s") of \(shapes[0])"
                    : zip(split, shapes).map { "\($0.maps.count) of \($1)" }.joined(separator: " and ") + " (below)"
                let perRow = min(split.map(\.maps.count).max() ?? 1, asked ?? natural)
                let rows = split.map { ($0.maps.count + perRow - 1) / perRow }.reduce(0, +)
                return .string("""
                    saved \(what) to \(Workspace.shownPath(path)): a grey \(kind == .png ? "PNG" : "PGM") of \(picture.height)x\(picture.width) pixels, \(rows) row\(rows == 1 ? "" : "s") of \(perRow), each cell \(used)x\(used) pixels
                      \(scaling.description), one scale for all maps
                    """)
            }),
    ]

    /// `savegrid(NAME, "maps.png")`: the rows of `show NAME` in one grey picture, each row stretched on its
    /// own (the input's 0..255 and a layer's activations are not comparable), titled by layer.
    static func saveNetworkGrid(_ model: String, _ context: inout CallContext) throws -> Value {
        let name = try context.string("path") ?? ""
        let path = try context.writablePath("path")
        guard ImageFile.kind(ofPath: path) == .png else {
            throw ArgumentError(message: "savegrid: the maps of a model are saved as a .png file, not \"\(name)\"",
                                hint: "e.g. savegrid(\(model), \"\(model)-maps.png\")", argument: context.argument("path")?.index)
        }
        guard let run = context.modelRuns[model] else {
            throw ArgumentError(message: "savegrid: \(model) has not been run yet, so there are no maps to save",
                                hint: "run it on an input first, e.g. run \(model) x", argument: context.argument("maps")?.index)
        }
        let what = "save '\(path)'"
        let view = try NetworkView(run)
        let (grid, lines) = try view.picture(what: what)
        try ImageFile.writeBytes(try PNGCodec.encode(grid, what: what), path: path, what: what)
        context.picturesWritten.append(path)
        return .string("saved the maps of \(model) for \(run.inputVariable) to \(Workspace.shownPath(path)): a grey PNG of \(grid.height)x\(grid.width) pixels, \(view.rows.count) rows, each stretched on its own\n"
                       + lines.map { "  " + $0 }.joined(separator: "\n"))
    }

    /// The sample picture `name` as a tensor, with a step that says what it is.
    static func samplePicture(_ name: String, context: inout CallContext) throws -> Tensor {
        guard let picture = SamplePictures.picture(named: name),
              let about = SamplePictures.catalogue.first(where: { $0.name == name })?.about else {
            let guess = Suggestions.closest(to: name, among: SamplePictures.names)
            throw CoreError("there is no sample picture called '\(name)'",
                            hint: (guess.map { "did you mean \($0)? " } ?? "") + "the samples are " + SamplePictures.names.joined(separator: ", "))
        }
        context.step = Step(operation: RecordedOperation("sample"), operands: [],
                            summary: .samplePicture(about: about))
        return try picture.tensor()
    }
}

private extension StringProtocol {
    /// The text without `character` at either end.
    func trimmingCharacters(in character: Character) -> String {
        var text = Substring(self)
        while text.first == character { text.removeFirst() }
        while text.last == character { text.removeLast() }
        return String(text)
    }
}
