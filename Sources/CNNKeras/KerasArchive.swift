// KerasArchive: the zip container of a Keras 3 .keras file, read and written through ZIPFoundation.
//
// A .keras file is a zip of config.json (the architecture), metadata.json (the Keras version) and
// model.weights.h5 (the weights, HDF5); Keras stores the entries uncompressed. Reading takes only those three
// entries and bounds each by a limit of its own before and while it is extracted: an entry's header may lie
// about its size (a zip bomb), so extraction stops as soon as more bytes come out than the limit allows.
import CNNCore
import Foundation
import Glibc
import ZIPFoundation

/// The entries of a .keras file.
struct KerasArchive {
    /// config.json: the model's architecture.
    var config: [UInt8]
    /// metadata.json, when present: the Keras version that saved the file.
    var metadata: [UInt8]?
    /// model.weights.h5: the weights.
    var weights: [UInt8]

    /// The most bytes config.json may hold: 16 MB (ResNet50's config is about 400 kB).
    static let configLimit = 16_000_000
    /// The most bytes metadata.json may hold.
    static let metadataLimit = 1_000_000

    /// Reads the entries of the zip held in `bytes` (through a temporary file, see `read(fileAt:)`).
    static func read(_ bytes: [UInt8], weightLimit: Int, name: String) throws -> KerasArchive {
        var template = Array("/tmp/cnnrepl-keras-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard descriptor >= 0 else { throw CoreError("\(name): no temporary file could be made to read the archive from") }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count else { throw CoreError("\(name): the archive could not be written to a temporary file") }
        return try read(fileAt: path, weightLimit: weightLimit, name: name)
    }

    /// Reads the entries of the zip file at `path`; `weightLimit` bounds model.weights.h5. `name` starts every
    /// message ("load 'model.keras'"). The archive is read from the file, not from memory: ZIPFoundation's
    /// in-memory archive traps on a damaged directory that points past the end (found by the fuzzer).
    static func read(fileAt path: String, weightLimit: Int, name: String) throws -> KerasArchive {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw CoreError("\(name): this is not a zip file, so not a Keras 3 .keras file",
                            hint: "a .keras file is what model.save(\"model.keras\") writes in Keras 3; an older .h5 file is not read")
        }
        func entry(_ path: String, limit: Int, required: Bool) throws -> [UInt8]? {
            guard let found = archive[path] else {
                guard required else { return nil }
                throw CoreError("\(name): the file has no \(path), so it is not a Keras 3 .keras file",
                                hint: "a .keras file holds config.json, metadata.json and model.weights.h5")
            }
            guard found.type == .file else { throw CoreError("\(name): \(path) is not a file in the archive") }
            guard found.uncompressedSize <= UInt64(limit) else {
                throw CoreError("\(name): \(path) would be \(Limits.bytesText(Int(clamping: found.uncompressedSize))) unpacked, more than the \(Limits.bytesText(limit)) allowed",
                                hint: path == "model.weights.h5" ? Limits.memoryHowTo : nil)
            }
            // Unpacking stops as soon as more comes out than the header said (within the limit, checked above).
            let declared = Int(found.uncompressedSize)
            var out: [UInt8] = []
            out.reserveCapacity(declared)
            do {
                _ = try archive.extract(found, bufferSize: 1 << 16, skipCRC32: false) { chunk in
                    guard out.count + chunk.count <= declared else { throw EntryTooLarge() }
                    try Interruption.check("load")
                    out.append(contentsOf: chunk)
                }
            } catch is EntryTooLarge {
                throw CoreError("\(name): \(path) unpacks to more than the \(Format.count(declared)) bytes its header says (a zip bomb?)",
                                hint: "the file is damaged or was made to exhaust memory; save the model again from Keras")
            } catch let error as CoreError {
                throw error
            } catch {
                throw CoreError("\(name): \(path) cannot be unpacked: the archive is damaged (\(error))")
            }
            return out
        }
        let config = try entry("config.json", limit: configLimit, required: true) ?? []
        let metadata = try entry("metadata.json", limit: metadataLimit, required: false)
        let weights = try entry("model.weights.h5", limit: weightLimit, required: true) ?? []
        return KerasArchive(config: config, metadata: metadata, weights: weights)
    }

    /// The bytes of a zip holding the three entries, stored uncompressed as Keras stores them.
    func bytes() throws -> [UInt8] {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            // A fixed date keeps the file the same for the same model (Keras writes the time into metadata.json).
            let date = Date(timeIntervalSince1970: 1_577_836_800)
            for (path, content) in [("metadata.json", metadata ?? []), ("config.json", config), ("model.weights.h5", weights)] {
                let data = Data(content)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                                     compressionMethod: .none) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let data = archive.data else { throw CoreError("save: the zip archive could not be made") }
            return [UInt8](data)
        } catch let error as CoreError {
            throw error
        } catch {
            throw CoreError("save: the zip archive could not be made (\(error))")
        }
    }
}

/// Thrown by the extraction consumer to stop at the limit.
private struct EntryTooLarge: Error {}
