// ModelRunGradientTests: grad reaches the weights `run NAME x` stores (m_1_kernel, m_3_bias): the layer steps
// it records share the stored variables' history.
import CNNCore
import Testing
import CNNTestSupport
@testable import CNNScript

@Test func gradientsReachTheWeightsARunStored() throws {
    // `run` stored m_1_kernel, but the steps it recorded used an operand with no history, so grad(loss,
    // m_1_kernel) said the loss came from "an earlier m_1_kernel". The same network written out by hand with
    // the same weights gives the reference gradient.
    let script = Script(seed: 3)
    try script.run("model m 4x4x1\n  conv 2 3x3\n  flatten\n  dense 2\nend\nx = rand(4, 4, 1)\nrun m x\nloss = sum(m_out)")
    let viaRun = try script.tensor("grad(loss, m_1_kernel)")
    try script.run("k = m_1_kernel * 1\nl2 = sum(dense(flatten(conv(x, k, bias=m_1_bias)), m_3_kernel, m_3_bias))")
    #expect(try script.number("l2") == (try script.number("loss")))
    let byHand = try script.tensor("grad(l2, k)")
    #expect(viaRun.shape == [3, 3, 1, 2] && viaRun == byHand)
    #expect(try script.tensor("grad(loss, m_3_bias)").scalars == [1, 1])
}
