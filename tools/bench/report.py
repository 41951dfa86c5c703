#!/usr/bin/env python3
"""The benchmark's report: reads the JSON files tools/bench/run.sh wrote and prints markdown tables.

Only the standard library: it runs with any python3. The environment names the folder (OUT) and the
run's settings; the files are cnnbench-one.json, numpy-one.json, jax-one.json (or, with --rounds, one of
each per round: cnnbench-one-r1.json, ...), clock.json, and one cnnbench-train-CASE.json and
keras-train-CASE.json per training case (each may be missing).
"""
import glob
import json
import os
import subprocess

FORWARD = ("conv256", "conv512", "conv1024", "conv2048", "conv4096", "conv224", "conv56", "maxpool", "gemm1024",
           "mnist", "mnist64")
TRAINING = ("trainstep", "mnistepoch", "fashionepoch", "digitsepoch")
CONV_SIZES = ("conv256", "conv512", "conv1024", "conv2048", "conv4096")
ENV = os.environ


def load(name):
    path = os.path.join(ENV["OUT"], name)
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def load_all(prefix):
    """The reports in prefix-*.json (one per training case) merged into one, in the order of their cases."""
    merged = None
    for path in sorted(glob.glob(os.path.join(ENV["OUT"], prefix + "-*.json"))):
        report = load(os.path.basename(path))
        if report is None:
            continue
        if merged is None:
            merged = report
        else:
            merged["cases"] += report["cases"]
    if merged:
        merged["cases"].sort(key=lambda case: TRAINING.index(case["name"]) if case["name"] in TRAINING else len(TRAINING))
    return merged


def cases(report):
    return {case["name"]: case for case in report["cases"]} if report else {}


def load_rounds(prefix):
    """The reports of one side's one-core cases, one per round: prefix.json, or prefix-r1.json,
    prefix-r2.json, ... (--rounds); None for a round whose file is missing, so the sides' rounds stay aligned."""
    rounds = int(ENV.get("ROUNDS") or 1)
    if rounds <= 1:
        single = load(prefix + ".json")
        return [single] if single else []
    reports = [load(f"{prefix}-r{r}.json") for r in range(1, rounds + 1)]
    return reports if any(reports) else []


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def quartiles(values):
    """The first and third quartiles (the medians of the lower and the upper half; with an odd count the
    middle value belongs to neither)."""
    values = sorted(values)
    half = len(values) // 2
    if half == 0:
        return values[0], values[0]
    return median(values[:half]), median(values[len(values) - half:])


def spread_of(ratios):
    """The rounds' ratios of a row: their middle half and, from 5 rounds on, their range."""
    if not ratios:
        return "-"
    if len(ratios) < 5:
        return f"{min(ratios):.2f} to {max(ratios):.2f}"
    low, high = quartiles(ratios)
    return f"{low:.2f} to {high:.2f} ({min(ratios):.2f} to {max(ratios):.2f})"


