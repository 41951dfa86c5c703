// Tests of global max/average pooling: agreement with NumPy, shapes, traces and errors.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func globalPoolingMatchesNumPyReference() throws {
    let cases = OpsFixtures.cases("globalpool")
    #expect(cases.count >= 6, "Fixtures/ops/index.txt should list the global pooling cases")
    for fixture in cases {
        let kind = try #require(Pooling.Kind(rawValue: fixture.params["kind"] ?? ""), "\(fixture)")
        let input = try fixture.array("input")
        let output = try GlobalPooling(kind: kind).apply(input)
        #expect(OpsFixtures.close(output, try fixture.array("expected")), "case \(fixture)")
    }
}

@Test func globalPoolingGivesOneValuePerChannel() throws {
    let pooling = GlobalPooling(kind: .average)
    #expect(pooling.operationName == "globalavgpool")
    #expect(GlobalPooling(kind: .max).operationName == "globalmaxpool")
    #expect(try pooling.outputShape(inputShape: [7, 7, 1024]) == [1024])
    #expect(try pooling.outputShape(inputShape: [5, 5]) == [1])
    let map = try Tensor(rows: [[1, 2], [3, 6]])
    #expect(try pooling.apply(map).scalars == [3])
    #expect(try GlobalPooling(kind: .max).apply(map).scalars == [6])
}

@Test func globalTracesAgreeWithApply() throws {
    let input = try OpsFixtures.random([3, 4, 5], seed: 11)
    for kind in Pooling.Kind.allCases {
        let pooling = GlobalPooling(kind: kind)
        let output = try pooling.apply(input)
        for c in 0..<5 {
            let trace = try pooling.trace(input: input, at: [c])
            #expect(trace.windowShape == [3, 4])
            #expect(trace.cells.count == 12)
            #expect(trace.cells.allSatisfy { $0.channel == c && !$0.isPadding && $0.takesPart })
            #expect(abs(trace.value - output.scalars[c]) <= 1e-12)
            switch kind {
            case .max:
                let winner = try #require(trace.winner)
                #expect(trace.cells[winner].value == trace.cells.map(\.value).max())
                #expect(trace.value == output.scalars[c])
            case .average:
                #expect(trace.divisor == 12)
                #expect(try #require(trace.sum) / 12 == trace.value)
            }
        }
    }
    let map = try Tensor(rows: [[1, 9], [3, 4]])
    let trace = try GlobalPooling(kind: .max).trace(input: map, at: [0])
    #expect(trace.winner == 1)
    #expect(trace.cells[1] == PoolingTrace.Cell(row: 0, column: 1, channel: nil, value: 9, isPadding: false, takesPart: true))
}

@Test func globalPoolingErrors() throws {
    let pooling = GlobalPooling(kind: .average)
    let vector = try Tensor(vector: [1, 2, 3])
    let error = coreError { try pooling.apply(vector) }
    #expect(error?.message == "globalavgpool: expects an H x W map or an H x W x C stack of maps, not a 3-element vector")
    #expect(error?.hint == "the input is already a vector")
    let batch = try Tensor(shape: [2, 2, 2, 2], repeating: 0)
    #expect(coreError { try GlobalPooling(kind: .max).apply(batch) } != nil)
    let stack = try Tensor(shape: [2, 2, 3], repeating: 0)
    let outside = coreError { try pooling.trace(input: stack, at: [3]) }
    #expect(outside?.message == "globalavgpool: there is no output position [3] in the 3 output")
    #expect(coreError { try pooling.trace(input: stack, at: [0, 0]) } != nil)
    #expect(coreError { try pooling.outputShape(inputShape: [0, 3]) } != nil)
}
