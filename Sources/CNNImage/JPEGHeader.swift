// JPEGHeader: what a JPEG file says about itself before its compressed data, read by cnnrepl before
// libjpeg-turbo sees the file.
//
// The markers from SOI up to the first SOS are walked (every length checked against the bytes there are):
//   - the frame header (SOFn): the coding (baseline, extended, progressive, lossless; Huffman or arithmetic),
//     the sample precision (8 or 12 bits), the size and the number of colour components;
//   - APP1 "Exif": the Orientation tag (0x0112) of the first image directory (IFD0), which says how the
//     camera was held: 1 = as stored ... 8 (docs: the EXIF 2.32 standard, section 4.6.4 A).
// So that a 12-bit, lossless or CMYK file, a header claiming 60,000 x 60,000 pixels, or a file cut short in
// its header is refused with a clear message before anything is allocated or decoded.
import CNNCore

/// The facts of a JPEG file's header that cnnrepl checks.
struct JPEGHeader {
    /// Rows of pixels as stored (before the EXIF orientation is applied).
    var height: Int
    /// Columns of pixels as stored.
    var width: Int
    /// Colour components: 1 grey, 3 YCbCr (or RGB), 4 CMYK or YCCK.
    var components: Int
    /// Bits per sample: 8, or 12 for medical and some camera files.
    var precision: Int
    /// The SOF marker's low nibble: 0 baseline, 1 extended, 2 progressive, 3 lossless; +8 arithmetic coding.
    var coding: Int
    /// The EXIF Orientation, 1 (as stored) to 8; 1 when the file has none.
    var orientation: Int

    /// Whether the scans are progressive (a blurry whole first, then detail).
    var progressive: Bool { coding & 3 == 2 }
    /// Whether the data is Huffman coded (every 8x8 block then takes at least one bit).
    var huffman: Bool { coding < 8 }

    /// Whether `bytes` start like a JPEG file (SOI, then a marker).
    static func looksLikeJPEG(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
    }

    /// Reads the markers up to the first scan. `what` starts error messages ("load 'cat.jpg'").
    static func read(_ bytes: [UInt8], what: String) throws -> JPEGHeader {
        let damaged = "the file may be incomplete or damaged; save it again"
        guard looksLikeJPEG(bytes) else {
            throw CoreError("\(what): this is not a JPEG file (it does not start with the JPEG marker FF D8)",
                            hint: "load reads .jpg, .png, .pgm, .ppm and .npy files; check the file's real format")
        }
        var frame: (height: Int, width: Int, components: Int, precision: Int, coding: Int)?
        var orientation = 1
        var position = 2
        while true {
            // A marker: 0xFF (any number of fill bytes 0xFF), then its code.
            guard position < bytes.count, bytes[position] == 0xFF else {
                if position >= bytes.count { throw truncated(what, bytes.count) }
                throw CoreError("\(what): the JPEG file is damaged: a marker was expected at byte \(Format.count(position))", hint: damaged)
            }
            while position < bytes.count, bytes[position] == 0xFF { position += 1 }
            guard position < bytes.count else { throw truncated(what, bytes.count) }
            let code = bytes[position]
            position += 1
            switch code {
            case 0x01, 0xD0...0xD7: continue  // no length, no content
            case 0xD8: throw CoreError("\(what): the JPEG file is damaged: a second start-of-image marker before any picture", hint: damaged)
            case 0xD9: throw CoreError("\(what): the JPEG file holds no picture (it ends before any image data)", hint: damaged)
            default: break
            }
            guard position + 2 <= bytes.count else { throw truncated(what, bytes.count) }
            let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            guard length >= 2 else {
                throw CoreError("\(what): the JPEG file is damaged: a marker segment of length \(length)", hint: damaged)
            }
            guard position + length <= bytes.count else { throw truncated(what, bytes.count) }
            let segment = bytes[(position + 2)..<(position + length)]
            position += length
            switch code {
            case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                guard segment.count >= 6 else {
                    throw CoreError("\(what): the JPEG file is damaged: its frame header is too short", hint: damaged)
                }
                let s = segment.startIndex
                frame = (height: Int(segment[s + 1]) << 8 | Int(segment[s + 2]),
                         width: Int(segment[s + 3]) << 8 | Int(segment[s + 4]),
                         components: Int(segment[s + 5]), precision: Int(segment[s]), coding: Int(code & 0x0F))
            case 0xE1:
                if let found = exifOrientation(Array(segment)) { orientation = found }
            case 0xDA:
                guard let frame else {
                    throw CoreError("\(what): the JPEG file is damaged: image data comes before its frame header", hint: damaged)
                }
                let header = JPEGHeader(height: frame.height, width: frame.width, components: frame.components,
                                        precision: frame.precision, coding: frame.coding, orientation: orientation)
                try header.check(what: what, fileBytes: bytes.count)
                return header
            default:
                continue
            }
        }
    }

