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
