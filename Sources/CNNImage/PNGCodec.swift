// PNGCodec: PNG pictures in and out through libpng's simplified API.
//
// Reading: the signature and the IHDR chunk are checked here first (so that a header claiming
// 2^31 x 2^31 pixels, or a bit depth cnnrepl does not read, is an error before libpng allocates
// anything); then png_image_begin_read_from_stdio / png_image_finish_read decode the rest. libpng's
// simplified API catches its own errors (it uses setjmp/longjmp inside libpng only) and reports them in
// the png_image's `warning_or_error` and `message`, so no longjmp ever crosses a Swift frame.
// libpng reads and writes through a FILE whose reads and writes call back here (CCallbackFile): each
// call first looks for Ctrl-C and, when it was pressed, fails, so libpng stops within a few kilobytes of
// a large picture instead of at the end of it (an error it catches itself, as above).
//
// What is read, and how:
//   - 8-bit grey and RGB: the samples as stored, an H x W or H x W x 3 tensor of 0..255;
//   - 1-, 2- and 4-bit grey: expanded to 0..255 (a 1-bit picture becomes 0 and 255);
//   - palette pictures: each index replaced by its colour, giving RGB;
//   - an alpha channel (grey+alpha, RGBA, or transparency in a tRNS chunk): left out, keeping the colour
//     values as stored (as Pillow's convert("RGB") does);
//   - interlaced (Adam7) pictures: de-interlaced by libpng.
//   - 16-bit pictures are refused: libpng's simplified reader treats 16-bit samples as linear light and
//     converts them to sRGB, which would silently change every value. Convert them to 8 bits first.
// libpng applies a gAMA/cHRM/iCCP colour space that differs from sRGB when it converts to 8-bit sRGB;
// pictures written by Pillow, GIMP or cnnrepl itself are sRGB, and their values arrive unchanged.
//
// Writing: png_image_write_to_stdio with an 8-bit grey or RGB buffer (libpng adds an sRGB chunk).
import CCallbackFile
import CNNCore
import CPNG
import Glibc

/// Reads and writes PNG files.
public enum PNGCodec {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

    // The simplified API's format bits (png.h's PNG_FORMAT_FLAG_*), spelled out so that no C macro has to
    // be imported.
    private static let formatAlpha: UInt32 = 0x01
    private static let formatColor: UInt32 = 0x02
    private static let formatLinear: UInt32 = 0x04

    /// Whether `bytes` start with the PNG signature.
    public static func looksLikePNG(_ bytes: [UInt8]) -> Bool {
        bytes.count >= signature.count && Array(bytes[0..<signature.count]) == signature
    }

    // MARK: - Decoding

