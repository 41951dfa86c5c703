// TrainingReport: what `train`, `evaluate`, `predict` and `plot` produced, as data for CNNExplain to render.
import CNNCore

/// The outcome of a learning command.
public enum LearningReport: Sendable {
    /// `train MODEL DATA ...`: the settings and the history.
    case trained(TrainingReport)
    /// `evaluate MODEL DATA`: loss and accuracy on both parts of the data.
    case evaluated(EvaluationReport)
    /// `predict MODEL x`: the class probabilities of one example.
    case predicted(PredictionReport)
    /// `plot HISTORY`: the accuracy and loss curves.
    case plotted(name: String, history: TrainingHistory)
}

/// What `train` did.
public struct TrainingReport: Sendable {
    /// The model's variable name.
    public var model: String
    /// The data set's variable name.
    public var data: String
    /// The trained network (its weights).
    public var network: Network
    /// The epochs' records and the settings.
    public var history: TrainingHistory
    /// The variable the history was stored in.
    public var historyVariable: String
    /// The number of weights trained.
    public var parameterCount: Int
    /// Whether each epoch's line (loss, accuracy, val_loss, val_accuracy) was printed while training ran, so
    /// that the report does not print the same numbers again as a table.
    public var epochsShown: Bool = false
    /// The file the weights started from (a model loaded from a .keras file), else nil: Glorot uniform.
    public var startedFrom: String? = nil
}

/// What `evaluate` found.
public struct EvaluationReport: Sendable {
    /// The model's variable name.
    public var model: String
    /// The data set's variable name.
    public var data: String
    /// Mean crossentropy and accuracy on the training examples.
    public var training: (loss: Double, accuracy: Double, examples: Int)
    /// Mean crossentropy and accuracy on the validation examples (nil when none are held out).
    public var validation: (loss: Double, accuracy: Double, examples: Int)?
}

/// What `predict` found for one example.
public struct PredictionReport: Sendable {
    /// The model's variable name.
    public var model: String
    /// The example as written.
    public var input: String
    /// The probability of each class.
    public var probabilities: Tensor
    /// The class with the highest probability.
    public var predicted: Int
    /// The right class, when the example came from a data set.
    public var label: Int?
    /// The names of the classes, when the example came from a data set that names them.
    public var classNames: [String]? = nil
}
