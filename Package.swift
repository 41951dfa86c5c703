// swift-tools-version:6.0
// cnnrepl: an educational, step-by-step interpreter for convolutional neural networks.
//
// Layers, each a library, dependencies pointing one way:
//   CNNCore (tensors, operations, arithmetic, .npy)  <-  CNNScript (language)
//   <-  CNNExplain (rendering, traces, summaries)  <-  CNNSession (text in, text out)
//   <-  cnnrepl (arguments, readline, files, exit codes)
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
    ],
    targets: [
        .target(name: "CNNCore", linkerSettings: [.linkedLibrary("m")]),
        .target(name: "CNNScript", dependencies: ["CNNCore"]),
        .target(name: "CNNExplain", dependencies: ["CNNCore", "CNNScript"]),
        .target(name: "CNNSession", dependencies: ["CNNCore", "CNNScript", "CNNExplain"]),
        .systemLibrary(
            name: "CReadline",
            providers: [.apt(["libreadline-dev"])]
        ),
        .executableTarget(
            name: "cnnrepl",
            dependencies: [
                "CNNSession", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The executable talks to C globals (readline's hooks, stdio streams, signal handlers), which
            // Swift 6's strict concurrency checking cannot see as safe; it runs single-threaded.
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .executableTarget(name: "cnnbench", dependencies: ["CNNCore"]),
        .testTarget(name: "CNNCoreTests", dependencies: ["CNNCore"], exclude: ["Fixtures"]),
        .testTarget(name: "CNNScriptTests", dependencies: ["CNNScript"]),
        .testTarget(name: "CNNExplainTests", dependencies: ["CNNExplain"]),
        .testTarget(name: "CNNSessionTests", dependencies: ["CNNSession"]),
    ]
)
