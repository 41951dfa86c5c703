// ModelGraph: how the layers of a model are connected when it is not a plain stack (Keras' functional API).
//
// Node 0 is the model's input and node k (1-based) is the output of layer k. Each layer lists the nodes it
// takes: one for an ordinary layer, two or more for a merge (add, concat). A layer may only take earlier
// nodes, so the graph has no cycles and the layers in order are a topological order; the last layer is the
// model's output, and every other layer must feed some later layer (a branch that leads nowhere is an error).
// A layer may carry the name it was given (`shortcut = conv 256 1x1 from input`), which Keras' summary shows
// instead of the default name.

/// The connections of a model's layers.
public struct ModelGraph: Equatable, Sendable {
    /// For each layer, the nodes it takes (0: the model's input, k: layer k's output).
    public var inputs: [[Int]]
    /// For each layer, the name it was given, if any.
    public var names: [String?]

    /// Creates the connections.
    public init(inputs: [[Int]], names: [String?]) {
        self.inputs = inputs
        self.names = names
    }

    /// The plain stack of `count` layers: each takes the one before.
    public static func stack(_ count: Int) -> ModelGraph {
        ModelGraph(inputs: (0..<count).map { [$0] }, names: Array(repeating: nil, count: count))
    }

    /// Whether every layer takes the one before it, and none is named: a Keras Sequential model.
    public var isStack: Bool {
        inputs.enumerated().allSatisfy { $0.element == [$0.offset] } && names.allSatisfy { $0 == nil }
    }

    /// For each node (0: the input, k: layer k), the layers that take it, in layer order (1-based).
    public var consumers: [[Int]] {
        var result = Array(repeating: [Int](), count: inputs.count + 1)
        for (offset, sources) in inputs.enumerated() {
            for source in sources where source >= 0 && source < result.count { result[source].append(offset + 1) }
        }
        return result
    }
}
