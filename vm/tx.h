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
    uint8_t type;      /* 0..3 */
    bool has_chain_id; /* legacy: true when EIP-155 (v = 35/36 + 2*id) */
    uint64_t chain_id;
    uint64_t nonce;
    u256 gas_price;        /* legacy and type 1; for types 2/3 = max_fee */
    u256 max_priority_fee; /* types 2/3; for legacy/1 = gas_price */
    u256 max_fee;          /* types 2/3; for legacy/1 = gas_price */
    uint64_t gas_limit;
    bool has_to; /* false: contract creation */
    seer_address to;
    u256 value;
    uint8_t *data; /* malloc'd, may be NULL when data_len == 0 */
    size_t data_len;
    seer_access_list_entry *access_list;
    size_t access_list_len;
    u256 max_fee_per_blob_gas; /* type 3 */
    seer_bytes32 *blob_hashes; /* type 3 */
    size_t nblob_hashes;
    u256 v, r, s; /* legacy v as in the encoding; typed: y_parity in v */
    bool has_sender;
    seer_address sender;
    seer_bytes32 hash; /* keccak256 of the network encoding */
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
/* Thread-safe: every thread shares one secp256k1 context, created on first
 * use (pthread_once) and kept for the life of the process. */

/** Intrinsic gas under `fork`: 21000 (53000 for creation from Homestead),
 *  calldata 4/68 (16 from Istanbul, EIP-2028), access list (EIP-2930),
 *  initcode words (EIP-3860). Returns false if it overflows uint64. */
bool seer_tx_intrinsic_gas(uint64_t *out, const seer_tx *tx, seer_fork fork);

/** Static validity (no state needed): the type is allowed under the fork,
 *  nonce below 2^64-1 (EIP-2681), max_priority_fee <= max_fee, gas limit *
 *  max fee within 256 bits, blob tx not a creation, blob count 1..6 and
 *  version bytes 0x01 (EIP-4844), initcode size (EIP-3860), intrinsic gas
 *  <= gas limit, checked in that order. Returns 0 or SEER_ETX with *exception set to the
 *  ethereum/tests exception name (e.g. "TransactionException.
 *  INTRINSIC_GAS_TOO_LOW"), a static string. */
int seer_tx_check_static(const seer_tx *tx, seer_fork fork, const char **exception);

/* ---- additions (h7): exception names, finer-grained entry points ---- */

/* ethereum/tests exception names ("TransactionException.X"), static
 * strings. The *_ex functions below report the one that applies; the
 * state-dependent ones are for the executor, which checks them against the
 * pre-state, so that its names match the fixtures' `expectException`. */
#define SEER_TXEX(x) "TransactionException." x
extern const char *const seer_txex_insufficient_account_funds; /* balance < gas*maxFee + value (+ blob fee) */
extern const char *const seer_txex_sender_not_eoa;             /* EIP-3607: sender has code */
extern const char *const seer_txex_insufficient_max_fee_per_gas;      /* max_fee < base fee (EIP-1559) */
extern const char *const seer_txex_insufficient_max_fee_per_blob_gas; /* EIP-4844 */
extern const char *const seer_txex_gas_allowance_exceeded;            /* gas_limit > block gas left */
extern const char *const seer_txex_nonce_mismatch_too_low;
extern const char *const seer_txex_nonce_mismatch_too_high;
extern const char *const seer_txex_nonce_is_max; /* EIP-2681: account nonce 2^64-1 */
extern const char *const seer_txex_invalid_chainid;
/* EIP-4844 block blob gas; the same name as seer_txex_type_3_blob_count_exceeded */
extern const char *const seer_txex_blob_gas_allowance_exceeded;
/* The static ones seer_tx_check_static reports. */
extern const char *const seer_txex_type_not_supported;
extern const char *const seer_txex_intrinsic_gas_too_low;
extern const char *const seer_txex_initcode_size_exceeded;
extern const char *const seer_txex_priority_greater_than_max_fee;
extern const char *const seer_txex_gaslimit_price_product_overflow;
extern const char *const seer_txex_nonce_too_big;
extern const char *const seer_txex_type_3_contract_creation;
extern const char *const seer_txex_type_3_zero_blobs;
extern const char *const seer_txex_type_3_blob_count_exceeded;
extern const char *const seer_txex_type_3_invalid_blob_versioned_hash;

/** As seer_tx_decode; also sets *exception (when not NULL) to the
 *  ethereum/tests exception name of a failure (NULL on success). On failure
 *  *tx is left cleared (nothing to free). */
int seer_tx_decode_ex(seer_tx *tx, const uint8_t *raw, size_t len, const char **exception);

/** As seer_tx_recover_sender; also sets *exception (when not NULL):
 *  INVALID_SIGNATURE_VRS (v, r or s out of range), INVALID_CHAINID (an
 *  EIP-155 chain id that does not fit 64 bits) or EC_RECOVERY_FAIL (no key
 *  recovers from the signature). */
int seer_tx_recover_sender_ex(seer_tx *tx, seer_fork fork, const char **exception);

/** True when transaction type `type` exists under `fork` (EIP-2718/2930
 *  from Berlin, EIP-1559 from London, EIP-4844 from Cancun). */
bool seer_tx_type_allowed(uint8_t type, seer_fork fork);

/** Checks the signed chain id against the chain's: typed transactions and
 *  EIP-155 legacy ones must match; pre-EIP-155 legacy ones carry none and
 *  pass. Returns 0 or SEER_ETX with *exception = INVALID_CHAINID. */
int seer_tx_check_chain_id(const seer_tx *tx, uint64_t chain_id, const char **exception);

/** The whole admission of a network-encoded transaction under `fork` on
 *  chain `chain_id`, in the order clients apply it: strict decoding (a
 *  malformed encoding is refused as such), the type exists under the fork
 *  (a field too wide for its type in a not-yet-valid type reads as
 *  TYPE_NOT_SUPPORTED), the chain id, sender recovery, then
 *  seer_tx_check_static.
 *  Returns 0 with tx decoded and its sender set, or the first error with
 *  *exception its ethereum/tests name and *tx cleared. The state-dependent
 *  rules (nonce, balance, base fee, block gas) remain the executor's. */
int seer_tx_admit(seer_tx *tx, const uint8_t *raw, size_t len, seer_fork fork, uint64_t chain_id,
                  const char **exception);

/** True when the exception name `got` is one of `expected`, a fixture's
 *  "A" or "A|B|..." list; the two suites' names for one rule (NONCE_TOO_BIG
 *  and NONCE_IS_MAX, PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS and its "_2"
 *  variant) count as the same. */
bool seer_tx_exception_matches(const char *got, const char *expected);

/** EIP-4844 limits (Cancun): at most 6 blobs per transaction (the block's
 *  limit, 786432 blob gas / 131072 per blob); version byte 0x01. */
#define SEER_TX_MAX_BLOBS_CANCUN      6
#define SEER_TX_BLOB_HASH_VERSION_KZG 0x01
/** EIP-3860: initcode at most 2 * 24576 bytes. */
#define SEER_TX_MAX_INITCODE_SIZE 49152

#endif
