// ImageFile: pictures in files, chosen by the file name's extension (.png, .jpg/.jpeg, .pgm, .ppm).
//
// Reading looks at the bytes, not only the name: a PNG signature is decoded as PNG, FF D8 FF as JPEG and
// "P2/P3/P5/P6" as Netpbm, whatever the extension says. Writing follows the extension: .png (8-bit grey or
// RGB), .jpg (grey or colour, a quality 1...100), .pgm (binary grey, P5) or .ppm (binary RGB, P6; a grey
// map is written as three equal channels).
import CNNCore

/// Reading and writing picture files.
public enum ImageFile {
    /// The picture formats cnnrepl reads and writes.
    public enum Kind: String, Sendable, CaseIterable {
        /// Portable Network Graphics, through libpng.
        case png
        /// JPEG, through libjpeg-turbo (.jpg or .jpeg).
        case jpg
        /// Netpbm grey map.
        case pgm
        /// Netpbm colour map.
        case ppm
    }

    /// The largest picture file read: generous room for Limits.maxElements samples written as text.
    static let maxFileBytes = Limits.maxElements * 4 + (1 << 20)

    /// The picture format a file name's extension names (case-insensitive), or nil (.npy and others).
    public static func kind(ofPath path: String) -> Kind? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        let ext = path[path.index(after: dot)...].lowercased()
        if ext == "pnm" { return .ppm }
        if ext == "jpeg" { return .jpg }
        return Kind(rawValue: ext)
    }

    /// Reads a picture file into an H x W (grey) or H x W x 3 (RGB) tensor of values 0..255, with a
    /// phrase describing the file ("8-bit grey PNG"). Errors name the file: "load 'x.png': ...".
    public static func read(path: String) throws -> (tensor: Tensor, details: String) {
        let what = "load '\(path)'"
        let bytes = try FileBytes.read(path: path, limit: maxFileBytes, what: what, kind: "picture")
        return try decode(bytes, kind: kind(ofPath: path) ?? .png, what: what)
    }

    /// Decodes the bytes of a picture file; `kind` (from the name) only chooses the error message when the
    /// bytes are neither PNG nor Netpbm.
    public static func decode(_ bytes: [UInt8], kind: Kind, what: String = "load") throws -> (tensor: Tensor, details: String) {
        if PNGCodec.looksLikePNG(bytes) {
            let (picture, details) = try PNGCodec.decode(bytes, what: what)
            return (try picture.tensor(), details)
        }
        if JPEGCodec.looksLikeJPEG(bytes) {
            let (picture, details) = try JPEGCodec.decode(bytes, what: what)
            return (try picture.tensor(), details)
        }
        if NetPBMCodec.looksLikeNetPBM(bytes) {
            return try NetPBMCodec.decode(bytes, what: what)
        }
        if bytes.isEmpty {
            throw CoreError("\(what): the file is empty", hint: "the file may be incomplete; save it again")
        }
        switch kind {
        case .png: return (try PNGCodec.decode(bytes, what: what).picture.tensor(), "")  // throws: not a PNG
        case .jpg: return (try JPEGCodec.decode(bytes, what: what).picture.tensor(), "")  // throws: not a JPEG
        case .pgm, .ppm: return try NetPBMCodec.decode(bytes, what: what)  // throws: not Netpbm
        }
    }

    /// Writes `tensor` as a picture in the format `kind`, its values turned into pixels by `mode` (a JPEG
    /// with `quality`, 1...100). Returns what was written, e.g.
    /// "grey PNG: values 0 .. 1 stretched to 0..255 (...)". Errors start with "save 'NAME'".
    public static func write(_ tensor: Tensor, path: String, kind: Kind, mode: PixelScaling.Mode = .auto,
                             quality: Int = JPEGCodec.defaultQuality) throws -> String {
        let what = "save '\(path)'"
        let bytes: [UInt8]
        var (picture, scaling) = try Picture.from(tensor, mode: mode, what: what)
        var note = ""
        switch kind {
        case .png:
            bytes = try PNGCodec.encode(picture, what: what)
        case .jpg:
            bytes = try JPEGCodec.encode(picture, quality: quality, what: what)
            note = " of quality \(quality)"
        case .pgm:
            guard picture.channels == 1 else {
                throw CoreError("\(what): a .pgm file holds a grey picture, and this is \(tensor.shapeDescription) (RGB)",
                                hint: "use a .ppm or .png name, or convert it: gray(x)")
            }
            bytes = NetPBMCodec.encode(picture)
        case .ppm:
            if picture.channels == 1 {
                picture = try Picture(height: picture.height, width: picture.width, channels: 3,
                                      pixels: picture.pixels.flatMap { [$0, $0, $0] })
                note = " (grey: red = green = blue)"
            }
            bytes = NetPBMCodec.encode(picture)
        }
        try FileBytes.write(bytes, path: path, what: what)
        let format = kind == .png ? "PNG" : kind == .jpg ? "JPEG" : kind == .pgm ? "PGM" : "PPM"
        return "\(picture.kindName) \(format)\(note): \(scaling.description)"
    }

    /// Writes the bytes of an encoded picture to `path`, replacing any file there; `what` starts error messages.
    public static func writeBytes(_ bytes: [UInt8], path: String, what: String) throws {
        try FileBytes.write(bytes, path: path, what: what)
    }
}
