// Tests of the data set readers and the loader against files written by tools/fixtures/gen_datasets.py:
// every format loads to exactly the arrays NumPy computed, and every hostile file is refused with the
// message the generator lists for it (hostile/expect.txt).
import Testing
import CNNCore
@testable import CNNData
import CNNTestSupport

/// The data set fixture folder, with a trailing slash.
let dataFixtures = TestFiles.path("Tests/CNNDataTests/Fixtures/")

/// The expected images and labels of a fixture set.
func expected(_ name: String) throws -> (images: Tensor, labels: [Int]) {
    let images = try NPY.read(path: dataFixtures + "expected/\(name).images.npy")
    let labels = try NPY.read(path: dataFixtures + "expected/\(name).labels.npy")
    return (images, labels.scalars.map { Int($0) })
}

/// Checks that a loaded set holds exactly the expected images (training examples, then the validation ones).
func checkSame(_ data: Dataset, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let (images, labels) = try expected(name)
    let order = data.trainIndices + data.validationIndices
    #expect(data.images.shape == images.shape, sourceLocation: sourceLocation)
    #expect(order.map { data.labels[$0] } == labels, sourceLocation: sourceLocation)
    let size = images.count / max(labels.count, 1)
    var worst = 0.0
    for (k, i) in order.enumerated() {
        let got = data.image(i).scalars
        for j in 0..<size { worst = max(worst, abs(got[j] - images.scalars[k * size + j])) }
    }
    #expect(worst < 1e-12, "largest difference \(worst)", sourceLocation: sourceLocation)
}

@Test func fashionIDXGzipLoadsWithTestSplitAndClassNames() throws {
    let data = try DatasetLoader.load(DatasetRequest(name: "fashion-mnist", path: dataFixtures + "fashion"))
    try checkSame(data, "mnist")
    #expect(data.trainIndices == Array(0..<12))
    #expect(data.validationIndices == Array(12..<16))
    #expect(data.validationIsTestSplit)
    #expect(data.className(9) == "Ankle boot")
    #expect(data.className(0) == "T-shirt/top")
    #expect(data.origin?.contains("train-images-idx3-ubyte.gz") == true)
}

@Test func torchvisionRawLayoutLoads() throws {
    let data = try DatasetLoader.load(DatasetRequest(name: "mnist", path: dataFixtures + "mnist-raw"))
    try checkSame(data, "mnist")
    #expect(data.className(3) == "3")
}

@Test(arguments: ["mnist.npz", "mnist-stored.npz"])
func kerasNPZLoads(_ file: String) throws {
    try checkSame(try DatasetLoader.load(DatasetRequest(name: "mnist", path: dataFixtures + file)), "mnist")
}

@Test func limitTakesTheFirstTrainingExamples() throws {
    let data = try DatasetLoader.load(DatasetRequest(name: "mnist", path: dataFixtures + "mnist.npz", limit: 5))
    try checkSame(data, "mnist-limit5")
}

@Test func validationFractionHoldsOutTrainingExamples() throws {
    let data = try DatasetLoader.load(DatasetRequest(name: "mnist", path: dataFixtures + "fashion", validation: 0.25))
    #expect(data.trainIndices.count == 9)
    #expect(data.validationIndices.count == 3)
    #expect(!data.validationIsTestSplit)
    #expect(Set(data.trainIndices + data.validationIndices) == Set(0..<12))
}

@Test(arguments: ["cifar-bin", "cifar-py", "cifar-py3-protocol2", "cifar-py3-protocol4"])
func cifarLoads(_ folder: String) throws {
    let data = try DatasetLoader.load(DatasetRequest(name: "cifar10", path: dataFixtures + folder))
    try checkSame(data, "cifar")
    #expect(data.className(1) == "automobile")
    #expect(data.exampleShape == [32, 32, 3])
}

@Test func cifarGray() throws {
    try checkSame(try DatasetLoader.load(DatasetRequest(name: "cifar10", path: dataFixtures + "cifar-py", gray: true)), "cifar-gray")
}

@Test func picturesFolderResizedAndGreyed() throws {
    let data = try DatasetLoader.load(DatasetRequest(name: nil, path: dataFixtures + "pictures", validation: 0, size: [5, 4], gray: true))
    #expect(data.classNames == ["circles", "squares"])
    #expect(data.validationIndices.isEmpty)
    // With validation=0 the shuffle keeps every example; compare in file order. Each picture, greyed by the
    // generator, must be resized exactly as `resize` and load(size=) resize (Resize, checked against Pillow
    // by ResizeTests): 4x6 and 8x3 to 5x4 grow one side, so bilinear.
    #expect(data.labels == [0, 0, 1, 1])
    #expect(data.images.shape == [4, 5, 4, 1])
    for i in 0..<4 {
        let grey = try NPY.read(path: dataFixtures + "expected/pictures-gray-\(i).npy")
        let method = ResizeMethod.natural(from: Array(grey.shape.prefix(2)), to: [5, 4])
        #expect(method == .bilinear)
        let want = try Resize.resize(grey, height: 5, width: 4, method: method).scalars.map { $0 / 255 }
        let got = Array(data.images.scalars[(i * 20)..<(i * 20 + 20)])
        let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-12, "picture \(i): largest difference \(worst)")
    }
}

