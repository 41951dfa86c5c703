// InterruptLatencyTests: Ctrl-C during a long computation returns to the prompt within a second with every
// variable intact. tools/robustness/ctrl_c_latency.py drives the REPL on a pseudo-terminal: a 4000x4000
// input, four convolutions with a 55x55 kernel in a row (seconds of work even in a release build), Ctrl-C, then the
// time to the next prompt, `big` still there and `f` never made. Skipped where python3 is missing (the
// script is also run against the release binary by tools/robustness/release-check.sh).
import Foundation
import Testing

/// python3, if installed.
let python3: String? = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// The path of a script in tools/robustness.
func robustnessScript(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/robustness/\(name)").path
}

@Test(.enabled(if: python3 != nil))
func ctrlCStopsALongConvolutionWithinASecond() throws {
    let script = robustnessScript("ctrl_c_latency.py")
    let result = try shell("\(python3 ?? "python3") \(script) \(Executable.path) --runs 2", timeout: 120)
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("(ok)"), "\(result)")
}

@Test(.enabled(if: python3 != nil))
func ctrlCStopsSavingAndLoadingALargePictureWithinASecond() throws {
    // Issue 13: saving or loading a 10000x10000 PNG ignored Ctrl-C (libpng's one long call). libpng now
    // reads and writes through a FILE that fails once Ctrl-C was pressed, so it stops within kilobytes.
    let script = robustnessScript("ctrl_c_latency.py")
    let picture = Executable.temporaryPath(".png")
    defer { try? FileManager.default.removeItem(atPath: picture) }
    let save = try shell("\(python3 ?? "python3") \(script) \(Executable.path) --runs 1 --size 8000 --compute 'f = save(big, \"\(picture)\")'", timeout: 120)
    #expect(save.status == 0, "\(save)")
    #expect(save.stdout.contains("(ok)"), "\(save)")
    let load = try shell("\(python3 ?? "python3") \(script) \(Executable.path) --runs 1 --delay 0.15 --size 10000 --setup 'save(big, \"\(picture)\")' --compute 'f = load(\"\(picture)\")'", timeout: 180)
    #expect(load.status == 0, "\(load)")
    #expect(load.stdout.contains("(ok)"), "\(load)")
}

@Test(.enabled(if: python3 != nil))
func ctrlCRightAfterEnterIsNeverLost() throws {
    // Ctrl-C 0 to 18 ms after Enter, 40 times, with both CPUs kept busy: while readline was still returning
    // the line it was taken for one at the prompt, and while the entry was parsed and saved to the history it
    // was forgotten; either way the convolution ran to the end (12 of 60 tries on a busy machine). Now the
    // line is abandoned, the statement stopped before it starts, or its computation interrupted.
    let script = robustnessScript("ctrl_c_after_enter.py")
    let result = try shell("\(python3 ?? "python3") \(script) \(Executable.path) --tries 40 --busy", timeout: 120)
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("40 tries on a busy machine: ok"), "\(result)")
}

@Test(.enabled(if: python3 != nil))
func ctrlCDuringTrainKeepsTheCompletedEpochs() throws {
    // Issue 13: Ctrl-C in epoch 3 of `train` lost every epoch and said "conv: interrupted". Now the model
    // keeps the weights after epoch 2, `history` has two epochs, and train says where it stopped.
    let script = robustnessScript("ctrl_c_train.py")
    let result = try shell("\(python3 ?? "python3") \(script) \(Executable.path)", timeout: 180)
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.hasPrefix("ok: "), "\(result)")
}

/// The Debian package's Fashion-MNIST folder, when dataset-fashion-mnist is installed.
let fashionFolder = "/usr/share/datasets/fashion-mnist"
let fashionInstalled = FileManager.default.fileExists(atPath: fashionFolder + "/train-images-idx3-ubyte.gz")

@Test(.enabled(if: python3 != nil && fashionInstalled, "needs python3 and Debian's dataset-fashion-mnist"))
func ctrlCStopsReadingFashionMNISTWithinASecond() throws {
    // Issue 16: reading the 70,000 pictures (gunzip, then converting every pixel) takes about a second;
    // Ctrl-C a quarter of a second in must stop it, make no `f`, and keep the session.
    let script = robustnessScript("ctrl_c_latency.py")
    let result = try shell("\(python3 ?? "python3") \(script) \(Executable.path) --runs 1 --delay 0.25 --size 10 --compute 'f = dataset(\"fashion-mnist\")'", timeout: 120)
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("(ok)"), "\(result)")
}
