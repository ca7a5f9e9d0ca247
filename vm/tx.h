/* Ethereum transactions: decoding (RLP, typed envelopes per EIP-2718),
 * signing hashes, sender recovery, intrinsic gas and the static validity
 * rules per fork (internal).
 *
 * Types: 0 legacy (EIP-155 or not), 1 EIP-2930, 2 EIP-1559, 3 EIP-4844. */
#ifndef SEER_VM_TX_H
#define SEER_VM_TX_H

#include "common/u256.h"
#include "seer/common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct seer_access_list_entry {
    seer_address addr;
    seer_bytes32 *keys;
    size_t nkeys;
} seer_access_list_entry;

typedef struct seer_tx {
    uint8_t type;         /* 0..3 */
    bool has_chain_id;    /* legacy: true when EIP-155 (v = 35/36 + 2*id) */
    uint64_t chain_id;
    uint64_t nonce;
    u256 gas_price;       /* legacy and type 1; for types 2/3 = max_fee */
    u256 max_priority_fee;/* types 2/3; for legacy/1 = gas_price */
    u256 max_fee;         /* types 2/3; for legacy/1 = gas_price */
    uint64_t gas_limit;
    bool has_to;          /* false: contract creation */
    seer_address to;
    u256 value;
    uint8_t *data;        /* malloc'd, may be NULL when data_len == 0 */
    size_t data_len;
    seer_access_list_entry *access_list;
    size_t access_list_len;
    u256 max_fee_per_blob_gas;   /* type 3 */
    seer_bytes32 *blob_hashes;   /* type 3 */
    size_t nblob_hashes;
    u256 v, r, s;         /* legacy v as in the encoding; typed: y_parity in v */
    bool has_sender;
    seer_address sender;
    seer_bytes32 hash;    /* keccak256 of the network encoding */
} seer_tx;

/** Frees everything a seer_tx owns (not the struct itself) and zeroes it. */
void seer_tx_clear(seer_tx *tx);

/** Decodes one transaction from its network encoding (a legacy RLP list, or
 *  type byte || RLP payload) spanning all of raw[0..len), and computes
 *  tx->hash. Does not recover the sender. Errors: SEER_ERLP (malformed or
 *  non-canonical, with offset), SEER_ETX (a field out of range, such as a
 *  gas limit above 2^64-1 or an unknown type), with detail. */
int seer_tx_decode(seer_tx *tx, const uint8_t *raw, size_t len);

/** Encodes the transaction (network form) into a malloc'd buffer. */
int seer_tx_encode(uint8_t **out, size_t *out_len, const seer_tx *tx);

/** The hash the sender signed (EIP-155 / EIP-2718 rules per type). */
int seer_tx_signing_hash(seer_bytes32 *out, const seer_tx *tx);

/** Recovers the sender from (v, r, s) with libsecp256k1 and sets
 *  tx->sender and has_sender. `fork` decides the rules: s <= n/2 from
 *  Homestead (EIP-2), EIP-155 chain id from Spurious Dragon. Errors:
 *  SEER_ESIG with detail (invalid v, r or s out of range, recovery
 *  failure). */
int seer_tx_recover_sender(seer_tx *tx, seer_fork fork);

/** Intrinsic gas under `fork`: 21000 (53000 for creation from Homestead),
 *  calldata 4/68 (16 from Istanbul, EIP-2028), access list (EIP-2930),
 *  initcode words (EIP-3860). Returns false if it overflows uint64. */
bool seer_tx_intrinsic_gas(uint64_t *out, const seer_tx *tx, seer_fork fork);

/** Static validity (no state needed): the type is allowed under the fork,
 *  intrinsic gas <= gas limit, max_priority_fee <= max_fee, initcode size
 *  (EIP-3860), blob count 1..6 and version bytes 0x01 (EIP-4844), blob tx
 *  not a creation. Returns 0 or SEER_ETX with *exception set to the
 *  ethereum/tests exception name (e.g. "TransactionException.
 *  INTRINSIC_GAS_TOO_LOW"), a static string. */
int seer_tx_check_static(const seer_tx *tx, seer_fork fork, const char **exception);

#endif
