/* seer — public API: blocks and their serial replay.
 *
 * A block comes from JSON-RPC block JSON (eth_getBlockByNumber(N, true))
 * or from its RLP. seer_block_replay_file executes a mainnet fixture block
 * serially over its partial pre-state and checks what the header allows:
 * gasUsed, logsBloom, the receipts root (from Byzantium on; earlier
 * receipts hold intermediate state roots that a partial pre-state cannot
 * give) and every recovered sender against the transaction's `from`. */
#ifndef SEER_BLOCK_H
#define SEER_BLOCK_H

#include "seer/common.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A decoded block (header, transactions, uncles, withdrawals). */
typedef struct seer_block seer_block;

/** Reads a JSON-RPC block from a file.
 *  Returns: 0, SEER_EINVAL, SEER_EIO, SEER_EPARSE (the detail names the
 *           file and the field, e.g. "transactions[3].gas"), SEER_ETX,
 *           SEER_ENOMEM.
 *  Out:     *out: the block, freed with seer_block_free. */
SEER_API int seer_block_from_json_file(seer_block **out, const char *path);

/** Decodes a block from its RLP encoding.
 *  Returns: 0, SEER_EINVAL, SEER_ERLP (the detail names the field and the
 *           byte offset), SEER_ETX, SEER_ENOMEM.
 *  Out:     *out: the block, freed with seer_block_free.
 *  In:      rlp[0..len). */
SEER_API int seer_block_from_rlp(seer_block **out, const uint8_t *rlp, size_t len);

/** Frees a block (NULL is a no-op). */
SEER_API void seer_block_free(seer_block *block);

/** Returns the block's number. */
SEER_API uint64_t seer_block_number(const seer_block *block);

/** Returns the number of transactions. */
SEER_API size_t seer_block_tx_count(const seer_block *block);

/** Returns the block's hash (keccak256 of the header's RLP). */
SEER_API seer_bytes32 seer_block_hash(const seer_block *block);

/** Options of seer_block_replay_file. Initialise with
 *  SEER_REPLAY_OPTIONS_INIT. Paths left NULL are found next to the block:
 *  <dir>/pre_state.json, <dir>/../../bytecodes.json and
 *  <dir>/../../block_hashes.json (the fixtures' layout). */
typedef struct seer_replay_options {
    unsigned version;        /**< SEER_REPLAY_OPTIONS_VERSION */
    const char *pre_path;    /**< pre_state.json */
    const char *codes_path;  /**< bytecodes.json */
    const char *hashes_path; /**< block_hashes.json (optional: absent file = no BLOCKHASH table) */
    /** An LMDB state directory (seer_state_open; created if absent): the
     *  block runs over the store's state instead of pre_state.json, after
     *  importing pre_path/codes_path into it when pre_path is set; when
     *  every check passes, the block's changes are committed with its
     *  number and hash. NULL: an in-memory state from the fixture files. */
    const char *db_dir;
} seer_replay_options;

#define SEER_REPLAY_OPTIONS_VERSION 1
#define SEER_REPLAY_OPTIONS_INIT                                                                             \
    {                                                                                                        \
        SEER_REPLAY_OPTIONS_VERSION, NULL, NULL, NULL, NULL                                                  \
    }

/** One executed transaction, as seer_block_replay_file reports it. */
typedef struct seer_replay_tx {
    size_t index;
    seer_bytes32 hash;
    const char *exception; /**< NULL, or why the transaction was invalid */
    int status;            /**< 1 success, 0 failure (reverted or halted) */
    uint64_t gas_used;
    uint64_t cumulative_gas;
    size_t nlogs;
    bool sender_checked; /**< the block JSON gave `from` */
    bool sender_ok;      /**< the recovered sender equals `from` */
    bool oracle_checked; /**< an oracle record exists for this transaction */
    bool oracle_ok;      /**< its gasUsed and status equal the oracle's */
} seer_replay_tx;

/** Called once per transaction in block order; valid during the call. */
typedef void (*seer_replay_tx_cb)(void *ctx, const seer_replay_tx *tx);

/** What a replay found and checked. */
typedef struct seer_replay_report {
    uint64_t number;
    seer_fork fork;
    size_t ntxs;
    uint64_t gas_used;        /**< computed */
    uint64_t header_gas_used; /**< the header's */
    bool gas_used_ok;
    bool bloom_ok;
    bool receipts_root_checked; /**< false before Byzantium */
    bool receipts_root_ok;
    bool cumulative_ok; /**< cumulative gas rises by each tx's gas and ends at gasUsed */
    size_t senders_checked;
    size_t senders_ok;
    size_t invalid_txs;
    double exec_seconds;    /**< execution only (not loading) */
    char receipts_root[67]; /**< computed, "0x" + hex */
    char header_receipts_root[67];
    bool committed; /**< db_dir: the block's changes were committed */
    /** Per-transaction gasUsed and status against oracle/access/<N>.json
     *  (an independent EVM's replay, fixtures/README.md) when that file
     *  exists next to the fixtures: the per-receipt check available before
     *  Byzantium, where the receipts root cannot be checked. */
    size_t oracle_checked;
    size_t oracle_ok;
} seer_replay_report;

/** Loads a mainnet fixture block (a directory holding block.json, or the
 *  block.json file) with its pre-state, executes it serially and checks it
 *  against the header. No block reward, withdrawals, beacon-root system
 *  call or DAO transfer is applied: the fixtures' partial pre-states hold
 *  the transactions' reads only.
 *  Returns: 0 when the block ran (whatever the checks say: read *out), or
 *           SEER_EIO / SEER_EPARSE / SEER_ENOMEM / SEER_EINVAL when it
 *           could not.
 *  Out:     *out: the report.
 *  In:      opts: NULL for defaults; cb, cb_ctx: per transaction (cb may
 *           be NULL). */
SEER_API int seer_block_replay_file(const seer_replay_options *opts, seer_replay_report *out,
                                    const char *path, seer_replay_tx_cb cb, void *cb_ctx);

#ifdef __cplusplus
}
#endif
#endif
