/* The scheduler's internals: access sets in the form the scheduler
 * compares, the conflict graph (levels, a dependency DAG, the critical
 * path), build-mode coloring, and the parallel block executor (internal).
 *
 * Conflict model (DESIGN.md, "Access sets"): a transaction accesses a key
 * in one of three modes: R (observed only), D (a commutative balance
 * credit it never read: the coinbase fee, blind value transfers) or W
 * (written, or read and written). Two transactions conflict on a key
 * unless both only read it or both only credit it. Wildcards: "every slot
 * of A" conflicts with every storage key of A; "unknown" with everything.
 *
 * Why write-after-read counts too: transactions of later levels read the
 * state after every earlier level, so a transaction b > a placed before a
 * would show a its writes. Keeping every conflicting pair in block order
 * makes the level order equivalent to block order. */
#ifndef SEER_SCHEDULER_SCHED_H
#define SEER_SCHEDULER_SCHED_H

#include "chain/block.h"
#include "chain/exec.h"
#include "common/state_iface.h"
#include "seer/analyzer.h"
#include "vm/tx.h"
#include "vm/world.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Access modes. S ("shared") is used only on the pseudo keys that model
 * wildcards: every slot access of A is an S access of "A:*", "every slot of
 * A" a W access of it. */
enum { SEER_ACC_R = 1, SEER_ACC_D = 2, SEER_ACC_W = 3, SEER_ACC_S = 4 };

/** Field value of the pseudo key "every slot of A" (not a seer_key_field). */
#define SEER_KEY_ALL_SLOTS 0xFE
/** Field value of the pseudo key every transaction shares ("unknown" is a W
 *  access of it). */
#define SEER_KEY_GLOBAL 0xFF

static inline bool seer_acc_modes_conflict(int a, int b)
{
    return !(a == b && a != SEER_ACC_W);
}

typedef struct seer_acc {
    seer_key key;
    uint8_t mode;
    uint8_t pad[7];
} seer_acc;
_Static_assert(sizeof(seer_acc) == 64, "seer_acc has no hidden padding");

/** A transaction's access set as the scheduler sees it. */
typedef struct seer_access_set {
    seer_acc *acc; /* sorted by key, one entry per key after normalize */
    size_t n, cap;
    seer_address *all_slots; /* sorted, unique after normalize */
    size_t nall, all_cap;
    bool unknown;
} seer_access_set;

void seer_access_set_clear(seer_access_set *s);
/** Appends (normalize afterwards). Returns 0 or SEER_ENOMEM. */
int seer_access_set_add(seer_access_set *s, const seer_key *k, int mode);
int seer_access_set_add_all_slots(seer_access_set *s, const seer_address *a);
/** Sorts and merges duplicates (R+R=R, D+D=D, anything else W). */
void seer_access_set_normalize(seer_access_set *s);
/** dst |= src (both normalized; dst stays normalized). */
int seer_access_set_union(seer_access_set *dst, const seer_access_set *src);
/** From a recorded actual set (vm/world.h): reads R; writes W, except a
 *  balance written but never read, which is a credit D; the coinbase's
 *  balance is a D when the transaction neither read nor wrote it. */
int seer_access_set_from_actual(seer_access_set *s, const seer_key *reads, size_t nreads,
                                const seer_key *writes, size_t nwrites, const seer_address *coinbase);
/** The implicit part every transaction has: sender nonce+balance (W),
 *  recipient balance (D when value > 0) and code (R), coinbase
 *  balance (D). What a prediction adds to. */
int seer_access_set_tx_implied(seer_access_set *s, const seer_tx *tx, const seer_address *coinbase);
/** Adds an analyzer prediction (analyzer/analyzer_internal.h's
 *  seer_prediction, passed as void to keep this header light). */
int seer_access_set_add_prediction(seer_access_set *s, const void *prediction);
/** True when a and b conflict; *why (may be NULL) gets one key behind it
 *  (a pseudo key for wildcards). */
bool seer_access_conflict(const seer_access_set *a, const seer_access_set *b, seer_key *why);

/* ---- the conflict graph ---- */

typedef struct seer_sched_graph {
    size_t n;
    uint32_t *level; /* per tx, 0-based */
    uint32_t nlevels;
    uint32_t *pred_start; /* CSR of predecessors: n + 1 entries */
    uint32_t *pred;       /* edges a -> b stored at b: a < b */
    seer_key *pred_key;   /* the key behind each edge */
    size_t nedges;
    uint64_t total_gas;
    uint64_t critical_gas; /* heaviest dependency chain (DAG) */
    uint64_t level_gas;    /* sum over levels of the heaviest tx */
} seer_sched_graph;

