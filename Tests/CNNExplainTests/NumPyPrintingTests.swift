// Printing against NumPy: every row of Tests/CNNCoreTests/Fixtures/printing/table.txt (written by
// tools/fixtures/gen_printing.py) is an array of floats and the cells numpy.array2string printed for it
// with precision=P, floatmode="fixed". cnnrepl's TensorPrinter at `precision P` must print the same cells:
// the exact binary value rounded, -0.00 for negatives that round to zero, and NumPy's switch of the whole
// array to scientific notation.
import Testing
import CNNCore
@testable import CNNExplain
import CNNTestSupport

/// One row of the table.
private struct PrintedRow: CustomStringConvertible {
    var precision: Int
    var values: [Double]
    var cells: [String]
    var description: String { "precision \(precision): \(values)" }
}

private let printedRows: [PrintedRow] = {
    let text = TestFiles.text(TestFiles.fixtures("printing") + "table.txt") ?? ""
    return text.split(separator: "\n").compactMap { line -> PrintedRow? in
        guard !line.hasPrefix("#") else { return nil }
        let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.split(separator: " ").map(String.init) }
        guard parts.count == 3, let precision = parts[0].first.flatMap({ Int($0) }) else { return nil }
        let values = parts[1].compactMap { Double($0) }
        guard values.count == parts[1].count else { return nil }
        return PrintedRow(precision: precision, values: values, cells: parts[2])
    }
}()

@Test func printingMatchesNumPyArray2string() throws {
    #expect(printedRows.count >= 150)
    var mismatches = 0
    for row in printedRows {
        let printer = TensorPrinter(precision: row.precision)
        let format = printer.formatter(for: row.values)
        let cells = row.values.map(format)
        if cells != row.cells { mismatches += 1 }
        #expect(cells == row.cells, "\(row)")
        // The printed tensor itself (short rows print whole, without elision).
        if row.values.count <= PrintLimits.full {
            let printed = printer.lines(try Tensor(vector: row.values)).joined(separator: " ").split(separator: " ").map(String.init)
            #expect(printed == row.cells, "\(row): printed \(printed)")
        }
    }
    #expect(mismatches == 0)
}

/// The issue's own examples, spelled out.
@Test func printingRoundsTheExactBinaryValue() throws {
    let printer = TensorPrinter(precision: 2)
    #expect(printer.number(0.125) == "0.12")
    #expect(printer.number(2.675) == "2.67")
    #expect(printer.number(-0.001) == "-0.00")
    #expect(printer.number(1e-300) == "1.00e-300")
    #expect(printer.lines(try Tensor(vector: [1e-300, 0.5])) == ["  1.00e-300  5.00e-001"])
    #expect(Activation.relu(-0.0).sign == .plus)
}

/// evaluate and predict print Keras' 4 decimals, and follow `precision` when it asks for more.
@Test func evaluateAndPredictHonourPrecision() throws {
    let script = Script(seed: 3)
    try script.run("""
        data = dataset("digits")
        model tiny 8x8x1
          conv 2 3x3 same relu
          maxpool 2x2
          flatten
          dense 10 softmax
        end
        train tiny data epochs=1 batch=256
        """)
    func decimals(_ text: String, after marker: String) -> Int? {
        guard let range = text.firstRange(of: marker) else { return nil }
        let number = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        return number.split(separator: ".").last.map { $0.count }
    }
    let before = try script.rendered("evaluate tiny data\npredict tiny example(data, 0)")
    #expect(decimals(before, after: "training:   loss ") == 4)
    #expect(decimals(before, after: "(probability ") == 4)
    try script.run("precision 6")
    let after = try script.rendered("evaluate tiny data\npredict tiny example(data, 0)")
    #expect(decimals(after, after: "training:   loss ") == 6)
    #expect(decimals(after, after: "(probability ") == 6)
}
