// DropoutLayer: Keras' Dropout. While training it zeroes each value with probability `rate` and scales the
// kept ones by 1/(1 - rate) (inverted dropout, as Keras); when predicting every value passes unchanged.
// The mask drawn in the forward pass is kept for the backward pass. No weights.

/// A dropout layer.
public struct DropoutLayer: ModelLayer, Equatable {
    /// The fraction of values zeroed while training, 0 to 1.
    public var rate: Double

    /// Creates the layer.
    public init(rate: Double) {
        self.rate = rate
    }

    public var kindName: String { "dropout" }
    public var kerasClassName: String { "Dropout" }
    public var kerasBaseName: String { "dropout" }

    public func analyze(_ input: LayerInput) throws -> LayerShape {
        guard rate.isFinite, rate >= 0, rate <= 1 else {
            throw CoreError("\(input.label): the rate must be between 0 and 1, not \(Format.number(rate))",
                            hint: "the rate is the fraction of values dropped while training, e.g. 0.2")
        }
        return .unchanged(input, reason: "no weights: dropout only zeroes random values while training")
    }

    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor {
        guard pass.training, rate > 0 else { return input }
        let keep = 1 - rate
        var mask = [Double]()
        mask.reserveCapacity(input.count)
        for _ in 0..<input.count { mask.append(pass.random.nextDouble() < rate ? 0 : 1 / keep) }
        pass.memo = mask
        return Tensor(unchecked: input.shape, scalars: zip(input.scalars, mask).map { $0 * $1 })
    }

    /// Example by example on the calling thread, so that the masks are drawn in example order.
    public func forward(batch: [Tensor], weights: [Tensor], pass: inout LayerPass) throws -> (outputs: [Tensor], memos: [[Double]?]) {
        var outputs: [Tensor] = [], memos: [[Double]?] = []
        for example in batch {
            pass.memo = nil
            outputs.append(try forward(example, weights: weights, pass: &pass))
            memos.append(pass.memo)
        }
        pass.memo = nil
        return (outputs, memos)
    }

    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        guard let mask = memo else { return LayerGradient(input: outputGradient) }
        return LayerGradient(input: Tensor(unchecked: outputGradient.shape, scalars: zip(outputGradient.scalars, mask).map { $0 * $1 }))
    }
}

extension LayerSpec {
    /// Dropout (Keras Dropout): while training, zeroes each value with probability `rate` (0 to 1).
    public static func dropout(rate: Double) -> LayerSpec { LayerSpec(DropoutLayer(rate: rate)) }
}
