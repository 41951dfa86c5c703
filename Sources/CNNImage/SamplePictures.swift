// SamplePictures: small pictures drawn by cnnrepl itself, and a few real photographs, so lessons have
// something to look at in any folder with no files.
//
// Every picture is drawn by the deterministic code below (whole numbers 0..255, the same on every machine):
//   shapes   32x32 grey: a white square, a light grey disc, a grey triangle and a white diagonal line on black
//   letters  32x64 grey: the word CNN in the 5x7 font, three pixels per font pixel, white on black
//   digit    28x28 grey: a handwritten-looking 7 with soft edges, the size and look of an MNIST digit
//   colors   32x32 RGB: red, green, blue and yellow quarters with a white disc in the middle (try gray)
// The photographs are JPEG files built into the binary (CSamplePhotos), copied once from scikit-image's data
// folder and downscaled by tools/samples/copy_photos.py; each is public domain or CC0 (lessons/README.md
// credits them), decoded by libjpeg-turbo like any JPEG:
//   camera     256x256 grey, a photographer with a camera on a tripod (Lav Varshney, CC0)
//   astronaut  256x256 RGB, astronaut Eileen Collins (NASA, public domain)
//   cat        150x225 RGB, Chelsea the cat (Stefan van der Walt, CC0)
//   coffee     200x300 RGB, a cup of coffee (Rachel Michetti, CC0)
import CNNCore
import CSamplePhotos

/// The sample pictures built into cnnrepl.
public enum SamplePictures {
    /// The names of the samples with one line about each, in the order `help sample` lists them.
    public static let catalogue: [(name: String, about: String)] = [
        ("shapes", "32x32 grey: a square, a disc, a triangle and a diagonal line on black"),
        ("letters", "32x64 grey: the word CNN, white on black"),
        ("digit", "28x28 grey: a handwritten-looking 7, like an MNIST digit"),
        ("colors", "32x32 RGB: red, green, blue and yellow quarters around a white disc"),
        ("camera", "256x256 grey photograph: a photographer and a tripod (Lav Varshney, CC0)"),
        ("astronaut", "256x256 RGB photograph: astronaut Eileen Collins (NASA, public domain)"),
        ("cat", "150x225 RGB photograph: Chelsea the cat (Stefan van der Walt, CC0)"),
        ("coffee", "200x300 RGB photograph: a cup of coffee (Rachel Michetti, CC0)"),
    ]

    /// The names of the samples.
    public static var names: [String] { catalogue.map(\.name) }

    /// The sample called `name`, or nil if there is none.
    public static func picture(named name: String) -> Picture? {
        switch name {
        case "shapes": return shapes()
        case "letters": return letters()
        case "digit": return digit()
        case "colors": return colors()
        default: return photograph(named: name)
        }
    }

    /// A built-in photograph, decoded from its JPEG bytes; nil for a name that is not one.
    static func photograph(named name: String) -> Picture? {
        var count: UInt = 0
        guard let start = cnn_sample_photo(name, &count), count > 0 else { return nil }
        let bytes = Array(UnsafeBufferPointer(start: start, count: Int(count)))
        return try? JPEGCodec.decode(bytes, what: "sample(\"\(name)\")").picture
    }

    /// A grey canvas with `draw` setting values by (row, column).
    private static func grey(height: Int, width: Int, _ value: (Int, Int) -> UInt8) -> Picture? {
        var pixels = [UInt8](repeating: 0, count: height * width)
        for row in 0..<height {
            for column in 0..<width { pixels[row * width + column] = value(row, column) }
        }
        return try? Picture(height: height, width: width, channels: 1, pixels: pixels)
    }

    /// 32x32: a 8x8 white square (rows 4..11, columns 4..11), a disc of radius 6 around (8, 23) at 200,
    /// a right triangle at 140 (rows 18..28, columns 3..13), a white diagonal from (18, 18) to (28, 28).
    static func shapes() -> Picture? {
        grey(height: 32, width: 32) { row, column in
            if (4...11).contains(row) && (4...11).contains(column) { return 255 }
            let (dy, dx) = (row - 8, column - 23)
            if dy * dy + dx * dx <= 36 { return 200 }
            if (18...28).contains(row) && column >= 3 && column - 3 <= row - 18 { return 140 }
            if (18...28).contains(row) && column == row { return 255 }
            return 0
        }
    }

    /// 32x64: "CNN" at scale 3 (each glyph 15x21 pixels), starting at row 5, column 6.
    static func letters() -> Picture? {
        var pixels = [UInt8](repeating: 0, count: 32 * 64)
        BitmapFont.draw("CNN", into: &pixels, width: 64, height: 32, x: 6, y: 5, scale: 3, ink: 255)
        return try? Picture(height: 32, width: 64, channels: 1, pixels: pixels)
    }

    /// 28x28: a 7 drawn as two strokes, a bar from (6, 7) to (6, 20) and a slanted stem from (6, 20) to
    /// (23, 11). A pixel's value falls from 255 on a stroke's centre line to 0 at 2.2 pixels from it.
    static func digit() -> Picture? {
        let strokes: [(Double, Double, Double, Double)] = [(6, 7, 6, 20), (6, 20, 23, 11)]
        return grey(height: 28, width: 28) { row, column in
            let (y, x) = (Double(row), Double(column))
            var nearest = Double.infinity
            for (y0, x0, y1, x1) in strokes {
                let (vy, vx) = (y1 - y0, x1 - x0)
                let t = max(0, min(1, ((y - y0) * vy + (x - x0) * vx) / (vy * vy + vx * vx)))
                let (py, px) = (y0 + t * vy - y, x0 + t * vx - x)
                nearest = min(nearest, (py * py + px * px).squareRoot())
            }
            let ink = 255 * (2.2 - nearest) / 1.4
            return ink <= 0 ? 0 : ink >= 255 ? 255 : UInt8(ink.rounded(.toNearestOrAwayFromZero))
        }
    }

    /// 32x32 RGB: quarters red (top left), green (top right), blue (bottom left), yellow (bottom right),
    /// and a white disc of radius 6 around the centre (15.5, 15.5).
    static func colors() -> Picture? {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(32 * 32 * 3)
        for row in 0..<32 {
            for column in 0..<32 {
                let (dy, dx) = (Double(row) - 15.5, Double(column) - 15.5)
                let rgb: [UInt8]
                if dy * dy + dx * dx <= 36 {
                    rgb = [255, 255, 255]
                } else {
                    switch (row < 16, column < 16) {
                    case (true, true): rgb = [255, 0, 0]
                    case (true, false): rgb = [0, 255, 0]
                    case (false, true): rgb = [0, 0, 255]
                    case (false, false): rgb = [255, 255, 0]
                    }
                }
                pixels += rgb
            }
        }
        return try? Picture(height: 32, width: 32, channels: 3, pixels: pixels)
    }
}
