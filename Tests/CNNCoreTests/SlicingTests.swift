// Tests of slicing and assignment: NumPy fixtures (negative indices, steps, clamping) and every error path.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func slicingMatchesNumPy() throws {
    let cases = TensorOpsFixtures.cases("slice")
    #expect(cases.count >= 40)
    for testCase in cases {
        let selections = TensorOpsFixtures.selections(try #require(testCase.params["sel"]))
        let result = try (try testCase.array("a")).sliced(selections)
        TensorOpsFixtures.expectClose(result, try testCase.array("expected"), testCase)
    }
}

@Test func assignmentMatchesNumPy() throws {
    let cases = TensorOpsFixtures.cases("assign")
    #expect(cases.count >= 10)
    for testCase in cases {
        let selections = TensorOpsFixtures.selections(try #require(testCase.params["sel"]))
        var a = try testCase.array("a")
        if let number = testCase.double("number") {
            try a.assign(number, at: selections)
        } else {
            try a.assign(try testCase.array("b"), at: selections)
        }
        TensorOpsFixtures.expectClose(a, try testCase.array("expected"), testCase)
    }
}

@Test func indexingEveryAxisGivesAOneElementVector() throws {
    let m = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
    #expect(try m.sliced([.index(1), .index(-1)]) == Tensor(scalar: 6))
    #expect(try m.sliced([.index(0)]) == Tensor(vector: [1, 2, 3]))
    #expect(try m.sliced([.all, .index(1)]) == Tensor(vector: [2, 5]))
    #expect(try m.sliced([]) == m)
    // A 1-element value (the interpreter's number) may be written into a single element.
    var n = m
    try n.assign(Tensor(scalar: 9), at: [.index(0), .index(0)])
    #expect(n.value(at: [0, 0]) == 9)
}

@Test func selectionsDescribeThemselvesAsWritten() {
    #expect(AxisSelection.index(-1).description == "-1")
    #expect(AxisSelection.all.description == ":")
    #expect(AxisSelection.range(start: 0, stop: 3, step: nil).description == "0:3")
    #expect(AxisSelection.range(start: nil, stop: nil, step: -1).description == "::-1")
    #expect(AxisSelection.range(start: 1, stop: nil, step: nil).description == "1:")
}

@Test func resolvedSelectionsClampLikeNumPy() throws {
    let r = try AxisSelection.range(start: -100, stop: 100, step: 3).resolved(axis: 0, size: 10)
    #expect(r.positions == [0, 3, 6, 9])
    #expect(r.keepsAxis)
    let down = try AxisSelection.range(start: Int.max, stop: Int.min, step: Int.min).resolved(axis: 0, size: 10)
    #expect(down.positions == [9])
    let up = try AxisSelection.range(start: Int.min, stop: Int.max, step: Int.max).resolved(axis: 0, size: 10)
    #expect(up.positions == [0])
    let index = try AxisSelection.index(-10).resolved(axis: 0, size: 10)
    #expect(index.positions == [0])
    #expect(!index.keepsAxis)
}

@Test func sliceIndexOutOfRangeNamesTheAxisAndItsSize() throws {
    let t = try Tensor(shape: [4, 3], repeating: 1)
    #expect(throws: CoreError(
        "slice: index 3 is out of range for axis 1 of size 3", hint: "valid indices are 0 to 2, or -3 to -1")) {
        try t.sliced([.all, .index(3)])
    }
    for index in [4, -5, Int.min, Int.max] {
        #expect(throws: CoreError.self) { try t.sliced([.index(index)]) }
    }
    let one = try Tensor(vector: [5])
    #expect(throws: CoreError(
        "slice: index 1 is out of range for axis 0 of size 1", hint: "the only valid index is 0 (or -1)")) {
        try one.sliced([.index(1)])
    }
}

