// Heatmap: maps drawn in the terminal, so a learner can look at a feature map instead of reading 64 numbers.
//
// Three styles, chosen by the session:
//   - plain (no colour; what transcripts record): one character per cell from the ASCII ramp " .:-=+*#%@",
//     the smallest value a space and the largest '@';
//   - 256 colours and 24-bit colour: Unicode upper half blocks '▀' whose foreground is one pixel and whose
//     background is the pixel below, so every character shows two square pixels. A colour picture (a map
//     with `rgb`) shows its own colours there, and its grey in the ASCII ramp.
// Cells are drawn square: a cell is two characters across and one down (a character is about twice as tall
// as it is wide). Small maps are drawn larger (a 3x3 kernel becomes 12 x 6 characters), large ones are
// averaged down to fit the terminal width, and several maps stand side by side under their titles, in rows
// when they do not fit in one; a frame marks each map's edge. A legend line states the value
// scale: one for all the maps, or each map's own.
import CNNCore
import CNNScript

/// Draws ShowRequests as text.
public struct Heatmap: Sendable {
    /// How the cells are drawn.
    public enum Style: Sendable {
        /// ASCII shading, no escape codes.
        case plain
        /// Half blocks in the xterm 256-colour palette.
        case colors256
        /// Half blocks in 24-bit colour.
        case trueColor
    }

    /// How cells are drawn.
    public var style: Style
    /// The terminal's width in columns.
    public var width: Int

    /// The ASCII ramp from the smallest value to the largest.
    public static let ramp: [Character] = Array(" .:-=+*#%@")
    /// Spaces before every line.
    static let indent = 2
    /// Spaces between maps side by side.
    static let gap = 3
    /// The most text rows one map may take.
    static let maxRows = 40
    /// The longest title shown in full.
    static let maxTitle = 24

    /// Creates a heatmap renderer for a terminal `width` columns wide.
    public init(style: Style, width: Int) {
        self.style = style
        self.width = width
    }

    // MARK: - Drawing

    /// The lines for a request: titles, maps, and the legend.
    public func lines(_ request: ShowRequest) -> [String] {
        let maps = request.maps
        guard !maps.isEmpty else { return [] }
        let shared = ValueScale(maps.flatMap(\.map.scalars))
        let scales = request.sharedScale ? maps.map { _ in shared } : maps.map { ValueScale($0.map.scalars) }
        let (perRow, factor) = layout(maps)
        var out: [String] = []
        var start = 0
        while start < maps.count {
            let end = min(maps.count, start + perRow)
            if start > 0 { out.append("") }
            out += groupLines(Array(maps[start..<end]), factor: factor, scales: Array(scales[start..<end]), colors: request.colors)
            start += perRow
        }
        out += legend(request.sharedScale ? shared : nil, maps: maps, scales: scales, factor: factor, colors: request.colors)
        if request.omitted > 0 {
            out.append("  … \(Format.count(request.omitted)) more map\(request.omitted == 1 ? "" : "s") not shown (show draws at most \(ShowRequest.maxMaps); slice a stack, e.g. f[:, :, \(ShowRequest.maxMaps):])")
        }
        return out
    }

    /// The title line and text rows of maps standing side by side.
    private func groupLines(_ group: [ShownMap], factor: Double, scales: [ValueScale], colors: HeatmapColors) -> [String] {
        let sizes = group.map { drawnSize($0.map, factor: factor) }
        let slots = zip(group, sizes).map { slotWidth(title: $0.title, columns: $1.columns) }
        var lines: [String] = []
        let titles = zip(group, slots).map { map, slot in pad(shortened(map.title, to: slot), to: slot) }
        lines.append(trimmed(String(repeating: " ", count: Heatmap.indent) + titles.joined(separator: String(repeating: " ", count: Heatmap.gap))))
        let drawings = group.indices.map { index -> [String] in
            let drawing = rows(of: group[index].map, picture: group[index].rgb, size: sizes[index], scale: scales[index], colors: colors)
            // A frame round each map, so that its edge shows where its cells look like the background
            // (spaces for the smallest value in plain text, black in gray on a dark terminal).
            let rule = String(repeating: "─", count: sizes[index].columns)
            return ["┌" + rule + "┐"] + drawing.map { "│" + $0 + "│" } + ["└" + rule + "┘"]
        }
        let height = drawings.map(\.count).max() ?? 0
        for row in 0..<height {
            var parts: [String] = []
            for (index, drawing) in drawings.enumerated() {
                let visible = row < drawing.count ? sizes[index].columns + frameWidth : 0
                let text = row < drawing.count ? drawing[row] : ""
                parts.append(text + String(repeating: " ", count: slots[index] - visible))
            }
            lines.append(trimmed(String(repeating: " ", count: Heatmap.indent) + parts.joined(separator: String(repeating: " ", count: Heatmap.gap))))
        }
        return lines
    }

