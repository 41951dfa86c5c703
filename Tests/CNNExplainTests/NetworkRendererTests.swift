// What the network sees, as text: a colour picture drawn in its own colours on a colour terminal and as grey
// without colour, and `show NAME`'s headings (the layers' names and shapes, the filters, the prediction).
import Testing
import CNNCore
@testable import CNNScript
@testable import CNNExplain
import CNNTestSupport

@Test func aColourPictureKeepsItsColours() throws {
    // 2x2 RGB: red, green / blue, white.
    let rgb = try Tensor(shape: [2, 2, 3], scalars: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
    let picture = try ShownMap.picture(title: "p", rgb: rgb)
    #expect(picture.map.scalars.map { ($0 * 1000).rounded() / 1000 } == [76.245, 149.685, 29.07, 255])
    let request = ShowRequest(maps: [picture])
    let coloured = Heatmap(style: .trueColor, width: 80).lines(request).joined(separator: "\n")
    // Each pixel in its own colour, in 24-bit colour (a 2x2 picture is drawn 8 characters a pixel).
    for colour in ["255;0;0", "0;255;0", "0;0;255", "255;255;255"] {
        #expect(coloured.contains("\u{1B}[38;2;\(colour)m\u{1B}[48;2;\(colour)m▀"), "no pixel of colour \(colour)")
    }
    #expect(coloured.contains("a colour picture: each pixel in its own colour"))
    let plain = Heatmap(style: .plain, width: 80).lines(request)
    #expect(!plain.joined().contains("\u{1B}"), "no colour codes without colour")
    #expect(plain.contains { $0.contains("@") }, "white is the top of the ramp")
}

@Test func showNameWritesEveryLayerWithItsShape() throws {
    let script = Script(seed: 3)
    try script.run("""
        model tiny 8x8x1
          conv 4 3x3 same relu
          maxpool 2x2
          flatten
          dense 3 softmax
        end
        run tiny
        """)
    guard case .network(let view)? = try script.run("show tiny").last else { Issue.record("no view"); return }
    let text = OutcomeRenderer().render(.network(view))
    for line in ["tiny, layer by layer: the input and the maps of its 4 layers (untrained weights",
                 "input  tiny_in  8x8x1", "layer 1  conv2d  tiny_1  8x8x4: 4 maps",
                 "filters of layer 1  tiny_1_kernel  3x3x1x4: 4 filters, what each map looks for",
                 "layer 2  max_pooling2d  tiny_2  4x4x4: 4 maps", "layer 3  flatten  tiny_3  64: one cell per value",
                 "layer 4  dense  tiny_4  3: one cell per value", "prediction: class ",
                 "(the weights are untrained, so this answer is still a guess)"] {
        #expect(text.contains(line), "missing: \(line)")
    }
}
