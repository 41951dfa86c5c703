// HistoryFile: persistent REPL history in ~/.cnnrepl_history, size-limited and written atomically.
//
// Each session appends its own entries to what is on disk *at save time* (so two concurrent sessions do
// not overwrite each other's lines) and writes the result to a temporary file that is renamed over the
// old one (so a crash never leaves a half-written history). The read-merge-rename runs under an exclusive
// lock on PATH.lock (flock), so two sessions saving at the same moment cannot both read the old file and
// lose one's entries; a lock held for more than two seconds (a stuck process) is not waited for. The REPL saves after every entry, before
// running it, so an entry that never finishes (and the second Ctrl-C that ends cnnrepl) is still kept.
import CNNScript
import CReadline
import Glibc

/// The REPL's history file.
struct HistoryFile {
    /// The most entries kept in the file.
    static let maxEntries = FixedLimits.historyEntries

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
        for entry in HistoryFile.readEntries(path: path) { add_history(entry) }
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

    /// Appends `newEntries` to the history file at `path`, keeping the newest `maxEntries`, under the file's
    /// lock and by an atomic rename. Returns whether they were written.
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
        var entries = readEntries(path: path) + newEntries
        if entries.count > maxEntries { entries.removeFirst(entries.count - maxEntries) }
        // A temporary name of our own (mkstemp), so that nothing else ever writes to it.
        var template = Array((path + ".XXXXXX").utf8CString)
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
        for entry in entries {
            // One entry per line; newlines inside a multi-line entry are stored as a visible escape.
            fputs(escape(entry) + "\n", handle)
        }
        let ok = fflush(handle) == 0 && fsync(fileno(handle)) == 0
        fclose(handle)
        if ok && rename(temporary, path) == 0 { return true }
        unlink(temporary)
        return false
    }

    static func escape(_ entry: String) -> String {
        entry.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }

    static func unescape(_ line: String) -> String {
        var out = ""
        var escaping = false
        for ch in line {
            if escaping {
                out.append(ch == "n" ? "\n" : ch)
                escaping = false
            } else if ch == "\\" {
                escaping = true
            } else {
                out.append(ch)
            }
        }
        return out
    }

    static func readEntries(path: String) -> [String] {
        guard case .success(let text) = FileText.read(path: path) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map { unescape(String($0)) }
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
