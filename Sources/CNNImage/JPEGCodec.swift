// JPEGCodec: JPEG pictures in and out through libjpeg-turbo's TurboJPEG API (CTurboJPEG).
//
// Reading: JPEGHeader walks the markers first (so a 12-bit, lossless or CMYK file, a size beyond the
// session's limits, or a decompression bomb is an error before anything is allocated); then
// tjDecompress2 decodes to 8-bit grey (a one-component file) or RGB, with libjpeg's defaults, as Pillow
// decodes (accurate integer IDCT, smooth chroma upsampling). Baseline and progressive files load.
// TurboJPEG catches libjpeg's errors inside the library (libjpeg's error_exit longjmps to a setjmp in
// turbojpeg.c, in C frames only) and returns -1 with a message, so no longjmp ever crosses a Swift frame.
// A warning (a file cut short, corrupt data) is an error too: libjpeg would fill the rest with grey.
// Progressive files are limited to 500 scans (TJFLAG_LIMITSCANS), so a file of endless empty scans cannot
// keep the decoder busy. The EXIF orientation is then applied (Picture+Orientation.swift), as phones
// store the picture as the sensor saw it and say in EXIF how to turn it.
//
// Writing: tjCompress2 with the given quality (1...100), 4:2:0 chroma subsampling for colour (as Pillow and
// most cameras write), grey pictures as one-component JPEGs.
import CNNCore
import CTurboJPEG

/// Reads and writes JPEG files.
public enum JPEGCodec {
    /// Whether `bytes` start like a JPEG file.
    public static func looksLikeJPEG(_ bytes: [UInt8]) -> Bool { JPEGHeader.looksLikeJPEG(bytes) }

    /// The quality `save` uses when none is given.
    public static let defaultQuality = 90

    // MARK: - Decoding

    /// Decodes a JPEG file's bytes. `what` starts every error message, e.g. "load 'cat.jpg'".
    /// Returns the picture (turned upright by its EXIF orientation) and a phrase describing the file, e.g.
    /// "progressive colour JPEG; EXIF orientation 6: turned 90° clockwise".
    public static func decode(_ bytes: [UInt8], what: String = "load") throws -> (picture: Picture, details: String) {
        let header = try JPEGHeader.read(bytes, what: what)
        let damaged = "the file may be incomplete or damaged; save it again"
        guard let handle = tjInitDecompress() else {
            throw CoreError("\(what): libjpeg-turbo could not start a decoder")
        }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colourSpace: Int32 = 0
        let read = bytes.withUnsafeBufferPointer { buffer in
            tjDecompressHeader3(handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colourSpace)
        }
        guard read == 0 else {
            throw CoreError("\(what): the JPEG file is damaged: \(message(handle))", hint: damaged)
        }
        // libjpeg read the same frame header; its numbers are the ones it will decode with.
        guard Int(width) == header.width, Int(height) == header.height else {
            throw CoreError("\(what): the JPEG file is damaged: its header could not be read consistently", hint: damaged)
        }
        let grey = colourSpace == Int32(TJCS_GRAY.rawValue)
        guard grey || colourSpace == Int32(TJCS_YCbCr.rawValue) || colourSpace == Int32(TJCS_RGB.rawValue) else {
            throw CoreError("\(what): this is a CMYK JPEG (4 ink channels, as printers use), and cnnrepl reads grey and RGB JPEGs",
                            hint: "convert it first, e.g. in Python: Image.open(p).convert(\"RGB\").save(\"photo.jpg\")")
        }
        let channels = grey ? 1 : 3
        try Interruption.check(what)
        var samples = [UInt8](repeating: 0, count: header.width * header.height * channels)
        let format = grey ? Int32(TJPF_GRAY.rawValue) : Int32(TJPF_RGB.rawValue)
        let status = bytes.withUnsafeBufferPointer { buffer in
            samples.withUnsafeMutableBufferPointer { out in
                tjDecompress2(handle, buffer.baseAddress, UInt(buffer.count), out.baseAddress, width, 0, height, format,
                              Int32(TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS))
            }
        }
        guard status == 0 else {
            let text = message(handle)
            if text.contains("Premature end") {
                throw CoreError("\(what): the JPEG file is truncated: its image data ends early (\(Format.count(bytes.count)) bytes)",
                                hint: "the file may be incomplete; copy or save it again")
            }
            throw CoreError("\(what): the JPEG file is damaged: \(text)", hint: damaged)
        }
        // libjpeg-turbo cannot be stopped inside a call; Ctrl-C takes effect between phases.
        try Interruption.check(what)
        let stored = try Picture(height: header.height, width: header.width, channels: channels, pixels: samples)
        var details = "\(header.progressive ? "progressive" : "baseline") \(grey ? "grey" : "colour") JPEG"
        if !grey { details += ", \(subsamplingName(subsampling))" }
        if header.orientation != 1 {
            details += "; EXIF orientation \(header.orientation): \(Picture.orientationPhrase(header.orientation))"
        }
        return (stored.oriented(header.orientation), details)
    }

    /// "chroma 4:2:0", the subsampling of a colour JPEG's Cb and Cr planes.
    private static func subsamplingName(_ value: Int32) -> String {
        switch value {
        case Int32(TJSAMP_444.rawValue): return "chroma 4:4:4"
        case Int32(TJSAMP_422.rawValue): return "chroma 4:2:2"
        case Int32(TJSAMP_420.rawValue): return "chroma 4:2:0"
        case Int32(TJSAMP_440.rawValue): return "chroma 4:4:0"
        case Int32(TJSAMP_411.rawValue): return "chroma 4:1:1"
        default: return "chroma subsampled"
        }
    }

    // MARK: - Encoding

    /// Encodes a picture as a baseline JPEG of the given quality (1...100): grey as one component, RGB as
    /// YCbCr with 4:2:0 chroma. `what` starts every error message.
    public static func encode(_ picture: Picture, quality: Int = defaultQuality, what: String = "save") throws -> [UInt8] {
        guard (1...100).contains(quality) else {
            throw CoreError("\(what): JPEG quality is 1 (smallest file) to 100 (best picture), not \(quality)", hint: "e.g. quality=90")
        }
        guard picture.width <= 65_535, picture.height <= 65_535 else {
            throw CoreError("\(what): a JPEG holds at most 65,535 x 65,535 pixels, and this picture is \(Format.count(picture.width)) x \(Format.count(picture.height))",
                            hint: "save it as .png, or resize it first")
        }
        guard let handle = tjInitCompress() else {
            throw CoreError("\(what): libjpeg-turbo could not start an encoder")
        }
        defer { tjDestroy(handle) }
        let grey = picture.channels == 1
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        defer { if let output { tjFree(output) } }
        let status = picture.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(picture.width), 0, Int32(picture.height),
                        grey ? Int32(TJPF_GRAY.rawValue) : Int32(TJPF_RGB.rawValue), &output, &size,
                        grey ? Int32(TJSAMP_GRAY.rawValue) : Int32(TJSAMP_420.rawValue), Int32(quality), 0)
        }
        guard status == 0, let output, size > 0 else {
            throw CoreError("\(what): libjpeg-turbo could not encode the picture: \(message(handle))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    /// The message TurboJPEG left for its last error, e.g. "Premature end of JPEG file".
    private static func message(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "libjpeg-turbo reported an error" }
        let string = String(cString: text)
        return string.isEmpty ? "libjpeg-turbo reported an error" : string
    }
}
