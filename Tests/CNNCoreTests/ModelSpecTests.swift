// Tests of model analysis against the Keras model tables of the learning material (/work/shared/SEEDS.md),
// whose shapes and counts were computed with Keras 3's model.summary(), and of Keras' memory-size rule.
import Testing
@testable import CNNCore

private let three = Pair(square: 3)
private let two = Pair(square: 2)

/// The CIFAR-10 / Fashion-MNIST model of the notes, with a choice of pool size and first filter count.
private func cifarModel(input: [Int], pool: Int = 2, firstFilters: Int = 32) -> ModelSpec {
    ModelSpec(inputShape: input, layers: [
        .conv(filters: firstFilters, kernel: three, activation: .relu),
        .maxPool(size: Pair(square: pool)),
        .conv(filters: 64, kernel: three, activation: .relu),
        .maxPool(size: Pair(square: pool)),
        .conv(filters: 64, kernel: three, activation: .relu),
        .flatten,
        .dense(units: 64, activation: .relu),
        .dense(units: 10, activation: .softmax),
    ])
}

@Test func mnistModelTable() throws {
    let model = ModelSpec(inputShape: [28, 28, 1], layers: [
        .conv(filters: 32, kernel: three, padding: .same, activation: .relu),
        .conv(filters: 64, kernel: three, padding: .same, activation: .relu),
        .maxPool(size: two),
        .flatten,
        .dense(units: 128, activation: .relu),
        .dense(units: 10, activation: .softmax),
    ])
    let analysis = try model.analyze()
    #expect(analysis.layers.map(\.name) == ["conv2d", "conv2d_1", "max_pooling2d", "flatten", "dense", "dense_1"])
    #expect(analysis.layers.map(\.outputShapeDescription) == ["28x28x32", "28x28x64", "14x14x64", "12544", "128", "10"])
    #expect(analysis.layers.map(\.parameters.value) == [320, 18_496, 0, 0, 1_605_760, 1_290])
    #expect(analysis.layers.map(\.parameters.formula) == [
        "3x3x1x32 + 32 = 320",
        "3x3x32x64 + 64 = 18,496",
        "no weights: pooling only picks or averages values",
        "no weights: flatten only lines the values up in one vector",
        "12544x128 + 128 = 1,605,760",
        "128x10 + 10 = 1,290",
    ])
    #expect(analysis.totalParameters == 1_625_866)
    #expect(analysis.total.formula == "320 + 18,496 + 0 + 0 + 1,605,760 + 1,290 = 1,625,866")
    #expect(analysis.totalDescription == "1,625,866 (6.20 MB)")
    #expect(analysis.trainableDescription == "1,625,866 (6.20 MB)")
    #expect(analysis.nonTrainableDescription == "0 (0.00 B)")
    #expect(analysis.name == "sequential")
    // The working: same padding keeps 28, pooling halves it, flatten multiplies out.
    #expect(analysis.layers[0].outputRows?.formula == "out = (28 + 2 - 3)/1 + 1 = 28")
    #expect(analysis.layers[0].padding == PaddingAmounts(top: 1, bottom: 1, left: 1, right: 1))
    #expect(analysis.layers[2].outputCols?.formula == "out = (28 - 2)/2 + 1 = 14")
    #expect(analysis.layers[3].flattenedSize?.formula == "14x14x64 = 12,544")
    #expect(analysis.layers.map { $0.receptiveField?.sizeDescription } == ["3x3", "5x5", "6x6", nil, nil, nil])
    #expect(analysis.layers[2].receptiveField?.jumpDescription == "2")
}

@Test func cifarModelTables() throws {
    let analysis = try cifarModel(input: [32, 32, 3]).analyze()
    #expect(analysis.layers.map(\.outputShapeDescription)
            == ["30x30x32", "15x15x32", "13x13x64", "6x6x64", "4x4x64", "1024", "64", "10"])
    #expect(analysis.layers.map(\.parameters.value) == [896, 0, 18_496, 0, 36_928, 0, 65_600, 650])
    #expect(analysis.layers.map(\.name) == ["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "conv2d_2",
                                            "flatten", "dense", "dense_1"])
    #expect(analysis.totalDescription == "122,570 (478.79 KB)")
    #expect(analysis.layers[3].outputRows?.formula == "out = floor((13 - 2)/2) + 1 = 6")

    let noPooling = try cifarModel(input: [32, 32, 3], pool: 1).analyze()
    #expect(noPooling.layers[5].outputShape == [43_264])
    #expect(noPooling.layers[5].flattenedSize?.formula == "26x26x64 = 43,264")
    #expect(noPooling.totalDescription == "2,825,930 (10.78 MB)")

    let wider = try cifarModel(input: [32, 32, 3], firstFilters: 64).analyze()
    #expect(wider.totalDescription == "141,898 (554.29 KB)")
}

