// What the network sees, through the language: `run` after `train` uses the learned weights, `show NAME`
// gathers every layer's maps (with the first layer's filters) for the last run, savegrid(NAME, ...) saves
// them, a colour picture is shown as one picture, and load resizes and greys on the way in.
import Glibc
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

@Test func runAfterTrainUsesTheLearnedWeights() throws {
    let script = Script(seed: 3)
    try script.run(tinyModel)
    try script.run("train tiny data epochs=1 batch=64 optimizer=adam lr=0.01")
    guard case .modelRun(let run)? = try script.run("run tiny example(data, 0)").last else {
        Issue.record("run did not report a run"); return
    }
    #expect(run.trained)
    guard case .learning(.predicted(let prediction))? = try script.run("predict tiny example(data, 0)").last else {
        Issue.record("predict did not predict"); return
    }
    // The run's output is the trained network's prediction, value for value.
    let worst = zip(run.output.scalars, prediction.probabilities.scalars).map { abs($0 - $1) }.max() ?? 1
    #expect(worst < 1e-9)
    // Declared again, the model is untrained and runs with fresh weights.
    try script.run(tinyModel)
    guard case .modelRun(let fresh)? = try script.run("run tiny example(data, 0)").last else { return }
    #expect(!fresh.trained)
}

@Test func showNameDrawsEveryLayerOfTheLastRun() throws {
    let script = Script(seed: 3)
    try script.run(tinyModel)
    #expect(failure("model m 4x4x1\n  flatten\n  dense 2 softmax\nend\nshow m")?.contains("m has not been run yet") == true)
    try script.run("run tiny example(data, 3)")
    guard case .network(let view)? = try script.run("show tiny").last else { Issue.record("show tiny did not draw the network"); return }
    let kinds = view.rows.map(\.kind)
    #expect(kinds == [.input, .layer(index: 1), .filters(index: 1), .layer(index: 2), .layer(index: 3), .layer(index: 4)])
    #expect(view.rows[1].shape == [8, 8, 4] && view.rows[1].request.maps.count == 4)
    #expect(view.rows[2].variable == "tiny_1_kernel" && view.rows[2].request.maps.map(\.map.shape) == Array(repeating: [3, 3], count: 4))
    // flatten's 64 values are one row of cells, the 10 outputs too.
    #expect(view.rows[4].request.maps[0].map.shape == [1, 64])
    #expect(view.rows[5].request.maps[0].map.shape == [1, 10])
    #expect(view.output.count == 10 && !view.trained)
}

@Test func savegridOfAModelWritesTheRows() throws {
    let script = Script(seed: 3)
    try script.run(tinyModel)
    let folder = "/tmp/cnnrepl-seeing-\(getpid())"
    mkdir(folder, 0o755)
    defer { unlink(folder + "/maps.png"); rmdir(folder) }
    #expect(script.error("savegrid(tiny, \"\(folder)/maps.png\")")?.message.contains("has not been run yet") == true)
    try script.run("run tiny example(data, 0)")
    guard case .value(.string(let said), _, _)? = try script.run("savegrid(tiny, \"\(folder)/maps.png\")").last else {
        Issue.record("savegrid did not say what it saved"); return
    }
    #expect(said.contains("6 rows") && said.contains("L1 conv2d: 4 of 4 maps of 8x8x4"))
    let picture = try script.tensor("load(\"\(folder)/maps.png\")")
    #expect(picture.rank == 2 && picture.shape[0] > 100)
}

@Test func aColourPictureIsShownAsOnePicture() throws {
    let script = Script()
    guard case .show(let request)? = try script.run("show sample(\"cat\")").last else { Issue.record("no show"); return }
    #expect(request.maps.count == 1 && request.maps[0].rgb?.shape == [150, 225, 3])
    // Any other 3-channel stack is still three maps.
    guard case .show(let stack)? = try script.run("show rand(4, 4, 3)").last else { return }
    #expect(stack.maps.count == 3 && stack.maps.allSatisfy { $0.rgb == nil })
}

@Test func loadResizesAndGreysOnTheWayIn() throws {
    let script = Script()
    let small = try script.tensor("load(\"sample:cat\", size=28x28, gray=true)")
    #expect(small.shape == [28, 28])
    let byHand = try script.tensor("resize(gray(sample(\"cat\")), 28x28, method=area)")
    #expect(zip(small.scalars, byHand.scalars).allSatisfy { abs($0 - $1) < 1e-9 })
    #expect(try script.tensor("sample(\"camera\")").shape == [256, 256])
    #expect(failure("x = resize(ones(4), 2x2)")?.contains("resize: resizes an H x W picture") == true)
}

@Test func aFolderOfJPEGsIsADataSet() throws {
    let folder = "/tmp/cnnrepl-jpeg-folder-\(getpid())"
    let files = [("boots", "jpeg_valid_grey.jpg"), ("boots", "jpeg_valid_progressive.jpg"), ("cats", "jpeg_valid_baseline.jpg"),
                 ("cats", "jpeg_valid_exif6.jpg")]
    mkdir(folder, 0o755)
    for (index, (label, name)) in files.enumerated() {
        mkdir("\(folder)/\(label)", 0o755)
        try FileBytes.write(ImageFixtures.bytes(name), path: "\(folder)/\(label)/\(index).JPG", what: "test")
    }
    defer {
        for (index, (label, _)) in files.enumerated() { unlink("\(folder)/\(label)/\(index).JPG") }
        for label in ["boots", "cats"] { rmdir("\(folder)/\(label)") }
        rmdir(folder)
    }
    guard case .dataset(let data) = try Script().value("dataset(path=\"\(folder)/\", size=12x12, gray=true, validation=0)") else {
        Issue.record("no data set"); return
    }
    #expect(data.classNames == ["boots", "cats"] && data.labels.count == 4)
    #expect(data.images.shape == [4, 12, 12, 1])
}

@Test func aColourInputIsShownInColourByShowName() throws {
    let script = Script(seed: 5)
    try script.run("""
        model rgb 6x6x3
          conv 2 3x3 relu
          flatten
          dense 2 softmax
        end
        x = rand(6, 6, 3)
        run rgb x
        """)
    guard case .network(let view)? = try script.run("show rgb").last else { Issue.record("no view"); return }
    let input = try #require(view.rows.first?.request.maps.first)
    // Values 0..1 (as a data set's) are drawn as colours 0..255.
    let x = try script.tensor("x")
    #expect(input.rgb?.scalars == x.scalars.map { $0 * 255 })
}
