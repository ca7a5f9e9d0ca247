/* seer — public API: the scheduler and the deterministic parallel executor.
 *
 * Replay: seer_sched_execute runs a block's transactions on many threads
 * with a result byte-identical to executing them one by one in block order
 * (receipts, gas, logs bloom, post-state). Build: the same function with
 * SEER_SCHED_BUILD treats the block's transactions as a pool, chooses an
 * order (parallel batches, each sender's nonce order kept, within the
 * block gas limit) and executes exactly that order.
 *
 * How: each transaction's access set is predicted (the analyzer, when one
 * is given, else only the keys the transaction itself implies); the
 * conflict graph orders them into levels; the transactions of a level run
 * in parallel, each in its own overlay over the state after the earlier
 * levels; their recorded access sets are checked against the schedule, and
 * from the lowest broken position on everything is discarded and
 * re-scheduled (serial at worst).
 *
 * Caveats:
 * - The pre-state is never modified: a result holds the post-state changes
 *   until seer_sched_result_commit writes them to a store in one write
 *   transaction. A result that is freed leaves no trace.
 * - A pre-state may be shared by several calls at once (reads only).
 *   One seer_analyzer may be shared too (its cache is locked).
 * - Output is independent of the thread count and of timing; only the
 *   statistics (times, rounds, mispredictions) vary.
 * - The fixtures' pre-states are partial (the transactions' reads only):
 *   with SEER_SCHED_OPTIONS_INIT no block reward, withdrawal or beacon-root
 *   call is applied (txs_only). */
#ifndef SEER_SCHEDULER_H
#define SEER_SCHEDULER_H

#include "seer/analyzer.h"
#include "seer/block.h"
#include "seer/common.h"
#include "seer/state.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A pre-block state to execute against: JSON files loaded in memory, or
 *  a snapshot of an LMDB store. Immutable; shareable between threads. */
typedef struct seer_prestate seer_prestate;

/** Loads a mainnet-format pre-state: pre_state.json, bytecodes.json (may
 *  be NULL when no account has code), block_hashes.json (may be NULL).
 *  Returns: 0, SEER_EINVAL, SEER_EIO, SEER_EPARSE (naming file and
 *           field), SEER_ENOMEM.
 *  Out:     *out, freed with seer_prestate_free. */
SEER_API int seer_prestate_from_files(seer_prestate **out, const char *pre_path, const char *codes_path,
                                      const char *hashes_path);

/** A pre-state reading a store's last committed state (a snapshot taken
 *  now; later commits are not seen).
 *  Returns: 0, SEER_EINVAL, SEER_EIO, SEER_ENOMEM.
 *  Out:     *out, freed with seer_prestate_free before st is closed. */
SEER_API int seer_prestate_from_state(seer_prestate **out, seer_state *st);

/** Frees a pre-state (NULL is a no-op). */
SEER_API void seer_prestate_free(seer_prestate *ps);

/** What seer_sched_execute does with the block's transactions. */
typedef enum seer_sched_mode {
    SEER_SCHED_REPLAY = 0, /**< in parallel, the block's order kept */
    SEER_SCHED_BUILD = 1,  /**< choose an order, then execute it in parallel */
    SEER_SCHED_SERIAL = 2, /**< one by one (the reference and the baseline) */
} seer_sched_mode;

/** Options of seer_sched_execute. Initialise with SEER_SCHED_OPTIONS_INIT. */
typedef struct seer_sched_options {
    unsigned version;        /**< SEER_SCHED_OPTIONS_VERSION */
    seer_sched_mode mode;    /**< replay, build or serial */
    unsigned threads;        /**< 0: the number of online CPUs */
    seer_analyzer *analyzer; /**< predictions; NULL: transaction-implied keys only */
    uint64_t chain_id;       /**< 1: mainnet */
    bool txs_only;           /**< no beacon-root call, withdrawals, rewards (partial pre-states) */
    /** Run serially when the predicted level schedule allows less than
     *  this speedup on the given threads (gas limits as costs); 0: always
     *  use the parallel machinery (tests). */
    double min_parallelism;
    /** Schedules tried after mispredictions before the rest runs serially. */
    unsigned max_rounds;
} seer_sched_options;

#define SEER_SCHED_OPTIONS_VERSION 1
#define SEER_SCHED_OPTIONS_INIT                                                                              \
    {                                                                                                        \
        SEER_SCHED_OPTIONS_VERSION, SEER_SCHED_REPLAY, 0, NULL, 1, true, 1.15, 3                             \
    }

/** The result of one execution: receipts, post-state changes, schedule,
 *  statistics. Opaque. */
typedef struct seer_sched_result seer_sched_result;

