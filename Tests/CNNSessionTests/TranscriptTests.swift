// Golden transcripts: every file in transcripts/ is replayed through a fresh session and compared whole;
// every lesson in lessons/ has a transcript of the same name, which must equal the lesson's run, and
// every other transcript is a hand-made REPL session named repl-*.txt.
//
// Each lesson runs once in the suite, as its transcript's replay (training lessons take minutes). That the
// transcript equals the lesson's run (`cnnrepl --no-color lessons/NAME.cnn`) follows from three checks:
// - the lesson parses whole without a diagnostic (a script is parsed before anything runs);
// - the transcript's inputs (each `cnn> ` entry with its `...> ` lines, each `#` narration line) are
//   exactly the entries the lesson echoes, so the lesson file and its transcript cannot drift apart;
// - replaying those inputs prints the transcript. An error would show: a script names its file and line
//   and stops, the replay does neither, so the text or the inputs would differ.
// No output depends on where a line sits in its file except a diagnostic, so the run prints the replay's text.
//
// To re-record after a deliberate change: `CNNREPL_RECORD=1 swift test --filter TranscriptTests`, then read
// the diff (`git diff transcripts/`) as a learner would. Recording runs the lesson itself, is refused on CI,
// and a recording run still fails so that nobody mistakes it for a passing one.
import Testing
import CNNScript
import CNNTestSupport
@testable import CNNSession

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

/// The lesson `name`'s source, or nil if there is no lessons/NAME.cnn.
private func lessonSource(_ name: String) -> String? {
    TestFiles.text(TestFiles.path("lessons/\(name).cnn"))
}

/// The lesson's run under `cnnrepl --no-color lessons/NAME.cnn` (only a recording run needs it).
private func lessonRun(_ source: String, name: String) -> String {
    var output = ""
    let session = Session(options: SessionOptions())
    _ = session.runScript(source, fileName: "lessons/\(name).cnn", echo: true,
                          output: { text, _ in output += text }, afterEntry: {})
    return output
}

/// The inputs a lesson echoes when it runs as a script, as a transcript's entries: a code group is one
/// entry (its lines joined), a narration group is one entry per comment line.
private func lessonEntries(_ parsed: ParseResult) -> [TranscriptEntry] {
    Session.groups(of: parsed).flatMap { group -> [TranscriptEntry] in
        if group.isNarration { return group.lines.map { TranscriptEntry(text: $0, isNarration: true) } }
        return [TranscriptEntry(text: group.lines.joined(separator: "\n"), isNarration: false)]
    }
}

/// Entries as the transcript shows them (`cnn> `, `...> `, `#`), one per line, for a readable diff.
private func inputText(_ entries: [TranscriptEntry]) -> String {
    entries.map { entry in
        if entry.isNarration { return entry.text + "\n" }
        return entry.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { i, line in
            (i == 0 ? Transcript.prompt : Transcript.continuation) + line + "\n"
        }.joined()
    }.joined()
}

@Test(arguments: TestFiles.names(in: TestFiles.path("transcripts"), suffix: ".txt", dropSuffix: true))
func transcriptReplaysExactly(name: String) throws {
    let path = TestFiles.path("transcripts/\(name).txt")
    let recorded = try #require(TestFiles.text(path))
    guard let lesson = lessonSource(name) else {
        // A hand-made REPL session.
        let actual = Transcript.replay(recorded)
        if actual != recorded && TestFiles.isRecording {
            TestFiles.write(actual, to: path)
            Issue.record("re-recorded transcripts/\(name).txt: read the diff before committing")
            return
        }
        #expect(actual == recorded, "\(lineDiff(expected: recorded, actual: actual, name: name))")
        return
    }
    // A lesson on the real Fashion-MNIST needs Debian's dataset-fashion-mnist (.ci/run installs it).
    if lesson.contains("dataset(\"fashion-mnist\"") && !TestFiles.isFile("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") {
        print("SKIPPED transcripts/\(name).txt: it needs the real Fashion-MNIST (sudo apt-get install dataset-fashion-mnist)")
        return
    }
    // A lesson's transcript. load("data/x.npy") resolves against the lesson's folder, as in the lesson's run.
    let parsed = Parser.parse(SourceText(lesson, name: "lessons/\(name).cnn"))
    let parsesWhole = !parsed.hasErrors && !parsed.isIncomplete
    let expectedInputs = inputText(lessonEntries(parsed))
    let recordedInputs = inputText(Transcript.entries(of: recorded))
    // Compared into Booleans, so that a failure shows the diff rather than both whole texts.
    let inputsMatch = expectedInputs == recordedInputs
    let replayed = Transcript.replay(recorded, baseDirectory: "lessons")
    let replayMatches = replayed == recorded
    if !(parsesWhole && inputsMatch && replayMatches) && TestFiles.isRecording {
        let actual = lessonRun(lesson, name: name)
        if actual != recorded {
            TestFiles.write(actual, to: path)
            Issue.record("re-recorded transcripts/\(name).txt: read the diff before committing")
            return
        }
    }
    #expect(parsesWhole, "lessons/\(name).cnn does not parse: run it with cnnrepl to see the errors")
    #expect(inputsMatch, """
        the inputs of transcripts/\(name).txt are not the lines of lessons/\(name).cnn
        \(lineDiff(expected: recordedInputs, actual: expectedInputs, name: name + " (inputs)"))
        """)
    #expect(replayMatches, "\(lineDiff(expected: recorded, actual: replayed, name: name))")
}

@Test func everyTranscriptBelongsToALessonOrIsAREPLSession() {
    // Hand-made REPL transcripts are named repl-*.txt; every other transcript records a lesson.
    let lessons = Set(TestFiles.names(in: TestFiles.path("lessons"), suffix: ".cnn", dropSuffix: true))
    for transcript in TestFiles.names(in: TestFiles.path("transcripts"), suffix: ".txt", dropSuffix: true)
    where !transcript.hasPrefix("repl-") {
        #expect(lessons.contains(transcript),
                "transcripts/\(transcript).txt has no lesson lessons/\(transcript).cnn (hand-made sessions are named repl-*.txt)")
    }
}

@Test func everyLessonHasATranscript() {
    let lessons = Set(TestFiles.names(in: TestFiles.path("lessons"), suffix: ".cnn", dropSuffix: true))
    let transcripts = Set(TestFiles.names(in: TestFiles.path("transcripts"), suffix: ".txt", dropSuffix: true))
    for lesson in lessons.subtracting(transcripts).sorted() {
        if TestFiles.isRecording, let source = lessonSource(lesson) {
            TestFiles.write(lessonRun(source, name: lesson), to: TestFiles.path("transcripts/\(lesson).txt"))
        }
        Issue.record("lessons/\(lesson).cnn has no transcript transcripts/\(lesson).txt")
    }
    #expect(lessons.contains("padding"), "lessons/padding.cnn is the README's lesson and must exist")
}
