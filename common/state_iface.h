/* The contract between the VM (vm/) and the state stores (state/): a
 * read-only view of a base state, the key type of access sets, and the
 * change set a transaction produces (internal).
 *
 * vm/ never includes state/: the VM's journaled world reads its base state
 * through seer_state_reader and hands its result back as a seer_changeset;
 * state/ (in-memory store, LMDB store, per-block overlay) implements the
 * reader and applies change sets. */
#ifndef SEER_COMMON_STATE_IFACE_H
#define SEER_COMMON_STATE_IFACE_H

#include "common/u256.h"
#include "seer/common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** keccak256 of the empty string: the code hash of an account without code. */
extern const seer_bytes32 SEER_EMPTY_CODE_HASH;
/** keccak256(rlp("")): the root of an empty trie. */
extern const seer_bytes32 SEER_EMPTY_TRIE_ROOT;

typedef struct seer_account {
    u256 balance;
    uint64_t nonce;
    seer_bytes32 code_hash; /* SEER_EMPTY_CODE_HASH when no code */
    bool exists;            /* false: the account is absent (all else zero) */
} seer_account;

/** A read-only view of a state. Every function returns 0 or a negative
 *  seer_error (an I/O failure of the store); "absent" is not an error:
 *  a missing account reads as exists=false, a missing slot as zero.
 *  Implementations must be safe to call from several threads at once when
 *  the store says so (the LMDB snapshot does). */
typedef struct seer_state_reader_vt {
    int (*get_account)(void *ctx, const seer_address *addr, seer_account *out);
    int (*get_storage)(void *ctx, const seer_address *addr, const u256 *key, u256 *out);
    /** True if the account has any non-zero storage slot (EIP-7610 create
     *  collision check). */
    int (*has_storage)(void *ctx, const seer_address *addr, bool *out);
    /** Borrowed code bytes for a code hash, valid as long as the reader.
     *  The empty code hash gives len 0. Unknown hash: SEER_ENOTFOUND. */
    int (*get_code)(void *ctx, const seer_bytes32 *code_hash, const uint8_t **code, size_t *len);
    /** Hash of block `number` (BLOCKHASH); unknown gives all-zero. */
    int (*get_block_hash)(void *ctx, uint64_t number, seer_bytes32 *out);
} seer_state_reader_vt;

typedef struct seer_state_reader {
    const seer_state_reader_vt *vt;
    void *ctx;
} seer_state_reader;

/* ---- access-set keys ---- */
typedef enum seer_key_field {
    SEER_KEY_BALANCE = 0,
    SEER_KEY_NONCE = 1,
    SEER_KEY_CODE = 2,
    SEER_KEY_STORAGE = 3, /* slot holds the storage key */
    SEER_KEY_EXISTS = 4,  /* account existence (emptiness) observed */
} seer_key_field;

/** One state key: (address, field[, slot]). A plain byte struct with no
 *  padding, so it can be a hash key; zero the slot for non-storage fields. */
typedef struct seer_key {
    uint8_t addr[20];
    uint8_t field; /* seer_key_field */
    uint8_t pad[3];
    uint8_t slot[32];
} seer_key;
_Static_assert(sizeof(seer_key) == 56, "seer_key must have no padding");

/* ---- change sets: the effect of one transaction (or block) ---- */
typedef struct seer_slot_change {
    u256 key;
    u256 value; /* zero means deleted */
} seer_slot_change;

typedef struct seer_account_change {
    seer_address addr;
    seer_account account; /* the new account; exists=false means deleted */
    /** The account's storage was cleared (self-destruct, or re-created
     *  over a destroyed account) before `slots` apply. */
    bool storage_cleared;
    /** New code (only when code_changed): bytes whose keccak is
     *  account.code_hash. */
    bool code_changed;
    const uint8_t *code;
    size_t code_len;
    seer_slot_change *slots;
    size_t nslots;
} seer_account_change;

/** Changes sorted by address, each account's slots sorted by key, so that
 *  applying them is deterministic. Owned by whoever produced it. */
typedef struct seer_changeset {
    seer_account_change *accounts;
    size_t naccounts;
} seer_changeset;

#endif
