// PictureGrid: several maps drawn side by side in one grey picture, like the learning material's figure of
// Conv0-0..2 and MaxP0-0..2 (saved there as conv0.png).
//
// Layout: tiles in rows of `columns` (each group of maps starting a new row), each map cell drawn as a
// `scale` x `scale` square, 8 pixels of white margin around and between tiles, a 1-pixel grey frame round
// each tile, and an optional title above each tile in the 5x7 font. One PixelScaling covers every map and always stretches (the smallest value of
// all the maps is black, the largest white, like the notes' imshow figures), so equal values are equal
// greys in every tile and the tiles can be compared.
import CNNCore

/// Draws maps side by side into one picture.
public enum PictureGrid {
    /// White space around and between tiles, in pixels.
    static let margin = 8
    /// The largest scale accepted (pixels per map cell).
    public static let maxScale = 64

    /// The scale that draws a map of `height` x `width` cells at least about 128 pixels on its longer side
    /// (up to 16 pixels per cell); 1 for maps that are already that large.
    public static func automaticScale(height: Int, width: Int) -> Int {
        max(1, min(16, 128 / max(1, max(height, width))))
    }

    /// The columns used when none are asked for: all maps in one row up to 8, else a near-square grid.
    public static func automaticColumns(count: Int) -> Int {
        if count <= 8 { return max(1, count) }
        var columns = 1
        while columns * columns < count { columns += 1 }
        return columns
    }

    /// Draws `maps` (each H x W) as a grid. `titles` is empty or one per map; `columns` and `scale` nil
    /// choose automatically. Returns the picture, the scaling of values to pixels and the scale used.
    public static func draw(_ maps: [Tensor], titles: [String] = [], columns: Int? = nil, scale: Int? = nil,
                            what: String = "savegrid") throws -> (picture: Picture, scaling: PixelScaling, scale: Int) {
        try draw(groups: [maps], titles: titles.isEmpty ? [] : [titles], columns: columns, scale: scale, what: what)
    }

    /// Draws groups of maps, each group starting on a new row (the notes' figure: the conv maps in one
    /// row, the pooled maps in the row below). `titles` is empty or one list per group, each empty or one
    /// title per map. Every cell is the same size, so a smaller map (a pooled one) makes a smaller tile.
    public static func draw(groups: [[Tensor]], titles: [[String]], columns: Int? = nil, scale: Int? = nil,
                            what: String = "savegrid") throws -> (picture: Picture, scaling: PixelScaling, scale: Int) {
        let maps = groups.flatMap { $0 }
        guard !maps.isEmpty, groups.allSatisfy({ !$0.isEmpty }) else { throw CoreError("\(what): there are no maps to draw") }
        for map in maps where map.rank != 2 {
            throw CoreError("\(what): every map must be H x W, not \(map.shapeDescription)")
        }
        guard titles.isEmpty || titles.count == groups.count else {
            throw CoreError("\(what): \(groups.count) groups of maps need \(groups.count) lists of titles, not \(titles.count)")
        }
        for (group, names) in zip(groups, titles) where !names.isEmpty && names.count != group.count {
            throw CoreError("\(what): \(group.count) maps need \(group.count) titles, not \(names.count)",
                            hint: "give one title per map separated by commas, or one word to number: titles=\"Conv0\"")
        }
        let mapTitles: [String] = zip(groups.indices, groups).flatMap { index, group in
            index < titles.count && !titles[index].isEmpty ? titles[index] : Array(repeating: "", count: group.count)
        }
        let hasTitles = mapTitles.contains { !$0.isEmpty }
        let cellsHigh = maps.map { $0.shape[0] }.max() ?? 1
        let cellsWide = maps.map { $0.shape[1] }.max() ?? 1
        let pixelsPerCell = scale ?? automaticScale(height: cellsHigh, width: cellsWide)
        guard (1...maxScale).contains(pixelsPerCell) else {
            throw CoreError("\(what): scale must be from 1 to \(maxScale) pixels per cell, not \(pixelsPerCell)")
        }
        let largestGroup = groups.map(\.count).max() ?? 1
        let perRow = min(largestGroup, columns ?? automaticColumns(count: largestGroup))
        guard perRow >= 1 else { throw CoreError("\(what): columns must be at least 1, not \(perRow)") }
        // Where each map goes: (row, column) of the grid, every group starting a new row.
        var places: [(row: Int, column: Int)] = []
        var gridRows = 0
        for group in groups {
            for index in group.indices { places.append((gridRows + index / perRow, index % perRow)) }
            gridRows += (group.count + perRow - 1) / perRow
        }

        // Sizes are checked in pixels before anything is allocated.
        let (tileHeight, overflowH) = cellsHigh.multipliedReportingOverflow(by: pixelsPerCell)  // the tallest tile
        let (tileWidth, overflowW) = cellsWide.multipliedReportingOverflow(by: pixelsPerCell)
        guard !overflowH, !overflowW, tileHeight <= Limits.maxElements, tileWidth <= Limits.maxElements else {
            throw CoreError("\(what): a \(cellsHigh)x\(cellsWide) map at \(pixelsPerCell) pixels per cell is far too large a picture",
                            hint: "use a smaller scale")
        }
        let titleScale = mapTitles.allSatisfy({ BitmapFont.width(of: $0, scale: 2) <= tileWidth }) && tileWidth >= 48 ? 2 : 1
        let titleBand = hasTitles ? BitmapFont.glyphHeight * titleScale + 6 : 0
        let slotWidth = tileWidth + margin
        // Each row of the grid is as tall as its tallest map (pooled maps make a lower row).
        var rowTops = [margin]
        for row in 0..<gridRows {
            let tallest = zip(maps, places).filter { $0.1.row == row }.map { $0.0.shape[0] }.max() ?? cellsHigh
            rowTops.append(rowTops[row] + tallest * pixelsPerCell + titleBand + margin)
        }
        let width = margin + perRow * slotWidth
        let height = rowTops[gridRows]
        let count = try Picture.checkSize(height: height, width: width, channels: 1, what: what)

        let scaling = PixelScaling(values: maps.flatMap(\.scalars), mode: .stretch)
        var pixels = [UInt8](repeating: 255, count: count)
        for (index, map) in maps.enumerated() {
            let left = margin + places[index].column * slotWidth
            let top = rowTops[places[index].row] + titleBand
            let (mapHeight, mapWidth) = (map.shape[0], map.shape[1])
            // The frame, one pixel outside the tile.
            for x in (left - 1)...(left + mapWidth * pixelsPerCell) {
                pixels[(top - 1) * width + x] = 128
                pixels[(top + mapHeight * pixelsPerCell) * width + x] = 128
            }
            for y in (top - 1)...(top + mapHeight * pixelsPerCell) {
                pixels[y * width + left - 1] = 128
                pixels[y * width + left + mapWidth * pixelsPerCell] = 128
            }
            for row in 0..<mapHeight {
                for column in 0..<mapWidth {
                    let shade = scaling.pixel(map.scalars[row * mapWidth + column])
                    for dy in 0..<pixelsPerCell {
                        let base = (top + row * pixelsPerCell + dy) * width + left + column * pixelsPerCell
                        for dx in 0..<pixelsPerCell { pixels[base + dx] = shade }
                    }
                }
            }
            if !mapTitles[index].isEmpty {
                BitmapFont.draw(mapTitles[index], into: &pixels, width: width, height: height,
                                x: left, y: top - titleBand + 1, scale: titleScale, ink: 0)
            }
        }
        return (try Picture(height: height, width: width, channels: 1, pixels: pixels), scaling, pixelsPerCell)
    }

