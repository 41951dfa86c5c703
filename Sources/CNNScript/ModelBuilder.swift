// ModelBuilder: turns a `model NAME SHAPE ... end` block into the core's ModelSpec, checking every word.
//
// Layer lines (one layer each), read by the layer keywords registered in `ModelBuilder.keywords`:
//   conv F KxK [stride S] [valid|same] [dilation D] [activation]
//   maxpool KxK [stride S] [valid|same]        avgpool KxK [stride S] [valid|same]
//   globalavgpool   globalmaxpool   flatten   dense N [activation]   dropout RATE
//   relu | sigmoid | tanh | softmax | leakyrelu   (an activation as a layer of its own)
import CNNCore

extension Interpreter {
    func declareModel(_ declaration: ModelDecl, _ context: EvaluationContext) throws -> Outcome {
        guard let name = declaration.name else {
            throw Diagnostic("a model needs a name, e.g. model mnist 28x28x1", at: declaration.keywordRange)
        }
        if Vocabulary.isReserved(name.text) {
            throw Diagnostic("'\(name.text)' is the name of a built-in, so it cannot name a model", at: name.range)
        }
        let inputShape = try ModelBuilder.inputShape(declaration.inputShape, after: name)
        var layers: [LayerSpec] = []
        for line in declaration.layers {
            layers.append(try ModelBuilder.layer(line))
        }
        let spec = ModelSpec(name: name.text, inputShape: inputShape, layers: layers)
        let analysis: ModelAnalysis
        do {
            analysis = try spec.analyze()
        } catch let error as CoreError {
            // Find the first layer that fails, to underline its line. Once a prefix of the layers fails, every
            // longer one does too, so a binary search over the prefix length finds it in a few analyses.
            func fails(_ count: Int) -> Bool {
                (try? ModelSpec(name: spec.name, inputShape: inputShape, layers: Array(layers.prefix(count))).analyze()) == nil
            }
            var culprit = declaration.keywordRange
            if !fails(0) {
                var low = 1, high = layers.count  // the shortest failing prefix is in low...high
                while low < high {
                    let middle = (low + high) / 2
                    if fails(middle) { high = middle } else { low = middle + 1 }
                }
                if low >= 1, low <= declaration.layers.count { culprit = declaration.layers[low - 1].range }
            }
            throw Diagnostic(error, at: culprit)
        }
        assign(name.text, Variable(value: .model(spec), provenance: Provenance(expression: "model block", step: nil)))
        return .modelDeclared(spec, analysis)
    }
}

/// Reads the words of a model block.
enum ModelBuilder {
    /// The activations a layer may name (`conv 8 3x3 relu`, `dense 10 softmax`) or be (`relu`).
    static let activations: [String: ActivationKind] = [
        "relu": .relu, "sigmoid": .sigmoid, "tanh": .tanh, "softmax": .softmax, "leakyrelu": .leakyrelu, "linear": .linear,
    ]

    /// Every word that starts a layer line, in documentation order.
    static let keywords: [LayerKeyword] = [
        LayerKeyword(name: "conv", weights: .counted(sizes: 4, usage: "params conv takes kh x kw x Cin x Cout, e.g. params conv 3x3x32x64",
                                                     count: { try ParameterCount.convolution(kernel: Pair($0[0], $0[1]), inputChannels: $0[2], filters: $0[3]) }),
                     read: readConv),
        pooling("maxpool"), pooling("avgpool"),
        LayerKeyword(name: "globalavgpool", weights: poolingWeights, read: { line, words in try nothingAfter(line, words, .globalAvgPool) }),
        LayerKeyword(name: "globalmaxpool", weights: poolingWeights, read: { line, words in try nothingAfter(line, words, .globalMaxPool) }),
        LayerKeyword(name: "flatten", weights: .none(reason: "no weights: flatten only lays the values out in one row"),
                     read: { line, words in try nothingAfter(line, words, .flatten) }),
        LayerKeyword(name: "dense", weights: .counted(sizes: 2, usage: "params dense takes inputs x units, e.g. params dense 12544x128",
                                                      count: { try ParameterCount.dense(inputs: $0[0], units: $0[1]) }),
                     read: readDense),
        LayerKeyword(name: "dropout", weights: .none(reason: "no weights: dropout only zeroes values at random while training"),
                     read: readDropout),
    ] + activations.keys.sorted().map { name in
        LayerKeyword(name: name, weights: .none(reason: "no weights: an activation applies the same function to every value"),
                     read: { line, words in
                         if let extra = words.first { throw Diagnostic("\(name) as a layer takes nothing after it", at: extra.range) }
                         return .activation(activations[name] ?? .linear)
                     })
    }

