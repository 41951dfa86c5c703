// Flatten: the last feature maps laid out as one vector, ready for a dense (fully connected) layer.
//
// Keras' Flatten reads an H x W x C stack row by row, and within each cell channel by channel (row-major,
// channels last): element (y, x, c) lands at position (y * W + x) * C + c. That is exactly the order the
// core already stores tensors in, so flattening is a reshape to [H * W * C] and copies nothing. The shape
// walk of the learning material: 14x14x6 -> 1,176 values.

/// Flattening a tensor into a vector, as Keras' Flatten layer.
public enum Flatten {
    /// The tensor as a vector of all its values, in row-major (channels-last) order.
    public static func apply(_ input: Tensor) -> Tensor {
        Tensor(unchecked: [input.count], sharingValuesOf: input)
    }

    /// The vector length for an input shape, with its arithmetic: "14 x 14 x 6 = 1176".
    /// Throws for an invalid shape (a dimension below 1, too many elements).
    public static func outputSize(inputShape: [Int]) throws -> Derivation {
        let count = try Limits.elementCount(of: inputShape, for: "flatten")
        let product = inputShape.map(String.init).joined(separator: " x ")
        let formula = inputShape.count == 1 ? "\(count)" : "\(product) = \(count)"
        return Derivation(value: count, formula: formula)
    }
}
