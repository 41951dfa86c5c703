// Inflate: gzip files and raw deflate streams (the entries of a zip archive) through zlib, with a bound on
// the output so that a small hostile file ("a zip bomb") can never allocate more than the caller allows,
// and a Ctrl-C check between chunks of a long read.
import CNNCore
import CSystemZlib

/// Decompression through zlib's inflate.
public enum Inflate {
    /// Whether `bytes` start with the gzip magic 1f 8b.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The content of a gzip file (several members are read one after another, as gunzip does). Throws when
    /// the stream is damaged or truncated, or when it would hold more than `limit` bytes. `what` starts
    /// every message.
    public static func gunzip(_ bytes: [UInt8], limit: Int, what: String) throws -> [UInt8] {
        try inflate(bytes, windowBits: 15 + 32, limit: limit, what: what, kind: "gzip")
    }

    /// The first `count` bytes of a gzip file's content (fewer if it is shorter), unpacking no more than that.
    public static func gunzipPrefix(_ bytes: [UInt8], count: Int, what: String) throws -> [UInt8] {
        try inflate(bytes, windowBits: 15 + 32, limit: count, what: what, kind: "gzip", prefixOnly: true)
    }

    /// The content of a raw deflate stream (a zip entry of method 8), which must be exactly `expected`
    /// bytes long.
    public static func rawDeflate(_ bytes: [UInt8], expected: Int, what: String) throws -> [UInt8] {
        let out = try inflate(bytes, windowBits: -15, limit: expected, what: what, kind: "deflate")
        guard out.count == expected else {
            throw CoreError("\(what): the compressed entry holds \(Format.count(out.count)) bytes, but the archive says \(Format.count(expected))",
                            hint: "the file is damaged; download it again")
        }
        return out
    }

    /// The CRC-32 of `bytes` (zip's checksum).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt = CSystemZlib.crc32(0, nil, 0)
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            while start < buffer.count {
                let n = Swift.min(buffer.count - start, 1 << 30)
                crc = CSystemZlib.crc32(crc, buffer.baseAddress! + start, UInt32(n))
                start += n
            }
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    private static func inflate(_ input: [UInt8], windowBits: Int32, limit: Int, what: String, kind: String,
                                prefixOnly: Bool = false) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CoreError("\(what): zlib could not start decompressing")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        let chunkSize = 1 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var source = input
        return try source.withUnsafeMutableBufferPointer { inBuffer -> [UInt8] in
            var consumed = 0
            while true {
                try Interruption.check(what)
                let available = Swift.min(inBuffer.count - consumed, Int(UInt32.max))
                stream.next_in = available > 0 ? inBuffer.baseAddress! + consumed : nil
                stream.avail_in = UInt32(available)
                let before = Int(stream.total_out)
                let room = prefixOnly ? Swift.min(chunk.count, limit - output.count) : chunk.count
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(room)
                    return CSystemZlib.inflate(&stream, Z_NO_FLUSH)
                }
                consumed += available - Int(stream.avail_in)
                let produced = Int(stream.total_out) - before
                guard output.count + produced <= limit else {
                    throw CoreError("\(what): the \(kind) data unpacks to more than \(Format.count(limit)) bytes, more than such a file can hold",
                                    hint: "the file is not what its name says, or it is damaged")
                }
                output += chunk[0..<produced]
                if prefixOnly && output.count >= limit { return output }
                switch status {
                case Z_STREAM_END:
                    // Another gzip member may follow (gunzip reads them all); trailing zero padding is ignored.
                    let rest = inBuffer[consumed...]
                    if windowBits > 15, rest.count >= 2, rest[rest.startIndex] == 0x1f, rest[rest.startIndex + 1] == 0x8b {
                        guard inflateReset(&stream) == Z_OK else { throw CoreError("\(what): zlib could not go on") }
                        continue
                    }
                    return output
                case Z_OK:
                    if produced == 0 && stream.avail_in == 0 && room > 0 {
                        throw CoreError("\(what): the \(kind) data ends too early (the file is truncated)",
                                        hint: "the download may be incomplete; download it again")
                    }
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 {
                        throw CoreError("\(what): the \(kind) data ends too early (the file is truncated)",
                                        hint: "the download may be incomplete; download it again")
                    }
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw CoreError("\(what): the \(kind) data is damaged (\(reason))",
                                    hint: "the file is damaged or not \(kind == "gzip" ? "a gzip file" : "a zip archive"); download it again")
                }
            }
        }
    }
}
