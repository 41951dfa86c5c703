// KerasNamesTests: the names Keras 3 files weights under (keras/src/utils/naming.py's to_snake_case).
@testable import CNNKeras
import Testing

@Test func snakeCaseIsKeras() {
    // Expected values printed by Keras' own to_snake_case.
    let expected = ["Conv2D": "conv2d", "MaxPooling2D": "max_pooling2d", "ReLU": "re_lu", "BatchNormalization": "batch_normalization",
                    "DepthwiseConv2D": "depthwise_conv2d", "Conv2DTranspose": "conv2d_transpose", "UpSampling2D": "up_sampling2d",
                    "ZeroPadding2D": "zero_padding2d", "GlobalAveragePooling2D": "global_average_pooling2d",
                    "InputLayer": "input_layer", "LeakyReLU": "leaky_re_lu", "SeparableConv2D": "separable_conv2d",
                    "Concatenate": "concatenate", "AveragePooling2D": "average_pooling2d", "Dense": "dense"]
    for (name, snake) in expected { #expect(KerasNames.snakeCase(name) == snake, "\(name)") }
}

@Test func containerPathsNumberRepeats() {
    #expect(KerasNames.containerPaths(["Conv2D", "Conv2D", "Dense", "Conv2D"])
            == ["layers/conv2d", "layers/conv2d_1", "layers/dense", "layers/conv2d_2"])
}
