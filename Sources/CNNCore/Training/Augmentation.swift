// Augmentation: data augmentation while training, random horizontal flips and shifts of the training images.
//
// Each training example, each time a batch takes it, is changed at random before it goes forward:
//   flip       mirrored left to right with probability 1/2 (Keras' RandomFlip("horizontal"))
//   shift=S    moved by dy rows and dx columns, each drawn uniformly from -S...S, the cells moved in from
//              outside being 0 (the classic "pad S with zeros, crop at random" of CIFAR training, as
//              torchvision's RandomCrop(padding=S) does; Keras' RandomTranslation fills by reflection instead)
// so the model rarely sees the very same picture twice. The draws come from training's seeded generator,
// in example order on one thread (flip first, then dy, then dx), so a run repeats exactly for a seed and
// whatever the number of threads. Validation examples are never changed.

/// Random changes made to training images.
public struct Augmentation: Equatable, Sendable {
    /// Whether images are mirrored left to right half of the time.
    public var flip: Bool
    /// The largest shift in pixels along each axis (0: none).
    public var shift: Int

    /// The most pixels `shift` may be.
    public static let maxShift = 64

    /// Creates the settings.
    public init(flip: Bool = false, shift: Int = 0) {
        self.flip = flip
        self.shift = shift
    }

    /// Whether anything is changed at all.
    public var isActive: Bool { flip || shift > 0 }

    /// "flip, shift=2": the settings as `train` takes them.
    public var description: String {
        ([flip ? "flip" : nil, shift > 0 ? "shift=\(shift)" : nil] as [String?]).compactMap { $0 }.joined(separator: ",")
    }

    /// `image` (H x W or H x W x C) changed at random: flipped and/or shifted, drawing from `random`.
    public func apply(_ image: Tensor, random: inout RandomGenerator) -> Tensor {
        guard isActive, image.rank >= 2 else { return image }
        let height = image.shape[0], width = image.shape[1]
        let channels = image.rank == 3 ? image.shape[2] : 1
        let mirrored = flip && random.nextDouble() < 0.5
        let dy = shift > 0 ? random.nextInt(below: 2 * shift + 1) - shift : 0
        let dx = shift > 0 ? random.nextInt(below: 2 * shift + 1) - shift : 0
        if !mirrored && dy == 0 && dx == 0 { return image }
        var scalars = [Double](repeating: 0, count: image.count)
        image.scalars.withUnsafeBufferPointer { source in
            for y in 0..<height {
                let sy = y - dy  // the output row y shows the input row y - dy
                guard sy >= 0 && sy < height else { continue }
                for x in 0..<width {
                    var sx = x - dx
                    guard sx >= 0 && sx < width else { continue }
                    if mirrored { sx = width - 1 - sx }
                    let to = (y * width + x) * channels, from = (sy * width + sx) * channels
                    for c in 0..<channels { scalars[to + c] = source[from + c] }
                }
            }
        }
        return Tensor(unchecked: image.shape, scalars: scalars)
    }
}
