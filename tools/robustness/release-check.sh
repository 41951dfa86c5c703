#!/bin/sh
# tools/robustness/release-check.sh: the robustness checks against the *release* binary (docs/FUZZING.md).
#   1. builds cnnrepl with -c release;
#   2. runs the end-to-end tests of Tests/cnnreplTests (the hostile corpus as files and piped, the
#      generated hostile inputs, the REPL under a pseudo-terminal) with CNNREPL_BINARY pointing at it:
#      exit status 0 or 1 only, an error with a position for each bad input, a bounded run time;
#   3. measures Ctrl-C latency during a 4000x4000 convolution (tools/robustness/ctrl_c_latency.py), and
#      while Fashion-MNIST is read (when dataset-fashion-mnist is installed).
# `swift test` alone runs the same tests against the debug binary; this script is for releases (about
# 5 minutes on two cores, most of it the release build).
set -eu
cd "$(dirname "$0")/../.."
SCRATCH=${SCRATCH:-.build}
swift build -c release --scratch-path "$SCRATCH" --product cnnrepl
BINARY="$(pwd)/$SCRATCH/release/cnnrepl"
CNNREPL_BINARY="$BINARY" swift test --scratch-path "$SCRATCH" --filter cnnreplTests
python3 tools/robustness/ctrl_c_latency.py "$BINARY" --runs 5
# Reading a large data set (Debian's dataset-fashion-mnist, when installed) stops on Ctrl-C too.
if [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    python3 tools/robustness/ctrl_c_latency.py "$BINARY" --runs 3 --delay 0.2 --size 10 \
        --compute 'f = dataset("fashion-mnist")'
fi
