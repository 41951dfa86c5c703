// GradientTrace: `trace g[i, j]` for a gradient g = grad(loss, k), in the style of the forward trace.
//
// A gradient cell dL/dk[i, j] says how much the loss L rises when k[i, j] rises a little. The trace shows
// where it comes from: the chain of steps from the loss back to k, then, for each step that used k,
//     dL/dk[i, j] = sum over the output cells y[o] of that step of  dL/dy[o] * dy[o]/dk[i, j]
// with every term listed: for a convolution kernel the upstream gradient times the input cell under the
// tap (the same window the forward trace marks), for a dense layer the input value, for an activation its
// slope, for a loss its own formula worked out.
import CNNCore
import CNNScript
import Glibc

/// Renders the trace of one cell of a gradient.
struct GradientTrace {
    let printer: TensorPrinter

    /// The most terms listed before the rest are summarised.
    static let listedTerms = 12

    /// The lines of `trace name[index]` for a gradient recorded by `record`.
    func lines(name: String, index: [Int], gradient: Tensor, expression: String, record: GradientRecord) -> [String] {
        let cell = "\(name)[\(index.map(String.init).joined(separator: ", "))]"
        let k = record.targetName
        let kCell = "\(k)[\(index.map(String.init).joined(separator: ", "))]"
        guard let value = gradient.value(at: index) else {
            return ["trace: \(cell) is outside \(name)'s shape \(gradient.shapeDescription)"]
        }
        var out = ["\(cell) = \(printer.number(value))   from \(expression): d \(record.lossText) / d \(kCell), how fast \(record.lossText) changes with \(kCell)"]
        guard !record.uses.isEmpty else {
            out.append("  \(record.lossText) is \(k) itself, so every cell of the gradient is 1")
            return out
        }
        if record.uses.count > 1 {
            out.append("  \(k) is used in \(record.uses.count) places on the way to \(record.lossText); the gradient adds their shares")
        }
        var shares: [Double] = []
        for (number, use) in record.uses.enumerated() {
            if record.uses.count > 1 { out.append("") ; out.append("Use \(number + 1) of \(record.uses.count):") }
            out += useLines(use, index: index, kCell: kCell, record: record)
            shares.append(use.contribution.value(at: index) ?? .nan)
        }
        if record.uses.count > 1 {
            out.append("")
            out.append("\(cell) = " + shares.map(printer.number).joined(separator: " + ") + " = \(printer.number(value))")
        }
        return out
    }

    // MARK: - One use of k

    private func useLines(_ use: GradientUse, index: [Int], kCell: String, record: GradientRecord) -> [String] {
        var out: [String] = []
        // The chain from the loss down to the step that used k.
        let y = shortName(use.outputName)
        out.append("  the chain rule, from \(record.lossText) back to \(record.targetName):")
        for (i, line) in use.path.enumerated() {
            out.append("    " + (i == 0 ? "" : "<- ") + line)
        }
        if use.fusedSoftmax {
            out.append("    (crossentropy and softmax are differentiated together, from the logits \(record.targetName))")
        }
        if let worked = lossCellLines(use, index: index, kCell: kCell) { return out + worked }
        let terms: GradientCellTerms
        do {
            terms = try use.terms(at: index)
        } catch let error as CoreError {
            let share = use.contribution.value(at: index) ?? .nan
            out.append("  \(kCell) gets \(printer.number(share)) from \(use.outputName) (\(error.message))")
            return out
        } catch {
            return out
        }
        out += explanation(use, y: y, kCell: kCell, terms: terms)
        out += termTable(terms, y: y)
        let share = use.contribution.value(at: index) ?? terms.sum.value
        let products = terms.sum.terms.map(\.product).filter { $0 != 0 }
        guard products.count > 1 else { return out + ["  dL/d\(kCell) = \(printer.number(share))"] }
        let listed = products.count <= GradientTrace.listedTerms ? products : Array(products.prefix(6))
        var sumText = listed.enumerated().map { i, x in
            i == 0 ? printer.number(x) : (x < 0 ? "- \(printer.number(-x))" : "+ \(printer.number(x))")
        }.joined(separator: " ")
        if listed.count < products.count { sumText += " … (\(Format.count(products.count)) terms)" }
        out.append("  dL/d\(kCell) = \(sumText) = \(printer.number(share))")
        return out
    }

    /// "image" for a variable, else a plain word for an operand written as an expression.
    private func operandWord(_ name: String, otherwise word: String) -> String {
        name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? name : word
    }

