// ParserFuzzTests: random and mutated sources never trap the front end, and what it returns is consistent.
import Testing
@testable import CNNScript
import CNNTestSupport

private let seeds = [
    "x = conv(image, k, stride=2, padding=\"same\", dilation=1)\nrelu x; maxpool x 2",
    "model mnist 28x28x1\n  conv 32 3x3 relu same\n  maxpool 2x2\n  flatten\n  dense 10 softmax\nend\nsummary mnist",
    "k = [1, 2, 3; 4, 5, 6]\ny = k[0:2, ::2] @ k[-1] * -1e-3\ntrace y[1, 2]",
    "train mnist data epochs=20 batch=32 optimizer=adam lr=0.001 # comment\nshow f1 f2 [1, 2]",
    "s = \"a\\\"b\\n\"; params conv 3x3x32x64\nstep k -0.1",
]

/// Checks what the parser promises about any result.
private func checkInvariants(_ text: String) {
    let result = Parser.parse(text)
    let source = result.source
    for diagnostic in result.diagnostics {
        #expect(!diagnostic.message.isEmpty)
        #expect(diagnostic.range.start.line >= 1 && diagnostic.range.end.line <= source.lineCount,
                "\(diagnostic) in \(text.debugDescription)")
        #expect(diagnostic.range.start <= diagnostic.range.end)
    }
    var previousEnd = SourcePosition.start
    for statement in result.statements {
        #expect(statement.range.start >= previousEnd, "statements overlap in \(text.debugDescription)")
        #expect(statement.range.end.offset <= source.endPosition.offset)
        previousEnd = statement.range.end
    }
    #expect(result.diagnostics.count <= Parser.maxDiagnostics + 1)
    if result.isIncomplete { #expect(!result.diagnostics.isEmpty) }
    // Parsing is deterministic, and the statements print.
    let again = Parser.parse(text)
    #expect(again.statements == result.statements)
    #expect(again.diagnostics == result.diagnostics)
    _ = result.statements.map(\.sExpression)
}

@Test func mutatedProgramsNeverTrap() {
    var random = SplitMix64(state: 42)
    let alphabet = Array("()[]{},;:=+-*/@ \n\t\"#x1.e3E_ab-\\'$\u{FFFD}이\r")
    for round in 0..<3_000 {
        var characters = Array(seeds[round % seeds.count])
        for _ in 0..<(1 + Int(random.next() % 6)) {
            guard !characters.isEmpty else { break }
            let at = Int(random.next() % UInt64(characters.count))
            switch random.next() % 4 {
            case 0: characters.remove(at: at)
            case 1: characters.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: at)
            case 2: characters[at] = alphabet[Int(random.next() % UInt64(alphabet.count))]
            default:
                let end = min(characters.count, at + Int(random.next() % 12))
                characters.insert(contentsOf: characters[at..<end], at: at)
            }
        }
        checkInvariants(String(characters))
    }
}

@Test func randomTextNeverTraps() {
    var random = SplitMix64(state: 7)
    let alphabet = Array("()[]{},;:=+-*/@ \n\"#x1.e3abc\\'$modelend")
    for _ in 0..<500 {
        let length = Int(random.next() % 200)
        let text = String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        checkInvariants(text)
    }
}

@Test func everyPrefixOfAProgramParses() {
    let program = seeds.joined(separator: "\n")
    let scalars = Array(program.unicodeScalars)
    for length in 0...scalars.count {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[0..<length])
        checkInvariants(String(view))
    }
}
