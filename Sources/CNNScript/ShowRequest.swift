// ShowRequest: what `show f` / `show f1 f2 f3` asks to draw, as data. The interpreter evaluates the
// arguments and splits stacks into maps; CNNExplain's Heatmap draws them in the terminal.
import CNNCore

/// One map to draw: a title and an H x W tensor.
public struct ShownMap: Sendable {
    /// The title above the map, e.g. "f" or "maps[:, :, 1]".
    public var title: String
    /// The values, H x W (for a colour picture: its grey, drawn where there is no colour).
    public var map: Tensor
    /// A colour picture's red, green and blue (H x W x 3, 0..255), drawn as they are on a colour terminal.
    public var rgb: Tensor?

    /// Creates a map to show.
    public init(title: String, map: Tensor) {
        self.title = title
        self.map = map
    }
}

/// The colours a heatmap uses on a colour terminal.
public enum HeatmapColors: String, CaseIterable, Sendable {
    /// Dark blue through green to yellow (viridis): even steps look even, and it reads without colour vision.
    case viridis
    /// Black to white, like a grey picture.
    case gray
}

/// What `show` draws: maps side by side, on one value scale.
public struct ShowRequest: Sendable {
    /// The maps, in order.
    public var maps: [ShownMap]
    /// Slices of the arguments left out because there were too many to draw.
    public var omitted: Int
    /// The colours on a colour terminal.
    public var colors: HeatmapColors
    /// Whether all maps share one value scale (`scale=shared`; the default for the channels of one stack) or
    /// each has its own (`scale=each`; the default for separate tensors).
    public var sharedScale: Bool

    /// The most maps one `show` draws; further slices of a stack are counted in `omitted`.
    public static let maxMaps = 16

    /// Creates a request.
    public init(maps: [ShownMap], omitted: Int = 0, colors: HeatmapColors = .viridis, sharedScale: Bool = true) {
        self.maps = maps
        self.omitted = omitted
        self.colors = colors
        self.sharedScale = sharedScale
    }
}
