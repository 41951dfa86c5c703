// ExecutableHelperTests: the executable's own small pieces, tested directly: the UTF-8 check that guards
// scripts (against the standard library's own validation), colour stripping for a redirected stderr, and
// the escaping of multi-line entries in the history file.
import Testing
@testable import cnnrepl

@Test func theUTF8CheckAgreesWithTheStandardLibrary() {
    // Random byte strings biased towards UTF-8 lead and continuation bytes, plus hand-picked edge cases.
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return state
    }
    let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F, 0xA0, 0x8F, 0x90]
    var cases: [[UInt8]] = [
        [], Array("plain text".utf8), Array("café ✓ 😀".utf8), [0xC0, 0xAF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98], [0xE2, 0x82], [0xEF, 0xBB, 0xBF, 0x41],
    ]
    for _ in 0..<20_000 {
        let length = Int(next() % 8)
        cases.append((0..<length).map { _ in interesting[Int(next() % UInt64(interesting.count))] })
    }
    for bytes in cases {
        let valid = String(validating: bytes, as: UTF8.self) != nil
        let firstBad = ScriptBytes.firstInvalidUTF8(bytes)
        #expect((firstBad == nil) == valid, "\(bytes)")
        if let firstBad {
            // Everything before the first bad byte is valid on its own.
            #expect(String(validating: bytes[..<firstBad], as: UTF8.self) != nil, "\(bytes) at \(firstBad)")
        }
    }
}

@Test func invalidBytesArePointedAtByLineAndColumn() throws {
    let bytes: [UInt8] = Array("x = 1\ny = \"é".utf8) + [0xFF] + Array("\"\n".utf8)
    guard case .failure(let invalid) = ScriptBytes.decode(bytes, name: "a.cnn") else {
        Issue.record("accepted invalid bytes")
        return
    }
    #expect(invalid.diagnostic.message == "this byte (0xFF) is not UTF-8 text")
    #expect(invalid.diagnostic.range.description == "2:7-2:8")
    #expect(invalid.rendered(color: false).hasPrefix("a.cnn:2:7: error: this byte (0xFF) is not UTF-8 text\n"))
    guard case .success(let text) = ScriptBytes.decode(Array("ok ✓".utf8), name: nil) else {
        Issue.record("refused valid text")
        return
    }
    #expect(text == "ok ✓")
}

@Test func colourCodesAreStrippedForARedirectedStderr() {
    #expect(Console.withoutColor("\u{1B}[1m\u{1B}[31merror\u{1B}[0m: x") == "error: x")
    #expect(Console.withoutColor("plain [text]") == "plain [text]")
    #expect(Console.withoutColor("a\u{1B}[38;2;1;2;3mb\u{1B}[39m") == "ab")
}

@Test func historyEntriesKeepTheirLinesAndBackslashes() {
    for entry in ["x = 1", "k = [1, 2\n3, 4]", "s = \"a\\nb\"", "\\", "a\\\nb", "nul\u{0}inside", "\\0"] {
        let stored = HistoryFile.escape(Array(entry.utf8))
        #expect(!stored.contains(0x0A) && !stored.contains(0x00))
        #expect(HistoryFile.unescape(stored) == Array(entry.utf8))
    }
}
