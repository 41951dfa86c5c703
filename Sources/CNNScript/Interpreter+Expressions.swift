// Interpreter+Expressions: evaluating expressions (literals, names, operators, calls, indexing, matrices).
import CNNCore

extension Interpreter {
    /// Evaluates an expression. Recursion depth is bounded by the parser's nesting limit.
    /// A kernel that allocated without asking the memory limit first (an activation) and took the
    /// statement past it stops the statement here, at the expression that made it (MemoryLedger.swift).
    func evaluate(_ expr: Expr, _ context: EvaluationContext) throws -> Evaluated {
        let result = try evaluateKind(expr, context)
        if let ledger = Limits.ledger, ledger.overdrawn {
            let limit = limits.maxMemoryBytes
            throw Diagnostic("\(context.text(expr.range)): the new values of this statement reached \(Limits.bytesText(ledger.peakBytes)), more than the \(Limits.bytesText(ledger.allowance)) that the session's \(Limits.bytesText(limit)) memory limit leaves after the variables",
                             at: expr.range,
                             hint: "the memory limit counts every variable and the values a statement makes on the way; \(Limits.memoryHowTo)")
        }
        return result
    }

    /// Evaluates an expression of each kind (`evaluate` adds the memory check).
    private func evaluateKind(_ expr: Expr, _ context: EvaluationContext) throws -> Evaluated {
        switch expr.kind {
        case .number(let literal):
            return Evaluated(value: .number(literal.value))
        case .string(let text):
            return Evaluated(value: .string(text))
        case .dimensions(let sizes):
            return Evaluated(value: .dimensions(sizes))
        case .identifier(let name):
            guard let variable = environment[name] else { throw unknownName(name, at: expr.range) }
            return Evaluated(value: variable.value, provenance: variable.provenance, variableName: name)
        case .negate(let operand):
            let inner = try evaluate(operand, context)
            // The step (its summary the plain shape, as the header always showed) lets grad go back through -x.
            let operands = [Operand(name: inner.variableName, text: context.text(operand.range), value: inner.value,
                                    provenance: inner.provenance)]
            switch inner.value {
            case .number, .tensor: break
            default: throw Diagnostic("cannot negate \(inner.value.kindDescription)", at: operand.range)
            }
            let step = Step(operation: NegateOperation(), operands: operands, summary: .result(inner.value.shapeText))
            let value = try core(expr.range) { try NegateOperation().forward(operands) }
            return Evaluated(value: value, provenance: Provenance(expression: context.text(expr.range), step: step))
        case .binary(let op, let lhs, let rhs):
            return try binary(op, lhs, rhs, range: expr.range, context)
        case .call(let name, let arguments):
            return try call(name, arguments, range: expr.range, context)
        case .index(let base, let subscripts):
            return try index(base, subscripts, range: expr.range, context)
        case .matrix(let rows):
            return try matrix(rows, range: expr.range, context)
        }
    }

    /// The error for a name that is not a variable, with a suggestion.
    func unknownName(_ name: String, at range: SourceRange) -> Diagnostic {
        if Builtins.named(name) != nil {
            return Diagnostic("'\(name)' is a built-in function, not a value", at: range,
                              hint: "call it with arguments, e.g. \(Builtins.named(name)?.signature ?? name)")
        }
        let candidates = environment.names + Builtins.names
        if let guess = Suggestions.closest(to: name, among: candidates) {
            return Diagnostic("unknown name '\(name)'", at: range, hint: "did you mean '\(guess)'?")
        }
        let hint = environment.names.isEmpty ? "no variables yet: assign one first, e.g. \(name) = rand(10, 10)"
                                 : "the variables are: \(environment.names.joined(separator: ", "))"
        return Diagnostic("unknown name '\(name)'", at: range, hint: hint)
    }

    // MARK: - Operators

