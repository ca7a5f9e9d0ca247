#!/bin/sh
# make check: replays every mainnet fixture block serially; each must match its header
# (gasUsed, logsBloom, receiptsRoot from Byzantium on, senders). Prints Mgas/s.
fx=${SEER_FIXTURES:-${top_srcdir:-.}/../shared/fixtures}
dir=$fx/mainnet/blocks
if [ ! -d "$dir" ]; then
  echo "fixtures not found at $fx (set SEER_FIXTURES): skipped" >&2
  exit 77
fi
set --
for b in $(ls "$dir" | sort -n); do
  set -- "$@" "$dir/$b"
done
exec "${SEER_BIN:-./seer}" run --quiet "$@"
