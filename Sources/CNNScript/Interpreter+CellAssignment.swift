// Interpreter+CellAssignment: `w[:, 3] = 1`, `x[0, 0] = 5`, `w[:, :, 0] = k`: some cells of a tensor
// variable set, the others kept (NumPy's assignment into a slice, the value stretched by broadcasting).
// The new value is a step (SetCellsOperation) whose operands are the old value and the value written, so
// `trace`, `grad`, `step` and `code numpy` see how it was made; the old value stays in its history.
import CNNCore

extension Interpreter {
    /// Runs `name[subscripts] = value`.
    func assignCells(_ name: Name, _ subscripts: [Subscript], _ valueExpr: Expr, statement: Statement,
                     _ context: EvaluationContext) throws -> Outcome {
        guard let variable = environment[name.text] else { throw unknownName(name.text, at: name.range) }
        guard case .tensor(let tensor) = variable.value else {
            throw Diagnostic("only the cells of a tensor can be set, and \(name.text) is \(variable.value.kindDescription)",
                             at: name.range, hint: "give it a new value instead: \(name.text) = ...")
        }
        let target = SourceRange(start: name.range.start, end: subscripts.last?.range.end ?? name.range.end)
        let selections = try self.selections(subscripts, of: tensor, named: name.text, range: target, context)
        let written = try evaluate(valueExpr, context)
        let number: Double?
        switch written.value {
        case .number(let x): number = x
        case .tensor: number = nil
        default:
            throw Diagnostic("a cell holds a number, and \(context.text(valueExpr.range)) is \(written.value.kindDescription)",
                             at: valueExpr.range, hint: "give a number, or a tensor shaped like the cells: e.g. \(name.text)[0, 0] = 1")
        }
        // The value must fill the cells: one number, or a tensor that stretches to their shape.
        let region = try core(target) { try tensor.resolvedSelections(selections).filter(\.keepsAxis).map(\.count) }
        if case .tensor(let t) = written.value, !Broadcast.canStretch(t.shape, to: region.isEmpty ? [1] : region) {
            let cells = region.isEmpty ? "one cell" : "a \(Shape.describe(region)) part of \(name.text)"
            throw Diagnostic("\(context.text(target))] selects \(cells), and \(context.text(valueExpr.range)) is \(t.shapeDescription): it does not fit",
                             at: valueExpr.range,
                             hint: "give one number for every cell, or a tensor of shape \(Shape.describe(region.isEmpty ? [1] : region)) (or one that stretches to it, as in NumPy)")
        }
        let operation = SetCellsOperation(selections)
        let operands = [
            Operand(name: name.text, text: name.text, value: variable.value, provenance: variable.provenance),
            Operand(name: written.variableName, text: context.text(valueExpr.range), value: written.value,
                    provenance: written.provenance),
        ]
        let result = try core(statement.range) { try operation.forward(operands) }
        let count = region.reduce(1, *)  // an axis picked by an index selects one cell along it
        let from = number == nil ? "\(context.text(valueExpr.range)) (\(written.value.shapeText))" : nil
        let step = Step(operation: operation, operands: operands,
                        summary: .cellsSet(shape: tensor.shapeDescription, count: count, total: tensor.count, number: number, from: from))
        let provenance = Provenance(expression: context.text(statement.range), step: step)
        try store(name, Variable(value: result, provenance: provenance), at: statement.range)
        return .assigned(name: name.text, value: result, provenance: provenance, source: context.text(statement.range))
    }
}
