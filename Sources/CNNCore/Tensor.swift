// Tensor: the one data type of the numeric core.
//
// A tensor is a shape of rank 1 to 4 and a flat, contiguous array of Doubles in row-major
// (C) order, the last dimension varying fastest. Layouts follow Keras/TensorFlow, as the learning
// material does:
//   - a vector:         n
//   - an image or map:  H x W  or  H x W x C   (channels last)
//   - a filter bank:    kh x kw x Cin x Cout   ("3x3x32x64" reads the same everywhere)
//   - dense weights:    in x out
// Index conventions used throughout the core: `oy, ox` for output rows/columns, `iy, ix` for input,
// `ky, kx` for kernel, `c` for an input channel, `f` for a filter (output channel).
// Every tensor made while a statement runs is charged to that statement's `MemoryLedger` (Limits.swift)
// until it is freed, so the memory limit sees temporaries too.

/// A dense, row-major tensor of Doubles with rank 1 to 4.
public struct Tensor: Equatable, Sendable {
    /// The size of each dimension, outermost first; every entry is at least 1.
    public let shape: [Int]
    /// The elements in row-major order; `scalars.count` is the product of `shape`.
    public private(set) var scalars: [Double]
    /// What this tensor's values are charged to while a statement runs (shared by copies and reshapes).
    private var charge: MemoryCharge?

    /// Tensors are equal when their shapes and values are.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
    }

    /// Creates a tensor from a shape and its elements in row-major order.
    /// Throws if the shape is invalid or too large, or the element count does not match.
    public init(shape: [Int], scalars: [Double]) throws {
        let count = try Limits.elementCount(of: shape, for: "tensor")
        guard count == scalars.count else {
            throw CoreError(
                "tensor: a \(Shape.describe(shape)) tensor needs \(Format.count(count)) values, not \(Format.count(scalars.count))")
        }
        self.shape = shape
        self.scalars = scalars
        self.charge = MemoryLedger.charge(elements: count)
    }

    /// Creates a tensor of the given shape with every element equal to `value`.
    public init(shape: [Int], repeating value: Double) throws {
        let count = try Limits.elementCount(of: shape, for: "tensor")
        self.shape = shape
        self.scalars = Array(repeating: value, count: count)
        self.charge = MemoryLedger.charge(elements: count)
    }

    /// Creates a tensor whose shape is already known to be valid (internal fast path).
    init(unchecked shape: [Int], scalars: [Double]) {
        self.shape = shape
        self.scalars = scalars
        self.charge = MemoryLedger.charge(elements: scalars.count)
    }

    /// A tensor with new shape sharing `source`'s values and their charge (reshape, flatten).
    init(unchecked shape: [Int], sharingValuesOf source: Tensor) {
        self.shape = shape
        self.scalars = source.scalars
        self.charge = source.charge
    }

    /// A 1-element vector holding `value`.
    public init(scalar value: Double) {
        self.shape = [1]
        self.scalars = [value]
    }

    /// A vector of the given values (at least one).
    public init(vector values: [Double]) throws {
        try self.init(shape: [values.count], scalars: values)
    }

    /// A matrix from rows of equal length.
    public init(rows: [[Double]]) throws {
        guard let width = rows.first?.count, width > 0 else {
            throw CoreError("tensor: a matrix needs at least one row and one column")
        }
        guard rows.allSatisfy({ $0.count == width }) else {
            throw CoreError("tensor: every row of a matrix must have the same length")
        }
        try self.init(shape: [rows.count, width], scalars: rows.flatMap { $0 })
    }

    /// The number of dimensions (1 to 4).
    public var rank: Int { shape.count }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The shape written as in the learning material, e.g. "28x28x1".
    public var shapeDescription: String { Shape.describe(shape) }

    /// Whether every element is a whole number (such tensors print without decimals).
    public var isIntegral: Bool {
        scalars.allSatisfy { $0.isFinite && $0 == $0.rounded() }
    }

    /// The row-major strides of the shape (elements to skip per step in each dimension).
    public var strides: [Int] {
        var result = Array(repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            result[axis] = step
            step *= shape[axis]
        }
        return result
    }

    /// The flat offset of a multi-index, or nil if it has the wrong rank or is out of bounds.
    /// Indices are 0-based and non-negative here; the language resolves negative indices first.
    public func offset(of index: [Int]) -> Int? {
        guard index.count == shape.count else { return nil }
        var flat = 0
        for (axis, i) in index.enumerated() {
            guard i >= 0, i < shape[axis] else { return nil }
            flat = flat * shape[axis] + i
        }
        return flat
    }

    /// The element at a multi-index, or nil if the index is out of bounds.
    public func value(at index: [Int]) -> Double? {
        guard let flat = offset(of: index) else { return nil }
        return scalars[flat]
    }

    /// Returns a tensor with the same elements and a new shape of the same element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        let count = try Limits.elementCount(of: newShape, for: "reshape")
        guard count == self.count else {
            throw CoreError(
                "reshape: cannot view \(shapeDescription) (\(Format.count(self.count)) values) as \(Shape.describe(newShape)) (\(Format.count(count)) values)")
        }
        return Tensor(unchecked: newShape, sharingValuesOf: self)
    }

    /// Applies `transform` to every element.
    public func map(_ transform: (Double) -> Double) -> Tensor {
        Tensor(unchecked: shape, scalars: scalars.map(transform))
    }

    /// Sets the element at a multi-index; throws if the index is out of bounds.
    public mutating func setValue(_ value: Double, at index: [Int]) throws {
        guard let flat = offset(of: index) else {
            throw CoreError("index \(index) is out of bounds for a \(shapeDescription) tensor")
        }
        scalars[flat] = value
    }

    /// Gives mutable access to the elements (same count); used by kernels that fill an output.
    public mutating func withUnsafeMutableScalars<R>(_ body: (inout UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }
}
