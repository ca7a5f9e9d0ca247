#!/usr/bin/env bash
# Sets up (packages + build, see setup.sh) and runs seer's test suite
# (make check), then prints every suite's summary and a total line.
#
#   scripts/test.sh            build in ./build, run `make check`
#   scripts/test.sh TARGET     run another target too, e.g. check-full
# Environment: SEER_BUILD (build dir), SEER_CONFIGURE_FLAGS, SEER_FIXTURES.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
BUILD=${SEER_BUILD:-build}
status=0
for target in check "$@"; do
  make -C "$BUILD" -j"$(nproc)" "$target" || status=1
done
scripts/summary.sh "$BUILD" || status=1
exit $status
