// ModelRun+Layers: one layer of `run`, computed by the language operation of its kind with the Step it records.
//
// Each kind of layer runs itself (`LayerLanguage.run`, in its operation's file in Operations/): conv, pooling,
// global pooling, flatten, dense (on an image: the 1x1 convolution it is), dropout (the identity when
// predicting), zero padding and activation layers; a merge of a graph (add, concat) runs on every input it joins. A layer with an activation records two steps: the
// operation, then the activation on its result. Every expression is written as the script would write it.
import CNNCore

extension ModelRunner {
    /// Runs one layer on `input` and records its steps.
    static func forward(_ layer: LayerAnalysis, inputs: [Operand], variable: String, weights: [DrawnWeight],
                        label: String) throws -> LayerRun {
        guard let input = inputs.first, let x = input.tensor else { throw CoreError("\(label): the input is not a tensor") }
        let record = LayerRunInput(layer: layer, input: input, tensor: x, variable: variable, weights: weights, label: label)
        if inputs.count > 1 {
            if let add = layer.spec.layer as? AddLayer { return try add.run(record, merging: inputs) }
            if let concat = layer.spec.layer as? ConcatLayer { return try concat.run(record, merging: inputs) }
        }
        guard let language = layer.spec.layer as? any LayerLanguage else {
            throw CoreError("\(label): run does not know how to compute a \(layer.spec.kerasClassName) layer yet")
        }
        _ = try layer.weights()  // refuses what the kind cannot compute, e.g. a pooling padding Keras lacks
        return try language.run(record)
    }
}
