// LayerWeights: the shape of a layer's weight tensors, and how a new layer draws them (as Keras does).
//
// A layer kind says which weights it needs (`ModelLayer.weights(inputShape:)`), each with the fans of Keras'
// Glorot-uniform initialiser; `run` and `train` draw them here, in layer order, so both start from the same
// numbers for the same seed.

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
    /// The value every weight starts at when not drawn at random (batch norm's gamma and moving variance: 1);
    /// nil for a Glorot-uniform kernel or zeros.
    public var fill: Double? = nil
    /// Whether training changes these weights by gradient descent (batch norm's moving averages: no).
    public var trainable: Bool = true
    /// The weight's name when it is neither "kernel" nor "bias": "gamma", "moving_mean", "depthwise_kernel".
    public var role: String? = nil

    /// The name of the weight within its layer: its role, else "kernel" or "bias".
    public var name: String { role ?? (isBias ? "bias" : "kernel") }

    /// Whether these are biases (all zero) rather than a Glorot-uniform kernel.
    public var isBias: Bool { fanIn == 0 && fanOut == 0 }

    /// The bound of the uniform draw, sqrt(6/(fanIn + fanOut)); 0 for a bias.
    public var glorotLimit: Double {
        let fans = Double(fanIn) + Double(fanOut)
        return fans > 0 ? (6 / fans).squareRoot() : 0
    }

    /// Biases for `count` outputs.
    public static func bias(_ count: Int) -> WeightShape {
        WeightShape(shape: [count], fanIn: 0, fanOut: 0, fanInText: "", fanOutText: "")
    }
}


extension WeightShape {
    /// A per-channel vector that starts at `fill` (batch norm's gamma, beta, moving mean and variance).
    public static func vector(_ count: Int, role: String, fill: Double, trainable: Bool) -> WeightShape {
        WeightShape(shape: [count], fanIn: 0, fanOut: 0, fanInText: "", fanOutText: "", fill: fill, trainable: trainable, role: role)
    }

    /// A kernel with its fans, e.g. a conv kernel 3x3x1x32 has fan-in 3*3*1 and fan-out 3*3*32.
    public static func kernel(_ shape: [Int], fanIn: [Int], fanOut: [Int]) -> WeightShape {
        WeightShape(shape: shape, fanIn: Shape.product(fanIn) ?? Int.max, fanOut: Shape.product(fanOut) ?? Int.max,
                    fanInText: fanIn.map(String.init).joined(separator: "*"),
                    fanOutText: fanOut.map(String.init).joined(separator: "*"))
    }
}

extension LayerAnalysis {
    /// The weights the layer needs for its input shape, kernel then bias.
    /// - Throws: `CoreError` when the layer cannot be computed (e.g. a pooling padding other than valid or same).
    public func weights() throws -> [WeightShape] { try spec.layer.weights(inputShape: inputShape) }
}

extension WeightShape {
    /// Draws the weights as a new Keras layer does: a kernel Glorot uniform, each value (2u - 1) * limit for the
    /// generator's next u in [0, 1) in storage order; biases zero, drawing nothing.
    public func draw(using random: inout RandomGenerator, for what: String) throws -> Tensor {
        let count = try Limits.elementCount(of: shape, for: what)
        if let fill { return try Tensor(shape: shape, repeating: fill) }
        guard !isBias else { return try Tensor(shape: shape, repeating: 0) }
        let limit = glorotLimit
        var scalars: [Double] = []
        scalars.reserveCapacity(count)
        for _ in 0..<count { scalars.append((2 * random.nextDouble() - 1) * limit) }
        return try Tensor(shape: shape, scalars: scalars)
    }
}
