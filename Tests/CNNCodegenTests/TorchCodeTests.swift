// PyTorch code for declared models: channels first, in_channels/in_features from cnnrepl's analysis,
// `same` padding as PyTorch can say it (padding="same" for stride 1, an explicit nn.ZeroPad2d for
// TensorFlow's asymmetric case), activations as modules named after their layer. That the modules give
// the same shapes and parameter counts as `summary` is checked with PyTorch itself by
// tools/verify/check_codegen.py.
import Testing
import CNNCore
import CNNScript
@testable import CNNCodegen
import CNNTestSupport

/// The modules of the nn.Sequential: the `("name", nn.Module(...)),` lines without comments.
private func modules(_ lines: [String]) -> [String] {
    lines.compactMap { line -> String? in
        let trimmed = line.drop { $0 == " " }
        guard trimmed.hasPrefix("(\"") else { return nil }
        var code = Substring(trimmed)
        if let end = code.firstRange(of: "),  ") { code = code[..<end.lowerBound] + ")," }
        return String(code.reversed().drop { $0 == " " }.reversed())
    }
}

@Test func mnistBecomesATorchSequentialChannelsFirst() throws {
    let lines = try Script().lines(SeedModels.mnist + "\ncode torch mnist")
    #expect(modules(lines) == [
        "(\"conv2d\", nn.Conv2d(1, 32, kernel_size=(3, 3), padding=\"same\")),",
        "(\"conv2d_relu\", nn.ReLU()),",
        "(\"conv2d_1\", nn.Conv2d(32, 64, kernel_size=(3, 3), padding=\"same\")),",
        "(\"conv2d_1_relu\", nn.ReLU()),",
        "(\"max_pooling2d\", nn.MaxPool2d(kernel_size=(2, 2))),",
        "(\"flatten\", nn.Flatten()),",
        "(\"dense\", nn.Linear(12544, 128)),",
        "(\"dense_relu\", nn.ReLU()),",
        "(\"dense_1\", nn.Linear(128, 10)),",
        "(\"dense_1_softmax\", nn.Softmax(dim=1)),",
    ])
    #expect(lines.contains("x = torch.zeros(1, 1, 28, 28)"))
    #expect(lines.contains { $0.contains("28x28x32 in cnnrepl, (32, 28, 28) here; 320 parameters") })
    #expect(lines.contains { $0.hasSuffix("# cnnrepl: 1,625,866") })
}

@Test func tensorflowsAsymmetricSamePaddingIsAnExplicitZeroPad() throws {
    // 28x28, 3x3, stride 2, same: out 14, total padding (14 - 1)*2 + 3 - 28 = 1 -> 0 above, 1 below.
    // 28x28, 5x5, stride 2, same: total (14 - 1)*2 + 5 - 28 = 3 -> 1 above, 2 below.
    // 29x29, 3x3, stride 2, same: total (15 - 1)*2 + 3 - 29 = 2 -> 1 on each side, which PyTorch says itself.
    let source = """
        model strided 28x28x1
          conv 4 3x3 stride 2 same
          conv 4 5x5 stride 2 same
        end
        model odd 29x29x1
          conv 4 3x3 stride 2 same
          conv 2 2x2 same
        end
        code torch strided
        """
    let session = Script()
    #expect(modules(try session.lines(source)) == [
        "(\"conv2d_pad\", nn.ZeroPad2d((0, 1, 0, 1))),",
        "(\"conv2d\", nn.Conv2d(1, 4, kernel_size=(3, 3), stride=(2, 2))),",
        "(\"conv2d_1_pad\", nn.ZeroPad2d((1, 2, 1, 2))),",
        "(\"conv2d_1\", nn.Conv2d(4, 4, kernel_size=(5, 5), stride=(2, 2))),",
    ])
    // A 2x2 kernel at stride 1 pads 0 above and 1 below: asymmetric too.
    #expect(modules(try session.lines("code torch odd")) == [
        "(\"conv2d\", nn.Conv2d(1, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))),",
        "(\"conv2d_1_pad\", nn.ZeroPad2d((0, 1, 0, 1))),",
        "(\"conv2d_1\", nn.Conv2d(4, 2, kernel_size=(2, 2))),",
    ])
}

@Test func poolingGlobalPoolingAndDenseOnAnImage() throws {
    let source = """
        model pools 7x7x2
          maxpool 2x2 same
          avgpool 3x3 stride 1 same
          dense 5 softmax
          globalmaxpool
          dropout 0.25
        end
        code torch pools
        """
    #expect(modules(try Script().lines(source)) == [
        "(\"max_pooling2d_pad\", nn.ConstantPad2d((0, 1, 0, 1), float(\"-inf\"))),",
        "(\"max_pooling2d\", nn.MaxPool2d(kernel_size=(2, 2))),",
        "(\"average_pooling2d\", nn.AvgPool2d(kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), count_include_pad=False)),",
        "(\"dense\", nn.Conv2d(2, 5, kernel_size=1)),",
        "(\"dense_softmax\", nn.Softmax(dim=1)),",
        "(\"global_max_pooling2d\", nn.AdaptiveMaxPool2d(1)),",
        "(\"global_max_pooling2d_flatten\", nn.Flatten()),",
        "(\"dropout\", nn.Dropout(p=0.25)),",
    ])
}

@Test func zeroPaddingLayersBecomeZeroPad2dWithPyTorchsSideOrder() throws {
    let source = """
        model pads 4x4x1
          zeropad 1
          zeropad 0 1 2 3
        end
        code torch pads
        """
    #expect(modules(try Script().lines(source)) == [
        "(\"zero_padding2d\", nn.ZeroPad2d((1, 1, 1, 1))),",
        "(\"zero_padding2d_1\", nn.ZeroPad2d((2, 3, 0, 1))),",
    ])
}

@Test func aModelEndingInSoftmaxSaysCrossEntropyLossWantsLogits() throws {
    let withSoftmax = try Script().lines("model s 4\n  dense 3 softmax\nend\ncode torch s")
    #expect(withSoftmax.contains { $0.contains("nn.CrossEntropyLoss") } && withSoftmax.contains { $0.contains("wants the logits") })
    #expect(withSoftmax.contains { $0.contains("logits_model = model[:-1]") })
    let withoutSoftmax = try Script().lines("model s 4\n  dense 3 relu\nend\ncode torch s")
    #expect(!withoutSoftmax.contains { $0.contains("CrossEntropyLoss") })
}
