// SetCellsOperation: `w[:, 3] = 1`, `x[0, 0] = 5`, `w[:, :, 0] = k`: a tensor with some cells set and the
// rest kept, as NumPy's `w[:, 3] = 1` leaves it (the value stretched to the selection by broadcasting: one
// number for every cell, a row for every row, ...).
//
// Operands: the variable's value before, and the value written. Gradients: the cells that were set pass
// nothing back to the old value (they no longer depend on it) and pass theirs to the value written,
// summed over the cells a stretched value filled; the other cells pass theirs to the old value unchanged.
import CNNCore

/// Setting cells, with the selection it ran with.
public struct SetCellsOperation: StepOperation {
    /// What each axis selected.
    public let selections: [AxisSelection]

    /// Creates the operation.
    public init(_ selections: [AxisSelection]) { self.selections = selections }

    public var name: String { "set_cells" }

    public func forward(_ operands: [Operand]) throws -> Value {
        let o = Operands(operands, forward: "set cells")
        var result = try o.tensor(0)
        try Limits.checkMemory(forElements: result.count, what: "set cells", shape: result.shape)
        try result.assign(try o.tensor(1), at: selections)
        return .tensor(result)
    }

    public func gradients(of step: Step, outputGradient g: Tensor, fuseSoftmax: Bool) throws -> [OperandGradient] {
        let o = backwardOperands(step)
        let value = try o.tensor(1)
        var before = g
        try before.assign(0, at: selections)
        let written = try Broadcast.reduce(try g.sliced(selections), to: value.shape)
        return paired(step, [before, written])
    }

    public func cellExplanation(_ operands: [Operand], at index: [Int]) throws -> CellExplanation? {
        guard operands.count == 2, let before = operands[0].tensor, let old = before.value(at: index) else { return nil }
        guard let position = try Self.position(of: index, in: before, selections) else {
            return .cellSet(before: operands[0], value: operands[1], valueCell: nil, old: old, new: old)
        }
        switch operands[1].value {
        case .number(let x):
            return .cellSet(before: operands[0], value: operands[1], valueCell: [], old: old, new: x)
        case .tensor(let t):
            // The value's cell, read from the trailing axes as broadcasting stretches it.
            let offset = position.count - t.rank
            guard offset >= 0 else { return nil }
            let cell = (0..<t.rank).map { axis in t.shape[axis] == 1 ? 0 : position[axis + offset] }
            guard let new = t.value(at: cell) else { return nil }
            return .cellSet(before: operands[0], value: operands[1], valueCell: cell, old: old, new: new)
        default:
            return nil
        }
    }

    /// Where the cell at `index` sits in the selection (one position per kept axis), or nil if not selected.
    static func position(of index: [Int], in tensor: Tensor, _ selections: [AxisSelection]) throws -> [Int]? {
        var kept: [Int] = []
        for (axis, selection) in try tensor.resolvedSelections(selections).enumerated() {
            let distance = index[axis] - selection.start
            guard distance % selection.step == 0 else { return nil }
            let p = distance / selection.step
            guard p >= 0, p < selection.count else { return nil }
            if selection.keepsAxis { kept.append(p) }
        }
        return kept
    }

    // The walk back stops here: a cell that was set depends on the value written, not on the old value
    // (the cell's own explanation says which).
    public func chainLink(_ operands: [Operand]) -> ChainLink { .stop }

    public func gradientRule(position: Int) -> GradientRule { position == 0 ? .keptCells : .selected }

    public var operandRoles: [String] { ["x", "value"] }

    public func numpy(_ c: NumPyContext) -> NumPyStep? {
        guard c.operands.count == 2 else { return nil }
        let subscripts = selections.map(\.description).joined(separator: ", ")
        return NumPyStep("set_cells(\(c.reference(0, or: "x")), np.s_[\(subscripts)], \(c.reference(1, or: "0")))",
                         helpers: ["set_cells"])
    }
}
