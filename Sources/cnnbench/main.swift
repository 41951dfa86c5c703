// cnnbench: times the numeric core's hot operations on one core (median of N runs after warm-up).
//
//     swift run -c release cnnbench [--json] [--runs N] [--warmups N] [CASE ...]
//
// Cases: conv512, conv56, maxpool, mnist (all by default). One line per case with milliseconds and
// GFLOP/s; --json prints one JSON object instead, which tools/bench/run.sh compares with tools/bench/peer.py.
import CNNCore
import Glibc

var json = false
var runs = 21
var warmups = 3
var selected: [String] = []
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--json": json = true
    case "--runs": runs = arguments.next().flatMap { Int($0) }.map { max(1, $0) } ?? runs
    case "--warmups": warmups = arguments.next().flatMap { Int($0) }.map { max(0, $0) } ?? warmups
    case "-h", "--help":
        print("usage: cnnbench [--json] [--runs N] [--warmups N] [conv512|conv56|maxpool|mnist|conv2back|denseback|mnisttrain ...]")
        exit(0)
    default: selected.append(argument)
    }
}

do {
    let cases = try BenchCases.all().filter { selected.isEmpty || selected.contains($0.name) }
    if cases.isEmpty {
        print("cnnbench: no such case; the cases are conv512, conv56, maxpool, mnist, conv2back, denseback, mnisttrain")
        exit(2)
    }
    var records: [String] = []
    for benchCase in cases {
        var sink = 0.0
        let ms = try Clock.medianMilliseconds(runs: runs, warmups: warmups) { sink += try benchCase.run() }
        let gflops = Double(benchCase.flops) / (ms * 1e-3) / 1e9
        if json {
            records.append("{\"name\": \"\(benchCase.name)\", \"ms\": \(ms), \"gflops\": \(gflops), \"flops\": \(benchCase.flops)}")
        } else {
            let name = benchCase.name.rightPadded(8)
            let title = benchCase.title.rightPadded(50)
            print("\(name) \(title) \(Format.formatFixed(ms, decimals: 3).leftPadded(9)) ms  \(Format.formatFixed(gflops, decimals: 2).leftPadded(7)) GFLOP/s")
        }
        if sink.isNaN { print("(\(benchCase.name) produced NaN)") }
    }
    if json {
        print("{\"tool\": \"cnnbench\", \"runs\": \(runs), \"warmups\": \(warmups), \"cases\": [\(records.joined(separator: ", "))]}")
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