    /// The sentence that says what dy/dk is for this step.
    private func explanation(_ use: GradientUse, y: String, kCell: String, terms: GradientCellTerms) -> [String] {
        let step = use.step
        let yName = y == use.outputName ? y : "\(y) = \(use.outputName)"
        let dy = "dL/d\(y)"
        var lines: [String] = []
        switch terms.factor {
        case .input(let name):
            let input = operandWord(name, otherwise: "its input")
            lines.append("  \(kCell) is a weight of \(yName): it multiplied one value of \(input) for every output cell it helped make,")
            lines.append("  so \(dy)[o] * (that value of \(input)) is its share of each output cell's gradient:")
        case .kernelWeight(let kernel):
            lines.append("  \(kCell) was read by every window of \(yName) that covered it; each window multiplied it by one weight of \(kernel):")
        case .weight(let weights):
            lines.append("  \(kCell) meets every output of \(yName) through one weight of \(weights):")
        case .one:
            lines.append("  \(kCell) is a bias of \(yName): it was added once to each of its output cells, so dy/d(bias) = 1:")
        case .localDerivative:
            lines.append("  \(yName): " + localRule(step.operation.gradientRule(position: use.operandPosition)))
        }
        if terms.independentOutputs > 0 {
            let n = terms.independentOutputs
            lines.append("  (\(Format.count(n)) output cell\(n == 1 ? " has" : "s have") d\(y)/d\(kCell) = 0: \(n == 1 ? "its term is" : "their terms are") 0)")
        }
        return lines
    }

    /// What dy/dk is, in words, for a step whose gradient is found generically.
    private func localRule(_ rule: GradientRule) -> String {
        switch rule {
        case .activation(let kind, let slope):
            switch kind {
            case .relu: return "relu passes the gradient where its input was above 0 (dy/dx = 1) and stops it elsewhere (0)"
            case .relu6: return "relu6 passes the gradient where its input was between 0 and 6 (dy/dx = 1) and stops it elsewhere (0)"
            case .leakyrelu: return "leakyrelu passes the gradient where its input was 0 or more (dy/dx = 1), \(printer.number(slope)) of it below"
            case .sigmoid: return "dy/dx = sigmoid(x) * (1 - sigmoid(x))"
            case .tanh: return "dy/dx = 1 - tanh(x)^2"
            case .linear: return "the value passes unchanged: dy/dx = 1"
            case .softmax: return "softmax mixes its vector: dy_i/dx_j = y_i * ((i == j ? 1 : 0) - y_j)"
            }
        case .windowWinner(let smallest):
            return "only the \(smallest ? "smallest" : "largest") cell of each window passes the window's gradient on (dy/dx = 1 for the winner, 0 for the rest;"
                + " of tied cells the first wins, as in Keras' pooling layers and PyTorch)"
        case .windowShare(let cells):
            return cells.map { "each window shares its gradient equally among its \($0) cells" }
                ?? "each window shares its gradient equally among its real cells (1/n each)"
        case .wholeMap(let kind):
            return kind == .max ? "only each map's largest cell passes the gradient on (k cells tied for largest get 1/k each, as in Keras and PyTorch)"
                                : "every cell of a map gets 1/(H*W) of the map's gradient"
        case .channelGroupWinner:
            return "only the largest channel of each group passes the gradient on"
        case .moves:
            return "flatten moves values, so each gradient value goes back to the cell it came from (dy/dx = 1)"
        case .elementwise(let operation, let position):
            let side = position == 0 ? "a" : "b"
            switch operation {
            case .add: return "a + b: dy/d\(side) = 1 (a value broadcast over several cells collects all their gradients)"
            case .subtract: return position == 0 ? "a - b: dy/da = 1" : "a - b: dy/db = -1"
            case .multiply: return "a * b: dy/d\(side) = the other side's value at that cell"
            case .divide: return position == 0 ? "a / b: dy/da = 1 / b" : "a / b: dy/db = -a / b^2"
            }
        case .matrixProduct:
            return "a @ b: each product a[i, p] * b[p, j] hands each factor the other one"
        case .kernelWeight:
            return "dy/dx = the kernel weight of each tap"
        case .joiningWeight:
            return "dy/dx = the weight that joins them"
        case .selected:
            return "the selected cells pass their gradient back unchanged; the others get 0"
        case .keptCells:
            return "the cells that were set no longer depend on it and pass nothing back; the others pass theirs unchanged"
        case .negate:
            return "-x: dy/dx = -1"
        case .reduction(let kind):
            switch kind {
            case .sum: return "every value was added once: dy/dx = 1"
            case .mean: return "every value counts 1/n of the mean"
            case .max, .min: return "only the \(kind == .max ? "largest" : "smallest") value decided the result: it gets the gradient"
                + " (k values tied for it get 1/k each, as in Keras and PyTorch)"
            }
        case .clip(let low, let high):
            return "values inside [\(printer.number(low)), \(printer.number(high))] pass the gradient (1), also exactly at a bound (as Keras on"
                + " TensorFlow and PyTorch; JAX gives 0.5 there); clipped ones do not (0)"
        case .meanSquaredError(let position):
            return position == 0 ? "mse: dL/dy = 2 (y - t) / n" : "mse: dL/dt = -2 (y - t) / n"
        case .crossEntropy(let position):
            return position == 0 ? "crossentropy: dL/dp = (sum(t) - t / q) / sum(p) / examples, q = p / sum(p)"
                                 : "crossentropy: dL/dt = -log(q) / examples, q = p / sum(p)"
        case .backwardRule(let name):
            return "\(name): dy/dx from its backward rule"
        }
    }

