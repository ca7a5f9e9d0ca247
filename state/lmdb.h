/* The LMDB state store (internal): accounts, storage and code by hash in
 * one LMDB environment, read through snapshots, written one block at a
 * time.
 *
 * Layout: one environment (a directory holding data.mdb and lock.mdb) with
 * four named databases. Keys and values (all integers big-endian, so LMDB's
 * byte order is numeric order):
 *
 *   "accounts"  key: address (20)
 *               val: nonce u64 (8) || balance (32) || code hash (32)  = 72
 *   "storage"   key: address (20) || slot (32)                        = 52
 *               val: value (32); a zero value is never stored
 *   "code"      key: keccak256(code) (32)
 *               val: the code bytes (never empty: empty code is not stored)
 *   "meta"      "magic"        -> "seer-state" (10 bytes, identifies a seer store)
 *               "schema"       -> u32 (SEER_LMDB_SCHEMA)
 *               "block_number" -> u64, the last committed block
 *               "block_hash"   -> 32 bytes, its hash
 *               "bh" || u64    -> 32 bytes, the hash of block n, kept for
 *                                 the last SEER_LMDB_BLOCK_HASHES blocks
 *                                 (BLOCKHASH reads them)
 *
 * Caveats:
 * - Snapshots and threads. The environment is opened with MDB_NOTLS, so a
 *   read transaction is not bound to the thread that began it, but LMDB
 *   still forbids two threads using one transaction at the same time, and
 *   it cannot pin one MVCC view across several read transactions. A
 *   snapshot therefore holds a small pool of read transactions (one per
 *   CPU, at most 8), all begun under the store's mutex, which every
 *   commit of this process takes, and checked to carry the same LMDB
 *   transaction id (a commit by another process in between shrinks the
 *   pool, never mixes states). A reading thread takes a free transaction
 *   from the pool (a mutex each). In front of them sits a sharded,
 *   thread-safe cache (accounts, slots, code, has-storage; a mutex per
 *   shard): hot keys never touch LMDB, and every thread sees the same
 *   pre-block state whatever is committed meanwhile. Absent keys are
 *   cached too.
 * - Borrowed code pointers from a snapshot's get_code are copies owned by
 *   the snapshot's cache: valid until seer_lmdb_snapshot_end.
 * - The cache belongs to the snapshot, not the store: a new snapshot starts
 *   cold. (A store-wide cache would need per-entry versions to keep old
 *   snapshots consistent.)
 * - Map growth. A commit that hits MDB_MAP_FULL aborts its transaction,
 *   doubles the map size (up to max_map_size) and retries. LMDB allows
 *   mdb_env_set_mapsize only while this process has no transaction open,
 *   so a commit that needs to grow the map while a snapshot is open fails
 *   with SEER_EMAPFULL (the detail says so); nothing is written then. Past
 *   max_map_size the commit fails with SEER_EMAPFULL and the store is
 *   unchanged.
 * - One writer: commits are serialised by a mutex; LMDB's own write lock
 *   also serialises writers of other processes. seer_lmdb_stat_get and
 *   seer_lmdb_state_root hold that mutex while they read (so no commit
 *   resizes the map under them): a commit or snapshot begin waits for a
 *   running root computation.
 * - Durability: each commit is one LMDB write transaction (synced unless
 *   no_sync is set): after a crash the store holds the state of before or
 *   after the block, never a mix.
 * - Writes that fail with ENOSPC, EFBIG or EIO give SEER_EIO with the errno
 *   text; the transaction is aborted and the store is unchanged. */
#ifndef SEER_STATE_LMDB_H
#define SEER_STATE_LMDB_H

#include "common/state_iface.h"
#include "seer/common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEER_LMDB_SCHEMA       1u
#define SEER_LMDB_MAGIC        "seer-state"
#define SEER_LMDB_ACCOUNT_LEN  72
#define SEER_LMDB_BLOCK_HASHES 256

typedef struct seer_lmdb seer_lmdb;
typedef struct seer_lmdb_snapshot seer_lmdb_snapshot;

typedef struct seer_lmdb_options {
    unsigned version;    /* 1 */
    bool read_only;      /* MDB_RDONLY: every commit gives SEER_EREADONLY */
    bool create;         /* create the directory and an empty store if absent */
    bool no_sync;        /* MDB_NOSYNC: tests and benchmarks only */
    size_t map_size;     /* initial map size in bytes (0: 256 MiB) */
    size_t max_map_size; /* growth limit (0: 1 TiB) */
} seer_lmdb_options;

#define SEER_LMDB_OPTIONS_INIT                                                                               \
    {                                                                                                        \
        1, false, true, false, 0, 0                                                                          \
    }

