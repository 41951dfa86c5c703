// TorchCode: a declared model as a runnable PyTorch script (an nn.Sequential and a Keras-like summary; a graph
// as an nn.Module with a forward, written by GraphCode.swift).
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
// Each layer kind writes its own module(s) (`LayerCode.torch`, from the kind's file in CNNScript/Operations).
// The modules are named after cnnrepl's (and Keras') layer names, e.g. "conv2d", with extra modules
// called "conv2d_pad" or "conv2d_relu", so the printed summary reads like `summary NAME`.
import CNNCore
import CNNScript

/// Writes PyTorch code for a model.
public enum TorchCode {
    /// A stand-alone PyTorch script that builds `spec` and prints each layer's output shape and parameters.
    public static func script(for spec: ModelSpec, analysis: ModelAnalysis, scriptName: String) -> GeneratedCode {
        let modules = analysis.layers.flatMap(LayerCode.torch)
        let example = [1] + LayerCode.channelsFirst(spec.inputShape)
        var lines = [
            "# PyTorch code for the model \(spec.name), written by cnnrepl (code torch \(spec.name)).",
            "# The same layers, output sizes and parameter counts as cnnrepl's `summary \(spec.name)`. PyTorch keeps",
            "# images channels first: one \(Shape.describe(spec.inputShape)) example is \(PythonText.tuple(LayerCode.channelsFirst(spec.inputShape))) here, and a batch",
            "# of N examples is (N, \(LayerCode.channelsFirst(spec.inputShape).map(String.init).joined(separator: ", "))).",
            "# Run it with: pip install torch, then python3 \(scriptName)",
            "from collections import OrderedDict",
            "",
            "import torch",
            "from torch import nn",
            "",
        ]
        if spec.isGraph {
            lines.removeLast(5)  // an nn.Module needs neither OrderedDict nor the Sequential
            lines += ["import torch", "from torch import nn", "", ""] + GraphCode.torch(spec, analysis) + [
                "",
                "# Every layer's output for one example (channels first), and the parameters, like Keras' model.summary().",
                "outputs = {}",
                "for name, module in model.named_children():",
                "    module.register_forward_hook(lambda m, i, o, name=name: outputs.__setitem__(name, tuple(o.shape[1:])))",
            ]
            if modules.contains(where: { $0.code.hasPrefix("nn.BatchNorm") }) {
                // As for a stack: batch norm predicts with its running averages, which Keras counts as weights.
                lines += [
                    "model.eval()  # predicting: batch norm uses its running averages (and one example is enough)",
                    "y = model(torch.zeros\(PythonText.tuple(example)))",
                    "for name, module in model.named_children():",
                    "    stats = sum(b.numel() for n, b in module.named_buffers() if n.startswith(\"running_\"))",
                    "    params = sum(p.numel() for p in module.parameters()) + stats  # Keras counts the running averages",
                    "    print(f\"{name:<28}{str(outputs.get(name)):<20}{params:>12,}\")",
                    "stats = sum(b.numel() for n, b in model.named_buffers() if \"running_\" in n)",
                    "print(f\"output {tuple(y.shape[1:])}; total parameters: {sum(p.numel() for p in model.parameters()) + stats:,}\")"
                        + "  # cnnrepl: \(Format.count(analysis.totalParameters))",
                ]
            } else {
                lines += [
                    "y = model(torch.zeros\(PythonText.tuple(example)))",
                    "for name, module in model.named_children():",
                    "    params = sum(p.numel() for p in module.parameters())",
                    "    print(f\"{name:<28}{str(outputs.get(name)):<20}{params:>12,}\")",
                    "print(f\"output {tuple(y.shape[1:])}; total parameters: {sum(p.numel() for p in model.parameters()):,}\")"
                        + "  # cnnrepl: \(Format.count(analysis.totalParameters))",
                ]
            }
            return GeneratedCode(lines: lines, title: "PyTorch code for the model \(spec.name)")
        }
        lines.append("model = nn.Sequential(OrderedDict([")
        let rows = modules.map { module in
            (code: "(\(PythonText.string(module.name)), \(module.code)),", comment: module.comment)
        }
        lines += PythonText.aligned(rows, indent: "    ", limit: 72)
        lines += [
            "]))",
            "",
            "# Each layer's output for one example (channels first) and its parameters, like Keras' model.summary().",
            "x = torch.zeros\(PythonText.tuple(example))",
        ]
        if modules.contains(where: { $0.code.hasPrefix("nn.BatchNorm") }) {
            // Batch norm in training mode needs more than one example; Keras counts its moving averages as
            // (non-trainable) weights, PyTorch keeps them as buffers.
            lines += [
                "model.eval()  # predicting: batch norm uses its running averages (and one example is enough)",
                "print(f\"{'layer':<28}{'output shape':<20}{'params':>12}\")",
                "for name, layer in model.named_children():",
                "    x = layer(x)",
                "    stats = sum(b.numel() for n, b in layer.named_buffers() if n.startswith(\"running_\"))",
                "    params = sum(p.numel() for p in layer.parameters()) + stats  # Keras counts the running averages",
                "    print(f\"{name:<28}{str(tuple(x.shape[1:])):<20}{params:>12,}\")",
                "stats = sum(b.numel() for n, b in model.named_buffers() if \"running_\" in n)",
                "print(f\"total parameters: {sum(p.numel() for p in model.parameters()) + stats:,}\")"
                    + "  # cnnrepl: \(Format.count(analysis.totalParameters))",
            ]
        } else {
            lines += [
                "print(f\"{'layer':<28}{'output shape':<20}{'params':>12}\")",
                "for name, layer in model.named_children():",
                "    x = layer(x)",
                "    params = sum(p.numel() for p in layer.parameters())",
                "    print(f\"{name:<28}{str(tuple(x.shape[1:])):<20}{params:>12,}\")",
                "print(f\"total parameters: {sum(p.numel() for p in model.parameters()):,}\")"
                    + "  # cnnrepl: \(Format.count(analysis.totalParameters))",
            ]
        }
        if modules.last?.code.hasPrefix("nn.Softmax") == true {
            // PyTorch's loss for classes applies log-softmax itself: a learner who trains this model as it is
            // would apply softmax twice.
            lines += [
                "",
                "# Training: the model ends in nn.Softmax, as the Keras model does, but PyTorch's nn.CrossEntropyLoss",
                "# wants the logits (it applies log-softmax itself). Train the model without its last module:",
                "#     logits_model = model[:-1]",
                "#     loss = nn.CrossEntropyLoss()(logits_model(images), labels)",
            ]
        }
        return GeneratedCode(lines: lines, title: "PyTorch code for the model \(spec.name)")
    }
}
