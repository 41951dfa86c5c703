// SummaryRendererTests: the rendered `summary` tables of every model in /work/shared/SEEDS.md (shapes and
// counts computed with Keras 3's model.summary(), copied here from SEEDS.md), Keras 3's layout and total
// lines (memory as Keras' readable_memory_size of 4-byte weights, worked out separately in Python), and
// receptive fields of hand-worked chains.
import Testing
@testable import CNNExplain
import CNNTestSupport

/// One expected row: Keras name (type), output shape, param #, arithmetic.
typealias SummaryRow = (layer: String, shape: String, params: String, arithmetic: String)

/// A model of SEEDS.md: its block, its rows and the three Keras total lines.
struct SummarySeedModel: CustomStringConvertible, Sendable {
    let name: String
    let block: String
    let rows: [SummaryRow]
    let total: String

    var description: String { name }
}

/// The layer lines of the CIFAR-10 seed model, without its `model` and `end` lines.
private let cifarLayers = SeedModels.cifar.split(separator: "\n").dropFirst().dropLast().joined(separator: "\n")

private let seedModels: [SummarySeedModel] = [
    SummarySeedModel(name: "mnist", block: SeedModels.mnist, rows: [
        ("conv2d (Conv2D)", "28x28x32", "320", "3x3x1x32 + 32"),
        ("conv2d_1 (Conv2D)", "28x28x64", "18,496", "3x3x32x64 + 64"),
        ("max_pooling2d (MaxPooling2D)", "14x14x64", "0", ""),
        ("flatten (Flatten)", "12544", "0", ""),
        ("dense (Dense)", "128", "1,605,760", "12544x128 + 128"),
        ("dense_1 (Dense)", "10", "1,290", "128x10 + 10"),
    ], total: "1,625,866 (6.20 MB)"),
    SummarySeedModel(name: "cifar", block: SeedModels.cifar, rows: [
        ("conv2d (Conv2D)", "30x30x32", "896", "3x3x3x32 + 32"),
        ("max_pooling2d (MaxPooling2D)", "15x15x32", "0", ""),
        ("conv2d_1 (Conv2D)", "13x13x64", "18,496", "3x3x32x64 + 64"),
        ("max_pooling2d_1 (MaxPooling2D)", "6x6x64", "0", ""),
        ("conv2d_2 (Conv2D)", "4x4x64", "36,928", "3x3x64x64 + 64"),
        ("flatten (Flatten)", "1024", "0", ""),
        ("dense (Dense)", "64", "65,600", "1024x64 + 64"),
        ("dense_1 (Dense)", "10", "650", "64x10 + 10"),
    ], total: "122,570 (478.79 KB)"),
    SummarySeedModel(name: "cifar_pool1", block: "model cifar_pool1 32x32x3\n\(cifarLayers.replacing("maxpool 2x2", with: "maxpool 1x1"))\nend", rows: [
        ("conv2d (Conv2D)", "30x30x32", "896", "3x3x3x32 + 32"),
        ("max_pooling2d (MaxPooling2D)", "30x30x32", "0", ""),
        ("conv2d_1 (Conv2D)", "28x28x64", "18,496", "3x3x32x64 + 64"),
        ("max_pooling2d_1 (MaxPooling2D)", "28x28x64", "0", ""),
        ("conv2d_2 (Conv2D)", "26x26x64", "36,928", "3x3x64x64 + 64"),
        ("flatten (Flatten)", "43264", "0", ""),
        ("dense (Dense)", "64", "2,768,960", "43264x64 + 64"),
        ("dense_1 (Dense)", "10", "650", "64x10 + 10"),
    ], total: "2,825,930 (10.78 MB)"),
    SummarySeedModel(name: "cifar64", block: "model cifar64 32x32x3\n\(cifarLayers.replacing("conv 32 3x3", with: "conv 64 3x3"))\nend", rows: [
        ("conv2d (Conv2D)", "30x30x64", "1,792", "3x3x3x64 + 64"),
        ("max_pooling2d (MaxPooling2D)", "15x15x64", "0", ""),
        ("conv2d_1 (Conv2D)", "13x13x64", "36,928", "3x3x64x64 + 64"),
        ("max_pooling2d_1 (MaxPooling2D)", "6x6x64", "0", ""),
        ("conv2d_2 (Conv2D)", "4x4x64", "36,928", "3x3x64x64 + 64"),
        ("flatten (Flatten)", "1024", "0", ""),
        ("dense (Dense)", "64", "65,600", "1024x64 + 64"),
        ("dense_1 (Dense)", "10", "650", "64x10 + 10"),
    ], total: "141,898 (554.29 KB)"),
    SummarySeedModel(name: "fashion", block: "model fashion 28x28x1\n\(cifarLayers)\nend", rows: [
        ("conv2d (Conv2D)", "26x26x32", "320", "3x3x1x32 + 32"),
        ("max_pooling2d (MaxPooling2D)", "13x13x32", "0", ""),
        ("conv2d_1 (Conv2D)", "11x11x64", "18,496", "3x3x32x64 + 64"),
        ("max_pooling2d_1 (MaxPooling2D)", "5x5x64", "0", ""),
        ("conv2d_2 (Conv2D)", "3x3x64", "36,928", "3x3x64x64 + 64"),
        ("flatten (Flatten)", "576", "0", ""),
        ("dense (Dense)", "64", "36,928", "576x64 + 64"),
        ("dense_1 (Dense)", "10", "650", "64x10 + 10"),
    ], total: "93,322 (364.54 KB)"),
    SummarySeedModel(name: "dnn", block: "model dnn 28x28x1\n  flatten\n  dense 128\n  dense 10\nend", rows: [
        ("flatten (Flatten)", "784", "0", ""),
        ("dense (Dense)", "128", "100,480", "784x128 + 128"),
        ("dense_1 (Dense)", "10", "1,290", "128x10 + 10"),
    ], total: "101,770 (397.54 KB)"),
    SummarySeedModel(name: "small", block: "model small 32x32x3\n  conv 6 5x5\n  maxpool 2x2\n  flatten\n  dense 10\nend", rows: [
        ("conv2d (Conv2D)", "28x28x6", "456", "5x5x3x6 + 6"),
        ("max_pooling2d (MaxPooling2D)", "14x14x6", "0", ""),
        ("flatten (Flatten)", "1176", "0", ""),
        ("dense (Dense)", "10", "11,770", "1176x10 + 10"),
    ], total: "12,226 (47.76 KB)"),
]

