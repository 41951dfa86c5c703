// NumPy code for variables: the provenance chain written as one assignment per step, cnnrepl's names
// kept (and only changed when an old value is still needed), constants re-created or embedded at full
// precision, large arrays saved beside the script. That the scripts reproduce cnnrepl's values is
// checked with NumPy itself by tools/verify/check_codegen.py (results in tools/verify/codegen_results.md).
import Testing
import CNNCore
import CNNScript
@testable import CNNCodegen
import CNNTestSupport

/// The assignments of a script (lines `name = ...` outside the helper functions), comments removed.
private func assignments(_ lines: [String]) -> [String] {
    lines.compactMap { line -> String? in
        guard let first = line.first, first.isLetter || first == "_", line.contains(" = "),
              !line.hasPrefix("np.set_printoptions"), !line.hasPrefix("HERE") else { return nil }
        var code = Substring(line)
        if let comment = code.firstRange(of: "  # ") { code = code[..<comment.lowerBound] }
        return String(code)
    }
}

@Test func anInPlaceChainReadsAsAssignmentsToOneName() throws {
    let lines = try Script().lines("""
        image = [1, 2, 3; 4, 5, 6; 7, 8, 9.5]
        f = conv(image, ones(2,2), padding=same)
        relu f
        maxpool f
        code numpy f
        """)
    #expect(assignments(lines) == [
        "image = np.array([",
        "f = conv2d(image, np.ones((2, 2)), padding=((0, 1), (0, 1)))",
        "f = np.maximum(f, 0)",
        "f = maxpool2d(f, (2, 2), (2, 2))",
    ])
    #expect(lines.contains("    [7, 8, 9.5],"))
    #expect(lines.contains("# f = conv(image, ones(2,2), padding=same)   3x3 * 2x2, stride 1, same -> 3x3   (out = (3 + 1 - 2)/1 + 1 = 3)"))
    #expect(lines.contains("# padding same: zero rows 0 above, 1 below; zero columns 0 left, 1 right"))
    // Only the helpers the steps use are defined, each once.
    #expect(lines.filter { $0.hasPrefix("def ") } == [
        "def conv2d(x, kernel, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), bias=None):",
        "def maxpool2d(x, size, stride, padding=((0, 0), (0, 0)), pad_value=-np.inf):",
    ])
    #expect(lines.contains("from numpy.lib.stride_tricks import sliding_window_view"))
    #expect(Array(lines.suffix(2)) == ["print(\"f:\", f.shape)", "print(f)"])
}

@Test func aNameStillNeededKeepsItsValueAndTheNewOneIsRenamed() throws {
    let lines = try Script().lines("""
        a = [1, -2; -3, 4]
        g = a * 2
        relu a
        h = a + g
        code numpy h
        """)
    #expect(assignments(lines) == [
        "a = np.array([",
        "a_2 = np.maximum(a, 0)",
        "g = a * 2",
        "h = a_2 + g",
    ])
    #expect(lines.contains("# (called a_2 here: a still holds a value needed further down)"))
}

@Test func constantsAreRecreatedOrEmbeddedAtFullPrecision() throws {
    let session = Script.withCodeGenerator()
    let lines = try session.lines("""
        z = zeros(2, 3)
        o = ones(2, 2)
        s = full(2x2, -1.5)
        i = eye(3)
        r = range(2, 14, 3)
        q = [0.1, 0.2] + [0.2, 0.1]
        w = [0.30000000000000004, 1e-05]
        t = z[:, 0:2] + o + s + i[0:2, 0:2] + r[0:2] + q + w + pad(o, 1)[1:3, 1:3] + resize(i, 2x2)
        code numpy t
        """)
    let code = assignments(lines)
    #expect(code.contains("z = np.zeros((2, 3))"))
    #expect(code.contains("o = np.ones((2, 2))"))
    #expect(code.contains("s = np.full((2, 2), -1.5)"))
    #expect(code.contains("i = np.eye(3)"))
    #expect(code.contains("r = np.arange(2, 14, 3, dtype=float)"))
    // a + b of two typed-in vectors is computed, not embedded; 0.1 + 0.2 prints as Python's repr would.
    #expect(code.contains("q = a + b"))
    #expect(lines.contains("w = np.array([0.30000000000000004, 1e-05], dtype=float)"))
    // Slices with plain numbers are NumPy's own, and so is pad (issue 17: it was embedded as numbers).
    #expect(code.contains("part = z[:, 0:2]"))
    #expect(code.contains("pad = np.pad(o, ((1, 1), (1, 1)))"))
    #expect(code.contains("part = pad[1:3, 1:3]"))
    // resize has no NumPy translation: its result is embedded, saying where it came from.
    #expect(code.contains("t = t + b"))
    #expect(lines.contains("# b: resize(i, 2x2) in cnnrepl: its 4 values embedded at full precision"))
}

@Test func arraysTooLargeToEmbedAreSavedBesideTheScript() throws {
    let session = Script.withCodeGenerator()
    // The code as it would be written to a file (generated here without writing anything).
    var toFile = try session.request("""
        big = rand(40, 40)
        y = relu(big - 0.5)
        code numpy y
        """)
    toFile.fileName = "y.py"
    toFile.path = "/tmp/y.py"
    let written = PythonCodeGenerator().generate(toFile)
    #expect(written.dataFiles.map(\.fileName) == ["y_big.npy"])
    #expect(written.dataFiles.first?.tensor.shape == [40, 40])
    #expect(written.lines.contains("big = np.load(os.path.join(HERE, \"y_big.npy\"))"))
    #expect(written.lines.contains("import os"))
    // Printed instead of written, the script says how to get the file.
    let printed = try session.lines("code numpy y")
    #expect(printed.contains("# code numpy y file=\"y.py\" and cnnrepl saves them beside the script."))
}

@Test func aModelRunBecomesItsForwardPass() throws {
    let lines = try Script().lines("""
        model tiny 6x6x1
          conv 2 3x3 relu
          maxpool 2x2
          flatten
          dense 3 softmax
        end
        run tiny
        code numpy tiny_out
        """)
    let code = assignments(lines)
    #expect(code.contains { $0.hasPrefix("tiny_in = np.array([") })
    #expect(code.contains { $0.hasPrefix("tiny_1_kernel = np.array([") })
    #expect(code.contains("tiny_1_bias = np.zeros((2,))"))
    #expect(code.contains { $0.hasPrefix("tiny_out = softmax(") })
    #expect(lines.contains { $0.hasPrefix("def softmax(x):") })
}

@Test func aLongChainIsWalkedWithoutDeepRecursion() throws {
    var source = "f = [1, -1]\n"
    for _ in 0..<1_500 { source += "relu f\n" }
    source += "code numpy f"
    let code = assignments(try Script().lines(source))
    #expect(code.count == 1_501)
    #expect(code.last == "f = np.maximum(f, 0)")
}

@Test func aChainLongerThanTheKeptHistoryStartsFromItsOldestKeptValue() throws {
    // A value keeps its last 1,000 to 2,000 steps (Provenance.historyKept): the script starts from the
    // oldest value kept, written as data.
    var source = "f = [1, -1]\n"
    for _ in 0..<5_000 { source += "relu f\n" }
    source += "code numpy f"
    let code = assignments(try Script().lines(source))
    #expect(code.count > Provenance.historyKept && code.count <= 2 * Provenance.historyKept + 2, "\(code.count) lines")
    #expect(code.first?.hasPrefix("f = np.array([") == true, "\(code.first ?? "")")
    #expect(code.last == "f = np.maximum(f, 0)")
}
