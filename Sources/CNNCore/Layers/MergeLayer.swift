// MergeLayer: the layers that join branches of a model graph, Keras' Add and Concatenate.
//
// A merge takes two or more inputs of the graph (ModelGraph) and gives one output:
//     add      the inputs cell by cell; every input must have the same shape (a ResNet's F(x) + x)
//     concat   the inputs side by side along the channels (the last axis); all other axes must agree
//              (Inception's branches, DenseNet's blocks, U-Net's skip connections)
// Neither has weights. The receptive field of the output is the largest of the inputs' fields: a value of the
// output depends on every input's window, and the widest one covers the others when they share a centre.
// A merge is a ModelLayer too (so a LayerSpec can hold it), whose one-input methods pass the input through;
// ModelSpec.analyze and Network reach it through `MergeLayer` whenever the layer has several inputs.

/// A layer that joins several inputs into one.
public protocol MergeLayer: ModelLayer {
    /// The output shape of the merge of inputs of these shapes; throws a CoreError starting with the label
    /// of the first input when the shapes do not fit, naming every input and its shape.
    func mergedShape(_ inputs: [LayerInput], names: [String]) throws -> [Int]
    /// One example forward.
    func merge(_ inputs: [Tensor]) throws -> Tensor
    /// One example backward: dL/d(each input) from dL/d(the output).
    func unmerge(_ inputs: [Tensor], outputGradient: Tensor) throws -> [Tensor]
    /// The receptive-field-and-formula-free reason that the merge has no weights.
    var noWeightsReason: String { get }
}

extension MergeLayer {
    /// What the merge does to shapes: the merged shape, no weights, and the receptive field of all the paths:
    /// the union of their fields (the largest of them when they are centred alike), or, when their jumps differ,
    /// the largest one.
    public func analyze(merging inputs: [LayerInput], names: [String]) throws -> LayerShape {
        let shape = try mergedShape(inputs, names: names)
        // A path whose field is unknown (a layer without field arithmetic) leaves the merge's unknown too.
        let fields = inputs.compactMap(\.field)
        var joined: ReceptiveFieldStep?
        if fields.count == inputs.count, !fields.isEmpty {
            joined = ReceptiveField.union(fields)
                ?? fields.max { $0.rows.size * $0.cols.size < $1.rows.size * $1.cols.size }
        }
        return LayerShape(outputShape: shape, parameters: Derivation(value: 0, formula: noWeightsReason),
                          receptiveField: shape.count == 3 ? joined : nil)
    }

    public func analyze(_ input: LayerInput) throws -> LayerShape { .unchanged(input, reason: noWeightsReason) }
    public func forward(_ input: Tensor, weights: [Tensor], pass: inout LayerPass) throws -> Tensor { input }
    public func backward(_ input: Tensor, weights: [Tensor], memo: [Double]?, outputGradient: Tensor) throws -> LayerGradient {
        LayerGradient(input: outputGradient)
    }

    /// "conv2d gives 28x28x64, input gives 28x28x32": every input and its shape, for a message.
    static func listing(_ inputs: [LayerInput], _ names: [String]) -> String {
        zip(names, inputs).map { "\($0) gives \(Shape.describe($1.shape))" }.joined(separator: ", ")
    }
}

/// Keras' Add: the inputs added cell by cell.
public struct AddLayer: MergeLayer, Equatable {
    /// Creates the layer.
    public init() {}

    public var kindName: String { "add" }
    public var kerasClassName: String { "Add" }
    public var kerasBaseName: String { "add" }
    public var noWeightsReason: String { "no weights: add sums its inputs cell by cell" }

    public func mergedShape(_ inputs: [LayerInput], names: [String]) throws -> [Int] {
        guard let first = inputs.first else { throw CoreError("add: there is nothing to add") }
        guard inputs.allSatisfy({ $0.shape == first.shape }) else {
            throw CoreError("\(first.label): the inputs must have one shape to be added cell by cell, but \(Self.listing(inputs, names))",
                            hint: "a projection shortcut makes them fit: a 1x1 conv with the filters (and stride) of the other branch")
        }
        return first.shape
    }

    public func merge(_ inputs: [Tensor]) throws -> Tensor {
        guard var sum = inputs.first else { throw CoreError("add: there is nothing to add") }
        for other in inputs.dropFirst() { try sum.add(other) }
        return sum
    }

    public func unmerge(_ inputs: [Tensor], outputGradient: Tensor) throws -> [Tensor] {
        inputs.map { _ in outputGradient }
    }
}

/// Keras' Concatenate along the last axis (the channels).
public struct ConcatLayer: MergeLayer, Equatable {
    /// Creates the layer.
    public init() {}

    public var kindName: String { "concat" }
    public var kerasClassName: String { "Concatenate" }
    public var kerasBaseName: String { "concatenate" }
    public var noWeightsReason: String { "no weights: concat puts its inputs side by side along the channels" }

    public func mergedShape(_ inputs: [LayerInput], names: [String]) throws -> [Int] {
        guard let first = inputs.first, !first.shape.isEmpty else { throw CoreError("concat: there is nothing to join") }
        let rest = Array(first.shape.dropLast())
        var channels = 0
        for input in inputs {
            guard input.shape.count == first.shape.count, Array(input.shape.dropLast()) == rest else {
                let axes = first.shape.count == 3 ? "height and width" : "all axes but the last"
                throw CoreError("\(first.label): the inputs must agree in \(axes) to be joined along the channels, but \(Self.listing(inputs, names))",
                                hint: "bring them to one size first (pooling, a stride, or upsample)")
            }
            let (sum, overflow) = channels.addingReportingOverflow(input.shape.last ?? 0)
            guard !overflow else { throw CoreError("\(first.label): too many channels to count") }
            channels = sum
        }
        return rest + [channels]
    }

    public func merge(_ inputs: [Tensor]) throws -> Tensor {
        guard let first = inputs.first, let outer = Shape.product(Array(first.shape.dropLast())) else {
            throw CoreError("concat: there is nothing to join")
        }
        let widths = inputs.map { $0.shape.last ?? 1 }
        let total = widths.reduce(0, +)
        try Limits.checkMemory(forElements: outer * total, what: "concat", shape: Array(first.shape.dropLast()) + [total])
        var scalars = [Double]()
        scalars.reserveCapacity(outer * total)
        for cell in 0..<outer {
            for (input, width) in zip(inputs, widths) {
                scalars.append(contentsOf: input.scalars[(cell * width)..<((cell + 1) * width)])
            }
        }
        return Tensor(unchecked: Array(first.shape.dropLast()) + [total], scalars: scalars)
    }

    public func unmerge(_ inputs: [Tensor], outputGradient g: Tensor) throws -> [Tensor] {
        let widths = inputs.map { $0.shape.last ?? 1 }
        let total = widths.reduce(0, +)
        let outer = total > 0 ? g.count / total : 0
        var parts = widths.map { [Double](repeating: 0, count: outer * $0) }
        for cell in 0..<outer {
            var offset = cell * total
            for (p, width) in widths.enumerated() {
                for c in 0..<width { parts[p][cell * width + c] = g.scalars[offset + c] }
                offset += width
            }
        }
        return zip(inputs, parts).map { Tensor(unchecked: $0.shape, scalars: $1) }
    }
}

extension LayerSpec {
    /// Keras' Add: the inputs added cell by cell.
    public static let add = LayerSpec(AddLayer())
    /// Keras' Concatenate along the channels.
    public static let concat = LayerSpec(ConcatLayer())
}