    /// The text rows of one map drawn `size.rows` x `size.columns` characters.
    private func rows(of map: Tensor, picture: Tensor? = nil, size: (rows: Int, columns: Int), scale: ValueScale,
                      colors: HeatmapColors) -> [String] {
        let pixelRows = style == .plain ? size.rows : size.rows * 2
        let grid = Heatmap.resample(map, rows: pixelRows, columns: size.columns)
        let rgb = style == .plain ? nil : colourGrids(picture, rows: pixelRows, columns: size.columns)
        var lines: [String] = []
        for row in 0..<size.rows {
            var line = ""
            switch style {
            case .plain:
                for column in 0..<size.columns {
                    guard let value = grid[row][column] else {
                        line.append("?")
                        continue
                    }
                    let level = min(Heatmap.ramp.count - 1, Int(scale.position(value) * Double(Heatmap.ramp.count)))
                    line.append(Heatmap.ramp[max(0, level)])
                }
            case .colors256 where rgb?.count == 3, .trueColor where rgb?.count == 3:
                // A colour picture: its own red, green and blue.
                let channels = rgb ?? []
                for column in 0..<size.columns {
                    func colour(_ r: Int) -> RGB? {
                        guard r < channels[0].count, let red = channels[0][r][column], let green = channels[1][r][column],
                              let blue = channels[2][r][column] else { return nil }
                        func byte(_ v: Double) -> Int { Int(max(0, min(255, v.rounded()))) }
                        return RGB(red: byte(red), green: byte(green), blue: byte(blue))
                    }
                    let upper = colour(2 * row) ?? HeatmapPalette.missing
                    line += escape(foreground: upper) + (colour(2 * row + 1).map { escape(background: $0) } ?? "\u{1B}[49m") + "▀"
                }
                line += "\u{1B}[0m"
            case .colors256, .trueColor:
                let upperRow = grid[2 * row]
                let lowerRow = 2 * row + 1 < grid.count ? grid[2 * row + 1] : nil
                for column in 0..<size.columns {
                    let upper = upperRow[column].map { HeatmapPalette.color(scale.position($0), colors) } ?? HeatmapPalette.missing
                    let lower = lowerRow.map { $0[column].map { HeatmapPalette.color(scale.position($0), colors) } ?? HeatmapPalette.missing }
                    line += escape(foreground: upper) + (lower.map { escape(background: $0) } ?? "\u{1B}[49m") + "▀"
                }
                line += "\u{1B}[0m"
            }
            lines.append(line)
        }
        return lines
    }

    /// A colour picture's red, green and blue planes resampled like a map (nil for no picture).
    private func colourGrids(_ picture: Tensor?, rows: Int, columns: Int) -> [[[Double?]]]? {
        guard let picture, picture.rank == 3, picture.shape[2] == 3 else { return nil }
        let (height, width) = (picture.shape[0], picture.shape[1])
        return (0..<3).compactMap { c in
            let plane = (0..<(height * width)).map { picture.scalars[$0 * 3 + c] }
            return (try? Tensor(shape: [height, width], scalars: plane)).map { Heatmap.resample($0, rows: rows, columns: columns) }
        }
    }