    /// Decodes a PNG file's bytes. `what` starts every error message, e.g. "load 'cat.png'".
    /// Returns the picture and a phrase describing the file, e.g. "8-bit palette PNG, expanded to RGB".
    public static func decode(_ bytes: [UInt8], what: String = "load") throws -> (picture: Picture, details: String) {
        let damaged = "the file may be incomplete or damaged; save it again"
        guard looksLikePNG(bytes) else {
            throw CoreError("\(what): this is not a PNG file (it does not start with the PNG signature)",
                            hint: "load reads .png, .pgm, .ppm and .npy files; check the file's real format")
        }
        let header = try readHeader(bytes, what: what, damaged: damaged)

        return try bytes.withUnsafeBytes { buffer -> (picture: Picture, details: String) in
            let source = ByteSource(buffer)
            let file = try ByteSource.file(source, what: what)
            defer { fclose(file) }
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            defer { png_image_free(&image) }
            guard png_image_begin_read_from_stdio(&image, file) != 0 else {
                try Interruption.check(what)
                throw CoreError("\(what): the PNG file is damaged: \(message(of: image))", hint: damaged)
            }
            // libpng read the same IHDR; its numbers are the ones it will decode with.
            guard Int(image.width) == header.width, Int(image.height) == header.height,
                  image.format & formatLinear == 0 else {
                throw CoreError("\(what): the PNG file is damaged: its header could not be read consistently", hint: damaged)
            }
            let colour = image.format & formatColor != 0
            let alpha = image.format & formatAlpha != 0
            let outChannels = colour ? 3 : 1
            let readChannels = outChannels + (alpha ? 1 : 0)
            _ = try Picture.checkSize(height: header.height, width: header.width, channels: outChannels, what: what)
            let (rowBytes, overflow) = header.width.multipliedReportingOverflow(by: readChannels)
            guard !overflow, let stride = Int32(exactly: rowBytes) else {
                throw CoreError("\(what): the picture is too wide to read (\(Format.count(header.width)) pixels)")
            }
            image.format = (colour ? formatColor : 0) | (alpha ? formatAlpha : 0)
            var samples = [UInt8](repeating: 0, count: rowBytes * header.height)
            let finished = samples.withUnsafeMutableBytes { out in
                png_image_finish_read(&image, nil, out.baseAddress, stride, nil)
            }
            guard finished != 0 else {
                try Interruption.check(what)
                throw CoreError("\(what): the PNG file is damaged: \(message(of: image))", hint: damaged)
            }
            withExtendedLifetime(source) {}
            if alpha {
                var kept: [UInt8] = []
                kept.reserveCapacity(header.width * header.height * outChannels)
                for pixel in 0..<(header.width * header.height) {
                    let base = pixel * readChannels
                    for c in 0..<outChannels { kept.append(samples[base + c]) }
                }
                samples = kept
            }
            let picture = try Picture(height: header.height, width: header.width, channels: outChannels, pixels: samples)
            return (picture, header.details(alpha: alpha))
        }
    }

    /// What the IHDR chunk says.
    struct Header {
        var width: Int
        var height: Int
        var bitDepth: Int
        var colorType: Int
        var interlaced: Bool

        /// "8-bit grey PNG", "4-bit palette PNG, expanded to RGB; alpha left out", ...
        func details(alpha: Bool) -> String {
            var kind: String
            switch colorType {
            case 0: kind = "\(bitDepth)-bit grey PNG"
            case 2: kind = "8-bit RGB PNG"
            case 3: kind = "\(bitDepth)-bit palette PNG, expanded to RGB"
            case 4: kind = "8-bit grey+alpha PNG"
            default: kind = "8-bit RGBA PNG"
            }
            if colorType == 0 && bitDepth < 8 { kind += ", expanded to 0..255" }
            if interlaced { kind += ", interlaced" }
            if alpha { kind += "; its alpha (transparency) left out" }
            return kind
        }
    }

