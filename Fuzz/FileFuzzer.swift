// FileFuzzer: the libFuzzer entry point for the file readers (.npy, PNG, PGM/PPM, JPEG, the data set
// readers: IDX raw or gzip, .npz, CIFAR-10 binary and Python batches, and Keras' models: .keras files with
// their zip, JSON config and HDF5 weights, a config alone as model.to_json() writes it, and HDF5 weights alone
// for the small model of `smallConfig`, so that libhdf5 sees damaged files a zip's CRC would stop).
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
        switch data[0] % 12 {
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
        case 10: _ = try? KerasModelFile.readArchitecture(bytes: bytes, modelName: "m", what: "fuzz")
        default: _ = try? KerasModelFile.read(config: smallConfig, weights: bytes, modelName: "m", what: "fuzz")
        }
    }
    return 0
}

/// The config of Tests/CNNKerasTests/Fixtures/models/seq_cnn.keras, whose model.weights.h5 seeds selector 11.
private let smallConfig = Array("""
    {"class_name": "Sequential", "config": {"name": "seq_cnn", "layers": [
      {"class_name": "InputLayer", "config": {"batch_shape": [null, 10, 10, 1]}},
      {"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": [3, 3], "activation": "relu"}},
      {"class_name": "MaxPooling2D", "config": {"pool_size": [2, 2]}},
      {"class_name": "Conv2D", "config": {"filters": 6, "kernel_size": [3, 3], "padding": "same", "activation": "tanh"}},
      {"class_name": "AveragePooling2D", "config": {"pool_size": [2, 2], "strides": [1, 1]}},
      {"class_name": "Flatten", "config": {}},
      {"class_name": "Dropout", "config": {"rate": 0.25}},
      {"class_name": "Dense", "config": {"units": 5, "activation": "softmax"}}]}}
    """.utf8)