@Test func sliceStepZeroTooManySelectionsAndEmptyResultsAreErrors() throws {
    let t = try Tensor(shape: [4, 3], repeating: 1)
    #expect(throws: CoreError(
        "slice: the step along axis 0 is 0", hint: "a step must be a non-zero whole number, e.g. ::2, or ::-1 to reverse")) {
        try t.sliced([.range(start: nil, stop: nil, step: 0)])
    }
    #expect(throws: CoreError(
        "slice: a 4x3 tensor has 2 axes, but 3 selections were given",
        hint: "give at most one index or range per axis, separated by commas")) {
        try t.sliced([.all, .all, .index(0)])
    }
    #expect(throws: CoreError(
        "slice selects no elements: 3:1 along axis 0 of size 4 is empty",
        hint: "with a positive step the start must come before the stop (and inside the axis)")) {
        try t.sliced([.range(start: 3, stop: 1, step: nil)])
    }
    #expect(throws: CoreError(
        "slice selects no elements: 0:2:-1 along axis 1 of size 3 is empty",
        hint: "with a negative step the start must come after the stop")) {
        try t.sliced([.all, .range(start: 0, stop: 2, step: -1)])
    }
    let emptyRanges: [AxisSelection] = [
        .range(start: 10, stop: nil, step: nil), .range(start: nil, stop: -10, step: nil),
        .range(start: Int.max, stop: nil, step: nil), .range(start: nil, stop: Int.min, step: nil),
        .range(start: Int.min, stop: nil, step: -1), .range(start: 2, stop: 2, step: Int.max),
    ]
    for selection in emptyRanges {
        #expect(throws: CoreError.self) { try t.sliced([selection]) }
    }
}

@Test func assignmentErrors() throws {
    var t = try Tensor(shape: [4, 3], repeating: 0)
    let original = t
    #expect(throws: CoreError(
        "assign: a 2x2 value does not fit the selected 4x3 part",
        hint: "give a value of shape 4x3, one that stretches to it, or a single number")) {
        try t.assign(try Tensor(shape: [2, 2], repeating: 1), at: [])
    }
    #expect(throws: CoreError.self) { try t.assign(try Tensor(shape: [3, 4], repeating: 1), at: [.all]) }
    #expect(throws: CoreError.self) { try t.assign(try Tensor(shape: [2, 4, 3], repeating: 1), at: [.all]) }
    #expect(throws: CoreError.self) { try t.assign(1, at: [.index(9)]) }
    #expect(throws: CoreError.self) { try t.assign(1, at: [.range(start: nil, stop: nil, step: 0)]) }
    #expect(throws: CoreError.self) { try t.assign(1, at: [.all, .all, .all]) }
    #expect(throws: CoreError.self) { try t.assign(try Tensor(vector: [1, 2]), at: [.range(start: 3, stop: 0, step: nil)]) }
    // A failed assignment leaves the tensor unchanged.
    #expect(t == original)
}

@Test func everyRangeOfTheGridSelectsWhatNumPySelects() throws {
    let lines = TensorOpsFixtures.fixtures.text("slice_grid.txt")
        .split(separator: "\n").filter { !$0.hasPrefix("#") }
    #expect(lines.count == 13 * 13 * 10)
    let size = 7
    let axis = try Tensor(vector: (0..<size).map(Double.init))
    for line in lines {
        let words = line.split(separator: " ").map(String.init)
        let selection = TensorOpsFixtures.selections(words[0])
        let expected = words[1] == "empty" ? [] : words.dropFirst().compactMap { Int($0) }
        do {
            let resolved = try #require(selection.first).resolved(axis: 0, size: size)
            #expect(resolved.positions == expected, "\(words[0])")
            #expect(try axis.sliced(selection).scalars == expected.map(Double.init), "\(words[0])")
        } catch let error as CoreError {
            // Only an empty selection may fail here, and with the learner's message.
            #expect(expected.isEmpty, "\(words[0]): \(error)")
            #expect(error.message.hasPrefix("slice selects no elements"), "\(words[0])")
        }
    }
}
