// LayerComputation: what one declared layer computes, in the core's operations, and the weights it needs.
//
// This is the one mapping from a layer's Keras-like settings (LayerSpec) to computation. `run` builds the
// language's operations from it (ModelRun+Layers.swift) and `train` computes with it (Network.swift), so
// a layer computes the same way in both, and its weights are drawn in the same order with the same fans.
// Keras' pooling layers know valid and same padding only; other padding is refused here, once.

/// One layer as computed: its operation, the activation after it, and its weights (kernel, then bias).
public struct LayerComputation: Sendable {
    /// The operation of a layer.
    public enum Operation: Sendable {
        /// A convolution with the layer's kernel (and bias).
        case convolution(Convolution)
        /// Window pooling.
        case pooling(Pooling)
        /// Global average or max pooling.
        case globalPooling(Pooling.Kind)
        /// Flattening to a vector.
        case flatten
        /// x . W + b with the layer's kernel (and bias); on an image, at every pixel.
        case dense
        /// Dropout: zeroes values with probability `rate` while training, passes them when predicting.
        case dropout(rate: Double)
        /// An activation layer.
        case activation(ActivationKind)
    }

    /// The operation.
    public var operation: Operation
    /// The activation applied to the operation's result (`.linear`: none).
    public var activation: ActivationKind
    /// The weights the layer needs, in order: a kernel, then a bias if the layer has one.
    public var weights: [WeightShape]
}

/// The shape of one weight tensor of a layer, with the fans of Keras' Glorot-uniform initialiser.
public struct WeightShape: Equatable, Sendable {
    /// The shape, e.g. [3, 3, 1, 32].
    public var shape: [Int]
    /// Inputs feeding one output: kh*kw*Cin for a conv kernel, the input length for dense (0 for a bias).
    public var fanIn: Int
    /// Outputs fed by one input: kh*kw*Cout for a conv kernel, the units for dense (0 for a bias).
    public var fanOut: Int
    /// The fan-in written out, e.g. "3*3*1" (empty for a bias).
    public var fanInText: String
    /// The fan-out written out, e.g. "3*3*32" (empty for a bias).
    public var fanOutText: String

    /// Whether these are biases (all zero) rather than a Glorot-uniform kernel.
    public var isBias: Bool { fanIn == 0 && fanOut == 0 }

    /// The bound of the uniform draw, sqrt(6/(fanIn + fanOut)); 0 for a bias.
    public var glorotLimit: Double {
        let fans = Double(fanIn) + Double(fanOut)
        return fans > 0 ? (6 / fans).squareRoot() : 0
    }

    /// Biases for `count` outputs.
    static func bias(_ count: Int) -> WeightShape {
        WeightShape(shape: [count], fanIn: 0, fanOut: 0, fanInText: "", fanOutText: "")
    }
}

extension LayerAnalysis {
    /// What the layer computes, for its input shape.
    /// - Throws: `CoreError` for a pooling layer with padding other than valid or same.
    public func computation() throws -> LayerComputation {
        let inputs = inputShape.last ?? 1
        switch spec {
        case let .conv(filters, kernel, stride, padding, dilation, activation, useBias):
            let area = kernel.rows * kernel.cols
            let weights = [WeightShape(shape: [kernel.rows, kernel.cols, inputs, filters], fanIn: area * inputs,
                                       fanOut: area * filters, fanInText: "\(kernel.rows)*\(kernel.cols)*\(inputs)",
                                       fanOutText: "\(kernel.rows)*\(kernel.cols)*\(filters)")]
            return LayerComputation(operation: .convolution(try Convolution(stride: stride, padding: padding, dilation: dilation)),
                                    activation: activation ?? .linear, weights: weights + (useBias ? [.bias(filters)] : []))
        case let .maxPool(size, stride, padding), let .avgPool(size, stride, padding):
            let kind: Pooling.Kind
            if case .maxPool = spec { kind = .max } else { kind = .average }
            let mode: Pooling.PaddingMode
            switch padding {
            case .valid: mode = .valid
            case .same: mode = .same
            default:
                throw CoreError("layer \(index) (\(spec.kindName)) has padding \(padding); pooling layers take valid or same padding",
                                hint: "Keras' pooling layers know valid and same only")
            }
            return LayerComputation(operation: .pooling(Pooling(kind: kind, size: size, stride: stride, padding: mode)),
                                    activation: .linear, weights: [])
        case .globalAvgPool:
            return LayerComputation(operation: .globalPooling(.average), activation: .linear, weights: [])
        case .globalMaxPool:
            return LayerComputation(operation: .globalPooling(.max), activation: .linear, weights: [])
        case .flatten:
            return LayerComputation(operation: .flatten, activation: .linear, weights: [])
        case let .dense(units, activation, useBias):
            let weights = [WeightShape(shape: [inputs, units], fanIn: inputs, fanOut: units,
                                       fanInText: "\(inputs)", fanOutText: "\(units)")]
            return LayerComputation(operation: .dense, activation: activation ?? .linear,
                                    weights: weights + (useBias ? [.bias(units)] : []))
        case let .dropout(rate):
            return LayerComputation(operation: .dropout(rate: rate), activation: .linear, weights: [])
        case let .activation(kind):
            return LayerComputation(operation: .activation(kind), activation: .linear, weights: [])
        }
    }
}

extension WeightShape {
    /// Draws the weights as a new Keras layer does: a kernel Glorot uniform, each value (2u - 1) * limit for the
    /// generator's next u in [0, 1) in storage order; biases zero, drawing nothing.
    public func draw(using random: inout RandomGenerator, for what: String) throws -> Tensor {
        let count = try Limits.elementCount(of: shape, for: what)
        guard !isBias else { return try Tensor(shape: shape, repeating: 0) }
        let limit = glorotLimit
        var scalars: [Double] = []
        scalars.reserveCapacity(count)
        for _ in 0..<count { scalars.append((2 * random.nextDouble() - 1) * limit) }
        return try Tensor(shape: shape, scalars: scalars)
    }
}
