// ConvolutionLine: the options that the layer lines of the convolution family share, read in one place:
//     [stride S] [valid|same] [padding P] [dilation D] [multiplier M] [output_padding P] [nobias] [activation]
// with Keras' spellings too (`strides=2`, `padding=same`, `dilation_rate=2`, `depth_multiplier=2`,
// `use_bias=False` as `nobias`, `activation=relu`). Each layer says which options it takes; a word it
// does not take is an error listing those it does.
import CNNCore

/// The settings read from the words after a conv-family layer line's sizes.
struct ConvolutionLine {
    /// The options a layer line may take besides stride, padding and the activation.
    struct Allowed: OptionSet {
        let rawValue: Int
        static let dilation = Allowed(rawValue: 1)
        static let multiplier = Allowed(rawValue: 2)
        static let outputPadding = Allowed(rawValue: 4)
    }

    var stride = Pair(square: 1)
    var padding = Padding.valid
    var dilation = Pair(square: 1)
    var multiplier = 1
    var outputPadding: Pair?
    var activation: ActivationKind?
    var useBias = true

    /// Reads the options of layer `name` from `words` (all of them).
    static func read(_ words: inout ArraySlice<Word>, layer name: String, allowed: Allowed) throws -> ConvolutionLine {
        var line = ConvolutionLine()
        var expected = ["stride", "valid", "same", "padding", "activation", "nobias"]
        if allowed.contains(.dilation) { expected.insert("dilation", at: 1) }
        if allowed.contains(.multiplier) { expected.append("multiplier") }
        if allowed.contains(.outputPadding) { expected.append("output_padding") }
        while let word = words.popFirst() {
            switch word.text {
            case "stride", "strides": line.stride = try ModelBuilder.pair(words.popFirst(), after: word, what: "the stride")
            case "dilation" where allowed.contains(.dilation), "dilation_rate" where allowed.contains(.dilation):
                line.dilation = try ModelBuilder.pair(words.popFirst(), after: word, what: "the dilation")
            case "multiplier" where allowed.contains(.multiplier), "depth_multiplier" where allowed.contains(.multiplier):
                line.multiplier = try ModelBuilder.count(words.popFirst(), after: Name(word.text, range: word.range),
                                                         what: "the depth multiplier", example: "\(name) 3x3 multiplier 2")
            case "output_padding" where allowed.contains(.outputPadding):
                guard let value = words.popFirst() else { throw Diagnostic("output_padding needs a value, e.g. output_padding 1", at: word.range) }
                line.outputPadding = try outputPadding(value)
            case "valid": line.padding = .valid
            case "same": line.padding = .same
            case "padding": line.padding = try ModelBuilder.padding(after: word, &words)
            case "activation": line.activation = try ModelBuilder.activation(after: word, &words)
            case "nobias": line.useBias = false
            case "use_bias":
                guard let value = words.popFirst(), ["False", "false", "True", "true"].contains(value.text) else {
                    throw Diagnostic("use_bias takes False or True", at: word.range, hint: "or write nobias")
                }
                line.useBias = value.text.lowercased() == "true"
            default:
                if let kind = ModelBuilder.activations[word.text] { line.activation = kind; continue }
                throw ModelBuilder.unexpected(word, in: name, expected: expected + ModelBuilder.activations.keys.sorted())
            }
        }
        return line
    }

    /// `output_padding 1` or `output_padding 1x0` (0 allowed).
    private static func outputPadding(_ word: Word) throws -> Pair {
        switch word.kind {
        case .number(let n) where (n.integer ?? -1) >= 0: return Pair(square: n.integer ?? 0)
        case .dimensions(let d) where d.count == 2: return Pair(d[0], d[1])
        default: throw Diagnostic("output_padding is a whole number of 0 or more, or RxC, not '\(word.text)'", at: word.range)
        }
    }
}

extension ConvolutionLine {
    /// The words after a conv-family line's sizes, as `read` reads them back, the settings only where they are
    /// not the defaults: " stride 2 same dilation 2 multiplier 2 output_padding 1 nobias relu".
    static func words(stride: Pair, padding: Padding, dilation: Pair = Pair(square: 1), multiplier: Int = 1,
                      outputPadding: Pair? = nil, useBias: Bool, activation: ActivationKind) -> String {
        var words: [String] = []
        if stride != Pair(square: 1) { words += ["stride", LayerCode.word(stride)] }
        switch padding {
        case .valid: break
        case .same: words.append("same")
        default: words += ["padding", padding.description]
        }
        if dilation != Pair(square: 1) { words += ["dilation", LayerCode.word(dilation)] }
        if multiplier != 1 { words += ["multiplier", "\(multiplier)"] }
        if let outputPadding { words += ["output_padding", LayerCode.word(outputPadding)] }
        if !useBias { words.append("nobias") }
        if activation != .linear { words.append(activation.rawValue) }
        return words.map { " " + $0 }.joined()
    }
}

extension LayerRunInput {
    /// The call a conv-family layer's step shows in `run`: `NAME(input, weights..., stride=, padding=,
    /// dilation=, output_padding=, bias=)`, the settings only where they are not the defaults.
    func callText(_ name: String, weights: [Operand], bias: Operand?, stride: Pair, padding: Padding,
                  dilation: Pair = Pair(square: 1), outputPadding: Pair? = nil) -> String {
        var arguments = [inputName] + weights.map(\.text)
        if stride != Pair(square: 1) { arguments.append("stride=\(LayerCode.script(stride))") }
        if padding != .valid { arguments.append("padding=\(padding)") }
        if dilation != Pair(square: 1) { arguments.append("dilation=\(LayerCode.script(dilation))") }
        if let outputPadding { arguments.append("output_padding=\(LayerCode.script(outputPadding))") }
        if let bias { arguments.append("bias=\(bias.text)") }
        return "\(name)(\(arguments.joined(separator: ", ")))"
    }
}