    /// The legend: the value scale (`shared`, or each map's own in `scales`), and how the maps were sized.
    private func legend(_ shared: ValueScale?, maps: [ShownMap], scales: [ValueScale], factor: Double,
                        colors: HeatmapColors) -> [String] {
        var lines: [String] = []
        let shapes = Set(maps.map(\.map.shapeDescription))
        let what: String
        switch (maps.count, shapes.count) {
        case (1, _): what = maps[0].map.shapeDescription
        case (_, 1): what = "\(maps.count) maps of \(maps[0].map.shapeDescription)"
        default: what = "\(maps.count) maps"
        }
        let bar: String
        switch style {
        case .plain:
            bar = "\"" + String(Heatmap.ramp) + "\""
        case .colors256, .trueColor:
            bar = (0..<20).map { escape(foreground: HeatmapPalette.color((Double($0) + 0.5) / 20, colors)) + "█" }.joined() + "\u{1B}[0m"
        }
        let middle = style == .plain ? "'\(Heatmap.ramp[Heatmap.ramp.count / 2])'" : "the middle colour"
        if style != .plain, maps.allSatisfy({ $0.rgb != nil }) {
            // Colour pictures need no scale: each pixel is its own red, green and blue.
            lines.append("  \(what)   a colour picture: each pixel in its own colour (red, green, blue 0..255)")
        } else if let scale = shared {
            if scale.low == scale.high {
                lines.append("  \(what)   \(scale.sameValueText(drawn: middle))")
            } else {
                let step = style == .plain ? "each step \(ValueScale.text((scale.high - scale.low) / Double(Heatmap.ramp.count)))" : ""
                let notes = [step, maps.count > 1 ? "one scale for all" : ""].filter { !$0.isEmpty }.joined(separator: ", ")
                lines.append("  \(what)   scale \(ValueScale.text(scale.low)) \(bar) \(ValueScale.text(scale.high))" + (notes.isEmpty ? "" : "   (\(notes))"))
            }
        } else {
            lines.append("  \(what), each on its own scale \(bar) from its smallest value to its largest:")
            let titleWidth = maps.map { min($0.title.count, Heatmap.maxTitle) }.max() ?? 0
            for (map, scale) in zip(maps, scales) {
                let range = scale.low == scale.high ? scale.sameValueText(drawn: middle)
                    : "\(ValueScale.text(scale.low)) .. \(ValueScale.text(scale.high))"
                lines.append("    " + pad(shortened(map.title, to: Heatmap.maxTitle), to: titleWidth) + "   " + range)
            }
        }
        let whole = factor.rounded()
        if factor < 1, let first = maps.first {
            let size = drawnSize(first.map, factor: factor)
            lines.append("  (averaged down to fit \(width) columns: \(first.map.shapeDescription) cells drawn in \(size.rows) rows of \(size.columns) characters)")
        } else if whole >= 2 && whole == factor {
            lines.append("  (each cell drawn \(Int(2 * whole)) characters wide and \(Int(whole)) high)")
        }
        return lines
    }

    // MARK: - Layout

    /// How many maps stand side by side, and the drawing factor: a cell becomes 2 x factor columns and
    /// factor rows (factor below 1 averages cells together).
    func layout(_ maps: [ShownMap]) -> (perRow: Int, factor: Double) {
        let tallest = maps.map { $0.map.shape[0] }.max() ?? 1
        let widest = maps.map { $0.map.shape[1] }.max() ?? 1
        let enlarge = Double(max(1, min(4, 8 / max(tallest, widest))))
        let heightCap = Double(Heatmap.maxRows) / Double(tallest)
        let available = max(16, width - Heatmap.indent)
        var perRow = maps.count
        while perRow >= 1 {
            var factor = min(enlarge, heightCap)
            var fits = false
            while factor > 1e-6 {
                if widestGroup(maps, perRow: perRow, factor: factor) <= available {
                    fits = true
                    break
                }
                factor *= 0.95
            }
            if fits && (perRow == 1 || factor >= min(enlarge, heightCap) || 2 * Double(widest) * factor >= 16) {
                return (perRow, factor)
            }
            perRow -= 1
        }
        return (1, min(enlarge, heightCap, Double(max(1, available - frameWidth)) / Double(2 * widest)))
    }

    /// The width in characters of the widest group of `perRow` maps drawn at `factor`.
    private func widestGroup(_ maps: [ShownMap], perRow: Int, factor: Double) -> Int {
        var widest = 0
        var start = 0
        while start < maps.count {
            let group = maps[start..<min(maps.count, start + perRow)]
            let total = group.map { slotWidth(title: $0.title, columns: drawnSize($0.map, factor: factor).columns) }.reduce(0, +)
            widest = max(widest, total + Heatmap.gap * (group.count - 1))
            start += perRow
        }
        return widest
    }