    /// For k used directly by a loss: the loss's own derivative at this cell, with its numbers (nil otherwise).
    private func lossCellLines(_ use: GradientUse, index: [Int], kCell: String) -> [String]? {
        guard let kind = (use.step.operation as? LossOperation)?.kind, use.step.operands.count == 2,
              let target = tensor(use.step.operands[1]), let cell = use.contribution.offset(of: index),
              cell < target.count else { return nil }
        let prediction = use.step.operands[0], t = use.step.operands[1]
        let y = prediction.name ?? "(\(prediction.text))", tName = t.name ?? "(\(t.text))"
        let at = "[" + index.map(String.init).joined(separator: ", ") + "]"
        let share = use.contribution.scalars[cell]
        let upstream = use.outputGradient.scalars.first ?? 1
        var lines: [String] = []
        switch kind {
        case .meanSquaredError:
            guard let p = tensor(prediction) else { return nil }
            let n = p.count, a = p.scalars[cell], b = target.scalars[cell]
            let sign = use.operandPosition == 0 ? "" : "-"
            lines.append("  \(use.outputName) = mean of (\(y) - \(tName))^2 over \(n) values, so dL/d\(kCell) = \(sign)2 * (\(y)\(at) - \(tName)\(at)) / \(n)")
            lines.append("  = \(sign)2 * (\(printer.number(a)) - \(printer.number(b))) / \(n) = \(printer.number((use.operandPosition == 0 ? 2 : -2) * (a - b) / Double(n)))")
        case .crossEntropy:
            let length = target.shape[target.rank - 1]
            let examples = Loss.examples(in: target)
            let row = cell / max(length, 1)
            if use.fusedSoftmax, let z = tensor(use.operand) {
                let (largest, exps, total) = Loss.softmaxParts(z.scalars[(row * length)..<((row + 1) * length)])
                let s = exps[cell - row * length] / total
                let targetSum = target.scalars[(row * length)..<((row + 1) * length)].reduce(0, +)
                if use.operandPosition == 0 {
                    let zName = use.operand.name ?? use.operand.text
                    lines.append("  L = crossentropy(softmax(z), t)\(zName == "z" ? "" : " with z = \(zName)"): dL/dz = (softmax(z) * sum(t) - t) / examples")
                    lines.append("  dL/d\(kCell) = (\(printer.number(s)) * \(printer.number(targetSum)) - \(printer.number(target.scalars[cell]))) / \(examples)"
                                 + " = \(printer.number((s * targetSum - target.scalars[cell]) / Double(examples)))")
                    lines.append("  (softmax(z)\(at) = e^(z\(at) - max z) / sum e^(z - max z) = \(printer.number(exps[cell - row * length])) / \(printer.number(total)))")
                } else {
                    let lse = largest + Glibc.log(total)
                    lines.append("  dL/d\(kCell) = (log(sum e^z) - z\(at)) / examples = (\(printer.number(lse)) - \(printer.number(z.scalars[cell]))) / \(examples)"
                                 + " = \(printer.number((lse - z.scalars[cell]) / Double(examples)))")
                }
            } else if let p = tensor(prediction) {
                // Keras' rule: q = p / sum(p) per example, then clip; dL/dp_j = (T - t_j / q_j) / sum(p) / examples,
                // T the sum of t over the classes whose q was not clipped (Losses.swift).
                let range = (row * length)..<((row + 1) * length)
                let sum = p.scalars[range].reduce(0, +)
                let q = p.scalars[cell] / sum, tc = target.scalars[cell]
                let isClipped = Loss.isClipped
                if use.operandPosition == 0 {
                    let kept = range.filter { !isClipped(p.scalars[$0] / sum) }.reduce(0.0) { $0 + target.scalars[$1] }
                    let qText = abs(sum - 1) > 1e-12 ? "\(printer.number(p.scalars[cell])) / \(printer.number(sum)) = \(printer.number(q))" : printer.number(q)
                    lines.append("  L = crossentropy(\(y), \(tName)) = -sum t * log q / examples with q = \(y) / sum(\(y)) (Keras rescales \(y) to sum to 1),")
                    lines.append("  so dL/d\(kCell) = (sum(t) - \(tName)\(at) / q\(at)) / sum(\(y)) / \(examples): q\(at) = \(qText)")
                    if isClipped(q) {
                        lines.append("  = \(printer.number(kept)) / \(printer.number(sum)) / \(examples) = \(printer.number(kept / sum / Double(examples)))"
                                     + " (q\(at) was clipped to [1e-7, 1 - 1e-7], so its own term drops)")
                    } else {
                        lines.append("  = (\(printer.number(kept)) - \(printer.number(tc)) / \(printer.number(q))) / \(printer.number(sum)) / \(examples)"
                                     + " = \(printer.number((kept - tc / q) / sum / Double(examples)))")
                    }
                } else {
                    lines.append("  dL/d\(kCell) = -log(q\(at)) / examples, q = \(y) / sum(\(y)): -log(\(printer.number(q))) / \(examples)"
                                 + " = \(printer.number(-Glibc.log(Loss.clipped(q)) / Double(examples)))")
                }
            } else {
                return nil
            }
        }
        if upstream != 1 {
            lines.append("  times dL/d\(use.outputName) = \(printer.number(upstream)) (the loss is used further): \(printer.number(share))")
        }
        return lines
    }

