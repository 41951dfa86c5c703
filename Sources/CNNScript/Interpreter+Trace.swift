// Interpreter+Trace: the `trace` command, `trace f[i, j]` or `trace maps[i, j, c]`. It checks that the
// name is a tensor variable and the index one cell of it; TraceRenderer (CNNExplain) explains the cell
// from the variable's provenance.
import CNNCore

extension Commands {
    /// `trace`: explain one cell.
    static let trace = CommandDefinition(
        name: "trace", usage: "trace NAME[i, j] [rf] | trace NAME[i, j, c] [rf]",
        summary: "Explain how one cell of a variable was computed, back to the original input.",
        details: """
            For a convolution: the input with the window marked, the window's values, the kernel, the
            element-wise products and their sum (+ bias). For pooling: the window and the winner or the
            average. For relu: the value before and after. Then step by step back through the chain to the
            patch of the input the cell depends on (its receptive field). When the chain has more than one
            window (conv or pooling), or with `rf`, the receptive-field arithmetic too: size r, jump j and
            start of each step, and the patch drawn on the input. Where a model graph's paths join (add,
            concat), every path is walked back to the input too, each with the cell's field along it (six
            walks at most; the others are named). Indices start at 0.
            """,
        examples: ["trace f[0, 0]", "trace maps[1, 2, 0]", "trace f[1, 1] rf"],
        body: Interpreter.traceCommand)
}

extension Interpreter {
    /// `trace NAME[i, j]`: checks the cell, then the outcome carries the variable for CNNExplain to explain.
    func traceCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        guard (1...2).contains(arguments.count), case .index(let base, let subscripts) = arguments[0].value.kind,
              let target = base.identifierName else {
            throw Diagnostic("trace takes one cell of a variable, e.g. trace f[1, 2]", at: arguments.first?.range ?? name.range)
        }
        if arguments.count == 2, arguments[1].value.identifierName != "rf" {
            throw Diagnostic("after the cell, trace takes only `rf` (show the receptive-field arithmetic)",
                             at: arguments[1].range, hint: "e.g. trace \(target)[0, 0] rf")
        }
        guard let variable = environment[target] else { throw unknownName(target, at: base.range) }
        guard case .tensor(let tensor) = variable.value else {
            throw Diagnostic("\(target) is \(variable.value.kindDescription); trace explains cells of tensors", at: base.range)
        }
        guard subscripts.count == tensor.rank else {
            let example = (0..<tensor.rank).map { _ in "0" }.joined(separator: ", ")
            throw Diagnostic("\(target) is \(tensor.shapeDescription), so a cell needs \(tensor.rank) ind\(tensor.rank == 1 ? "ex" : "ices"), not \(subscripts.count)",
                             at: arguments[0].range, hint: "e.g. trace \(target)[\(example)]")
        }
        var index: [Int] = []
        for (axis, sub) in subscripts.enumerated() {
            guard case .index(let e) = sub.kind else {
                throw Diagnostic("trace explains one cell: give a single index on every axis, not a slice", at: sub.range)
            }
            let size = tensor.shape[axis]
            let i = try self.index(e, axis: axis, size: size, context)
            index.append(i < 0 ? i + size : i)
        }
        return .trace(name: target, index: index, variable: variable, fieldArithmetic: arguments.count == 2)
    }
}
