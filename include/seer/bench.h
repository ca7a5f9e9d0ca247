/* seer — public API: the EVM interpreter benchmark (`seer bench vm`).
 *
 * Runs compute-heavy contracts written for it (arithmetic, keccak, memory
 * copying, token transfers, a fixed-point fractal renderer) through the same
 * path blocks take (transaction rules, the journaled world, the
 * interpreter), each for a fixed gas budget, and reports gas, time and
 * Mgas/s per contract and in total, measured in one run.
 *
 * Caveats:
 * - Figures, never assertions: the machine's load moves them. CPU seconds
 *   (of the calling thread) are steadier than wall seconds on a shared
 *   machine; both are reported.
 * - Runs on the calling thread; the state lives in memory and nothing is
 *   written anywhere. */
#ifndef SEER_BENCH_H
#define SEER_BENCH_H

#include "seer/common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The most contracts a report holds. */
#define SEER_BENCH_VM_MAX 16

/** One contract's figures. */
typedef struct seer_bench_vm_result {
    const char *name;        /**< short name ("arith", "keccak", ...), static */
    const char *description; /**< one line on what it exercises, static */
    uint64_t gas;            /**< sum of the transactions' gas used, as a block counts it: after
                                  refunds, so a contract earning SSTORE refunds ("token")
                                  executes up to 1/4 more than it is credited */
    uint64_t txs;            /**< transactions run */
    size_t code_size;        /**< the contract's bytecode size */
    double wall_s;           /**< wall-clock seconds of the timed runs */
    double cpu_s;            /**< the calling thread's CPU seconds of the timed runs */
    double mgas_per_s;       /**< gas / cpu_s / 1e6 */
} seer_bench_vm_result;

/** A run's figures. */
typedef struct seer_bench_vm_report {
    seer_bench_vm_result contracts[SEER_BENCH_VM_MAX];
    size_t ncontracts;
    uint64_t total_gas;
    double total_wall_s;
    double total_cpu_s;
    double total_mgas_per_s; /**< total_gas / total_cpu_s / 1e6 */
} seer_bench_vm_report;

/** What to run. Initialise with SEER_BENCH_VM_OPTIONS_INIT. */
typedef struct seer_bench_vm_options {
    unsigned version;    /**< SEER_BENCH_VM_OPTIONS_VERSION */
    uint64_t gas;        /**< gas budget per contract (0: 200 million) */
    uint64_t tx_gas;     /**< gas limit of each transaction (0: 30 million, a block's) */
    const char *only;    /**< NULL: every contract; else a comma-separated list of names */
    unsigned warmup_txs; /**< untimed transactions per contract first (caches, page faults) */
    /** Called after each contract with its figures (may be NULL). */
    void (*progress)(void *arg, const seer_bench_vm_result *r);
    void *progress_arg;
} seer_bench_vm_options;

#define SEER_BENCH_VM_OPTIONS_VERSION 1
/** Defaults: every contract, 200 Mgas each in 30 Mgas transactions, one
 *  warm-up transaction, no callback. */
#define SEER_BENCH_VM_OPTIONS_INIT                                                                           \
    {                                                                                                        \
        SEER_BENCH_VM_OPTIONS_VERSION, 0, 0, NULL, 1, NULL, NULL                                             \
    }

/** Runs the benchmark contracts.
 *  Returns: 0, SEER_EINVAL (out NULL, an unknown options version, a
 *           tx_gas below 100000, or a name in `only` that no contract
 *           has), SEER_ENOMEM, SEER_EINTERNAL (a contract did not end
 *           as designed: a bug of the interpreter or of the contract; the
 *           detail names the contract and its status).
 *  Out:     *out: the figures (zeroed first; on failure it holds the
 *           contracts run before it).
 *  In:      opts: NULL for the defaults. */
SEER_API int seer_bench_vm(seer_bench_vm_report *out, const seer_bench_vm_options *opts);

/** The names of the benchmark contracts, in run order, NULL-terminated
 *  (static). */
SEER_API const char *const *seer_bench_vm_names(void);

/** The runtime bytecode of one benchmark contract, e.g. to run the same
 *  code in another EVM side by side. Every contract expects Cancun (PUSH0,
 *  MCOPY), loops until less than 50000 gas is left, then STOPs; "token"
 *  also expects storage[keccak256(h . 0)] != 0 for the 32-byte words
 *  h = 0..63 (the benchmark sets 10^12), else it reverts at once.
 *  Returns: 0, SEER_EINVAL (a NULL argument, or no contract `name`),
 *           SEER_ELIMIT (cap too small; *len still says the size needed).
 *  Out:     out[0..*len): the code.
 *  In:      cap: the room at out; name: a name from seer_bench_vm_names. */
SEER_API int seer_bench_vm_code(uint8_t *out, size_t cap, size_t *len, const char *name);

#ifdef __cplusplus
}
#endif

#endif
