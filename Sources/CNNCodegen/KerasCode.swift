// KerasCode: a declared model as a runnable Keras 3 script (a Sequential model and model.summary()).
//
// Keras keeps images channels last, as cnnrepl does, so every layer maps one to one: Conv2D with the same
// filters, kernel, strides, padding ("valid"/"same", TensorFlow's rule in both), dilation and activation;
// MaxPooling2D / AveragePooling2D; Flatten; Dense; Dropout; Activation. Padding other than valid/same
// becomes a ZeroPadding2D layer before the layer, and leaky ReLU is written as a function with cnnrepl's
// (and Keras' LeakyReLU layer's) slope 0.3, where Keras' string "leaky_relu" would mean 0.2. Each layer
// line ends with cnnrepl's name, output shape and parameter count for it, so the script's own summary
// can be compared with `summary NAME` line by line.
import CNNCore
import CNNScript

/// Writes Keras 3 code for a model.
public enum KerasCode {
    /// A stand-alone Keras 3 script that builds `spec` and prints its summary.
    /// - Parameters:
    ///   - spec: the model as declared.
    ///   - analysis: its analysis (names, shapes and counts for the comments).
    ///   - scriptName: the file name the learner runs, for the instructions at the top.
    public static func script(for spec: ModelSpec, analysis: ModelAnalysis, scriptName: String) -> GeneratedCode {
        var rows: [(code: String, comment: String?)] = [
            (code: "keras.Input(shape=\(PythonText.tuple(spec.inputShape))),",
             comment: "one example: \(Shape.describe(spec.inputShape))\(spec.inputShape.count == 3 ? " (height x width x channels)" : "")"),
        ]
        for layer in analysis.layers {
            rows += layerRows(layer)
        }
        let name = PythonText.identifier(spec.name)
        var lines = [
            "# Keras 3 code for the model \(spec.name), written by cnnrepl (code keras \(spec.name)).",
            "# The same layers, shapes, padding and activations. Keras, like cnnrepl, keeps images channels last",
            "# (height x width x channels). Run it with Keras 3 and one backend, e.g.",
            "#     pip install keras jax",
            "#     KERAS_BACKEND=jax python3 \(scriptName)",
            "# model.summary() lists the same output shapes and parameter counts as cnnrepl's `summary \(spec.name)`.",
            "import keras",
            "from keras import layers",
            "",
            "model = keras.Sequential(",
            "    [",
        ]
        lines += PythonText.aligned(rows, indent: "        ")
        lines += [
            "    ],",
            "    name=\(PythonText.string(name)),",
            ")",
            "model.summary()  # total: \(Format.count(analysis.totalParameters)) parameters",
        ]
        return GeneratedCode(lines: lines, title: "Keras 3 code for the model \(spec.name)")
    }

    /// The line(s) of one layer: an optional ZeroPadding2D, then the layer with cnnrepl's numbers as comment.
    static func layerRows(_ layer: LayerAnalysis) -> [(code: String, comment: String?)] {
        let counted = layer.parameters.value == 0 ? "" : ", \(Format.count(layer.parameters.value)) parameters"
        let comment = "\(layer.name): \(layer.outputShapeDescription)\(counted)"
        var rows: [(code: String, comment: String?)] = []
        switch layer.spec {
        case let .conv(filters, kernel, stride, padding, dilation, activation, useBias):
            var arguments = ["\(filters)", PythonText.pair(kernel)]
            if stride != Pair(square: 1) { arguments.append("strides=\(PythonText.pair(stride))") }
            switch padding {
            case .valid: break
            case .same: arguments.append("padding=\"same\"")
            case .full, .explicit:
                rows.append(zeroPadding(layer.padding ?? .zero, why: "\(padding) padding: Keras has only valid and same"))
            }
            if dilation != Pair(square: 1) { arguments.append("dilation_rate=\(PythonText.pair(dilation))") }
            if let activation = activationArgument(activation) { arguments.append("activation=\(activation)") }
            if !useBias { arguments.append("use_bias=False") }
            var note = comment
            if stride != Pair(square: 1) && dilation != Pair(square: 1) {
                note += " (Keras refuses strides > 1 with dilation_rate > 1; cnnrepl computes it)"
            }
            rows.append((code: "layers.Conv2D(\(arguments.joined(separator: ", "))),", comment: note))

        case let .maxPool(size, stride, padding), let .avgPool(size, stride, padding):
            let className = layer.spec.kerasClassName
            var arguments = [PythonText.pair(size)]
            if let stride, stride != size { arguments.append("strides=\(PythonText.pair(stride))") }
            switch padding {
            case .valid: break
            case .same: arguments.append("padding=\"same\"")
            case .full, .explicit:
                rows.append(zeroPadding(layer.padding ?? .zero, why: "\(padding) padding: the zeros take part in the pooling"))
            }
            rows.append((code: "layers.\(className)(\(arguments.joined(separator: ", "))),", comment: comment))

        case .globalAvgPool, .globalMaxPool, .flatten:
            rows.append((code: "layers.\(layer.spec.kerasClassName)(),", comment: comment))

        case let .dense(units, activation, useBias):
            var arguments = ["\(units)"]
            if let activation = activationArgument(activation) { arguments.append("activation=\(activation)") }
            if !useBias { arguments.append("use_bias=False") }
            var note = comment
            if layer.inputShape.count > 1 { note += " (acts on the last axis of \(Shape.describe(layer.inputShape)))" }
            rows.append((code: "layers.Dense(\(arguments.joined(separator: ", "))),", comment: note))

        case let .dropout(rate):
            rows.append((code: "layers.Dropout(\(PythonText.float(rate))),", comment: comment + " (only while training)"))

        case let .activation(kind):
            // leaky ReLU too stays an Activation layer, so Keras names it as cnnrepl does ("activation").
            let function = activationArgument(kind) ?? "\"linear\""
            rows.append((code: "layers.Activation(\(function)),", comment: comment))
        }
        return rows
    }

    /// `activation="relu"` and friends; leaky ReLU with cnnrepl's slope 0.3; nil for none or linear.
    static func activationArgument(_ kind: ActivationKind?) -> String? {
        guard let kind, kind != .linear else { return nil }
        if kind == .leakyrelu {
            return "lambda x: keras.activations.leaky_relu(x, negative_slope=\(PythonText.float(Activation.defaultLeakySlope)))"
        }
        return PythonText.string(kind.rawValue)
    }

    /// A ZeroPadding2D layer for padding Keras' Conv2D and pooling layers cannot express.
    static func zeroPadding(_ amounts: PaddingAmounts, why: String) -> (code: String, comment: String?) {
        (code: "layers.ZeroPadding2D(padding=((\(amounts.top), \(amounts.bottom)), (\(amounts.left), \(amounts.right)))),",
         comment: why)
    }
}