    /// The characters a map takes at `factor`: rows and columns, at least one of each.
    func drawnSize(_ map: Tensor, factor: Double) -> (rows: Int, columns: Int) {
        let rows = max(1, Int((Double(map.shape[0]) * factor).rounded()))
        let columns = max(1, Int((2 * Double(map.shape[1]) * factor + 1e-9).rounded(.down)))
        return (rows, columns)
    }

    /// The width of a map's place in a row: its drawing and frame, or its title if that is longer (up to maxTitle).
    private func slotWidth(title: String, columns: Int) -> Int {
        max(columns + frameWidth, min(title.count, Heatmap.maxTitle))
    }

    /// Columns the frame adds to a map: one on each side.
    private let frameWidth = 2

    // MARK: - Sampling

    /// The map resampled to `rows` x `columns` pixels: each pixel is the average of the cells it covers
    /// (a whole multiple repeats each cell exactly); nil where every covered value is nan.
    static func resample(_ map: Tensor, rows: Int, columns: Int) -> [[Double?]] {
        let (height, width) = (map.shape[0], map.shape[1])
        func span(_ index: Int, _ count: Int, _ size: Int) -> Range<Int> {
            let first = index * size / count
            return first..<max(first + 1, (index + 1) * size / count)
        }
        return (0..<rows).map { row in
            let rowSpan = span(row, rows, height)
            return (0..<columns).map { column in
                let columnSpan = span(column, columns, width)
                var sum = 0.0
                var count = 0
                for y in rowSpan {
                    for x in columnSpan {
                        let value = map.scalars[y * width + x]
                        if !value.isNaN {
                            sum += value
                            count += 1
                        }
                    }
                }
                return count == 0 ? nil : sum / Double(count)
            }
        }
    }

    // MARK: - Text helpers

    private func escape(foreground color: RGB) -> String {
        style == .trueColor ? "\u{1B}[38;2;\(color.red);\(color.green);\(color.blue)m" : "\u{1B}[38;5;\(HeatmapPalette.index256(color))m"
    }

    private func escape(background color: RGB) -> String {
        style == .trueColor ? "\u{1B}[48;2;\(color.red);\(color.green);\(color.blue)m" : "\u{1B}[48;5;\(HeatmapPalette.index256(color))m"
    }

    private func shortened(_ text: String, to width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
    }

    private func pad(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    private func trimmed(_ line: String) -> String {
        var text = line
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// The common value scale of the maps of one `show`: the smallest and largest finite value.
struct ValueScale {
    /// The smallest finite value (0 if there is none).
    let low: Double
    /// The largest finite value (0 if there is none).
    let high: Double
    /// Whether no value is a finite number (all NaN or infinite): then there is no scale to speak of.
    let noneFinite: Bool

    init(_ values: [Double]) {
        var low = Double.infinity
        var high = -Double.infinity
        for value in values where value.isFinite {
            low = min(low, value)
            high = max(high, value)
        }
        self.low = low > high ? 0 : low
        self.high = low > high ? 0 : high
        self.noneFinite = low > high
    }

    /// "every value is 3 (drawn '+')", or, without a finite value, that every value is nan or infinite.
    func sameValueText(drawn middle: String) -> String {
        noneFinite ? "no value is a finite number: every value is nan, inf or -inf (drawn \(middle))"
            : "every value is \(ValueScale.text(low)) (drawn \(middle))"
    }

    /// Where `value` lies from low (0) to high (1), clamped; 0.5 when every value is equal.
    func position(_ value: Double) -> Double {
        guard high > low else { return 0.5 }
        return min(1, max(0, (value - low) / (high - low)))
    }

    /// A value in a legend: whole numbers as they are, others with `decimals` decimals.
    static func text(_ value: Double, decimals: Int = 2) -> String {
        value == value.rounded() && abs(value) < 1e15 ? Format.number(value) : Format.formatFixed(value, decimals: decimals)
    }
}
