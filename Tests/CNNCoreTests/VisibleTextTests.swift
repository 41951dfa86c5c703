// VisibleTextTests: text from the user or from a file never reaches the terminal as a command (issue 13).
// Control characters in an error are shown as escapes.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func controlCharactersAreShownAsEscapes() {
    #expect(Format.visible("plain text, tabs\tand\nlines") == "plain text, tabs\tand\nlines")
    #expect(Format.visible("\u{1B}[2J\u{1B}]0;x\u{07}.npy") == "\\u{1B}[2J\\u{1B}]0;x\\u{7}.npy")
    #expect(Format.visible("a\u{7F}b\u{9B}c\u{0}") == "a\\u{7F}b\\u{9B}c\\u{0}")
    let error = CoreError("load '\u{1B}[2J.npy': cannot open the file", hint: "see \u{1B}]0;title\u{07}")
    #expect(error.message == "load '\\u{1B}[2J.npy': cannot open the file")
    #expect(error.hint == "see \\u{1B}]0;title\\u{7}")
}

@Test func anNPYHeaderWithControlCharactersIsQuotedEscaped() {
    // A .npy file whose header names the type "<\e[2Jf8": the error quotes the header, escaped.
    var header = Array("{'descr': '<\u{1B}[2J', 'fortran_order': False, 'shape': (1,), }".utf8)
    while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
    header.append(0x0A)
    let bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
        + header + [UInt8](repeating: 0, count: 8)
    let error = coreError { try NPY.decode(bytes) }
    #expect(error != nil)
    #expect(error?.message.contains("\u{1B}") == false, "\(String(describing: error))")
    #expect(error?.message.contains("\\u{1B}[2J") == true, "\(String(describing: error))")
}