/// The cells of the table's body rows (lines between │ bars), trimmed.
private func bodyRows(_ text: String) -> [[String]] {
    text.split(separator: "\n").filter { $0.hasPrefix("│") }.map { line in
        line.split(separator: "│", omittingEmptySubsequences: false).dropFirst().dropLast()
            .map { $0.trimmingCharacters(in: " ") }
    }
}

extension StringProtocol {
    /// The text without the given leading and trailing characters.
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}

@Test(arguments: seedModels)
func summaryReproducesSeedTable(model: SummarySeedModel) throws {
    let session = Script()
    try session.rendered(model.block)
    let text = try session.rendered("summary \(model.name)")
    let rows = bodyRows(text)
    try #require(rows.count == model.rows.count, "\(text)")
    for (row, expected) in zip(rows, model.rows) {
        #expect(row[0] == expected.layer)
        #expect(row[1] == expected.shape)
        #expect(row[2] == expected.params)
        #expect(row[3] == expected.arithmetic)
    }
    #expect(text.contains("\n Total params: \(model.total)\n"))
    #expect(text.contains("\n Trainable params: \(model.total)\n"))
    #expect(text.contains("\n Non-trainable params: 0 (0.00 B)\n"))
    #expect(text.hasPrefix("Model: \"\(model.name)\""))
}

