// Heatmap: the plain-text drawing transcripts record (worked out by hand here), resampling, fitting the
// terminal width, rows of maps, and the colour escapes of the 24-bit and 256-colour styles.
import Testing
import CNNCore
import CNNScript
@testable import CNNExplain

private func request(_ maps: [(String, Tensor)], shared: Bool = true) -> ShowRequest {
    ShowRequest(maps: maps.map { ShownMap(title: $0.0, map: $0.1) }, sharedScale: shared)
}

@Test func smallMapIsDrawnLargeWithTheRamp() throws {
    // 2x2 cells of 0, 1, 2, 3: drawn 4x larger (8 / 2), each cell 8 characters wide and 4 high.
    // Levels: position 0, 1/3, 2/3, 1 times 10 -> ramp[0] ' ', ramp[3] '-', ramp[6] '*', ramp[9] '@'.
    let map = try Tensor(rows: [[0, 1], [2, 3]])
    let lines = Heatmap(style: .plain, width: 80).lines(request([("m", map)]))
    // Plain text frames the map, so that the smallest value's spaces still show where the map is.
    let top = "  │        --------│"
    let bottom = "  │********@@@@@@@@│"
    #expect(lines == ["  m", "  ┌────────────────┐", top, top, top, top, bottom, bottom, bottom, bottom, "  └────────────────┘",
                      "  2x2   scale 0 \" .:-=+*#%@\" 3   (each step 0.30)",
                      "  (each cell drawn 8 characters wide and 4 high)"])
}

@Test func mapsSideBySideShareOneScale() throws {
    let a = try Tensor(rows: [[0, 0], [0, 0]])
    let b = try Tensor(rows: [[10, 10], [10, 10]])
    let lines = Heatmap(style: .plain, width: 80).lines(request([("a", a), ("b", b)]))
    #expect(lines[0] == "  a                    b")
    #expect(lines[2] == "  │                │   │@@@@@@@@@@@@@@@@│")
    #expect(lines.contains("  2 maps of 2x2   scale 0 \" .:-=+*#%@\" 10   (each step 1, one scale for all)"))
    let own = Heatmap(style: .plain, width: 80).lines(request([("a", a), ("b", b)], shared: false))
    #expect(own[2] == "  │++++++++++++++++│   │++++++++++++++++│")
    #expect(own.contains("    a   every value is 0 (drawn '+')"))
}

@Test func resamplingAveragesAndRepeats() throws {
    let map = try Tensor(rows: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]])
    let down = Heatmap.resample(map, rows: 2, columns: 2)
    #expect(down == [[3.5, 5.5], [11.5, 13.5]])
    let up = Heatmap.resample(try Tensor(rows: [[1, 2]]), rows: 2, columns: 4)
    #expect(up == [[1, 1, 2, 2], [1, 1, 2, 2]])
    let missing = Heatmap.resample(try Tensor(rows: [[.nan, 1]]), rows: 1, columns: 2)
    #expect(missing == [[nil, 1]])
}

@Test(arguments: [20, 40, 80, 132])
func largeMapsFitTheWidth(width: Int) throws {
    var values: [Double] = []
    for i in 0..<(300 * 500) { values.append(Double(i % 97)) }
    let big = try Tensor(shape: [300, 500], scalars: values)
    let lines = Heatmap(style: .plain, width: width).lines(request([("big", big), ("again", big)]))
    for line in lines.dropLast(2) { #expect(line.count <= max(width, 18), "\(line.count) > \(width): \(line)") }
    #expect(lines.last?.hasPrefix("  (averaged down to fit \(width) columns: 300x500 cells drawn in ") == true)
    #expect(lines.count <= 2 * Heatmap.maxRows + 6)
}

@Test func manyMapsWrapIntoRows() throws {
    let map = try Tensor(shape: [4, 4], scalars: (0..<16).map(Double.init))
    let maps = (0..<9).map { ("m\($0)", map) }
    let lines = Heatmap(style: .plain, width: 80).lines(request(maps))
    let titleLines = lines.filter { $0.hasPrefix("  m") }
    #expect(titleLines.count >= 2, "nine 4x4 maps do not fit in one row of 80 columns")
    #expect(lines.allSatisfy { $0.count <= 80 })
    #expect(!lines.contains { $0.hasPrefix("#") || $0.hasPrefix("cnn> ") }, "no line may look like transcript input")
}

@Test func colourStylesUseHalfBlocks() throws {
    let map = try Tensor(rows: [[0, 1], [2, 3]])
    let true24 = Heatmap(style: .trueColor, width: 80).lines(request([("m", map)]))
    // Row 0 of the drawing, in its frame: upper pixel 0 (viridis start 68,1,84) over lower pixel 0.
    #expect(true24[1] == "  ┌────────────────┐")
    #expect(true24[2].hasPrefix("  │\u{1B}[38;2;68;1;84m\u{1B}[48;2;68;1;84m▀"))
    #expect(true24[2].hasSuffix("\u{1B}[0m│"))
    #expect(true24.contains { $0.contains("\u{1B}[38;2;253;231;37m\u{1B}[48;2;253;231;37m▀") }, "the largest value is viridis' yellow")
    let palette = Heatmap(style: .colors256, width: 80).lines(request([("m", map)]))
    #expect(palette[2].contains("\u{1B}[38;5;"))
    #expect(!palette.joined().contains("38;2;"))
}

@Test func palette256PicksTheNearestColour() {
    #expect(HeatmapPalette.index256(RGB(red: 255, green: 0, blue: 0)) == 196)
    #expect(HeatmapPalette.index256(RGB(red: 0, green: 0, blue: 0)) == 16)
    #expect(HeatmapPalette.index256(RGB(red: 128, green: 128, blue: 128)) == 244)
    #expect(HeatmapPalette.index256(RGB(red: 255, green: 255, blue: 255)) == 231)
    #expect(HeatmapPalette.color(0, .viridis) == RGB(red: 68, green: 1, blue: 84))
    #expect(HeatmapPalette.color(1, .gray) == RGB(red: 255, green: 255, blue: 255))
    #expect(HeatmapPalette.color(0.5, .viridis) == RGB(red: 33, green: 144, blue: 141))
}

@Test func aMapWithoutAFiniteValueSaysSoNotThatEveryValueIsZero() throws {
    // Issue 13: show of an all-nan or all-inf map said "every value is 0".
    let nan = try Tensor(rows: [[.nan, .nan], [.nan, .nan]])
    let inf = try Tensor(rows: [[.infinity, -.infinity], [.infinity, .nan]])
    for map in [nan, inf] {
        let lines = Heatmap(style: .plain, width: 80).lines(request([("m", map)]))
        #expect(lines.contains("  2x2   no value is a finite number: every value is nan, inf or -inf (drawn '+')"), "\(lines)")
        #expect(!lines.contains { $0.contains("every value is 0") })
    }
    let own = Heatmap(style: .plain, width: 80).lines(request([("a", nan), ("b", nan)], shared: false))
    #expect(own.contains("    a   no value is a finite number: every value is nan, inf or -inf (drawn '+')"), "\(own)")
}
