#!/usr/bin/env python3
"""Writes lessons/models/resnet50.cnn, mobilenetv2.cnn and densenet121.cnn from the architectures as
keras.applications builds them (keras/src/applications/resnet.py, mobilenet_v2.py, densenet.py), every
layer named as Keras names it ("/" written "_"), so `summary NAME` reads like Keras' model.summary().

Run from the repository:  python3 tools/models/write_reference_models.py   (no dependencies)
The parameter counts these files must give are checked against Keras itself by
Tests/CNNScriptTests/ReferenceModelTests.swift, with numbers from tools/fixtures/gen_reference_models.py.
"""
import os

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def write(name, lines):
    with open(os.path.join(ROOT, "lessons", "models", f"{name}.cnn"), "w") as f:
        f.write("\n".join(lines) + "\n")


def resnet50():
    lines = [
        "# ResNet50 (He, Zhang, Ren & Sun, \"Deep Residual Learning for Image Recognition\", 2015), as",
        "# keras.applications.ResNet50(weights=None) builds it for a 224x224x3 image and 1,000 classes, every layer",
        "# named as Keras names it. Written by tools/models/write_reference_models.py.",
        "#",
        "# A bottleneck block is the paper's Figure 5 (right): 1x1 (reduce), 3x3, 1x1 (restore 4x the filters),",
        "# each followed by batch normalization, and the block's input added to the result before the last ReLU:",
        "#     y = relu(F(x) + x). The first block of each stage changes the shape (4x the filters, and stride 2 from",
        "# stage 3 on), so its shortcut is a projection: a 1x1 conv with batch norm (the block's _0_ layers).",
        "# 25,636,712 parameters, of which 53,120 are batch norm's moving means and variances (not trained).",
        "model resnet50 224x224x3",
        "  conv1_pad = zeropadding 3",
        "  conv1_conv = conv 64 7x7 stride 2",
        "  conv1_bn = batchnorm",
        "  conv1_relu = relu",
        "  pool1_pad = zeropadding 1",
        "  pool1_pool = maxpool 3x3 stride 2",
    ]
    previous = "pool1_pool"
    for stage, (filters, blocks, stride) in enumerate([(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)], start=2):
        for block in range(1, blocks + 1):
            p = f"conv{stage}_block{block}"
            s = f" stride {stride}" if block == 1 and stride > 1 else ""
            if block == 1:
                lines += [f"  # stage {stage}, block 1: {filters}, {filters}, {4 * filters} filters, with a projection shortcut",
                          f"  {p}_0_conv = conv {4 * filters} 1x1{s} from {previous}",
                          f"  {p}_0_bn = batchnorm",
                          f"  {p}_1_conv = conv {filters} 1x1{s} from {previous}"]
                shortcut = f"{p}_0_bn"
            else:
                lines.append(f"  {p}_1_conv = conv {filters} 1x1")
                shortcut = previous
            lines += [f"  {p}_1_bn = batchnorm", f"  {p}_1_relu = relu",
                      f"  {p}_2_conv = conv {filters} 3x3 same", f"  {p}_2_bn = batchnorm", f"  {p}_2_relu = relu",
                      f"  {p}_3_conv = conv {4 * filters} 1x1", f"  {p}_3_bn = batchnorm",
                      f"  {p}_add = add {shortcut} {p}_3_bn", f"  {p}_out = relu"]
            previous = f"{p}_out"
    lines += ["  avg_pool = globalavgpool", "  predictions = dense 1000 softmax", "end", "summary resnet50"]
    write("resnet50", lines)


