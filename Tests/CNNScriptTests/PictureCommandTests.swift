// The picture built-ins and the show command as the language sees them: what show collects (titles,
// slices, scale, colours, the limit of 16 maps), its errors with their positions, load/save dispatch by
// extension (.npy unchanged), sample pictures, gray in command form, and savegrid's checks.
import Glibc
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

/// The ShowRequest of the last statement of `source`.
private func shown(_ source: String, in script: Script = Script()) throws -> ShowRequest {
    guard case .show(let request)? = try script.run(source).last else { throw TestFailure("\(source) did not show") }
    return request
}

@Test func showCollectsMapsWithTitles() throws {
    let script = Script()
    try script.run("f = rand(4, 4); s = rand(3, 3, 2)")
    let one = try shown("show f", in: script)
    #expect(one.maps.map(\.title) == ["f"] && one.sharedScale && one.colors == .viridis && one.omitted == 0)
    let stack = try shown("show s", in: script)
    #expect(stack.maps.map(\.title) == ["s[:, :, 0]", "s[:, :, 1]"])
    #expect(stack.sharedScale, "the channels of one stack share a scale")
    #expect(stack.maps[1].map.scalars == (try script.tensor("s[:, :, 1]")).scalars)
    let several = try shown("show f relu(f) s[:, :, 0] colors=gray", in: script)
    #expect(several.maps.map(\.title) == ["f", "relu(f)", "s[:, :, 0]"])
    #expect(!several.sharedScale, "separate tensors each get their own scale")
    #expect(several.colors == .gray)
    #expect(try shown("show f relu(f) scale=shared", in: script).sharedScale)
    #expect(!(try shown("show s scale=each", in: script).sharedScale))
    let vector = try shown("show [1, 2, 3]", in: script)
    #expect(vector.maps[0].map.shape == [1, 3])
    let bank = try shown("show ones(3, 3, 2, 4)", in: script)
    // A long expression is left out of the slices' titles.
    #expect(bank.maps.count == 8 && bank.maps[5].title == "[:, :, 1, 1]")
}

@Test func showDrawsAtMost16Maps() throws {
    let request = try shown("show rand(2, 2, 20) rand(2, 2)")
    #expect(request.maps.count == ShowRequest.maxMaps)
    #expect(request.omitted == 5)
}

@Test func showErrorsPointAtTheCulprit() {
    #expect(failure("show 3") == "1:6-1:7 show draws tensors, and 3 is the number 3")
    #expect(failure("f = ones(2, 2); show f colors=rainbow")?.hasSuffix("colors must be viridis or gray, not 'rainbow'") == true)
    #expect(failure("f = ones(2, 2); show f scale=big")?.hasSuffix("scale must be shared or each, not 'big'") == true)
    #expect(failure("f = ones(2, 2); show f size=2")?.contains("show's options are colors=viridis|gray and scale=shared|each") == true)
    #expect(failure("show")?.contains("show takes one or more tensors") == true)
    #expect(failure("show nothing")?.contains("nothing") == true)
}

@Test func samplesGrayAndLoadSample() throws {
    let script = Script()
    let shapes = try script.tensor("sample(\"shapes\")")
    #expect(shapes.shape == [32, 32] && shapes.isIntegral)
    #expect(try script.tensor("load(\"sample:digit\")") == (try script.tensor("sample(digit)")))
    try script.run("c = sample(\"colors\")")
    guard case .assigned(_, .tensor(let grey), let provenance, let source)? = try script.run("gray c").last else {
        Issue.record("gray c did not assign")
        return
    }
    #expect(source == "c = gray(c)" && grey.shape == [32, 32])
    #expect(provenance?.step?.summary == .mapped(from: "32x32x3", to: "32x32", how: .grey(formula: "grey = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601)")))
    #expect(failure("sample(\"dog\")")?.contains("must be one of shapes, letters, digit, colors, camera, astronaut, cat, coffee") == true)
    #expect(failure("load(\"sample:dog\")")?.contains("there is no sample picture called 'dog'") == true)
}