    private func binary(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, range: SourceRange,
                        _ context: EvaluationContext) throws -> Evaluated {
        let left = try evaluate(lhs, context)
        let right = try evaluate(rhs, context)
        let expression = context.text(range)
        func operand(_ e: Evaluated, _ x: Expr) -> Operand {
            Operand(name: e.variableName, text: context.text(x.range), value: e.value, provenance: e.provenance)
        }
        if op == .matrixProduct {
            guard case .tensor(let a) = left.value else {
                throw Diagnostic("@ needs a tensor on the left, not \(left.value.kindDescription)", at: lhs.range,
                                 hint: "to multiply by a number use *")
            }
            guard case .tensor(let b) = right.value else {
                throw Diagnostic("@ needs a tensor on the right, not \(right.value.kindDescription)", at: rhs.range,
                                 hint: "to multiply by a number use *")
            }
            let operands = [operand(left, lhs), operand(right, rhs)]
            let product = try core(range) { try MatrixProductOperation().forward(operands) }
            let step = Step(operation: MatrixProductOperation(), operands: operands,
                            summary: .matrixProduct(a.shapeDescription, b.shapeDescription, output: product.shapeText))
            return Evaluated(value: product, provenance: Provenance(expression: expression, step: step))
        }
        guard let operation = ArithmeticOperation(rawValue: op.symbol) else {
            throw Diagnostic("unknown operator \(op.symbol)", at: range)
        }
        let operands = [operand(left, lhs), operand(right, rhs)]
        let elementwise = ElementwiseOperation(operation)
        let result: Value
        switch (left.value, right.value) {
        case (.number, .number):
            // Numbers remember their step too, so that grad can differentiate y = w * x.
            let step = Step(operation: elementwise, operands: operands, summary: .numbers(symbol: op.symbol))
            return Evaluated(value: try elementwise.forward(operands), provenance: Provenance(expression: expression, step: step))
        case (.tensor, .number), (.number, .tensor), (.tensor, .tensor):
            result = try core(range) { try elementwise.forward(operands) }
        case (.tensor, _), (.number, _):
            throw Diagnostic("\(op.symbol) needs numbers or tensors, not \(right.value.kindDescription)", at: rhs.range)
        default:
            throw Diagnostic("\(op.symbol) needs numbers or tensors, not \(left.value.kindDescription)", at: lhs.range)
        }
        guard case .tensor(let t) = result else { return Evaluated(value: result) }
        let shapes = [left.value, right.value].map { v -> String in
            switch v {
            case .tensor(let x): return x.shapeDescription
            case .number(let x): return Format.number(x)  // "7x7 - 10": the number itself
            default: return "number"
            }
        }
        let step = Step(operation: elementwise, operands: operands,
                        summary: .elementwise(symbol: op.symbol, left: shapes[0], right: shapes[1], output: t.shapeDescription))
        return Evaluated(value: result, provenance: Provenance(expression: expression, step: step))
    }

    /// Runs a core computation, turning a CoreError into a diagnostic at `range`.
    func core<T>(_ range: SourceRange, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CoreError {
            throw Diagnostic(error, at: range)
        }
    }

    // MARK: - Calls