    /// A white strip with `text` in the 5x7 font at twice its size, as wide as the text needs (at least
    /// `width` pixels): the heading of a row of maps.
    public static func label(_ text: String, width: Int = 1) throws -> Picture {
        let scale = 2
        let stripWidth = max(width, margin + BitmapFont.width(of: text, scale: scale) + margin)
        let stripHeight = margin + BitmapFont.glyphHeight * scale + 2
        var pixels = [UInt8](repeating: 255, count: stripWidth * stripHeight)
        BitmapFont.draw(text, into: &pixels, width: stripWidth, height: stripHeight, x: margin, y: margin, scale: scale, ink: 0)
        return try Picture(height: stripHeight, width: stripWidth, channels: 1, pixels: pixels)
    }

    /// Grey pictures one below the other, left-aligned on white (the rows of a network's maps).
    public static func stacked(_ pictures: [Picture], what: String = "savegrid") throws -> Picture {
        let width = pictures.map(\.width).max() ?? 1
        let height = pictures.map(\.height).reduce(0, +)
        let count = try Picture.checkSize(height: max(height, 1), width: width, channels: 1, what: what)
        var pixels = [UInt8](repeating: 255, count: count)
        var top = 0
        for picture in pictures where picture.channels == 1 {
            for row in 0..<picture.height {
                for column in 0..<picture.width {
                    pixels[(top + row) * width + column] = picture.pixels[row * picture.width + column]
                }
            }
            top += picture.height
        }
        return try Picture(height: max(height, 1), width: width, channels: 1, pixels: pixels)
    }

    /// Splits a tensor into maps with titles: H x W is one map; H x W x C gives C maps; a filter bank
    /// kh x kw x Cin x Cout gives Cin x Cout maps (one row per input channel). `name` numbers the titles:
    /// "Conv0" gives Conv0-0, Conv0-1, ... (for a filter bank Conv0-c-f). Returns the maps, their titles and
    /// the natural number of columns.
    public static func maps(of tensor: Tensor, name: String) throws -> (maps: [Tensor], titles: [String], columns: Int) {
        switch tensor.rank {
        case 2:
            return ([tensor], [name], 1)
        case 3:
            let (height, width, channels) = (tensor.shape[0], tensor.shape[1], tensor.shape[2])
            var maps: [Tensor] = []
            for c in 0..<channels {
                var values = [Double](repeating: 0, count: height * width)
                for i in 0..<(height * width) { values[i] = tensor.scalars[i * channels + c] }
                maps.append(try Tensor(shape: [height, width], scalars: values))
            }
            return (maps, (0..<channels).map { "\(name)-\($0)" }, automaticColumns(count: channels))
        case 4:
            let (height, width, inputs, filters) = (tensor.shape[0], tensor.shape[1], tensor.shape[2], tensor.shape[3])
            var maps: [Tensor] = []
            var titles: [String] = []
            for c in 0..<inputs {
                for f in 0..<filters {
                    var values = [Double](repeating: 0, count: height * width)
                    for i in 0..<(height * width) { values[i] = tensor.scalars[(i * inputs + c) * filters + f] }
                    maps.append(try Tensor(shape: [height, width], scalars: values))
                    titles.append("\(name)-\(c)-\(f)")
                }
            }
            return (maps, titles, filters)
        default:
            throw CoreError("savegrid: a vector is not a map; give H x W, H x W x C or a filter bank",
                            hint: "reshape it first, e.g. reshape(v, 1x\(tensor.count))")
        }
    }
}