@Test func fashionMnistModels() throws {
    let cnn = try cifarModel(input: [28, 28, 1]).analyze()
    #expect(cnn.layers.map(\.outputShapeDescription)
            == ["26x26x32", "13x13x32", "11x11x64", "5x5x64", "3x3x64", "576", "64", "10"])
    #expect(cnn.totalDescription == "93,322 (364.54 KB)")

    let dnn = try ModelSpec(inputShape: [28, 28], layers: [
        .flatten, .dense(units: 128, activation: .relu), .dense(units: 10, activation: .softmax),
    ]).analyze()
    #expect(dnn.layers.map(\.outputShapeDescription) == ["784", "128", "10"])
    #expect(dnn.layers.map(\.parameters.value) == [0, 100_480, 1_290])
    #expect(dnn.totalDescription == "101,770 (397.54 KB)")
}

@Test func smallExampleModel() throws {
    let analysis = try ModelSpec(inputShape: [32, 32, 3], layers: [
        .conv(filters: 6, kernel: Pair(square: 5)), .maxPool(size: two), .flatten, .dense(units: 10),
    ]).analyze()
    #expect(analysis.layers.map(\.outputShapeDescription) == ["28x28x6", "14x14x6", "1176", "10"])
    #expect(analysis.layers.map(\.parameters.formula) == [
        "5x5x3x6 + 6 = 456", "no weights: pooling only picks or averages values",
        "no weights: flatten only lines the values up in one vector", "1176x10 + 10 = 11,770",
    ])
    #expect(analysis.totalDescription == "12,226 (47.76 KB)")
}

@Test func otherLayerKinds() throws {
    let analysis = try ModelSpec(name: "extras", inputShape: [8, 8, 4], layers: [
        .avgPool(size: two, stride: Pair(square: 1), padding: .same),
        .dropout(rate: 0.2),
        .activation(.relu),
        .dense(units: 3),
        .conv(filters: 5, kernel: three, padding: .same, useBias: false),
        .globalMaxPool,
        .dense(units: 2, useBias: false),
    ]).analyze()
    #expect(analysis.layers.map(\.name) == ["average_pooling2d", "dropout", "activation", "dense", "conv2d",
                                            "global_max_pooling2d", "dense_1"])
    #expect(analysis.layers.map(\.outputShapeDescription) == ["8x8x4", "8x8x4", "8x8x4", "8x8x3", "8x8x5", "5", "2"])
    // Dense on an image acts on the last axis, as in Keras: 4 x 3 weights + 3 biases.
    #expect(analysis.layers[3].parameters.formula == "4x3 + 3 = 15")
    #expect(analysis.layers[4].parameters.formula == "3x3x3x5 = 135")
    #expect(analysis.layers[6].parameters.formula == "5x2 = 10")
    #expect(analysis.layers[1].parameters.formula == "no weights: dropout only zeroes random values while training")
    #expect(analysis.layers[5].parameters.formula == "no weights: global pooling keeps the largest value of each whole map")
    #expect(analysis.totalParameters == 160)
    #expect(analysis.name == "extras")
    // Same 2x2 pooling with stride 1 pads one row/column at the bottom/right, as TensorFlow does.
    #expect(analysis.layers[0].padding == PaddingAmounts(top: 0, bottom: 1, left: 0, right: 1))
    #expect(analysis.layers.map { $0.receptiveField?.sizeDescription } == ["2x2", "2x2", "2x2", "2x2", "4x4", nil, nil])
    let gap = try ModelSpec(inputShape: [7, 7, 16], layers: [.globalAvgPool]).analyze()
    #expect(gap.layers.first?.name == "global_average_pooling2d")
    #expect(gap.outputShape == [16])
    let empty = try ModelSpec(inputShape: [10], layers: []).analyze()
    #expect(empty.totalDescription == "0 (0.00 B)")
    #expect(empty.outputShape == [10])
}

