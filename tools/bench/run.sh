#!/usr/bin/env bash
# Runs the benchmark: cnnbench (Sources/cnnbench) and its peers (tools/bench/peer.py: NumPy/SciPy always,
# JAX jit float64 and Keras 3 + JAX float32 when they can be imported) on the same cases in the same run,
# then prints markdown tables: times, ratios (cnnrepl / peer: below 1 means cnnrepl is faster), the issue's
# targets, the fraction of one core's float64 peak each forward op reaches, the machine, its load and the
# peers' versions.
#
#     tools/bench/run.sh [--quick] [--runs N] [--rounds N] [--train-runs N] [--epoch-images N] [--train-threads N]
#                        [--keep DIR] [--statistic median|min] [--fashion-full] [--only-fashion-full] [CASE ...]
#
#   --quick           5 runs (3 warm-ups) per one-core case, 1 timed run (1 warm-up) per training case,
#                     epochs of 256 images: about 1.5 minutes instead of about 6 (on this machine, loaded)
#   --runs N          timed runs per one-core case (default 21, after 3 warm-ups)
#   --rounds N        the one-core cases N times over (default 1), case by case: on one case, round after round,
#                     cnnbench then NumPy then JAX (reversed every other round), a second apart, from one
#                     Python process that keeps the peers loaded (tools/bench/paired.py). Each side's time is
#                     the median over the rounds and each ratio the median of the rounds' own ratios, shown with
#                     their middle half and range, so a drift of the host's speed (20 to 40% here from one
#                     minute to the next) meets both sides of a ratio alike. 15 rounds of 11 runs with
#                     --statistic min: about 11 minutes for every case, the training ones included
#   --train-runs N    timed runs per training case (default 5, after 1 warm-up)
#   --epoch-images N  images in the MNIST and Fashion-MNIST epochs (default 1,024; the digits epoch is always
#                     the lesson's 1,438 training digits)
#   --train-threads N threads for the training cases (default: every CPU); with 1, both sides are pinned to
#                     one CPU, run one thread and are timed by CPU time, as the one-core cases
#   --keep DIR        keep every tool's JSON output and the tables in DIR
#   --statistic min   each case's fastest run instead of its median, on every side (cnnbench and the peers):
#                     on a host shared with other machines the median moves by 20% or more from one sitting to
#                     the next, the minimum much less
#   CASE ...          only these cases (cnnbench --list names them)
#   --fashion-full    also the notes' Fashion-MNIST CNN trained in full, 5 epochs on all 60,000 pictures, by
#                     cnnrepl (release) and by Keras 3 + JAX, one after the other, both on every core, with
#                     their test accuracy on the 10,000 test pictures (tools/bench/fashion_full.py; Debian's
#                     dataset-fashion-mnist; several minutes per side)
#   --only-fashion-full  that run alone, without the cnnbench cases
#
# Python: BENCH_PYTHON=/path/to/python uses that interpreter as it is (for example BENCH_PYTHON=/work/venv-14/
# bin/python). Otherwise the script makes a virtual environment in .bench-venv (git-ignored; BENCH_VENV
# changes the place) and installs numpy, scipy, threadpoolctl, jax and keras into it with pip, once; when
# pip cannot reach the network, the peers it could not install are reported missing and the rest still run.
#
# Threads and clocks, the same for both sides:
#   - one-core cases: every process pinned to one CPU with taskset (BENCH_CPU, default 1). cnnbench runs
#     them on its calling thread (Parallel.threads = 1) and reads that thread's CPU time; NumPy runs with one
#     BLAS thread, JAX with XLA's one-thread Eigen pool (--xla_cpu_multi_thread_eigen=false
#     intra_op_parallelism_threads=1); both read their process's CPU time. CPU time leaves out the time spent
#     waiting for the core when other work shares the machine.
#   - training cases: both sides on every core (cnnbench --threads = number of CPUs; Keras/XLA's default
#     thread pool), timed by the wall clock; the CPU time of the process is reported beside it. On a loaded
#     machine the wall time includes waiting for the cores: compare these rows only within one run.
#   - the clock and the float64 peak: tools/bench/clock.c (dependent adds, fused multiply-adds), timed by
#     thread CPU time, pinned to the same CPU.
# Build: `swift build -c release --product cnnbench --scratch-path .build-bench` (CNNCore compiled for this
# CPU: -target-cpu native in release). The peers run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset so
# that OpenBLAS picks its own kernel for this CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=21 ROUNDS=1 WARMUPS=3 TRAIN_RUNS=5 TRAIN_WARMUPS=1 EPOCH_IMAGES=1024 KEEP="" CASES=() TRAIN_THREADS="" FASHION_FULL="" STATISTIC=median
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) RUNS=5 WARMUPS=3 TRAIN_RUNS=1 TRAIN_WARMUPS=1 EPOCH_IMAGES=256 ;;
        --runs) RUNS="$2"; shift ;;
        --rounds)
            [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --rounds takes a whole number from 1" >&2; exit 2; }
            ROUNDS="$2"; shift ;;
        --train-runs) TRAIN_RUNS="$2"; shift ;;
        --epoch-images) EPOCH_IMAGES="$2"; shift ;;
        --train-threads) TRAIN_THREADS="$2"; shift ;;
        --keep) KEEP="$2"; shift ;;
        --statistic)
            case "${2:-}" in median|min) STATISTIC="$2" ;; *) echo "run.sh: --statistic takes median or min" >&2; exit 2 ;; esac
            shift ;;
        --fashion-full) FASHION_FULL=also ;;
        --only-fashion-full) FASHION_FULL=only ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) CASES+=("$1") ;;
    esac
    shift
