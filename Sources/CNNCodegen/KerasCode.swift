// KerasCode: a declared model as a runnable Keras 3 script (a Sequential model and model.summary(); a graph in
// Keras' functional API, written by GraphCode.swift).
//
// Keras keeps images channels last, as cnnrepl does, so every layer maps one to one: Conv2D with the same
// filters, kernel, strides, padding ("valid"/"same", TensorFlow's rule in both), dilation and activation;
// MaxPooling2D / AveragePooling2D; Flatten; Dense; Dropout; ZeroPadding2D; Activation. Each layer kind writes
// its own line(s) (`LayerCode.keras`, from the kind's file in CNNScript/Operations): padding other than
// valid/same becomes a ZeroPadding2D layer before the layer, and leaky ReLU is written as a function with
// cnnrepl's (and Keras' LeakyReLU layer's) slope 0.3, where Keras' string "leaky_relu" would mean 0.2. Each
// layer line ends with cnnrepl's name, output shape and parameter count for it, so the script's own summary
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
            rows += LayerCode.keras(layer).map { (code: $0.code, comment: $0.comment) }
        }
        let name = PythonText.identifier(spec.name)
        if spec.isGraph {
            return GeneratedCode(lines: header(spec, scriptName: scriptName, functional: true) + GraphCode.keras(spec, analysis) + [
                "model.summary()  # total: \(Format.count(analysis.totalParameters)) parameters",
            ], title: "Keras 3 code for the model \(spec.name)")
        }
        var lines = header(spec, scriptName: scriptName, functional: false) + [
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

    /// The comment and imports at the top of the script.
    static func header(_ spec: ModelSpec, scriptName: String, functional: Bool) -> [String] {
        let what = functional
            ? ["# The same layers, connections, shapes, padding and activations, in Keras' functional API (each layer",
               "# is called on the tensors it takes). Keras, like cnnrepl, keeps images channels last"]
            : ["# The same layers, shapes, padding and activations. Keras, like cnnrepl, keeps images channels last"]
        return ["# Keras 3 code for the model \(spec.name), written by cnnrepl (code keras \(spec.name))."] + what + [
            "# (height x width x channels). Run it with Keras 3 and one backend, e.g.",
            "#     pip install keras jax",
            "#     KERAS_BACKEND=jax python3 \(scriptName)",
            "# model.summary() lists the same output shapes and parameter counts as cnnrepl's `summary \(spec.name)`.",
            "import keras",
            "from keras import layers",
            "",
        ]
    }
}
