// TorchCode: a declared model as a runnable PyTorch script (an nn.Sequential and a Keras-like summary).
//
// Design note. PyTorch keeps images channels first (a batch is N x C x H x W) where cnnrepl and Keras
// keep them last, so the translation is not word for word:
//   - Conv2d and Linear need their input size, taken from cnnrepl's analysis (in_channels, in_features).
//   - Padding: PyTorch's padding="same" works for stride 1 only; it is used when the padding is the same
//     on both sides. Other symmetric padding is written as numbers, and TensorFlow's asymmetric padding
//     (the extra row/column at the bottom/right, e.g. a 3x3 kernel at stride 2 on 28x28) becomes an
//     explicit nn.ZeroPad2d((left, right, top, bottom)) before a conv without padding.
//   - Pooling with `same`: PyTorch's pooling padding is symmetric, ignores padded cells for max pooling
//     and, with count_include_pad=False, for average pooling, as TensorFlow does. Asymmetric max pooling
//     pads with -inf first (nn.ConstantPad2d), which never wins; asymmetric average pooling has no exact
//     equivalent and says so (the shapes still match).
//   - Flatten lines the values up channel by channel (C x H x W), not pixel by pixel: the same number of
//     values in another order, so the dense layer after it has the same parameter count.
//   - A Keras Dense on an image acts on each pixel's channels; with channels first that is a 1x1 Conv2d.
//   - Activations are modules of their own (nn.ReLU(), nn.Softmax(dim=1), ...).
// The modules are named after cnnrepl's (and Keras') layer names, e.g. "conv2d", with extra modules
// called "conv2d_pad" or "conv2d_relu", so the printed summary reads like `summary NAME`.
import CNNCore
import CNNScript

/// Writes PyTorch code for a model.
public enum TorchCode {
    /// One module of the nn.Sequential: its name, its constructor and a comment.
    struct Module {
        var name: String
        var code: String
        var comment: String?
    }

    /// A stand-alone PyTorch script that builds `spec` and prints each layer's output shape and parameters.
    public static func script(for spec: ModelSpec, analysis: ModelAnalysis, scriptName: String) -> GeneratedCode {
        var modules: [Module] = []
        for layer in analysis.layers {
            modules += self.modules(for: layer)
        }
        let example = [1] + channelsFirst(spec.inputShape)
        var lines = [
            "# PyTorch code for the model \(spec.name), written by cnnrepl (code torch \(spec.name)).",
            "# The same layers, output sizes and parameter counts as cnnrepl's `summary \(spec.name)`. PyTorch keeps",
            "# images channels first: one \(Shape.describe(spec.inputShape)) example is \(PythonText.tuple(channelsFirst(spec.inputShape))) here, and a batch",
            "# of N examples is (N, \(channelsFirst(spec.inputShape).map(String.init).joined(separator: ", "))).",
            "# Run it with: pip install torch, then python3 \(scriptName)",
            "from collections import OrderedDict",
            "",
            "import torch",
            "from torch import nn",
            "",
            "model = nn.Sequential(OrderedDict([",
        ]
        let rows = modules.map { module in
            (code: "(\(PythonText.string(module.name)), \(module.code)),", comment: module.comment)
        }
        lines += PythonText.aligned(rows, indent: "    ", limit: 72)
        lines += [
            "]))",
            "",
            "# Each layer's output for one example (channels first) and its parameters, like Keras' model.summary().",
            "x = torch.zeros\(PythonText.tuple(example))",
            "print(f\"{'layer':<28}{'output shape':<20}{'params':>12}\")",
            "for name, layer in model.named_children():",
            "    x = layer(x)",
            "    params = sum(p.numel() for p in layer.parameters())",
            "    print(f\"{name:<28}{str(tuple(x.shape[1:])):<20}{params:>12,}\")",
            "print(f\"total parameters: {sum(p.numel() for p in model.parameters()):,}\")"
                + "  # cnnrepl: \(Format.count(analysis.totalParameters))",
        ]
        return GeneratedCode(lines: lines, title: "PyTorch code for the model \(spec.name)")
    }

