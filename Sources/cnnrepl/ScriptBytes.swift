// ScriptBytes: the bytes of a script (a file, standard input or a REPL line) turned into text, or into an
// error that points at the first byte that is not UTF-8.
//
// A script is text. Bytes that are not UTF-8 (a file saved as Latin-1, a binary file given by mistake) would
// otherwise become U+FFFD silently inside strings and comments, so the whole script is refused instead,
// with the line and column of the first bad byte, before anything runs.
import CNNExplain
import CNNScript

/// Decoding and checking script bytes.
enum ScriptBytes {
    /// The text of `bytes`, or a diagnostic at the first byte that is not part of valid UTF-8.
    static func decode(_ bytes: [UInt8], name: String?) -> Result<String, InvalidText> {
        guard let bad = firstInvalidUTF8(bytes) else {
            let text = String(decoding: bytes, as: UTF8.self)
            if let carriageReturn = firstLoneCarriageReturn(bytes) {
                // Old Mac line endings: the lines would run together into one ("unexpected 'y' after ...").
                let source = SourceText(text, name: name)
                let offset = String(decoding: bytes[..<carriageReturn], as: UTF8.self).unicodeScalars.count
                let diagnostic = Diagnostic(
                    "this line ends with a carriage return (CR) alone: the file has old Mac line endings",
                    at: SourceRange(start: source.position(ofOffset: offset), end: source.position(ofOffset: offset + 1)),
                    hint: "save the file with Unix (LF) or Windows (CRLF) line endings")
                return .failure(InvalidText(diagnostic: diagnostic, source: source))
            }
            return .success(text)
        }
        // The prefix before the bad byte is valid, so its scalar count is the offset of the U+FFFD that
        // replaces the bad byte in the decoded text.
        let text = String(decoding: bytes, as: UTF8.self)
        let source = SourceText(text, name: name)
        let offset = String(decoding: bytes[..<bad], as: UTF8.self).unicodeScalars.count
        let start = source.position(ofOffset: offset)
        let end = source.position(ofOffset: offset + 1)
        let hex = String(bytes[bad], radix: 16, uppercase: true)
        let diagnostic = Diagnostic(
            "this byte (0x\(hex.count < 2 ? "0" + hex : hex)) is not UTF-8 text",
            at: SourceRange(start: start, end: end),
            hint: "cnnrepl reads scripts as UTF-8; save the file with the UTF-8 encoding")
        return .failure(InvalidText(diagnostic: diagnostic, source: source))
    }

    /// The offset of the first carriage return that ends a line on its own (not followed by a line feed)
    /// with more code after it on the same line, or nil.
    static func firstLoneCarriageReturn(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] != 0x0A {
                var j = i + 1
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0D { j += 1 }
                if j < bytes.count, bytes[j] != 0x0A { return i }
            }
            i += 1
        }
        return nil
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence (overlong forms,
    /// surrogates and values above U+10FFFF are not well-formed), or nil if every byte does.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let count = bytes.count
        while i < count {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            // The number of continuation bytes and the allowed range of the first one (Unicode table 3-7).
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 1
            case 0xE0: length = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 2
            case 0xED: length = 2; high = 0x9F
            case 0xF0: length = 3; low = 0x90
            case 0xF1...0xF3: length = 3
            case 0xF4: length = 3; high = 0x8F
            default: return i
            }
            for k in 1...length {
                guard i + k < count else { return i }
                let byte = bytes[i + k]
                let (lowest, highest) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
                guard byte >= lowest, byte <= highest else { return i }
            }
            i += length + 1
        }
        return nil
    }
}

/// Script bytes that are not UTF-8: the diagnostic and the (repaired) text it points into.
struct InvalidText: Error {
    /// Where the first bad byte is, and what to do.
    let diagnostic: Diagnostic
    /// The text with bad bytes shown as U+FFFD, for the excerpt.
    let source: SourceText

    /// The diagnostic as a learner sees it: `file:line:col: error: ...`, the line and a caret.
    func rendered(color: Bool) -> String {
        DiagnosticRenderer(useColor: color).render(diagnostic, in: source)
    }
}