    private static let byName: [String: LayerKeyword] = {
        var table: [String: LayerKeyword] = [:]
        for keyword in keywords { table[keyword.name] = keyword }
        return table
    }()

    /// The layer keyword `name`, if there is one.
    static func keyword(named name: String) -> LayerKeyword? { byName[name] }

    /// Every layer keyword, in documentation order.
    static var keywordNames: [String] { keywords.map(\.name) }

    static func inputShape(_ words: [Word], after name: Name) throws -> [Int] {
        guard let first = words.first else {
            throw Diagnostic("the model needs an input shape after its name, e.g. model \(name.text) 28x28x1", at: name.range)
        }
        guard words.count == 1 else {
            throw Diagnostic("the input shape is one size such as 28x28x1 or 784", at: words[1].range)
        }
        switch first.kind {
        case .dimensions(let d): return d
        case .number(let n) where n.integer != nil: return [n.integer ?? 0]
        default:
            throw Diagnostic("the input shape must be a size such as 28x28x1 or 784, not '\(first.text)'", at: first.range)
        }
    }

    /// The layer a line declares, read by its keyword.
    static func layer(_ line: LayerLine) throws -> LayerSpec {
        guard let keyword = keyword(named: line.keyword.text) else {
            let known = keywordNames
            let guess = Suggestions.closest(to: line.keyword.text, among: known)
            throw Diagnostic("unknown layer '\(line.keyword.text)'", at: line.keyword.range,
                             hint: guess.map { "did you mean \($0)?" } ?? "layers: \(known.joined(separator: ", "))")
        }
        var words = line.words[...]
        return try keyword.read(line, &words)
    }

    // MARK: - Layer lines

    /// `conv F KxK [stride S] [valid|same] [dilation D] [activation]`.
    private static func readConv(_ line: LayerLine, _ words: inout ArraySlice<Word>) throws -> LayerSpec {
        let filters = try count(words.popFirst(), after: line.keyword, what: "the number of filters", example: "conv 32 3x3")
        guard let sizeWord = words.popFirst() else {
            throw Diagnostic("conv needs a kernel size after the filters, e.g. conv \(filters) 3x3", at: line.range)
        }
        let kernel = try pair(sizeWord, what: "the kernel size")
        var stride = Pair(square: 1), padding = Padding.valid, dilation = Pair(square: 1)
        var activation: ActivationKind?
        while let word = words.popFirst() {
            switch word.text {
            case "stride": stride = try pair(words.popFirst(), after: word, what: "the stride")
            case "dilation": dilation = try pair(words.popFirst(), after: word, what: "the dilation")
            case "valid": padding = .valid
            case "same": padding = .same
            default:
                if let kind = activations[word.text] { activation = kind; continue }
                throw unexpected(word, in: "conv", expected: ["stride", "dilation", "valid", "same"] + activations.keys.sorted())
            }
        }
        return .conv(filters: filters, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                     activation: activation)
    }

    /// What `params` says about every pooling layer.
    private static let poolingWeights = LayerWeights.none(reason: "no weights: pooling only picks or averages the values in each window")

