// TraceRendererTests: `trace` on small tensors whose every number was worked out by hand (the comments show
// the working), receptive fields of hand-worked chains, and a brute-force check of the claimed field: the
// input cells whose change moves the traced cell are found by perturbing each one and recomputing with the
// core, without any receptive-field arithmetic.
import CNNCore
import CNNScript
import Testing
@testable import CNNExplain
import CNNTestSupport

private let grid4 = "x = [1, 2, 3, 4; 5, 6, 7, 8; 9, 10, 11, 12; 13, 14, 15, 16]\n"

/// The lines of `text` with trailing spaces removed.
private func lines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

@Test func convolutionCellShowsWindowKernelProductsAndSum() throws {
    let session = Script()
    try session.rendered(grid4 + "k = [1, 2, 0; 0, 1, 0; -1, 0, 1]\nf = conv(x, k)")
    let text = try session.rendered("trace f[1, 0]")
    // Window rows 1..3, columns 0..2 = [5 6 7; 9 10 11; 13 14 15]; times k element-wise:
    // 5*1, 6*2, 7*0, 9*0, 10*1, 11*0, 13*-1, 14*0, 15*1 = 5, 12, 0, 0, 10, 0, -13, 0, 15; sum 29.
    #expect(text.hasPrefix("f[1, 0] = 29   from conv(x, k): 4x4 * 3x3, stride 1, valid -> 2x2\n"))
    #expect(text.contains("  the window: x rows 1..3, columns 0..2, marked [ ]\n"))
    #expect(text.contains("    1  [ 5   6   7]  8\n"))
    #expect(text.contains("  sum = 5 + 12 + 0 + 0 + 10 + 0 - 13 + 0 + 15 = 29\n"))
    #expect(text.contains("  window * kernel = products\n"))
    let middle = try #require(lines(text).first { $0.contains(" 10 ") && $0.contains("*") })
    #expect(middle.contains("="), "the middle row of window * kernel = products carries the signs")
}

@Test func paddingCellsShowAsPadding() throws {
    let session = Script()
    try session.rendered(grid4 + "k = [1, 2, 0; 0, 1, 0; -1, 0, 1]\ng = conv(x, k, padding=same)")
    let text = try session.rendered("trace g[0, 0]")
    // Window rows -1..1, columns -1..1: only x[0,0]*1, x[0,1]*0, x[1,0]*0, x[1,1]*1 are data: 1 + 0 + 0 + 6 = 7.
    #expect(text.hasPrefix("g[0, 0] = 7 "))
    #expect(text.contains("  the window: x rows -1..1, columns -1..1, marked [ ]\n"))
    #expect(text.contains("(0) is zero padding: it adds nothing to the sum"))
    #expect(text.contains("  sum = 1 + 0 + 0 + 6 = 7\n"))
    // The receptive field reaches the padding too: 3x3, of which 5 cells are outside x. One window: the field
    // in one line, no arithmetic and no second drawing of the window (issue 17, progressive disclosure).
    #expect(text.contains("depends on a 3x3 patch of x (its receptive field; jump 1): rows -1..1, columns -1..1, of which 5 cells lie outside x: zero padding (the window above)"))
    #expect(!text.contains("Receptive field, from x forward"))
    // Asked for with rf: the arithmetic and the patch drawn with its padding.
    let asked = try session.rendered("trace g[0, 0] rf")
    #expect(asked.contains("Receptive field, from x forward"))
    #expect(asked.contains("  for g[0, 0]: rows start + i*j - r/2 = 0.5 + 0*1 - 3/2 = -1 to -1 + 3 - 1 = 1;"))
    #expect(asked.contains("of which 5 cells lie outside x: zero padding, shown as (0):\n"))
}

@Test func reluShowsBeforeAndAfter() throws {
    let session = Script()
    try session.rendered(grid4 + "h = x - 10\nrelu h")
    let text = try session.rendered("trace h[0, 1]")
    // x[0,1] - 10 = 2 - 10 = -8, and relu(-8) = 0. `relu h` made a new h: the value before is h#1.
    #expect(text.contains("  (h#1: an earlier value of h; h is its value now)\n"))
    #expect(text.contains("  h[0, 1] = relu(h#1[0, 1]) = relu(-8) = 0\n"))
    #expect(text.contains("  (relu(x) = max(0, x))\n"))
    #expect(text.contains("where h#1[0, 1] = -8 comes from x - 10"))
}

