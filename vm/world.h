/* The world: one transaction's journaled view of the state, the host the
 * interpreter runs against, and the transaction-level rules (validation,
 * gas purchase, refunds, fees, EIP-161 clean-up) (internal).
 *
 * A world reads its base state through a seer_state_reader and never
 * writes to it: a transaction's effect comes out as a seer_changeset that
 * the caller applies to its store (or discards). A world runs one
 * transaction at a time; seer_world_reset() prepares it for the next one
 * against whatever the reader shows then. One world per thread.
 *
 * The world also records the transaction's actual access set (every base
 * key it observed and every key it changed): the ground truth the analyzer
 * and the scheduler are measured against. */
#ifndef SEER_VM_WORLD_H
#define SEER_VM_WORLD_H

#include "common/state_iface.h"
#include "common/u256.h"
#include "vm/host.h"
#include "vm/tx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The block-level inputs of execution. */
typedef struct seer_block_env {
    seer_fork fork;
    uint64_t chain_id;
    seer_address coinbase;
    uint64_t number;
    uint64_t timestamp;
    uint64_t gas_limit;
    u256 prev_randao;     /* the difficulty before Paris */
    u256 base_fee;        /* London on */
    u256 excess_blob_gas; /* Cancun on; blob_base_fee is derived from it */
} seer_block_env;

typedef struct seer_log {
    seer_address addr;
    seer_bytes32 *topics;
    size_t ntopics;
    uint8_t *data;
    size_t data_len;
} seer_log;

/** The outcome of one transaction. */
typedef struct seer_tx_result {
    /** NULL when the transaction was valid and executed; otherwise the
     *  ethereum/tests exception name why it is invalid (a static string).
     *  An invalid transaction changes nothing. */
    const char *exception;
    seer_status status; /* of the top frame (SUCCESS / REVERT / a halt) */
    uint64_t gas_used;  /* after refunds: what the block counts */
    uint64_t blob_gas_used;
    u256 effective_gas_price;
    seer_log *logs; /* owned by the result; seer_tx_result_clear frees */
    size_t nlogs;
    bool created;
    seer_address create_address;
    uint8_t *output; /* the top frame's return or revert data */
    size_t output_len;
} seer_tx_result;

/** Frees what a result owns and zeroes it. */
void seer_tx_result_clear(seer_tx_result *r);

typedef struct seer_world seer_world;

/** Creates a world over `reader` for the block `env`. The reader must
 *  outlive the world. Returns 0, SEER_EINVAL or SEER_ENOMEM. */
int seer_world_create(seer_world **out, const seer_state_reader *reader, const seer_block_env *env);
void seer_world_free(seer_world *w);

/** Drops the overlay (the previous transaction's changes and access record)
 *  so the next transaction starts from what the reader shows. Keeps memory
 *  for reuse. */
void seer_world_reset(seer_world *w);

/** Replaces the reader (e.g. a newer block overlay) and resets. */
void seer_world_set_reader(seer_world *w, const seer_state_reader *reader);

/** Shares a code-analysis cache (vm/analysis.h) between worlds, e.g. the
 *  worker threads of one executor; NULL returns to the world's own cache.
 *  The cache must outlive the world's use of it. */
struct seer_code_cache;
void seer_world_set_code_cache(seer_world *w, struct seer_code_cache *cache);

/** Sets the tracer passed to the interpreter (NULL: none). `tracer` points
 *  at a seer_tracer (vm/interp.h) that must outlive its use. */
void seer_world_set_tracer(seer_world *w, const void *tracer);

/** Executes `tx` (sender already recovered) as the next transaction of the
 *  block, `block_gas_used` gas having been used by the block before it.
 *  Returns 0 with *out filled (for a valid or an invalid transaction), or a
 *  negative seer_error when the state store failed (nothing is usable
 *  then). The overlay then holds the transaction's effects: read them with
 *  seer_world_changeset(). */
int seer_world_execute_tx(seer_world *w, seer_tx_result *out, const seer_tx *tx, uint64_t block_gas_used);

/** The effects of the last executed transaction, sorted (addresses
 *  ascending, slots ascending). The change set is owned by the world and
 *  valid until the next reset/execute/free. */
int seer_world_changeset(seer_world *w, const seer_changeset **out);

/** A system call (EIP-4788's beacon-root update): a message from `caller`
 *  to `to` with `gas`, outside any transaction: no nonce, no fee, no gas
 *  purchase, no intrinsic gas. Nothing happens when `to` has no code.
 *  Returns 0 with out->status / gas_used filled, or a store error; the
 *  effects are then in seer_world_changeset(). */
int seer_world_system_call(seer_world *w, seer_tx_result *out, const seer_address *caller,
                           const seer_address *to, const uint8_t *input, size_t len, uint64_t gas);

/** Adds `amount` to an account's balance in the overlay outside of any
 *  transaction (block rewards, withdrawals). Counts as a write. */
int seer_world_credit(seer_world *w, const seer_address *addr, const u256 *amount);

/** The actual access set of the last transaction: the base-state keys it
 *  observed (reads) and the keys whose value it changed (writes), each
 *  sorted ascending by (address, field, slot). Owned by the world, valid
 *  until the next reset/execute/free. `coinbase_fee` is excluded from the
 *  writes when the transaction never read the coinbase balance (DESIGN.md:
 *  fee credits are deltas). */
int seer_world_access_set(seer_world *w, const seer_key **reads, size_t *nreads, const seer_key **writes,
                          size_t *nwrites);

/** The blob base fee for an excess blob gas (EIP-4844's fake_exponential
 *  with MIN_BLOB_BASE_FEE 1 and the update fraction 3338477). */
void seer_blob_base_fee(u256 *out, const u256 *excess_blob_gas);

/** keccak256(rlp(logs)) as GeneralStateTests' "logs" field wants. */
int seer_logs_hash(seer_bytes32 *out, const seer_log *logs, size_t nlogs);

/** The address CREATE gives: the last 20 bytes of
 *  keccak256(rlp([sender, nonce])). Out: *out. */
void seer_create_address(seer_address *out, const seer_address *sender, uint64_t nonce);

/** The address CREATE2 gives (EIP-1014): the last 20 bytes of
 *  keccak256(0xff ++ sender ++ salt ++ keccak256(init code)). Out: *out. */
void seer_create2_address(seer_address *out, const seer_address *sender, const u256 *salt,
                          const uint8_t *code, size_t len);

#endif