def across_rounds(reports):
    """One side's cases over the rounds: for each case, the round whose time is the median (the lower middle
    one for an even count), so its other figures (GFLOP/s, ns per tap) go with that time."""
    reports = [report for report in reports if report]
    if not reports:
        return None
    merged = dict(reports[0])
    names = [case["name"] for case in reports[0]["cases"]]
    merged["cases"] = []
    for name in names:
        runs = sorted((c for report in reports for c in report["cases"] if c["name"] == name), key=lambda c: c["ms"])
        merged["cases"].append(runs[(len(runs) - 1) // 2])
    return merged


def round_ratios(ours, theirs, name):
    """cnnrepl / peer for one case, round by round (the rounds where both sides have it)."""
    result = []
    for a, b in zip(ours, theirs):
        x, y = cases(a).get(name), cases(b).get(name)
        if x and y and y["ms"] > 0:
            result.append(x["ms"] / y["ms"])
    return result


def ms(value):
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def ratio_of(a, b):
    return a / b if a and b else None


def ratio(a, b):
    return ratio_of(a["ms"], b["ms"]) if a and b else None


def fixed(value, decimals=2):
    return "-" if value is None else f"{value:,.{decimals}f}"


def table(header, rows):
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                                           for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    print(line(header))
    print("|" + "|".join(("-" * (w + 2)) if i == 0 else ("-" * (w + 1) + ":") for i, w in enumerate(widths)) + "|")
    for row in rows:
        print(line(row))


def machine():
    model, flags, mhz, family = "?", set(), None, {}
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Model name":
                model = value.strip()
            elif key.strip() == "Flags":
                flags = set(value.split())
            elif key.strip() in ("CPU family", "Model", "Hypervisor vendor"):
                family[key.strip()] = value.strip()
    except OSError:
        pass
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("cpu MHz"):
                    mhz = float(line.split(":")[1])
                    break
    except (OSError, ValueError):
        pass
    if "CPU family" in family:
        model += f" (family {family['CPU family']}, model {family.get('Model', '?')}"
        model += f", under {family['Hypervisor vendor']})" if "Hypervisor vendor" in family else ")"
    if mhz:
        model += f", nominal {mhz:.0f} MHz"
    return model, flags, mhz


def peak(clock, flags, mhz):
    """One core's float64 peak in GFLOP/s and a sentence saying where it comes from."""
    if clock and clock.get("fma_gflops"):
        ghz, gflops = clock["ghz"], clock["fma_gflops"]
        per_cycle = gflops / ghz if ghz else None
        text = (f"measured: {gflops:.1f} GFLOP/s (fused multiply-adds on {clock['peak_lanes']} doubles, median of "
                f"{clock['samples']}, {clock['fma_gflops_min']:.1f} to {clock['fma_gflops_max']:.1f}) at "
                f"{ghz:.2f} GHz (dependent adds, {clock['ghz_min']:.2f} to {clock['ghz_max']:.2f}), "
                f"= {per_cycle:.1f} FLOP/cycle; thread CPU time")
        warnings = []
        if mhz and not 0.5 <= ghz * 1000 / mhz <= 2.0:
            warnings.append(f"the measured clock is far from the nominal {mhz:.0f} MHz")
        if per_cycle and not 3 <= per_cycle <= 40:
            warnings.append("the FLOP per cycle is implausible")
        return gflops, text + ("" if not warnings else " (CHECK: " + "; ".join(warnings) + ")")
    if "avx512f" in flags or ("avx2" in flags and "fma" in flags):
        per_cycle, why = 16, "AVX2/AVX-512 with two FMA units assumed"
    else:
        per_cycle, why = 4, "SSE2"
    if mhz:
        return per_cycle * mhz / 1000, f"assumed: {per_cycle} FLOP/cycle ({why}) x nominal {mhz:.0f} MHz"
    return None, "unknown (no clock measurement, no nominal clock)"


def percent(case, peak_gflops):
    """The case's GFLOP/s as a percentage of the peak; above 100% is marked CHECK (a clock or a count is wrong)."""
    if not case or not peak_gflops:
        return "-"
    value = 100 * case["gflops"] / peak_gflops
    return f"{value:.1f}%" + (" CHECK" if value > 100 else "")


def verdict(r, limit=1.0, by_round=None):
    """met / NOT met for a ratio against its limit; with 5 rounds or more, "level" when the middle half of the
    rounds' ratios holds the limit: the rounds cannot tell the two sides apart (then the median alone, a hair on
    either side of the limit, would flip from run to run)."""
    if r is None:
        return "-"
    if by_round and len(by_round) >= 5:
        low, high = quartiles(by_round)
        if low <= limit <= high:
            return "level"
    return "met" if r <= limit else "NOT met"


def main():
    rounds = {side: load_rounds(side + "-one") for side in ("cnnbench", "numpy", "jax")}
    cb_one, np_one, jax_one = (across_rounds(rounds[side]) for side in ("cnnbench", "numpy", "jax"))
    cb_train, keras = load_all("cnnbench-train"), load_all("keras-train")
    clock = load("clock.json")
    n, q, j = cases(cb_one), cases(np_one), cases(jax_one)
    t, k = cases(cb_train), cases(keras)
    model, flags, mhz = machine()
    peak_gflops, peak_text = peak(clock, flags, mhz)

    print()
    print(f"## Run of {ENV.get('START_TIME', '?')}, commit {ENV.get('COMMIT', '?')}")
    print()
    print(f"- machine: {model}, {ENV.get('CORES', '?')} cores; load average (1, 5, 15 min) "
          f"{ENV.get('START_LOAD', '?')} at the start, {ENV.get('END_LOAD', '?')} at the end")
    print(f"- one core's float64 peak: {peak_text}")
    versions = []
    if np_one:
        versions.append(", ".join(f"{key} {value}" for key, value in np_one["versions"].items()))
        for entry in np_one.get("blas") or []:
            versions.append(f"BLAS {entry.get('internal_api')} {entry.get('version')} ({entry.get('architecture')} "
                            f"kernel, {entry.get('num_threads')} thread)")
    if jax_one:
        versions.append("JAX peer: " + ", ".join(f"{key} {value}" for key, value in jax_one["versions"].items()))
    if keras:
        versions.append("Keras peer: " + ", ".join(f"{key} {value}" for key, value in keras["versions"].items()))
    print(f"- peers: {'; '.join(versions) or 'none'}")
    if ENV.get("MISSING"):
        print(f"- missing peers (not importable): {ENV['MISSING']}")
    statistic = "minimums" if ENV.get("STATISTIC") == "min" else "medians"
    count = len([report for report in rounds["cnnbench"] if report])
    over = (f"; {count} rounds of the one-core cases, the sides of a case a second apart (each side's time: the "
            "median over the rounds; each ratio: the median of the rounds' own ratios, beside it their range, or "
            "from 5 rounds on their middle half and, in brackets, their range)") if count > 1 else ""
    print(f"- {statistic} of {ENV.get('RUNS')} runs per one-core case, {ENV.get('TRAIN_RUNS')} per training case; "
          f"epochs of {int(ENV.get('EPOCH_IMAGES', 0)):,} images (digits: 1,438){over}")

    if n:
        print()
        print(f"### One core (all pinned to CPU {ENV.get('CPU')}; cnnrepl: thread CPU time, peers: process CPU time)")
        print()
        rows = []
        several = count > 1
        for name, a in n.items():
            rn, rj = ratio(a, q.get(name)), ratio(a, j.get(name))
            spread, by_round = "-", None
            if several:
                by_round = round_ratios(rounds["cnnbench"], rounds["numpy"], name)
                rn = median(by_round) if by_round else None
                by_round = round_ratios(rounds["cnnbench"], rounds["jax"], name)
                rj = median(by_round) if by_round else None
                spread = spread_of(by_round)
            target = verdict(rj, by_round=by_round) if name in FORWARD else "-"
            rows.append([name, ms(a["ms"]), ms(q.get(name, {}).get("ms")), ms(j.get(name, {}).get("ms")),
                         fixed(rn), fixed(rj)] + ([spread] if several else []) +
                        [target, percent(a, peak_gflops), percent(q.get(name), peak_gflops), percent(j.get(name), peak_gflops)])
        table(["case", "cnnrepl ms", "NumPy ms", "JAX ms", "/NumPy", "/JAX"] + (["/JAX by round"] if several else []) +
              ["target: <= 1 x JAX", "cnnrepl % peak", "NumPy % peak", "JAX % peak"], rows)
        busy = [name for name, a in n.items() if a["process_cpu_ms"] > 1.2 * a["thread_cpu_ms"]]
        if busy:
            print(f"\nnote: other threads of cnnbench worked during {', '.join(busy)} (process CPU > 1.2 x thread CPU)")
        waits = [a["wall_ms"] / a["ms"] for a in n.values() if a["ms"] > 0]
        if waits:
            waits.sort()
            print(f"\ncnnrepl's wall time / CPU time on these rows: median {waits[len(waits) // 2]:.2f} "
                  "(above 1: the core was shared with other work)")
        sizes = [name for name in CONV_SIZES if name in n]
        if len(sizes) >= 2:
            print()
            print("### Cost per output tap, single-channel 3x3 convolution (target: flat within 1.5x)")
            print()
            rows = [[name, fixed(n[name].get("ns_per_tap"), 3), fixed(q.get(name, {}).get("ns_per_tap"), 3),
                     fixed(j.get(name, {}).get("ns_per_tap"), 3), fixed(q.get(name, {}).get("copy_ns_per_tap"), 3),
                     fixed(ratio_of(n[name].get("ms"), q.get(name, {}).get("copy_ms")))] for name in sizes]
            table(["case", "cnnrepl ns/tap", "SciPy ns/tap", "JAX ns/tap", "copy ns/tap", "cnnrepl / copy"], rows)
            taps = [n[name]["ns_per_tap"] for name in sizes]
            spread = max(taps) / min(taps)
            print(f"\ncnnrepl largest / smallest: {spread:.2f} -> {verdict(spread, 1.5)}")
            if any(q.get(name, {}).get("copy_ms") for name in sizes):
                print("\ncopy: NumPy copying the image's inner (N-2) x (N-2) values into another array, in the same "
                      "round: the memory's own pace for the values a convolution reads and writes. A row near "
                      "1 x copy runs as fast as its data can move.")
        older = []
        if "conv512" in n and "conv512" in q:
            speedup = q["conv512"]["ms"] / n["conv512"]["ms"]
            older.append(f"conv512 at least 2x faster than correlate2d: {speedup:.1f}x -> {'met' if speedup >= 2 else 'NOT met'}")
        if "mnist" in n and "mnist" in q:
            older.append(f"MNIST forward within 2x of NumPy: {ratio(n['mnist'], q['mnist']):.2f} -> {verdict(ratio(n['mnist'], q['mnist']), 2)}")
        if older:
            print("\nearlier targets (issue 4): " + "; ".join(older))

    if t:
        print()
        threads = ENV.get("TRAIN_THREADS", ENV.get("CORES"))
        if threads == "1":
            where = f"pinned to CPU {ENV.get('CPU')}, 1 thread on both sides; cnnrepl: thread CPU time, Keras: process CPU time"
        else:
            where = f"{threads} threads on both sides, wall time"
        print(f"### Training ({where}; cnnrepl float64, Keras float32)")
        print()
        rows = []
        for name, a in t.items():
            b = k.get(name)
            r = ratio(a, b)
            cpu = a["process_cpu_ms"] / b["process_cpu_ms"] if b else None
            rows.append([name, ms(a["ms"]), fixed(a.get("images_per_s"), 0), ms(b["ms"]) if b else "-",
                         fixed(b.get("images_per_s"), 0) if b else "-", fixed(r), verdict(r),
                         ms(a["process_cpu_ms"]), ms(b["process_cpu_ms"]) if b else "-", fixed(cpu)])
        table(["case", "cnnrepl ms", "cnnrepl images/s", "Keras ms", "Keras images/s", "/Keras",
               "target: <= 1 x Keras", "cnnrepl CPU ms", "Keras CPU ms", "/Keras CPU"], rows)
        print("\nCPU ms: the process's CPU time (all threads) for the same run; on a shared machine the wall "
              "time also counts the waits for a core, so /Keras CPU compares the work done.")
    print()
    print("Ratios are cnnrepl's time / the peer's: below 1 means cnnrepl is faster. % peak: the op's GFLOP/s "
          "over the peak above (multiply-adds count 2). A target is \"level\" when the middle half of the rounds' "
          "ratios holds its limit: the rounds cannot tell the two sides apart.")


if __name__ == "__main__":
    main()