@Test func mnistSummaryReadsLikeKeras() throws {
    let session = Script()
    try session.rendered(seedModels[0].block)
    let expected = """
        Model: "mnist"   (input 28x28x1)
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
        ┃ Layer (type)                 ┃ Output Shape ┃   Param # ┃ Arithmetic      ┃ Receptive field ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
        │ conv2d (Conv2D)              │ 28x28x32     │       320 │ 3x3x1x32 + 32   │ 3x3 / 1         │
        ├──────────────────────────────┼──────────────┼───────────┼─────────────────┼─────────────────┤
        │ conv2d_1 (Conv2D)            │ 28x28x64     │    18,496 │ 3x3x32x64 + 64  │ 5x5 / 1         │
        ├──────────────────────────────┼──────────────┼───────────┼─────────────────┼─────────────────┤
        │ max_pooling2d (MaxPooling2D) │ 14x14x64     │         0 │                 │ 6x6 / 2         │
        ├──────────────────────────────┼──────────────┼───────────┼─────────────────┼─────────────────┤
        │ flatten (Flatten)            │ 12544        │         0 │                 │ -               │
        ├──────────────────────────────┼──────────────┼───────────┼─────────────────┼─────────────────┤
        │ dense (Dense)                │ 128          │ 1,605,760 │ 12544x128 + 128 │ -               │
        ├──────────────────────────────┼──────────────┼───────────┼─────────────────┼─────────────────┤
        │ dense_1 (Dense)              │ 10           │     1,290 │ 128x10 + 10     │ -               │
        └──────────────────────────────┴──────────────┴───────────┴─────────────────┴─────────────────┘
         Total params: 1,625,866 (6.20 MB)
         Trainable params: 1,625,866 (6.20 MB)
         Non-trainable params: 0 (0.00 B)

         total = 320 + 18,496 + 0 + 0 + 1,605,760 + 1,290 = 1,625,866
         memory = 1,625,866 weights x 4 bytes (float32) = 6,503,464 bytes = 6.20 MB (dividing by 1,024 per unit, as Keras does)
         Output Shape is per example (Keras puts the batch first: 28x28x32 is (None, 28, 28, 32)); receptive field = size / jump in input pixels

        """
    #expect(try session.rendered("summary mnist") == expected)
}

/// Receptive fields of chains worked out by hand: a 3x3 conv sees 3x3; two see 5x5; conv 3x3, pool 2x2
/// stride 2, conv 3x3 sees 8x8 with neighbours 2 apart.
@Test(arguments: [
    ("conv 1 3x3", "3x3 / 1"),
    ("conv 1 3x3\n  conv 1 3x3", "5x5 / 1"),
    ("conv 1 3x3\n  maxpool 2x2\n  conv 1 3x3", "8x8 / 2"),
    ("conv 1 3x3\n  conv 1 3x3 stride 2\n  conv 1 3x3 dilation 2", "13x13 / 2"),
    ("conv 1 3x5", "3x5 / 1"),
])
func summaryShowsHandWorkedReceptiveField(layers: String, field: String) throws {
    let session = Script()
    try session.rendered("model chain 32x32x1\n  \(layers)\nend")
    let rows = bodyRows(try session.rendered("summary chain"))
    #expect(rows.last?[4] == field)
}

@Test func summaryOfAnUnknownModelNamesTheProblem() {
    let session = Script()
    #expect(session.diagnostic("summary nothing")?.message == "unknown name 'nothing'")
}

@Test func declarationErrorsNameTheLayer() {
    let session = Script()
    let message = session.diagnostic("model tiny 4x4x1\n  conv 2 3x3\n  conv 2 3x3\nend")?.message
    #expect(message == "layer 2 (conv): a 3x3 kernel does not fit a 2x2 input with valid padding")
}