    /// Refuses what cnnrepl does not decode, and sizes beyond the session's limits, before decoding.
    func check(what: String, fileBytes: Int) throws {
        let damaged = "the file may be incomplete or damaged; save it again"
        let convert = "convert it first, e.g. in Python: Image.open(p).convert(\"RGB\").save(\"photo.jpg\")"
        guard precision == 8 else {
            throw CoreError("\(what): \(precision)-bit JPEG pictures are not supported (cnnrepl reads 8-bit JPEGs, as cameras and phones write them)",
                            hint: precision == 12 ? "12-bit JPEGs come from medical and scientific cameras; convert it to 8 bits (a PNG keeps every level)" : damaged)
        }
        guard coding & 3 != 3 else {
            throw CoreError("\(what): lossless JPEG (SOF\(coding)) is not supported", hint: convert)
        }
        switch components {
        case 1, 3: break
        case 4:
            throw CoreError("\(what): this is a CMYK JPEG (4 ink channels, as printers use), and cnnrepl reads grey and RGB JPEGs",
                            hint: convert)
        default:
            throw CoreError("\(what): the JPEG header says \(components) colour components; cnnrepl reads 1 (grey) or 3 (colour)", hint: damaged)
        }
        guard height >= 1 else {
            throw CoreError("\(what): the JPEG header gives a height of 0 (the height comes later, in a DNL marker), which cnnrepl does not read",
                            hint: convert)
        }
        guard width >= 1 else {
            throw CoreError("\(what): the JPEG header says \(width) x \(height) pixels, which is not a valid size", hint: damaged)
        }
        let channels = components == 1 ? 1 : 3
        let count = try Picture.checkSize(height: height, width: width, channels: channels, what: what)
        // A decompression bomb: a small file whose header promises a huge picture. With Huffman coding every
        // 8x8 block of the first component costs at least one bit of the first scan, so the file must hold
        // at least (blocks / 8) bytes; a smaller one cannot be the picture its header says.
        if huffman {
            let blocks = ((width + 7) / 8) * ((height + 7) / 8)
            guard fileBytes >= blocks / 8 else {
                throw CoreError(
                    "\(what): the JPEG header promises \(Format.count(width)) x \(Format.count(height)) pixels, but the file (\(Format.count(fileBytes)) bytes) is too small to hold them: it is truncated, or a decompression bomb",
                    hint: "every 8x8 block takes at least one bit, so this picture needs at least \(Format.count(blocks / 8)) bytes; " + damaged)
            }
        }
        try Limits.checkMemory(forElements: count, what: what, shape: channels == 1 ? [height, width] : [height, width, 3])
    }

    /// The error for a file that ends inside its header.
    private static func truncated(_ what: String, _ count: Int) -> CoreError {
        CoreError("\(what): the JPEG file is truncated: it ends inside its header (\(Format.count(count)) bytes)",
                  hint: "the file may be incomplete; copy or save it again")
    }

    // MARK: - EXIF

    /// The Orientation (1...8) of an APP1 segment holding EXIF data, or nil (not EXIF, no tag, a bad value).
    /// The TIFF structure inside: "II" (little-endian) or "MM", 42, the offset of IFD0; IFD0 is a count and
    /// 12-byte entries (tag, type, count, value); Orientation is tag 0x0112, one SHORT (type 3).
    static func exifOrientation(_ segment: [UInt8]) -> Int? {
        let prefix: [UInt8] = Array("Exif".utf8) + [0, 0]
        guard segment.count >= prefix.count + 8, Array(segment[0..<prefix.count]) == prefix else { return nil }
        let tiff = Array(segment[prefix.count...])
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func uint16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func uint32(_ at: Int) -> Int? {
            guard let a = uint16(at), let b = uint16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard uint16(2) == 42, let ifd = uint32(4), let entries = uint16(ifd) else { return nil }
        for entry in 0..<entries {
            let at = ifd + 2 + entry * 12
            guard let tag = uint16(at) else { return nil }
            guard tag == 0x0112 else { continue }
            guard uint16(at + 2) == 3, let value = uint16(at + 8), (1...8).contains(value) else { return nil }
            return value
        }
        return nil
    }
}
