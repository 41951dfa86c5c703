// ModelRun+Weights: the weights `run` draws, as Keras initialises a new Conv2D or Dense layer.
//
// Kernels are Glorot (Xavier) uniform: w ~ U(-limit, limit) with limit = sqrt(6/(fan_in + fan_out)). For a
// conv kernel kh x kw x Cin x Cout, fan_in = kh*kw*Cin and fan_out = kh*kw*Cout (Keras' compute_fans: the
// receptive field kh*kw times the channels); for a dense kernel in x units, fan_in = in and fan_out = units.
// Each weight is (2u - 1)*limit for the generator's next u in [0, 1), in storage order, layer by layer.
// Biases start at zero and draw nothing.
import CNNCore

/// A weight tensor drawn for a layer, with how it was drawn.
struct DrawnWeight {
    var draw: WeightDraw
    var tensor: Tensor
    /// Whether the tensor is what `train` learned rather than the draw.
    var trained = false
    /// The file the tensor was loaded from, when it is a loaded model's.
    var loadedFrom: String?
    /// The weight variable's record, shared by the layer steps that use it (set by `run`).
    var provenance: Provenance?

    /// The provenance text of the weight variable: "Glorot uniform for layer 1 of mnist".
    func origin(layer: Int, model: String) -> String {
        if trained { return "learned by train: the \(draw.isBias ? "biases" : "kernel") of layer \(layer) of \(model)" }
        if let loadedFrom { return "loaded from \(loadedFrom): \(draw.variable), of layer \(layer) of \(model)" }
        if let fill = draw.fill {
            return "\(fill == 0 ? "zeros" : fill == 1 ? "ones" : Format.number(fill)): \(draw.variable) of layer \(layer) of \(model)"
        }
        return draw.isBias ? "zeros: the biases of layer \(layer) of \(model)"
                    : "Glorot uniform in ±\(Format.number(draw.limit)): the kernel of layer \(layer) of \(model)"
    }
}

extension ModelRunner {
    /// Draws every layer's weights in order: Glorot-uniform kernels and zero biases.
    static func drawWeights(_ spec: ModelSpec, _ analysis: ModelAnalysis,
                            using generator: inout RandomGenerator) throws -> [[DrawnWeight]] {
        var all: [[DrawnWeight]] = []
        for layer in analysis.layers {
            let prefix = "\(spec.name)_\(layer.index)"
            all.append(try layer.weights().map { weight in
                let variable = "\(prefix)_\(weight.name)"
                var draw = WeightDraw(variable: variable, shape: weight.shape, fanIn: weight.fanIn, fanOut: weight.fanOut,
                                      fanInText: weight.fanInText, fanOutText: weight.fanOutText, limit: weight.glorotLimit)
                draw.fill = weight.fill
                return DrawnWeight(draw: draw, tensor: try weight.draw(using: &generator, for: variable))
            })
        }
        return all
    }
}
