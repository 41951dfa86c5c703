#!/bin/sh
# Fuzz/run.sh: runs one fuzz target for a number of seconds (docs/FUZZING.md).
#   Fuzz/run.sh language 600      Fuzz/run.sh files 300
# Findings (crash-*, timeout-*, oom-*, leak-*) land in /tmp/cnnrepl-fuzz-TARGET/findings; the growing corpus
# in /tmp/cnnrepl-fuzz-TARGET/corpus. One process at a time (-fork=1), going on after each finding. An input slower than 1 s is a hang, more than 2 GB of memory a blow-up.
# As root, the fuzzer runs as the user nobody in its own folder, so `save` and `code file=` in
# generated inputs cannot overwrite anything that matters.
set -eu
cd "$(dirname "$0")/.."
TARGET=${1:?"usage: Fuzz/run.sh language|files SECONDS"}
SECONDS_TO_RUN=${2:-600}
ROOT=$(pwd)
WORK=/tmp/cnnrepl-fuzz-$TARGET
mkdir -p "$WORK/corpus" "$WORK/findings" "$WORK/scratch"
cp -n .build-fuzz/seeds-"$TARGET"/* "$WORK/corpus/" 2>/dev/null || true
EXTRA=""
if [ "$TARGET" = language ]; then EXTRA="-dict=$ROOT/Fuzz/cnn.dict"; fi
# Inputs of up to 1 MB: long histories (30,000 updates of one variable) and large files are reachable.
EXTRA="$EXTRA -max_len=1048576"
AS=""
if [ "$(id -u)" = 0 ]; then
    chown -R nobody:nogroup "$WORK"
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
fi
cd "$WORK/scratch"
# shellcheck disable=SC2086
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 $AS "$ROOT/.build-fuzz/fuzz-$TARGET" $EXTRA \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -timeout=1 -rss_limit_mb=2048 -max_total_time="$SECONDS_TO_RUN" \
    -artifact_prefix="$WORK/findings/" -print_final_stats=1 "$WORK/corpus"
