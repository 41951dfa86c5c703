// BatchNormLayer: Keras' BatchNormalization (axis -1, momentum 0.99, epsilon 0.001) as a model layer.
//
// Shapes: unchanged. Weights, in Keras' order: gamma (ones) and beta (zeros), learned; the moving mean
// (zeros) and moving variance (ones), not learned: `summary` counts them as non-trainable.
// Training: each batch is normalized with its own statistics (every cell of every example of a channel;
// BatchNormalization.swift), and the moving averages move towards them (momentum 0.99) through
// `LayerPass.weightUpdates`, which the network applies after the batch's update. Predicting and `run` use
// the moving averages (the inference form). The training backward pass goes through the batch statistics.

/// A batch normalization layer.
public struct BatchNormLayer: ModelLayer, Equatable {
    /// The epsilon added to the variance.
    public var epsilon: Double
    /// The momentum of the moving averages.
    public var momentum: Double

    /// Creates the layer with Keras' defaults.
    public init(epsilon: Double = BatchNormalization.defaultEpsilon, momentum: Double = BatchNormalization.momentum) {
        self.epsilon = epsilon
        self.momentum = momentum
    }

    public var kindName: String { "batchnorm" }
    public var kerasClassName: String { "BatchNormalization" }
    public var kerasBaseName: String { "batch_normalization" }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        let channels = input.shape.last ?? 1
        try LayerRules.checkSize(channels, "number of channels", label: input.label)
        let count = try ParameterCount.batchNorm(channels: channels)
        var shape = LayerShape.unchanged(input, reason: "")
        shape.parameters = count.total
        shape.nonTrainableParameters = count.nonTrainable
        return shape
    }

    public func weights(inputShape: [Int]) throws -> [WeightShape] {
        let c = inputShape.last ?? 1
        return [.vector(c, role: "gamma", fill: 1, trainable: true), .vector(c, role: "beta", fill: 0, trainable: true),
                .vector(c, role: "moving_mean", fill: 0, trainable: false), .vector(c, role: "moving_variance", fill: 1, trainable: false)]
    }

    /// One example with the moving averages (the inference form).
    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor {
        try BatchNormalization.apply(input, gamma: weights[0], beta: weights[1], mean: weights[2], variance: weights[3], epsilon: epsilon)
    }

    /// One example of the inference form: dx, dgamma, dbeta, and nothing for the moving averages.
    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        let d = try BatchNormalization.backward(input, gamma: weights[0], mean: weights[2], variance: weights[3], epsilon: epsilon,
                                                outputGradient: outputGradient)
        let zero = Tensor(unchecked: weights[2].shape, scalars: [Double](repeating: 0, count: weights[2].count))
        return LayerGradient(input: d[0], weights: [d[1], d[2], zero, zero])
    }

    /// Training: the batch's statistics, and the moving averages moved towards them; predicting: the moving averages.
    public func forward(batch: [Tensor], weights: [Tensor], pass: inout LayerPass) throws -> (outputs: [Tensor], memos: [[Double]?]) {
        guard pass.training else {
            let outputs = try batch.map { try BatchNormalization.apply($0, gamma: weights[0], beta: weights[1], mean: weights[2],
                                                                       variance: weights[3], epsilon: epsilon) }
            return (outputs, batch.map { _ in [0] })
        }
        let result = try BatchNormalization.trainingForward(batch, gamma: weights[0], beta: weights[1], epsilon: epsilon)
        let keep = momentum
        func moved(_ moving: Tensor, _ batchValues: [Double]) -> Tensor {
            Tensor(unchecked: moving.shape, scalars: zip(moving.scalars, batchValues).map { $0 - ($0 - $1) * (1 - keep) })
        }
        pass.weightUpdates.append((2, moved(weights[2], result.mean)))
        pass.weightUpdates.append((3, moved(weights[3], result.variance)))
        return (result.outputs, batch.map { _ in [1] })
    }

    /// Through the batch statistics after a training pass (memo [1]); example by example otherwise.
    public func backward(batch: [Tensor], weights: [Tensor], memos: [[Double]?], outputGradients: [Tensor]) throws -> LayerBatchGradient {
        guard memos.first??.first == 1 else {
            return try backwardExampleByExample(batch, weights: weights, memos: memos, outputGradients: outputGradients)
        }
        let d = try BatchNormalization.trainingBackward(batch, gamma: weights[0], epsilon: epsilon, outputGradients: outputGradients)
        let zero = Tensor(unchecked: weights[2].shape, scalars: [Double](repeating: 0, count: weights[2].count))
        return LayerBatchGradient(inputs: d.inputs, weights: [d.gamma, d.beta, zero, zero])
    }
}

extension LayerSpec {
    /// Batch normalization (Keras BatchNormalization) with Keras' defaults.
    public static func batchNorm() -> LayerSpec { LayerSpec(BatchNormLayer()) }
}
