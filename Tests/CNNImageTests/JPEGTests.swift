// JPEG through libjpeg-turbo: decoding agrees with Pillow within one grey level (baseline, progressive,
// grey, every EXIF orientation; fixtures from tools/fixtures/gen_jpeg.py), bad files are refused with a
// clear error (CMYK, 12-bit, truncated, a decompression bomb), and what cnnrepl writes reads back.
import Testing
import CNNCore
@testable import CNNImage
import CNNTestSupport

@Test(arguments: ImageFixtures.names(prefix: "jpeg_valid_"))
func decodesJPEGLikePillow(name: String) throws {
    let bytes = ImageFixtures.bytes(name)
    #expect(!bytes.isEmpty, "fixture \(name) is missing; run python3 tools/fixtures/gen_jpeg.py")
    let (tensor, details) = try ImageFile.decode(bytes, kind: .jpg)
    let expected = try ImageFixtures.expected(for: name)
    #expect(tensor.shape == expected.shape, "\(name): \(tensor.shapeDescription) instead of \(expected.shapeDescription)")
    #expect(largestDifference(tensor, expected) <= 1, "\(name): values differ from Pillow's by more than 1")
    #expect(details.contains("JPEG"))
}

@Test func jpegDetailsSayWhatTheFileIs() throws {
    let cases: [(String, String)] = [
        ("jpeg_valid_baseline.jpg", "baseline colour JPEG, chroma 4:2:0"),
        ("jpeg_valid_baseline444.jpg", "chroma 4:4:4"),
        ("jpeg_valid_progressive.jpg", "progressive colour JPEG"),
        ("jpeg_valid_grey.jpg", "baseline grey JPEG"),
        ("jpeg_valid_exif6.jpg", "EXIF orientation 6: turned 90° clockwise"),
    ]
    for (name, phrase) in cases {
        let (_, details) = try ImageFile.decode(ImageFixtures.bytes(name), kind: .jpg)
        #expect(details.contains(phrase), "\(name): '\(details)' should say '\(phrase)'")
    }
}

@Test func exifRotationSwapsTheSides() throws {
    // Stored 24 rows x 40 columns; orientations 5 to 8 turn it to 40 x 24.
    let (stored, _) = try ImageFile.decode(ImageFixtures.bytes("jpeg_valid_exif3.jpg"), kind: .jpg)
    let (turned, _) = try ImageFile.decode(ImageFixtures.bytes("jpeg_valid_exif6.jpg"), kind: .jpg)
    #expect(stored.shape == [24, 40, 3])
    #expect(turned.shape == [40, 24, 3])
}

private let badJPEGs: [(name: String, phrase: String)] = ImageFixtures.text("jpeg_bad_index.txt")
    .split(separator: "\n")
    .filter { !$0.hasPrefix("#") }
    .compactMap { line in
        let parts = line.split(separator: "\t", maxSplits: 1)
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
    }

@Test func everyBadJPEGIsListed() {
    let listed = Set(badJPEGs.map(\.name))
    #expect(listed.count >= 10)
    for name in ImageFixtures.names(prefix: "jpeg_bad_") where name != "jpeg_bad_index.txt" {
        #expect(listed.contains(name), "\(name) is not in jpeg_bad_index.txt")
    }
}

@Test(arguments: badJPEGs.map(\.name))
func refusesBadJPEG(name: String) throws {
    let phrase = badJPEGs.first { $0.name == name }?.phrase ?? "?"
    do {
        let (tensor, _) = try ImageFile.decode(ImageFixtures.bytes(name), kind: .jpg, what: "load '\(name)'")
        Issue.record("\(name) decoded to a \(tensor.shapeDescription) tensor; it should be refused")
    } catch let error as CoreError {
        #expect(error.message.hasPrefix("load '\(name)': "), "\(error.message)")
        #expect(error.message.lowercased().contains(phrase.lowercased()), "\(name): '\(error.message)' should mention '\(phrase)'")
    }
}

@Test func aBombWithinTheElementLimitIsStoppedByTheSessionsMemory() throws {
    // 8,000 x 8,000 grey is 64 million values (within 100 million), 512 MB as doubles: with 100 MB of memory
    // the size is refused before any decoding, whatever the file holds.
    let limits = ResourceLimits(maxElements: 100_000_000, maxMemoryBytes: 100_000_000)
    let header = JPEGHeader(height: 8000, width: 8000, components: 1, precision: 8, coding: 0, orientation: 1)
    #expect(throws: CoreError.self) {
        try Limits.$current.withValue(limits) { try header.check(what: "load", fileBytes: 10_000_000) }
    }
}

@Test func truncatingAJPEGAnywhereIsAnErrorNeverACrash() throws {
    // Every prefix is refused, except those that lack only the 2-byte end marker (libjpeg-turbo warns and
    // the picture is whole).
    let bytes = ImageFixtures.bytes("jpeg_valid_progressive.jpg")
    for length in stride(from: 0, to: bytes.count, by: 7) {
        do {
            _ = try ImageFile.decode(Array(bytes[0..<length]), kind: .jpg)
            #expect(length >= bytes.count - 2, "cut to \(length) of \(bytes.count) bytes was not refused")
        } catch is CoreError {
            continue
        }
    }
}

@Test(arguments: [1, 3])
func savedJPEGsReadBackClose(channels: Int) throws {
    let (source, _) = try ImageFile.decode(ImageFixtures.bytes(channels == 1 ? "jpeg_valid_grey.jpg" : "jpeg_valid_baseline.jpg"), kind: .jpg)
    let picture = try Picture.from(source, mode: .keep).picture
    let bytes = try JPEGCodec.encode(picture, quality: 95)
    let (back, details) = try ImageFile.decode(bytes, kind: .jpg)
    #expect(back.shape == source.shape)
    #expect(details.hasPrefix(channels == 1 ? "baseline grey JPEG" : "baseline colour JPEG"))
    let meanDifference = zip(back.scalars, source.scalars).map { abs($0 - $1) }.reduce(0, +) / Double(back.count)
    #expect(meanDifference < 3, "mean difference \(meanDifference) after a quality-95 round trip")
    #expect(throws: CoreError.self) { try JPEGCodec.encode(picture, quality: 0) }
}

@Test func jpegNamesAreJPEG() {
    #expect(ImageFile.kind(ofPath: "cat.jpg") == .jpg)
    #expect(ImageFile.kind(ofPath: "CAT.JPEG") == .jpg)
}
