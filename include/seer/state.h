/* seer — public API: the state store.
 *
 * A seer_state is an LMDB environment in a directory holding the accounts,
 * storage and code of one Ethereum state, plus the number and hash of the
 * last block committed to it. Blocks are committed in one write
 * transaction each, so after a crash the store holds the state of before or
 * after a block, never a mix.
 *
 * Caveats:
 * - One process may write a store at a time (LMDB's writer lock); several
 *   may read it.
 * - A seer_state handle may be used from several threads, but
 *   seer_state_close must run alone, after every other call returned.
 * - The map (the file's maximum size) grows by doubling up to
 *   max_map_size; past it, writes fail with SEER_EMAPFULL and the store
 *   keeps its previous contents.
 * - A directory that holds something else (another program's LMDB
 *   environment, a damaged data.mdb, other files) is refused with
 *   SEER_EDBCORRUPT, a store of another schema version with
 *   SEER_EDBVERSION; nothing there is modified (LMDB may create its lock
 *   file, lock.mdb).
 * - read_only still opens LMDB's lock file (lock.mdb) for writing, as LMDB
 *   requires for readers; only on a read-only file system does LMDB do
 *   without it. */
#ifndef SEER_STATE_H
#define SEER_STATE_H

#include "seer/common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An open state store. */
typedef struct seer_state seer_state;

/** Options of seer_state_open. */
typedef struct seer_state_options {
    unsigned version;    /**< SEER_STATE_OPTIONS_VERSION */
    bool read_only;      /**< open for reading only: writes give SEER_EREADONLY */
    bool create;         /**< create the directory and an empty store if absent */
    size_t map_size;     /**< initial map size in bytes (0: 256 MiB) */
    size_t max_map_size; /**< the map never grows past this (0: 1 TiB) */
} seer_state_options;

#define SEER_STATE_OPTIONS_VERSION 1
/** Defaults: read-write, create if absent, default map sizes. */
#define SEER_STATE_OPTIONS_INIT                                                                              \
    {                                                                                                        \
        SEER_STATE_OPTIONS_VERSION, false, true, 0, 0                                                        \
    }

/** Opens (or creates) the store in a directory.
 *  Returns: 0, SEER_EINVAL (NULL out or dir, unknown options version),
 *           SEER_ENOTFOUND (no store there and create is off),
 *           SEER_EDBCORRUPT (the directory holds something else),
 *           SEER_EDBVERSION (another schema version), SEER_EREADONLY (the
 *           directory cannot be written and read_only is off), SEER_EIO,
 *           SEER_ENOMEM.
 *  Out:     *out: the store, closed with seer_state_close.
 *  In:      dir: the directory; opts: NULL for SEER_STATE_OPTIONS_INIT. */
SEER_API int seer_state_open(seer_state **out, const char *dir, const seer_state_options *opts);

/** Closes the store (NULL is a no-op). */
SEER_API void seer_state_close(seer_state *st);

/** Returns the default store directory: $SEER_DB when set and non-empty,
 *  else "./seer-data". Never NULL; the string is static or the
 *  environment's. */
SEER_API const char *seer_state_default_dir(void);

/** What seer_state_import_json loaded. */
typedef struct seer_state_import_stats {
    uint64_t accounts; /**< accounts written */
    uint64_t slots;    /**< non-zero storage slots written */
    uint64_t codes;    /**< distinct code blobs written */
    double seconds;    /**< wall time of parse + commit */
} seer_state_import_stats;

/** Loads a mainnet-format pre-state (pre_state.json: {address: {balance,
 *  nonce, code_hash?, storage}}; bytecodes.json: {code_hash: code}) and
 *  writes it to the store in one transaction, on top of what it holds
 *  (accounts in the file replace the stored ones). The block number and
 *  hash of the store are left unchanged.
 *  Returns: 0, SEER_EINVAL, SEER_EIO (a file cannot be read, or the write
 *           failed), SEER_EPARSE (naming the file and field),
 *           SEER_EREADONLY, SEER_EMAPFULL, SEER_ENOMEM. On failure
 *           nothing is written.
 *  Out:     stats (may be NULL): counts and time.
 *  In:      pre_path: pre_state.json; codes_path: bytecodes.json (may be
 *           NULL when no account has code). */
SEER_API int seer_state_import_json(seer_state *st, seer_state_import_stats *stats, const char *pre_path,
                                    const char *codes_path);

/** A description of a store. */
typedef struct seer_state_stat {
    uint64_t accounts;       /**< accounts stored */
    uint64_t slots;          /**< non-zero storage slots stored */
    uint64_t codes;          /**< code blobs stored */
    uint64_t bytes;          /**< bytes in use in the data file */
    uint64_t map_size;       /**< current map size in bytes */
    uint32_t schema;         /**< schema version */
    bool has_block;          /**< false until a block has been committed */
    uint64_t block_number;   /**< last committed block (when has_block) */
    seer_bytes32 block_hash; /**< its hash (zero when unknown) */
} seer_state_stat;

/** Describes the store.
 *  Returns: 0, SEER_EINVAL, SEER_EIO.
 *  Out:     out: the description. */
SEER_API int seer_state_stat_get(seer_state *st, seer_state_stat *out);

/** Computes the state root of the store (a full recomputation: it reads
 *  every account and slot).
 *  Returns: 0, SEER_EINVAL, SEER_ENOMEM, SEER_EIO, SEER_EDBCORRUPT.
 *  Out:     out: the root (keccak256(rlp("")) for an empty store). */
SEER_API int seer_state_root(seer_state *st, seer_bytes32 *out);

#ifdef __cplusplus
}
#endif
#endif