    /// H x W x C as PyTorch holds it (C x H x W); vectors and H x W maps keep their order.
    static func channelsFirst(_ shape: [Int]) -> [Int] {
        shape.count == 3 ? [shape[2], shape[0], shape[1]] : shape
    }

    /// "28x28x32 in cnnrepl, (32, 28, 28) here; 320 parameters": cnnrepl's shape and count for a comment.
    static func describe(_ layer: LayerAnalysis) -> String {
        var text = layer.outputShapeDescription
        if layer.outputShape.count == 3 { text += " in cnnrepl, \(PythonText.tuple(channelsFirst(layer.outputShape))) here" }
        if layer.parameters.value > 0 { text += "; \(Format.count(layer.parameters.value)) parameters" }
        return text
    }

    /// The module(s) one layer becomes.
    static func modules(for layer: LayerAnalysis) -> [Module] {
        let name = layer.name
        let shape = describe(layer)
        switch layer.spec {
        case let .conv(filters, kernel, stride, padding, dilation, activation, useBias):
            var modules: [Module] = []
            var arguments = ["\(layer.inputShape.count == 3 ? layer.inputShape[2] : 1)", "\(filters)",
                             "kernel_size=\(PythonText.pair(kernel))"]
            if stride != Pair(square: 1) { arguments.append("stride=\(PythonText.pair(stride))") }
            let amounts = layer.padding ?? .zero
            var note = shape
            if !amounts.isZero {
                if amounts.top == amounts.bottom && amounts.left == amounts.right {
                    if padding == .same && stride == Pair(square: 1) {
                        arguments.append("padding=\"same\"")
                    } else {
                        arguments.append("padding=\(PythonText.pair(Pair(amounts.top, amounts.left)))")
                        note += "; \(padding) pads \(amounts.top) row(s) and \(amounts.left) column(s) on each side"
                    }
                } else {
                    let why = padding == .same
                        ? "TensorFlow's same: the extra row/column goes to the bottom/right"
                        : "\(padding) padding, not the same on both sides"
                    modules.append(Module(name: "\(name)_pad", code: zeroPad(amounts), comment: why))
                }
            }
            if dilation != Pair(square: 1) { arguments.append("dilation=\(PythonText.pair(dilation))") }
            if !useBias { arguments.append("bias=False") }
            modules.append(Module(name: name, code: "nn.Conv2d(\(arguments.joined(separator: ", ")))", comment: note))
            modules += activationModules(activation, after: name, outputRank: layer.outputShape.count)
            return modules

        case let .maxPool(size, stride, padding), let .avgPool(size, stride, padding):
            let isMax: Bool
            if case .maxPool = layer.spec { isMax = true } else { isMax = false }
            let className = isMax ? "MaxPool2d" : "AvgPool2d"
            var modules: [Module] = []
            var arguments = ["kernel_size=\(PythonText.pair(size))"]
            if let stride, stride != size { arguments.append("stride=\(PythonText.pair(stride))") }
            let amounts = layer.padding ?? .zero
            var note = shape
            if !amounts.isZero {
                let symmetric = amounts.top == amounts.bottom && amounts.left == amounts.right
                if padding == .same && symmetric {
                    arguments.append("padding=\(PythonText.pair(Pair(amounts.top, amounts.left)))")
                    if !isMax { arguments.append("count_include_pad=False") }
                    note += "; same: padded cells take no part, as in TensorFlow"
                } else if padding == .same && isMax {
                    modules.append(Module(name: "\(name)_pad", code: constantPad(amounts, value: "float(\"-inf\")"),
                                          comment: "TensorFlow's same: -inf never wins, so padded cells take no part"))
                } else {
                    modules.append(Module(name: "\(name)_pad", code: zeroPad(amounts),
                                          comment: padding == .same
                                            ? "TensorFlow's same, not exact: its edge averages count real cells only"
                                            : "\(padding) padding: the zeros take part"))
                }
            }
            modules.append(Module(name: name, code: "nn.\(className)(\(arguments.joined(separator: ", ")))", comment: note))
            return modules

        case .globalAvgPool, .globalMaxPool:
            let className = layer.spec == .globalAvgPool ? "AdaptiveAvgPool2d" : "AdaptiveMaxPool2d"
            return [
                Module(name: name, code: "nn.\(className)(1)", comment: "one value per map: C x 1 x 1"),
                Module(name: "\(name)_flatten", code: "nn.Flatten()", comment: shape),
            ]

        case .flatten:
            let order = layer.inputShape.count == 3 ? " values, channel by channel (Keras: pixel by pixel)" : ""
            return [Module(name: name, code: "nn.Flatten()", comment: shape + order)]

        case let .dense(units, activation, useBias):
            let inputs = layer.inputShape.last ?? 1
            var modules: [Module]
            if layer.inputShape.count == 3 {
                var arguments = ["\(inputs)", "\(units)", "kernel_size=1"]
                if !useBias { arguments.append("bias=False") }
                modules = [Module(name: name, code: "nn.Conv2d(\(arguments.joined(separator: ", ")))",
                                  comment: shape + "; a Dense on each pixel's channels is a 1x1 conv")]
            } else {
                var arguments = ["\(inputs)", "\(units)"]
                if !useBias { arguments.append("bias=False") }
                modules = [Module(name: name, code: "nn.Linear(\(arguments.joined(separator: ", ")))", comment: shape)]
            }
            modules += activationModules(activation, after: name, outputRank: layer.outputShape.count)
            return modules

        case let .dropout(rate):
            return [Module(name: name, code: "nn.Dropout(p=\(PythonText.float(rate)))", comment: shape + "; only while training")]

        case let .activation(kind):
            return [Module(name: name, code: activationModule(kind, outputRank: layer.outputShape.count) ?? "nn.Identity()",
                           comment: shape)]
        }
    }

