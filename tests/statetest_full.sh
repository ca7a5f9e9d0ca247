#!/bin/sh
# make check-full: every GeneralStateTests file (slow categories included).
fx=${SEER_FIXTURES:-${top_srcdir:-.}/../shared/fixtures}
dir=$fx/ethereum-tests/GeneralStateTests
if [ ! -d "$dir" ]; then
  echo "fixtures not found at $fx (set SEER_FIXTURES): skipped" >&2
  exit 77
fi
exec "${SEER_BIN:-./seer}" statetest --quiet "$dir"
