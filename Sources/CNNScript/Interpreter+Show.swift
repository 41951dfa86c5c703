// Interpreter+Show: the `show` command. `show f` draws one map as a heatmap; `show f1 f2 f3` (or a stack
// H x W x C, or a filter bank) draws several side by side, titled. The channels of one stack share one
// value scale, separate tensors each get their own (scale=shared or scale=each decides); `colors=gray`
// picks black-to-white instead of viridis on a colour terminal. A colour picture (H x W x 3 of 0..255 from
// load, sample or resize) is drawn in its own colours. `show NAME` after `run NAME x` draws every layer's
// maps for that input (NetworkView.swift).
import CNNCore

extension Commands {
    /// `show`: heatmaps.
    static let show = CommandDefinition(
        name: "show", usage: "show X [Y ...] [colors=viridis|gray] [scale=shared|each]",
        summary: "Draw maps as heatmaps in the terminal, side by side, with a value scale.",
        details: """
            One character per cell (two across, so cells are square): without colour an ASCII ramp
            " .:-=+*#%@" from the smallest value to the largest; on a colour terminal coloured half blocks
            (24-bit where the terminal says so, else 256 colours), viridis or gray. Several maps stand side by
            side (at most 16): the channels of one H x W x C stack share one scale so they can be compared,
            separate tensors (show image f) each get their own; scale=shared or scale=each decides. Small maps
            are drawn larger so a 3x3 kernel is visible; large ones are averaged down to the terminal's width. A
            colour picture (H x W x 3 of values 0..255, from load, sample or resize) is drawn in its own colours on a
            colour terminal, and as its grey otherwise. After `run NAME x`, `show NAME` draws what the network sees:
            the input, then every layer's maps for it (at most 8 per layer) with the layer's name and shape, the
            first layer's filters, and the prediction (with class names once trained on a data set that has them);
            savegrid(NAME, "maps.png") saves the same as a picture.
            """,
        examples: ["show image", "show maps", "show m0 m1 m2 scale=shared", "show sample(\"digit\") colors=gray",
                   "show sample(\"cat\")", "show mnist"],
        body: Interpreter.showCommand)
}