@Test func maxPoolingNamesTheWinner() throws {
    let session = Script()
    try session.rendered(grid4 + "p = maxpool(x, 2)")
    let text = try session.rendered("trace p[1, 1]")
    // Window rows 2..3, columns 2..3 = 11, 12, 15, 16; the largest is 16 at x[3, 3].
    #expect(text.contains("  max of 11, 12, 15, 16 = 16\n"))
    #expect(text.contains("  the winner is x[3, 3]\n"))
}

@Test func averagePoolingShowsSumAndDivision() throws {
    let session = Script()
    try session.rendered(grid4 + "a = avgpool(x, 2)")
    let text = try session.rendered("trace a[0, 1]")
    // Window rows 0..1, columns 2..3 = 3, 4, 7, 8: (3 + 4 + 7 + 8) / 4 = 22 / 4 = 5.5.
    #expect(text.contains("  (3 + 4 + 7 + 8) / 4 = 22 / 4 = 5.50\n"))
}

@Test func denseShowsTheDotProductAndBias() throws {
    let session = Script()
    try session.rendered("v = [1, 2, 3]\nw = [1, 0; 0, 1; 1, 1]\ny = dense(v, w, [0.5, -1])")
    let text = try session.rendered("trace y[1]")
    // Column 1 of w is (0, 1, 1): 1*0 + 2*1 + 3*1 = 5, plus bias -1 = 4.
    #expect(text.hasPrefix("y[1] = 4 "))
    #expect(text.contains("  y[1] = v . w[:, 1] + bias[1]\n  = 1*0 + 2*1 + 3*1\n  = 5\n  + bias -1 = 4\n"))
}

