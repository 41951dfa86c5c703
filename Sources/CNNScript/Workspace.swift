// Workspace: where a session's files are. A relative file name (load, save, code ... > file) is found in
// the running script's folder, so a lesson finds its pictures wherever cnnrepl runs; in the REPL (no
// folder) it is relative to the working directory, and an absolute name is kept as it is.
// A running script (a lesson is code someone else wrote) writes files only in the folder cnnrepl runs in,
// its own folder, and folders given with --allow-write (`writableFolders`); the REPL writes anywhere.
import Glibc

/// The folder a session's relative file names resolve against.
public struct Workspace: Sendable {
    /// The folder relative file names are resolved against (the running script's folder); nil in the REPL.
    public var baseDirectory: String?
    /// The folders a running script may write in (with their subfolders); nil: anywhere (the REPL).
    public var writableFolders: [String]?

    /// A workspace for `baseDirectory` (nil: the working directory).
    public init(baseDirectory: String? = nil, writableFolders: [String]? = nil) {
        self.baseDirectory = baseDirectory
        self.writableFolders = writableFolders
    }

    /// What is wrong with writing the file at `path` (already resolved), or nil: outside the writable
    /// folders of a running script. A folder that does not exist is left to the write to report.
    public func problem(writing path: String, named name: String) -> (message: String, hint: String)? {
        guard let allowed = writableFolders else { return nil }
        let folder = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        guard let real = Workspace.realPath(folder) else { return nil }
        for candidate in allowed {
            guard let root = Workspace.realPath(candidate) else { continue }
            if real == root || real.hasPrefix(root == "/" ? "/" : root + "/") { return nil }
        }
        return ("'\(name)' is outside the folders a script may write to: the folder cnnrepl runs in and the script's own folder",
                "a lesson writes next to itself; cnnrepl --allow-write DIR allows another folder, and the REPL writes anywhere")
    }

    /// The absolute path with links resolved, or nil if it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// How the path of a file just written is shown: from the folder cnnrepl runs in when the file is
    /// inside it ("lessons/curves.png" for a lesson's "curves.png"), else absolute ("/tmp/x.npy"), with the
    /// links in its folder resolved, so the learner sees exactly which file changed. (Not always absolute:
    /// a lesson's transcript must read the same on every machine.)
    public static func shownPath(_ path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let file = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard let real = realPath(folder) else { return path }
        let full = real == "/" ? "/" + file : real + "/" + file
        if let here = realPath("."), here != "/", full.hasPrefix(here + "/") { return String(full.dropFirst(here.count + 1)) }
        return full
    }

    /// `name` resolved against the base folder: "lessons/cat.png" for "cat.png" in lessons/.
    public func path(for name: String) -> String {
        guard let base = baseDirectory, !base.isEmpty, !name.hasPrefix("/") else { return name }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }

    /// What is wrong with `name` as a file name, or nil: an empty name, or one holding a control character
    /// (a line break or tab from an escape), which no file should have and a terminal would act on.
    public static func problem(withFileName name: String) -> String? {
        if name.isEmpty { return "the file name is empty" }
        if let control = name.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            let what = control == "\n" ? "a line break (\\n)" : control == "\t" ? "a tab (\\t)"
                : "the control character U+\(String(control.value, radix: 16, uppercase: true))"
            return "a file name cannot hold \(what)"
        }
        return nil
    }
}
