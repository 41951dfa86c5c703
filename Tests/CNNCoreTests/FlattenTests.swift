// Tests of Flatten: Keras' row-major, channels-last order and the length arithmetic.
import Testing
@testable import CNNCore
import CNNTestSupport

@Test func flattenMatchesNumPyReference() throws {
    let cases = OpsFixtures.cases("flatten")
    #expect(cases.count >= 4, "Fixtures/ops/index.txt should list the flatten cases")
    for fixture in cases {
        let output = Flatten.apply(try fixture.array("input"))
        #expect(output == (try fixture.array("expected")), "case \(fixture)")
    }
}

@Test func flattenReadsChannelsLast() throws {
    // 1x2x3: cell (0,0) has channels 1,2,3; cell (0,1) has 4,5,6.
    let input = try Tensor(shape: [1, 2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let output = Flatten.apply(input)
    #expect(output.shape == [6])
    #expect(output.scalars == [1, 2, 3, 4, 5, 6])
}

@Test func flattenLengthArithmetic() throws {
    let walk = try Flatten.outputSize(inputShape: [14, 14, 6])
    #expect(walk.value == 1176)
    #expect(walk.formula == "14 x 14 x 6 = 1176")
    #expect(try Flatten.outputSize(inputShape: [14, 14, 64]).value == 12544)
    #expect(try Flatten.outputSize(inputShape: [10]).formula == "10")
    #expect(coreError { try Flatten.outputSize(inputShape: [0, 3]) } != nil)
    #expect(coreError { try Flatten.outputSize(inputShape: [Int.max, 2]) } != nil)
    #expect(coreError { try Flatten.outputSize(inputShape: []) } != nil)
}