def mobilenetv2():
    lines = [
        "# MobileNetV2 (Sandler, Howard, Zhu, Zhmoginov & Chen, \"MobileNetV2: Inverted Residuals and Linear",
        "# Bottlenecks\", 2018), as keras.applications.MobileNetV2(weights=None) builds it (alpha 1.0) for a",
        "# 224x224x3 image and 1,000 classes, every layer named as Keras names it. Written by",
        "# tools/models/write_reference_models.py.",
        "#",
        "# An inverted residual block (the paper's Figure 3b): a 1x1 conv expands the channels 6 times (ReLU6),",
        "# a 3x3 depthwise conv filters each channel on its own (ReLU6), and a 1x1 conv projects back down with no",
        "# activation (the linear bottleneck). When the shapes agree (stride 1, same channels) the block's input",
        "# is added to its output. Convolutions have no biases (batch norm's beta takes their place); a stride-2",
        "# depthwise conv pads one row and column at the bottom and right first (Keras' correct_pad).",
        "# 3,538,984 parameters, of which 34,112 are batch norm's moving means and variances (not trained).",
        "model mobilenetv2 224x224x3",
        "  Conv1 = conv 32 3x3 stride 2 same nobias",
        "  bn_Conv1 = batchnorm",
        "  Conv1_relu = relu6",
        "  expanded_conv_depthwise = depthwiseconv 3x3 same nobias",
        "  expanded_conv_depthwise_BN = batchnorm",
        "  expanded_conv_depthwise_relu = relu6",
        "  expanded_conv_project = conv 16 1x1 same nobias",
        "  expanded_conv_project_BN = batchnorm",
    ]
    channels, size, previous = 16, 112, "expanded_conv_project_BN"
    settings = [(24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6),
                (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6)]
    for block, (filters, stride, expansion) in enumerate(settings, start=1):
        p = f"block_{block}"
        lines += [f"  # block {block}: expand {channels} -> {expansion * channels}, depthwise 3x3 stride {stride}, project to {filters}",
                  f"  {p}_expand = conv {expansion * channels} 1x1 same nobias", f"  {p}_expand_BN = batchnorm",
                  f"  {p}_expand_relu = relu6"]
        if stride == 2:
            lines.append(f"  {p}_pad = zeropadding [0, 1, 0, 1]")
            lines.append(f"  {p}_depthwise = depthwiseconv 3x3 stride 2 nobias")
            size //= 2
        else:
            lines.append(f"  {p}_depthwise = depthwiseconv 3x3 same nobias")
        lines += [f"  {p}_depthwise_BN = batchnorm", f"  {p}_depthwise_relu = relu6",
                  f"  {p}_project = conv {filters} 1x1 same nobias", f"  {p}_project_BN = batchnorm"]
        last = f"{p}_project_BN"
        if stride == 1 and filters == channels:
            lines.append(f"  {p}_add = add {previous} {p}_project_BN")
            last = f"{p}_add"
        channels, previous = filters, last
    lines += ["  Conv_1 = conv 1280 1x1 nobias", "  Conv_1_bn = batchnorm", "  out_relu = relu6",
              "  global_average_pooling2d = globalavgpool", "  predictions = dense 1000 softmax", "end", "summary mobilenetv2"]
    write("mobilenetv2", lines)


def densenet121():
    lines = [
        "# DenseNet121 (Huang, Liu, van der Maaten & Weinberger, \"Densely Connected Convolutional Networks\",",
        "# 2016), as keras.applications.DenseNet121(weights=None) builds it for a 224x224x3 image and 1,000 classes,",
        "# every layer named as Keras names it, with \"_\" for Keras' \"/\" (Keras' conv2_block1_1_conv is",
        "# \"conv2_block1_1_conv\", its \"conv1/conv\" is conv1_conv). Written by tools/models/write_reference_models.py.",
        "#",
        "# In a dense block every layer sees the maps of all layers before it (the paper's Figure 1): each",
        "# layer is batch norm, ReLU, a 1x1 conv to 128 maps, batch norm, ReLU, a 3x3 conv to 32 new maps (the",
        "# growth rate), and its 32 maps are concatenated to its input, so a block of n layers adds 32n channels.",
        "# Between blocks a transition halves the channels (1x1 conv) and the size (2x2 average pooling).",
        "# 8,062,504 parameters, of which 83,648 are batch norm's moving means and variances (not trained).",
        "model densenet121 224x224x3",
        "  zero_padding2d = zeropadding 3",
        "  conv1_conv = conv 64 7x7 stride 2 nobias",
        "  conv1_bn = batchnorm",
        "  conv1_relu = relu",
        "  zero_padding2d_1 = zeropadding 1",
        "  pool1 = maxpool 3x3 stride 2",
    ]
    channels, previous = 64, "pool1"
    for stage, blocks in enumerate([6, 12, 24, 16], start=2):
        lines.append(f"  # dense block {stage - 1}: {blocks} layers, {channels} -> {channels + 32 * blocks} channels")
        for block in range(1, blocks + 1):
            p = f"conv{stage}_block{block}"
            lines += [f"  {p}_0_bn = batchnorm", f"  {p}_0_relu = relu", f"  {p}_1_conv = conv 128 1x1 nobias",
                      f"  {p}_1_bn = batchnorm", f"  {p}_1_relu = relu", f"  {p}_2_conv = conv 32 3x3 same nobias",
                      f"  {p}_concat = concat {previous} {p}_2_conv"]
            previous = f"{p}_concat"
            channels += 32
        if stage < 5:
            p = f"pool{stage}"
            channels //= 2
            lines += [f"  # transition: {2 * channels} -> {channels} channels, half the size",
                      f"  {p}_bn = batchnorm", f"  {p}_relu = relu", f"  {p}_conv = conv {channels} 1x1 nobias",
                      f"  {p}_pool = avgpool 2x2 stride 2"]
            previous = f"{p}_pool"
    lines += ["  bn = batchnorm", "  relu = relu", "  avg_pool = globalavgpool", "  predictions = dense 1000 softmax",
              "end", "summary densenet121"]
    write("densenet121", lines)


if __name__ == "__main__":
    resnet50()
    mobilenetv2()
    densenet121()
