// ParserLimitsTests: deep nesting, long operator chains and huge sources give one error, never a crash.
import Glibc
import Testing
@testable import CNNScript

private let tooDeep = "expression nests deeper than 256 levels"

@Test func tenThousandNestedParentheses() {
    let source = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
    let result = Parser.parse(source)
    #expect(result.diagnostics.map { "\($0.range) \($0.message)" } == ["1:257-1:258 \(tooDeep)"])
    #expect(result.statements.isEmpty)
    #expect(!result.isIncomplete)
}

@Test func everyKindOfNestingIsLimited() {
    let cases = [
        "x = " + String(repeating: "[", count: 10_000),
        "x = " + String(repeating: "- ", count: 10_000) + "1",
        "x = " + String(repeating: "-(", count: 10_000),
        "x = " + String(repeating: "f(", count: 10_000),
        "x = " + String(repeating: "x[", count: 10_000),
        "x = " + String(repeating: "x[1:", count: 10_000),
        "show " + String(repeating: "x[", count: 10_000),
        "x = 1" + String(repeating: " + 1", count: 10_000),
        "x = a" + String(repeating: "[0]", count: 10_000),
        "x = " + String(repeating: "-[", count: 10_000),
    ]
    for source in cases {
        #expect(Parser.parse(source).diagnostics.map(\.message).first?.hasPrefix("expression nests deeper") == true,
                "\(source.prefix(12))...")
        #expect(Parser.parse(source).diagnostics.count == 1)
    }
}

@Test func theDeepestAllowedNestingParses() {
    let depth = Parser.maxNestingDepth
    let parentheses = String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
    #expect(parsed(parentheses) == "1")
    let calls = String(repeating: "f(", count: depth - 1) + "1" + String(repeating: ")", count: depth - 1)
    #expect(Parser.parse(calls).diagnostics.isEmpty)
    let chain = "1" + String(repeating: " + 1", count: depth - 1)
    #expect(Parser.parse(chain).diagnostics.isEmpty)
    let tooLong = "1" + String(repeating: " + 1", count: depth)
    #expect(Parser.parse(tooLong).diagnostics.first?.hint
        == "each operator or call adds a level, so a chain a + b + c + ... of more than 256 terms is too deep as well; split it into several statements with intermediate names (s1 = a + b + ..., then s1 + ...)")
}

/// Runs `body` on a new thread with a stack of `bytes`, and waits for it.
private func onThread(stackBytes bytes: Int, _ body: @escaping @Sendable () -> Void) -> Bool {
    final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, bytes)
    var thread = pthread_t()
    let context = Unmanaged.passRetained(Work(body)).toOpaque()
    let created = pthread_create(&thread, &attributes, { raw in
        guard let raw else { return nil }
        Unmanaged<Work>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }, context)
    guard created == 0 else {
        Unmanaged<Work>.fromOpaque(context).release()
        return false
    }
    return pthread_join(thread, nil) == 0
}

@Test func theNestingLimitFitsASmallStack() {
    // A debug build needs about 1 MB for the worst of these; 4 MB leaves room for sanitizers and coverage.
    let finished = onThread(stackBytes: 4 << 20) {
        for source in [
            String(repeating: "(", count: 10_000),
            "x = " + String(repeating: "x[1:", count: 10_000),
            "x = " + String(repeating: "[", count: 10_000),
            "show " + String(repeating: "f(", count: 10_000),
        ] {
            _ = Parser.parse(source)
        }
    }
    #expect(finished)
}

@Test func sourcesOverTheSizeLimitAreOneError() {
    let source = String(repeating: "x = 1\n", count: SourceText.maxUTF8Count / 6 + 1)
    let result = Parser.parse(source)
    #expect(result.diagnostics.count == 1)
    #expect(result.diagnostics.first?.message == "the script is 1,000,002 bytes; the largest script is 1,000,000 bytes")
    #expect(result.statements.isEmpty)
}

@Test func aLargeValidSourceParses() {
    var source = ""
    while source.utf8.count < 200_000 {
        source += "x = conv(a, [1, 2; 3, 4], stride=2) + y[0:3, 1] * -2.5e-3 # note\nrelu x\n"
    }
    let result = Parser.parse(source)
    #expect(result.diagnostics.isEmpty)
    #expect(result.statements.count > 4_000)
}
