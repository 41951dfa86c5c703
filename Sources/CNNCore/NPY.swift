// NPY: reading and writing NumPy's .npy files, so tensors travel between cnnrepl and NumPy.
//
// The format (numpy.lib.format), as read here:
//     bytes 0-5   the magic string "\x93NUMPY"
//     bytes 6-7   the format version, major then minor: 1.0, 2.0 or 3.0
//     then        the header length: 2 bytes little-endian (1.0) or 4 bytes (2.0 and 3.0)
//     then        the header: a Python dict literal, latin-1 text (1.0, 2.0) or UTF-8 (3.0), e.g.
//                 {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
//     then        the elements, row-major (C order), each in the byte order `descr` names.
// Every element becomes a Double: float32/float64, int8..int64, uint8..uint64 and bool are read
// (64-bit integers beyond 2^53 round to the nearest Double). A rank-0 array becomes shape [1].
// Bytes after the last element are ignored, as NumPy does.
//
// Safety: every size read from the file is checked before it is used, and the element count is
// checked against Limits.maxElements before anything is allocated, so no byte string can make
// decoding trap or exhaust memory; bad input throws a CoreError that says what is wrong.
//
// Writing produces exactly what numpy.save writes for a float64 C-order array (format 1.0, '<f8',
// the header padded with spaces to a multiple of 64 bytes and ended by a newline).
import Glibc

/// Reads and writes NumPy `.npy` files.
public enum NPY {
    /// The six bytes every .npy file starts with.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// The largest file `read(path:)` accepts: the largest tensor as float64 plus room for a header.
    static let maxFileBytes = Limits.maxElements * 8 + (1 << 20)

    // MARK: - Decoding

    /// Decodes the bytes of a .npy file into a tensor.
    ///
    /// Accepts format versions 1.0, 2.0 and 3.0, C order, dtypes float32/float64, int8..int64,
    /// uint8..uint64 and bool in any byte order. Throws a CoreError (never traps) for anything else:
    /// a wrong magic string, an unsupported version, a truncated or malformed header, Fortran order,
    /// object or other unsupported dtypes, a rank above 4, a zero-sized or too large shape, or data
    /// shorter than the shape needs.
    public static func decode(_ bytes: [UInt8]) throws -> Tensor {
        try decode(bytes, what: "load")
    }

    /// Decodes .npy bytes; `what` starts every error message (e.g. "load 'x.npy'").
    static func decode(_ bytes: [UInt8], what: String) throws -> Tensor {
        let damaged = "the file may be incomplete or damaged; save it again with numpy.save"
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw CoreError("\(what): this is not a .npy file (it does not start with \\x93NUMPY)",
                            hint: "save arrays with numpy.save(path, array)")
        }
        guard bytes.count >= 8 else {
            throw CoreError("\(what): the file is truncated: it ends before the format version", hint: damaged)
        }
        let major = bytes[6]
        let minor = bytes[7]
        guard (1...3).contains(major), minor == 0 else {
            throw CoreError("\(what): .npy format version \(major).\(minor) is not supported (1.0, 2.0 and 3.0 are)",
                            hint: "save it with numpy.save, which writes a supported version")
        }
        let lengthSize = major == 1 ? 2 : 4
        let headerStart = 8 + lengthSize
        guard bytes.count >= headerStart else {
            throw CoreError("\(what): the file is truncated: it ends inside the header length", hint: damaged)
        }
        var headerLength = 0
        for i in 0..<lengthSize { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        let available = bytes.count - headerStart
        guard headerLength <= available else {
            throw CoreError(
                "\(what): the file is truncated: the header should be \(Format.count(headerLength)) bytes but only \(Format.count(available)) follow",
                hint: damaged)
        }
        let headerBytes = bytes[headerStart..<(headerStart + headerLength)]
        let headerText: String
        if major == 3 {
            headerText = String(decoding: headerBytes, as: UTF8.self)
        } else {
            // Latin-1: every byte is the Unicode scalar of the same number.
            headerText = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        }
        let header = try NPYHeader.parse(headerText, what: what)
        let elementType = try NPYElementType.parse(header.descr, what: what)
        guard !header.fortranOrder else {
            throw CoreError("\(what): Fortran-order arrays are not supported",
                            hint: "save with np.save(path, np.ascontiguousarray(arr))")
        }
        let shape = try checkedShape(header.shape, what: what)
        let count = try Limits.elementCount(of: shape, for: what)
        let dataStart = headerStart + headerLength
        let needed = count * elementType.size  // at most 8 * Limits.maxElements: cannot overflow
        let present = bytes.count - dataStart
        guard present >= needed else {
            throw CoreError(
                "\(what): the data is truncated: a \(Shape.describe(shape)) \(elementType.name) array needs \(Format.count(needed)) bytes but the file holds \(Format.count(present))",
                hint: damaged)
        }
        var scalars: [Double] = []
        scalars.reserveCapacity(count)
        bytes.withUnsafeBufferPointer { buffer in
            let size = elementType.size
            for e in 0..<count {
                let base = dataStart + e * size
                var bits: UInt64 = 0
                if elementType.bigEndian {
                    for b in 0..<size { bits = bits << 8 | UInt64(buffer[base + b]) }
                } else {
                    for b in stride(from: size - 1, through: 0, by: -1) { bits = bits << 8 | UInt64(buffer[base + b]) }
                }
                scalars.append(elementType.value(ofBits: bits))
            }
        }
        return try Tensor(shape: shape, scalars: scalars)
    }

