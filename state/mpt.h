/* Merkle-Patricia trie roots (internal).
 *
 * The roots Ethereum commits to (state, storage, transactions, receipts,
 * withdrawals) are the keccak256 of the root node of a hexary Patricia trie
 * (Yellow Paper, appendix D). seer never looks nodes up by hash, so it keeps
 * no node store: a root is built in one pass over the pairs sorted by key,
 * encoding each node bottom-up and replacing a child of 32 bytes or more by
 * its hash (smaller children are inlined).
 *
 * A key's nibble path is its bytes, high nibble first; nibble order equals
 * byte-wise lexicographic order with a prefix sorting before its
 * extensions, which is the order seer_mpt_sort produces. */
#ifndef SEER_STATE_MPT_H
#define SEER_STATE_MPT_H

#include "seer/common.h"

#include <stddef.h>
#include <stdint.h>

/** One (key, value) pair, borrowed. A value of length 0 means "absent":
 *  the pair is skipped, as a trie deletes a key set to the empty string. */
typedef struct seer_mpt_kv {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *val;
    size_t val_len;
} seer_mpt_kv;

/** The deepest node nesting a root may need. Keys of 32 bytes need at most
 *  130 levels; deeper tries (long keys that are prefixes of one another)
 *  are refused rather than risk the C stack. */
#define SEER_MPT_MAX_DEPTH 1024

/** Computes the root hash of the trie holding the given pairs.
 *
 *  Returns: 0, SEER_EINVAL (out NULL, kvs NULL with n > 0, a NULL key or
 *           value with a non-zero length, or two pairs with non-empty
 *           values sharing a key), SEER_ENOMEM, or SEER_ELIMIT (trie deeper
 *           than SEER_MPT_MAX_DEPTH).
 *  Out:     out: the root; keccak256(rlp("")) (SEER_EMPTY_TRIE_ROOT) when
 *           no pair has a non-empty value.
 *  In:      kvs[0..n): pairs in any order; not modified. */
int seer_mpt_root(seer_bytes32 *out, const seer_mpt_kv *kvs, size_t n);

/** As seer_mpt_root for a "secure" trie, whose path for each pair is
 *  keccak256(key) (the state trie: keccak(address); a storage trie:
 *  keccak(slot as 32 big-endian bytes)).
 *
 *  Returns: as seer_mpt_root (two distinct keys cannot collide). */
int seer_mpt_secure_root(seer_bytes32 *out, const seer_mpt_kv *kvs, size_t n);

/** Computes the root of an "index" trie whose key for item i is rlp(i), as
 *  the transactions, receipts and withdrawals roots of a block header are.
 *
 *  Returns: 0, SEER_EINVAL (out NULL, vals or lens NULL with n > 0, an
 *           empty item), SEER_ENOMEM.
 *  Out:     out: the root (the empty trie root for n == 0).
 *  In:      vals[i], lens[i]: item i's bytes (e.g. a typed transaction's
 *           envelope, a receipt's encoding); every item must be non-empty. */
int seer_mpt_index_root(seer_bytes32 *out, const uint8_t *const *vals, const size_t *lens, size_t n);

/** Sorts pairs into trie (nibble-path) order: byte-wise by key, a key that
 *  is a prefix of another first. Not stable: equal keys end up adjacent in
 *  any order.
 *
 *  In/Out:  kvs[0..n). */
void seer_mpt_sort(seer_mpt_kv *kvs, size_t n);

/** Compares two keys in trie order (<0, 0, >0), as seer_mpt_sort does. */
int seer_mpt_key_cmp(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);

#endif
