// docs/LANGUAGE.md must equal what the registry generates, so the reference never drifts from the code.
import Testing
import CNNTestSupport
@testable import CNNExplain

@Test func languageReferenceIsUpToDate() throws {
    let path = TestFiles.path("docs/LANGUAGE.md")
    let expected = LanguageReference.markdown()
    let recorded = TestFiles.text(path) ?? ""
    if recorded != expected, TestFiles.isRecording, TestFiles.write(expected, to: path) {
        Issue.record("re-recorded docs/LANGUAGE.md: read the diff before committing")
        return
    }
    #expect(recorded == expected, "docs/LANGUAGE.md is out of date: run CNNREPL_RECORD=1 swift test --filter languageReference")
    #expect(expected.contains("### `conv`") && expected.contains("### `trace`"))
}
