// Grey conversion (BT.601, checked against NumPy), the sample pictures (checked against NumPy re-drawings
// of their written description) and grids of maps.
import Testing
import CNNCore
@testable import CNNImage
import CNNTestSupport

@Test func grayUsesBT601Weights() throws {
    let input = try ImageFixtures.tensor("gray_input.npy")
    let expected = try ImageFixtures.tensor("gray_expected.npy")
    let grey = try Grayscale.convert(input)
    #expect(grey.shape == expected.shape)
    #expect(largestDifference(grey, expected) < 1e-9)
    let primaries: [Double] = [0.299 * 255, 0.587 * 255, 0.114 * 255]
    #expect(Array(grey.scalars.prefix(3)) == primaries)
}

@Test func grayKeepsGreyAndRefusesOtherShapes() throws {
    let map = try Tensor(rows: [[1, 2], [3, 4]])
    #expect(try Grayscale.convert(map) == map)
    #expect(try Grayscale.convert(map.reshaped([2, 2, 1])) == map)
    #expect(throws: CoreError.self) { _ = try Grayscale.convert(try Tensor(shape: [2, 2, 4], repeating: 0)) }
    #expect(throws: CoreError.self) { _ = try Grayscale.convert(try Tensor(vector: [1, 2, 3])) }
}

@Test(arguments: ["shapes", "digit", "colors"])
func sampleMatchesItsDescription(name: String) throws {
    let picture = try #require(SamplePictures.picture(named: name))
    let expected = try ImageFixtures.tensor("sample_\(name).npy")
    #expect(try picture.tensor() == expected)
}

@Test func everySampleIsAPictureOf8BitValues() throws {
    for name in SamplePictures.names {
        let picture = try #require(SamplePictures.picture(named: name), "\(name)")
        let tensor = try picture.tensor()
        #expect(tensor.isIntegral)
        #expect(Set(picture.pixels).count >= 2, "\(name) should not be blank")
    }
    #expect(SamplePictures.picture(named: "nothing") == nil)
    let letters = try #require(SamplePictures.picture(named: "letters"))
    #expect(letters.tensorShape == [32, 64])
    // The C's top bar: font row 0 is ".###." at scale 3, from column 6 and row 5.
    let topBar: [UInt8] = [letters.pixels[5 * 64 + 6], letters.pixels[5 * 64 + 9], letters.pixels[5 * 64 + 17]]
    #expect(topBar == [0, 255, 255])
}

@Test func gridPlacesTilesTitlesAndFrames() throws {
    let a = try Tensor(rows: [[0, 1], [2, 3]])
    let b = try Tensor(rows: [[4, 5], [6, 7]])
    let (picture, scaling, scale) = try PictureGrid.draw([a, b], titles: ["A", "B"], scale: 10)
    #expect(scale == 10)
    #expect(scaling.stretched && scaling.low == 0 && scaling.high == 7)
    // 8 margin + 2 tiles of 20 pixels + 8 after each; titles at scale 1 (tile narrower than 48): band 13.
    #expect(picture.width == 8 + 2 * (20 + 8))
    #expect(picture.height == 8 + 20 + 13 + 8)
    let top = 8 + 13
    func pixel(_ y: Int, _ x: Int) -> UInt8 { picture.pixels[y * picture.width + x] }
    #expect(pixel(top, 8) == 0)                       // a's 0, the smallest value: black
    #expect(pixel(top + 19, 8 + 28 + 19) == 255)      // b's 7, the largest: white
    #expect(pixel(top - 1, 8) == 128 && pixel(top, 7) == 128)  // the frame
    #expect(pixel(top - 13 + 1, 8 + 1) == 0)          // the A's ink: font row 0 is ".###."
    #expect(throws: CoreError.self) { _ = try PictureGrid.draw([a, b], titles: ["only one"]) }
    #expect(throws: CoreError.self) { _ = try PictureGrid.draw([a], scale: 65) }
    #expect(throws: CoreError.self) { _ = try PictureGrid.draw([]) }
}

@Test func gridSplitsStacksAndFilterBanks() throws {
    let stack = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Double.init))
    let (maps, titles, columns) = try PictureGrid.maps(of: stack, name: "Conv0")
    #expect(maps.count == 4 && columns == 4)
    #expect(titles == ["Conv0-0", "Conv0-1", "Conv0-2", "Conv0-3"])
    #expect(maps[1].scalars == [1, 5, 9, 13, 17, 21])
    let bank = try Tensor(shape: [3, 3, 2, 5], scalars: (0..<90).map(Double.init))
    let split = try PictureGrid.maps(of: bank, name: "k")
    #expect(split.maps.count == 10 && split.columns == 5 && split.titles[6] == "k-1-1")
    #expect(split.maps[6].scalars[0] == 6)  // (0, 0, c 1, f 1) = 1 * 5 + 1
    #expect(PictureGrid.automaticScale(height: 3, width: 3) == 16)
    #expect(PictureGrid.automaticScale(height: 28, width: 28) == 4)
    #expect(PictureGrid.automaticScale(height: 512, width: 512) == 1)
    #expect(PictureGrid.automaticColumns(count: 12) == 4)
}

@Test func hugeGridIsAnErrorBeforeAllocating() throws {
    let map = try Tensor(shape: [2000, 2000], repeating: 1)
    #expect(throws: CoreError.self) { _ = try PictureGrid.draw([map, map, map], scale: 64) }
}

@Test func gridGroupsStartNewRowsAndLowerRowsFitTheirMaps() throws {
    // The notes' figure: three 4x4 conv maps above three 2x2 pooled maps, 10 pixels per cell.
    let conv = try Tensor(shape: [4, 4], scalars: (0..<16).map(Double.init))
    let pooled = try Tensor(rows: [[5, 7], [13, 15]])
    let (picture, _, _) = try PictureGrid.draw(groups: [[conv, conv, conv], [pooled, pooled, pooled]],
                                               titles: [["C-0", "C-1", "C-2"], []], scale: 10)
    // Rows: 8 margin, title band 13 + 40 tile + 8, then 13 + 20 tile + 8 (every row has the title band).
    #expect(picture.width == 8 + 3 * (40 + 8))
    #expect(picture.height == 8 + (13 + 40 + 8) + (13 + 20 + 8))
    func pixel(_ y: Int, _ x: Int) -> UInt8 { picture.pixels[y * picture.width + x] }
    let secondRowTop = 8 + 13 + 40 + 8 + 13
    #expect(pixel(secondRowTop, 8) == PixelScaling(values: [0, 15], mode: .stretch).pixel(5))
    #expect(pixel(secondRowTop - 1, 8) == 128, "the pooled tile's frame")
    #expect(throws: CoreError.self) { _ = try PictureGrid.draw(groups: [[conv], []], titles: []) }
    #expect(throws: CoreError.self) { _ = try PictureGrid.draw(groups: [[conv]], titles: [["a"], ["b"]]) }
}
