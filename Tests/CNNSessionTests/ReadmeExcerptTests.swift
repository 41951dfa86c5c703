// The README's "Lesson excerpt" must stay a true excerpt: its lines, up to the closing "...", appear
// in that order, unchanged, in transcripts/padding.txt (which the transcript tests keep equal to the lesson).
import Testing
import CNNTestSupport

@Test func readmeLessonExcerptIsInThePaddingTranscript() throws {
    let readme = try #require(TestFiles.text(TestFiles.path("README.md")))
    let transcript = try #require(TestFiles.text(TestFiles.path("transcripts/padding.txt")))
    let section = try #require(readme.split(separator: "## Lesson excerpt", maxSplits: 1).last.map(String.init),
                               "README.md has no '## Lesson excerpt' section")
    let blocks = section.split(separator: "```", omittingEmptySubsequences: false)
    try #require(blocks.count >= 3, "the excerpt section has no ``` block")
    var lines = blocks[1].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    while let last = lines.last, last.isEmpty || last == "..." { lines.removeLast() }
    while let first = lines.first, first.isEmpty { lines.removeFirst() }
    #expect(lines.count >= 10, "the excerpt should show a real piece of the lesson")
    let excerpt = lines.joined(separator: "\n") + "\n"
    #expect(transcript.contains(excerpt),
            "README's lesson excerpt is not a verbatim part of transcripts/padding.txt: copy it again from the transcript")
}
