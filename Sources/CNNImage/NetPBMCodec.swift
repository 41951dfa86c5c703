// NetPBMCodec: the Netpbm picture formats PGM (grey) and PPM (colour), in plain Swift.
//
// A file is a header of whitespace-separated ASCII fields, where `#` starts a comment to the end of the line:
//     P2 | P5 (grey)  or  P3 | P6 (RGB),  width,  height,  maxval (1..65535)
// then the samples, row by row (RGB: red, green, blue of each pixel). P2 and P3 write the samples as
// decimal numbers; P5 and P6 as bytes after exactly one whitespace character: one byte per sample when
// maxval < 256, two (most significant first) otherwise.
// Samples become values 0..255: unchanged when maxval is 255, otherwise value * 255 / maxval (so a
// 16-bit PGM keeps its full precision as fractions). A sample above maxval is an error.
// Writing produces P5 (grey) or P6 (RGB) with maxval 255.
import CNNCore

/// Reads and writes PGM and PPM files.
public enum NetPBMCodec {
    /// Whether `bytes` start like a PGM or PPM file ("P2", "P3", "P5" or "P6" then whitespace).
    public static func looksLikeNetPBM(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 3, bytes[0] == UInt8(ascii: "P") else { return false }
        return [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"), UInt8(ascii: "6")].contains(bytes[1])
            && isSpace(bytes[2])
    }

    // MARK: - Decoding

    /// Decodes a PGM or PPM file into an H x W (grey) or H x W x 3 (RGB) tensor of values 0..255.
    /// Returns the tensor and a phrase describing the file, e.g. "binary PGM (P5), maxval 255".
    public static func decode(_ bytes: [UInt8], what: String = "load") throws -> (tensor: Tensor, details: String) {
        let damaged = "the file may be incomplete or damaged; save it again"
        guard looksLikeNetPBM(bytes) else {
            // "P52 2 255": the right magic number, run into the width without the whitespace between.
            if bytes.count >= 3, bytes[0] == UInt8(ascii: "P"),
               [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"), UInt8(ascii: "6")].contains(bytes[1]) {
                throw CoreError("\(what): the header starts with P\(Character(Unicode.Scalar(bytes[1]))) but has no whitespace after it (a space or line break must follow the magic number)",
                                hint: "a PGM header reads like P5 2 2 255; the file may be damaged; save it again")
            }
            throw CoreError("\(what): this is not a PGM or PPM file (it does not start with P2, P3, P5 or P6)",
                            hint: "load reads .png, .pgm, .ppm and .npy files; check the file's real format")
        }
        let kind = bytes[1]
        let channels = (kind == UInt8(ascii: "3") || kind == UInt8(ascii: "6")) ? 3 : 1
        let binary = kind == UInt8(ascii: "5") || kind == UInt8(ascii: "6")
        let name = "\(binary ? "binary" : "plain") \(channels == 1 ? "PGM" : "PPM") (P\(Character(Unicode.Scalar(kind))))"
        var reader = Reader(bytes: bytes, position: 2)
        let width = try reader.headerNumber("width", what: what, damaged: damaged)
        let height = try reader.headerNumber("height", what: what, damaged: damaged)
        let maxval = try reader.headerNumber("maxval", what: what, damaged: damaged)
        guard (1...65535).contains(maxval) else {
            throw CoreError("\(what): maxval must be from 1 to 65,535, not \(Format.count(maxval))", hint: damaged)
        }
        let count = try Picture.checkSize(height: height, width: width, channels: channels, what: what)
        let scale = maxval == 255 ? 1.0 : 255.0 / Double(maxval)
        var scalars: [Double] = []
        if binary {
            // Exactly one whitespace character separates maxval from the samples.
            guard reader.position < bytes.count, isSpace(bytes[reader.position]) else {
                throw CoreError("\(what): the header must end with one whitespace character after maxval", hint: damaged)
            }
            let start = reader.position + 1
            let size = maxval < 256 ? 1 : 2
            let needed = count * size
            let present = bytes.count - start
            guard present >= needed else {
                throw CoreError(
                    "\(what): the data is truncated: \(width)x\(height) pixels need \(Format.count(needed)) bytes but the file holds \(Format.count(max(0, present)))",
                    hint: damaged)
            }
            scalars.reserveCapacity(count)
            for i in 0..<count {
                let sample = size == 1 ? Int(bytes[start + i]) : Int(bytes[start + 2 * i]) << 8 | Int(bytes[start + 2 * i + 1])
                guard sample <= maxval else {
                    throw CoreError("\(what): sample \(Format.count(i)) is \(sample), above maxval \(maxval)", hint: damaged)
                }
                scalars.append(Double(sample) * scale)
            }
        } else {
            scalars.reserveCapacity(count)
            for i in 0..<count {
                guard let sample = try reader.number(what: what, damaged: damaged) else {
                    throw CoreError(
                        "\(what): the data is truncated: \(width)x\(height) pixels need \(Format.count(count)) numbers but the file holds \(Format.count(i))",
                        hint: damaged)
                }
                guard sample <= maxval else {
                    throw CoreError("\(what): sample \(Format.count(i)) is \(Format.count(sample)), above maxval \(maxval)", hint: damaged)
                }
                scalars.append(Double(sample) * scale)
            }
        }
        let shape = channels == 1 ? [height, width] : [height, width, 3]
        let details = maxval == 255 ? "\(name), maxval 255" : "\(name), maxval \(Format.count(maxval)) scaled to 0..255"
        return (try Tensor(shape: shape, scalars: scalars), details)
    }

    /// Reads the ASCII fields of a Netpbm file.
    private struct Reader {
        let bytes: [UInt8]
        var position: Int

        /// Skips whitespace and comments (from `#` to the end of the line).
        mutating func skipSpace() {
            while position < bytes.count {
                if isSpace(bytes[position]) {
                    position += 1
                } else if bytes[position] == UInt8(ascii: "#") {
                    while position < bytes.count, bytes[position] != 10, bytes[position] != 13 { position += 1 }
                } else {
                    return
                }
            }
        }

        /// The next decimal number, nil at the end of the file; throws for anything else.
        mutating func number(what: String, damaged: String) throws -> Int? {
            skipSpace()
            guard position < bytes.count else { return nil }
            var value = 0
            var digits = 0
            while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 {
                value = value * 10 + Int(bytes[position] - 48)
                digits += 1
                position += 1
                guard digits <= 9 else {
                    throw CoreError("\(what): a number in the file is far too large (more than 9 digits)", hint: damaged)
                }
            }
            guard digits > 0 else {
                throw CoreError("\(what): expected a number at byte \(Format.count(position)), found '\(Character(Unicode.Scalar(bytes[position])))'",
                                hint: damaged)
            }
            if position < bytes.count, !isSpace(bytes[position]), bytes[position] != UInt8(ascii: "#") {
                throw CoreError("\(what): expected a number at byte \(Format.count(position)), found '\(Character(Unicode.Scalar(bytes[position])))'",
                                hint: damaged)
            }
            return value
        }

        /// A header field: a number that must be present and at least 1.
        mutating func headerNumber(_ field: String, what: String, damaged: String) throws -> Int {
            guard let value = try number(what: what, damaged: damaged) else {
                throw CoreError("\(what): the file is truncated: it ends before the header's \(field)", hint: damaged)
            }
            guard value >= 1 else {
                throw CoreError("\(what): the header's \(field) is \(value); it must be at least 1", hint: damaged)
            }
            return value
        }
    }

    /// Whitespace as Netpbm defines it: space, tab, CR, LF, vertical tab, form feed.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 32 || (9...13).contains(byte)
    }

    // MARK: - Encoding

    /// Encodes a picture as binary PGM (P5, grey) or PPM (P6, RGB) with maxval 255.
    public static func encode(_ picture: Picture) -> [UInt8] {
        let magic = picture.channels == 1 ? "P5" : "P6"
        return Array("\(magic)\n\(picture.width) \(picture.height)\n255\n".utf8) + picture.pixels
    }
}
