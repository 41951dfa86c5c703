// HistoryFile: persistent REPL history in ~/.cnnrepl_history, size-limited and written atomically.
//
// Each session appends its own entries to what is on disk *at save time* (so two concurrent sessions do
// not overwrite each other's lines) and writes the result to a temporary file that is renamed over the
// old one (so a crash never leaves a half-written history). The REPL saves after every entry, before
// running it, so an entry that never finishes (and the second Ctrl-C that ends cnnrepl) is still kept.
import CReadline
import Glibc

/// The REPL's history file.
struct HistoryFile {
    /// The most entries kept in the file.
    static let maxEntries = 1_000

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
        var entries = HistoryFile.readEntries(path: path) + added.items
        if entries.count > HistoryFile.maxEntries { entries.removeFirst(entries.count - HistoryFile.maxEntries) }
        let temporary = "\(path).\(getpid()).tmp"
        guard let handle = fopen(temporary, "w") else { return }
        for entry in entries {
            // One entry per line; newlines inside a multi-line entry are stored as a visible escape.
            fputs(HistoryFile.escape(entry) + "\n", handle)
        }
        let ok = fflush(handle) == 0 && fsync(fileno(handle)) == 0
        fclose(handle)
        if ok && rename(temporary, path) == 0 {
            // They are on disk now; the next save adds only newer entries.
            added.items.removeAll()
        } else {
            unlink(temporary)
        }
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
