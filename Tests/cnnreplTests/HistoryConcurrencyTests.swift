// HistoryConcurrencyTests: the history file survives two sessions saving at the same moment and a
// crash in the middle of a save. Two writers append entries one at a time, concurrently, through the
// same code the REPL uses (HistoryFile.append: lock, read, merge, write a temporary file, rename): every
// entry of both must be in the file, each exactly once and whole. A crash between writing the temporary
// file and renaming it leaves a stray temporary file and the old history intact.
import Foundation
import Testing
@testable import cnnrepl

@Test func twoSessionsSavingAtOnceLoseNoEntries() throws {
    let path = Executable.temporaryPath(".history")
    let perWriter = 150
    let group = DispatchGroup()
    for writer in ["a", "b"] {
        group.enter()
        Thread.detachNewThread {
            for i in 0..<perWriter {
                _ = HistoryFile.append(["\(writer)\(i) = rand(\(i + 1), 2)"], to: path)
            }
            group.leave()
        }
    }
    #expect(group.wait(timeout: .now() + 60) == .success, "the writers did not finish")
    let entries = HistoryFile.readEntries(path: path)
    #expect(entries.count == 2 * perWriter, "\(entries.count) entries")
    #expect(Set(entries).count == entries.count, "an entry was written twice")
    for writer in ["a", "b"] {
        let own = entries.filter { $0.hasPrefix(writer) }
        // Each writer's entries, complete and in the order it saved them.
        #expect(own == (0..<perWriter).map { "\(writer)\($0) = rand(\($0 + 1), 2)" })
    }
}

@Test func theHistoryKeepsTheNewestEntriesUpToItsLimit() throws {
    let path = Executable.temporaryPath(".history")
    let many = (0..<(HistoryFile.maxEntries + 50)).map { "x = \($0)" }
    #expect(HistoryFile.append(many, to: path))
    #expect(HistoryFile.append(["multi\nline"], to: path))
    let entries = HistoryFile.readEntries(path: path)
    #expect(entries.count == HistoryFile.maxEntries)
    #expect(entries.first == "x = 51")
    #expect(entries.last == "multi\nline")
}

@Test func aCrashBeforeTheRenameLeavesTheOldHistoryWhole() throws {
    let path = Executable.temporaryPath(".history")
    #expect(HistoryFile.append(["a = 1", "b = 2"], to: path))
    // What a save interrupted after writing half its temporary file leaves behind.
    try Data("a = 1\nb = 2\nc = half writ".utf8).write(to: URL(fileURLWithPath: path + ".Xq3k9Z"))
    #expect(HistoryFile.readEntries(path: path) == ["a = 1", "b = 2"])
    #expect(HistoryFile.append(["c = 3"], to: path))
    #expect(HistoryFile.readEntries(path: path) == ["a = 1", "b = 2", "c = 3"])
}
