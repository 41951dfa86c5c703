// Resizing against Pillow's Image.resize (fixtures from tools/fixtures/gen_resize.py): within 0.001 of its
// float (mode F) result and within 1 of its 8-bit result, for area (BOX) and bilinear; and the backward pass
// against finite differences.
import Testing
@testable import CNNCore
import CNNTestSupport

private let resizeFixtures = FixtureSet("resize")

@Test func resizeFixturesArePresent() {
    #expect(resizeFixtures.cases("resize").count >= 20, "run python3 tools/fixtures/gen_resize.py")
}

@Test(arguments: resizeFixtures.cases("resize"))
func resizeAgreesWithPillow(_ fixture: FixtureCase) throws {
    let input = try NPY.read(path: fixture.folder + "\(fixture.params["input"] ?? "").input.npy")
    let size = try #require(fixture.pair("size"))
    let method = try #require(ResizeMethod(rawValue: fixture.params["method"] ?? ""))
    let ours = try Resize.resize(input, height: size.rows, width: size.cols, method: method)
    let eight = try fixture.array("pillow8")
    #expect(ours.shape == eight.shape)
    let worst = zip(ours.scalars, eight.scalars).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst <= 1, "\(fixture.name): \(worst) from Pillow's 8-bit result")
    if input.rank == 2 {
        let floats = try fixture.array("pillowfloat")
        let worstFloat = zip(ours.scalars, floats.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worstFloat < 1e-3, "\(fixture.name): \(worstFloat) from Pillow's float result")
    }
}

@Test(arguments: ResizeMethod.allCases)
func resizeBackwardIsTheTransposeOfForward(_ method: ResizeMethod) throws {
    // resize is linear: <resize(x), g> == <x, backward(g)> for any x and g.
    var random = SplitMix64(state: 21)
    for (from, to) in [([7, 9, 2], [3, 4]), ([5, 4, 1], [9, 11]), ([6, 10, 3], [6, 3])] {
        let x = try random.tensor(from)
        let y = try Resize.resize(x, height: to[0], width: to[1], method: method)
        let g = try random.tensor(y.shape)
        let back = try Resize.backward(g, inputShape: from, method: method)
        let left = zip(y.scalars, g.scalars).map(*).reduce(0, +)
        let right = zip(x.scalars, back.scalars).map(*).reduce(0, +)
        #expect(abs(left - right) < 1e-9, "\(from) -> \(to): \(left) vs \(right)")
    }
}

@Test func resizeKeepsAFlatPictureFlatAndRefusesBadSizes() throws {
    let flat = try Tensor(shape: [13, 17], scalars: Array(repeating: 42, count: 13 * 17))
    for method in ResizeMethod.allCases {
        let out = try Resize.resize(flat, height: 5, width: 30, method: method)
        #expect(out.scalars.allSatisfy { abs($0 - 42) < 1e-12 })
    }
    #expect(throws: CoreError.self) { try Resize.resize(flat, height: 0, width: 3, method: .area) }
    #expect(throws: CoreError.self) { try Resize.resize(try Tensor(shape: [4], scalars: [1, 2, 3, 4]), height: 2, width: 2, method: .area) }
    #expect(ResizeMethod.natural(from: [512, 512], to: [28, 28]) == .area)
    #expect(ResizeMethod.natural(from: [10, 10], to: [28, 8]) == .bilinear)
}
