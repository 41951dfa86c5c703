// LayerKeyword: one word that starts a layer line of a model block (`conv`, `maxpool`, `dense`, `relu`,
// ...): how it reads the words after it into the core's LayerSpec, and what its weights are. The
// registry of every keyword is ModelBuilder.keywords; the model block, `params`, completion and the
// hint for an unknown layer all read it.
import CNNCore

/// A word that starts a layer line of a model block.
struct LayerKeyword: Sendable {
    /// The word, e.g. "conv".
    let name: String
    /// Its weights, as `params NAME` counts them.
    let weights: LayerWeights
    /// Reads the words after the keyword (taking them from the front) into a layer, or throws a
    /// diagnostic at the word that does not fit.
    let read: @Sendable (LayerLine, inout ArraySlice<Word>) throws -> LayerSpec
}

/// What `params NAME` says about a layer's weights.
enum LayerWeights: Sendable {
    /// Weights counted from the sizes written after the name (`params conv 3x3x32x64`): how many sizes,
    /// the message when they are not given, and the count with its arithmetic.
    case counted(sizes: Int, usage: String, count: @Sendable ([Int]) throws -> Derivation)
    /// No weights, and why.
    case none(reason: String)
}
