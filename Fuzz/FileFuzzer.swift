// FileFuzzer: the libFuzzer entry point for the file readers (.npy, PNG, PGM/PPM, JPEG, the data set
// readers: IDX raw or gzip, .npz, CIFAR-10 binary and Python batches, and Keras' models: .keras files with
// their zip, JSON config and HDF5 weights, and a config alone as model.to_json() writes it).
//
// The first byte chooses the reader, the rest is the file's content. Every input must decode or be
// refused with an error; a crash, trap, AddressSanitizer report, hang or memory blow-up is a finding.
// Built by Fuzz/build.sh; see docs/FUZZING.md.
import CNNCore
import CNNData
import CNNImage
import CNNKeras

/// Decodes one fuzz input with the reader its first byte selects, discarding the result.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFiles(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    // Each reader is held to a session's default limits (as the language harness's are lowered, these
    // readers allocate at most what a file's own header promises, checked against them).
    Limits.$current.withValue(ResourceLimits(maxElements: 2_000_000, maxMemoryBytes: 200_000_000)) {
        switch data[0] % 11 {
        case 0: _ = try? NPY.decode(bytes)
        case 1: _ = try? ImageFile.decode(bytes, kind: .png)
        case 2: _ = try? ImageFile.decode(bytes, kind: .pgm)
        case 3: _ = try? ImageFile.decode(bytes, kind: .ppm)
        case 4: _ = try? IDX.decode(bytes, what: "fuzz")
        case 5: _ = try? NPZ.decode(bytes, what: "fuzz")
        case 6: _ = try? CIFAR.decodeBinary(bytes, what: "fuzz")
        case 7: _ = try? CIFAR.decodePickle(bytes, what: "fuzz")
        case 8: _ = try? ImageFile.decode(bytes, kind: .jpg)
        case 9: _ = try? KerasModelFile.read(bytes: bytes, modelName: "m", what: "fuzz")
        default: _ = try? KerasModelFile.readArchitecture(bytes: bytes, modelName: "m", what: "fuzz")
        }
    }
    return 0
}
