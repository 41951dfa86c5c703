// NetworkView: what `show NAME` draws after `run NAME x`, as data: the input and every layer's maps for that
// input, a row each with the layer's name and shape, the first layer's learned filters, and the prediction.
// `savegrid(NAME, "maps.png")` draws the same rows into a picture. CNNExplain's NetworkRenderer writes the
// text; the heatmaps are ShowRequests, drawn by Heatmap like `show f`.
import CNNCore
import CNNImage

/// The maps of one run, row by row.
public struct NetworkView: Sendable {
    /// One row: the input, a layer's output, or a layer's filters.
    public struct Row: Sendable {
        /// What the row is.
        public enum Kind: Sendable, Equatable {
            /// The input the model ran on.
            case input
            /// The output of layer `index` (1-based).
            case layer(index: Int)
            /// The kernel of layer `index`: its filters (one map per filter, for the first input channel).
            case filters(index: Int)
        }
        /// What the row is.
        public var kind: Kind
        /// The variable holding the tensor, e.g. "fm_1" or "fm_1_kernel".
        public var variable: String
        /// The layer's Keras name ("conv2d"), or "input".
        public var name: String
        /// The tensor's shape.
        public var shape: [Int]
        /// The maps drawn (at most `maxMaps`), vectors as one row of cells.
        public var request: ShowRequest
        /// How many maps the tensor has in all.
        public var total: Int
    }

    /// The model's name.
    public var model: String
    /// The rows, from the input to the output.
    public var rows: [Row]
    /// The output's values when it is a vector (the class probabilities of a classifier).
    public var output: Tensor
    /// The class names of the data set the model learned from, one per output value, when known.
    public var classNames: [String]?
    /// Whether the weights were learned (else freshly drawn).
    public var trained: Bool

    /// The most maps drawn for one layer.
    public static let maxMaps = 8

    /// The view of a run.
    public init(_ run: ModelRun) throws {
        model = run.spec.name
        output = run.output
        classNames = run.classNames
        trained = run.trained
        var rows = [try NetworkView.row(.input, variable: run.inputVariable, name: "input", tensor: run.input)]
        var filtersShown = false
        for layer in run.layers {
            let index = layer.analysis.index
            rows.append(try NetworkView.row(.layer(index: index), variable: layer.variable, name: layer.analysis.name,
                                            tensor: layer.output))
            // The first layer with a 4-D kernel: its filters are pictures of what it looks for.
            if !filtersShown, let kernel = layer.weights.first(where: { $0.shape.count == 4 }),
               let step = layer.mainStep, let tensor = step.operands.dropFirst().first?.value.tensorValue {
                rows.append(try NetworkView.row(.filters(index: index), variable: kernel.variable, name: layer.analysis.name,
                                                tensor: tensor))
                filtersShown = true
            }
        }
        self.rows = rows
    }

