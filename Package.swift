// swift-tools-version:6.0
// cnnrepl: an educational, step-by-step interpreter for convolutional neural networks.
//
// Layers, each a library, dependencies pointing one way:
//   CNNCore (tensors, operations, arithmetic, .npy)  <-  CNNScript (language)
//   <-  CNNExplain (rendering, traces, summaries)  <-  CNNSession (text in, text out)
//   <-  cnnrepl (arguments, readline, files, exit codes)
// CNNKeras (Keras 3 .keras files: zip through ZIPFoundation, weights through HDF5's CHDF5) is read by CNNScript's load and save.
// CNNImage (pictures: PNG through libpng's CPNG, JPEG through libjpeg-turbo's CTurboJPEG, PGM/PPM, grey,
// samples, grids, resizing) sits beside CNNCore and is used by CNNScript's built-ins; CNNData (real data sets from files; gzip through zlib's CSystemZlib) reads
// through both for CNNScript's `dataset(...)`. CNNCodegen (Python for Keras, PyTorch and NumPy) reads CNNScript's
// models and provenance (its comments use CNNExplain's words for a step); CNNSession gives its generator to
// the interpreter, which runs `code` with it.
import PackageDescription

let package = Package(
    name: "cnnrepl",
    products: [
        .executable(name: "cnnrepl", targets: ["cnnrepl"]),
        .executable(name: "cnnbench", targets: ["cnnbench"]),
        .library(name: "CNNCore", targets: ["CNNCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The zip container of Keras' .keras files (CNNKeras), read and written.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        // glibc's mallopt, for CNNCore's MemoryReuse (large tensors reuse freed memory).
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "CNNCore",
            dependencies: ["CMalloc"],
            // Every build uses every vector unit of the machine it is built on, as NumPy's BLAS does at run
            // time; such a binary runs on that kind of CPU only. The core's sums of products are fused
            // multiply-adds (Double.addProduct): with the CPU's FMA instructions one each, without them a call
            // to libm's fma, with the same bits but many times slower, which is why debug builds use them too.
            swiftSettings: [
                .unsafeFlags(["-target-cpu", "native"]),
                // Debug builds (`swift build`, `swift test`) optimise the core too: training and the
                // convolutions run about ten times faster, which halves the test suite. Stepping through
                // the core in a debugger shows optimised code; remove this line for that.
                .unsafeFlags(["-O"], .when(configuration: .debug)),
            ],
            linkerSettings: [.linkedLibrary("m")]
        ),
        .systemLibrary(name: "CPNG", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // The sample photographs (photos/*.jpg), embedded into the binary by C23's #embed.
        .target(name: "CSamplePhotos", exclude: ["photos"]),
        // A stdio FILE that calls back into Swift (fopencookie), so Ctrl-C can stop libpng inside a call.
        .target(name: "CCallbackFile"),
        .target(
            name: "CNNImage", dependencies: ["CNNCore", "CPNG", "CTurboJPEG", "CSamplePhotos", "CCallbackFile"],
            // Optimised in debug builds too, as the core: a picture is millions of pixels to convert.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // zlib (named so as not to clash with ZIPFoundation's own CZlib module).
        .systemLibrary(name: "CSystemZlib", providers: [.apt(["zlib1g-dev"])]),
        // Real data sets from files: IDX (raw or gzip), .npz, CIFAR-10 (binary and Python), folders of pictures.
        .target(
            name: "CNNData", dependencies: ["CNNCore", "CNNImage", "CSystemZlib"],
            // Optimised in debug builds too, as the core: converting 70,000 images is a long loop.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // Keras' model weights (model.weights.h5) through the HDF5 C library, read and written in memory.
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        // Keras 3 models from and to files: .keras (a zip of config.json, metadata.json and model.weights.h5)
        // and the architecture alone (model.to_json()), as CNNCore ModelSpecs and weights.
        .target(
            name: "CNNKeras",
            dependencies: ["CNNCore", "CHDF5", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .target(name: "CNNScript", dependencies: ["CNNCore", "CNNImage", "CNNData", "CNNKeras"]),
        // Python for Keras 3, PyTorch and NumPy from models and provenance chains (`code keras mnist`).
        .target(name: "CNNCodegen", dependencies: ["CNNCore", "CNNScript", "CNNExplain"]),
        .target(name: "CNNExplain", dependencies: ["CNNCore", "CNNScript", "CNNImage"]),
        // The session gives the interpreter CNNCodegen's code generator for `code`.
        .target(name: "CNNSession", dependencies: ["CNNCore", "CNNScript", "CNNExplain", "CNNCodegen"]),
        .systemLibrary(
            name: "CReadline",
            providers: [.apt(["libreadline-dev"])]
        ),
        .executableTarget(
            name: "cnnrepl",
            dependencies: [
                "CNNSession", "CNNScript", "CNNExplain", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The executable talks to C globals (readline's hooks, stdio streams, signal handlers), which
            // Swift 6's strict concurrency checking cannot see as safe; it runs single-threaded.
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .executableTarget(
            name: "cnnbench", dependencies: ["CNNCore"],
            swiftSettings: [.unsafeFlags(["-target-cpu", "native"], .when(configuration: .release))]
        ),
        // MARK: - Tests
        // The helpers every test target shares: the repository's files and fixture folders, the fixture
        // indexes, a small random generator, the seed models' text and a Script session over the interpreter.
        .target(name: "CNNTestSupport", dependencies: ["CNNCore", "CNNScript"], path: "Tests/CNNTestSupport"),
        .testTarget(name: "CNNCoreTests", dependencies: ["CNNCore", "CNNTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CNNImageTests", dependencies: ["CNNCore", "CNNImage", "CNNTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CNNDataTests", dependencies: ["CNNData", "CNNCore", "CNNTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CNNKerasTests", dependencies: ["CNNKeras", "CNNCore", "CNNTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CNNScriptTests", dependencies: ["CNNScript", "CNNTestSupport"]),
        .testTarget(name: "CNNCodegenTests", dependencies: ["CNNCodegen", "CNNTestSupport"]),
        .testTarget(name: "CNNExplainTests", dependencies: ["CNNExplain", "CNNTestSupport"]),
        .testTarget(name: "CNNSessionTests", dependencies: ["CNNSession", "CNNScript", "CNNImage", "CNNTestSupport"]),
        // Runs the built cnnrepl executable as a subprocess: scripts, stdin, options, exit codes, and a
        // corpus of hostile inputs (hostile/) that must end with a clear error, never a crash or a hang.
        .testTarget(name: "cnnreplTests", dependencies: ["cnnrepl"], exclude: ["hostile", "fuzz-findings"]),
    ]
)
