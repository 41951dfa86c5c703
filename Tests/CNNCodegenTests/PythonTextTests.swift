// Tests of how CNNCodegen spells values in Python: numbers at full precision, tuples, strings and names.
import Testing
@testable import CNNCodegen
import CNNScript

@Test func numbersReadBackExactly() {
    #expect(PythonText.number(3) == "3")
    #expect(PythonText.number(-2) == "-2")
    #expect(PythonText.number(0.1) == "0.1")
    #expect(PythonText.number(1e-05) == "1e-05")
    #expect(PythonText.number(0.6394267984578837) == "0.6394267984578837")
    #expect(PythonText.number(-0.0) == "-0.0")
    #expect(PythonText.number(.infinity) == "np.inf")
    #expect(PythonText.number(-.infinity) == "-np.inf")
    #expect(PythonText.number(.nan) == "np.nan")
    #expect(PythonText.number(1e300) == "1e+300")
    #expect(PythonText.float(2) == "2.0")
    #expect(PythonText.float(0.5) == "0.5")
}

@Test func tuplesStringsAndNames() {
    #expect(PythonText.tuple([784]) == "(784,)")
    #expect(PythonText.tuple([28, 28, 1]) == "(28, 28, 1)")
    #expect(PythonText.string("a \"b\"\n") == "\"a \\\"b\\\"\\n\"")
    #expect(PythonText.identifier("lambda") == "lambda_")
    #expect(PythonText.identifier("f", reserved: ["f"]) == "f_")
    #expect(PythonText.identifier("2x") == "_2x")
    #expect(PythonText.identifier("mnist_1_kernel") == "mnist_1_kernel")
}
