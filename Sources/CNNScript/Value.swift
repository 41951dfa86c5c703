// Value: what an expression of the cnn script language evaluates to.
//
// Most values are tensors or plain numbers. Strings name files and options; a symbol is a bare word used
// as an option value (`padding=same`); dimensions are size literals such as `3x3` or `28x28x1`; a model
// is a network declared with a `model ... end` block.
import CNNCore

/// A value of the cnn script language.
public enum Value: Sendable {
    /// A plain number (a scalar).
    case number(Double)
    /// A tensor of rank 1 to 4.
    case tensor(Tensor)
    /// A string literal, e.g. a file name.
    case string(String)
    /// A bare word used as an option value, e.g. `same` in `padding=same`.
    case symbol(String)
    /// A size literal such as `3x3` or `28x28x1`.
    case dimensions([Int])
    /// A model declared with a `model NAME SHAPE ... end` block.
    case model(ModelSpec)
    /// Labelled images split into training and validation examples: `dataset("digits")`.
    indirect case dataset(Dataset)
    /// What `train` recorded, epoch by epoch (like Keras' History).
    indirect case history(TrainingHistory)

    /// A short description of the value's kind for error messages: "a 3x3 tensor", "the number 2".
    public var kindDescription: String {
        switch self {
        case .number(let x): return "the number \(Format.number(x))"
        case .tensor(let t):
            if t.rank == 1 { return t.count == 1 ? "a 1-element vector" : "\(Value.article(t.count))\(t.count)-element vector" }
            return "\(Value.article(t.shape[0]))\(t.shapeDescription) tensor"
        case .string(let s): return "the string \"\(s)\""
        case .symbol(let s): return "the word '\(s)'"
        case .dimensions(let d): return "the size \(Shape.describe(d))"
        case .model(let m): return "the model '\(m.name)'"
        case .dataset(let d): return "the data set '\(d.name)'"
        case .history(let h): return "the history of training \(h.model)"
        }
    }

    /// A short shape text for headers and `vars`: "10x10", "number", "string", "model 28x28x1".
    public var shapeText: String {
        switch self {
        case .number: return "number"
        case .tensor(let t): return t.shapeDescription
        case .string: return "string"
        case .symbol: return "word"
        case .dimensions(let d): return "size \(Shape.describe(d))"
        case .model(let m): return "model \(Shape.describe(m.inputShape))"
        case .dataset(let d): return "data \(Format.count(d.labels.count)) x \(Shape.describe(d.exampleShape))"
        case .history(let h): return "history \(h.epochs.count) epoch\(h.epochs.count == 1 ? "" : "s")"
        }
    }

    /// "an " before numbers said with a vowel sound (8, 11, 18, 80..89, 800...), else "a ".
    static func article(_ number: Int) -> String {
        let digits = String(number)
        if digits.hasPrefix("8") || digits == "11" || digits == "18" || (digits.hasPrefix("11") && digits.count % 3 == 2)
            || (digits.hasPrefix("18") && digits.count % 3 == 2) {
            return "an "
        }
        return "a "
    }
}
