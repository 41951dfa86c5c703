// Slicing: select part of a tensor with NumPy's rules, x[0:3, :, -1], and assign into such a part.
//
// Each axis gets one selection, in order:
//   - an index `i` picks one position and removes the axis; negative indices count from the end
//     (-1 is the last); an index outside the axis is an error.
//   - a range `start:stop:step` keeps the axis; any part may be left out (`:` is everything, `::2`
//     every second, `::-1` reversed). Out-of-range bounds are clamped as in NumPy, a step of 0 is an error.
// Axes with no selection (fewer selections than axes) are selected completely. When every axis is picked
// by an index, the result is a 1-element vector of shape [1]; the interpreter shows it as a plain number.
// A selection with no elements at all is an error rather than an empty tensor (the core has none).

/// What to take from one axis when slicing.
public enum AxisSelection: Equatable, Sendable, CustomStringConvertible {
    /// One position; the axis disappears from the result. Negative counts from the end.
    case index(Int)
    /// Positions start, start + step, ... before stop; nil parts take NumPy's defaults.
    case range(start: Int?, stop: Int?, step: Int?)

    /// The whole axis, `:`.
    public static let all = AxisSelection.range(start: nil, stop: nil, step: nil)

    /// The selection as written in a subscript: "2", ":", "0:3", "::-1".
    public var description: String {
        switch self {
        case .index(let i):
            return String(i)
        case .range(let start, let stop, let step):
            let text = (start.map(String.init) ?? "") + ":" + (stop.map(String.init) ?? "")
            guard let step else { return text }
            return text + ":" + String(step)
        }
    }

    /// Resolves the selection against an axis of `size` elements (at least 1).
    /// Throws for an out-of-range index, a zero step, or an empty range. `axis` is used in messages.
    public func resolved(axis: Int, size: Int) throws -> ResolvedSelection {
        switch self {
        case .index(let i):
            guard i >= -size, i < size else {
                throw CoreError(
                    "slice: index \(i) is out of range for axis \(axis) of size \(size)",
                    hint: size == 1 ? "the only valid index is 0 (or -1)" : "valid indices are 0 to \(size - 1), or -\(size) to -1")
            }
            return ResolvedSelection(start: i < 0 ? i + size : i, step: 1, count: 1, keepsAxis: false)
        case .range(let start, let stop, let step):
            let step = step ?? 1
            guard step != 0 else {
                throw CoreError("slice: the step along axis \(axis) is 0",
                                hint: "a step must be a non-zero whole number, e.g. ::2, or ::-1 to reverse")
            }
            let count: Int
            let first: Int
            if step > 0 {
                // Python's rules: negative bounds count from the end, then clamp to 0...size.
                first = AxisSelection.clamp(start ?? 0, size: size, low: 0, high: size)
                let last = AxisSelection.clamp(stop ?? size, size: size, low: 0, high: size)
                count = last > first ? Int(UInt(last - first - 1) / step.magnitude) + 1 : 0
            } else {
                // Counting down: clamp to -1...size-1, where -1 means "before the first element".
                first = start.map { AxisSelection.clamp($0, size: size, low: -1, high: size - 1) } ?? size - 1
                let last = stop.map { AxisSelection.clamp($0, size: size, low: -1, high: size - 1) } ?? -1
                count = first > last ? Int(UInt(first - last - 1) / step.magnitude) + 1 : 0
            }
            guard count > 0 else {
                throw CoreError(
                    "slice selects no elements: \(description) along axis \(axis) of size \(size) is empty",
                    hint: step > 0
                        ? "with a positive step the start must come before the stop (and inside the axis)"
                        : "with a negative step the start must come after the stop")
            }
            return ResolvedSelection(start: first, step: step, count: count, keepsAxis: true)
        }
    }

    /// A bound as Python treats it: negative counts from the end, then clamped to low...high.
    private static func clamp(_ bound: Int, size: Int, low: Int, high: Int) -> Int {
        let counted = bound < 0 ? bound + size : bound  // bound < 0, size > 0: cannot overflow
        return Swift.min(Swift.max(counted, low), high)
    }
}

/// A selection resolved against one axis: the positions start, start + step, ... (count of them).
public struct ResolvedSelection: Equatable, Sendable {
    /// The first selected position (0-based, inside the axis).
    public var start: Int
    /// The distance between selected positions (negative counts down).
    public var step: Int
    /// How many positions are selected (at least 1).
    public var count: Int
    /// False when the axis was picked by a single index and disappears from the result.
    public var keepsAxis: Bool

