// TrainingPicture: the accuracy and loss curves of a training run drawn as a picture, for
// `save(history, "curves.png")`, like the learning material's figures: two panels side by side, accuracy
// on the left and loss on the right, each with the training curve (blue) and the validation curve
// (orange) over the epochs, axis ticks and a legend. The result is an H x W x 3 tensor of 0..255.
import CNNCore
import CNNImage

/// Draws a training history's curves into an RGB picture.
public enum TrainingPicture {
    /// One panel's size in pixels.
    static let panelWidth = 480
    static let panelHeight = 360
    /// The plot area's margins inside a panel.
    static let left = 64, right = 16, top = 40, bottom = 44

    /// matplotlib's first two colours, the ones the notes' figures use.
    static let trainingColor: [UInt8] = [31, 119, 180]
    static let validationColor: [UInt8] = [255, 127, 14]

    /// The picture of `history`: accuracy and loss panels side by side.
    public static func render(_ history: TrainingHistory) throws -> Tensor {
        let width = panelWidth * 2, height = panelHeight
        var canvas = Canvas(width: width, height: height)
        let epochs = history.epochs
        canvas.panel(x: 0, title: "accuracy", training: epochs.map(\.accuracy), validation: epochs.map { $0.validationAccuracy })
        canvas.panel(x: panelWidth, title: "loss", training: epochs.map(\.loss), validation: epochs.map { $0.validationLoss })
        return try Tensor(shape: [height, width, 3], scalars: canvas.pixels.map(Double.init))
    }

    /// An RGB pixel buffer with the drawing operations the chart needs.
    struct Canvas {
        let width: Int
        let height: Int
        var pixels: [UInt8]

        init(width: Int, height: Int) {
            self.width = width
            self.height = height
            pixels = [UInt8](repeating: 255, count: width * height * 3)
        }

        mutating func set(_ x: Int, _ y: Int, _ color: [UInt8]) {
            guard x >= 0, x < width, y >= 0, y < height, color.count == 3 else { return }
            let offset = (y * width + x) * 3
            pixels[offset] = color[0]
            pixels[offset + 1] = color[1]
            pixels[offset + 2] = color[2]
        }

        mutating func rectangle(_ x: Int, _ y: Int, _ w: Int, _ h: Int, _ color: [UInt8]) {
            for yy in y..<(y + Swift.max(h, 0)) { for xx in x..<(x + Swift.max(w, 0)) { set(xx, yy, color) } }
        }

        /// A line two pixels thick from (x0, y0) to (x1, y1) (Bresenham).
        mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: [UInt8]) {
            var x = x0, y = y0
            let dx = abs(x1 - x0), dy = -abs(y1 - y0)
            let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
            var error = dx + dy
            var guardSteps = 0
            while guardSteps < 100_000 {
                guardSteps += 1
                rectangle(x, y, 2, 2, color)
                if x == x1 && y == y1 { break }
                let e2 = 2 * error
                if e2 >= dy { error += dy; x += sx }
                if e2 <= dx { error += dx; y += sy }
            }
        }

        /// Text in black (or `color`) with its top-left corner at (x, y), 5x7 glyphs at `scale`.
        mutating func text(_ string: String, x: Int, y: Int, scale: Int = 2, color: [UInt8] = [0, 0, 0]) {
            let w = BitmapFont.width(of: string, scale: scale), h = BitmapFont.glyphHeight * scale
            guard w > 0 else { return }
            var mask = [UInt8](repeating: 0, count: w * h)
            BitmapFont.draw(string, into: &mask, width: w, height: h, x: 0, y: 0, scale: scale, ink: 1)
            for yy in 0..<h { for xx in 0..<w where mask[yy * w + xx] == 1 { set(x + xx, y + yy, color) } }
        }

