// ModelBuilder+Graph: the connections of a model block's layers, for models that are graphs.
//
// Every layer takes the line above it (the first takes the model's input) unless it says otherwise:
//
//     model bottleneck 56x56x256
//       conv 64 1x1 relu                       takes the input
//       conv 64 3x3 same relu                  takes the line above
//       f = conv 256 1x1                       a name for the residual branch F(x)
//       add f input                            F(x) + x (Keras' Add)
//       relu
//     end
//
//   NAME = LAYER ...     gives the layer a name (Keras' name=), which later lines use
//   LAYER ... from NAME  takes NAME's output instead of the line above (NAME may be `input`)
//   add A B ...          adds named layers cell by cell; `add A` adds the line above and A
//   concat A B ...       joins named layers along the channels; `concat A` joins the line above and A
//
// A layer can only take layers above it, so a model has no cycles; a layer nobody takes (but the last) is an
// error, reported by ModelSpec.analyze. A block without names, `from`, add or concat is a plain stack, exactly
// as before (ModelSpec.graph stays nil).
import CNNCore

extension ModelBuilder {
    /// The name of the model's input in `from input` and `add f input`.
    static let inputName = "input"
    /// The keywords that join layers: their words are the names of the layers they join.
    static let mergeKeywords: Set<String> = ["add", "concat"]

    /// The layers of a block and, when the block is a graph, their connections.
    static func layers(_ lines: [LayerLine]) throws -> ([LayerSpec], ModelGraph?) {
        var layers: [LayerSpec] = []
        var inputs: [[Int]] = []
        var names: [String?] = []
        var nodes: [String: Int] = [inputName: 0]
        var isGraph = false
        for (offset, line) in lines.enumerated() {
            var words = line.words
            var sources = [offset]  // the line above, or the input for the first line
            if mergeKeywords.contains(line.keyword.text) {
                isGraph = true
                guard !words.isEmpty else {
                    throw Diagnostic("\(line.keyword.text) needs the names of the layers it joins", at: line.keyword.range,
                                     hint: "name the layers (f = conv ...) and write e.g. \(line.keyword.text) f input")
                }
                let joined = try words.map { try node($0, of: line, offset: offset, nodes: nodes, lines: lines) }
                sources = joined.count == 1 ? [offset] + joined : joined
                if Set(sources).count < sources.count {
                    let word = joined.count == 1 ? words[0] : words[words.count - 1]
                    throw Diagnostic("\(line.keyword.text) would join '\(word.text)' with itself", at: word.range,
                                     hint: joined.count == 1 ? "\(line.keyword.text) \(word.text) joins the line above and \(word.text), which is that line here; name the other layer: \(line.keyword.text) \(word.text) input"
                                                             : "name two different layers, e.g. \(line.keyword.text) f input")
                }
                words = []
            } else if let from = words.firstIndex(where: { $0.text == "from" }) {
                isGraph = true
                guard from + 1 < words.count else {
                    throw Diagnostic("from needs the name of a layer above, or input", at: words[from].range,
                                     hint: "e.g. conv 256 1x1 from input")
                }
                sources = [try node(words[from + 1], of: line, offset: offset, nodes: nodes, lines: lines)]
                words.removeSubrange(from...(from + 1))
            }
            var read = line
            read.words = words
            layers.append(try layer(read))
            inputs.append(sources)
            names.append(line.label?.text)
            if let label = line.label {
                isGraph = true
                try checkNew(label, offset: offset, nodes: nodes, lines: lines)
                nodes[label.text] = offset + 1
            }
        }
        return (layers, isGraph ? ModelGraph(inputs: inputs, names: names) : nil)
    }

    /// The node a word names on line `offset`: 0 for `input`, k for the layer named on line k.
    private static func node(_ word: Word, of line: LayerLine, offset: Int, nodes: [String: Int],
                             lines: [LayerLine]) throws -> Int {
        guard case .identifier(let name) = word.kind else {
            throw Diagnostic("'\(word.text)' is not a name; \(line.keyword.text == "add" || line.keyword.text == "concat" ? line.keyword.text : "from") takes names of layers above",
                             at: word.range, hint: "give a layer a name with NAME = conv ..., then use that name")
        }
        if let node = nodes[name] { return node }
        if line.label?.text == name {
            throw Diagnostic("the layer '\(name)' cannot take itself as its input: that would be a cycle", at: word.range,
                             hint: "a layer takes the input or layers above it")
        }
        if let later = lines[(offset + 1)...].first(where: { $0.label?.text == name }), let label = later.label {
            throw Diagnostic("'\(name)' is named below this line; a layer can only take layers above it, so a model has no cycles",
                             at: word.range, hint: "move this line below '\(name)', or take a layer above",
                             notes: [DiagnosticNote("'\(name)' is named here", range: label.range)])
        }
        let known = nodes.keys.sorted()
        let guess = Suggestions.closest(to: name, among: known)
        throw Diagnostic("no layer above is named '\(name)'", at: word.range,
                         hint: guess.map { "did you mean \($0)?" } ?? "names above: \(known.joined(separator: ", ")); name a layer with NAME = conv ...")
    }

    /// Refuses a name that is taken: `input`, or an earlier layer's.
    private static func checkNew(_ label: Name, offset: Int, nodes: [String: Int], lines: [LayerLine]) throws {
        if label.text == inputName {
            throw Diagnostic("'input' is the model's input, so it cannot name a layer", at: label.range,
                             hint: "choose another name, e.g. x")
        }
        if let earlier = nodes[label.text], earlier >= 1, let first = lines[earlier - 1].label {
            throw Diagnostic("a layer above is already named '\(label.text)'", at: label.range,
                             hint: "give each layer its own name, e.g. \(label.text)2",
                             notes: [DiagnosticNote("'\(label.text)' is named here", range: first.range)])
        }
    }
}