    /// The selected positions, in order.
    public var positions: [Int] { (0..<count).map { start + $0 * step } }
}

extension Tensor {
    // MARK: - Reading a selection

    /// The part of the tensor picked by `selections`, one per axis from the first (NumPy rules, see above).
    ///
    /// Axes picked by an index disappear; if every axis is picked by an index the result has shape [1].
    /// Throws for more selections than axes, an index out of range, a zero step, or an empty selection.
    public func sliced(_ selections: [AxisSelection]) throws -> Tensor {
        let (offsets, resultShape) = try resolve(selections)
        return Tensor(unchecked: resultShape, scalars: gathered(offsets: offsets))
    }

    /// Resolves `selections` against every axis (missing ones select everything).
    public func resolvedSelections(_ selections: [AxisSelection]) throws -> [ResolvedSelection] {
        guard selections.count <= rank else {
            throw CoreError(
                "slice: a \(shapeDescription) tensor has \(rank) \(rank == 1 ? "axis" : "axes"), but \(selections.count) selections were given",
                hint: "give at most one index or range per axis, separated by commas")
        }
        var resolved: [ResolvedSelection] = []
        for axis in 0..<rank {
            let selection = axis < selections.count ? selections[axis] : .all
            resolved.append(try selection.resolved(axis: axis, size: shape[axis]))
        }
        return resolved
    }

    // MARK: - Writing into a selection

    /// Writes `value` into the part picked by `selections`, stretching it as NumPy broadcasting does
    /// (a single number, a row for every row, ...). Throws if the selection is invalid or `value` does not fit.
    public mutating func assign(_ value: Tensor, at selections: [AxisSelection]) throws {
        let (offsets, regionShape) = try resolve(selections)
        guard Broadcast.canStretch(value.shape, to: regionShape) else {
            throw CoreError(
                "assign: a \(value.shapeDescription) value does not fit the selected \(Shape.describe(regionShape)) part",
                hint: "give a value of shape \(Shape.describe(regionShape)), one that stretches to it, or a single number")
        }
        scatter(Broadcast.stretchedScalars(value, to: regionShape), offsets: offsets)
    }

    /// Writes the number `value` into every element of the part picked by `selections`.
    /// Throws if the selection is invalid.
    public mutating func assign(_ value: Double, at selections: [AxisSelection]) throws {
        let (offsets, regionShape) = try resolve(selections)
        let count = regionShape.reduce(1, *)
        scatter([Double](repeating: value, count: count), offsets: offsets)
    }

    // MARK: - Gathering and scattering by per-axis offsets

    /// The selections as flat offsets per axis (position x stride), and the shape of the result.
    private func resolve(_ selections: [AxisSelection]) throws -> (offsets: [[Int]], shape: [Int]) {
        let resolved = try resolvedSelections(selections)
        let strides = self.strides
        var offsets: [[Int]] = []
        var resultShape: [Int] = []
        for (axis, selection) in resolved.enumerated() {
            offsets.append(selection.positions.map { $0 * strides[axis] })
            if selection.keepsAxis { resultShape.append(selection.count) }
        }
        return (offsets, resultShape.isEmpty ? [1] : resultShape)
    }

    /// The elements at every combination of per-axis offsets (1 to 4 axes), first axis outermost.
    /// Offsets must be valid flat offsets whose sums stay inside the tensor.
    func gathered(offsets: [[Int]]) -> [Double] {
        let o = Array(repeating: [0], count: Swift.max(0, 4 - offsets.count)) + offsets
        var out: [Double] = []
        out.reserveCapacity(o[0].count * o[1].count * o[2].count * o[3].count)
        scalars.withUnsafeBufferPointer { x in
            for a in o[0] {
                for b in o[1] {
                    for c in o[2] {
                        let base = a + b + c
                        for d in o[3] { out.append(x[base + d]) }
                    }
                }
            }
        }
        return out
    }

    /// Writes `values` (row-major over the combinations) at every combination of per-axis offsets.
    private mutating func scatter(_ values: [Double], offsets: [[Int]]) {
        let o = Array(repeating: [0], count: Swift.max(0, 4 - offsets.count)) + offsets
        withUnsafeMutableScalars { x in
            var next = 0
            for a in o[0] {
                for b in o[1] {
                    for c in o[2] {
                        let base = a + b + c
                        for d in o[3] {
                            x[base + d] = values[next]
                            next += 1
                        }
                    }
                }
            }
        }
    }
}
