// GradientShapes: the checks every backward pass shares, with messages a learner can act on.
//
// A backward pass receives dL/dy, the gradient arriving at an operation's output. It must have exactly the
// output's shape; a traced gradient cell must lie inside its tensor. Checking here keeps every backward
// function free of unchecked indices.

/// Shape and index checks for backward passes.
public enum GradientShapes {
    /// Throws unless `gradient` has the shape `expected` (the forward output's shape).
    public static func check(_ gradient: Tensor, expected: [Int], for name: String) throws {
        guard gradient.shape == expected else {
            throw CoreError(
                "\(name) gradient: the gradient arriving at the output is \(gradient.shapeDescription), but the output is \(Shape.describe(expected))",
                hint: "a gradient always has the shape of the value it belongs to")
        }
    }

    /// Throws unless `index` names a cell of a tensor of `shape`; `what` names the tensor.
    public static func checkIndex(_ index: [Int], in shape: [Int], what: String) throws {
        guard index.count == shape.count else {
            throw CoreError("a cell of the \(Shape.describe(shape)) \(what) needs \(shape.count) indices, not \(index.count)")
        }
        for (axis, i) in index.enumerated() where i < 0 || i >= shape[axis] {
            throw CoreError("there is no cell \(index) in the \(Shape.describe(shape)) \(what)",
                            hint: "indices along axis \(axis) run from 0 to \(shape[axis] - 1)")
        }
    }

    /// Throws when a gradient sum would list more than `GradientSum.maxTerms` terms.
    public static func checkTermCount(_ count: Int) throws {
        guard count <= GradientSum.maxTerms else {
            throw CoreError("this gradient cell collects \(Format.count(count)) terms, too many to list one by one",
                            hint: "trace a gradient of a smaller example")
        }
    }

    /// The multi-index of flat offset `flat` in a tensor of `shape` (row-major).
    public static func unravel(_ flat: Int, shape: [Int]) -> [Int] {
        var index = Array(repeating: 0, count: shape.count)
        var rest = flat
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }
}
