// ClassNameText: how a class of a data set is named in text: "a 3", "an 8" for the digits, "an Ankle boot",
// "a T-shirt/top" for a data set that names its classes.
import CNNCore

/// Words for classes.
public enum ClassNameText {
    /// A class name with its article: "an Ankle boot", "a Trouser".
    public static func withArticle(_ name: String) -> String {
        if let first = name.first, first.isNumber { return TrainingRendererArticle.digit(name) }
        let vowel = name.first.map { "aeiouAEIOU".contains($0) } ?? false
        return (vowel ? "an " : "a ") + name
    }

    /// Class `label` of `names` with its article ("an Ankle boot"), or the digit's ("an 8") when there are no names.
    public static func withArticle(_ label: Int, names: [String]?) -> String {
        guard let names, label >= 0, label < names.count else { return TrainingRendererArticle.digit(String(label)) }
        return withArticle(names[label])
    }

    /// Class `label`'s name, or the number.
    public static func name(_ label: Int, names: [String]?) -> String {
        guard let names, label >= 0, label < names.count else { return String(label) }
        return names[label]
    }
}

/// The article of a number ("an 8", "an 11", "an 18", "a 3").
enum TrainingRendererArticle {
    static func digit(_ text: String) -> String {
        (text == "8" || text == "11" || text == "18" || text.hasPrefix("8")) ? "an \(text)" : "a \(text)"
    }
}
