// FileFuzzer: the libFuzzer entry point for the file readers (.npy, PNG, PGM/PPM).
//
// The first byte chooses the reader, the rest is the file's content. Every input must decode or be
// refused with an error; a crash, trap, AddressSanitizer report, hang or memory blow-up is a finding.
// Built by Fuzz/build.sh; see docs/FUZZING.md.
import CNNCore
import CNNImage

/// Decodes one fuzz input with the reader its first byte selects, discarding the result.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFiles(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 4 {
    case 0: _ = try? NPY.decode(bytes)
    case 1: _ = try? ImageFile.decode(bytes, kind: .png)
    case 2: _ = try? ImageFile.decode(bytes, kind: .pgm)
    default: _ = try? ImageFile.decode(bytes, kind: .ppm)
    }
    return 0
}