    /// Reads and checks the IHDR chunk (bytes 8..32) before libpng sees the file.
    static func readHeader(_ bytes: [UInt8], what: String, damaged: String) throws -> Header {
        guard bytes.count >= 33 else {
            throw CoreError("\(what): the PNG file is truncated: it ends inside its header (\(bytes.count) bytes)", hint: damaged)
        }
        func uint32(at offset: Int) -> Int {
            (Int(bytes[offset]) << 24) | (Int(bytes[offset + 1]) << 16) | (Int(bytes[offset + 2]) << 8) | Int(bytes[offset + 3])
        }
        guard uint32(at: 8) == 13, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
            throw CoreError("\(what): the PNG file is damaged: it does not start with an IHDR header chunk", hint: damaged)
        }
        let width = uint32(at: 16)
        let height = uint32(at: 20)
        let bitDepth = Int(bytes[24])
        let colorType = Int(bytes[25])
        let interlace = Int(bytes[28])
        guard width >= 1, height >= 1, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw CoreError("\(what): the PNG header says \(Format.count(width)) x \(Format.count(height)) pixels, which is not a valid size", hint: damaged)
        }
        let allowed: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let depths = allowed[colorType], depths.contains(bitDepth), interlace <= 1 else {
            throw CoreError("\(what): the PNG header is invalid (colour type \(colorType), bit depth \(bitDepth), interlace \(interlace))", hint: damaged)
        }
        guard bitDepth != 16 else {
            throw CoreError(
                "\(what): 16-bit PNG pictures are not supported (cnnrepl reads 1-, 2-, 4- and 8-bit PNGs)",
                hint: "convert it to 8 bits first, e.g. in Python: Image.open(p).convert(\"L\" or \"RGB\").save(p2)")
        }
        let colour = colorType == 2 || colorType == 3 || colorType == 6
        _ = try Picture.checkSize(height: height, width: width, channels: colour ? 3 : 1, what: what)
        return Header(width: width, height: height, bitDepth: bitDepth, colorType: colorType, interlaced: interlace == 1)
    }

    // MARK: - Encoding

    /// Encodes a picture as an 8-bit grey or RGB PNG. `what` starts every error message.
    public static func encode(_ picture: Picture, what: String = "save") throws -> [UInt8] {
        guard let width = UInt32(exactly: picture.width), let height = UInt32(exactly: picture.height),
              let stride = Int32(exactly: picture.width * picture.channels) else {
            throw CoreError("\(what): the picture is too large for a PNG file")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = width
        image.height = height
        image.format = picture.channels == 3 ? formatColor : 0
        defer { png_image_free(&image) }
        let sink = ByteSink()
        let file = try ByteSink.file(sink, what: what)
        let written = picture.pixels.withUnsafeBytes { pixels in
            png_image_write_to_stdio(&image, file, 0, pixels.baseAddress, stride, nil)
        }
        let closed = fclose(file)  // writes what the FILE still buffers
        guard written != 0, closed == 0 else {
            try Interruption.check(what)
            throw CoreError("\(what): libpng could not encode the picture: \(message(of: image))")
        }
        return sink.bytes
    }

    /// The message libpng left in the png_image, e.g. "IDAT: CRC error".
    private static func message(of image: png_image) -> String {
        let text = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return text.isEmpty ? "libpng reported an error" : text
    }
}

// MARK: - The FILEs libpng reads and writes

/// The bytes of a PNG file, read by libpng through a FILE; a read after Ctrl-C fails.
private final class ByteSource {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// A FILE reading `source` (which must outlive it).
    static func file(_ source: ByteSource, what: String) throws -> UnsafeMutablePointer<FILE> {
        let context = Unmanaged.passUnretained(source).toOpaque()
        let read: cnn_read_callback = { context, buffer, size in
            guard let context, let buffer, !Interruption.isRequested else { return -1 }
            let source = Unmanaged<ByteSource>.fromOpaque(context).takeUnretainedValue()
            let count = min(size, source.bytes.count - source.offset)
            if count > 0, let base = source.bytes.baseAddress {
                UnsafeMutableRawPointer(buffer).copyMemory(from: base + source.offset, byteCount: count)
                source.offset += count
            }
            return count
        }
        guard let file = cnn_callback_file(context, "r", read, nil) else {
            throw CoreError("\(what): could not start reading the PNG data (out of memory?)")
        }
        return file
    }
}

/// The bytes libpng writes through a FILE; a write after Ctrl-C fails.
private final class ByteSink {
    var bytes: [UInt8] = []

    /// A FILE appending to `sink` (which must outlive it).
    static func file(_ sink: ByteSink, what: String) throws -> UnsafeMutablePointer<FILE> {
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let write: cnn_write_callback = { context, buffer, size in
            guard let context, let buffer, !Interruption.isRequested else { return 0 }
            let sink = Unmanaged<ByteSink>.fromOpaque(context).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: size))
            return size
        }
        guard let file = cnn_callback_file(context, "w", nil, write) else {
            throw CoreError("\(what): could not start writing the PNG data (out of memory?)")
        }
        return file
    }
}
