// docs/LANGUAGE.md must equal what the registry generates, so the reference never drifts from the code.
import Testing
import Glibc
@testable import CNNExplain

@Test func languageReferenceIsUpToDate() throws {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    let path = parts.joined(separator: "/") + "/docs/LANGUAGE.md"
    let expected = LanguageReference.markdown()
    var recorded = ""
    if let file = fopen(path, "rb") {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var bytes: [UInt8] = []
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            bytes += buffer[0..<n]
            if n < buffer.count { break }
        }
        fclose(file)
        recorded = String(decoding: bytes, as: UTF8.self)
    }
    if recorded != expected, getenv("CNNREPL_RECORD") != nil, getenv("CI") == nil, let file = fopen(path, "wb") {
        fputs(expected, file)
        fclose(file)
        Issue.record("re-recorded docs/LANGUAGE.md: read the diff before committing")
        return
    }
    #expect(recorded == expected, "docs/LANGUAGE.md is out of date: run CNNREPL_RECORD=1 swift test --filter languageReference")
    #expect(expected.contains("### `conv`") && expected.contains("### `trace`"))
}
