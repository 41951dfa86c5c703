// AST+SExpression: a compact, parenthesised printout of syntax trees, for tests and debugging.
//
//   x = conv(image, k, stride=2)   ->  (= x (call conv image k stride=2))
//   y = -a + b * c                 ->  (= y (+ (- a) (* b c)))
//   f[0:3, :, -1]                  ->  (index f (slice 0 3 _) (slice _ _ _) (- 1))
//   [1, 2; 3, 4]                   ->  (matrix (1 2) (3 4))
//   maxpool f 2                    ->  (command maxpool f 2)
//   model m 784 / dense 10 / end   ->  (model m (784) (dense 10))
// Numbers and sizes print as written; strings print in double quotes with \" \\ \n \t escaped.

extension Expr: CustomDebugStringConvertible {
    /// The expression as an S-expression, e.g. "(+ 1 (* 2 3))".
    public var sExpression: String {
        switch kind {
        case .number(let literal):
            return literal.text
        case .string(let value):
            return Expr.quote(value)
        case .dimensions(let sizes):
            return sizes.map(String.init).joined(separator: "x")
        case .identifier(let name):
            return name
        case .negate(let operand):
            return "(- \(operand.sExpression))"
        case .binary(let op, let lhs, let rhs):
            return "(\(op.symbol) \(lhs.sExpression) \(rhs.sExpression))"
        case .call(let function, let arguments):
            return "(call \(function.text)" + arguments.map { " " + $0.sExpression }.joined() + ")"
        case .index(let base, let subscripts):
            return "(index \(base.sExpression)" + subscripts.map { " " + $0.sExpression }.joined() + ")"
        case .matrix(let rows):
            let body = rows.map { row in "(" + row.map(\.sExpression).joined(separator: " ") + ")" }
            return "(matrix" + body.map { " " + $0 }.joined() + ")"
        }
    }

    /// The S-expression (what the debugger and test failures show).
    public var debugDescription: String { sExpression }

    /// A string in double quotes with its escapes written back.
    static func quote(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}

extension Argument {
    /// "k" for a positional argument, "stride=2" for a keyword argument.
    public var sExpression: String {
        guard let label else { return value.sExpression }
        return "\(label.text)=\(value.sExpression)"
    }
}

extension Subscript {
    /// "1" for an index, "(slice 0 3 _)" for a slice (a missing part prints as "_").
    public var sExpression: String {
        switch kind {
        case .index(let expr):
            return expr.sExpression
        case .slice(let start, let stop, let step):
            let parts = [start, stop, step].map { $0?.sExpression ?? "_" }
            return "(slice " + parts.joined(separator: " ") + ")"
        }
    }
}

extension Statement: CustomDebugStringConvertible {
    /// The statement as an S-expression, e.g. "(= x (call ones 2 2))" or "(command relu f)".
    public var sExpression: String {
        switch kind {
        case .expression(let expr):
            return expr.sExpression
        case .assignment(let name, let value):
            return "(= \(name.text) \(value.sExpression))"
        case .cellAssignment(let name, let subscripts, let value):
            return "(= " + Expr(.index(Expr(.identifier(name.text), range: name.range), subscripts), range: name.range).sExpression
                + " \(value.sExpression))"
        case .command(let command):
            return "(command \(command.name.text)" + command.arguments.map { " " + $0.sExpression }.joined() + ")"
        case .model(let model):
            var text = "(model \(model.name?.text ?? "_") (" + model.inputShape.map(\.text).joined(separator: " ") + ")"
            for layer in model.layers {
                let named = layer.label.map { ["\($0.text) ="] } ?? []
                text += " (" + (named + [layer.keyword.text] + layer.words.map(\.text)).joined(separator: " ") + ")"
            }
            return text + ")"
        }
    }

    /// The S-expression (what the debugger and test failures show).
    public var debugDescription: String { sExpression }
}