done
CPU="${BENCH_CPU:-1}"
if [ -z "${BENCH_CPU:-}" ] && [ "$(nproc 2>/dev/null || echo 1)" -lt 2 ]; then CPU=0; fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
START_LOAD="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
START_TIME="$(date -u '+%Y-%m-%d %H:%M UTC')"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- Sources 2>/dev/null || echo ' with uncommitted changes to Sources')"

pin=()
if command -v taskset >/dev/null 2>&1; then
    pin=(taskset -c "$CPU")
else
    echo "note: taskset is missing, so nothing is pinned to one CPU"
fi

# ---- Python and the peers
if [ -n "${BENCH_PYTHON:-}" ]; then
    PY="$BENCH_PYTHON"
    echo "python: $PY (BENCH_PYTHON, used as it is)"
else
    VENV="${BENCH_VENV:-.bench-venv}"
    if [ ! -x "$VENV/bin/python" ]; then
        echo "making the virtual environment $VENV ..."
        python3 -m venv "$VENV" >"$OUT/venv.log" 2>&1 || { cat "$OUT/venv.log"; echo "run.sh: python3 -m venv failed (apt-get install python3-venv)" >&2; exit 1; }
        "$VENV/bin/pip" install --quiet --upgrade pip >>"$OUT/venv.log" 2>&1 || true
    fi
    PY="$VENV/bin/python"
    # One pip call per group, so that one that cannot be installed does not stop the others.
    for group in "numpy scipy threadpoolctl" "jax" "keras"; do
        module="${group%% *}"
        if ! "$PY" -c "import $module" >/dev/null 2>&1; then
            echo "pip install $group (into $VENV) ..."
            "$VENV/bin/pip" install --quiet $group >>"$OUT/venv.log" 2>&1 || echo "  could not install $group (see pip's output with --keep)"
        fi
    done
    echo "python: $PY"
