// Tests of sum, mean, max, min and argmax over all elements and along each axis, against NumPy fixtures.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func reductionsMatchNumPy() throws {
    let cases = TensorOpsFixtures.cases("reduce")
    #expect(cases.count >= 150)
    for testCase in cases {
        let a = try testCase.array("a")
        let expected = try testCase.array("expected")
        let kindName = try #require(testCase.params["kind"])
        if testCase.params["axis"] == "all" {
            if kindName == "argmax" {
                let result = a.argmax()
                #expect(Double(result.flatIndex) == expected.scalars[0], "\(testCase.name)")
                #expect(result.index.map(Double.init) == (try testCase.array("index")).scalars, "\(testCase.name)")
                #expect(result.value.isNaN ? a.scalars[result.flatIndex].isNaN : result.value == a.scalars[result.flatIndex])
            } else {
                let kind = try #require(ReductionKind(rawValue: kindName))
                TensorOpsFixtures.expectClose(Tensor(scalar: a.reduced(kind)), expected, tolerance: 1e-12, testCase)
            }
            continue
        }
        let axis = try #require(testCase.int("axis"), "\(testCase.name)")
        let result: ReductionResult
        if kindName == "argmax" {
            result = try a.argmax(axis: axis)
        } else {
            result = try a.reduced(try #require(ReductionKind(rawValue: kindName)), axis: axis)
        }
        // A vector reduced along its axis gives a number; anything else keeps a tensor.
        if a.rank == 1 {
            guard case .number = result else {
                Issue.record("\(testCase.name): a vector reduced along its axis should give a number")
                continue
            }
        } else {
            guard case .tensor = result else {
                Issue.record("\(testCase.name): reducing a \(a.shapeDescription) tensor should give a tensor")
                continue
            }
        }
        TensorOpsFixtures.expectClose(result.tensor, expected, tolerance: 1e-12, testCase)
    }
}

@Test func namedReductionsAgreeWithReduced() throws {
    let t = try Tensor(rows: [[1, 5, 2], [7, -3, 7]])
    #expect(t.sum() == 19)
    #expect(t.mean() == 19.0 / 6)
    #expect(t.maximum() == 7)
    #expect(t.minimum() == -3)
    #expect(try t.sum(axis: 0) == .tensor(Tensor(vector: [8, 2, 9])))
    #expect(try t.mean(axis: -1) == .tensor(Tensor(vector: [8.0 / 3, 11.0 / 3])))
    #expect(try t.maximum(axis: 1) == .tensor(Tensor(vector: [5, 7])))
    #expect(try t.minimum(axis: 0) == .tensor(Tensor(vector: [1, -3, 2])))
    // Ties: the first occurrence wins.
    #expect(t.argmax() == ArgmaxResult(flatIndex: 3, index: [1, 0], value: 7))
    #expect(try t.argmax(axis: 1) == .tensor(Tensor(vector: [1, 0])))
    let v = try Tensor(vector: [3, 9, 9])
    #expect(try v.sum(axis: 0) == .number(21))
    #expect(try v.argmax(axis: -1) == .number(1))
    #expect(ReductionResult.number(4).tensor == Tensor(scalar: 4))
}

@Test func nanWinsMaxMinAndArgmax() throws {
    let t = try Tensor(vector: [1, .nan, 5, .nan])
    #expect(t.maximum().isNaN)
    #expect(t.minimum().isNaN)
    #expect(t.argmax().flatIndex == 1)
    #expect(t.sum().isNaN)
}

@Test func reductionAxisOutOfRangeIsAnError() throws {
    let t = try Tensor(shape: [3, 3], repeating: 1)
    #expect(throws: CoreError(
        "sum: axis 2 does not exist in a 3x3 tensor, whose axes are 0 to 1 (or -2 to -1)",
        hint: "axis 0 runs down the rows, axis 1 is the last")) {
        try t.sum(axis: 2)
    }
    for axis in [-3, 2, Int.min, Int.max] {
        for kind in ReductionKind.allCases {
            #expect(throws: CoreError.self) { try t.reduced(kind, axis: axis) }
        }
        #expect(throws: CoreError.self) { try t.argmax(axis: axis) }
    }
    let v = try Tensor(vector: [1, 2])
    #expect(throws: CoreError(
        "argmax: axis 1 does not exist in a 2 tensor, whose axes are 0 to 0 (or -1 to -1)",
        hint: "a vector has only axis 0")) {
        try v.argmax(axis: 1)
    }
    #expect(try t.resolvedAxis(-1, for: "sum") == 1)
}
