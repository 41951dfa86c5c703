// OutcomePictures: the pictures an outcome can be shown as, PNG-encoded, for places that show images
// rather than a terminal (the `--serve` protocol, Jupyter, exported lessons). `show` becomes the maps side by
// side in one grey grid (titled, on the same scale rule as the terminal heatmap); `plot` becomes the
// accuracy and loss curves that `save(history, "curves.png")` draws. Rendering has no side effects.
import CNNCore
import CNNImage
import CNNScript

/// One picture made from an outcome.
public struct RenderedPicture: Sendable {
    /// What it shows, e.g. "show x k" or "plot history".
    public var title: String
    /// The PNG file's bytes.
    public var png: [UInt8]
    /// Its size in pixels.
    public var width: Int
    public var height: Int
}

/// Pictures for the outcomes that draw something.
public enum OutcomePictures {
    /// The pictures of `outcome` (none for outcomes that draw nothing, or that cannot be drawn).
    public static func pictures(for outcome: Outcome) -> [RenderedPicture] {
        switch outcome {
        case .show(let request):
            return (try? showPicture(request)).map { [$0] } ?? []
        case .network(let view):
            guard let picture = try? view.picture(what: "show \(view.model)").picture else { return [] }
            return (try? encode(picture, title: "show \(view.model)")).map { [$0] } ?? []
        case .learning(.plotted(let name, let history)):
            guard let tensor = try? TrainingPicture.render(history),
                  let picture = try? Picture.from(tensor, mode: .keep, what: "plot").picture else { return [] }
            return (try? encode(picture, title: "plot \(name)")).map { [$0] } ?? []
        default:
            return []
        }
    }

    /// A picture file's bytes and size, if it is a PNG (other pictures are left to the file itself).
    public static func pngFile(bytes: [UInt8], title: String) -> RenderedPicture? {
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), bytes.count >= 24 else { return nil }
        func word(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return RenderedPicture(title: title, png: bytes, width: word(16), height: word(20))
    }

    /// `show`'s maps in one grey grid: one scale for all maps when the request shares it, else each map
    /// stretched on its own.
    static func showPicture(_ request: ShowRequest) throws -> RenderedPicture {
        let maps = request.maps.map { shown -> Tensor in
            guard !request.sharedScale else { return shown.map }
            let finite = shown.map.scalars.filter(\.isFinite)
            guard let low = finite.min(), let high = finite.max(), high > low else { return shown.map.map { _ in 0 } }
            return shown.map.map { ($0 - low) / (high - low) }
        }
        let (picture, _, _) = try PictureGrid.draw(maps, titles: request.maps.map(\.title), what: "show")
        return try encode(picture, title: "show " + request.maps.map(\.title).joined(separator: " "))
    }

    static func encode(_ picture: Picture, title: String) throws -> RenderedPicture {
        RenderedPicture(title: title, png: try PNGCodec.encode(picture, what: title), width: picture.width, height: picture.height)
    }
}
