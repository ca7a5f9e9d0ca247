/* An in-memory state (internal): accounts by address, storage per account,
 * code by code hash, and a table of block hashes.
 *
 * Used for the conformance runners (a test's pre-state, then one change set
 * per transaction), for the mainnet replays from pre_state.json, and as the
 * reference store the parallel executor is compared against.
 *
 * Caveats:
 * - Not thread-safe for writers. Reads through the seer_state_reader (and
 *   the other const getters) may run from several threads at once while no
 *   thread modifies the store.
 * - Code bytes, once stored, live until seer_memstore_free even when no
 *   account uses them any more, so a borrowed code pointer from get_code
 *   stays valid across seer_memstore_apply.
 * - An account exists or not; existing accounts, empty ones included, are
 *   all in the state trie. Removing empty accounts (EIP-161) is the
 *   producer of the change set's business, not the store's.
 * - A zero storage value is never stored: writing zero deletes the slot. */
#ifndef SEER_STATE_MEMSTORE_H
#define SEER_STATE_MEMSTORE_H

#include "common/state_iface.h"
#include "common/u256.h"
#include "seer/common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct seer_memstore seer_memstore;

/** Creates an empty store.
 *  Returns: 0, SEER_EINVAL (out NULL), SEER_ENOMEM.
 *  Out:     *out: the store, freed with seer_memstore_free. */
int seer_memstore_new(seer_memstore **out);

/** Copies a store (accounts, storage, code, block hashes), e.g. to run
 *  one pre-state several times.
 *  Returns: 0, SEER_EINVAL (NULL argument), SEER_ENOMEM (nothing is
 *           returned then).
 *  Out:     *out: the copy, freed with seer_memstore_free. */
int seer_memstore_clone(seer_memstore **out, const seer_memstore *src);

/** Frees the store and everything it holds (NULL is a no-op). Readers and
 *  borrowed code pointers taken from it become invalid. */
void seer_memstore_free(seer_memstore *store);

/** Returns a reader over the store (get_account, get_storage, has_storage,
 *  get_code, get_block_hash), valid until seer_memstore_free. Its reads
 *  see later modifications of the store. */
seer_state_reader seer_memstore_reader(seer_memstore *store);

/* ---- loading a pre-state ---- */

/** Creates or overwrites an account's balance, nonce and code hash; its
 *  storage is kept. acct->exists == false deletes the account and its
 *  storage. The code hash is not checked against the stored code: pair it
 *  with seer_memstore_put_code, or use seer_memstore_set_code. An all-zero
 *  code hash (a zero-initialised struct) is read as SEER_EMPTY_CODE_HASH.
 *  Returns: 0, SEER_EINVAL (NULL argument), SEER_ENOMEM. */
int seer_memstore_set_account(seer_memstore *store, const seer_address *addr, const seer_account *acct);

/** Sets an existing account's code: stores the bytes under their keccak256
 *  and sets the account's code hash (empty code gives
 *  SEER_EMPTY_CODE_HASH).
 *  Returns: 0, SEER_EINVAL (NULL argument), SEER_ENOTFOUND (no such
 *           account), SEER_ENOMEM. */
int seer_memstore_set_code(seer_memstore *store, const seer_address *addr, const uint8_t *code, size_t len);

/** Stores code bytes by hash only, for accounts loaded with a code hash
 *  (mainnet pre_state.json + bytecodes.json).
 *  Returns: 0, SEER_EINVAL (NULL argument), SEER_ENOMEM.
 *  Out:     hash_out (may be NULL): keccak256 of the code. */
int seer_memstore_put_code(seer_memstore *store, seer_bytes32 *hash_out, const uint8_t *code, size_t len);

/** Sets one storage slot of an existing account; zero deletes the slot.
 *  Returns: 0, SEER_EINVAL (NULL argument), SEER_ENOTFOUND (no such
 *           account), SEER_ENOMEM. */
int seer_memstore_set_storage(seer_memstore *store, const seer_address *addr, const u256 *key,
                              const u256 *value);

/** Sets the hash the reader's get_block_hash returns for block `number`.
 *  Returns: 0, SEER_EINVAL (NULL argument), SEER_ENOMEM. */
int seer_memstore_set_block_hash(seer_memstore *store, uint64_t number, const seer_bytes32 *hash);

/* ---- applying transactions ---- */

/** Applies a change set in order: per account, exists=false deletes it with
 *  its storage; otherwise storage_cleared wipes its slots first, then
 *  balance, nonce and code hash are set, new code is stored when
 *  code_changed, and each slot is written (zero deletes).
 *  Returns: 0, SEER_EINVAL (NULL argument, or code_changed with a NULL
 *           code pointer and a non-zero length), SEER_ENOMEM (the store then
 *           holds the changes applied before the failure; discard it). */
int seer_memstore_apply(seer_memstore *store, const seer_changeset *cs);

/* ---- roots and inspection ---- */

/** Computes the Ethereum state root: the secure trie of keccak(address) ->
 *  rlp([nonce, balance, storage_root, code_hash]) over existing accounts,
 *  with storage_root the secure trie of keccak(slot as 32 bytes) ->
 *  rlp(value as minimal big-endian bytes). Storage roots are cached per
 *  account until its storage changes.
 *  Returns: 0, SEER_EINVAL (NULL argument), SEER_ENOMEM.
 *  Out:     out: the root (SEER_EMPTY_TRIE_ROOT for an empty store). */
int seer_memstore_state_root(seer_memstore *store, seer_bytes32 *out);

/** Computes one account's storage root (SEER_EMPTY_TRIE_ROOT when it has
 *  no slots or does not exist).
 *  Returns: 0, SEER_EINVAL (NULL argument), SEER_ENOMEM. */
int seer_memstore_storage_root(seer_memstore *store, seer_bytes32 *out, const seer_address *addr);

/** Returns the number of existing accounts. */
size_t seer_memstore_account_count(const seer_memstore *store);

/** Reads an account (exists=false and zeros when absent). Returns 0 or
 *  SEER_EINVAL. */
int seer_memstore_get_account(const seer_memstore *store, seer_account *out, const seer_address *addr);

/** Reads a slot (zero when absent). Returns 0 or SEER_EINVAL. */
int seer_memstore_get_storage(const seer_memstore *store, u256 *out, const seer_address *addr,
                              const u256 *key);

/** One account as seer_memstore_foreach presents it: borrowed views valid
 *  only during the callback. */
typedef struct seer_memstore_entry {
    const seer_address *addr;
    const seer_account *account;
    const seer_slot_change *slots; /* sorted by key, all values non-zero */
    size_t nslots;
    const uint8_t *code; /* NULL with code_len 0 when the code is unknown or empty */
    size_t code_len;
} seer_memstore_entry;

/** Visits every existing account in ascending address order (a
 *  deterministic order for printing post-states). A non-zero return from
 *  `fn` stops the walk and is returned.
 *  Returns: 0, fn's non-zero value, SEER_EINVAL, SEER_ENOMEM. */
int seer_memstore_foreach(seer_memstore *store, int (*fn)(void *arg, const seer_memstore_entry *e),
                          void *arg);

/** Prints the state as JSON in the fixtures' `pre`/`postState` shape
 *  ({address: {balance, code, nonce, storage: {slot: value}}}), sorted by
 *  address and slot.
 *  Returns: 0, SEER_EINVAL, SEER_ENOMEM, SEER_EIO (a write failed). */
int seer_memstore_dump(seer_memstore *store, FILE *f);

#endif
