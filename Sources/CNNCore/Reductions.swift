// Reductions: sum, mean, max, min and argmax, over all elements or along one axis, as NumPy does them.
//
// Over all elements a reduction gives one number. Along an axis it removes that axis: a 4x5x3 tensor
// summed along axis 1 is 4x3, and out[i, c] = sum over j of x[i, j, c]. A vector reduced along its only
// axis gives a number. Negative axes count from the end (-1 is the last axis). Like NumPy, max, min and
// argmax let nan win (a nan anywhere makes the max nan), and argmax reports the first of equal maxima.
// The methods are named `maximum`/`minimum`, not `max`/`min`, so that `max(a, b)` inside any Tensor
// extension still means Swift's two-argument function.

/// A reduction that combines many numbers into one.
public enum ReductionKind: String, CaseIterable, Sendable {
    /// The total.
    case sum
    /// The total divided by the count.
    case mean
    /// The largest value (nan if any value is nan).
    case max
    /// The smallest value (nan if any value is nan).
    case min
}

/// The result of a reduction along an axis: a number when the input was a vector, a tensor otherwise.
public enum ReductionResult: Equatable, Sendable {
    /// A vector reduced along its only axis.
    case number(Double)
    /// The input with the reduced axis removed.
    case tensor(Tensor)

    /// The result as a tensor; a number becomes a 1-element vector.
    public var tensor: Tensor {
        switch self {
        case .number(let value): return Tensor(scalar: value)
        case .tensor(let tensor): return tensor
        }
    }
}

/// Where the largest element of a tensor is.
public struct ArgmaxResult: Equatable, Sendable {
    /// The position in row-major order (as NumPy's `argmax()` without an axis returns it).
    public var flatIndex: Int
    /// The multi-index, one entry per axis (NumPy's `unravel_index(argmax(), shape)`).
    public var index: [Int]
    /// The largest value itself.
    public var value: Double
}

extension Tensor {
    // MARK: - Over all elements

    /// Reduces every element to one number.
    public func reduced(_ kind: ReductionKind) -> Double {
        Tensor.reduce(kind, scalars)
    }

    /// The sum of all elements.
    public func sum() -> Double { reduced(.sum) }
    /// The mean of all elements.
    public func mean() -> Double { reduced(.mean) }
    /// The largest element (nan if any element is nan).
    public func maximum() -> Double { reduced(.max) }
    /// The smallest element (nan if any element is nan).
    public func minimum() -> Double { reduced(.min) }

    /// Where the largest element is: the first one when several are equal, the first nan if there is one.
    public func argmax() -> ArgmaxResult {
        var best = 0
        for i in 1..<Swift.max(count, 1) where Tensor.beats(scalars[i], scalars[best]) { best = i }
        var index = Array(repeating: 0, count: rank)
        var rest = best
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return ArgmaxResult(flatIndex: best, index: index, value: scalars[best])
    }

    // MARK: - Along one axis

    /// Reduces along `axis` (negative counts from the end), removing that axis.
    /// Throws if the axis does not exist.
    public func reduced(_ kind: ReductionKind, axis: Int) throws -> ReductionResult {
        let axis = try resolvedAxis(axis, for: kind.rawValue)
        let (outer, length, inner) = split(at: axis)
        var out = [Double](repeating: 0, count: outer * inner)
        var lane = [Double](repeating: 0, count: length)
        for o in 0..<outer {
            for i in 0..<inner {
                for j in 0..<length { lane[j] = scalars[(o * length + j) * inner + i] }
                out[o * inner + i] = Tensor.reduce(kind, lane)
            }
        }
        return wrapReduced(out, removing: axis)
    }

    /// Sums along `axis`, removing it; throws if the axis does not exist.
    public func sum(axis: Int) throws -> ReductionResult { try reduced(.sum, axis: axis) }
    /// Averages along `axis`, removing it; throws if the axis does not exist.
    public func mean(axis: Int) throws -> ReductionResult { try reduced(.mean, axis: axis) }
    /// The largest values along `axis`, removing it; throws if the axis does not exist.
    public func maximum(axis: Int) throws -> ReductionResult { try reduced(.max, axis: axis) }
    /// The smallest values along `axis`, removing it; throws if the axis does not exist.
    public func minimum(axis: Int) throws -> ReductionResult { try reduced(.min, axis: axis) }

    /// The index of the largest value along `axis` (as a Double), removing that axis.
    /// Throws if the axis does not exist.
    public func argmax(axis: Int) throws -> ReductionResult {
        let axis = try resolvedAxis(axis, for: "argmax")
        let (outer, length, inner) = split(at: axis)
        var out = [Double](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0
                var bestValue = scalars[o * length * inner + i]
                for j in 1..<Swift.max(length, 1) {
                    let value = scalars[(o * length + j) * inner + i]
                    if Tensor.beats(value, bestValue) {
                        best = j
                        bestValue = value
                    }
                }
                out[o * inner + i] = Double(best)
            }
        }
        return wrapReduced(out, removing: axis)
    }

    /// Turns a negative axis into its positive equivalent, or throws if it does not exist.
    /// `what` names the operation for the message.
    public func resolvedAxis(_ axis: Int, for what: String) throws -> Int {
        guard axis >= -rank, axis < rank else {
            throw CoreError(
                "\(what): axis \(axis) does not exist in a \(shapeDescription) tensor, whose axes are 0 to \(rank - 1) (or -\(rank) to -1)",
                hint: rank == 1 ? "a vector has only axis 0" : "axis 0 runs down the rows, axis \(rank - 1) is the last")
        }
        return axis < 0 ? axis + rank : axis
    }

    // MARK: - Helpers

    /// The sizes before, at and after `axis` (outer x length x inner is the element count).
    private func split(at axis: Int) -> (outer: Int, length: Int, inner: Int) {
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    /// Packages the elements left after removing `axis`: a number if nothing is left.
    private func wrapReduced(_ values: [Double], removing axis: Int) -> ReductionResult {
        var newShape = shape
        newShape.remove(at: axis)
        if newShape.isEmpty { return .number(values.first ?? .nan) }
        return .tensor(Tensor(unchecked: newShape, scalars: values))
    }

    /// Whether `candidate` replaces `best` as the maximum: it is larger, or a first nan.
    private static func beats(_ candidate: Double, _ best: Double) -> Bool {
        if best.isNaN { return false }
        return candidate.isNaN || candidate > best
    }

    /// Reduces a list of numbers (at least one) to one.
    private static func reduce(_ kind: ReductionKind, _ values: [Double]) -> Double {
        switch kind {
        case .sum:
            return values.reduce(0, +)
        case .mean:
            return values.reduce(0, +) / Double(Swift.max(values.count, 1))
        case .max:
            var best = values.first ?? .nan
            for value in values where Tensor.beats(value, best) { best = value }
            return best
        case .min:
            var best = values.first ?? .nan
            for value in values where !best.isNaN && (value.isNaN || value < best) { best = value }
            return best
        }
    }
}