@Test func zeroPaddingLayersAddRowsAndColumnsAsKerasZeroPadding2D() throws {
    // Keras: ZeroPadding2D(((1, 0), (2, 1))) on 28x28x1 gives 29x31x1; a second one is zero_padding2d_1.
    let uneven = PaddingAmounts(top: 1, bottom: 0, left: 2, right: 1)
    let analysis = try ModelSpec(inputShape: [28, 28, 1], layers: [
        .zeroPadding(uneven), .conv(filters: 2, kernel: three),
        .zeroPadding(PaddingAmounts(top: 1, bottom: 1, left: 1, right: 1)),
    ]).analyze()
    #expect(analysis.layers.map(\.name) == ["zero_padding2d", "conv2d", "zero_padding2d_1"])
    #expect(analysis.layers.map(\.outputShapeDescription) == ["29x31x1", "27x29x2", "29x31x2"])
    #expect(analysis.layers[0].parameters.formula == "no weights: zero padding only adds zeros around each map")
    #expect(analysis.layers[0].outputRows?.formula == "out = 1 + 28 + 0 = 29")
    #expect(analysis.layers[0].outputCols?.formula == "out = 2 + 28 + 1 = 31")
    #expect(analysis.layers[0].padding == uneven)
    // Padding does not widen what one value sees; the 3x3 conv after it does.
    #expect(analysis.layers.map { $0.receptiveField?.sizeDescription } == ["1x1", "3x3", "3x3"])
    #expect(analysis.totalParameters == 20)
    let onVector = analysisError(ModelSpec(inputShape: [10], layers: [.zeroPadding(uneven)]))
    #expect(onVector?.message.hasPrefix("layer 1 (zeropad): the input is a vector of 10 values, but zero padding needs an image") == true)
}

@Test func layersCompareByKindAndSettings() {
    #expect(LayerSpec.conv(filters: 2, kernel: three) == .conv(filters: 2, kernel: three, activation: .linear))
    #expect(LayerSpec.conv(filters: 2, kernel: three) != .conv(filters: 3, kernel: three))
    #expect(LayerSpec.maxPool(size: two) != .avgPool(size: two))
    #expect(LayerSpec.globalMaxPool != .globalAvgPool)
    #expect(LayerSpec.activation(.relu) != .dense(units: 1, activation: .relu))
    #expect(LayerSpec.flatten == .flatten)
}

/// The CoreError that analysing `model` throws (nil if none).
private func analysisError(_ model: ModelSpec) -> CoreError? {
    do {
        _ = try model.analyze()
        return nil
    } catch let error as CoreError {
        return error
    } catch {
        return nil
    }
}

@Test func errorsNameTheLayer() {
    let tooSmall = analysisError(ModelSpec(inputShape: [4, 4, 1], layers: [
        .conv(filters: 8, kernel: three), .conv(filters: 8, kernel: three),
    ]))
    #expect(tooSmall == CoreError("layer 2 (conv): a 3x3 kernel does not fit a 2x2 input with valid padding",
                                  hint: "use same padding or a smaller kernel"))
    let dilated = analysisError(ModelSpec(inputShape: [4, 4, 1], layers: [.conv(filters: 1, kernel: three, dilation: two)]))
    #expect(dilated?.message == "layer 1 (conv): a 3x3 kernel with dilation 2 (spanning 5x5) does not fit a 4x4 input with valid padding")
    let pooled = analysisError(ModelSpec(inputShape: [3, 3, 1], layers: [.maxPool(size: two), .maxPool(size: two)]))
    #expect(pooled?.message == "layer 2 (maxpool): a 2x2 pooling window does not fit a 1x1 input with valid padding")
    let afterFlatten = analysisError(ModelSpec(inputShape: [3, 3, 1], layers: [.flatten, .conv(filters: 1, kernel: three)]))
    #expect(afterFlatten?.message == "layer 2 (conv): the input is a vector of 9 values, but conv needs an image (H x W x C)")
    let grayscale = analysisError(ModelSpec(inputShape: [28, 28], layers: [.conv(filters: 1, kernel: three)]))
    #expect(grayscale?.message == "layer 1 (conv): the input is 28x28, but conv needs H x W x C (height, width, channels)")
    #expect(grayscale?.hint == "for a grayscale image give the input shape as 28x28x1")
    let globalOnVector = analysisError(ModelSpec(inputShape: [5], layers: [.globalAvgPool]))
    #expect(globalOnVector?.message.hasPrefix("layer 1 (globalavgpool): the input is a vector of 5 values") == true)
    let noFilters = analysisError(ModelSpec(inputShape: [5, 5, 1], layers: [.conv(filters: 0, kernel: three)]))
    #expect(noFilters?.message == "layer 1 (conv): the number of filters must be at least 1, not 0")
    let noUnits = analysisError(ModelSpec(inputShape: [5], layers: [.dense(units: 0)]))
    #expect(noUnits?.message == "layer 1 (dense): the number of units must be at least 1, not 0")
    let badRate = analysisError(ModelSpec(inputShape: [5], layers: [.activation(.tanh), .dropout(rate: 1.5)]))
    #expect(badRate?.message == "layer 2 (dropout): the rate must be between 0 and 1, not 1.5")
    #expect(analysisError(ModelSpec(inputShape: [5], layers: [.dropout(rate: .nan)])) != nil)
    #expect(analysisError(ModelSpec(inputShape: [5], layers: [.dropout(rate: 1)])) == nil)
    let zeroStride = analysisError(ModelSpec(inputShape: [5, 5, 1], layers: [.maxPool(size: two, stride: Pair(1, 0))]))
    #expect(zeroStride?.message == "layer 1 (maxpool): the stride must be at least 1, not 0")
    let hugeKernel = analysisError(ModelSpec(inputShape: [5, 5, 1], layers: [.conv(filters: 1, kernel: Pair(square: 1 << 40))]))
    #expect(hugeKernel?.message.hasPrefix("layer 1 (conv): the kernel size 1,099,511,627,776 is larger than cnnrepl allows") == true)
    let negativePad = analysisError(ModelSpec(inputShape: [5, 5, 1], layers: [
        .conv(filters: 1, kernel: three, padding: .explicit(PaddingAmounts(top: -1, bottom: 0, left: 0, right: 0))),
    ]))
    #expect(negativePad?.message == "layer 1 (conv): the padding must be at least 0, not -1")
}