    func call(_ name: Name, _ arguments: [Argument], range: SourceRange, _ context: EvaluationContext,
              firstArgument: Evaluated? = nil) throws -> Evaluated {
        guard let builtin = Builtins.named(name.text) else {
            if environment[name.text] != nil {
                throw Diagnostic("'\(name.text)' is a variable, not a function", at: name.range,
                                 hint: "to index it use square brackets: \(name.text)[0, 0]")
            }
            if let command = Commands.named(name.text) {
                throw Diagnostic("'\(name.text)' is a command, not a function: write it without parentheses",
                                 at: name.range, hint: "e.g. \(command.examples.last ?? command.usage)")
            }
            let guess = Suggestions.closest(to: name.text, among: Builtins.names)
            throw Diagnostic("unknown function '\(name.text)'", at: name.range,
                             hint: guess.map { "did you mean '\($0)'?" } ?? "type `help` to list the built-ins")
        }
        var callArguments: [CallArgument] = []
        for (position, argument) in arguments.enumerated() {
            let evaluated: Evaluated
            if position == 0, let firstArgument {
                evaluated = firstArgument
            } else {
                evaluated = try evaluateArgument(argument, position: position, builtin: builtin, context)
            }
            callArguments.append(CallArgument(
                value: evaluated.value, keyword: argument.label?.text, index: position,
                text: context.text(argument.value.range), provenance: evaluated.provenance,
                variableName: evaluated.variableName))
        }
        do {
            var call = try CallContext(builtin: builtin, arguments: callArguments, random: random.generator,
                                       baseDirectory: workspace.baseDirectory)
            call.writableFolders = workspace.writableFolders
            call.output = output
            call.modelRuns = lastRuns
            call.modelWeights = { name, spec in self.keptWeights(name, spec: spec) }
            let value = try builtin.body(&call)
            random.generator = call.random
            picturesWritten += call.picturesWritten
            let provenance = Provenance(expression: context.text(range), step: call.step)
            return Evaluated(value: value, provenance: provenance)
        } catch let error as ArgumentError {
            let at = error.argument.flatMap { $0 < arguments.count ? arguments[$0].range : nil } ?? range
            throw Diagnostic(error.message, at: at, hint: error.hint)
        } catch let error as CoreError {
            throw Diagnostic(error, at: range)
        }
    }

    /// Evaluates one argument. A bare name that is not a variable is a word (`padding=same`) where the
    /// parameter takes words; elsewhere it is an unknown name.
    private func evaluateArgument(_ argument: Argument, position: Int, builtin: Builtin,
                                  _ context: EvaluationContext) throws -> Evaluated {
        if let word = argument.value.identifierName {
            let parameter = argument.label.flatMap { label in builtin.parameters.first { $0.name == label.text } }
                ?? (position < builtin.parameters.count ? builtin.parameters[position] : nil)
            // `bias=none`: the default `help` shows, written out, means the argument is left out.
            if let parameter, parameter.defaultText == "none", word.lowercased() == "none", environment[word] == nil {
                return Evaluated(value: .symbol("none"))
            }
            // An option's own words (`padding=same`) stay words even when a variable has that name.
            if let parameter, parameter.words.contains(word.lowercased()) {
                return Evaluated(value: .symbol(word))
            }
            if environment[word] == nil, argument.label != nil || parameter.map(Interpreter.takesWords) == true {
                if parameter.map(Interpreter.takesWords) ?? true {
                    return Evaluated(value: .symbol(word))
                }
            }
        }
        return try evaluate(argument.value, context)
    }

    private static func takesWords(_ parameter: Parameter) -> Bool {
        switch parameter.kind {
        case .padding, .word, .string: return true
        default: return false
        }
    }

    // MARK: - Indexing and slicing

    private func index(_ base: Expr, _ subscripts: [Subscript], range: SourceRange,
                       _ context: EvaluationContext) throws -> Evaluated {
        let target = try evaluate(base, context)
        guard case .tensor(let tensor) = target.value else {
            throw Diagnostic("only tensors can be indexed, and \(context.text(base.range)) is \(target.value.kindDescription)",
                             at: base.range)
        }
        let selections = try self.selections(subscripts, of: tensor, named: context.text(base.range), range: range, context)
        let allIndices = selections.count == tensor.rank && selections.allSatisfy { if case .index = $0 { true } else { false } }
        if allIndices {
            let resolved = zip(selections, tensor.shape).map { selection, size -> Int in
                if case .index(let i) = selection { return i < 0 ? i + size : i }
                return 0
            }
            guard let value = tensor.value(at: resolved) else {
                throw Diagnostic("index out of range", at: range)
            }
            let step = Step(operation: SliceOperation(selections),
                            operands: [Operand(name: target.variableName, text: context.text(base.range), value: target.value, provenance: target.provenance)],
                            summary: .element(of: tensor.shapeDescription))
            return Evaluated(value: .number(value), provenance: Provenance(expression: context.text(range), step: step))
        }
        let operands = [Operand(name: target.variableName, text: context.text(base.range), value: target.value, provenance: target.provenance)]
        let sliced = try core(range) { try SliceOperation(selections).forward(operands) }
        let step = Step(operation: SliceOperation(selections), operands: operands,
                        summary: .mapped(from: tensor.shapeDescription, to: sliced.shapeText))
        return Evaluated(value: sliced, provenance: Provenance(expression: context.text(range), step: step))
    }