@Test func loadAndSaveDispatchOnTheExtension() throws {
    let folder = "/tmp/cnnscript-pictures-\(getpid())"
    mkdir(folder, 0o755)
    defer { rmdir(folder) }
    let script = Script()
    try script.run("x = sample(\"shapes\")")
    for name in ["x.png", "x.pgm", "x.PNG"] {
        let path = "\(folder)/\(name)"
        guard case .value(.string(let said), _, _)? = try script.run("save(x, \"\(path)\")").last else {
            Issue.record("save to \(name) said nothing")
            continue
        }
        #expect(said.hasPrefix("saved 32x32 to \(path) as an 8-bit grey "), "\(said)")
        #expect(try script.tensor("load(\"\(path)\")") == (try script.tensor("x")))
        unlink(path)
    }
    // .npy is unchanged: the message, and every value kept exactly.
    let npy = "\(folder)/f.npy"
    try script.run("f = rand(3, 3)")
    guard case .value(.string(let said), _, _)? = try script.run("save(f, \"\(npy)\")").last else {
        Issue.record("save to .npy said nothing")
        return
    }
    #expect(said == "saved 3x3 to \(npy)")
    #expect(try script.tensor("load(\"\(npy)\")") == (try script.tensor("f")))
    #expect(failure("f = rand(3, 3); save(f, \"\(npy)\", values=stretch)")?.contains("values= is for pictures") == true)
    unlink(npy)
    // A stretched save says so; a picture that is not a PNG is refused with the file named.
    guard case .value(.string(let stretched), _, _)? = try script.run("save(f, \"\(folder)/f.png\")").last else { return }
    #expect(stretched.contains("stretched to 0..255"))
    unlink("\(folder)/f.png")
    let fake = "\(folder)/fake.png"
    try script.run("save(f, \"\(folder)/fake.npy\")")
    rename("\(folder)/fake.npy", fake)
    #expect(failure("load(\"\(fake)\")")?.contains("load '\(fake)': this is not a PNG file") == true)
    unlink(fake)
}

@Test func savegridChecksItsArguments() throws {
    let folder = "/tmp/cnnscript-grid-\(getpid())"
    mkdir(folder, 0o755)
    defer { rmdir(folder) }
    let script = Script()
    try script.run("m = rand(4, 4, 3)")
    guard case .value(.string(let said), _, _)? = try script.run("savegrid(m, \"\(folder)/g.png\", titles=\"A,B,C\", columns=2, scale=4)").last else {
        Issue.record("savegrid said nothing")
        return
    }
    #expect(said.hasPrefix("saved 3 maps of 4x4 to \(folder)/g.png: a grey PNG of "))
    #expect(said.contains("2 rows of 2, each cell 4x4 pixels"))
    unlink("\(folder)/g.png")
    guard case .value(.string(let notes), _, _)? = try script.run("savegrid(m, \"\(folder)/n.png\", titles=\"Conv0;MaxP0\", below=maxpool(m))").last else {
        Issue.record("savegrid with below said nothing")
        return
    }
    #expect(notes.hasPrefix("saved 3 of 4x4 and 3 of 2x2 (below) to \(folder)/n.png: a grey PNG of "), "\(notes)")
    #expect(notes.contains("2 rows of 3"))
    unlink("\(folder)/n.png")
    #expect(failure("m = rand(4, 4, 3); savegrid(m, \"\(folder)/g.png\", titles=\"a;b\")")?.contains("titles has 2 parts separated by ';'") == true)
    #expect(failure("m = rand(4, 4, 3); savegrid(m, \"\(folder)/g.jpg\")")?.contains("give a .png or .pgm file name") == true)
    #expect(failure("m = rand(4, 4, 3); savegrid(m, \"\(folder)/g.png\", titles=\"A,B\")")?.contains("3 maps need 3 titles, not 2") == true)
    #expect(failure("m = rand(4, 4, 3); savegrid(m, \"\(folder)/g.png\", scale=100)")?.contains("'scale' must be from 1 to 64") == true)
}