    /// One row: up to `maxMaps` maps of a tensor (H x W x C: channels; a filter bank: the filters of its
    /// first input channel; a vector: one row of cells, wrapped into a near-square block when long).
    static func row(_ kind: Row.Kind, variable: String, name: String, tensor: Tensor) throws -> Row {
        var maps: [ShownMap] = []
        let total: Int
        switch tensor.rank {
        case 1:
            total = 1
            maps = [ShownMap(title: variable, map: try NetworkView.block(tensor))]
        case 2:
            total = 1
            maps = [ShownMap(title: variable, map: tensor)]
        case 3 where tensor.shape[2] == 3 && kind == .input && tensor.scalars.allSatisfy({ $0 >= 0 && $0 <= 255 }):
            // A colour input: 0..255, or a data set's 0..1 scaled back to 0..255 for its colours.
            total = 1
            let scale = tensor.scalars.allSatisfy { $0 <= 1 } ? 255.0 : 1.0
            let rgb = scale == 1 ? tensor : try Tensor(shape: tensor.shape, scalars: tensor.scalars.map { $0 * scale })
            maps = [try ShownMap.picture(title: variable, rgb: rgb)]
        case 3 where tensor.shape[2] == 1 && kind == .input:
            total = 1
            maps = [ShownMap(title: variable, map: try tensor.reshaped([tensor.shape[0], tensor.shape[1]]))]
        default:
            let (height, width) = (tensor.shape[0], tensor.shape[1])
            let depth = tensor.rank == 3 ? tensor.shape[2] : tensor.shape[2] * tensor.shape[3]
            let filters = tensor.rank == 3 ? depth : tensor.shape[3]
            total = filters
            for slice in 0..<min(filters, maxMaps) {
                var values = [Double](repeating: 0, count: height * width)
                for i in 0..<(height * width) { values[i] = tensor.scalars[i * depth + slice] }
                maps.append(ShownMap(title: "\(slice)", map: try Tensor(shape: [height, width], scalars: values)))
            }
        }
        return Row(kind: kind, variable: variable, name: name, shape: tensor.shape,
                   request: ShowRequest(maps: maps, omitted: 0, colors: .viridis, sharedScale: true), total: total)
    }

    /// A vector as a 1 x N row, or (longer than 64 values) as a block of rows of equal length, the values
    /// in order row by row: 576 values become 24 x 24.
    static func block(_ vector: Tensor) throws -> Tensor {
        let n = vector.count
        guard n > 64 else { return try vector.reshaped([1, n]) }
        var columns = Int(Double(n).squareRoot().rounded(.up))
        while columns <= n, n % columns != 0 { columns += 1 }
        guard columns <= 4 * Int(Double(n).squareRoot().rounded(.up)) else { return try vector.reshaped([1, n]) }
        return try vector.reshaped([n / columns, columns])
    }
}

extension ShownMap {
    /// A colour picture (H x W x 3, values 0..255): drawn in colour on a colour terminal, as its grey
    /// (ITU-R BT.601) in the ASCII ramp otherwise.
    public static func picture(title: String, rgb: Tensor) throws -> ShownMap {
        let count = rgb.shape[0] * rgb.shape[1]
        var grey = [Double](repeating: 0, count: count)
        for i in 0..<count {
            grey[i] = 0.299 * rgb.scalars[3 * i] + 0.587 * rgb.scalars[3 * i + 1] + 0.114 * rgb.scalars[3 * i + 2]
        }
        var map = ShownMap(title: title, map: try Tensor(shape: [rgb.shape[0], rgb.shape[1]], scalars: grey))
        map.rgb = rgb
        return map
    }
}

private extension Value {
    /// The tensor, if the value is one.
    var tensorValue: Tensor? {
        if case .tensor(let t) = self { return t }
        return nil
    }
}

extension NetworkView {
    /// The rows in one grey picture, each row titled by its layer and stretched on its own (the input's
    /// 0..255 and a layer's activations are not comparable), with a line per row saying what it shows;
    /// what `savegrid(NAME, ...)` saves and pages and notebooks show for `show NAME`.
    public func picture(what: String) throws -> (picture: Picture, lines: [String]) {
        var pictures: [Picture] = []
        var lines: [String] = []
        for row in rows {
            let label: String
            switch row.kind {
            case .input: label = "input"
            case .layer(let index): label = "L\(index) \(row.name)"
            case .filters(let index): label = "L\(index) filters"
            }
            let maps = row.request.maps.map(\.map)
            let titles = maps.count == 1 ? [] : maps.indices.map { "\($0)" }
            let (picture, _, _) = try PictureGrid.draw(maps, titles: titles, columns: NetworkView.maxMaps, what: what)
            pictures += [try PictureGrid.label("\(label)  \(Shape.describe(row.shape))"), picture]
            lines.append("\(label): \(maps.count) of \(row.total) map\(row.total == 1 ? "" : "s") of \(Shape.describe(row.shape))")
        }
        return (try PictureGrid.stacked(pictures, what: what), lines)
    }
}