/** Builds the graph of n transactions in block order: for each key an
 *  edge from the latest group of conflicting accesses (a DAG whose
 *  transitive closure holds every conflicting pair), levels, critical path
 *  with weight[i] as each transaction's cost. `include` (may be NULL)
 *  restricts the graph to the transactions marked true (others get level
 *  UINT32_MAX and no edges). Returns 0 or SEER_ENOMEM. */
int seer_sched_graph_build(seer_sched_graph *g, const seer_access_set *sets, size_t n, const uint64_t *weight,
                           const bool *include);
void seer_sched_graph_clear(seer_sched_graph *g);

/** Recomputes total, critical-path and level gas with other weights (the
 *  real gas after execution) on the same edges. Returns 0 or SEER_ENOMEM. */
int seer_sched_graph_reweight(seer_sched_graph *g, const uint64_t *weight);

/** Modeled makespan of a greedy list schedule of the DAG on `threads`
 *  threads (no barriers, tx cost = weight): total/makespan is the speedup
 *  the schedule allows. Returns 0 on allocation failure. */
uint64_t seer_sched_graph_list_makespan(const seer_sched_graph *g, const uint64_t *weight, unsigned threads);

/** A key and how many transactions touch it. */
typedef struct seer_hot_key {
    seer_key key;
    uint32_t txs;
    uint32_t writers; /* W or D accesses */
} seer_hot_key;

/** The `k` keys touched by most transactions (ties by key), pseudo keys
 *  excluded. *out malloc'd (free()), *nout <= k. Returns 0 or SEER_ENOMEM. */
int seer_sched_hot_keys(seer_hot_key **out, size_t *nout, const seer_access_set *sets, size_t n, size_t k);

/* ---- build mode ---- */

/** Chooses an order for a pool of transactions: first-fit coloring of the
 *  conflict graph into batches, each sender's transactions in nonce order
 *  (a later nonce in a later batch), the sum of gas limits within
 *  `block_gas_limit` (a transaction that does not fit is left out with the
 *  rest of its sender's chain). Transactions with an "unknown" set get a
 *  batch of their own.
 *  Out: order[0..*norder): pool indices, batch by batch (ascending index
 *       within a batch); batch[i]: the batch of pool tx i (UINT32_MAX when
 *       left out); *nbatches.
 *  Returns 0 or SEER_ENOMEM. */
int seer_sched_build_order(size_t *order, size_t *norder, uint32_t *batch, uint32_t *nbatches,
                           const seer_access_set *sets, const seer_tx *txs, size_t n,
                           uint64_t block_gas_limit);

/* ---- the parallel executor ---- */

typedef struct seer_par_options {
    unsigned threads;        /* 0: the number of online CPUs */
    seer_analyzer *analyzer; /* NULL: predict the transaction-implied keys only */
    /** Run plain serial execution when the predicted level schedule allows
     *  less than this speedup on `threads` threads (levels, gas limits as
     *  costs); 0 never. */
    double min_parallelism;
    /** Rounds of re-scheduling after a misprediction before the rest runs
     *  serially. */
    unsigned max_rounds;
    /** Deterministic fault injection for tests: drop every predicted key
     *  (the executor must still equal serial). */
    bool blind;
    /** Senders are not recovered yet: recover them and apply the static
     *  rules (seer_sched_admit_txs's result) in the prediction pass, each
     *  transaction predicted right after its admission. */
    bool admit;
    /** Leave the modeled makespans (statistics, not execution) to the
     *  caller: stats->graph and stats->weight keep what they need. */
    bool defer_model;
    /** Out (may be NULL): when the block's changes would reach the target
     *  in one apply after the transactions (no per-transaction roots,
     *  withdrawals or rewards), *adopt gets the executor's overlay of
     *  them instead (over t->reader, which must outlive it; the caller
     *  frees it) and the target is not touched; else *adopt is left. */
    struct seer_overlay **adopt;
    /** The pipeline (replay order, no `predicted`, no per-transaction
     *  roots): the calling thread executes the transactions in block order
     *  directly on the block's state (the lane: serial execution, no
     *  prediction, no validation) as soon as each is admitted, taking
     *  admission work itself when it catches up; the other threads admit
     *  (with `admit`) and then predict from the block's end downwards.
     *  Where they meet, the rest goes to the predicted schedule when its
     *  levels allow min_parallelism and it holds at least
     *  SEER_PIPE_MIN_SUFFIX transactions (min_parallelism 0: always),
     *  else the lane finishes it. */
    bool pipeline;
    /** Tests: the lane executes positions below lane_max at most (SIZE_MAX:
     *  no limit), so that a suffix is handed over at a chosen place. */
    size_t lane_max;
} seer_par_options;

#define SEER_PAR_OPTIONS_INIT                                                                                \
    {                                                                                                        \
        0, NULL, 1.15, 3, false, false, false, NULL, false, SIZE_MAX                                         \
    }

/** The shortest suffix the pipeline hands to the predicted schedule (with
 *  min_parallelism > 0): below it the barriers and the graph cost more
 *  than the lane's serial execution of the rest. */
