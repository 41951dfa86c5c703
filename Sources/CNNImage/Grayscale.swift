// Grayscale: colour pictures to grey, with the ITU-R BT.601 luma weights.
//
//     grey = 0.299 R + 0.587 G + 0.114 B
//
// the weights of analogue TV and JPEG (and of Pillow's convert("L"), which then rounds to whole numbers;
// here the result keeps its fractions). Green weighs most because the eye is most sensitive to it.
import CNNCore

/// Conversion of RGB pictures to grey.
public enum Grayscale {
    /// The BT.601 weights of red, green and blue.
    public static let weights: (red: Double, green: Double, blue: Double) = (0.299, 0.587, 0.114)

    /// The formula as shown to the learner.
    public static let formula = "grey = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601)"

    /// Converts an H x W x 3 tensor to H x W; an H x W x 1 tensor drops its channel axis and an H x W
    /// tensor, already grey, is returned as it is. Anything else is an error.
    public static func convert(_ input: Tensor) throws -> Tensor {
        switch (input.rank, input.shape.last) {
        case (2, _):
            return input
        case (3, 1):
            return try input.reshaped([input.shape[0], input.shape[1]])
        case (3, 3):
            let (height, width) = (input.shape[0], input.shape[1])
            var out = [Double](repeating: 0, count: height * width)
            for pixel in 0..<(height * width) {
                let base = pixel * 3
                out[pixel] = weights.red * input.scalars[base] + weights.green * input.scalars[base + 1]
                    + weights.blue * input.scalars[base + 2]
            }
            return try Tensor(shape: [height, width], scalars: out)
        default:
            throw CoreError("gray: a colour picture is H x W x 3 (red, green, blue), not \(input.shapeDescription)",
                            hint: input.rank == 3 ? "for one channel of a stack, slice it: x[:, :, 0]" : "load a .png or .ppm picture, or stack(r, g, b)")
        }
    }
}
