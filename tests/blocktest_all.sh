#!/bin/sh
# make check: every BlockchainTests file (ValidBlocks and InvalidBlocks); prints per-category pass counts.
fx=${SEER_FIXTURES:-${top_srcdir:-.}/../shared/fixtures}
dir=$fx/ethereum-tests/BlockchainTests
if [ ! -d "$dir" ]; then
  echo "fixtures not found at $fx (set SEER_FIXTURES): skipped" >&2
  exit 77
fi
exec "${SEER_BIN:-./seer}" blocktest "$dir"