        /// One chart: axes, ticks, both curves and a legend, in the panel starting at column `x`.
        mutating func panel(x: Int, title: String, training: [Double], validation: [Double?]) {
            let plotLeft = x + TrainingPicture.left, plotTop = TrainingPicture.top
            let plotWidth = TrainingPicture.panelWidth - TrainingPicture.left - TrainingPicture.right
            let plotHeight = TrainingPicture.panelHeight - TrainingPicture.top - TrainingPicture.bottom
            text(title, x: plotLeft, y: 12)
            let values = (training + validation.compactMap { $0 }).filter(\.isFinite)
            guard let low0 = values.min(), let high0 = values.max() else { return }
            let margin = Swift.max((high0 - low0) * 0.05, 1e-9)
            let low = low0 - margin, high = high0 + margin
            let count = Swift.max(training.count, 1)
            func px(_ epoch: Int) -> Int {  // epoch from 0
                count == 1 ? plotLeft + plotWidth / 2 : plotLeft + epoch * (plotWidth - 1) / (count - 1)
            }
            func py(_ value: Double) -> Int {
                plotTop + Int(((high - value) / (high - low) * Double(plotHeight - 1)).rounded())
            }
            // Axes and ticks.
            let grey: [UInt8] = [200, 200, 200], black: [UInt8] = [0, 0, 0]
            for tick in 0...4 {
                let value = low + (high - low) * Double(tick) / 4
                let y = py(value)
                for xx in plotLeft..<(plotLeft + plotWidth) where xx % 4 == 0 { set(xx, y, grey) }
                text(Format.formatFixed(value, decimals: 2), x: x + 8, y: y - 6)
            }
            rectangle(plotLeft, plotTop, 1, plotHeight, black)
            rectangle(plotLeft, plotTop + plotHeight - 1, plotWidth, 1, black)
            for epoch in Set([1, (count + 1) / 2, count]).sorted() {
                let xx = px(epoch - 1)
                rectangle(xx, plotTop + plotHeight, 1, 5, black)
                let label = String(epoch)
                text(label, x: xx - BitmapFont.width(of: label, scale: 2) / 2, y: plotTop + plotHeight + 8)
            }
            text("epoch", x: plotLeft + plotWidth - BitmapFont.width(of: "epoch", scale: 2), y: plotTop + plotHeight + 26)
            // The curves: segments between the epochs' points, and a dot at each point.
            for (series, color) in [(training.map { Optional($0) }, TrainingPicture.trainingColor),
                                    (validation, TrainingPicture.validationColor)] {
                var previous: (Int, Int)?
                for (epoch, value) in series.enumerated() {
                    guard let value, value.isFinite else { previous = nil; continue }
                    let point = (px(epoch), py(value))
                    if let previous { line(previous.0, previous.1, point.0, point.1, color) }
                    rectangle(point.0 - 2, point.1 - 2, 5, 5, color)
                    previous = point
                }
            }
            // The legend, top right.
            let legendX = plotLeft + plotWidth - 150
            rectangle(legendX, 14, 14, 4, TrainingPicture.trainingColor)
            text("train", x: legendX + 18, y: 10)
            rectangle(legendX + 90, 14, 14, 4, TrainingPicture.validationColor)
            text("val", x: legendX + 108, y: 10)
        }
    }
}

extension Builtins {
    /// `save(history, "curves.png")`: the training curves as a picture file.
    static func saveCurves(_ history: TrainingHistory, _ context: inout CallContext) throws -> Value {
        let path = try context.writablePath("path")
        guard let kind = ImageFile.kind(ofPath: path) else {
            throw ArgumentError(message: "save: a training history is saved as a picture: a .png, .pgm or .ppm file",
                                hint: "e.g. save(history, \"curves.png\")", argument: context.argument("path")?.index)
        }
        let picture = try TrainingPicture.render(history)
        _ = try ImageFile.write(picture, path: path, kind: kind, mode: .keep)
        context.picturesWritten.append(path)
        return .string("saved the accuracy and loss curves of \(history.model) (\(history.epochs.count) epoch\(history.epochs.count == 1 ? "" : "s"), training in blue, validation in orange) to \(Workspace.shownPath(path)), \(picture.shape[0])x\(picture.shape[1]) pixels")
    }
}
