// TrainedModels: the weights `train` learned, kept by model name for `evaluate` and `predict`. Each is tied
// to the declaration it was trained for: a model declared again, even the same way, starts untrained, as a
// new Keras model does. TrainingCommands.swift records and reads them.
import CNNCore

/// The trained networks of a session, by model name.
struct TrainedModels {
    /// The weights `train` learned for one model, and the identity of the model variable's provenance
    /// (its declaration) when it was trained.
    private struct Entry {
        var network: Network
        var declaration: ObjectIdentifier?
        /// The class names of the data set it learned from (Fashion-MNIST's "Coat", ...), when it names them.
        var classNames: [String]?
    }

    private var entries: [String: Entry] = [:]

    /// Keeps `network` as what `model`, declared by `declaration`, has learned.
    mutating func record(_ network: Network, for model: String, declaration: Provenance?, classNames: [String]? = nil) {
        entries[model] = Entry(network: network, declaration: declaration.map(ObjectIdentifier.init), classNames: classNames)
    }

    /// The class names of the data set `model` was last trained on, if it named them.
    func classNames(for model: String) -> [String]? { entries[model]?.classNames }

    /// The network `model` learned, if it was trained since it was declared (by `declaration`, as `spec`).
    func network(for model: String, declaration: Provenance?, spec: ModelSpec) -> Network? {
        guard let entry = entries[model], entry.declaration == declaration.map(ObjectIdentifier.init),
              entry.network.spec == spec else { return nil }
        return entry.network
    }

    /// Whether some declaration of `model` was ever trained (the message says "since it was declared again").
    func hasEntry(for model: String) -> Bool { entries[model] != nil }

    /// Forgets every trained network (their models are gone with the variables).
    mutating func removeAll() { entries = [:] }
}
