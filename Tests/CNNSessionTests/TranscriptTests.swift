// Golden transcripts: every file in transcripts/ is replayed through a fresh session and compared whole;
// every lesson in lessons/ has a transcript of the same name, which must equal the lesson's run, and
// every other transcript is a hand-made REPL session named repl-*.txt.
//
// To re-record after a deliberate change: `CNNREPL_RECORD=1 swift test --filter TranscriptTests`, then read
// the diff (`git diff transcripts/`) as a learner would. Recording is refused on CI, and a recording run
// still fails so that nobody mistakes it for a passing one.
import Testing
import Glibc
@testable import CNNSession

/// The repository root, found from this file's path.
private let repositoryRoot: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/CNNSessionTests/TranscriptTests.swift
    return parts.joined(separator: "/")
}()

private func listFiles(_ folder: String, suffix: String) -> [String] {
    guard let dir = opendir(repositoryRoot + "/" + folder) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name.hasSuffix(suffix) { names.append(String(name.dropLast(suffix.count))) }
    }
    return names.sorted()
}

private func readText(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        bytes += buffer[0..<n]
        if n < buffer.count { break }
    }
    return String(decoding: bytes, as: UTF8.self)
}

private func writeText(_ text: String, to path: String) {
    guard let file = fopen(path, "wb") else { return }
    fputs(text, file)
    fclose(file)
}

private var recording: Bool {
    getenv("CNNREPL_RECORD") != nil && getenv("CI") == nil
}

/// A unified-style diff with line numbers, short enough to read in a test failure.
func lineDiff(expected: String, actual: String, name: String) -> String {
    let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var out = "--- \(name) (recorded)\n+++ \(name) (now)\n"
    var shown = 0
    for i in 0..<max(a.count, b.count) where shown < 40 {
        let left = i < a.count ? String(a[i]) : nil
        let right = i < b.count ? String(b[i]) : nil
        if left == right { continue }
        if let left { out += "@@ line \(i + 1)\n-\(left)\n" } else { out += "@@ line \(i + 1)\n" }
        if let right { out += "+\(right)\n" }
        shown += 1
    }
    out += "To re-record: CNNREPL_RECORD=1 swift test --filter TranscriptTests (then read git diff transcripts/)\n"
    return out
}

@Test(arguments: listFiles("transcripts", suffix: ".txt"))
func transcriptReplaysExactly(name: String) throws {
    let path = "\(repositoryRoot)/transcripts/\(name).txt"
    let recorded = try #require(readText(path))
    let lessonPath = "\(repositoryRoot)/lessons/\(name).cnn"
    let actual: String
    if let lesson = readText(lessonPath) {
        // A lesson's transcript is its run under `cnnrepl --no-color lessons/NAME.cnn`.
        var output = ""
        let session = Session(options: SessionOptions())
        _ = session.runScript(lesson, fileName: "lessons/\(name).cnn", echo: true,
                              output: { text, _ in output += text }, afterEntry: {})
        actual = output
        // And replaying the transcript's own input lines gives the same text.
        // (load("data/x.npy") in a lesson resolves against the lesson's folder in both runs.)
        let replayed = Transcript.replay(recorded, baseDirectory: "lessons")
        #expect(replayed == recorded, "\(lineDiff(expected: recorded, actual: replayed, name: name + " (replayed)"))")
    } else {
        actual = Transcript.replay(recorded)
    }
    if actual != recorded && recording {
        writeText(actual, to: path)
        Issue.record("re-recorded transcripts/\(name).txt: read the diff before committing")
        return
    }
    #expect(actual == recorded, "\(lineDiff(expected: recorded, actual: actual, name: name))")
}

@Test func everyTranscriptBelongsToALessonOrIsAREPLSession() {
    // Hand-made REPL transcripts are named repl-*.txt; every other transcript records a lesson.
    let lessons = Set(listFiles("lessons", suffix: ".cnn"))
    for transcript in listFiles("transcripts", suffix: ".txt") where !transcript.hasPrefix("repl-") {
        #expect(lessons.contains(transcript),
                "transcripts/\(transcript).txt has no lesson lessons/\(transcript).cnn (hand-made sessions are named repl-*.txt)")
    }
}

@Test func everyLessonHasATranscript() {
    let lessons = Set(listFiles("lessons", suffix: ".cnn"))
    let transcripts = Set(listFiles("transcripts", suffix: ".txt"))
    for lesson in lessons.subtracting(transcripts).sorted() {
        if recording {
            var output = ""
            let session = Session(options: SessionOptions())
            if let source = readText("\(repositoryRoot)/lessons/\(lesson).cnn") {
                _ = session.runScript(source, fileName: "lessons/\(lesson).cnn", echo: true,
                                      output: { text, _ in output += text }, afterEntry: {})
                writeText(output, to: "\(repositoryRoot)/transcripts/\(lesson).txt")
            }
        }
        Issue.record("lessons/\(lesson).cnn has no transcript transcripts/\(lesson).txt")
    }
    #expect(lessons.contains("padding"), "lessons/padding.cnn is the README's lesson and must exist")
}
