// Digits: the 1,797 handwritten digits shipped with cnnrepl, as a Dataset.
//
// Each digit is an 8x8 image of pixel counts 0..16 (32x32 bitmaps counted in 4x4 blocks); `load` scales
// them to 0..1 (count / 16), the usual preparation, and reads each image as 8 x 8 x 1, the channels-last
// layout a conv layer takes. The labels are the digits 0..9. Source and licence: DigitsData.swift's header
// ("Optical Recognition of Handwritten Digits", Alpaydin & Kaynak 1998, UCI, CC BY 4.0).

/// The handwritten digits data set.
public enum Digits {
    /// The sentence crediting the data, shown when it is loaded.
    public static let attribution =
        "Optical Recognition of Handwritten Digits (E. Alpaydin, C. Kaynak 1998, UCI ML Repository, CC BY 4.0), as shipped with scikit-learn"

    /// All 1,797 digits as 8 x 8 x 1 images scaled to 0..1, and their labels, split by `seed`.
    public static func load(validationFraction: Double = 0.2, seed: UInt64 = RandomGenerator.defaultSeed) throws -> Dataset {
        var pixels: [Double] = []
        var labels: [Int] = []
        pixels.reserveCapacity(1797 * 64)
        for line in encoded.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, parts[0].count == 64, let label = Int(parts[1]) else {
                throw CoreError("digits: a line of the shipped data is damaged")
            }
            for character in parts[0] {
                guard let count = character.hexDigitValue ?? (character == "g" ? 16 : nil) else {
                    throw CoreError("digits: a pixel of the shipped data is damaged")
                }
                pixels.append(Double(count) / 16)
            }
            labels.append(label)
        }
        let images = try Tensor(shape: [labels.count, 8, 8, 1], scalars: pixels)
        return try Dataset(name: "digits", images: images, labels: labels, classes: 10,
                           validationFraction: validationFraction, seed: seed, attribution: attribution)
    }
}