fi
peer_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE KERAS_BACKEND=jax)
one_thread=(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
            XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
PEERS=() MISSING=()
"${peer_env[@]}" "$PY" -c "import numpy, scipy" >/dev/null 2>&1 && PEERS+=(numpy) || MISSING+=("numpy/scipy")
"${peer_env[@]}" "$PY" -c "import jax" >/dev/null 2>&1 && PEERS+=(jax) || MISSING+=("jax")
"${peer_env[@]}" "$PY" -c "import keras" >/dev/null 2>&1 && PEERS+=(keras) || MISSING+=("keras")
echo "peers: ${PEERS[*]:-none}${MISSING:+; missing: ${MISSING[*]}}"

# ---- the notes' Fashion-MNIST CNN in full (--fashion-full): cnnrepl, then Keras, each timed from start to exit
if [ -n "$FASHION_FULL" ]; then
    echo "building cnnrepl (release)..."
    swift build -c release --product cnnrepl --scratch-path .build-bench >"$OUT/build-cnnrepl.log" 2>&1 \
        || { cat "$OUT/build-cnnrepl.log"; exit 1; }
    echo "the Fashion-MNIST CNN in full, 5 epochs on 60,000 pictures (load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')):"
    "${peer_env[@]}" "$PY" tools/bench/fashion_full.py --cnnrepl .build-bench/release/cnnrepl | tee "$OUT/fashion-full.txt" \
        || echo "  a side stayed under 0.90 test accuracy (see above)"
    echo "  (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'))"
    [ "$FASHION_FULL" = only ] && exit 0
fi

# ---- cnnbench
echo "building cnnbench (release)..."
swift build -c release --product cnnbench --scratch-path .build-bench >"$OUT/build.log" 2>&1 \
    || { cat "$OUT/build.log"; exit 1; }
BENCH=.build-bench/release/cnnbench
TRAINING=(trainstep mnistepoch fashionepoch digitsepoch)
ONE=() TRAIN=()
KNOWN=" $("$BENCH" --list) "
for name in "${CASES[@]}"; do
    [[ "$KNOWN" == *" $name "* ]] || { echo "run.sh: no case $name; the cases are:$KNOWN" >&2; exit 2; }
done
for name in $KNOWN; do
    if [ ${#CASES[@]} -gt 0 ] && [[ " ${CASES[*]} " != *" $name "* ]]; then continue; fi
    if [[ " ${TRAINING[*]} " == *" $name "* ]]; then TRAIN+=("$name"); else ONE+=("$name"); fi
done
CORES="$(nproc 2>/dev/null || echo 1)"
TRAIN_THREADS="${TRAIN_THREADS:-$CORES}"
train_pin=() train_env=()
if [ "$TRAIN_THREADS" = 1 ]; then train_pin=("${pin[@]}"); train_env=("${one_thread[@]}"); fi

# ---- the clock and the peak
echo "measuring the clock and the float64 peak (pinned to CPU $CPU)..."
echo '{}' >"$OUT/clock.json"
if command -v cc >/dev/null 2>&1 && [ "$(uname -m)" = x86_64 ] \
        && cc -O2 -march=native -o "$OUT/clock" tools/bench/clock.c 2>"$OUT/clock.log"; then
    "${pin[@]}" "$OUT/clock" >"$OUT/clock.json"
else
    echo "note: no C compiler or not x86-64: the peak comes from the CPU flags and the nominal clock"
fi

options=(--runs "$RUNS" --warmups "$WARMUPS" --train-runs "$TRAIN_RUNS" --train-warmups "$TRAIN_WARMUPS" --epoch-images "$EPOCH_IMAGES"
         --statistic "$STATISTIC")
if [ ${#ONE[@]} -gt 0 ]; then
    echo "one-core cases ($STATISTIC of $RUNS runs after $WARMUPS warm-ups, pinned to CPU $CPU, $ROUNDS round(s)): ${ONE[*]}"
    # Case by case, round after round, cnnbench and its peers a second apart (tools/bench/paired.py keeps the
    # peers loaded in one process): on a shared host the speed moves within a minute, so the two sides of a
    # ratio must meet about the same load.
    one_peers=()
    for peer in numpy jax; do [[ " ${PEERS[*]} " == *" $peer "* ]] && one_peers+=("$peer"); done
    PAIRED_PY="$PY"
    [ ${#one_peers[@]} -gt 0 ] || { "$PY" -c "" >/dev/null 2>&1 || PAIRED_PY=python3; }
    one_list="${one_peers[*]:-}"
    "${peer_env[@]}" "${one_thread[@]}" "${pin[@]}" "$PAIRED_PY" tools/bench/paired.py --bench "$BENCH" --out "$OUT" \
        --rounds "$ROUNDS" --runs "$RUNS" --warmups "$WARMUPS" --statistic "$STATISTIC" --peers "${one_list// /,}" "${ONE[@]}" \
        2>"$OUT/paired.log" || { echo "  the one-core cases failed:"; tail -5 "$OUT/paired.log"; }
    grep '^paired.py:' "$OUT/paired.log" | sed 's/^/  /' || true
fi
if [ ${#TRAIN[@]} -gt 0 ]; then
    # Case by case, cnnrepl then Keras, so that both sides of a row meet about the same load.
    echo "training cases ($STATISTIC of $TRAIN_RUNS runs after $TRAIN_WARMUPS warm-up, $TRAIN_THREADS thread(s)):"
    for name in "${TRAIN[@]}"; do
        echo "  $name: cnnbench..."
        "${train_pin[@]}" "$BENCH" --json "${options[@]}" --threads "$TRAIN_THREADS" "$name" >"$OUT/cnnbench-train-$name.json"
        if [[ " ${PEERS[*]} " == *" keras "* ]]; then
            echo "  $name: keras..."
            "${peer_env[@]}" "${train_env[@]}" "${train_pin[@]}" "$PY" tools/bench/peer.py --peer keras --json "${options[@]}" "$name" \
                >"$OUT/keras-train-$name.json" 2>"$OUT/keras-train-$name.log" || { echo "  keras failed:"; tail -5 "$OUT/keras-train-$name.log"; }
        fi
    done
fi
REPORT_PY="$PY"
"$PY" -c "" >/dev/null 2>&1 || REPORT_PY=python3
END_LOAD="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

OUT="$OUT" CPU="$CPU" CORES="$CORES" TRAIN_THREADS="$TRAIN_THREADS" MISSING="${MISSING[*]:-}" START_LOAD="$START_LOAD" END_LOAD="$END_LOAD" \
START_TIME="$START_TIME" STATISTIC="$STATISTIC" RUNS="$RUNS" ROUNDS="$ROUNDS" WARMUPS="$WARMUPS" TRAIN_RUNS="$TRAIN_RUNS" EPOCH_IMAGES="$EPOCH_IMAGES" \
COMMIT="$COMMIT" "$REPORT_PY" tools/bench/report.py | tee "$OUT/table.md"
if [ -n "$KEEP" ]; then mkdir -p "$KEEP" && cp "$OUT"/*.json "$OUT"/*.log "$OUT/table.md" "$KEEP"/ 2>/dev/null; echo "kept in $KEEP"; fi
