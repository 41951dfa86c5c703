// PictureConversion: a tensor as an 8-bit picture, for saving.
//
// An H x W tensor (or H x W x 1) becomes a grey picture, an H x W x 3 tensor an RGB picture; values
// become pixels by the rule of PixelScaling (one scaling for all three channels, so colours keep their
// balance). Other shapes are errors with a hint.
import CNNCore

extension Picture {
    /// The picture for a tensor, and how its values were scaled (by `mode`). `what` starts error messages.
    public static func from(_ tensor: Tensor, mode: PixelScaling.Mode = .auto,
                            what: String = "save") throws -> (picture: Picture, scaling: PixelScaling) {
        let channels: Int
        switch (tensor.rank, tensor.shape.last) {
        case (2, _): channels = 1
        case (3, 1): channels = 1
        case (3, 3): channels = 3
        case (1, _):
            throw CoreError("\(what): a picture needs rows and columns, and this is a vector of \(Format.count(tensor.count)) values",
                            hint: "reshape it first, e.g. reshape(v, 1x\(tensor.count))")
        case (3, _):
            throw CoreError("\(what): a picture has 1 channel (grey) or 3 (RGB), and this is \(tensor.shapeDescription)",
                            hint: "save one map, e.g. x[:, :, 0], or all of them side by side with savegrid")
        default:
            throw CoreError("\(what): a picture is H x W or H x W x 3, not \(tensor.shapeDescription)",
                            hint: "savegrid draws every slice of a filter bank side by side")
        }
        let scaling = PixelScaling(values: tensor.scalars, mode: mode)
        // A million pixels at a time, so that Ctrl-C stops a 10000x10000 picture here too.
        let scalars = tensor.scalars
        var pixels: [UInt8] = []
        pixels.reserveCapacity(scalars.count)
        var start = 0
        while start < scalars.count {
            try Interruption.check(what)
            let end = min(start + 1 << 20, scalars.count)
            for i in start..<end { pixels.append(scaling.pixel(scalars[i])) }
            start = end
        }
        let picture = try Picture(height: tensor.shape[0], width: tensor.shape[1], channels: channels, pixels: pixels)
        return (picture, scaling)
    }
}
