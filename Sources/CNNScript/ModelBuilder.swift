// ModelBuilder: turns a `model NAME SHAPE ... end` block into the core's ModelSpec, checking every word.
//
// Layer lines (one layer each) are read by the keywords of the layer kinds (`Builtins.layerKinds`); each
// kind's reader sits with its operation in Operations/ (conv in ConvolutionOperation.swift, ...). The
// shared word readers (counts, sizes, the message for an unexpected word) are here.
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
        let (layers, graph) = try ModelBuilder.layers(declaration.layers)
        let spec = ModelSpec(name: name.text, inputShape: inputShape, layers: layers, graph: graph)
        let analysis: ModelAnalysis
        do {
            analysis = try spec.analyzeLocating()
        } catch let error as ModelLayerError {
            let culprit = (1...declaration.layers.count).contains(error.layer) ? declaration.layers[error.layer - 1].range
                                                                               : declaration.keywordRange
            throw Diagnostic(error.error, at: culprit)
        } catch let error as CoreError {
            throw Diagnostic(error, at: declaration.keywordRange)
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
        "relu6": .relu6,
    ]

    /// Every word that starts a layer line, in documentation order: the keywords of every layer kind.
    static let keywords: [LayerKeyword] = Builtins.layerKinds.flatMap { $0.keywords }

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

    /// The padding after the word `padding` (`padding same`, or Keras' `padding=same`).
    static func padding(after word: Word, _ words: inout ArraySlice<Word>) throws -> Padding {
        guard let value = words.popFirst() else {
            throw Diagnostic("padding needs a value: valid or same", at: word.range, hint: "e.g. padding=same")
        }
        switch value.text {
        case "valid": return .valid
        case "same": return .same
        default:
            throw Diagnostic("a layer's padding is valid or same, not '\(value.text)'", at: value.range,
                             hint: "Keras' layers know valid and same; other padding goes in a zeropad layer before it")
        }
    }

    /// The activation after the word `activation` (`activation relu`, or Keras' `activation=relu`).
    static func activation(after word: Word, _ words: inout ArraySlice<Word>) throws -> ActivationKind {
        guard let value = words.popFirst() else {
            throw Diagnostic("activation needs a name, e.g. activation=relu", at: word.range)
        }
        guard let kind = activations[value.text] else {
            throw unexpected(value, in: "activation", expected: activations.keys.sorted())
        }
        return kind
    }

    /// A layer that takes no words after its keyword (`flatten`, `globalavgpool`, `globalmaxpool`).
    static func nothingAfter(_ line: LayerLine, _ words: ArraySlice<Word>, _ layer: LayerSpec) throws -> LayerSpec {
        if let extra = words.first { throw Diagnostic("\(line.keyword.text) takes nothing after it", at: extra.range) }
        return layer
    }

    // MARK: - Words

    /// Drops Keras' label of a positional value (`conv filters=32 kernel_size=3`, read as the words `filters 32
    /// kernel_size 3`): the value that follows is read where cnnrepl's own order puts it.
    static func dropKerasLabel(_ words: inout ArraySlice<Word>, _ label: String) {
        if let first = words.first, case .identifier(let name) = first.kind, name == label, words.count > 1 { words.removeFirst() }
    }

    static func count(_ word: Word?, after name: Name, what: String, example: String) throws -> Int {
        guard let word else { throw Diagnostic("\(name.text) needs \(what), e.g. \(example)", at: name.range) }
        guard case .number(let n) = word.kind, let value = n.integer, value >= 1 else {
            throw Diagnostic("\(what) must be a whole number of at least 1, not '\(word.text)'", at: word.range, hint: "e.g. \(example)")
        }
        return value
    }

    static func pair(_ word: Word?, after: Word? = nil, what: String) throws -> Pair {
        guard let word else {
            throw Diagnostic("\(what) is missing", at: after?.range ?? SourceRange(at: .start))
        }
        return try pair(word, what: what)
    }

    static func pair(_ word: Word?, after name: Name, what: String) throws -> Pair {
        guard let word else { throw Diagnostic("\(what) is missing", at: name.range) }
        return try pair(word, what: what)
    }

    static func pair(_ word: Word, what: String) throws -> Pair {
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

    static func unexpected(_ word: Word, in layer: String, expected: [String]) -> Diagnostic {
        let guess = Suggestions.closest(to: word.text, among: expected)
        return Diagnostic("\(layer) does not understand '\(word.text)'", at: word.range,
                          hint: guess.map { "did you mean \($0)?" } ?? "it takes: \(expected.joined(separator: ", "))")
    }
}
