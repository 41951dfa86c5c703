// Tests of element-wise arithmetic: NumPy broadcasting fixtures, numbers on either side, negation, errors.
import Testing
@testable import CNNCore
import CNNTestSupport

/// The arithmetic operation named in a fixture's `op=` setting.
private func arithmeticOperation(_ testCase: TensorOpsCase) -> ArithmeticOperation? {
    switch testCase.params["op"] {
    case "add": return .add
    case "subtract": return .subtract
    case "multiply": return .multiply
    case "divide": return .divide
    default: return nil
    }
}

@Test func arithmeticMatchesNumPyBroadcasting() throws {
    let cases = TensorOpsFixtures.cases("arith")
    #expect(cases.count >= 50)
    for testCase in cases {
        let operation = try #require(arithmeticOperation(testCase), "\(testCase.name)")
        let a = try testCase.array("a"), b = try testCase.array("b")
        // Element-wise IEEE arithmetic is exact: NumPy and Swift give the same bits.
        TensorOpsFixtures.expectClose(try a.elementwise(operation, b), try testCase.array("expected"), testCase)
    }
}

@Test func arithmeticWithANumberMatchesNumPy() throws {
    let cases = TensorOpsFixtures.cases("arithnum")
    #expect(cases.count >= 8)
    for testCase in cases {
        let operation = try #require(arithmeticOperation(testCase), "\(testCase.name)")
        let number = try #require(testCase.double("number"), "\(testCase.name)")
        let a = try testCase.array("a")
        let result = testCase.params["side"] == "left"
            ? a.elementwise(operation, numberOnLeft: number)
            : a.elementwise(operation, number)
        TensorOpsFixtures.expectClose(result, try testCase.array("expected"), testCase)
    }
}

@Test func negationMatchesNumPy() throws {
    let cases = TensorOpsFixtures.cases("negate")
    #expect(!cases.isEmpty)
    for testCase in cases {
        TensorOpsFixtures.expectClose(-(try testCase.array("a")), try testCase.array("expected"), testCase)
    }
}

@Test func operatorsAgreeWithElementwise() throws {
    let a = try Tensor(rows: [[1, 2], [3, 4]])
    let b = try Tensor(vector: [10, 20])
    #expect(try a + b == Tensor(rows: [[11, 22], [13, 24]]))
    #expect(try a - b == Tensor(rows: [[-9, -18], [-7, -16]]))
    #expect(try a * b == Tensor(rows: [[10, 40], [30, 80]]))
    #expect(try b / a == Tensor(rows: [[10, 10], [10.0 / 3, 5]]))
    let plusOne = a + 1, oneMinus = 1 - a, twice = a * 2, half = a / 2, twelveOver = 12 / a
    #expect(plusOne == (try Tensor(rows: [[2, 3], [4, 5]])))
    #expect(oneMinus == (try Tensor(rows: [[0, -1], [-2, -3]])))
    #expect(twice == 2 * a)
    #expect(half == (try Tensor(rows: [[0.5, 1], [1.5, 2]])))
    #expect(twelveOver == (try Tensor(rows: [[12, 6], [4, 3]])))
    let negated = -a
    #expect(negated == (try Tensor(rows: [[-1, -2], [-3, -4]])))
    #expect(ArithmeticOperation.allCases.map(\.symbol) == ["+", "-", "*", "/"])
}

@Test func divisionByZeroFollowsIEEE() throws {
    let a = try Tensor(vector: [1, -1, 0])
    let zero = try Tensor(vector: [0, 0, 0])
    let q = try a / zero
    #expect(q.scalars[0] == .infinity)
    #expect(q.scalars[1] == -.infinity)
    #expect(q.scalars[2].isNaN)
    #expect((a / 0).scalars[0] == .infinity)
}

@Test func mismatchedShapesNameBothShapesAndTheRule() throws {
    let a = try Tensor(shape: [3, 3], repeating: 1)
    let b = try Tensor(shape: [2, 2], repeating: 1)
    #expect(throws: CoreError(
        "+: shapes 3x3 and 2x2 do not match; element-wise operations need equal shapes (or one side a single number)",
        hint: "shapes are compared from the last axis, and an axis of size 1 stretches (3x1 and 1x4 give 3x4)")) {
        try a + b
    }
    for operation in ArithmeticOperation.allCases {
        do {
            _ = try a.elementwise(operation, b)
            Issue.record("\(operation.symbol) should fail")
        } catch let error as CoreError {
            #expect(error.message.hasPrefix("\(operation.symbol): shapes 3x3 and 2x2 do not match"))
        }
    }
    let c = try Tensor(shape: [4, 5, 3], repeating: 1)
    let d = try Tensor(shape: [4], repeating: 1)
    #expect(throws: CoreError.self) { try c * d }
}

@Test func broadcastResultLargerThanTheLimitIsAnError() throws {
    let column = try Tensor(shape: [20_000, 1], repeating: 1)
    let row = try Tensor(shape: [1, 20_000], repeating: 1)
    do {
        _ = try column + row
        Issue.record("a 20000x20000 result should be refused")
    } catch let error as CoreError {
        #expect(error.message.contains("20000x20000"))
        #expect(error.message.contains("more than 100,000,000 elements"))
    }
}

@Test func broadcastShapeRules() throws {
    #expect(try Broadcast.resultShape([3, 1], [1, 4], for: "+") == [3, 4])
    #expect(try Broadcast.resultShape([2, 3, 4, 5], [5], for: "+") == [2, 3, 4, 5])
    #expect(try Broadcast.resultShape([1], [1], for: "+") == [1])
    #expect(throws: CoreError.self) { try Broadcast.resultShape([2, 3], [3, 2], for: "*") }
    // Rank 5 would come out of nothing bigger than rank 4 inputs, but the limit is checked anyway.
    #expect(throws: CoreError.self) { try Broadcast.resultShape([2, 1, 1, 1, 1], [1], for: "+") }
    #expect(Broadcast.canStretch([1], to: [3, 3]))
    #expect(Broadcast.canStretch([1, 3], to: [3]))
    #expect(!Broadcast.canStretch([2, 3], to: [3]))
    #expect(!Broadcast.canStretch([3, 3], to: [3, 1]))
}
