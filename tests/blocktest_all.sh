#!/bin/sh
# make check: every BlockchainTests file (ValidBlocks and InvalidBlocks); prints per-category pass counts.
# Run with the serial executor, then through the parallel executor at each
# thread count of $SEER_THREADS (default "1 2 4 8"); every run must pass.
fx=${SEER_FIXTURES:-${top_srcdir:-.}/../shared/fixtures}
dir=$fx/ethereum-tests/BlockchainTests
if [ ! -d "$dir" ]; then
  echo "fixtures not found at $fx (set SEER_FIXTURES): skipped" >&2
  exit 77
fi
status=0
for n in 0 ${SEER_THREADS:-1 2 4 8}; do
  echo "== seer blocktest --threads $n"
  "${SEER_BIN:-./seer}" blocktest --threads "$n" "$dir" || status=1
done
exit $status
