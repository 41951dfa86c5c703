// LanguageReference: docs/LANGUAGE.md, generated from the same registry that runs the built-ins and
// answers `help NAME`, so the reference cannot drift from the code. A test compares the file with
// `LanguageReference.markdown()`; `CNNREPL_RECORD=1 swift test --filter LanguageReference` rewrites it.
import CNNScript

/// The language reference as Markdown.
public enum LanguageReference {
    /// The whole of docs/LANGUAGE.md.
    public static func markdown() -> String {
        var out: [String] = []
        out.append("# The cnn script language")
        out.append("")
        out.append("<!-- Generated from Sources/CNNScript (Builtins*.swift, Commands.swift) by LanguageReference.swift;")
        out.append("     do not edit by hand: run `CNNREPL_RECORD=1 swift test --filter LanguageReference`. -->")
        out.append("")
        out.append(syntax)
        for category in BuiltinCategory.allCases {
            let members = Builtins.all.filter { $0.category == category }
            guard !members.isEmpty else { continue }
            out.append("## \(category.rawValue)")
            out.append("")
            for builtin in members {
                out.append("### `\(builtin.name)`")
                out.append("")
                out.append("    " + builtin.signature)
                out.append("")
                out.append(builtin.summary)
                let details = markdown(details: builtin.details)
                if !details.isEmpty {
                    out.append("")
                    out += details
                }
                if !builtin.parameters.isEmpty {
                    out.append("")
                    out.append("| parameter | default | meaning |")
                    out.append("| --- | --- | --- |")
                    for p in builtin.parameters {
                        let name = p.isVariadic ? "\(p.name)..." : p.name
                        out.append("| `\(name)` | \(p.defaultText.map { "`\($0)`" } ?? (p.isVariadic ? "" : "required")) | \(p.summary) |")
                    }
                }
                if let form = builtin.commandForm {
                    out.append("")
                    out.append("Command form: `\(form.words)` updates `x` in place (`x = \(form.call)`).")
                }
                if !builtin.examples.isEmpty {
                    out.append("")
                    out.append("```")
                    out += builtin.examples
                    out.append("```")
                }
                out.append("")
            }
        }
        out.append("## Commands")
        out.append("")
        for command in Commands.all {
            out.append("### `\(command.name)`")
            out.append("")
            out.append("    " + command.usage)
            out.append("")
            out.append(command.summary)
            let details = markdown(details: command.details)
            if !details.isEmpty {
                out.append("")
                out += details
            }
            if !command.examples.isEmpty {
                out.append("")
                out.append("```")
                out += command.examples
                out.append("```")
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    static let syntax = """
        ## Syntax

        - A statement ends at a newline or `;`. `#` starts a comment that runs to the end of the line.
        - `name = expr` assigns and prints the value under a step header: what was done, to which shapes,
          and the shape arithmetic. An expression on its own prints its value.
        - Command form: `op name [args]` applies an operation to a variable in place and shows the step:
          `relu f` is `f = relu(f)`, `maxpool f 2` is `f = maxpool(f, 2)`.
        - Calls take positional and keyword arguments: `conv(image, k, stride=2, padding=same, bias=b)`.
          Option values may be written bare (`padding=same`) or as strings (`padding="same"`).
        - Literals: `42`, `0.5`, `1e-3`, `-2`, `"file.npy"`, vectors `[1, 2, 3]`, matrices `[1, 2; 3, 4]`
          (a `;` or a newline inside brackets starts a new row), nested `[[1, 2], [3, 4]]`, sizes `3x3`, `28x28x1`.
        - Operators, loosest first: `+ -`, then `* / @`, then unary `-`, then calls and indexing.
          `+ - * /` work cell by cell (a number on either side applies to every cell; `*` is the element-wise
          product); `@` is the matrix product.
        - Indexing and slicing count from 0 like NumPy: `f[1, 2]`, `x[0:3, 0:3]`, `x[:, :, 0]`, `x[-1]`, `x[::2]`.
        - Setting cells, as in NumPy: `x[0, 0] = 5`, `w[:, 3] = 1`, `w[:, :, 0] = k` (a number fills every cell
          selected; a tensor must have the selection's shape, or stretch to it as NumPy broadcasting does). The
          variable gets a new value, made by a step like any other: `trace`, `grad` and `code numpy` follow it.
        - Layouts follow Keras: an image is H x W or H x W x C (channels last); a filter bank is kh x kw x Cin x Cout;
          dense weights are inputs x outputs.
        - Errors name the position (`file:line:column`), show the line with a caret under the culprit, and often a hint.

        ## How numbers print

        The same numbers a learner sees in NumPy with `np.set_printoptions(precision=N, floatmode="fixed")`
        (N is `precision N`, 2 by default), checked against `numpy.array2string` on a table of values
        (tools/fixtures/gen_printing.py):

        - A tensor whose values are all whole prints them as integers (`3`, not NumPy's `3.`).
        - Otherwise every value has exactly N decimals, rounded from the exact binary value, as NumPy and C's
          printf round: `0.125` prints `0.12` and `2.675` prints `2.67` (in binary it is 2.67499999...); an
          exact tie goes to the even digit (`0.375` prints `0.38`).
        - A negative value that rounds to zero keeps its sign: `-0.001` prints `-0.00` (and so does `-0.0`);
          `relu` turns -0.0 into 0.
        - Scientific notation for the whole tensor, as NumPy switches: when a non-zero value is below 1e-4
          in size, one is 1e8 or more, or the largest is more than 1000 times the smallest non-zero one, every
          value prints as `1.00e-05` (N decimals; the exponent as wide as the widest, `1.00e+000` next to
          `1.00e-300`). So a tiny value such as 1e-300 is never hidden as `0.00`. A single number follows the
          same rule, as a one-element array does.
        - `nan`, `inf` and `-inf` print as NumPy prints them.
        - Training tables print Keras' 4 decimals; `evaluate` and `predict` print 4, or N when N is larger.

        ## Where frameworks differ: cnnrepl follows Keras

        - Optimizers are Keras 3's (`help train`): rmsprop divides by `sqrt(s + 1e-7)`, adam folds the bias
          correction into the rate, `lr_t = lr * sqrt(1 - 0.999^t) / (1 - 0.9^t)`, and adds 1e-7 to `sqrt(v)`.
          PyTorch adds epsilon after the root.
        - `crossentropy(p, t)` on probabilities is Keras' `categorical_crossentropy(from_logits=False)`: each
          example's p is rescaled to sum to 1, then clipped to [1e-7, 1 - 1e-7]; its gradient is that formula's.
        - Ties (`help grad`): max, min and globalmaxpool share the gradient equally among tied values (Keras,
          JAX and PyTorch agree); window pooling gives it to the first largest (smallest) cell (Keras' pooling
          layers, PyTorch); clip passes the gradient at a value exactly on a bound (Keras on TensorFlow,
          PyTorch; JAX gives 0.5).
        - Pooling padding: `fit` is the notes' zero padding (the zeros take part); `ceil` is PyTorch's
          `ceil_mode` (edge windows clipped to the map, no zeros); `same` is TensorFlow's.

        """

    /// Help details as Markdown lines: lines wrapped for the terminal join into one paragraph, and lines
    /// starting with "- " stay list items (after a blank line).
    static func markdown(details: String) -> [String] {
        var out: [String] = []
        var paragraph: [String] = []
        for line in details.split(separator: "\n").map({ $0.trimmingCharacters() }) where !line.isEmpty {
            if line.hasPrefix("- ") {
                if !paragraph.isEmpty { out += [paragraph.joined(separator: " "), ""]; paragraph = [] }
                out.append(line)
            } else {
                if paragraph.isEmpty, out.last?.hasPrefix("- ") == true { out.append("") }  // a paragraph after a list
                paragraph.append(line)
            }
        }
        if !paragraph.isEmpty { out.append(paragraph.joined(separator: " ")) }
        return out
    }
}
