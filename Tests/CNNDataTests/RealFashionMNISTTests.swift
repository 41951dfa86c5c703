// The real Fashion-MNIST of Debian's dataset-fashion-mnist package (.ci/run installs it): counts per split
// and per class, the first labels and pixel sums, computed independently with NumPy from the same files
// (gzip.open + numpy.frombuffer; the numbers are in the comments). Skipped, with the reason shown in the
// test output, when the package is absent.
import Testing
import CNNCore
@testable import CNNData

let fashionInstalled = Files.isFile(DatasetLoader.debianFashionFolder + "/train-images-idx3-ubyte.gz")

@Test(.enabled(if: fashionInstalled, "dataset-fashion-mnist is not installed (sudo apt-get install dataset-fashion-mnist); the real Fashion-MNIST test is skipped"))
func realFashionMNISTLoads() throws {
    let data = try DatasetLoader.load(DatasetRequest(name: "fashion-mnist", path: DatasetLoader.debianFashionFolder))
    #expect(data.trainIndices.count == 60_000)
    #expect(data.validationIndices.count == 10_000)
    #expect(data.exampleShape == [28, 28, 1])
    #expect(data.classCounts(data.trainIndices) == Array(repeating: 6_000, count: 10))
    #expect(data.classCounts(data.validationIndices) == Array(repeating: 1_000, count: 10))
    // numpy: yt[:10] = [9 0 0 3 0 2 7 2 5 5], yv[:10] = [9 2 1 1 6 1 4 6 5 7]
    #expect(data.trainIndices.prefix(10).map { data.labels[$0] } == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
    #expect(data.validationIndices.prefix(10).map { data.labels[$0] } == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
    #expect(data.className(data.labels[0]) == "Ankle boot")
    // numpy: sum of the training bytes 3,431,114,169 (mean 0.28604 after /255), of the test bytes 573,469,082.
    var trainSum = 0.0, testSum = 0.0
    let size = 784
    data.images.scalars.withUnsafeBufferPointer { p in
        for i in 0..<(60_000 * size) { trainSum += p[i] }
        for i in (60_000 * size)..<(70_000 * size) { testSum += p[i] }
    }
    #expect(Int((trainSum * 255).rounded()) == 3_431_114_169)
    #expect(Int((testSum * 255).rounded()) == 573_469_082)
    // numpy: the first training image's bytes sum to 76,247.
    #expect(Int((data.image(0).scalars.reduce(0, +) * 255).rounded()) == 76_247)
    #expect(data.images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
}
