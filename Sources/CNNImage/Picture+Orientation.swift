// Picture+Orientation: turning a picture upright by its EXIF Orientation (1...8), as Pillow's
// ImageOps.exif_transpose does. A phone stores the picture as its sensor saw it and writes in EXIF how the
// phone was held; 6 (held upright, the common case) means "turn 90 degrees clockwise to view".
//
// For output row r and column c of an H x W source (H' x W' out; 5 to 8 swap the sides):
//   2 mirror left-right         in(r, W-1-c)        6 turn 90° clockwise          in(H-1-c, r)
//   3 turn 180°                 in(H-1-r, W-1-c)    7 transverse (anti-diagonal)  in(H-1-c, W-1-r)
//   4 mirror top-bottom         in(H-1-r, c)        8 turn 90° anticlockwise      in(c, W-1-r)
//   5 transpose (main diagonal) in(c, r)
extension Picture {
    /// What orientation `value` does to the stored picture, for messages: "turned 90° clockwise".
    static func orientationPhrase(_ value: Int) -> String {
        switch value {
        case 2: return "mirrored left-right"
        case 3: return "turned 180°"
        case 4: return "mirrored top-bottom"
        case 5: return "transposed (mirrored across its main diagonal)"
        case 6: return "turned 90° clockwise"
        case 7: return "transversed (mirrored across its other diagonal)"
        case 8: return "turned 90° anticlockwise"
        default: return "as stored"
        }
    }

    /// The picture turned upright by EXIF Orientation `value` (itself for 1 or a value outside 2...8).
    func oriented(_ value: Int) -> Picture {
        guard (2...8).contains(value) else { return self }
        let (h, w) = (height, width)
        let swapped = value >= 5
        let (outH, outW) = swapped ? (w, h) : (h, w)
        var out = [UInt8](repeating: 0, count: pixels.count)
        for r in 0..<outH {
            for c in 0..<outW {
                let (sr, sc): (Int, Int)
                switch value {
                case 2: (sr, sc) = (r, w - 1 - c)
                case 3: (sr, sc) = (h - 1 - r, w - 1 - c)
                case 4: (sr, sc) = (h - 1 - r, c)
                case 5: (sr, sc) = (c, r)
                case 6: (sr, sc) = (h - 1 - c, r)
                case 7: (sr, sc) = (h - 1 - c, w - 1 - r)
                default: (sr, sc) = (c, w - 1 - r)
                }
                let from = (sr * w + sc) * channels
                let to = (r * outW + c) * channels
                for k in 0..<channels { out[to + k] = pixels[from + k] }
            }
        }
        return (try? Picture(height: outH, width: outW, channels: channels, pixels: out)) ?? self
    }
}
