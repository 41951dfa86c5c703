// FuzzFindingTests: every input the fuzzers flagged (Fuzz/, docs/FUZZING.md) is kept in fuzz-findings/
// and replayed here as the fuzz harness runs it: line by line as REPL entries of one session
// (the session goes on after errors), as a lesson script with echo when its length is odd, or through
// the file readers for `files-*` inputs. Each must end,
// within a time bound, without a trap. Also here: the session limits the harness relies on.
import CNNCore
import CNNData
import CNNImage
import CNNKeras
import CNNSession
import Foundation
import Testing

/// The findings folder, next to this source file.
let findingsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fuzz-findings").path

/// Every kept finding, sorted.
let findingFiles: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: findingsFolder)) ?? []).sorted()

/// Runs `text` as the language fuzz harness does; returns how many entries reported an error.
func replayAsREPL(_ text: String, limits: ResourceLimits? = nil) -> Int {
    var options = SessionOptions()
    options.seed = 1
    let session = Session(options: options)
    if let limits { session.interpreter.limits = limits }
    if text.utf8.count % 2 == 1 {
        return session.runScript(text, fileName: "fuzz.cnn", echo: true, output: { _, _ in }, afterEntry: {}) ? 0 : 1
    }
    var errors = 0
    var pending = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        pending += pending.isEmpty ? String(line) : "\n" + line
        let parsed = session.parse(entry: pending)
        if parsed.isIncomplete { continue }
        if !session.run(parsed, output: { _, _ in }) { errors += 1 }
        pending = ""
    }
    if !pending.isEmpty, !session.runEntry(pending, output: { _, _ in }) { errors += 1 }
    return errors
}

@Test(arguments: findingFiles)
func aFuzzFindingNowEndsQuickly(_ name: String) throws {
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: findingsFolder + "/" + name)))
    let start = Date()
    if name.hasPrefix("files-"), let selector = bytes.first {
        let content = Array(bytes.dropFirst())
        switch selector % 12 {
        case 0: #expect(throws: (any Error).self) { try NPY.decode(content) }
        case 1: #expect(throws: (any Error).self) { try ImageFile.decode(content, kind: .png) }
        case 2: #expect(throws: (any Error).self) { try ImageFile.decode(content, kind: .pgm) }
        case 3: #expect(throws: (any Error).self) { try ImageFile.decode(content, kind: .ppm) }
        case 4: #expect(throws: (any Error).self) { try IDX.decode(content, what: "fuzz") }
        case 5: #expect(throws: (any Error).self) { try NPZ.decode(content, what: "fuzz") }
        case 6: #expect(throws: (any Error).self) { try CIFAR.decodeBinary(content, what: "fuzz") }
        case 7: #expect(throws: (any Error).self) { try CIFAR.decodePickle(content, what: "fuzz") }
        case 8: #expect(throws: (any Error).self) { try ImageFile.decode(content, kind: .jpg) }
        case 9: #expect(throws: (any Error).self) { try KerasModelFile.read(bytes: content, modelName: "m", what: "fuzz") }
        case 10: #expect(throws: (any Error).self) { try KerasModelFile.readArchitecture(bytes: content, modelName: "m", what: "fuzz") }
        default:
            // The harness's small config is seq_cnn's (Tests/CNNKerasTests/Fixtures/models, Fuzz/FileFuzzer.swift).
            let config = try [UInt8](Data(contentsOf: URL(fileURLWithPath: findingsFolder + "/../../CNNKerasTests/Fixtures/models/seq_cnn.json")))
            #expect(throws: (any Error).self) { try KerasModelFile.read(config: config, weights: content, modelName: "m", what: "fuzz") }
        }
    } else {
        // The fuzzer's limits: 2 million elements per tensor, 200 MB per session.
        let errors = replayAsREPL(String(decoding: bytes, as: UTF8.self),
                                  limits: ResourceLimits(maxElements: 2_000_000, maxMemoryBytes: 200_000_000))
        #expect(errors >= 0)
    }
    let seconds = Date().timeIntervalSince(start)
    #expect(seconds < 10, "\(name) took \(seconds) s")
}

@Test func theSessionMemoryLimitStopsAGrowingChain() {
    // a = a + 1 keeps every old a alive in the new a's history (for trace): 40 steps of 800 KB is 32 MB.
    var options = SessionOptions()
    options.seed = 1
    let session = Session(options: options)
    session.interpreter.limits = ResourceLimits(maxElements: 1_000_000, maxMemoryBytes: 10_000_000)
    var messages = ""
    #expect(session.runEntry("a = rand(100, 1000)", output: { _, _ in }))
    var failedAt: Int?
    for step in 1...40 where failedAt == nil {
        if !session.runEntry("a = a + 1", output: { text, _ in messages += text }) { failedAt = step }
    }
    // 10 MB hold the first a and 11 more versions at most.
    #expect(failedAt.map { $0 <= 12 } == true, "failed at \(String(describing: failedAt))")
    #expect(messages.contains("memory limit"), "\(messages)")
    #expect(messages.contains("limits memory"), "\(messages)")
    // The variables are intact and `clear` frees the memory.
    #expect(session.runEntry("b = a[0, 0]", output: { _, _ in }))
    #expect(session.runEntry("clear", output: { _, _ in }))
    #expect(session.interpreter.environment.memoryInUse == 0)
    #expect(session.runEntry("c = rand(1000, 1000)", output: { _, _ in }))
}

@Test func theElementLimitIsPerSessionAndNamedInItsError() {
    let small = Session(options: SessionOptions())
    small.interpreter.limits = ResourceLimits(maxElements: 100, maxMemoryBytes: 1_000_000_000)
    var messages = ""
    #expect(!small.runEntry("x = zeros(20, 20)", output: { text, _ in messages += text }))
    #expect(messages.contains("element limit is 100 values"), "\(messages)")
    #expect(messages.contains("--max-elements"), "\(messages)")
    // Another session at the same time keeps the defaults.
    let other = Session(options: SessionOptions())
    #expect(other.runEntry("x = zeros(20, 20)", output: { _, _ in }))
    // `limits elements N` changes it for the session that typed it.
    #expect(small.runEntry("limits elements 1000", output: { _, _ in }))
    #expect(small.runEntry("x = zeros(20, 20)", output: { _, _ in }))
    #expect(Limits.maxElements == ResourceLimits.defaults.maxElements)
}