    /// The activation module after a conv or dense layer, named "conv2d_relu" and so on (none for linear).
    static func activationModules(_ kind: ActivationKind?, after name: String, outputRank: Int) -> [Module] {
        guard let kind, let code = activationModule(kind, outputRank: outputRank) else { return [] }
        return [Module(name: "\(name)_\(kind.rawValue)", code: code, comment: nil)]
    }

    /// nn.ReLU(), nn.Softmax(dim=1), ...; softmax runs along the channels (images) or features (vectors),
    /// which PyTorch holds on axis 1, and along the last axis of an H x W map. Nil for linear.
    static func activationModule(_ kind: ActivationKind, outputRank: Int) -> String? {
        switch kind {
        case .relu: return "nn.ReLU()"
        case .sigmoid: return "nn.Sigmoid()"
        case .tanh: return "nn.Tanh()"
        case .softmax: return outputRank == 2 ? "nn.Softmax(dim=-1)" : "nn.Softmax(dim=1)"
        case .leakyrelu: return "nn.LeakyReLU(\(PythonText.float(Activation.defaultLeakySlope)))"
        case .linear: return nil
        }
    }

    /// nn.ZeroPad2d((left, right, top, bottom)): PyTorch lists the sides from the last axis backwards.
    static func zeroPad(_ amounts: PaddingAmounts) -> String {
        "nn.ZeroPad2d((\(amounts.left), \(amounts.right), \(amounts.top), \(amounts.bottom)))"
    }

    /// nn.ConstantPad2d((left, right, top, bottom), value).
    static func constantPad(_ amounts: PaddingAmounts, value: String) -> String {
        "nn.ConstantPad2d((\(amounts.left), \(amounts.right), \(amounts.top), \(amounts.bottom)), \(value))"
    }
}
