/* seer — parallel Ethereum block execution by static access prediction.
 *
 * The umbrella header: include this one. Every exported name starts with
 * seer_ / SEER_. Functions return 0 on success or a negative seer_error;
 * seer_error_detail() then says what failed and where. A `**out` argument
 * hands ownership to the caller, who frees it with that type's _free. */
#ifndef SEER_H
#define SEER_H

#include "seer/analyzer.h"
#include "seer/bench.h"
#include "seer/block.h"
#include "seer/common.h"
#include "seer/conformance.h"
#include "seer/gen.h"
#include "seer/scheduler.h"
#include "seer/state.h"

#endif
