#!/bin/sh
# make check-full: every GeneralStateTests case through the parallel
# executor at 1, 2, 4 and 8 threads (tests/statetest_parallel.sh full).
exec "$(dirname "$0")/statetest_parallel.sh" full
