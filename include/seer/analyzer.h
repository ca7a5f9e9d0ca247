/* seer — public API: the analyzer.
 *
 * Predicts, before execution, which state keys a transaction will read and
 * write, from its recipient's bytecode (see DESIGN.md, "Prediction tiers").
 * Each contract is analyzed once per code hash into a summary (access
 * templates per entry point) held in the analyzer's cache; a transaction's
 * prediction instantiates the templates with its calldata, sender, value
 * and the pre-block state.
 *
 * Caveats:
 * - An analyzer may be shared by threads: the summary cache is locked, and
 *   summaries are immutable once built.
 * - Analysis is bounded by the options' budgets. What a budget cuts becomes
 *   a wildcard in the prediction ("all slots of A" or "unknown"), never a
 *   dropped access. */
#ifndef SEER_ANALYZER_H
#define SEER_ANALYZER_H

#include "seer/common.h"

#include <stdbool.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seer_analyzer seer_analyzer;

typedef struct seer_analyzer_options {
    int version;              /**< SEER_ANALYZER_OPTIONS_VERSION */
    uint64_t max_steps;       /**< abstract instructions per contract */
    uint64_t max_entry_steps; /**< of those, per entry point (selector) */
    uint32_t max_nodes;       /**< expression nodes per contract (memory bound) */
    uint32_t max_paths;       /**< pending paths per contract */
    uint32_t max_call_depth;  /**< nested calls instantiated per transaction */
    uint32_t loop_unroll;     /**< loop-head visits on one path before widening */
} seer_analyzer_options;

#define SEER_ANALYZER_OPTIONS_VERSION 1
#define SEER_ANALYZER_OPTIONS_INIT                                                                           \
    {                                                                                                        \
        SEER_ANALYZER_OPTIONS_VERSION, 400000, 60000, 200000, 4096, 8, 4                                     \
    }

/** Creates an analyzer with an empty summary cache.
 *  Returns: 0, SEER_EINVAL (out NULL or an unknown options version),
 *           SEER_ENOMEM.
 *  Out:     *out, freed with seer_analyzer_free.
 *  In:      opts: NULL for the defaults. */
SEER_API int seer_analyzer_new(seer_analyzer **out, const seer_analyzer_options *opts);

/** Frees the analyzer and its cache (NULL is a no-op). */
SEER_API void seer_analyzer_free(seer_analyzer *a);

/** Number of summaries in the cache. */
SEER_API size_t seer_analyzer_cache_count(const seer_analyzer *a);

/** Drops every cached summary (e.g. to measure a cold cache). */
SEER_API void seer_analyzer_cache_clear(seer_analyzer *a);

/** Whether a prediction stops its remaining work once it holds "unknown"
 *  (on by default). The scheduler treats an unknown transaction as
 *  conflicting with every other, so the explicit keys of an unknown
 *  prediction are never used there, and on the 39 mainnet fixture blocks
 *  those transactions were most of the warm cost. Turn it off to list every
 *  key the analyzer can still derive for them (`seer analyze --all-keys`);
 *  coverage is the same either way (unknown covers every key). The
 *  summaries built depend on the predictions made, so a later prediction
 *  may differ as one made alone would. Not to be changed while predictions
 *  run; empties the frame memo. a: NULL is a no-op. */
SEER_API void seer_analyzer_set_stop_at_unknown(seer_analyzer *a, bool on);

/** Output formats of the reports. */
typedef enum seer_analyzer_format {
    SEER_ANALYZER_TEXT = 0, /**< readable by a person */
    SEER_ANALYZER_JSON = 1, /**< one JSON document */
} seer_analyzer_format;

/** Analyzes one contract's code and prints its entry points (selectors),
 *  control-flow statistics and access templates per entry point.
 *  Returns: 0, SEER_EINVAL, SEER_ENOMEM, SEER_EIO (a write failed).
 *  Args:    a: the analyzer (its cache gets the summary).
 *  In:      f: where to print; code, len: the bytecode; format. */
SEER_API int seer_analyzer_describe_code(seer_analyzer *a, FILE *f, const uint8_t *code, size_t len,
                                         seer_analyzer_format format);

/** Options of seer_analyzer_block_report. */
typedef struct seer_analyzer_block_options {
    int version;        /**< SEER_ANALYZER_BLOCK_OPTIONS_VERSION */
    const char *block;  /**< block.json (JSON-RPC eth_getBlockByNumber with full txs) */
    const char *pre;    /**< pre_state.json (NULL when db is set) */
    const char *codes;  /**< bytecodes.json ({code_hash: code}) (NULL when db is set) */
    const char *hashes; /**< block_hashes.json, or NULL */
    int compare;        /**< also execute serially and compare with the actual sets */
    int per_tx;         /**< print a line per transaction */
    seer_analyzer_format format;
    /** An LMDB store directory holding the pre-block state (instead of
     *  pre and codes); read only: the comparison's serial run goes into an
     *  in-memory overlay and nothing is written. */
    const char *db;
} seer_analyzer_block_options;

#define SEER_ANALYZER_BLOCK_OPTIONS_VERSION 1
#define SEER_ANALYZER_BLOCK_OPTIONS_INIT                                                                     \
    {                                                                                                        \
        SEER_ANALYZER_BLOCK_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 1, SEER_ANALYZER_TEXT, NULL          \
    }

/** Totals of one block's report. Shares are in [0, 1]. */
typedef struct seer_analyzer_block_stats {
    uint64_t txs;
    uint64_t covered;            /**< actual set inside the prediction */
    uint64_t covered_no_unknown; /**< ... and no "unknown" wildcard used */
    uint64_t covered_fresh;      /**< covered when predicted against the state right before the tx
                                      (a miss here is the analyzer's, not a stale tier-2 read) */
    uint64_t exact;              /**< prediction == actual (keys, no wildcard) */
    uint64_t with_unknown;       /**< predictions holding "unknown" */
    uint64_t with_all_slots;     /**< predictions holding an "all slots of A" wildcard */
    uint64_t actual_keys;        /**< sum over txs of |actual| */
    uint64_t predicted_keys;     /**< sum of |predicted| (explicit keys) */
    uint64_t hit_keys;           /**< actual keys predicted explicitly */
    uint64_t missed_keys;        /**< actual keys not covered at all */
    double precision;            /**< hit / predicted */
    double recall;               /**< hit / actual */
    double analysis_cold_s;      /**< predicting every tx, empty cache */
    double analysis_warm_s;      /**< the same again, cache filled */
    double execution_s;          /**< serial execution (compare only) */
    double admission_s;          /**< admitting the block's transactions: sender recovery,
                                      nonce and fee checks (the first part of a serial block) */
} seer_analyzer_block_stats;

/** Predicts every transaction of a block; with compare, executes it
 *  serially over the pre-state, records the actual sets and reports per
 *  transaction and in total (covered, exact, over-approximated and missed
 *  keys, wildcards, analysis time). A prediction holding "unknown" names
 *  its first reason and the code (address) it arose in; the totals list
 *  the code and reason pairs with the most such transactions (JSON:
 *  per tx "unknown_reason" and "unknown_in", "summary"."unknown_sites").
 *  Returns: 0, SEER_EINVAL, SEER_EIO, SEER_EPARSE, SEER_ENOMEM, or an
 *           execution error (detail set).
 *  Out:     stats (may be NULL): the totals.
 *  In:      f: where to print (may be NULL); opts. */
SEER_API int seer_analyzer_block_report(seer_analyzer *a, seer_analyzer_block_stats *stats, FILE *f,
                                        const seer_analyzer_block_options *opts);

#ifdef __cplusplus
}
#endif
#endif
