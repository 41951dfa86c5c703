// KerasNames: the names Keras gives things in a .keras file, and the names cnnrepl gives Keras' layers.
//
// Keras 3 files a layer's weights under its class name in snake case, numbered by repeats in the model's layer
// list ("Conv2D" -> layers/conv2d, then layers/conv2d_1), never under the layer's own name
// (keras/src/saving/saving_lib.py, _save_container_state; keras/src/utils/naming.py, to_snake_case).
// A Keras layer name becomes a cnnrepl name by keeping letters, digits and "_" ("conv1/conv" -> conv1_conv).

enum KerasNames {
    /// Keras' to_snake_case: "Conv2D" -> "conv2d", "MaxPooling2D" -> "max_pooling2d", "ReLU" -> "re_lu".
    static func snakeCase(_ name: String) -> String {
        let chars = Array(name.filter { $0.isLetter || $0.isNumber || $0 == "_" })
        // Before an upper-case letter followed by lower-case ones, after any character: "_".
        var first: [Character] = []
        for (i, c) in chars.enumerated() {
            if i > 0, c.isUppercase, i + 1 < chars.count, chars[i + 1].isLowercase { first.append("_") }
            first.append(c)
        }
        // Between a lower-case letter and an upper-case one: "_".
        var result = ""
        for (i, c) in first.enumerated() {
            if i > 0, c.isUppercase, first[i - 1].isLowercase { result.append("_") }
            result.append(c)
        }
        return result.lowercased()
    }

    /// The group paths of a container's objects, in order: "layers/conv2d", "layers/conv2d_1", ...
    static func containerPaths(_ classNames: [String], under container: String = "layers") -> [String] {
        var used: [String: Int] = [:]
        return classNames.map { className in
            let base = snakeCase(className)
            if let earlier = used[base] {
                used[base] = earlier + 1
                return "\(container)/\(base)_\(earlier + 1)"
            }
            used[base] = 0
            return "\(container)/\(base)"
        }
    }

    /// A cnnrepl layer name for Keras' `name`: letters, digits and "_", not starting with a digit, not `input`,
    /// and not one of `taken` (a number is added).
    static func scriptName(_ name: String, taken: Set<String>) -> String {
        var base = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
        if base.isEmpty || base.first?.isNumber == true { base = "layer_" + base }
        if base == "input" { base = "input_" }
        var candidate = base, n = 1
        while taken.contains(candidate) {
            candidate = "\(base)_\(n)"
            n += 1
        }
        return candidate
    }
}
