#!/bin/sh
# make check: every committed fuzz input (fuzz/corpus/<target>/, crash
# reproducers included) replayed through its target without libFuzzer.
# A target aborts on a violated property, so any failure fails the test.
src=${top_srcdir:-.}
status=0
for t in vm rlp tx; do
  bin=./fuzz/replay_$t
  dir=$src/fuzz/corpus/$t
  if [ ! -x "$bin" ]; then
    echo "fuzz_replay: $bin not built" >&2
    exit 99
  fi
  if [ ! -d "$dir" ]; then
    echo "fuzz_replay: no corpus at $dir" >&2
    exit 99
  fi
  "$bin" "$dir" || { echo "fuzz_replay: $t FAILED (exit $?)" >&2; status=1; }
done
exit $status
