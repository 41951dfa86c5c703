// WriteConfinementTests: a script (a lesson is code someone else wrote) writes files only in the folder
// cnnrepl runs in and its own folder; --allow-write DIR widens that; the REPL writes anywhere (issue 13).
import Foundation
import Testing

/// A fresh folder holding a lesson folder, and a folder beside it that the lesson must not write to.
private func folders() throws -> (lesson: String, outside: String) {
    // Outside Executable.scratch, the folder the binary runs in (which a script may write to).
    let root = "/tmp/cnnrepl-confine-" + UUID().uuidString
    let lesson = root + "/lesson", outside = root + "/outside"
    for folder in [lesson, outside] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    return (lesson, outside)
}

@Test func aScriptCannotWriteOutsideItsFolders() throws {
    let (lesson, outside) = try folders()
    for target in ["../outside/x.npy", outside + "/x.npy", "/tmp/../" + outside + "/y.png"] {
        let script = lesson + "/l.cnn"
        try "x = ones(2, 2)\nsave(x, \"\(target)\")\n".write(toFile: script, atomically: true, encoding: .utf8)
        let result = try Executable.run([script], timeout: hostileTimeout)
        #expect(result.endedCleanly && result.status == 1, "\(target): \(result)")
        #expect(result.stderr.contains("is outside the folders a script may write to"), "\(target): \(result)")
        #expect(result.stderr.contains("--allow-write DIR"), "\(target): \(result)")
    }
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: outside)) ?? ["?"]).isEmpty)
}

@Test func aScriptWritesNextToItselfAgainAndAgainAndWhereItIsAllowed() throws {
    let (lesson, outside) = try folders()
    let script = lesson + "/l.cnn"
    try "x = ones(2, 2)\nsave(x, \"out.npy\")\nsave(x, \"sub/../out2.npy\")\n".write(toFile: script, atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: lesson + "/sub", withIntermediateDirectories: true)
    for _ in 0..<2 {  // re-running a lesson that overwrites its own output keeps working
        let result = try Executable.run([script], timeout: hostileTimeout)
        #expect(result.status == 0, "\(result)")
        // The full path of what was written, its folder's ".." resolved.
        #expect(result.stdout.contains("saved 2x2 to \(lesson)/out.npy\n"), "\(result)")
        #expect(result.stdout.contains("saved 2x2 to \(lesson)/out2.npy\n"), "\(result)")
    }
    #expect(FileManager.default.fileExists(atPath: lesson + "/out.npy"))
    let widened = lesson + "/w.cnn"
    try "save(ones(2, 2), \"\(outside)/ok.npy\")\n".write(toFile: widened, atomically: true, encoding: .utf8)
    let allowed = try Executable.run(["--allow-write", outside, widened], timeout: hostileTimeout)
    #expect(allowed.status == 0, "\(allowed)")
    #expect(FileManager.default.fileExists(atPath: outside + "/ok.npy"))
}

@Test func aFileWrittenInsideTheWorkingFolderIsShownFromThere() throws {
    // The binary runs in Executable.scratch: a lesson in a folder under it names its files from there, the
    // command line the learner can type (a transcript reads the same on every machine).
    let lesson = Executable.scratch.appendingPathComponent("shown-" + UUID().uuidString).path
    try FileManager.default.createDirectory(atPath: lesson, withIntermediateDirectories: true)
    let script = lesson + "/l.cnn"
    try "x = ones(2, 2)\nsave(x, \"x.png\")\ncode numpy x file=\"x.py\"\n".write(toFile: script, atomically: true, encoding: .utf8)
    let result = try Executable.run([script], timeout: hostileTimeout)
    let folder = (lesson as NSString).lastPathComponent
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("saved 2x2 to \(folder)/x.png as"), "\(result)")
    #expect(result.stdout.contains("wrote \(folder)/x.py:"), "\(result)")
    #expect(result.stdout.contains("run it with: python3 \(folder)/x.py") || result.stdout.contains("run it with: python \(folder)/x.py"), "\(result)")
}