@Test func overflowingSizesThrow() {
    let flatten = analysisError(ModelSpec(inputShape: [1 << 31, 1 << 31, 1 << 31], layers: [.flatten]))
    #expect(flatten?.message == "layer 1 (flatten): flattening 2147483648x2147483648x2147483648 gives too many values to count")
    let dense = analysisError(ModelSpec(inputShape: [Int.max], layers: [.dense(units: 2)]))
    #expect(dense?.message.hasPrefix("layer 1 (dense): the parameter count") == true)
    // Each dense layer has 2^62 weights; together they pass Int.max.
    let total = analysisError(ModelSpec(inputShape: [1 << 36], layers: [
        .dense(units: 1 << 26, useBias: false), .dense(units: 1 << 36, useBias: false),
    ]))
    #expect(total?.message == "model: the total parameter count is too large to compute")
    // Full padding grows the image; the growth is caught before any arithmetic can overflow.
    let kernel = Pair(square: 50_000_000)
    let growing = analysisError(ModelSpec(inputShape: [1, 1, 1], layers: [
        .maxPool(size: kernel, stride: Pair(square: 1), padding: .full),
        .maxPool(size: kernel, stride: Pair(square: 1), padding: .full),
        .maxPool(size: kernel, stride: Pair(square: 1), padding: .full),
        .maxPool(size: kernel, stride: Pair(square: 1), padding: .full),
    ]))
    #expect(growing?.message == "layer 4 (maxpool): the input height 149,999,998 is larger than cnnrepl allows (100,000,000)")
}

@Test func inputShapeErrors() {
    for shape in [[], [0, 3], [28, 28, 1, 1], [-1]] {
        let error = analysisError(ModelSpec(inputShape: shape, layers: [.flatten]))
        #expect(error?.message.hasPrefix("model input: the shape must be") == true, "\(shape)")
    }
}

@Test func kerasMemorySizes() {
    // Expected strings computed with Keras 3's readable_memory_size rule in Python.
    #expect(MemorySize.float32(parameters: 0) == "0.00 B")
    #expect(MemorySize.float32(parameters: 1) == "4.00 B")
    #expect(MemorySize.float32(parameters: 255) == "1020.00 B")
    #expect(MemorySize.float32(parameters: 256) == "1.00 KB")
    #expect(MemorySize.float32(parameters: 288) == "1.12 KB")  // 1.125 KB: a tie, rounded to even
    #expect(MemorySize.float32(parameters: 352) == "1.38 KB")  // 1.375 KB: a tie, rounded to even
    #expect(MemorySize.float32(parameters: 262_144) == "1.00 MB")
    #expect(MemorySize.float32(parameters: 1_625_866) == "6.20 MB")
    #expect(MemorySize.float32(parameters: 1 << 61) == "8.00 PB")
    #expect(MemorySize.float32(parameters: 9 << 58) == "9.00 PB")  // 9,216 PB: Keras divides once more
    #expect(MemorySize.float32(parameters: Int.max) == "32.00 PB")
    #expect(MemorySize.float32(parameters: -5) == "0.00 B")
}
