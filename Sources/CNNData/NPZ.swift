// NPZ: NumPy's .npz archives (np.savez, np.savez_compressed), as Keras keeps MNIST (mnist.npz holds
// x_train, y_train, x_test, y_test). An .npz is a zip archive of .npy files; this reader walks the zip's
// central directory (with zip64 sizes, which NumPy writes), inflates deflated entries through zlib, checks
// each entry's CRC-32, and decodes it with CNNCore's .npy reader. Every entry must be a .npy file.
//
// Why zlib and not a zip package: the IDX reader needs zlib anyway, an .npz needs only "stored" and
// "deflate" entries, and a reader of ~150 lines over a byte array is easy to bound (no entry may claim more
// than `maxEntryBytes`, no offset may leave the file) without Foundation's file APIs or a new dependency.
import CNNCore

/// Reading .npz archives.
public enum NPZ {
    /// The most bytes one entry may unpack to (1 GB).
    public static let maxEntryBytes = 1 << 30
    /// The most entries an archive may have.
    public static let maxEntries = 1000

    /// One entry of an archive: its name and where its data is.
    struct Entry {
        let name: String
        let method: Int
        let crc: UInt32
        let compressedSize: Int
        let size: Int
        let localHeader: Int
    }

    /// The arrays of an .npz archive by name, without ".npy" ("x_train"). `what` starts every message.
    public static func decode(_ bytes: [UInt8], what: String) throws -> [String: Tensor] {
        var arrays: [String: Tensor] = [:]
        for entry in try entries(bytes, what: what) {
            try Interruption.check(what)
            let data = try content(of: entry, in: bytes, what: what)
            let name = String(entry.name.dropLast(4))
            do {
                arrays[name] = try NPY.decode(data)
            } catch let error as CoreError {
                throw CoreError("\(what): entry '\(entry.name)': \(error.message)", hint: error.hint)
            }
        }
        return arrays
    }

    /// Reads and decodes an .npz file.
    public static func read(path: String) throws -> [String: Tensor] {
        let what = "dataset: '\(path)'"
        let bytes = try FileBytes.read(path: path, limit: maxEntryBytes * 2, what: what, kind: "archive")
        return try decode(bytes, what: what)
    }

    private static func u16(_ b: [UInt8], _ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ at: Int) -> Int { u16(b, at) | u16(b, at + 2) << 16 }
    private static func u64(_ b: [UInt8], _ at: Int) -> Int? {
        let high = u32(b, at + 4)
        guard high < 1 << 30 else { return nil }
        return u32(b, at) | high << 32
    }

    private static func damaged(_ what: String, _ detail: String) -> CoreError {
        CoreError("\(what): not a readable .npz archive (\(detail))", hint: "an .npz is a zip of .npy files, as np.savez writes it; download it again")
    }