    /// Turns the header's shape into a tensor shape: rank 0 becomes [1]; rank above 4, zero sizes
    /// and sizes too large for an Int are errors.
    private static func checkedShape(_ shape: [Int?], what: String) throws -> [Int] {
        if shape.isEmpty { return [1] }
        let written = "(" + shape.map { $0.map(String.init) ?? "huge" }.joined(separator: ", ") + ")"
        guard shape.count <= Limits.maxRank else {
            throw CoreError(
                "\(what): the array has \(shape.count) dimensions \(written); cnnrepl tensors have 1 to \(Limits.maxRank)",
                hint: "reshape it in NumPy first, e.g. arr.reshape(...) with at most 4 sizes")
        }
        var sizes: [Int] = []
        for size in shape {
            guard let size else {
                throw CoreError(
                    "\(what): the shape \(written) is far too large: more than \(Format.count(Limits.maxElements)) elements",
                    hint: "a tensor holds at most 100,000,000 values; the file may be damaged")
            }
            guard size > 0 else {
                throw CoreError("\(what): the array is empty (shape \(written)); a tensor needs at least one element",
                                hint: "save an array with at least one element in every dimension")
            }
            sizes.append(size)
        }
        return sizes
    }

    // MARK: - Encoding

    /// Encodes a tensor as the bytes numpy.save writes for a float64 array: format 1.0, '<f8', C order.
    public static func encode(_ tensor: Tensor) -> [UInt8] {
        let shape = tensor.shape
        let shapeText = shape.count == 1
            ? "(\(shape[0]),)"
            : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText), }"
        // numpy.save leaves room to grow the first dimension in place: 21 characters minus its digits.
        let firstDigits = shape.first.map { String($0).count } ?? 0
        header += String(repeating: " ", count: max(0, 21 - firstDigits))
        // Pad so that magic (6) + version (2) + length (2) + header + newline is a multiple of 64,
        // exactly as numpy computes it (a full 64 spaces when it already is one).
        let withNewline = header.utf8.count + 1
        let padding = 64 - ((magic.count + 2 + 2 + withNewline) % 64)
        header += String(repeating: " ", count: padding) + "\n"
        let headerLength = header.utf8.count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10 + headerLength + tensor.count * 8)
        bytes += magic
        bytes += [1, 0, UInt8(truncatingIfNeeded: headerLength), UInt8(truncatingIfNeeded: headerLength >> 8)]
        bytes += Array(header.utf8)
        for value in tensor.scalars {
            let bits = value.bitPattern
            for b in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(8 * b))) }
        }
        return bytes
    }

    // MARK: - Files

    /// Reads a .npy file into a tensor. Errors name the file, e.g. "load 'x.npy': ...".
    public static func read(path: String) throws -> Tensor {
        let what = "load '\(path)'"
        let bytes = try FileBytes.read(path: path, limit: maxFileBytes, what: what, kind: "array")
        return try decode(bytes, what: what)
    }

    /// Writes a tensor to a .npy file (format 1.0, float64, C order), replacing any file at `path`.
    public static func write(_ tensor: Tensor, path: String) throws {
        try FileBytes.write(encode(tensor), path: path, what: "save '\(path)'")
    }
}
