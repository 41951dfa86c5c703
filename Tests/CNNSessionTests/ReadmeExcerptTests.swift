// The README's "Lesson excerpt" must stay a true excerpt: its lines, up to the closing "...", appear
// in that order, unchanged, in transcripts/padding.txt (which the transcript tests keep equal to the lesson).
import Testing
import Glibc

/// The repository root, found from this file's path.
private let root: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/CNNSessionTests/ReadmeExcerptTests.swift
    return parts.joined(separator: "/")
}()

private func contents(_ path: String) -> String? {
    guard let file = fopen(root + "/" + path, "rb") else { return nil }
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

@Test func readmeLessonExcerptIsInThePaddingTranscript() throws {
    let readme = try #require(contents("README.md"))
    let transcript = try #require(contents("transcripts/padding.txt"))
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
