// Shape: helpers for tensor shapes written the way the learning material writes them ("28x28x1").

/// Helpers for describing and checking tensor shapes.
public enum Shape {
    /// "3x3x32x64" for [3, 3, 32, 64].
    public static func describe(_ shape: [Int]) -> String {
        shape.map(String.init).joined(separator: "x")
    }
}
