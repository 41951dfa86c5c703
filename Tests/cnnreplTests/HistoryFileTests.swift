// HistoryFileTests: ways the history file was lost or corrupted (issue 13): a file over 1,000,000 bytes
// was read as nothing (and the next save kept only the new entries), a line with a NUL merged with the
// next entry, invalid UTF-8 was rewritten as U+FFFD, and a symlinked history was replaced by a plain file.
import Foundation
import Testing
@testable import cnnrepl

/// The raw bytes of a file.
private func bytes(_ path: String) -> [UInt8] {
    (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
}

@Test func aHistoryOverAMegabyteKeepsItsNewestEntries() throws {
    // About 1,000 entries of about 1 KB: 1.1 MB, over the script size limit that used to apply.
    let path = Executable.temporaryPath(".history")
    let long = String(repeating: "a", count: 1_100)
    let entries = (0..<1_000).map { "x\($0) = \"\(long)\"" }
    try Data((entries.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    #expect(HistoryFile.readEntries(path: path).count == 1_000)
    #expect(HistoryFile.append(["y = 1"], to: path))
    let after = HistoryFile.readEntries(path: path)
    #expect(after.count == 1_000)
    #expect(after.first == entries[1] && after.last == "y = 1")
}

@Test func aHistoryOverItsByteLimitDropsTheOldestNeverEverything() throws {
    let path = Executable.temporaryPath(".history")
    let line = String(repeating: "b", count: 3_000)
    let entries = (0..<1_500).map { "z\($0) = \"\(line)\"" }  // 4.5 MB
    try Data((entries.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    #expect(HistoryFile.append(["y = 2"], to: path))
    let after = HistoryFile.readEntries(path: path)
    #expect(after.count > 500 && after.count < 1_000, "\(after.count) entries")
    #expect(after.last == "y = 2" && after.dropLast().last == entries.last)
    #expect(bytes(path).count <= HistoryFile.maxBytes)
    // An entry of 1.5 MB (a REPL entry is at most 1 MB) leaves room for few others, but is kept.
    let huge = String(repeating: "c", count: 1_500_000)
    #expect(HistoryFile.append([huge], to: path))
    let last = HistoryFile.readEntries(path: path)
    #expect(last.last == huge && last.count > 1)
}

@Test func aNulByteKeepsEntriesApart() throws {
    let path = Executable.temporaryPath(".history")
    try Data([0x61, 0x00, 0x62, 0x0A, 0x63, 0x0A]).write(to: URL(fileURLWithPath: path))  // "a\0b", "c"
    #expect(HistoryFile.append(["d = 1", "e\u{0}f"], to: path))
    #expect(HistoryFile.readEntries(path: path) == ["a\u{0}b", "c", "d = 1", "e\u{0}f"])
    #expect(bytes(path) == Array("a\u{0}b\nc\nd = 1\ne\\0f\n".utf8))
}

@Test func invalidUTF8IsKeptByteForByte() throws {
    let path = Executable.temporaryPath(".history")
    let old: [UInt8] = [0x78, 0x20, 0x3D, 0x20, 0xFF, 0xFE, 0x0A]  // "x = " and two bytes that are not UTF-8
    try Data(old).write(to: URL(fileURLWithPath: path))
    #expect(HistoryFile.append(["y = 2"], to: path))
    #expect(bytes(path) == old + Array("y = 2\n".utf8))
}

@Test func aSymlinkedHistoryIsWrittenThroughAndStaysALink() throws {
    let target = Executable.temporaryPath(".history-target")
    let link = Executable.temporaryPath(".history")
    try Data("a = 1\n".utf8).write(to: URL(fileURLWithPath: target))
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    #expect(HistoryFile.append(["b = 2"], to: link))
    let kind = try FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType
    #expect(kind == .typeSymbolicLink)
    #expect(bytes(target) == Array("a = 1\nb = 2\n".utf8))
    // A dangling link: the history is created where it points.
    let missing = Executable.temporaryPath(".history-new")
    let dangling = Executable.temporaryPath(".history")
    try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: missing)
    #expect(HistoryFile.append(["c = 3"], to: dangling))
    #expect(bytes(missing) == Array("c = 3\n".utf8))
}
