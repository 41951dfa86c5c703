// NumPyArrays: how a generated NumPy script gets the values cnnrepl did not compute by a step it can
// translate (values typed in, drawn at random, loaded, sliced): re-created when they follow a simple
// pattern (np.zeros, np.ones, np.full, np.eye, np.arange), else embedded as an np.array literal at full
// precision (every number reads back as exactly the same double), and when there are too many values
// to embed, loaded from an .npy file saved beside the script.
import CNNCore
import CNNScript

/// Python text for the constant arrays of a NumPy script.
enum NumPyArrays {
    /// The most values embedded as a literal; larger arrays are loaded from .npy files.
    static let embedLimit = 1_024

    /// A short expression that re-creates `tensor` exactly, if it follows a simple pattern.
    static func recreation(_ tensor: Tensor) -> String? {
        let shape = PythonText.tuple(tensor.shape)
        let values = tensor.scalars
        guard let first = values.first, values.allSatisfy({ !$0.isNaN }) else { return nil }
        if values.allSatisfy({ $0 == first && $0.sign == first.sign }) {
            if first == 0 && first.sign == .plus { return "np.zeros(\(shape))" }
            if first == 1 { return "np.ones(\(shape))" }
            return "np.full(\(shape), \(PythonText.float(first)))"
        }
        if tensor.rank == 2, tensor.shape[0] == tensor.shape[1], isIdentity(tensor) {
            return "np.eye(\(tensor.shape[0]))"
        }
        if values.count >= 3, let progression = wholeProgression(values) {
            let stop = progression.start + progression.step * values.count
            var text = "np.arange(\(progression.start), \(stop)\(progression.step == 1 ? "" : ", \(progression.step)"), dtype=float)"
            if tensor.rank > 1 { text += ".reshape\(shape)" }
            return text
        }
        return nil
    }

    /// Whether a square matrix is the identity.
    private static func isIdentity(_ tensor: Tensor) -> Bool {
        let n = tensor.shape[0]
        for (offset, value) in tensor.scalars.enumerated() {
            let expected: Double = offset / n == offset % n ? 1 : 0
            guard value == expected, value.sign == .plus else { return false }
        }
        return true
    }

    /// start, start + step, start + 2*step, ... with whole start and step (exact in floating point).
    private static func wholeProgression(_ values: [Double]) -> (start: Int, step: Int)? {
        let limit = 1e12
        guard let first = values.first, values.count >= 2, abs(first) < limit, first == first.rounded(),
              let start = Int(exactly: first), abs(values[1] - first) < limit, let step = Int(exactly: values[1] - first),
              step != 0 else { return nil }
        for (offset, value) in values.enumerated() {
            let (product, overflowA) = step.multipliedReportingOverflow(by: offset)
            let (expected, overflowB) = start.addingReportingOverflow(product)
            guard !overflowA, !overflowB, expected.magnitude < UInt(limit), value == Double(expected),
                  value.sign == .plus || value != 0 else {
                return nil
            }
        }
        return (start, step)
    }

    /// `np.array([...])` lines holding every value at full precision: a matrix row by row, anything else
    /// as one list wrapped over lines and reshaped.
    static func literal(_ tensor: Tensor) -> [String] {
        let texts = tensor.scalars.map(PythonText.number)
        if tensor.rank == 2 && tensor.shape[1] <= 16 {
            let columns = tensor.shape[1]
            var lines = ["np.array(["]
            for row in 0..<tensor.shape[0] {
                let cells = texts[(row * columns)..<((row + 1) * columns)]
                lines.append("    [" + cells.joined(separator: ", ") + "],")
            }
            lines.append("], dtype=float)")
            return lines
        }
        let reshape = tensor.rank == 1 ? "" : ".reshape\(PythonText.tuple(tensor.shape))"
        let oneLine = "np.array([" + texts.joined(separator: ", ") + "], dtype=float)" + reshape
        if oneLine.count <= 96 { return [oneLine] }
        var lines = ["np.array(["]
        var current = "   "
        for text in texts {
            if current.count + text.count + 2 > 100 {
                lines.append(current)
                current = "   "
            }
            current += " " + text + ","
        }
        if current.count > 3 { lines.append(current) }
        lines.append("], dtype=float)" + reshape)
        return lines
    }
}