    /// What `x[subscripts]` selects of `tensor` (`name` as written, for messages): an index or a range per axis.
    func selections(_ subscripts: [Subscript], of tensor: Tensor, named name: String, range: SourceRange,
                    _ context: EvaluationContext) throws -> [AxisSelection] {
        guard subscripts.count <= tensor.rank else {
            throw Diagnostic("\(name) is \(tensor.shapeDescription): it has \(tensor.rank) ax\(tensor.rank == 1 ? "is" : "es"), not \(subscripts.count)",
                             at: range, hint: "indices start at 0, one per axis: x[row, column]")
        }
        var selections: [AxisSelection] = []
        for (axis, sub) in subscripts.enumerated() {
            switch sub.kind {
            case .index(let e):
                selections.append(.index(try index(e, axis: axis, size: tensor.shape[axis], context)))
            case .slice(let start, let stop, let step):
                selections.append(.range(start: try start.map { try sliceBound($0, context, what: "a slice start") },
                                         stop: try stop.map { try sliceBound($0, context, what: "a slice end") },
                                         step: try step.map { try sliceBound($0, context, what: "a slice step") }))
            }
        }
        return selections
    }

    /// The largest magnitude an index or slice bound is worked with; every axis is far shorter, so a larger
    /// slice bound means the same as this one (as in NumPy) and a larger index is out of range anyway.
    static let largestIndex = Limits.maxElements * 4

    /// Evaluates an expression that must be a whole number (of any size), returned as a Double.
    func wholeNumber(_ expr: Expr, _ context: EvaluationContext, what: String) throws -> Double {
        let result = try evaluate(expr, context)
        let number: Double
        switch result.value {
        case .number(let x): number = x
        case .tensor(let t) where t.count == 1: number = t.scalars[0]
        default:
            throw Diagnostic("\(what) must be a whole number, not \(result.value.kindDescription)", at: expr.range)
        }
        guard number.isFinite, number == number.rounded() else {
            throw Diagnostic("\(what) must be a whole number, not \(Format.number(number))", at: expr.range)
        }
        return number
    }

    /// Evaluates an expression that must be a whole number of a sensible size (a seed, a precision).
    func integer(_ expr: Expr, _ context: EvaluationContext, what: String) throws -> Int {
        let number = try wholeNumber(expr, context, what: what)
        guard abs(number) <= Double(Interpreter.largestIndex), let n = Int(exactly: number) else {
            throw Diagnostic("\(what) is too large: \(Interpreter.numberText(expr, number, context))", at: expr.range,
                             hint: "whole numbers here go from -\(Format.count(Interpreter.largestIndex)) to \(Format.count(Interpreter.largestIndex))")
        }
        return n
    }

    /// Evaluates one index along an axis of `size` cells; negative indices count from the end.
    func index(_ expr: Expr, axis: Int, size: Int, _ context: EvaluationContext) throws -> Int {
        let number = try wholeNumber(expr, context, what: "an index")
        guard number >= -Double(size), number < Double(size), let i = Int(exactly: number) else {
            throw Diagnostic("index \(Interpreter.numberText(expr, number, context)) is out of range for axis \(axis) of size \(size)",
                             at: expr.range, hint: "valid indices are 0 to \(size - 1) (or -\(size) to -1 from the end)")
        }
        return i
    }

    /// Evaluates a slice start, end or step; bounds beyond any axis are clamped, as in NumPy.
    private func sliceBound(_ expr: Expr, _ context: EvaluationContext, what: String) throws -> Int {
        let number = try wholeNumber(expr, context, what: what)
        let limit = Double(Interpreter.largestIndex)
        return Int(Swift.min(Swift.max(number, -limit), limit))
    }

