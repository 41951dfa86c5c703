// Decoding PNG, PGM and PPM files written by Pillow and by the fixture generator's own PNG writer
// (tools/fixtures/gen_images.py), and refusing every malformed or unsupported file with a clear error.
import Testing
import CNNCore
@testable import CNNImage
import CNNTestSupport

@Test(arguments: ImageFixtures.names(prefix: "valid_"))
func decodesFixturePicture(name: String) throws {
    let bytes = ImageFixtures.bytes(name)
    #expect(!bytes.isEmpty, "fixture \(name) is missing; run python3 tools/fixtures/gen_images.py")
    let kind = ImageFile.kind(ofPath: name) ?? .png
    let (tensor, details) = try ImageFile.decode(bytes, kind: kind)
    let expected = try ImageFixtures.expected(for: name)
    #expect(tensor.shape == expected.shape, "\(name): \(tensor.shapeDescription) instead of \(expected.shapeDescription)")
    #expect(largestDifference(tensor, expected) < 1e-9, "\(name): values differ from Pillow/NumPy's")
    #expect(!details.isEmpty)
}

@Test func decodingDescribesTheFile() throws {
    let cases: [(String, String)] = [
        ("valid_grey8.png", "8-bit grey PNG"),
        ("valid_grey1.png", "1-bit grey PNG, expanded to 0..255"),
        ("valid_palette.png", "palette PNG, expanded to RGB"),
        ("valid_rgba.png", "alpha (transparency) left out"),
        ("valid_interlaced_rgb.png", "interlaced"),
        ("valid_plain_grey.pgm", "plain PGM (P2), maxval 255"),
        ("valid_16bit.pgm", "maxval 65,535 scaled to 0..255"),
    ]
    for (name, phrase) in cases {
        let (_, details) = try ImageFile.decode(ImageFixtures.bytes(name), kind: ImageFile.kind(ofPath: name) ?? .png)
        #expect(details.contains(phrase), "\(name): '\(details)' should say '\(phrase)'")
    }
}

/// The bad files and the phrase each error must contain, from bad_index.txt.
private let badCases: [(name: String, phrase: String)] = ImageFixtures.text("bad_index.txt")
    .split(separator: "\n")
    .filter { !$0.hasPrefix("#") }
    .compactMap { line in
        let parts = line.split(separator: "\t", maxSplits: 1)
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
    }

@Test func everyBadFileIsListed() {
    let listed = Set(badCases.map(\.name))
    #expect(listed.count >= 25)
    for name in ImageFixtures.names(prefix: "bad_") where name != "bad_index.txt" {
        #expect(listed.contains(name), "\(name) is not in bad_index.txt")
    }
}

@Test(arguments: badCases.map(\.name))
func refusesBadFile(name: String) throws {
    let phrase = badCases.first { $0.name == name }?.phrase ?? "?"
    let bytes = ImageFixtures.bytes(name)
    do {
        let (tensor, _) = try ImageFile.decode(bytes, kind: ImageFile.kind(ofPath: name) ?? .png, what: "load '\(name)'")
        Issue.record("\(name) decoded to a \(tensor.shapeDescription) tensor; it should be refused")
    } catch let error as CoreError {
        #expect(error.message.hasPrefix("load '\(name)': "), "\(error.message)")
        #expect(error.message.lowercased().contains(phrase.lowercased()), "\(name): '\(error.message)' should mention '\(phrase)'")
    }
}

@Test func truncatingAPictureAnywhereIsAnErrorNeverACrash() throws {
    // Every prefix of a valid file is refused, except those that only lack a trailer that carries no
    // pixels: a PNG's 12-byte IEND chunk, or the last digits of a plain PGM/PPM (a cut "123" reads as "12").
    for (name, trailer) in [("valid_rgb8.png", 12), ("valid_interlaced_grey.png", 12), ("valid_binary_grey.pgm", 0),
                            ("valid_plain_rgb.ppm", 4)] {
        let bytes = ImageFixtures.bytes(name)
        let kind = ImageFile.kind(ofPath: name) ?? .png
        let expected = try ImageFixtures.expected(for: name)
        for length in 0..<bytes.count {
            do {
                let (tensor, _) = try ImageFile.decode(Array(bytes[0..<length]), kind: kind)
                #expect(length >= bytes.count - trailer, "\(name) cut to \(length) of \(bytes.count) bytes was not refused")
                #expect(tensor.shape == expected.shape)
            } catch is CoreError {
                continue
            }
        }
    }
}

@Test func flippingBytesNeverCrashes() throws {
    // Damage one byte at a time: the decoder may succeed (an unimportant byte) or throw, never trap.
    let bytes = ImageFixtures.bytes("valid_palette.png")
    var refused = 0
    for position in 0..<bytes.count {
        var damaged = bytes
        damaged[position] ^= 0x5A
        do {
            let (tensor, _) = try ImageFile.decode(damaged, kind: .png)
            #expect(tensor.count > 0)
        } catch is CoreError {
            refused += 1
        }
    }
    #expect(refused > bytes.count / 2, "most damaged bytes sit in checked chunks and must be refused")
}

@Test func fileErrorsNameTheFile() throws {
    #expect(throws: CoreError.self) { _ = try ImageFile.read(path: "/nonexistent/folder/cat.png") }
    do {
        _ = try ImageFile.read(path: "/nonexistent/folder/cat.png")
    } catch let error as CoreError {
        #expect(error.message.hasPrefix("load '/nonexistent/folder/cat.png': cannot open the file"))
        #expect(error.hint != nil)
    }
}

@Test func randomDamageNeverCrashes() throws {
    // Several random changes at once (flipped bytes, cut or repeated stretches) to every valid fixture,
    // from a fixed seed: each result is decoded or refused with a CoreError, never a trap.
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(max(1, bound)))
    }
    var decoded = 0
    var refused = 0
    for name in ImageFixtures.names(prefix: "valid_") {
        let original = ImageFixtures.bytes(name)
        let kind = ImageFile.kind(ofPath: name) ?? .png
        for _ in 0..<150 {
            var bytes = original
            for _ in 0...next(4) {
                guard !bytes.isEmpty else { break }
                switch next(3) {
                case 0: bytes[next(bytes.count)] = UInt8(truncatingIfNeeded: next(256))
                case 1:
                    let start = next(bytes.count)
                    bytes.removeSubrange(start..<min(bytes.count, start + 1 + next(16)))
                default:
                    let start = next(bytes.count)
                    bytes.insert(contentsOf: bytes[start..<min(bytes.count, start + 1 + next(16))], at: next(bytes.count))
                }
            }
            do {
                let (tensor, _) = try ImageFile.decode(bytes, kind: kind)
                #expect(tensor.count > 0)
                decoded += 1
            } catch is CoreError {
                refused += 1
            }
        }
    }
    #expect(decoded + refused == ImageFixtures.names(prefix: "valid_").count * 150)
    #expect(refused > 0)
}

@Test func aMagicNumberRunIntoTheWidthSaysTheWhitespaceIsMissing() {
    // Issue 13: "P52 2 255" was reported as not starting with P5.
    let bytes = Array("P52 2 255\n".utf8) + [1, 2, 3, 4]
    let error = #expect(throws: CoreError.self) { try NetPBMCodec.decode(bytes) }
    #expect(error?.message == "load: the header starts with P5 but has no whitespace after it (a space or line break must follow the magic number)")
}
