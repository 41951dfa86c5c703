// Workspace: where a session's files are. A relative file name (load, save, code ... > file) is found in
// the running script's folder, so a lesson finds its pictures wherever cnnrepl runs; in the REPL (no
// folder) it is relative to the working directory, and an absolute name is kept as it is.

/// The folder a session's relative file names resolve against.
public struct Workspace: Sendable {
    /// The folder relative file names are resolved against (the running script's folder); nil in the REPL.
    public var baseDirectory: String?

    /// A workspace for `baseDirectory` (nil: the working directory).
    public init(baseDirectory: String? = nil) {
        self.baseDirectory = baseDirectory
    }

    /// `name` resolved against the base folder: "lessons/cat.png" for "cat.png" in lessons/.
    public func path(for name: String) -> String {
        guard let base = baseDirectory, !base.isEmpty, !name.hasPrefix("/") else { return name }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }
}
