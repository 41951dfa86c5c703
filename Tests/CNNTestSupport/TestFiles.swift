// TestFiles: the repository's files as the tests see them. Whole files are read through CNNCore's FileBytes
// (the product's one read loop), folders are listed by glob so that a new fixture is never skipped, and
// golden files are re-recorded only under the one switch CNNREPL_RECORD=1 (refused on CI).
import Glibc
import CNNCore

/// Paths, whole-file reading and writing, folder listings and temporary folders for the tests.
public enum TestFiles {
    /// The repository root, found from this file's path (Tests/CNNTestSupport/TestFiles.swift).
    public static let root: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// The absolute path of `relative`, a path inside the repository ("transcripts/padding.txt").
    public static func path(_ relative: String) -> String {
        root + "/" + relative
    }

    /// A fixture folder of a test target, with a trailing slash: `Tests/TARGET/Fixtures/NAME/`.
    public static func fixtures(_ name: String, target: String = "CNNCoreTests") -> String {
        path("Tests/\(target)/Fixtures/\(name)/")
    }

    /// Whether `path` is a regular file (following links).
    public static func isFile(_ path: String) -> Bool {
        var s = stat()
        return stat(path, &s) == 0 && (s.st_mode & S_IFMT) == S_IFREG
    }

    /// The bytes of the file at `path`, or nil if it cannot be read.
    public static func bytes(_ path: String) -> [UInt8]? {
        try? FileBytes.read(path: path, limit: .max, what: "test file '\(path)'", kind: "file")
    }

    /// The text of the file at `path` (UTF-8), or nil if it cannot be read.
    public static func text(_ path: String) -> String? {
        bytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes `text` to `path`, replacing the file; false if it could not be written.
    @discardableResult
    public static func write(_ text: String, to path: String) -> Bool {
        (try? FileBytes.write(Array(text.utf8), path: path, what: "test file '\(path)'")) != nil
    }

    /// The names in `folder` that start with `prefix` and end with `suffix`, sorted; with `dropSuffix`
    /// the suffix is cut off ("padding.txt" -> "padding"). Empty if the folder cannot be read.
    public static func names(in folder: String, prefix: String = "", suffix: String = "",
                             dropSuffix: Bool = false) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name != ".", name != "..", name.hasPrefix(prefix), name.hasSuffix(suffix) else { continue }
            names.append(dropSuffix ? String(name.dropLast(suffix.count)) : name)
        }
        return names.sorted()
    }

    /// A new empty folder under /tmp whose name starts with `prefix`, or nil if none could be made.
    public static func temporaryFolder(_ prefix: String = "cnnrepl-test") -> String? {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return nil }
            return String(cString: made)
        }
    }

    /// Whether golden files (transcripts, docs/LANGUAGE.md) are re-recorded in this run: CNNREPL_RECORD is
    /// set and CI is not. A recording run still fails, so that the diff gets read before it is committed.
    public static var isRecording: Bool {
        getenv("CNNREPL_RECORD") != nil && getenv("CI") == nil
    }
}
