// LanguageFuzzer: the libFuzzer entry point for the whole cnnrepl pipeline.
//
// Each input is split into lines and run as REPL entries of one fresh session (lexer -> parser ->
// interpreter -> renderer), output thrown away; an input of odd length is instead run as a lesson script
// with echo (cnnrepl FILE: comment lines as narration, entries grouped by line, stop at the first error). A crash, a trap, an AddressSanitizer report, an input
// that takes more than -timeout seconds or more than -rss_limit_mb memory is a finding.
// Two things keep honest inputs from passing for findings: the session's limits are set low (2 million
// elements per tensor, 200 MB in all), and a watchdog presses Ctrl-C (Interruption.request) 0.4 s after
// an input starts, as a learner would. An input that still runs past libFuzzer's -timeout=1 is a loop
// that does not listen for Ctrl-C, which is a finding too.
// Built by Fuzz/build.sh; see docs/FUZZING.md.
import CNNCore
import CNNSession
import Dispatch
import Synchronization

/// When the running input started (DispatchTime nanoseconds), or 0 between inputs.
private let inputStart = Atomic<UInt64>(0)
/// Whether the watchdog thread runs.
private let watchdogStarted = Atomic<Bool>(false)

/// Starts, once, a thread that presses Ctrl-C for any input running longer than 0.4 s (and keeps pressing,
/// since each entry forgets an earlier request, as the REPL's do).
private func startWatchdog() {
    guard !watchdogStarted.exchange(true, ordering: .relaxed) else { return }
    let queue = DispatchQueue(label: "fuzz-watchdog")
    func tick() {
        let start = inputStart.load(ordering: .relaxed)
        if start != 0, DispatchTime.now().uptimeNanoseconds &- start > 400_000_000 { Interruption.request() }
        queue.asyncAfter(deadline: .now() + .milliseconds(20), execute: tick)
    }
    queue.async(execute: tick)
}

/// Runs one fuzz input through a fresh session, entry by entry, discarding the output.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLanguage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The REPL refuses lines that are not UTF-8 before they reach the session; do the same.
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    startWatchdog()
    var options = SessionOptions()
    options.seed = 1
    let session = Session(options: options)
    session.interpreter.limits = ResourceLimits(maxElements: 2_000_000, maxMemoryBytes: 200_000_000)
    // As a front end does when it starts taking Ctrl-C for an entry: the last input's request is forgotten.
    Session.forgetInterrupt()
    inputStart.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
    defer { inputStart.store(0, ordering: .relaxed) }
    if size % 2 == 1 {
        _ = session.runScript(text, fileName: "fuzz.cnn", echo: true, output: { _, _ in }, afterEntry: {})
        return 0
    }
    // Entries the way the REPL reads them: a line, or more lines while the entry is unfinished.
    var pending = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        pending += pending.isEmpty ? String(line) : "\n" + line
        let entry = session.parse(entry: pending)
        if entry.isIncomplete { continue }
        Session.forgetInterrupt()
        _ = session.run(entry) { _, _ in }
        pending = ""
        // A learner who pressed Ctrl-C stops typing: after 0.6 s the rest of a long input (up to 1 MB of
        // entries, each cheap) is not run, so it cannot pass for a hang. The session is still torn down.
        if DispatchTime.now().uptimeNanoseconds &- inputStart.load(ordering: .relaxed) > 600_000_000 { return 0 }
    }
    if !pending.isEmpty {
        Session.forgetInterrupt()
        _ = session.runEntry(pending) { _, _ in }
    }
    return 0
}
