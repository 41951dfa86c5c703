#!/usr/bin/env bash
# Runs the benchmark: cnnbench (Swift, two builds) and its NumPy/SciPy peer on the same cases, on one core,
# then prints times, ratios (ours / peer: below 1 means ours is faster), the targets, and the MNIST forward
# pass as a fraction of one core's FP64 peak.
#
#     tools/bench/run.sh [RUNS]          (default 31 timed runs per case, after 5 warm-ups)
#
# Build: `swift build -c release --product cnnbench` (scratch folder .build-bench, git-ignored), exactly what
# `swift run -c release cnnbench` runs. Package.swift compiles CNNCore for the building machine's CPU in release
# (-target-cpu native: AVX2/AVX-512 where present), as OpenBLAS picks its kernel for the running CPU.
# Both processes are pinned to one CPU with taskset (BENCH_CPU, default 1). The peer runs with one BLAS
# thread, and with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for that command only, so that OpenBLAS
# picks its own kernel for this CPU (the machine sets them for tests; see the environment notes).
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS="${1:-31}"
WARMUPS=5
CPU="${BENCH_CPU:-1}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

pin=()
if command -v taskset >/dev/null 2>&1; then pin=(taskset -c "$CPU"); fi

echo "building cnnbench (release)..."
swift build -c release --product cnnbench --scratch-path .build-bench >"$OUT/build.log" 2>&1 \
    || { cat "$OUT/build.log"; exit 1; }

echo "timing (median of $RUNS runs after $WARMUPS warm-ups, pinned to CPU $CPU)..."
"${pin[@]}" .build-bench/release/cnnbench --json --runs "$RUNS" --warmups "$WARMUPS" >"$OUT/native.json"
python3 -c "import threadpoolctl" 2>/dev/null \
    || echo "note: threadpoolctl is not installed (pip install threadpoolctl) so the BLAS kernel is not reported"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    "${pin[@]}" python3 tools/bench/peer.py --json --runs "$RUNS" --warmups "$WARMUPS" >"$OUT/peer.json"

# The clock: a chain of dependent integer adds runs at one add per cycle on x86-64, so timing it gives
# the clock the core actually runs at (with turbo). Without a C compiler, fall back to /proc/cpuinfo.
CLOCK_GHZ=""
if command -v cc >/dev/null 2>&1 && [ "$(uname -m)" = "x86_64" ]; then
    cat >"$OUT/clock.c" <<'C'
#include <stdio.h>
#include <time.h>
int main(void) {
    struct timespec a, b;
    unsigned long x = 0, n = 200000000UL;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (unsigned long i = 0; i < n; i++)
        __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9;
    printf("%.3f\n", x / s / 1e9);
    return 0;
}
C
    if cc -O1 -o "$OUT/clock" "$OUT/clock.c" 2>/dev/null; then CLOCK_GHZ="$("${pin[@]}" "$OUT/clock")"; fi
fi
NOMINAL_MHZ="$(awk -F: '/cpu MHz/ {gsub(/ /, "", $2); print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
FLAGS="$(lscpu 2>/dev/null | awk -F: '/^Flags/ {print $2}')"
MODEL="$(lscpu 2>/dev/null | awk -F: '/^Model name/ {gsub(/^ +/, "", $2); print $2}')"

OUT="$OUT" CLOCK_GHZ="$CLOCK_GHZ" NOMINAL_MHZ="$NOMINAL_MHZ" FLAGS="$FLAGS" MODEL="$MODEL" python3 - <<'PY'
import json, os

out = os.environ["OUT"]
load = lambda name: json.load(open(os.path.join(out, name)))
native, peer = load("native.json"), load("peer.json")
by_name = lambda report: {case["name"]: case for case in report["cases"]}
n, q = by_name(native), by_name(peer)

print()
print(f"{'case':<9}{'ours ms':>11}{'numpy ms':>11}{'ours/numpy':>12}{'ours GFLOP/s':>14}{'numpy GFLOP/s':>15}")
missing = []
for name in n:
    a, c = n[name], q.get(name)
    if c is None:  # a case the peer does not time yet (the backward passes, the train step)
        missing.append(name)
        print(f"{name:<9}{a['ms']:11.3f}{'-':>11}{'-':>12}{a['gflops']:14.2f}{'-':>15}")
        continue
    print(f"{name:<9}{a['ms']:11.3f}{c['ms']:11.3f}{a['ms'] / c['ms']:12.2f}{a['gflops']:14.2f}{c['gflops']:15.2f}")
if missing:
    print(f"no peer yet for: {', '.join(missing)}")

print()
blas = peer.get("blas")
if blas:
    for entry in blas:
        print(f"peer BLAS: {entry.get('internal_api')} {entry.get('version')}, kernel {entry.get('architecture')}, "
              f"{entry.get('num_threads')} thread(s) ({os.path.basename(entry.get('filepath', ''))})")
print(f"peer: numpy {peer.get('numpy')}, scipy {peer.get('scipy')}")

flags = set(os.environ.get("FLAGS", "").split())
if "avx512f" in flags:
    per_cycle, why = 32, "avx512f: 8 doubles x 2 FLOP (FMA) x 2 units"
elif "avx2" in flags and "fma" in flags:
    per_cycle, why = 16, "avx2+fma: 4 doubles x 2 FLOP (FMA) x 2 units"
else:
    per_cycle, why = 4, "sse2: 2 doubles x (1 multiply + 1 add)"
clock = os.environ.get("CLOCK_GHZ") or ""
nominal = os.environ.get("NOMINAL_MHZ") or ""
if clock:
    ghz, how = float(clock), f"measured {float(clock):.2f} GHz (dependent integer adds; nominal {nominal} MHz)"
elif nominal:
    ghz, how = float(nominal) / 1000, f"nominal {nominal} MHz from /proc/cpuinfo"
else:
    ghz, how = None, "unknown clock"
print()
print(f"CPU: {os.environ.get('MODEL', '?')}")
if ghz:
    peak = per_cycle * ghz
    print(f"one core's FP64 peak ~ {per_cycle} FLOP/cycle ({why}) x {how} = {peak:.1f} GFLOP/s")
    m = n["mnist"]
    print(f"MNIST forward: {m['gflops']:.2f} GFLOP/s = {100 * m['gflops'] / peak:.1f}% of that peak "
          f"(NumPy: {100 * q['mnist']['gflops'] / peak:.1f}%)")

print()
speedup = q["conv512"]["ms"] / n["conv512"]["ms"]
print(f"target conv512 at least 2x faster than correlate2d: {speedup:.1f}x -> {'met' if speedup >= 2 else 'NOT met'}")
ratio = n["mnist"]["ms"] / q["mnist"]["ms"]
print(f"target MNIST forward within 2x of NumPy: {ratio:.2f}x -> {'met' if ratio <= 2 else 'NOT met'}")
PY
