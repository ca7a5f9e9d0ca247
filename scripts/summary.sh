#!/usr/bin/env bash
# Prints the summary line of every test log under a build dir (check's
# "NN%: Checks: N, Failures: N, Errors: N" and the runners' own lines), then
# one total line "N passed, N failed". Exits non-zero if anything failed.
BUILD=${1:-build}
passed=0; failed=0
for log in $(find "$BUILD/tests" -name '*.log' ! -name 'test-suite.log' 2>/dev/null | sort); do
  name=${log#$BUILD/}
  trs=${log%.log}.trs
  res=$(sed -n 's/^:test-result: //p' "$trs" 2>/dev/null | head -1)
  line=$(grep -E '^[0-9]+%: Checks: |passed, [0-9]+ failed' "$log" | tail -1)
  printf '%-32s %-5s %s\n' "${name%.log}" "${res:-?}" "$line"
  case "$res" in
    PASS) passed=$((passed + 1)) ;;
    SKIP) ;;
    *) failed=$((failed + 1)) ;;
  esac
done
# Count individual checks too, so the total reflects every assertion group.
checks=$(cat $(find "$BUILD/tests" -name '*.log' ! -name 'test-suite.log' 2>/dev/null) /dev/null |
  sed -nE 's/^[0-9]+%: Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/p' |
  awk '{c+=$1; f+=$2+$3} END {printf "%d %d", c-f, f}')
echo "suites: $passed passed, $failed failed"
echo "checks: ${checks% *} passed, ${checks#* } failed"
[ "$failed" -eq 0 ]