    /// The table of terms: output cell, dL/dy there, the factor (and where it came from), the product.
    private func termTable(_ terms: GradientCellTerms, y: String) -> [String] {
        let all = terms.sum.terms
        guard !all.isEmpty else { return ["  every term is 0, so the gradient is 0"] }
        // Output cells whose gradient is 0 (cut by relu, not the winner of a max pooling, ...) add nothing.
        let list = all.filter { $0.upstream != 0 }
        let silent = all.count - list.count
        guard !list.isEmpty else { return ["  every output cell it reaches has dL/d\(y) = 0: the gradient is 0"] }
        let shown = list.count <= GradientTrace.listedTerms ? list : Array(list.prefix(GradientTrace.listedTerms - 2))
        let factorHeader: [String]
        switch terms.factor {
        case .input(let name): factorHeader = ["\(operandWord(name, otherwise: "input")) cell", "value"]
        case .kernelWeight(let name): factorHeader = ["\(operandWord(name, otherwise: "kernel")) tap", "weight"]
        case .weight(let name): factorHeader = ["\(operandWord(name, otherwise: "weights")) cell", "weight"]
        case .one: factorHeader = ["", "dy/db"]
        case .localDerivative: factorHeader = ["", "d\(y)/dk"]
        }
        let hasPlace = !factorHeader[0].isEmpty
        let header = ["\(y) cell", "dL/d\(y)"] + (hasPlace ? factorHeader : [factorHeader[1]]) + ["product"]
        let rows = shown.map { term -> [String] in
            let place = term.factorIndex.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" } ?? ""
            let factor = term.isPadding ? "(0)" : printer.number(term.factor)
            return ["[" + term.outputIndex.map(String.init).joined(separator: ", ") + "]", printer.number(term.upstream)]
                + (hasPlace ? [place, factor] : [factor]) + [printer.number(term.product)]
        }
        let numeric: Set<Int> = hasPlace ? [1, 3, 4] : [1, 2, 3]
        var lines = Table.render(header: header, rows: rows, rightAligned: numeric).map { "    " + $0 }
        if shown.count < list.count { lines.append("    … \(Format.count(list.count - shown.count)) more terms") }
        if silent > 0 {
            lines.append("    (\(Format.count(silent)) more output cell\(silent == 1 ? " has" : "s have") dL/d\(y) = 0: \(silent == 1 ? "it does" : "they do") not change the loss, so \(silent == 1 ? "it adds" : "they add") nothing)")
        }
        if list.contains(where: { $0.isPadding }) { lines.append("    (0) is zero padding: that tap read no input, so it adds nothing") }
        return lines
    }

    /// A short name for a step's result: a variable name as it is, an expression called y.
    private func shortName(_ name: String) -> String {
        name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? name : "out"
    }

    private func tensor(_ operand: Operand) -> Tensor? {
        switch operand.value {
        case .tensor(let t): return t
        case .number(let x): return Tensor(scalar: x)
        default: return nil
        }
    }
}