@Test func picturesOfOneSize() throws {
    let data = try DatasetLoader.load(DatasetRequest(name: nil, path: dataFixtures + "pictures-same", validation: 0))
    let (images, _) = try expected("pictures-same")
    #expect(data.images.scalars == images.scalars)
    #expect(data.images.shape == [2, 4, 6, 1])
}

@Test func picturesOfDifferentSizesNeedSize() {
    let error = coreError { try DatasetLoader.load(DatasetRequest(name: nil, path: dataFixtures + "pictures")) }
    #expect(error?.hint?.contains("size=") == true, "\(String(describing: error))")
}

@Test func missingSetListsEveryPlaceAndHowToInstall() {
    let request = DatasetRequest(name: "fashion-mnist", dataFolder: "/nonexistent-data", home: "/nonexistent-home")
    let places = DatasetLoader.candidates(for: "fashion-mnist", request)
    #expect(places == ["/nonexistent-data/fashion-mnist", "/nonexistent-data", "/nonexistent-home/.keras/datasets/fashion-mnist",
                       "/usr/share/datasets/fashion-mnist"])
    // Only checkable when the Debian package is absent; the list is checked above either way.
    guard !Files.isFolder(DatasetLoader.debianFashionFolder) else { return }
    let error = coreError { try DatasetLoader.load(request) }
    for place in places { #expect(error?.message.contains(place) == true) }
    #expect(error?.hint?.contains("apt-get install dataset-fashion-mnist") == true)
}

@Test func theElementLimitIsCheckedBeforeConverting() {
    let error = Limits.$current.withValue(ResourceLimits(maxElements: 1000, maxMemoryBytes: 2_000_000_000)) {
        coreError { try DatasetLoader.load(DatasetRequest(name: "cifar10", path: dataFixtures + "cifar-bin")) }
    }
    #expect(error?.message.contains("more than 1,000 elements") == true, "\(String(describing: error))")
}

// MARK: - Hostile files

/// The hostile fixtures and the text each one's error must contain.
let hostileCases: [(String, String)] = (TestFiles.text(dataFixtures + "hostile/expect.txt") ?? "")
    .split(separator: "\n").compactMap { line in
        let parts = line.split(separator: "\t", maxSplits: 1)
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
    }

@Test func hostileFixturesArePresent() {
    #expect(hostileCases.count >= 25)
    let listed = Set(hostileCases.map(\.0))
    for name in TestFiles.names(in: dataFixtures + "hostile/") where name != "expect.txt" {
        #expect(listed.contains(name), "\(name) has no expected message")
    }
}

/// Decodes a hostile file with the reader its name names.
func decodeHostile(_ name: String, _ bytes: [UInt8]) throws {
    let what = "dataset: '\(name)'"
    if name.hasPrefix("idx-") { _ = try IDX.decode(bytes, what: what) }
    else if name.hasPrefix("npz-") { _ = try NPZ.decode(bytes, what: what) }
    else if name.hasPrefix("cifar-") { _ = try CIFAR.decodeBinary(bytes, what: what) }
    else { _ = try CIFAR.decodePickle(bytes, what: what) }
}

@Test(arguments: hostileCases.map(\.0))
func hostileFileIsRefused(_ name: String) throws {
    let message = try #require(hostileCases.first { $0.0 == name }?.1)
    let bytes = try #require(TestFiles.bytes(dataFixtures + "hostile/" + name))
    let error = coreError { try decodeHostile(name, bytes) }
    #expect(error?.message.contains(message) == true, "\(name): \(String(describing: error))")
}

@Test func everyPrefixOfAGoodFileIsRefusedOrRead() throws {
    // Truncation at every length never crashes; it throws (or, for a prefix that is itself whole, decodes).
    let idx = try #require(TestFiles.bytes(dataFixtures + "mnist-raw/MNIST/raw/train-labels-idx1-ubyte"))
    for n in 0..<idx.count { #expect(coreError { _ = try IDX.decode(Array(idx.prefix(n)), what: "t") } != nil) }
    let gz = try #require(TestFiles.bytes(dataFixtures + "fashion/train-labels-idx1-ubyte.gz"))
    for n in 0..<gz.count - 8 { #expect(coreError { _ = try IDX.decode(Array(gz.prefix(n)), what: "t") } != nil) }
    let pickle = try #require(TestFiles.bytes(dataFixtures + "cifar-py/cifar-10-batches-py/test_batch"))
    for n in stride(from: 0, to: pickle.count, by: 97) {
        #expect(coreError { _ = try CIFAR.decodePickle(Array(pickle.prefix(n)), what: "t") } != nil)
    }
    let npz = try #require(TestFiles.bytes(dataFixtures + "mnist.npz"))
    for n in stride(from: 0, to: npz.count, by: 7) {
        #expect(coreError { _ = try NPZ.decode(Array(npz.prefix(n)), what: "t") } != nil)
    }
}

@Test func testLimitTakesTheFirstTestExamples() throws {
    var request = DatasetRequest(name: "mnist", path: dataFixtures + "fashion", limit: 5)
    request.testLimit = 2
    let data = try DatasetLoader.load(request)
    #expect(data.trainIndices == Array(0..<5))
    #expect(data.validationIndices == [5, 6])
    #expect(data.validationIndices.map { data.labels[$0] } == [9, 3])  // y_test[:2] in gen_datasets.py
}
