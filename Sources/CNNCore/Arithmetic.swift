// Arithmetic: element-wise + - * / on tensors, with NumPy broadcasting, scalar operands and negation.
//
// Two shapes broadcast when, compared from the last axis backwards, each pair of sizes is equal or one
// of them is 1 (a missing axis counts as 1). The size-1 axis "stretches" to the other size:
//     3x3 + 3x3 -> 3x3      3x1 + 1x4 -> 3x4      4x4x3 + 3 -> 4x4x3      2x2 + 3x3 -> error
// `*` is the element-wise (Hadamard) product, the one convolution uses; the matrix product is `matrixProduct`
// (MatrixProduct.swift). Division by zero follows IEEE 754 (1/0 = inf, 0/0 = nan) and is not an error.

/// One of the four element-wise arithmetic operations.
public enum ArithmeticOperation: String, CaseIterable, Sendable {
    /// Element-wise sum, `+`.
    case add = "+"
    /// Element-wise difference, `-`.
    case subtract = "-"
    /// Element-wise (Hadamard) product, `*`.
    case multiply = "*"
    /// Element-wise quotient, `/` (IEEE: x/0 is inf or nan, never an error).
    case divide = "/"

    /// The operator as the learner writes it, e.g. "+".
    public var symbol: String { rawValue }

    /// Applies the operation to two numbers.
    @inline(__always)
    public func apply(_ left: Double, _ right: Double) -> Double {
        switch self {
        case .add: return left + right
        case .subtract: return left - right
        case .multiply: return left * right
        case .divide: return left / right
        }
    }
}

/// NumPy broadcasting rules for shapes of rank 1 to 4.
public enum Broadcast {
    /// The shape two operands broadcast to, or an error naming both shapes.
    /// - Parameters:
    ///   - left: the shape of the left operand.
    ///   - right: the shape of the right operand.
    ///   - what: the operation for the message, e.g. "+".
    public static func resultShape(_ left: [Int], _ right: [Int], for what: String) throws -> [Int] {
        let rank = Swift.max(left.count, right.count)
        var result = Array(repeating: 1, count: rank)
        for axisFromEnd in 0..<rank {
            let leftSize = axisFromEnd < left.count ? left[left.count - 1 - axisFromEnd] : 1
            let rightSize = axisFromEnd < right.count ? right[right.count - 1 - axisFromEnd] : 1
            if leftSize == rightSize || rightSize == 1 {
                result[rank - 1 - axisFromEnd] = leftSize
            } else if leftSize == 1 {
                result[rank - 1 - axisFromEnd] = rightSize
            } else {
                throw mismatch(left, right, for: what)
            }
        }
        _ = try Limits.elementCount(of: result, for: what)
        return result
    }

    /// Whether a tensor of shape `source` can be stretched to `target` without changing `target`.
    public static func canStretch(_ source: [Int], to target: [Int]) -> Bool {
        guard source.count <= target.count else {
            // Extra leading axes of size 1 are harmless (a 1x3 value fits a 3-element selection).
            let extra = source.count - target.count
            guard source.prefix(extra).allSatisfy({ $0 == 1 }) else { return false }
            return canStretch(Array(source.dropFirst(extra)), to: target)
        }
        let offset = target.count - source.count
        for (axis, size) in source.enumerated() where size != 1 && size != target[offset + axis] {
            return false
        }
        return true
    }

    /// The error for shapes that do not broadcast.
    static func mismatch(_ left: [Int], _ right: [Int], for what: String) -> CoreError {
        CoreError(
            "\(what): shapes \(Shape.describe(left)) and \(Shape.describe(right)) do not match; "
                + "element-wise operations need equal shapes (or one side a single number)",
            hint: "shapes are compared from the last axis, and an axis of size 1 stretches (3x1 and 1x4 give 3x4)")
    }

    /// The strides of `shape` viewed as a 4-D shape `target4` (leading axes added), with 0 on stretched axes.
    static func strides(of shape: [Int], in target4: [Int]) -> [Int] {
        var result = [0, 0, 0, 0]
        var step = 1
        for axisFromEnd in 0..<shape.count {
            let size = shape[shape.count - 1 - axisFromEnd]
            let axis4 = 3 - axisFromEnd
            result[axis4] = (size == 1 && target4[axis4] != 1) ? 0 : step
            step *= size
        }
        return result
    }

    /// `shape` with leading 1s added to make it 4-D.
    static func as4D(_ shape: [Int]) -> [Int] {
        Array(repeating: 1, count: Swift.max(0, 4 - shape.count)) + shape
    }

