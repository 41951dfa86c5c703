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

    /// The provenance text of the weight variable: "Glorot uniform for layer 1 of mnist".
    func origin(layer: Int, model: String) -> String {
        draw.isBias ? "zeros: the biases of layer \(layer) of \(model)"
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
            let inputs = layer.inputShape.last ?? 1
            var drawn: [DrawnWeight] = []
            switch layer.spec {
            case let .conv(filters, kernel, _, _, _, _, useBias):
                let area = kernel.rows * kernel.cols
                let draw = WeightDraw(variable: "\(prefix)_kernel", shape: [kernel.rows, kernel.cols, inputs, filters],
                                      fanIn: area * inputs, fanOut: area * filters,
                                      fanInText: "\(kernel.rows)*\(kernel.cols)*\(inputs)",
                                      fanOutText: "\(kernel.rows)*\(kernel.cols)*\(filters)",
                                      limit: glorotLimit(fanIn: area * inputs, fanOut: area * filters))
                drawn.append(try glorot(draw, using: &generator))
                if useBias { drawn.append(try zeros("\(prefix)_bias", count: filters)) }
            case let .dense(units, _, useBias):
                let draw = WeightDraw(variable: "\(prefix)_kernel", shape: [inputs, units], fanIn: inputs, fanOut: units,
                                      fanInText: "\(inputs)", fanOutText: "\(units)",
                                      limit: glorotLimit(fanIn: inputs, fanOut: units))
                drawn.append(try glorot(draw, using: &generator))
                if useBias { drawn.append(try zeros("\(prefix)_bias", count: units)) }
            default:
                break
            }
            all.append(drawn)
        }
        return all
    }

    /// sqrt(6/(fanIn + fanOut)), Keras' GlorotUniform bound.
    static func glorotLimit(fanIn: Int, fanOut: Int) -> Double {
        let fans = Double(fanIn) + Double(fanOut)
        return fans > 0 ? (6 / fans).squareRoot() : 0
    }

    private static func glorot(_ draw: WeightDraw, using generator: inout RandomGenerator) throws -> DrawnWeight {
        let count = try Limits.elementCount(of: draw.shape, for: draw.variable)
        var scalars: [Double] = []
        scalars.reserveCapacity(count)
        for _ in 0..<count {
            scalars.append((2 * generator.nextDouble() - 1) * draw.limit)
        }
        return DrawnWeight(draw: draw, tensor: try Tensor(shape: draw.shape, scalars: scalars))
    }

    private static func zeros(_ variable: String, count: Int) throws -> DrawnWeight {
        let draw = WeightDraw(variable: variable, shape: [count], fanIn: 0, fanOut: 0, fanInText: "", fanOutText: "", limit: 0)
        return DrawnWeight(draw: draw, tensor: try Tensor.zeros([count]))
    }
}
