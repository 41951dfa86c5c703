// cnnbench: times the numeric core's hot operations and training (median, or minimum, of N runs after warm-up).
//
//     swift run -c release cnnbench [--json] [--runs N] [--warmups N] [--train-runs N] [--train-warmups N]
//                                   [--epoch-images N] [--threads N] [--statistic median|min] [--list] [CASE ...]
//
// The forward and backward cases run on one thread (Parallel.threads = 1) and are timed by that thread's CPU
// time; the training cases run on --threads threads (default: every core) and are timed by the wall clock
// (Clock.swift), or by the thread's CPU time with --threads 1. One line per case; --json prints one JSON object instead, which tools/bench/run.sh compares
// with tools/bench/peer.py. --list prints the case names.
import CNNCore
import Glibc

var json = false
var runs = 21, warmups = 3
var trainRuns = 3, trainWarmups = 1
var epochImages = 1024
var trainThreads = Parallel.threads
var statistic = BenchStatistic.median
var selected: [String] = []

let usage = "usage: cnnbench [--json] [--runs N] [--warmups N] [--train-runs N] [--train-warmups N] [--epoch-images N] [--threads N] [--statistic median|min] [--list] [CASE ...]"

/// The next argument as a whole number of at least `least`, or exit with the usage.
func number(_ arguments: inout IndexingIterator<ArraySlice<String>>, _ flag: String, least: Int) -> Int {
    guard let text = arguments.next(), let value = Int(text), value >= least else {
        print("cnnbench: \(flag) takes a whole number of at least \(least)\n\(usage)")
        exit(2)
    }
    return value
}

var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--json": json = true
    case "--runs": runs = number(&arguments, argument, least: 1)
    case "--warmups": warmups = number(&arguments, argument, least: 0)
    case "--train-runs": trainRuns = number(&arguments, argument, least: 1)
    case "--train-warmups": trainWarmups = number(&arguments, argument, least: 0)
    case "--epoch-images": epochImages = number(&arguments, argument, least: 1)
    case "--threads": trainThreads = number(&arguments, argument, least: 1)
    case "--statistic":
        guard let text = arguments.next(), let chosen = BenchStatistic(rawValue: text) else {
            print("cnnbench: --statistic takes median or min\n\(usage)")
            exit(2)
        }
        statistic = chosen
    case "--list":
        print(BenchCases.names.joined(separator: " "))
        exit(0)
    case "-h", "--help":
        print(usage)
        print("cases: \(BenchCases.names.joined(separator: ", "))")
        exit(0)
    default: selected.append(argument)
    }
}

let all = BenchCases.all(epochImages: epochImages)
if let unknown = selected.first(where: { name in !all.contains { $0.name == name } }) {
    print("cnnbench: no case \(unknown); the cases are \(BenchCases.names.joined(separator: ", "))")
    exit(2)
}

do {
    var records: [String] = []
    for benchCase in all where selected.isEmpty || selected.contains(benchCase.name) {
        let threads = benchCase.allCores ? trainThreads : 1
        Parallel.threads = threads
        let operation = try benchCase.prepare()
        var sink = 0.0
        // One thread: its CPU time; several: the wall clock (their CPU time is recorded beside it).
        let m = try Clock.measure(clock: threads > 1 ? .wall : .threadCPU, statistic: statistic,
                                  runs: benchCase.allCores ? trainRuns : runs,
                                  warmups: benchCase.allCores ? trainWarmups : warmups) { sink += try operation() }
        let gflops = Double(benchCase.flops) / (m.milliseconds * 1e-3) / 1e9
        let perSecond = benchCase.images.map { Double($0) / (m.milliseconds * 1e-3) }
        let nsPerTap = benchCase.taps.map { m.milliseconds * 1e6 / Double($0) }
        if json {
            var fields = ["\"name\": \"\(benchCase.name)\"", "\"title\": \"\(benchCase.title)\"", "\"ms\": \(m.milliseconds)",
                          "\"clock\": \"\(m.clock.rawValue)\"", "\"statistic\": \"\(m.statistic.rawValue)\"", "\"wall_ms\": \(m.wallMilliseconds)",
                          "\"thread_cpu_ms\": \(m.threadMilliseconds)", "\"process_cpu_ms\": \(m.processMilliseconds)",
                          "\"runs\": \(m.runs)", "\"threads\": \(threads)", "\"flops\": \(benchCase.flops)", "\"gflops\": \(gflops)"]
            if let images = benchCase.images, let perSecond {
                fields += ["\"images\": \(images)", "\"images_per_s\": \(perSecond)"]
            }
            if let nsPerTap { fields.append("\"ns_per_tap\": \(nsPerTap)") }
            records.append("{" + fields.joined(separator: ", ") + "}")
        } else {
            var line = "\(benchCase.name.rightPadded(13)) \(benchCase.title.rightPadded(56)) "
            line += "\(Format.formatFixed(m.milliseconds, decimals: 3).leftPadded(10)) ms \(m.clock.rawValue.rightPadded(10)) "
            if m.statistic == .min { line += "min " }
            line += "\(Format.formatFixed(gflops, decimals: 2).leftPadded(7)) GFLOP/s"
            if let perSecond { line += "  \(Format.formatFixed(perSecond, decimals: 0).leftPadded(7)) images/s" }
            if let nsPerTap { line += "  \(Format.formatFixed(nsPerTap, decimals: 3)) ns/tap" }
            if benchCase.allCores { line += "  (\(threads) thread\(threads == 1 ? "" : "s"), process CPU \(Format.formatFixed(m.processMilliseconds, decimals: 1)) ms)" }
            print(line)
        }
        if sink.isNaN { print("(\(benchCase.name) produced NaN)") }
    }
    if json {
        print("{\"tool\": \"cnnbench\", \"statistic\": \"\(statistic.rawValue)\", \"runs\": \(runs), \"warmups\": \(warmups), \"train_runs\": \(trainRuns), "
              + "\"train_warmups\": \(trainWarmups), \"epoch_images\": \(epochImages), \"train_threads\": \(trainThreads), "
              + "\"cases\": [\(records.joined(separator: ", "))]}")
    }
} catch {
    print("cnnbench: \(error)")
    exit(1)
}

extension String {
    /// The string right-aligned in `width` columns.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    /// The string left-aligned in `width` columns.
    func rightPadded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