    /// The elements of `tensor` stretched to `shape` (assumed valid: `canStretch` holds), row-major.
    static func stretchedScalars(_ tensor: Tensor, to shape: [Int]) -> [Double] {
        if tensor.shape == shape { return tensor.scalars }
        var source = tensor.shape
        while source.count > shape.count, source.first == 1 { source.removeFirst() }
        let target4 = as4D(shape)
        let s = strides(of: source, in: target4)
        var out: [Double] = []
        out.reserveCapacity(target4[0] * target4[1] * target4[2] * target4[3])
        tensor.scalars.withUnsafeBufferPointer { x in
            for i0 in 0..<target4[0] {
                for i1 in 0..<target4[1] {
                    for i2 in 0..<target4[2] {
                        let base = i0 * s[0] + i1 * s[1] + i2 * s[2]
                        for i3 in 0..<target4[3] { out.append(x[base + i3 * s[3]]) }
                    }
                }
            }
        }
        return out
    }
}

extension Tensor {
    // MARK: - Tensor with tensor

    /// Applies `operation` element by element, broadcasting the shapes as NumPy does.
    /// Throws when the shapes do not broadcast, or the broadcast result is too large.
    public func elementwise(_ operation: ArithmeticOperation, _ other: Tensor) throws -> Tensor {
        let shape = try Broadcast.resultShape(self.shape, other.shape, for: operation.symbol)
        if self.shape == other.shape {
            var out = [Double](repeating: 0, count: count)
            scalars.withUnsafeBufferPointer { a in
                other.scalars.withUnsafeBufferPointer { b in
                    for i in 0..<a.count { out[i] = operation.apply(a[i], b[i]) }
                }
            }
            return Tensor(unchecked: shape, scalars: out)
        }
        let target4 = Broadcast.as4D(shape)
        let leftStrides = Broadcast.strides(of: self.shape, in: target4)
        let rightStrides = Broadcast.strides(of: other.shape, in: target4)
        var out: [Double] = []
        out.reserveCapacity(target4[0] * target4[1] * target4[2] * target4[3])
        scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                for i0 in 0..<target4[0] {
                    for i1 in 0..<target4[1] {
                        for i2 in 0..<target4[2] {
                            let aBase = i0 * leftStrides[0] + i1 * leftStrides[1] + i2 * leftStrides[2]
                            let bBase = i0 * rightStrides[0] + i1 * rightStrides[1] + i2 * rightStrides[2]
                            for i3 in 0..<target4[3] {
                                out.append(operation.apply(a[aBase + i3 * leftStrides[3]], b[bBase + i3 * rightStrides[3]]))
                            }
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: shape, scalars: out)
    }

    /// Element-wise sum with broadcasting; throws if the shapes do not broadcast.
    public static func + (left: Tensor, right: Tensor) throws -> Tensor { try left.elementwise(.add, right) }
    /// Element-wise difference with broadcasting; throws if the shapes do not broadcast.
    public static func - (left: Tensor, right: Tensor) throws -> Tensor { try left.elementwise(.subtract, right) }
    /// Element-wise (Hadamard) product with broadcasting; throws if the shapes do not broadcast.
    public static func * (left: Tensor, right: Tensor) throws -> Tensor { try left.elementwise(.multiply, right) }
    /// Element-wise quotient with broadcasting (IEEE division); throws if the shapes do not broadcast.
    public static func / (left: Tensor, right: Tensor) throws -> Tensor { try left.elementwise(.divide, right) }

    // MARK: - Tensor with a number

    /// Applies `operation` between every element and `number` (`x op number`); never fails.
    public func elementwise(_ operation: ArithmeticOperation, _ number: Double) -> Tensor {
        map { operation.apply($0, number) }
    }

    /// Applies `operation` between `number` and every element (`number op x`); never fails.
    public func elementwise(_ operation: ArithmeticOperation, numberOnLeft number: Double) -> Tensor {
        map { operation.apply(number, $0) }
    }

    /// Adds a number to every element.
    public static func + (left: Tensor, right: Double) -> Tensor { left.elementwise(.add, right) }
    /// Subtracts a number from every element.
    public static func - (left: Tensor, right: Double) -> Tensor { left.elementwise(.subtract, right) }
    /// Multiplies every element by a number.
    public static func * (left: Tensor, right: Double) -> Tensor { left.elementwise(.multiply, right) }
    /// Divides every element by a number (IEEE: dividing by 0 gives inf or nan).
    public static func / (left: Tensor, right: Double) -> Tensor { left.elementwise(.divide, right) }

    /// Adds every element to a number.
    public static func + (left: Double, right: Tensor) -> Tensor { right.elementwise(.add, numberOnLeft: left) }
    /// Subtracts every element from a number.
    public static func - (left: Double, right: Tensor) -> Tensor { right.elementwise(.subtract, numberOnLeft: left) }
    /// Multiplies a number by every element.
    public static func * (left: Double, right: Tensor) -> Tensor { right.elementwise(.multiply, numberOnLeft: left) }
    /// Divides a number by every element (IEEE: dividing by 0 gives inf or nan).
    public static func / (left: Double, right: Tensor) -> Tensor { right.elementwise(.divide, numberOnLeft: left) }

    // MARK: - Negation

    /// Negates every element.
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }
}