    /// The entries listed in the central directory.
    static func entries(_ b: [UInt8], what: String) throws -> [Entry] {
        guard b.count >= 22 else { throw damaged(what, "the file is too short to be a zip archive") }
        // The end-of-central-directory record is within the last 22 + 65,535 bytes.
        var end = -1
        var at = b.count - 22
        let lowest = Swift.max(0, b.count - 22 - 65_535)
        while at >= lowest {
            if b[at] == 0x50, b[at + 1] == 0x4b, b[at + 2] == 0x05, b[at + 3] == 0x06 { end = at; break }
            at -= 1
        }
        guard end >= 0 else { throw damaged(what, "no zip directory at its end; it is not a zip file, or truncated") }
        var count = u16(b, end + 10)
        var directory = u32(b, end + 16)
        var directorySize = u32(b, end + 12)
        if count == 0xffff || directory == 0xffff_ffff || directorySize == 0xffff_ffff {
            // Zip64: a locator just before the end record points at the zip64 end record.
            let locator = end - 20
            guard locator >= 0, u32(b, locator) == 0x0706_4b50, let record = u64(b, locator + 8),
                  record >= 0, record + 56 <= b.count, u32(b, record) == 0x0606_4b50,
                  let c = u64(b, record + 32), let s = u64(b, record + 40), let o = u64(b, record + 48) else {
                throw damaged(what, "its zip64 directory is missing or damaged")
            }
            count = c; directorySize = s; directory = o
        }
        guard count >= 1 else { throw damaged(what, "the archive is empty") }
        guard count <= maxEntries else { throw damaged(what, "it claims \(Format.count(count)) entries") }
        guard directory >= 0, directorySize >= 0, directory + directorySize <= end else {
            throw damaged(what, "its directory lies outside the file")
        }
        var entries: [Entry] = []
        var p = directory
        for _ in 0..<count {
            guard p + 46 <= end, u32(b, p) == 0x0201_4b50 else { throw damaged(what, "a directory record is damaged") }
            let flags = u16(b, p + 8)
            let method = u16(b, p + 10)
            let crc = UInt32(u32(b, p + 16))
            var compressed = u32(b, p + 20)
            var size = u32(b, p + 24)
            let nameLength = u16(b, p + 28), extraLength = u16(b, p + 30), commentLength = u16(b, p + 32)
            var local = u32(b, p + 42)
            let nameStart = p + 46
            guard nameStart + nameLength + extraLength + commentLength <= end else { throw damaged(what, "a directory record is cut off") }
            let name = String(decoding: b[nameStart..<(nameStart + nameLength)], as: UTF8.self)
            // Zip64 extra field: the 64-bit values of the fields that read 0xffffffff, in this order.
            var e = nameStart + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = u16(b, e), length = u16(b, e + 2)
                guard e + 4 + length <= extraEnd else { break }
                if id == 1 {
                    var q = e + 4
                    func next() -> Int? {
                        guard q + 8 <= e + 4 + length, let v = u64(b, q) else { return nil }
                        q += 8
                        return v
                    }
                    if size == 0xffff_ffff { guard let v = next() else { throw damaged(what, "a zip64 size is damaged") }; size = v }
                    if compressed == 0xffff_ffff { guard let v = next() else { throw damaged(what, "a zip64 size is damaged") }; compressed = v }
                    if local == 0xffff_ffff { guard let v = next() else { throw damaged(what, "a zip64 offset is damaged") }; local = v }
                }
                e += 4 + length
            }
            guard name.hasSuffix(".npy"), name.count > 4 else {
                throw CoreError("\(what): the archive holds '\(name)', which is not a .npy array",
                                hint: "an .npz holds only .npy files (np.savez); this is some other zip file")
            }
            guard flags & 1 == 0 else { throw damaged(what, "'\(name)' is encrypted") }
            guard method == 0 || method == 8 else {
                throw damaged(what, "'\(name)' is compressed with method \(method); only stored (0) and deflate (8) are read")
            }
            guard size <= maxEntryBytes, compressed <= b.count else {
                throw damaged(what, "'\(name)' claims \(Format.count(size)) bytes")
            }
            entries.append(Entry(name: name, method: method, crc: crc, compressedSize: compressed, size: size, localHeader: local))
            p = nameStart + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// The unpacked bytes of one entry, checked against its CRC-32.
    static func content(of entry: Entry, in b: [UInt8], what: String) throws -> [UInt8] {
        let h = entry.localHeader
        guard h >= 0, h + 30 <= b.count, u32(b, h) == 0x0403_4b50 else {
            throw damaged(what, "the local header of '\(entry.name)' is missing")
        }
        let start = h + 30 + u16(b, h + 26) + u16(b, h + 28)
        guard start + entry.compressedSize <= b.count else {
            throw damaged(what, "'\(entry.name)' is cut off (the file is truncated)")
        }
        let raw = Array(b[start..<(start + entry.compressedSize)])
        let data: [UInt8]
        if entry.method == 0 {
            guard entry.compressedSize == entry.size else { throw damaged(what, "the sizes of '\(entry.name)' disagree") }
            data = raw
        } else {
            data = try Inflate.rawDeflate(raw, expected: entry.size, what: "\(what): entry '\(entry.name)'")
        }
        guard Inflate.crc32(data) == entry.crc else {
            throw damaged(what, "the checksum of '\(entry.name)' is wrong; the file is damaged")
        }
        return data
    }
}
