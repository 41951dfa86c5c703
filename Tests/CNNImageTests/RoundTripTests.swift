// Writing pictures and reading them back: PNG through libpng, PGM and PPM in plain Swift, with the
// saving rule of PixelScaling checked against NumPy (tools/fixtures/gen_images.py).
import Testing
import Glibc
import CNNCore
@testable import CNNImage
import CNNTestSupport

/// A reproducible picture of every shade (a simple linear congruential sequence).
private func pattern(height: Int, width: Int, channels: Int, seed: UInt32) throws -> Picture {
    var state = seed
    var pixels: [UInt8] = []
    for _ in 0..<(height * width * channels) {
        state = state &* 1_664_525 &+ 1_013_904_223
        pixels.append(UInt8(truncatingIfNeeded: state >> 24))
    }
    return try Picture(height: height, width: width, channels: channels, pixels: pixels)
}

@Test(arguments: [(1, 1, 1), (1, 1, 3), (5, 7, 1), (7, 5, 3), (64, 3, 1), (3, 200, 3), (33, 31, 1)])
func pngRoundTrip(size: (Int, Int, Int)) throws {
    let picture = try pattern(height: size.0, width: size.1, channels: size.2, seed: UInt32(size.0 * 1000 + size.1))
    let bytes = try PNGCodec.encode(picture)
    #expect(PNGCodec.looksLikePNG(bytes))
    let (decoded, details) = try PNGCodec.decode(bytes)
    #expect(decoded == picture)
    #expect(details == (size.2 == 1 ? "8-bit grey PNG" : "8-bit RGB PNG"))
}

@Test(arguments: [(1, 1, 1), (4, 9, 1), (9, 4, 3)])
func netpbmRoundTrip(size: (Int, Int, Int)) throws {
    let picture = try pattern(height: size.0, width: size.1, channels: size.2, seed: 7)
    let (tensor, _) = try NetPBMCodec.decode(NetPBMCodec.encode(picture))
    #expect(tensor == (try picture.tensor()))
}

@Test func fileRoundTripsThroughEveryFormat() throws {
    let folder = ImageFixtures.temporaryFolder()
    let grey = try pattern(height: 6, width: 10, channels: 1, seed: 3).tensor()
    let rgb = try pattern(height: 4, width: 5, channels: 3, seed: 4).tensor()
    for (tensor, name) in [(grey, "g.png"), (grey, "g.pgm"), (rgb, "c.png"), (rgb, "c.ppm"), (grey, "G.PNG")] {
        let path = folder + "/" + name
        let kind = try #require(ImageFile.kind(ofPath: path))
        let said = try ImageFile.write(tensor, path: path, kind: kind)
        #expect(said.contains("written as they are"), "\(said)")
        let (back, _) = try ImageFile.read(path: path)
        #expect(back == tensor, "\(name)")
        unlink(path)
    }
    // A grey map saved as .ppm comes back with three equal channels.
    let path = folder + "/grey.ppm"
    let said = try ImageFile.write(grey, path: path, kind: .ppm)
    #expect(said.hasPrefix("RGB PPM (grey: red = green = blue)"))
    let (back, _) = try ImageFile.read(path: path)
    #expect(back.shape == [6, 10, 3])
    #expect(back.scalars.enumerated().allSatisfy { $0.element == grey.scalars[$0.offset / 3] })
    unlink(path)
    rmdir(folder)
}

@Test func savingRefusesShapesThatAreNotPictures() throws {
    let folder = ImageFixtures.temporaryFolder()
    defer { rmdir(folder) }
    let bad: [(Tensor, ImageFile.Kind, String)] = [
        (try Tensor(vector: [1, 2, 3]), .png, "vector"),
        (try Tensor(shape: [2, 2, 5], repeating: 1), .png, "1 channel (grey) or 3 (RGB)"),
        (try Tensor(shape: [2, 2, 1, 3], repeating: 1), .png, "H x W or H x W x 3"),
        (try Tensor(shape: [2, 2, 3], repeating: 1), .pgm, "grey picture"),
    ]
    for (tensor, kind, phrase) in bad {
        do {
            _ = try ImageFile.write(tensor, path: folder + "/x", kind: kind)
            Issue.record("saving \(tensor.shapeDescription) as \(kind) should fail")
        } catch let error as CoreError {
            #expect(error.message.contains(phrase), "\(error.message)")
            #expect(error.hint != nil)
        }
    }
    #expect(throws: CoreError.self) {
        _ = try ImageFile.write(try Tensor(shape: [2, 2], repeating: 1), path: "/nonexistent/folder/x.png", kind: .png)
    }
}

@Test(arguments: ImageFixtures.text("scaling_index.txt").split(separator: "\n").map(String.init))
func pixelScalingMatchesNumPy(name: String) throws {
    let values = try ImageFixtures.tensor("scaling_\(name).npy")
    let expected = try ImageFixtures.tensor("scaling_\(name).expected.npy")
    let (picture, _) = try Picture.from(values)
    #expect(picture.pixels.map(Double.init) == expected.scalars, "\(name)")
}

@Test func pixelScalingSaysWhatItDid() {
    #expect(PixelScaling(values: [0, 12, 255]).description == "values 0 .. 255 written as they are (0..255)")
    #expect(PixelScaling(values: [-1, 0.5, 3]).description == "values -1 .. 3 stretched to 0..255 (min -> 0 black, max -> 255 white)")
    #expect(PixelScaling(values: [0, 0.25, 1]).stretched, "values 0..1 are stretched, or the picture would be black")
    #expect(PixelScaling(values: [-4, -4]).description == "every value is -4: written black (0)")
    let odd = PixelScaling(values: [.nan, 2, 4, .infinity, -.infinity])
    #expect([odd.pixel(.nan), odd.pixel(.infinity), odd.pixel(-.infinity), odd.pixel(4)] == [0, 255, 0, 4])
}