/** Executes a block over a pre-state (senders are recovered here, in
 *  parallel unless serial).
 *  Returns: 0 with *out set (read seer_sched_result_exception: a block
 *           with an invalid transaction still gives a result), or
 *           SEER_EINVAL, SEER_ENOMEM, a store error, SEER_ETX/SEER_ESIG
 *           when a transaction cannot be admitted at all (bad signature,
 *           wrong chain id; the detail names the index).
 *  Out:     *out: freed with seer_sched_result_free.
 *  In:      ps: the pre-state; block (its transactions get their senders);
 *           opts: NULL for SEER_SCHED_OPTIONS_INIT. */
SEER_API int seer_sched_execute(seer_sched_result **out, const seer_prestate *ps, seer_block *block,
                                const seer_sched_options *opts);

/** Frees a result (NULL is a no-op). */
SEER_API void seer_sched_result_free(seer_sched_result *r);

/** Returns the number of executed transactions (receipts). */
SEER_API size_t seer_sched_result_count(const seer_sched_result *r);

/** NULL for a valid block, else the ethereum/tests exception name of its
 *  first invalid transaction (static string). */
SEER_API const char *seer_sched_result_exception(const seer_sched_result *r);

/** One receipt, in execution order. */
typedef struct seer_sched_receipt {
    size_t tx_index; /**< index of the transaction in the block (build: its pool index) */
    seer_bytes32 tx_hash;
    int status; /**< 1 success, 0 failure */
    uint64_t gas_used;
    uint64_t cumulative_gas;
    size_t nlogs;
    uint32_t level; /**< level (replay) or batch (build) of the schedule */
} seer_sched_receipt;

/** Reads receipt i (0 <= i < count). Returns 0 or SEER_EINVAL. */
SEER_API int seer_sched_result_receipt(const seer_sched_result *r, seer_sched_receipt *out, size_t i);

/** The block's totals and roots. */
typedef struct seer_sched_summary {
    uint64_t gas_used;
    uint64_t blob_gas_used;
    seer_bytes32 receipts_root;
    uint8_t logs_bloom[256];
} seer_sched_summary;

/** Fills the totals. Returns 0, SEER_EINVAL, SEER_ENOMEM. */
SEER_API int seer_sched_result_summary(const seer_sched_result *r, seer_sched_summary *out);

/** Computes the post-state root: of the whole state for an LMDB pre-state
 *  is not available here (SEER_EUNSUPPORTED: commit, then seer_state_root);
 *  for a file pre-state, the root of the (partial) state after the block.
 *  Returns: 0, SEER_EINVAL, SEER_ENOMEM, SEER_EUNSUPPORTED. */
SEER_API int seer_sched_result_state_root(const seer_sched_result *r, seer_bytes32 *out);

/** One changed account of the post-state, as seer_sched_result_changes
 *  presents it; views valid during the callback only. */
typedef struct seer_sched_change {
    seer_address address;
    bool exists;          /**< false: the account is deleted */
    bool storage_cleared; /**< every old slot is gone before `slots` apply */
    seer_bytes32 balance; /**< big-endian */
    uint64_t nonce;
    seer_bytes32 code_hash;
    const uint8_t *code; /**< new code, or NULL when unchanged */
    size_t code_len;
    const seer_bytes32 *slot_keys; /**< changed slots (zero value: deleted) */
    const seer_bytes32 *slot_values;
    size_t nslots;
} seer_sched_change;

/** Visits the post-state changes in ascending address order. A non-zero
 *  return of fn stops the walk and is returned.
 *  Returns: 0, fn's value, SEER_EINVAL, SEER_ENOMEM. */
SEER_API int seer_sched_result_changes(const seer_sched_result *r,
                                       int (*fn)(void *ctx, const seer_sched_change *c), void *ctx);

/** Writes the post-state changes with the block's number and hash to the
 *  store in one write transaction (the store that the pre-state was taken
 *  from, or any store holding the same pre-state).
 *  Returns: 0, SEER_EINVAL, SEER_EREADONLY, SEER_EMAPFULL, SEER_EIO,
 *           SEER_ENOMEM (nothing is written on failure). */
SEER_API int seer_sched_result_commit(const seer_sched_result *r, seer_state *st);