@Test func aLongDotProductNamesItsLargestProducts() throws {
    let session = Script()
    // v = 0, 1, ..., 9 and w's column 0 = 1, -1, 1, -1, ...: products 0, -1, 2, -3, 4, -5, 6, -7, 8, -9.
    // By size: -9 (i = 9), 8 (i = 8), -7 (i = 7), 6 (i = 6); positives 2 + 4 + 6 + 8 = 20, negatives
    // -1 - 3 - 5 - 7 - 9 = -25; one product (i = 0) is 0.
    try session.rendered("v = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\nw = [1; -1; 1; -1; 1; -1; 1; -1; 1; -1]\ny = dense(v, w)")
    let text = try session.rendered("trace y[0]")
    #expect(text.contains("""
          the largest products, by size:
            v[9] * w[9, 0] = 9*-1 = -9
            v[8] * w[8, 0] = 8*1 = 8
            v[7] * w[7, 0] = 7*-1 = -7
            v[6] * w[6, 0] = 6*1 = 6
          the positive products add up to 20, the negative ones to -25; 1 of the 10 is 0

        """), "\(text)")
    // A short dot product lists every term and needs no summary.
    try session.rendered("u = dense([1, 2, 3], [1; 1; 1])")
    #expect(!(try session.rendered("trace u[0]")).contains("largest products"))
}

@Test func softmaxIsWorkedOut() throws {
    let session = Script()
    try session.rendered("s = softmax([1, 2, 3])")
    let text = try session.rendered("trace s[2]")
    // max 3; e^-2 = 0.1353, e^-1 = 0.3679, e^0 = 1; sum 1.5032; 1 / 1.5032 = 0.6652.
    #expect(text.contains("  max x = 3; e^(x_k - max x) = 0.14, 0.37, 1; their sum = 1.50\n"))
    #expect(text.contains("  s[2] = e^(x_2 - max x) / sum = e^(3 - 3) / 1.50 = 1 / 1.50 = 0.67\n"))
}

/// Hand-worked chains: one 3x3 conv sees 3x3; two see 5x5; conv 3x3, pool 2x2 stride 2, conv 3x3 sees 8x8
/// (r = 1, 3, 4, 8 and j = 1, 1, 2, 2).
@Test(arguments: [
    ("c = conv(x, ones(3,3))", "c[1, 1]", "3x3", "1"),
    ("b = conv(x, ones(3,3))\nc = conv(b, ones(3,3))", "c[1, 1]", "5x5", "1"),
    ("a = conv(x, ones(3,3))\nb = avgpool(a, 2)\nc = conv(b, ones(3,3))", "c[1, 1]", "8x8", "2"),
])
func traceReceptiveFieldOfHandWorkedChains(script: String, cell: String, size: String, jump: String) throws {
    let session = Script()
    try session.rendered("x = rand(12, 12)\n" + script)
    let text = try session.rendered("trace \(cell)")
    #expect(text.contains("So \(cell) depends on a \(size) patch of x (its receptive field; jump \(jump))"), "\(text)")
}

@Test func receptiveFieldArithmeticIsShownPerStep() throws {
    let session = Script()
    try session.rendered("x = rand(12, 12)\na = conv(x, ones(3,3))\nb = avgpool(a, 2)\nc = conv(b, ones(3,3))")
    let text = try session.rendered("trace c[1, 1]")
    #expect(text.contains("r = 1 + (3 - 1)*1 = 3"))
    #expect(text.contains("r = 3 + (2 - 1)*1 = 4"))
    #expect(text.contains("j = 1*2 = 2"))
    #expect(text.contains("r = 4 + (3 - 1)*2 = 8"))
    // start: 0.5 -> 1.5 (conv) -> 2 (pool) -> 4 (conv); cell 1: centre 4 + 1*2 = 6, rows 6 - 4 = 2 to 9.
    #expect(text.contains("start = 2 + ((3 - 1)/2 - 0)*2 = 4"))
    #expect(text.contains("for c[1, 1]: rows start + i*j - r/2 = 4 + 1*2 - 8/2 = 2 to 2 + 8 - 1 = 9"))
}

/// The input cells a cell of conv(avgpool(conv(x, ones 3x3), 2), ones 3x3) depends on, found by changing
/// each input cell in turn and recomputing: rows and columns 2..9 for c[1, 1], as the trace says.
@Test func receptiveFieldMatchesBruteForce() throws {
    var generator = RandomGenerator(seed: 3)
    let x = try Tensor.rand([12, 12], using: &generator)
    let ones = try Tensor.ones([3, 3])
    let convolution = try Convolution()
    let pooling = Pooling(kind: .average, size: Pair(square: 2))
    func output(_ input: Tensor) throws -> Double {
        let a = try convolution.apply(input, kernel: ones, bias: nil)
        let c = try convolution.apply(try pooling.apply(a), kernel: ones, bias: nil)
        return c.value(at: [1, 1]) ?? .nan
    }
    let base = try output(x)
    var rows = Set<Int>(), cols = Set<Int>()
    for r in 0..<12 {
        for c in 0..<12 {
            var changed = x
            try changed.setValue((x.value(at: [r, c]) ?? 0) + 1, at: [r, c])
            if try output(changed) != base {
                rows.insert(r)
                cols.insert(c)
            }
        }
    }
    #expect(rows == Set(2...9))
    #expect(cols == Set(2...9))

    let session = Script()
    try session.rendered("x = rand(12, 12)\na = conv(x, ones(3,3))\nb = avgpool(a, 2)\nc = conv(b, ones(3,3))")
    #expect(try session.rendered("trace c[1, 1]").contains("= 2 to 2 + 8 - 1 = 9; columns start + i*j - r/2 = 4 + 1*2 - 8/2 = 2 to 2 + 8 - 1 = 9"))
}

@Test func chainWalksBackThroughEveryStep() throws {
    let session = Script()
    try session.rendered("image = rand(10,10); f = conv(image, ones(3,3)); relu f; maxpool f")
    let text = try session.rendered("trace f[1, 2]")
    // maxpool 2x2 of cell (1, 2) reads rows 2..3, columns 4..5; relu keeps them; the 3x3 conv reads 2..5, 4..7.
    // Three tensors were called f: the one now is f, the earlier ones f#1 (conv) and f#2 (relu).
    #expect(text.contains("  (f#1, f#2: earlier values of f, in the order they were made; f is its value now)\n"))
    #expect(text.contains("  f[1, 2] <- maxpool 2x2, stride 2: needs f#2 rows 2..3, columns 4..5\n"))
    #expect(text.contains("  f#2[2..3, 4..5] <- relu, cell by cell: needs the same cells of f#1\n"))
    #expect(text.contains("  f#1[2..3, 4..5] <- conv 3x3, stride 1: needs image rows 2..5, columns 4..7\n"))
    #expect(text.contains("So f[1, 2] depends on a 4x4 patch of image (its receptive field; jump 2):"))
}

@Test func flattenAndDenseAreFollowed() throws {
    let session = Script()
    try session.rendered("x = rand(4, 4)\np = maxpool(x, 2)\nv = flatten(p)\ny = dense(v, ones(4, 2))")
    // v[3] is p[1, 1] (row by row), which reads x rows 2..3, columns 2..3.
    let flat = try session.rendered("trace v[3]")
    #expect(flat.contains("  v[3] <- flatten: it is p[1, 1]\n"))
    #expect(flat.contains("needs x rows 2..3, columns 2..3"))
    let dense = try session.rendered("trace y[0]")
    #expect(dense.contains("<- dense: needs every value of v (4 values)"))
    #expect(dense.contains("depends on every value of x: a dense layer sees its whole input."))
}

@Test func colourMarksTheWindowOnlyWhenAsked() throws {
    let session = Script()
    try session.rendered(grid4 + "p = maxpool(x, 2)")
    let parsed = CNNScript.Parser.parse("trace p[0, 0]")
    let statement = try #require(parsed.statements.first)
    let outcome = try session.interpreter.execute(statement, in: parsed.source)
    #expect(OutcomeRenderer(color: true).render(outcome).contains("\u{1B}[1;33m"))
    #expect(!OutcomeRenderer(color: false).render(outcome).contains("\u{1B}["))
}

@Test func minPoolingNamesTheSmallestAsTheWinner() throws {
    let session = Script()
    try session.rendered(grid4 + "p = minpool(x, 2)\nloss = sum(p * [1, 2; 3, 4])\ng = grad(loss, x)")
    let text = try session.rendered("trace p[1, 1]")
    // Window rows 2..3, columns 2..3 = 11, 12, 15, 16; the smallest is 11, at x[2, 2].
    #expect(text.contains("  min of 11, 12, 15, 16 = 11\n"))
    #expect(text.contains("  the winner is x[2, 2]\n"))
    #expect(text.contains("  p[1, 1] <- minpool 2x2, stride 2: needs x rows 2..3, columns 2..3\n"))
    // d loss / d x[2, 2] = 4: x[2, 2] is the smallest of the window that p[1, 1] (weight 4) keeps.
    let gradient = try session.rendered("trace g[2, 2]")
    #expect(gradient.contains("p: only the smallest cell of each window passes the window's gradient on"))
    #expect(gradient.contains("  dL/dx[2, 2] = 4\n"))
}

@Test func aMultiChannelTraceAddsEachChannelThenTheChannelSums() throws {
    // Issue 17: the products of all channels were one interleaved sum. Channel 0 (kernel of ones) gives
    // 1 + 2 + 3 + 4 = 10, channel 1 (kernel of twos) 10 + 12 + 14 + 16 = 52, and the cell 10 + 52 = 62.
    let session = Script()
    try session.rendered("x = stack([1, 2; 3, 4], [5, 6; 7, 8])\nk = reshape(stack(ones(2, 2), 2 * ones(2, 2)), 2x2x2x1)\no = conv(x, k)")
    let text = try session.rendered("trace o[0, 0, 0]")
    #expect(text.contains("    channel 0 sum = 1 + 2 + 3 + 4 = 10\n"), "\(text)")
    #expect(text.contains("    channel 1 sum = 10 + 12 + 14 + 16 = 52\n"), "\(text)")
    #expect(text.contains("  sum of the 2 channel sums = 10 + 52 = 62\n"), "\(text)")
}

@Test func explicitPaddingReadsAsPaddingAlongTheChain() throws {
    // Issue 17: padding=1 read "stride 1, 1" on the way back.
    let session = Script()
    try session.rendered(grid4 + "g = conv(x, ones(3, 3), padding=1)")
    #expect(try session.rendered("trace g[1, 1]").contains("  g[1, 1] <- conv 3x3, stride 1, padding 1: needs x rows 0..2, columns 0..2\n"))
}

@Test func theFieldTableNamesEachVersionAsTheStepListDoes() throws {
    // Issue 17, item 8: after relu f; maxpool f the conv made f#1 and relu f#2; the table says both.
    let session = Script()
    try session.rendered("image = rand(10, 10)\nf = conv(image, ones(3, 3))\nrelu f\nmaxpool f")
    let text = try session.rendered("trace f[0, 0]")
    #expect(text.contains("  f#1[0..1, 0..1] <- conv 3x3, stride 1: needs image rows 0..3, columns 0..3\n"), "\(text)")
    #expect(text.contains("  conv 3x3, stride 1 -> f#1, relu -> f#2   r = 1 + (3 - 1)*1 = 3 "), "\(text)")
    #expect(text.contains("  maxpool 2x2, stride 2 -> f               r = 3 + (2 - 1)*1 = 4 "), "\(text)")
}