/** Opens (or, with create, creates) a store in directory `dir`.
 *  Returns: 0, SEER_EINVAL, SEER_ENOTFOUND (no store there and !create),
 *           SEER_EDBCORRUPT (not an LMDB file, an LMDB environment without
 *           seer's magic, or a non-empty directory without data.mdb),
 *           SEER_EDBVERSION (another schema or LMDB format version),
 *           SEER_EREADONLY (the path cannot be written and !read_only),
 *           SEER_EIO, SEER_ENOMEM. Nothing in `dir` is modified on failure
 *           (LMDB may create its lock file lock.mdb).
 *  Out:     *out: the store, closed with seer_lmdb_close.
 *  In:      opts: NULL for SEER_LMDB_OPTIONS_INIT. */
int seer_lmdb_open(seer_lmdb **out, const char *dir, const seer_lmdb_options *opts);

/** Closes the store (NULL is a no-op). Every snapshot must have ended. */
void seer_lmdb_close(seer_lmdb *store);

/** Writes a block's change set, the block number and hash in ONE write
 *  transaction: per account, exists=false deletes it and all its slots;
 *  otherwise storage_cleared deletes its slots first, then the account is
 *  written, new code stored (code_changed), and each slot written (zero
 *  deletes).
 *  Returns: 0, SEER_EINVAL (NULL argument, code_changed with NULL code and
 *           a non-zero length), SEER_EREADONLY, SEER_EMAPFULL, SEER_EIO,
 *           SEER_ENOMEM. On any failure nothing is written.
 *  In:      hash: may be NULL (the block hash meta is then left as is). */
int seer_lmdb_commit(seer_lmdb *store, const seer_changeset *cs, uint64_t number, const seer_bytes32 *hash);

/** As seer_lmdb_commit, without touching the block number and hash: loads
 *  a state (an import) rather than a block. */
int seer_lmdb_commit_state(seer_lmdb *store, const seer_changeset *cs);

/** Begins a snapshot: a consistent, read-only view of the last committed
 *  state, safe to read from many threads at once (see Caveats).
 *  Returns: 0, SEER_EINVAL, SEER_ENOMEM, SEER_EIO.
 *  Out:     *out: ended with seer_lmdb_snapshot_end. */
int seer_lmdb_snapshot_begin(seer_lmdb *store, seer_lmdb_snapshot **out);

/** Ends a snapshot (NULL is a no-op); its readers and code pointers become
 *  invalid. */
void seer_lmdb_snapshot_end(seer_lmdb_snapshot *snap);

/** Returns a reader over the snapshot (valid until snapshot_end). */
seer_state_reader seer_lmdb_snapshot_reader(seer_lmdb_snapshot *snap);

/** Cache statistics of a snapshot (for benchmarks). */
typedef struct seer_lmdb_cache_stat {
    uint64_t hits, misses;
    unsigned txns; /* read transactions in the snapshot's pool */
} seer_lmdb_cache_stat;
void seer_lmdb_snapshot_cache_stat(seer_lmdb_snapshot *snap, seer_lmdb_cache_stat *out);

/** A description of the store. */
typedef struct seer_lmdb_stat {
    uint64_t accounts, slots, codes;
    uint64_t bytes;    /* pages in use * page size */
    uint64_t map_size; /* current map size */
    uint64_t block_number;
    seer_bytes32 block_hash;
    bool has_block; /* false until the first commit with a block */
    uint32_t schema;
} seer_lmdb_stat;

/** Returns: 0, SEER_EINVAL, SEER_EIO. */
int seer_lmdb_stat_get(seer_lmdb *store, seer_lmdb_stat *out);

/** Computes the state root from the stored accounts and storage (a full
 *  recomputation in one read transaction).
 *  Returns: 0, SEER_EINVAL, SEER_ENOMEM, SEER_EIO, SEER_EDBCORRUPT (a
 *           malformed stored value). */
int seer_lmdb_state_root(seer_lmdb *store, seer_bytes32 *out);

/** Returns the current map size in bytes. */
size_t seer_lmdb_map_size(seer_lmdb *store);

/** The store behind a public seer_state handle (state/state_api.c), for
 *  the executor and the importer. Never NULL for a valid handle. */
struct seer_state;
seer_lmdb *seer_state_lmdb(struct seer_state *st);

/* ---- encodings (exposed for tests and tools) ---- */

/** Encodes an account into its 72-byte value. */
void seer_lmdb_encode_account(uint8_t out[SEER_LMDB_ACCOUNT_LEN], const seer_account *acct);

/** Decodes a 72-byte value (exists=true).
 *  Returns: 0, SEER_EDBCORRUPT (wrong length). */
int seer_lmdb_decode_account(seer_account *out, const uint8_t *val, size_t len);

/** Writes the storage key address || slot. */
void seer_lmdb_storage_key(uint8_t out[52], const seer_address *addr, const u256 *slot);

#endif
