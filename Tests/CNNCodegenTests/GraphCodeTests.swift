// Keras and PyTorch code for model graphs: Keras' functional API with cnnrepl's names and connections, and an
// nn.Module whose forward adds and concatenates. That the scripts run and compute what `run` computes is
// checked with Keras and PyTorch by tools/verify/check_codegen.py (GRAPH_MODELS).
import Testing
import CNNCore
import CNNScript
@testable import CNNCodegen
import CNNTestSupport

private let block = """
model block 8x8x4
  conv 8 3x3 stride 2 same relu
  f = conv 8 3x3 same
  shortcut = conv 8 1x1 stride 2 from input
  y = add f shortcut
  b = conv 2 1x1 from input
  p = maxpool 2x2
  concat y p
end
"""

/// A line without its comment and surrounding spaces.
private func codePart(_ line: String) -> String {
    var code = Substring(line)
    if let hash = code.firstIndex(of: "#") { code = code[..<hash] }
    return String(code.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
}

@Test func aGraphBecomesKerasFunctionalCode() throws {
    let code = try Script().lines(block + "\ncode keras block").map(codePart)
    let expected = [
        "input_layer = keras.Input(shape=(8, 8, 4), name=\"input_layer\")",
        "conv2d = layers.Conv2D(8, (3, 3), strides=(2, 2), padding=\"same\", activation=\"relu\", name=\"conv2d\")(input_layer)",
        "f = layers.Conv2D(8, (3, 3), padding=\"same\", name=\"f\")(conv2d)",
        "shortcut = layers.Conv2D(8, (1, 1), strides=(2, 2), name=\"shortcut\")(input_layer)",
        "y = layers.Add(name=\"y\")([f, shortcut])",
        "b = layers.Conv2D(2, (1, 1), name=\"b\")(input_layer)",
        "p = layers.MaxPooling2D((2, 2), name=\"p\")(b)",
        "concatenate = layers.Concatenate(name=\"concatenate\")([y, p])",
        "model = keras.Model(input_layer, concatenate, name=\"block\")",
    ]
    for line in expected { #expect(code.contains(line), "missing: \(line)") }
}

@Test func aGraphBecomesATorchModuleWithAForward() throws {
    let code = try Script().lines(block + "\ncode torch block").map(codePart)
    let expected = [
        "class Block(nn.Module):",
        "def forward(self, x):",
        "conv2d = self.conv2d(conv2d)",
        "shortcut = self.shortcut(x)",
        "y = f + shortcut",
        "concatenate = torch.cat([y, p], dim=1)",
        "return concatenate",
        "model = Block()",
    ]
    for line in expected { #expect(code.contains(line), "missing: \(line)") }
}
