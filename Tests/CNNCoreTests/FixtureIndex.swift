// FixtureIndex: the one reader of the fixture folders' plain-text indexes ("name op key=value ...") and
// of text files next to the tests, shared by the ops and tensor-operation fixture tests.
import Glibc

/// Reads fixture folders and their index files.
enum FixtureIndex {
    /// One line of an index: the case name (prefix of its .npy files), the operation, and its settings.
    struct Entry {
        var name: String
        var op: String
        var params: [String: String]
    }

    /// The folder `Fixtures/NAME/` next to this source file.
    static func folder(_ name: String) -> String {
        var path = #filePath
        while let last = path.last, last != "/" { path.removeLast() }
        return path + "Fixtures/\(name)/"
    }

    /// The entries of `folder/index.txt`, in file order (lines starting with # are comments).
    static func entries(in folder: String) -> [Entry] {
        var entries: [Entry] = []
        for line in readText(folder + "index.txt").split(separator: "\n") where !line.hasPrefix("#") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 2 else { continue }
            var params: [String: String] = [:]
            for word in words.dropFirst(2) {
                guard let equals = word.firstIndex(of: "=") else { continue }
                params[String(word[..<equals])] = String(word[word.index(after: equals)...])
            }
            entries.append(Entry(name: words[0], op: words[1], params: params))
        }
        return entries
    }

    /// The contents of a text file (empty if it cannot be read, which the tests then notice).
    static func readText(_ path: String) -> String {
        guard let file = fopen(path, "rb") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes += chunk[0..<got]
            if got < chunk.count { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
