/* Receipts (internal): the per-transaction record a block commits to in its
 * receipts root, the 2048-bit logs bloom, and their encodings.
 *
 * Encoding (EIP-2718): a legacy receipt is rlp([status or post-state root,
 * cumulative gas, bloom, logs]); a typed one is type || that RLP. The first
 * field is the intermediate state root before Byzantium and the status
 * (EIP-658) from Byzantium on. A log is rlp([address, [topics], data]). */
#ifndef SEER_CHAIN_RECEIPT_H
#define SEER_CHAIN_RECEIPT_H

#include "common/buf.h"
#include "seer/common.h"
#include "vm/world.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEER_BLOOM_SIZE 256

typedef struct seer_receipt {
    uint8_t type;            /* the transaction's type */
    bool has_status;         /* Byzantium on (EIP-658) */
    uint8_t status;          /* 1 success, 0 failure */
    seer_bytes32 post_state; /* before Byzantium: the state root after the tx */
    uint64_t cumulative_gas;
    uint64_t gas_used; /* this transaction's (not encoded) */
    uint8_t bloom[SEER_BLOOM_SIZE];
    seer_log *logs; /* owned; freed by seer_receipt_clear */
    size_t nlogs;
} seer_receipt;

/** Frees the logs a receipt owns and zeroes it. */
void seer_receipt_clear(seer_receipt *r);

/** Sets the 3 bloom bits of one item: the low 11 bits of each of the first
 *  three 2-byte pairs of keccak256(data) (Yellow Paper, M3:2048). */
void seer_bloom_add(uint8_t bloom[SEER_BLOOM_SIZE], const uint8_t *data, size_t len);

/** ORs into `bloom` the bits of every log's address and topics. */
void seer_bloom_add_logs(uint8_t bloom[SEER_BLOOM_SIZE], const seer_log *logs, size_t nlogs);

/** ORs `src` into `dst` (a block's bloom is the OR of its receipts'). */
void seer_bloom_or(uint8_t dst[SEER_BLOOM_SIZE], const uint8_t src[SEER_BLOOM_SIZE]);

/** Fills a receipt from a transaction's result, taking over its logs (the
 *  result's logs are NULL afterwards) and computing the bloom.
 *  `cumulative_gas` includes this transaction. Under Byzantium and later
 *  the status is set; before, the caller sets post_state. */
void seer_receipt_from_result(seer_receipt *r, seer_tx_result *res, uint8_t type, seer_fork fork,
                              uint64_t cumulative_gas);

/** Appends the receipt's consensus encoding (typed envelope for type > 0).
 *  Returns: 0, SEER_EINVAL, SEER_ENOMEM. */
int seer_receipt_encode(seer_buf *out, const seer_receipt *r);

/** The receipts root: index trie of rlp(i) -> encoding of receipt i.
 *  Returns: 0, SEER_EINVAL, SEER_ENOMEM. */
int seer_receipts_root(seer_bytes32 *out, const seer_receipt *rs, size_t n);

#endif
