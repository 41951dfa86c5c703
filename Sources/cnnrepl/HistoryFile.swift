// HistoryFile: persistent REPL history in ~/.cnnrepl_history, size-limited and written atomically.
//
// Each session appends its own entries to what is on disk *at save time* (so two concurrent sessions do
// not overwrite each other's lines) and writes the result to a temporary file that is renamed over the
// old one (so a crash never leaves a half-written history). The read-merge-rename runs under an exclusive
// lock on PATH.lock (flock), so two sessions saving at the same moment cannot both read the old file and
// lose one's entries; a lock held for more than two seconds (a stuck process) is not waited for. The REPL saves after every entry, before
// running it, so an entry that never finishes (and the second Ctrl-C that ends cnnrepl) is still kept.
// The file is handled as bytes, one entry per line: what an older file holds (invalid UTF-8, a NUL) is
// kept byte for byte, and a new entry's backslashes, line breaks and NULs are escapes (\\, \n, \0), so
// entries never merge. The history has its own limits: `maxEntries` entries and `maxBytes` bytes; a larger
// file keeps its newest entries (only its last `maxBytes` are read), never nothing. A symbolic link is
// written through: the new file replaces the link's target, and the link stays.
import CNNScript
import CReadline
import Glibc

/// The REPL's history file.
struct HistoryFile {
    /// The most entries kept in the file.
    static let maxEntries = FixedLimits.historyEntries
    /// The most bytes kept in the file (about 1,000 entries of 2 KB).
    static let maxBytes = 2_000_000

    /// Where the history lives: $CNNREPL_HISTORY, else ~/.cnnrepl_history; nil if no home is known.
    static func defaultPath() -> String? {
        if let custom = getenv("CNNREPL_HISTORY") { return String(cString: custom) }
        guard let home = getenv("HOME") else { return nil }
        return String(cString: home) + "/.cnnrepl_history"
    }

    let path: String?
    private let added = EntryList()

    init(path: String?) {
        self.path = path
    }

    /// Loads the file into readline's history (missing file: nothing to load).
    func load() {
        stifle_history(Int32(HistoryFile.maxEntries))
        guard let path else { return }
        for line in HistoryFile.readLines(path: path) {
            let entry = HistoryFile.unescape(line).map { CChar(bitPattern: $0) } + [0]
            entry.withUnsafeBufferPointer { add_history($0.baseAddress) }
        }
    }

    /// Adds an entry to readline's history and to this session's new entries.
    func add(_ entry: String) {
        add_history(entry)
        added.items.append(entry)
    }

    /// Merges this session's entries into the file atomically, keeping the newest `maxEntries`.
    func save() {
        guard let path, !added.items.isEmpty else { return }
        // Once on disk, the next save adds only newer entries.
        if HistoryFile.append(added.items, to: path) { added.items.removeAll() }
    }

    /// Appends `newEntries` to the history file at `path`, keeping the newest `maxEntries` (and at most
    /// `maxBytes`), under the file's lock and by an atomic rename. Returns whether they were written.
    static func append(_ newEntries: [String], to path: String) -> Bool {
        let lock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        defer { if lock >= 0 { close(lock) } }  // closing the descriptor releases the lock
        if lock >= 0 {
            var waited = 0
            while flock(lock, LOCK_EX | LOCK_NB) != 0 && waited < 200 {
                usleep(10_000)
                waited += 1
            }
        }
        let file = target(of: path)
        var lines = readLines(path: file) + newEntries.map { escape(Array($0.utf8)) }
        if lines.count > maxEntries { lines.removeFirst(lines.count - maxEntries) }
        var bytes = lines.reduce(0) { $0 + $1.count + 1 }
        var dropped = 0
        while bytes > maxBytes && lines.count - dropped > 1 {
            bytes -= lines[dropped].count + 1
            dropped += 1
        }
        lines.removeFirst(dropped)
        // A temporary name of our own (mkstemp) beside the file, so that nothing else ever writes to it.
        var template = Array((file + ".XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard descriptor >= 0 else { return false }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let handle = fdopen(descriptor, "w") else {
            close(descriptor)
            unlink(temporary)
            return false
        }
        var data: [UInt8] = []
        data.reserveCapacity(bytes)
        for line in lines {
            data += line
            data.append(0x0A)
        }
        let written = data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        let ok = written == data.count && fflush(handle) == 0 && fsync(fileno(handle)) == 0
        fclose(handle)
        if ok && rename(temporary, file) == 0 { return true }
        unlink(temporary)
        return false
    }

    /// Where to write for `path`: the path itself, or for a symbolic link the file it points at (so the
    /// link is kept; a dangling link is followed to where its target would be).
    static func target(of path: String) -> String {
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFLNK else { return path }
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return path }
        let link = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if link.hasPrefix("/") { return link }
        let folder = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        return folder + link
    }

    /// An entry as one line of the file: \\ for a backslash, \n for a line break, \0 for a NUL.
    static func escape(_ entry: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entry.count)
        for byte in entry {
            switch byte {
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x00: out += [UInt8(ascii: "\\"), UInt8(ascii: "0")]
            default: out.append(byte)
            }
        }
        return out
    }

    /// The entry a line of the file holds (the escapes undone; other bytes as they are).
    static func unescape(_ line: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var escaping = false
        for byte in line {
            if escaping {
                out.append(byte == UInt8(ascii: "n") ? 0x0A : byte == UInt8(ascii: "0") ? 0x00 : byte)
                escaping = false
            } else if byte == UInt8(ascii: "\\") {
                escaping = true
            } else {
                out.append(byte)
            }
        }
        return out
    }

    /// The lines of the history file (escaped entries, newest last). Of a file larger than `maxBytes`,
    /// only the last `maxBytes` are read (its newest entries); a missing or unreadable file has none.
    static func readLines(path: String) -> [[UInt8]] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return [] }
        let size = Int(status.st_size)
        let start = max(0, size - maxBytes)
        if start > 0 { lseek(descriptor, off_t(start), SEEK_SET) }
        var bytes = [UInt8](repeating: 0, count: size - start)
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + got, $0.count - got) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        bytes.removeLast(bytes.count - got)
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true).map { Array($0) }
        // Reading began inside an entry: that partial first line is not an entry (unless it is all there is:
        // a history is never read as nothing).
        if start > 0, lines.count > 1 { lines.removeFirst() }
        return lines
    }

    /// The entries of the history file as text (bytes that are not UTF-8 shown as U+FFFD).
    static func readEntries(path: String) -> [String] {
        readLines(path: path).map { String(decoding: unescape($0), as: UTF8.self) }
    }
}

/// A reference box so the non-mutating `add` can record entries.
final class EntryList {
    var items: [String] = []
}

extension String {
    /// Replaces every occurrence of `target` with `replacement` (no Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        out += rest
        return out
    }
}
