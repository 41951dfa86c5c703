// Keras 3 code for declared models: the layers of SEEDS.md's models written as Keras 3 would be,
// with Keras' layer names, output shapes and parameter counts (SEEDS.md's Keras-computed numbers) as comments.
// That the scripts really run and agree with `summary` is checked with Keras itself by
// tools/verify/check_codegen.py (results in tools/verify/codegen_results.md).
import Testing
import CNNCore
import CNNScript
@testable import CNNCodegen
import CNNTestSupport

/// The code part of each line, comments and surrounding spaces removed.
private func codeOnly(_ lines: [String]) -> [String] {
    lines.compactMap { line -> String? in
        var code = Substring(line)
        if let hash = code.firstIndex(of: "#") { code = code[..<hash] }
        let trimmed = code.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
        return trimmed.isEmpty ? nil : String(trimmed)
    }
}

@Test func mnistBecomesAKerasSequentialWithTheSameLayers() throws {
    let lines = try Script().lines(SeedModels.mnist + "\ncode keras mnist")
    let code = codeOnly(lines)
    let expected = [
        "import keras",
        "from keras import layers",
        "model = keras.Sequential(",
        "[",
        "keras.Input(shape=(28, 28, 1)),",
        "layers.Conv2D(32, (3, 3), padding=\"same\", activation=\"relu\"),",
        "layers.Conv2D(64, (3, 3), padding=\"same\", activation=\"relu\"),",
        "layers.MaxPooling2D((2, 2)),",
        "layers.Flatten(),",
        "layers.Dense(128, activation=\"relu\"),",
        "layers.Dense(10, activation=\"softmax\"),",
        "],",
        "name=\"mnist\",",
        ")",
        "model.summary()",
    ]
    #expect(code == expected)
    // cnnrepl's (and SEEDS.md's Keras) names, shapes and counts stand beside each layer.
    #expect(lines.contains { $0.hasSuffix("# conv2d_1: 28x28x64, 18,496 parameters") })
    #expect(lines.contains { $0.hasSuffix("# dense: 128, 1,605,760 parameters") })
    #expect(lines.last == "model.summary()  # total: 1,625,866 parameters")
    #expect(lines.contains("#     KERAS_BACKEND=jax python3 mnist.py"))
}

@Test func cifarKeepsValidPaddingAndThePoolingDefaults() throws {
    let lines = try Script().lines(SeedModels.cifar + "\ncode keras cifar")
    let layers = codeOnly(lines).filter { $0.hasPrefix("layers.") }
    #expect(layers == [
        "layers.Conv2D(32, (3, 3), activation=\"relu\"),",
        "layers.MaxPooling2D((2, 2)),",
        "layers.Conv2D(64, (3, 3), activation=\"relu\"),",
        "layers.MaxPooling2D((2, 2)),",
        "layers.Conv2D(64, (3, 3), activation=\"relu\"),",
        "layers.Flatten(),",
        "layers.Dense(64, activation=\"relu\"),",
        "layers.Dense(10, activation=\"softmax\"),",
    ])
    #expect(lines.last == "model.summary()  # total: 122,570 parameters")
}

@Test func everySettingOfALayerIsWrittenOut() throws {
    let source = """
        model odd 29x29x3
          conv 8 5x5 stride 2 same leakyrelu
          conv 4 3x3 dilation 2
          avgpool 3x3 stride 2 same
          dropout 0.5
          globalavgpool
          dense 3
          leakyrelu
          softmax
        end
        code keras odd
        """
    let layers = codeOnly(try Script().lines(source)).filter { $0.hasPrefix("layers.") }
    #expect(layers == [
        "layers.Conv2D(8, (5, 5), strides=(2, 2), padding=\"same\", activation=lambda x: keras.activations.leaky_relu(x, negative_slope=0.3)),",
        "layers.Conv2D(4, (3, 3), dilation_rate=(2, 2)),",
        "layers.AveragePooling2D((3, 3), strides=(2, 2), padding=\"same\"),",
        "layers.Dropout(0.5),",
        "layers.GlobalAveragePooling2D(),",
        "layers.Dense(3),",
        "layers.Activation(lambda x: keras.activations.leaky_relu(x, negative_slope=0.3)),",
        "layers.Activation(\"softmax\"),",
    ])
}

@Test func paddingKerasCannotSayBecomesAZeroPaddingLayer() {
    let spec = ModelSpec(name: "padded", inputShape: [8, 8, 1], layers: [
        .conv(filters: 2, kernel: Pair(square: 3), padding: .full),
        .conv(filters: 2, kernel: Pair(square: 3), padding: .explicit(PaddingAmounts(top: 0, bottom: 1, left: 2, right: 0))),
    ])
    guard let analysis = try? spec.analyze() else {
        Issue.record("the model should analyse")
        return
    }
    let layers = codeOnly(KerasCode.script(for: spec, analysis: analysis, scriptName: "padded.py").lines)
        .filter { $0.hasPrefix("layers.") }
    #expect(layers == [
        "layers.ZeroPadding2D(padding=((2, 2), (2, 2))),",
        "layers.Conv2D(2, (3, 3)),",
        "layers.ZeroPadding2D(padding=((0, 1), (2, 0))),",
        "layers.Conv2D(2, (3, 3)),",
    ])
}

@Test func vectorModelsStartFromAVectorInput() throws {
    let source = """
        model dnn 784
          dense 128 relu
          dense 10 softmax
        end
        code keras dnn
        """
    let code = codeOnly(try Script().lines(source))
    #expect(code.contains("keras.Input(shape=(784,)),"))
}

@Test func zeroPaddingLayersKeepKerasThreeForms() throws {
    let source = """
        model pads 4x4x1
          zeropad 1
          zeropad 1x2
          zeropad 0 1 2 3
        end
        code keras pads
        """
    let layers = codeOnly(try Script().lines(source)).filter { $0.hasPrefix("layers.") }
    #expect(layers == [
        "layers.ZeroPadding2D(padding=1),",
        "layers.ZeroPadding2D(padding=(1, 2)),",
        "layers.ZeroPadding2D(padding=((0, 1), (2, 3))),",
    ])
}
