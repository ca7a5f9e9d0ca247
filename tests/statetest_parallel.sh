#!/bin/sh
# GeneralStateTests through the parallel executor: each case as a
# one-transaction block, forced through scheduling, validation and merge,
# checked against the fixture (post state root and logs hash, or the
# expected exception) at every thread count of $SEER_THREADS (default
# "1 2 4 8"). DESIGN.md: parallel = serial.
#   tests/statetest_parallel.sh          the smoke list (make check, about 6,100 cases)
#   tests/statetest_parallel.sh full     every file (make check-full, about 16,900 cases)
# Each run prints its per-category table and total; a failure is printed as
# "FAIL file test[index] fork (--threads N): why". A summary line per thread
# count closes the output. Exit 1 when any run has a failed case, passes
# nothing, or covers another number of cases than the first run.
fx=${SEER_FIXTURES:-${top_srcdir:-.}/../shared/fixtures}
gst=$fx/ethereum-tests/GeneralStateTests
list=$fx/ethereum-tests/smoke.txt
if [ "${1:-smoke}" = full ]; then
  set -- "$gst"
else
  set -- --list "$list" --base "$gst"
fi
if [ ! -d "$gst" ] || [ ! -f "$list" ]; then
  echo "fixtures not found at $fx (set SEER_FIXTURES): skipped" >&2
  exit 77
fi
seer=${SEER_BIN:-./seer}
status=0
summary=
first=
for n in ${SEER_THREADS:-1 2 4 8}; do
  echo "== seer statetest --threads $n"
  start=$(date +%s)
  out=$("$seer" statetest --quiet --threads "$n" "$@" 2>&1)
  rc=$?
  end=$(date +%s)
  echo "$out"
  total=$(echo "$out" | grep '^statetest: ' | tail -n 1)
  [ -n "$total" ] || total="statetest: no summary (exit $rc)"
  [ $rc -eq 0 ] || status=1
  # "statetest: P passed, F failed, S skipped (--threads N)"
  counts=$(echo "$total" | sed -n 's/^statetest: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\1 \2 \3/p')
  [ -n "$counts" ] || counts="0 0 0"
  passed=${counts%% *}
  cases=$(echo "$counts" | awk '{ print $1 + $2 + $3 }')
  if [ "$passed" -eq 0 ]; then
    echo "FAIL --threads $n: no case passed"
    status=1
  fi
  if [ -z "$first" ]; then
    first=$cases
  elif [ "$cases" -ne "$first" ]; then
    echo "FAIL --threads $n: $cases cases, the first run had $first"
    status=1
  fi
  summary="$summary
threads $n: ${total#statetest: } in $((end - start)) s$( [ $rc -eq 0 ] || echo ' FAILED')"
done
echo "== summary$summary"
exit $status