    /// `maxpool KxK [stride S] [valid|same]` or the same for `avgpool`.
    private static func pooling(_ keyword: String) -> LayerKeyword {
        LayerKeyword(name: keyword, weights: poolingWeights, read: { line, words in
            var size = Pair(square: 2)
            var stride: Pair?
            var padding = Padding.valid
            if let first = words.first, first.text != "stride", first.text != "same", first.text != "valid" {
                size = try pair(words.popFirst(), after: line.keyword, what: "the window size")
            }
            while let word = words.popFirst() {
                switch word.text {
                case "stride": stride = try pair(words.popFirst(), after: word, what: "the stride")
                case "valid": padding = .valid
                case "same": padding = .same
                default: throw unexpected(word, in: keyword, expected: ["stride", "valid", "same"])
                }
            }
            return keyword == "maxpool" ? .maxPool(size: size, stride: stride, padding: padding)
                                        : .avgPool(size: size, stride: stride, padding: padding)
        })
    }

    /// A layer that takes no words after its keyword (`flatten`, `globalavgpool`, `globalmaxpool`).
    private static func nothingAfter(_ line: LayerLine, _ words: ArraySlice<Word>, _ layer: LayerSpec) throws -> LayerSpec {
        if let extra = words.first { throw Diagnostic("\(line.keyword.text) takes nothing after it", at: extra.range) }
        return layer
    }

    /// `dense N [activation]`.
    private static func readDense(_ line: LayerLine, _ words: inout ArraySlice<Word>) throws -> LayerSpec {
        let units = try count(words.popFirst(), after: line.keyword, what: "the number of units", example: "dense 128 relu")
        var activation: ActivationKind?
        if let word = words.popFirst() {
            guard let kind = activations[word.text] else {
                throw unexpected(word, in: "dense", expected: activations.keys.sorted())
            }
            activation = kind
        }
        if let extra = words.first { throw Diagnostic("dense takes a number of units and an activation, nothing more", at: extra.range) }
        return .dense(units: units, activation: activation)
    }

    /// `dropout RATE`.
    private static func readDropout(_ line: LayerLine, _ words: inout ArraySlice<Word>) throws -> LayerSpec {
        guard let word = words.popFirst(), case .number(let n) = word.kind else {
            throw Diagnostic("dropout needs a rate from 0 to 1, e.g. dropout 0.5", at: line.range)
        }
        guard n.value >= 0, n.value < 1 else {
            throw Diagnostic("a dropout rate is from 0 up to (not including) 1, not \(n.text)", at: word.range)
        }
        if let extra = words.first { throw Diagnostic("dropout takes one rate", at: extra.range) }
        return .dropout(rate: n.value)
    }

    // MARK: - Words

    private static func count(_ word: Word?, after name: Name, what: String, example: String) throws -> Int {
        guard let word else { throw Diagnostic("\(name.text) needs \(what), e.g. \(example)", at: name.range) }
        guard case .number(let n) = word.kind, let value = n.integer, value >= 1 else {
            throw Diagnostic("\(what) must be a whole number of at least 1, not '\(word.text)'", at: word.range, hint: "e.g. \(example)")
        }
        return value
    }

    private static func pair(_ word: Word?, after: Word? = nil, what: String) throws -> Pair {
        guard let word else {
            throw Diagnostic("\(what) is missing", at: after?.range ?? SourceRange(at: .start))
        }
        return try pair(word, what: what)
    }

    private static func pair(_ word: Word?, after name: Name, what: String) throws -> Pair {
        guard let word else { throw Diagnostic("\(what) is missing", at: name.range) }
        return try pair(word, what: what)
    }

    private static func pair(_ word: Word, what: String) throws -> Pair {
        switch word.kind {
        case .dimensions(let d) where d.count == 2 && d[0] >= 1 && d[1] >= 1:
            return Pair(d[0], d[1])
        case .number(let n):
            if let value = n.integer, value >= 1 { return Pair(square: value) }
        default:
            break
        }
        throw Diagnostic("\(what) must be a size such as 3x3 or a whole number of at least 1, not '\(word.text)'", at: word.range)
    }

    private static func unexpected(_ word: Word, in layer: String, expected: [String]) -> Diagnostic {
        let guess = Suggestions.closest(to: word.text, among: expected)
        return Diagnostic("\(layer) does not understand '\(word.text)'", at: word.range,
                          hint: guess.map { "did you mean \($0)?" } ?? "it takes: \(expected.joined(separator: ", "))")
    }
}