    /// A number for a message: a literal as it was written, anything else formatted.
    static func numberText(_ expr: Expr, _ number: Double, _ context: EvaluationContext) -> String {
        if case .number = expr.kind { return context.text(expr.range) }
        if case .negate(let inner) = expr.kind, case .number = inner.kind { return context.text(expr.range) }
        return Format.number(number)
    }

    // MARK: - Matrix literals

    private func matrix(_ rows: [[Expr]], range: SourceRange, _ context: EvaluationContext) throws -> Evaluated {
        guard let first = rows.first, !first.isEmpty else {
            throw Diagnostic("an empty [] has no values", at: range, hint: "write values, e.g. [1, 2, 3]")
        }
        var values: [[Evaluated]] = []
        for row in rows {
            values.append(try row.map { try evaluate($0, context) })
        }
        let plain = Provenance(expression: context.text(range), step: nil)
        // A literal built from computed values or variables ([y, 0], [a, b]) records them, so that grad can go
        // back through it; its header stays the plain shape.
        func provenanceOf(_ tensor: Tensor) -> Provenance {
            let elements = zip(rows, values).flatMap { zip($0, $1) }
            guard elements.contains(where: { $0.1.variableName != nil || $0.1.provenance?.step != nil }) else { return plain }
            let operands = elements.map { expr, e in
                Operand(name: e.variableName, text: context.text(expr.range), value: e.value, provenance: e.provenance)
            }
            let step = Step(operation: AssembleOperation(shape: tensor.shape), operands: operands, summary: .result(tensor.shapeDescription))
            return Provenance(expression: plain.expression, step: step)
        }
        let allNumbers = values.allSatisfy { row in row.allSatisfy { if case .number = $0.value { return true } else { return false } } }
        if allNumbers {
            let numbers = values.map { row in row.map { e -> Double in if case .number(let x) = e.value { return x } else { return 0 } } }
            if numbers.count == 1 {
                let vector = try core(range) { try Tensor(vector: numbers[0]) }
                return Evaluated(value: .tensor(vector), provenance: provenanceOf(vector))
            }
            guard numbers.allSatisfy({ $0.count == numbers[0].count }) else {
                let bad = numbers.firstIndex { $0.count != numbers[0].count } ?? 0
                throw Diagnostic("every row of a matrix needs the same number of values: row 0 has \(numbers[0].count), row \(bad) has \(numbers[bad].count)",
                                 at: range)
            }
            let matrix = try core(range) { try Tensor(rows: numbers) }
            return Evaluated(value: .tensor(matrix), provenance: provenanceOf(matrix))
        }
        // [[1, 2], [3, 4]] or [a, b]: tensors of one shape stacked along a new first axis.
        guard values.count == 1 else {
            throw Diagnostic("a matrix literal with ; rows holds numbers only", at: range, hint: "to stack maps use stack(a, b)")
        }
        var parts: [Tensor] = []
        for (i, element) in values[0].enumerated() {
            switch element.value {
            case .tensor(let t): parts.append(t)
            case .number(let x): parts.append(Tensor(scalar: x))
            default:
                throw Diagnostic("a matrix holds numbers, not \(element.value.kindDescription)", at: first[i].range)
            }
        }
        guard parts.allSatisfy({ $0.shape == parts[0].shape }) else {
            throw Diagnostic("the rows of a nested literal must all have the same shape", at: range)
        }
        let shape = [parts.count] + parts[0].shape
        guard shape.count <= Limits.maxRank else {
            throw Diagnostic("a tensor has at most \(Limits.maxRank) axes, and this literal has \(shape.count)", at: range)
        }
        let tensor = try core(range) { try Tensor(shape: shape, scalars: parts.flatMap(\.scalars)) }
        return Evaluated(value: .tensor(tensor), provenance: provenanceOf(tensor))
    }
}
