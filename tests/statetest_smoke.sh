#!/bin/sh
# make check: the GeneralStateTests cases listed in fixtures/ethereum-tests/smoke.txt.
fx=${SEER_FIXTURES:-${top_srcdir:-.}/../shared/fixtures}
list=$fx/ethereum-tests/smoke.txt
if [ ! -f "$list" ]; then
  echo "fixtures not found at $fx (set SEER_FIXTURES): skipped" >&2
  exit 77
fi
exec "${SEER_BIN:-./seer}" statetest --quiet --list "$list" --base "$fx/ethereum-tests/GeneralStateTests"
