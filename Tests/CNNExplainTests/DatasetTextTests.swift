// The text of data sets read from files (tools/fixtures/gen_datasets.py's small sets): the summary line
// (files, the test split, class names, counts per split), an example's header, predict and show with
// class names, and the articles of class names.
import Testing
@testable import CNNExplain
import CNNScript
import CNNTestSupport

private let fixtures = TestFiles.path("Tests/CNNDataTests/Fixtures/")

@Test func aFileDataSetSaysWhatWasRead() throws {
    let script = Script(seed: 1)
    let text = try script.rendered("data = dataset(\"fashion-mnist\", path=\"\(fixtures)fashion\")")
    #expect(text.contains("16 7x5x1 images in 10 classes: 12 for training, 4 for validation (the set's test split)"), "\(text)")
    #expect(text.contains("read train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz in \(fixtures)fashion\n"), "\(text)")
    #expect(text.contains("pixels 0..255 scaled to 0..1"))
    #expect(text.contains("classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot"))
    // y_train = [0..9, 9, 0] and y_test = [9, 3, 0, 7] in the generator.
    #expect(text.contains("training examples per class: 0: 2, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 2"))
    #expect(text.contains("validation examples per class: 0: 1, 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 0, 7: 1, 8: 0, 9: 1"))
    #expect(text.contains("the first training example, a T-shirt/top (pixels 0..1)"))
    #expect(!text.contains(" s\n"), "no time in a session that does not show times")
    let example = try script.rendered("x = example(data, 0)")
    #expect(example.contains("validation example 0 of fashion-mnist, an Ankle boot (class 9)"), "\(example)")
    let shown = try script.rendered("show example(data, 1)")
    #expect(shown.contains("example(data, 1): Dress"), "\(shown)")
}

@Test func predictNamesTheClasses() throws {
    let script = Script(seed: 1)
    try script.run("""
        data = dataset(path="\(fixtures)pictures", size=4x6, gray=true, validation=0.5)
        model m 4x6x1
          flatten
          dense 2 softmax
        end
        train m data epochs=1
        """)
    let text = try script.rendered("predict m example(data, 0)")
    #expect(text.contains("the example is a circles:") || text.contains("the example is a squares:"), "\(text)")
    #expect(text.contains("class   name"), "\(text)")
    #expect(text.contains("circles") && text.contains("squares"))
}

@Test func classNamesTakeTheirArticle() {
    #expect(ClassNameText.withArticle("Ankle boot") == "an Ankle boot")
    #expect(ClassNameText.withArticle("T-shirt/top") == "a T-shirt/top")
    #expect(ClassNameText.withArticle(8, names: nil) == "an 8")
    #expect(ClassNameText.withArticle(3, names: nil) == "a 3")
    #expect(ClassNameText.withArticle(1, names: ["cat", "owl"]) == "an owl")
}