extension Interpreter {
    /// Evaluates `show`'s arguments into a ShowRequest.
    func showCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        var maps: [ShownMap] = []
        var omitted = 0
        var colors = HeatmapColors.viridis
        var shared: Bool?
        var tensors = 0
        for argument in arguments {
            if let label = argument.label {
                switch label.text {
                case "colors": colors = try option(label, argument, choices: HeatmapColors.allCases.map(\.rawValue), context)
                    .flatMap(HeatmapColors.init(rawValue:)) ?? .viridis
                case "scale": shared = try option(label, argument, choices: ["shared", "each"], context) != "each"
                default:
                    throw Diagnostic("show's options are colors=viridis|gray and scale=shared|each, not '\(label.text)'",
                                     at: label.range, hint: "e.g. show x colors=gray, or show f g scale=each")
                }
                continue
            }
            var title = context.text(argument.value.range)
            let evaluated = try evaluate(argument.value, context)
            var value = evaluated.value
            if case .model(let spec) = value {
                return .network(try networkView(of: spec.name, at: argument.range))
            }
            // A picture of a data set is titled with its class ("example(data, 1): Pullover"), one grey map.
            if case .tensor(let tensor) = value, let example = evaluated.provenance?.step?.operation as? ExampleOperation {
                let names = example.classNames
                title += ": " + (names.map { example.label < $0.count ? $0[example.label] : "" } ?? "class \(example.label)")
                if tensor.rank == 3, tensor.shape[2] == 1, let map = try? tensor.reshaped([tensor.shape[0], tensor.shape[1]]) {
                    value = .tensor(map)
                }
            }
            guard case .tensor(let tensor) = value else {
                throw Diagnostic("show draws tensors, and \(title) is \(value.kindDescription)", at: argument.range,
                                 hint: "e.g. show f, or show f1 f2 f3 for several maps side by side")
            }
            tensors += 1
            let room = ShowRequest.maxMaps - maps.count
            let madeAsPicture = ["load", "sample", "resize"].contains(evaluated.provenance?.step?.operation.name ?? "")
            if madeAsPicture, room > 0, tensor.rank == 3, tensor.shape[2] == 3, tensor.scalars.allSatisfy({ $0 >= 0 && $0 <= 255 }) {
                maps.append(try core(argument.range) { try ShownMap.picture(title: title, rgb: tensor) })
                continue
            }
            let (slices, total) = try core(argument.range) { try Interpreter.slices(of: tensor, title: title, limit: room) }
            maps += slices
            omitted += total - slices.count
        }
        guard !maps.isEmpty else {
            throw Diagnostic("show takes one or more tensors, e.g. show f or show f1 f2 f3", at: arguments.first?.range ?? name.range)
        }
        // The channels of one stack are comparable and share a scale; separate tensors (an image and its
        // feature map) usually span different ranges, so each gets its own unless scale=shared says otherwise.
        return .show(ShowRequest(maps: maps, omitted: omitted, colors: colors, sharedScale: shared ?? (tensors == 1)))
    }

    /// What `show NAME` draws: the last run of the model `name`.
    func networkView(of name: String, at range: SourceRange) throws -> NetworkView {
        guard let run = lastRuns[name] else {
            throw Diagnostic("\(name) has not been run yet, so there are no maps to show", at: range,
                             hint: "run it on an input first, e.g. run \(name) x, then show \(name)")
        }
        return try core(range) { try NetworkView(run) }
    }

    /// The word given to an option such as `colors=gray` (a bare word or a string), one of `choices`.
    private func option(_ label: Name, _ argument: Argument, choices: [String], _ context: EvaluationContext) throws -> String? {
        var word = argument.value.identifierName ?? ""
        if case .string(let text) = argument.value.kind { word = text }
        if word == "grey" { word = "gray" }
        guard choices.contains(word) else {
            throw Diagnostic("\(label.text) must be \(choices.joined(separator: " or ")), not '\(context.text(argument.value.range))'",
                             at: argument.value.range, hint: "e.g. show x \(label.text)=\(choices.last ?? "")")
        }
        return word
    }

    /// Up to `limit` H x W maps of a tensor with titles, and how many it has in all: a vector is one row;
    /// H x W is itself; H x W x C gives `title[:, :, c]` per channel; a filter bank `title[:, :, c, f]` per slice
    /// (just `[:, :, c]` when the title is a long expression).
    static func slices(of tensor: Tensor, title: String, limit: Int) throws -> (maps: [ShownMap], total: Int) {
        switch tensor.rank {
        case 1:
            return (limit > 0 ? [ShownMap(title: title, map: try tensor.reshaped([1, tensor.count]))] : [], 1)
        case 2:
            return (limit > 0 ? [ShownMap(title: title, map: tensor)] : [], 1)
        default:
            let (height, width) = (tensor.shape[0], tensor.shape[1])
            let depth = tensor.rank == 3 ? tensor.shape[2] : tensor.shape[2] * tensor.shape[3]
            let filters = tensor.rank == 3 ? 1 : tensor.shape[3]
            var maps: [ShownMap] = []
            for slice in 0..<min(depth, max(0, limit)) {
                var values = [Double](repeating: 0, count: height * width)
                for i in 0..<(height * width) { values[i] = tensor.scalars[i * depth + slice] }
                let index = tensor.rank == 3 ? "\(slice)" : "\(slice / filters), \(slice % filters)"
                // A long expression is left out of every slice's title (the echoed command shows it).
                let base = title.count <= 10 ? title : ""
                maps.append(ShownMap(title: "\(base)[:, :, \(index)]", map: try Tensor(shape: [height, width], scalars: values)))
            }
            return (maps, depth)
        }
    }
}
