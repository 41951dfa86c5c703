// Picture: an 8-bit image, the form pictures take on their way into and out of files.
//
// A picture is height x width pixels of one channel (grey) or three (red, green, blue), each 0..255,
// stored row by row with the channels of a pixel together (the same order as an H x W x 3 tensor).
// As a tensor it is H x W (grey) or H x W x 3 (RGB) of whole numbers 0..255.
import CNNCore

/// An 8-bit grey or RGB picture.
public struct Picture: Equatable, Sendable {
    /// Rows of pixels.
    public let height: Int
    /// Columns of pixels.
    public let width: Int
    /// 1 for grey, 3 for red, green, blue.
    public let channels: Int
    /// The samples, row-major, channels last: `pixels[(y * width + x) * channels + c]`.
    public let pixels: [UInt8]

    /// Creates a picture; throws if the sizes are not positive, too large, or do not match the samples.
    public init(height: Int, width: Int, channels: Int, pixels: [UInt8]) throws {
        guard channels == 1 || channels == 3 else {
            throw CoreError("picture: a picture has 1 channel (grey) or 3 (RGB), not \(channels)")
        }
        let count = try Picture.checkSize(height: height, width: width, channels: channels, what: "picture")
        guard count == pixels.count else {
            throw CoreError("picture: a \(width)x\(height) \(channels == 1 ? "grey" : "RGB") picture needs \(Format.count(count)) samples, not \(Format.count(pixels.count))")
        }
        self.height = height
        self.width = width
        self.channels = channels
        self.pixels = pixels
    }

    /// "grey" or "RGB".
    public var kindName: String { channels == 1 ? "grey" : "RGB" }

    /// The shape of the picture as a tensor: [H, W] for grey, [H, W, 3] for RGB.
    public var tensorShape: [Int] { channels == 1 ? [height, width] : [height, width, 3] }

    /// The picture as an H x W (grey) or H x W x 3 (RGB) tensor of whole numbers 0..255.
    public func tensor() throws -> Tensor {
        try Tensor(shape: tensorShape, scalars: pixels.map { Double($0) })
    }

    /// Checks a picture size read from a file (or asked for) against `Limits.maxElements` *before*
    /// anything is allocated, and returns the number of samples. `what` starts the error message.
    public static func checkSize(height: Int, width: Int, channels: Int, what: String) throws -> Int {
        guard height >= 1, width >= 1 else {
            throw CoreError("\(what): a picture of \(width)x\(height) pixels has nothing in it",
                            hint: "width and height must both be at least 1; the file may be damaged")
        }
        let (area, overflowA) = height.multipliedReportingOverflow(by: width)
        let (count, overflowB) = area.multipliedReportingOverflow(by: channels)
        guard !overflowA, !overflowB, count <= Limits.maxElements else {
            throw CoreError(
                "\(what): a picture of \(Format.count(width)) x \(Format.count(height)) pixels is larger than any tensor cnnrepl can hold (\(Format.count(Limits.maxElements)) values)",
                hint: "a tensor holds at most 100,000,000 values; use a smaller picture (or the file's header is damaged)")
        }
        return count
    }
}
