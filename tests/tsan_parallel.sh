#!/bin/sh
# Runs the parallel executor's tests many times under ThreadSanitizer.
# Builds nothing: run it in a build configured with
#   --enable-sanitizers=thread
# after `make check` built tests/test_parallel and tests/test_scheduler.
#
#   tests/tsan_parallel.sh [BUILD_DIR]
#
# SEER_ROUNDS (default 100) repeats every parallel run of test_parallel;
# SEER_PARALLEL_BLOCKS (default 6) limits the mainnet fixture blocks (the
# generated adversarial blocks always run). Fails on any test failure or
# any ThreadSanitizer report.
set -eu
build=${1:-.}
bin="$build/tests/test_parallel"
sched="$build/tests/test_scheduler"
if [ ! -x "$bin" ]; then
    echo "tsan_parallel.sh: $bin not found (build it first: make check)" >&2
    exit 2
fi
: "${SEER_ROUNDS:=100}"
: "${SEER_PARALLEL_BLOCKS:=6}"
export SEER_ROUNDS SEER_PARALLEL_BLOCKS
# every report is an error; report at the first one
TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export TSAN_OPTIONS
# check forks each test; keep the timeout generous under TSan's slowdown
CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-7200}
export CK_DEFAULT_TIMEOUT
echo "tsan_parallel: $SEER_ROUNDS rounds, $SEER_PARALLEL_BLOCKS mainnet blocks"
"$bin"
if [ -x "$sched" ]; then
    # the exhaustive small patterns once (62,480 parallel runs: half of them
    # the pipeline, its lane stopping at every split point)
    CK_RUN_CASE=patterns "$sched"
fi
echo "tsan_parallel: no ThreadSanitizer report"