#define SEER_PIPE_MIN_SUFFIX 16

typedef struct seer_par_stats {
    unsigned threads;
    size_t ntx;
    uint64_t gas;
    double predict_s;  /* analysis (wall) */
    double schedule_s; /* graph and levels (wall) */
    double exec_s;     /* execution, validation, merge (wall) */
    double commit_s;   /* applying to the target, receipts */
    double total_s;
    uint32_t levels;              /* of the first (predicted) schedule */
    uint64_t critical_gas;        /* of the predicted DAG */
    uint64_t level_gas;           /* of the predicted levels */
    uint64_t modeled_makespan[5]; /* list schedule at 4, 8, 16, 32, 64 threads */
    size_t mispredicted;          /* txs whose actual set was not inside the prediction */
    size_t reexecuted;            /* executions discarded */
    uint64_t reexecuted_gas;
    unsigned rounds;      /* schedules run (1: no misprediction hurt) */
    bool serial_fallback; /* ran (part) serially */
    uint32_t *tx_level;   /* per tx (block position): level of the first schedule; malloc'd */
    double admit_s;       /* with po->admit: the admission pass less the prediction done in it (that
                             is in predict_s: its time over the workers divided by their number) */
    /* with po->defer_model: the predicted schedule's graph and the real
     * gas per transaction, for seer_sched_graph_list_makespan (owned) */
    seer_sched_graph graph;
    uint64_t *weight;
    /* parts of exec_s: levels running on the threads, validation, merges
     * (both on the calling thread) */
    double exec_run_s, exec_validate_s, exec_merge_s;
    /* the pipeline (po->pipeline): admit_s is its wall time (admission
     * with the lane executing in it), predict_s the helpers' analysis time
     * over the threads, exec_s what runs after it */
    bool pipelined;
    size_t lane_txs;           /* executed by the in-order lane (in the pipeline and after it) */
    size_t sched_txs;          /* handed to the predicted schedule */
    size_t predicted_txs;      /* predicted by the helpers (all in the suffix) */
    double lane_s;             /* the lane executing (wall, part of admit_s and exec_s) */
    double suffix_parallelism; /* the suffix's predicted level speedup at the decision (0: none) */
    double pipe_cpu_max_s;     /* the busiest pipeline thread's CPU time */
} seer_par_stats;

void seer_par_stats_clear(seer_par_stats *s);

/** Executes a block in parallel with a result byte-identical to
 *  seer_exec_block (chain/exec.h) on the same target: receipts, gas, bloom,
 *  the target's final state. Senders must be recovered. The target is not
 *  touched until the transactions' result is final (then one apply of the
 *  merged change set, or one per transaction before Byzantium when the
 *  target gives state roots). `order` (may be NULL) executes
 *  b->txs[order[i]] as the i-th transaction of n (build mode).
 *  `predicted` (may be NULL) gives the scheduling sets per position instead
 *  of predicting. Out: *stats (may be NULL), the caller clears it.
 *  Returns: 0 with *out filled, or a store / allocation error. */
int seer_par_exec_block(seer_block_result *out, seer_par_stats *stats, const seer_exec_target *t,
                        const seer_exec_options *opts, const seer_block *b, const size_t *order, size_t n,
                        seer_fork fork, uint64_t chain_id, const seer_par_options *po,
                        const seer_access_set *predicted);

/** Predicts the scheduling sets of transactions (parallel over `threads`):
 *  implied keys plus the analyzer's prediction when `a` is not NULL.
 *  sets[i] for b->txs[order ? order[i] : i]. Returns 0 or an error. */
int seer_sched_predict(seer_access_set *sets, const seer_block *b, const size_t *order, size_t n,
                       const seer_block_env *env, const seer_state_reader *reader, seer_analyzer *a,
                       unsigned threads);

/** Recovers senders and applies the static rules, in parallel (the same
 *  rules and the same result as seer_block_admit_txs). */
int seer_sched_admit_txs(seer_block *b, seer_fork fork, uint64_t chain_id, unsigned threads, size_t *bad,
                         const char **exception);

/** Runs the block serially and records each transaction's actual set
 *  (actual[i] for tx i; what `seer graph` and the tests compare). */
int seer_sched_record_actual(seer_access_set *actual, seer_block_result *out, const seer_exec_target *t,
                             const seer_block *b, seer_fork fork, uint64_t chain_id);

/** A pre-state of the public API (include/seer/scheduler.h): a memstore
 *  loaded from files, or an LMDB snapshot; `reader` reads either. */
struct seer_memstore;
struct seer_lmdb_snapshot;
struct seer_prestate {
    struct seer_memstore *mem;
    struct seer_lmdb_snapshot *snap;
    seer_state_reader reader;
};

/** The number of online CPUs (at least 1). */
unsigned seer_sched_cpus(void);

#endif