/** Statistics of one execution. Times are wall seconds unless named. */
typedef struct seer_sched_stats {
    seer_sched_mode mode;
    unsigned threads;
    size_t txs;
    uint64_t gas;          /**< gas used by the block */
    double total_s;        /**< the whole call: admission, analysis, execution, commit */
    double cpu_s;          /**< process CPU seconds during the call (all threads) */
    double admit_s;        /**< sender recovery and static checks */
    double predict_s;      /**< analysis (replay: done in the admission pass, its time / threads) */
    double schedule_s;     /**< conflict graph and levels */
    double exec_s;         /**< execution, validation, merge */
    double commit_s;       /**< receipts and the merged change set */
    uint32_t levels;       /**< levels (replay) or batches (build) of the first schedule */
    uint64_t critical_gas; /**< heaviest chain of the predicted DAG, real gas */
    uint64_t level_gas;    /**< sum of each level's heaviest transaction */
    /** Modeled speedup of the predicted DAG, list-scheduled without
     *  barriers, at 4, 8, 16, 32 and 64 threads (tx cost = its gas);
     *  computed by seer_sched_result_stats, outside total_s. */
    double modeled_speedup[5];
    double ideal_speedup; /**< total gas / critical path */
    size_t mispredicted;  /**< transactions whose actual set escaped the prediction */
    size_t reexecuted;    /**< executions discarded and re-run */
    uint64_t reexecuted_gas;
    unsigned rounds;      /**< schedules run */
    bool serial_fallback; /**< (part of) the block ran serially */
    /** Parts of exec_s (parallel levels only): the levels running on the
     *  threads, validation and merging (on the calling thread). */
    double exec_run_s, exec_validate_s, exec_merge_s;
    /** Replay's pipeline: the calling thread executes the transactions in
     *  block order (the lane) while the other threads recover senders and
     *  then predict from the block's end; where they meet, the rest goes
     *  to the predicted schedule or the lane finishes it. admit_s is then
     *  the pipeline's wall time (the lane executing in it), exec_s what
     *  runs after it. */
    bool pipelined;
    size_t lane_txs;           /**< executed by the lane */
    size_t sched_txs;          /**< handed to the predicted schedule */
    size_t predicted_txs;      /**< predicted during the pipeline */
    double lane_s;             /**< the lane executing (wall) */
    double suffix_parallelism; /**< predicted level speedup of the rest at the decision (0: none) */
    /** CPU seconds of the busiest pipeline thread: with exec_s and
     *  commit_s, what the call needs on free cores (a loaded machine's
     *  wall time says little). */
    double pipeline_cpu_max_s;
} seer_sched_stats;

/** Fills the statistics (the modeled speedups are computed here: a list
 *  schedule per thread count). Returns 0 or SEER_EINVAL. */
SEER_API int seer_sched_result_stats(const seer_sched_result *r, seer_sched_stats *out);

/** Models the replay schedule of the whole block without running it in
 *  parallel: the senders are recovered, the block runs serially once for
 *  each transaction's gas, every transaction is predicted with
 *  opts->analyzer, and the predicted conflict DAG gives levels,
 *  critical_gas, ideal_speedup and modeled_speedup (a list schedule at 4,
 *  8, 16, 32 and 64 threads). Replay itself may predict only part of a
 *  block (its pipeline), so its own statistics can model only that part.
 *  Returns: 0, SEER_EINVAL, SEER_ENOMEM, an admission or execution error.
 *  Out:     *out (the fields named; mode REPLAY, txs and gas; the rest 0).
 *  In:      ps, block (its transactions get their senders), opts (NULL:
 *           SEER_SCHED_OPTIONS_INIT; analyzer and chain_id are used). */
SEER_API int seer_sched_model(seer_sched_stats *out, const seer_prestate *ps, seer_block *block,
                              const seer_sched_options *opts);

/** Output formats of seer_sched_graph_write. */
typedef enum seer_sched_graph_format {
    SEER_SCHED_GRAPH_DOT = 0,
    SEER_SCHED_GRAPH_JSON = 1,
} seer_sched_graph_format;

/** Options of seer_sched_graph_write. Initialise with
 *  SEER_SCHED_GRAPH_OPTIONS_INIT. */
typedef struct seer_sched_graph_options {
    unsigned version; /**< SEER_SCHED_GRAPH_OPTIONS_VERSION */
    seer_sched_graph_format format;
    bool actual;             /**< edges from recorded sets (a serial run) instead of predicted ones */
    bool build;              /**< batches of build mode instead of replay levels */
    seer_analyzer *analyzer; /**< for predicted sets; NULL: implied keys only */
    size_t hot_keys;         /**< how many hottest keys to list */
    uint64_t chain_id;
} seer_sched_graph_options;

#define SEER_SCHED_GRAPH_OPTIONS_VERSION 1
#define SEER_SCHED_GRAPH_OPTIONS_INIT                                                                        \
    {                                                                                                        \
        SEER_SCHED_GRAPH_OPTIONS_VERSION, SEER_SCHED_GRAPH_DOT, true, false, NULL, 10, 1                     \
    }

/** Writes the block's conflict graph: each transaction with its level (or
 *  batch) and gas, each edge with the key behind it, the hottest keys.
 *  Returns: 0, SEER_EINVAL, SEER_ENOMEM, SEER_EIO (a write failed), an
 *           execution or admission error. */
SEER_API int seer_sched_graph_write(FILE *f, const seer_prestate *ps, seer_block *block,
                                    const seer_sched_graph_options *opts);

#ifdef __cplusplus
}
#endif
#endif
