// HeatmapPalette: the colours of a heatmap on a colour terminal.
//
// viridis (matplotlib's default colour map) runs from dark purple through blue and green to yellow; its
// steps look even and it reads for colour-blind people and in greyscale. It is interpolated here between
// nine of its published colours. gray runs from black to white. For terminals without 24-bit colour each
// colour is matched to the nearest of the xterm 256-colour palette's 6x6x6 cube and 24 greys.
import CNNScript

/// An sRGB colour, 0..255 per channel.
struct RGB: Equatable {
    var red: Int
    var green: Int
    var blue: Int
}

/// The colours of heatmaps.
enum HeatmapPalette {
    /// viridis at 0, 1/8, ..., 1.
    static let viridis: [RGB] = [
        RGB(red: 68, green: 1, blue: 84), RGB(red: 71, green: 44, blue: 122), RGB(red: 59, green: 81, blue: 139),
        RGB(red: 44, green: 113, blue: 142), RGB(red: 33, green: 144, blue: 141), RGB(red: 39, green: 173, blue: 129),
        RGB(red: 92, green: 200, blue: 99), RGB(red: 170, green: 220, blue: 50), RGB(red: 253, green: 231, blue: 37),
    ]

    /// The colour of a cell whose values are all nan: a mid grey-pink that is in neither palette.
    static let missing = RGB(red: 200, green: 120, blue: 160)

    /// The colour at `position` (0: the smallest value, 1: the largest).
    static func color(_ position: Double, _ colors: HeatmapColors) -> RGB {
        let t = min(1, max(0, position.isNaN ? 0 : position))
        switch colors {
        case .gray:
            let level = Int((t * 255).rounded())
            return RGB(red: level, green: level, blue: level)
        case .viridis:
            let scaled = t * Double(viridis.count - 1)
            let lower = min(viridis.count - 2, Int(scaled))
            let fraction = scaled - Double(lower)
            let (a, b) = (viridis[lower], viridis[lower + 1])
            func mix(_ x: Int, _ y: Int) -> Int { Int((Double(x) + (Double(y) - Double(x)) * fraction).rounded()) }
            return RGB(red: mix(a.red, b.red), green: mix(a.green, b.green), blue: mix(a.blue, b.blue))
        }
    }

    /// The nearest colour of the xterm 256-colour palette: the 6x6x6 cube (16..231) or the greys (232..255).
    static func index256(_ color: RGB) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ value: Int) -> Int {
            var best = 0
            for (i, level) in levels.enumerated() where abs(level - value) < abs(levels[best] - value) { best = i }
            return best
        }
        let (r, g, b) = (nearestLevel(color.red), nearestLevel(color.green), nearestLevel(color.blue))
        let cube = RGB(red: levels[r], green: levels[g], blue: levels[b])
        let average = (color.red + color.green + color.blue) / 3
        let greyStep = min(23, max(0, (average - 8 + 5) / 10))
        let greyLevel = 8 + 10 * greyStep
        let grey = RGB(red: greyLevel, green: greyLevel, blue: greyLevel)
        func distance(_ x: RGB) -> Int {
            let (dr, dg, db) = (x.red - color.red, x.green - color.green, x.blue - color.blue)
            return dr * dr + dg * dg + db * db
        }
        return distance(grey) < distance(cube) ? 232 + greyStep : 16 + 36 * r + 6 * g + b
    }
}
