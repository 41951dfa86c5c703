// ModelBuilder: turns a `model NAME SHAPE ... end` block into the core's ModelSpec, checking every word.
//
// Layer lines (one layer each):
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
        if Builtins.named(name.text) != nil || Commands.named(name.text) != nil {
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
    static let activations: [String: ActivationKind] = [
        "relu": .relu, "sigmoid": .sigmoid, "tanh": .tanh, "softmax": .softmax, "leakyrelu": .leakyrelu, "linear": .linear,
    ]

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

    static func layer(_ line: LayerLine) throws -> LayerSpec {
        var words = line.words[...]
        let keyword = line.keyword.text
        switch keyword {
        case "conv":
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
        case "maxpool", "avgpool":
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
        case "globalavgpool", "globalmaxpool", "flatten":
            if let extra = words.first { throw Diagnostic("\(keyword) takes nothing after it", at: extra.range) }
            return keyword == "flatten" ? .flatten : keyword == "globalavgpool" ? .globalAvgPool : .globalMaxPool
        case "dense":
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
        case "dropout":
            guard let word = words.popFirst(), case .number(let n) = word.kind else {
                throw Diagnostic("dropout needs a rate from 0 to 1, e.g. dropout 0.5", at: line.range)
            }
            guard n.value >= 0, n.value < 1 else {
                throw Diagnostic("a dropout rate is from 0 up to (not including) 1, not \(n.text)", at: word.range)
            }
            if let extra = words.first { throw Diagnostic("dropout takes one rate", at: extra.range) }
            return .dropout(rate: n.value)
        default:
            if let kind = activations[keyword] {
                if let extra = words.first { throw Diagnostic("\(keyword) as a layer takes nothing after it", at: extra.range) }
                return .activation(kind)
            }
            let known = ["conv", "maxpool", "avgpool", "globalavgpool", "globalmaxpool", "flatten", "dense", "dropout"] + activations.keys.sorted()
            let guess = Suggestions.closest(to: keyword, among: known)
            throw Diagnostic("unknown layer '\(keyword)'", at: line.keyword.range,
                             hint: guess.map { "did you mean \($0)?" } ?? "layers: \(known.joined(separator: ", "))")
        }
    }

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
