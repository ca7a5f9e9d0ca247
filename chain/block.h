/* Blocks (internal): headers and bodies decoded from RLP (BlockchainTests,
 * the network form) or from JSON-RPC block JSON (eth_getBlockByNumber with
 * full transactions, the mainnet fixtures), the per-fork validation of a
 * header against its parent, and the mainnet fork schedule.
 *
 * Errors are SEER_ERLP / SEER_EPARSE / SEER_EBLOCK with a detail naming the
 * field and the byte offset (RLP) or the JSON path; where the rule has an
 * ethereum/tests name ("BlockException.X") it is reported as `exception`. */
#ifndef SEER_CHAIN_BLOCK_H
#define SEER_CHAIN_BLOCK_H

#include "common/buf.h"
#include "common/rlp.h"
#include "common/u256.h"
#include "seer/block.h"
#include "seer/common.h"
#include "vm/tx.h"
#include "vm/world.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

#define SEER_BLOOM_BYTES 256
/** Longest extraData a header may carry (Yellow Paper, 32 bytes). */
#define SEER_MAX_EXTRA_DATA 32

#define SEER_BLKEX(x) "BlockException." x

/** A block header. Optional fields follow the fork that added them:
 *  base fee (London, EIP-1559), withdrawals root (Shanghai, EIP-4895),
 *  blob gas used / excess blob gas (Cancun, EIP-4844), parent beacon block
 *  root (Cancun, EIP-4788). */
typedef struct seer_header {
    seer_bytes32 parent_hash;
    seer_bytes32 ommers_hash;
    seer_address coinbase;
    seer_bytes32 state_root;
    seer_bytes32 tx_root;
    seer_bytes32 receipts_root;
    uint8_t bloom[SEER_BLOOM_BYTES];
    u256 difficulty;
    uint64_t number;
    uint64_t gas_limit;
    uint64_t gas_used;
    uint64_t timestamp;
    size_t extra_len;                   /* may exceed 32 (an invalid header) */
    uint8_t extra[SEER_MAX_EXTRA_DATA]; /* the first min(extra_len, 32) bytes */
    seer_bytes32 mix_hash;              /* prev_randao after the Merge */
    uint8_t nonce[8];
    bool has_base_fee;
    u256 base_fee;
    bool has_withdrawals_root;
    seer_bytes32 withdrawals_root;
    bool has_blob_gas;
    uint64_t blob_gas_used;
    uint64_t excess_blob_gas;
    bool has_beacon_root;
    seer_bytes32 parent_beacon_root;
    seer_bytes32 hash; /* keccak256 of the header's RLP */
} seer_header;

/** An EIP-4895 withdrawal; the amount is in gwei. */
typedef struct seer_withdrawal {
    uint64_t index;
    uint64_t validator;
    seer_address address;
    uint64_t amount_gwei;
} seer_withdrawal;

/** A block. The public opaque handle `seer_block` (include/seer/block.h). */
struct seer_block {
    seer_header header;
    size_t ntxs;
    seer_tx *txs;     /* decoded; senders set by seer_block_admit_txs */
    uint8_t **tx_raw; /* each transaction's network encoding (owned) */
    size_t *tx_raw_len;
    bool *has_from; /* JSON blocks: the `from` field, to check recovery */
    seer_address *from;
    size_t nuncles;
    seer_header *uncles;
    bool has_withdrawals;
    size_t nwithdrawals;
    seer_withdrawal *withdrawals;
};

/** The empty uncle list's hash, keccak256(rlp([])). */
extern const seer_bytes32 SEER_EMPTY_OMMERS_HASH;

/* ---- headers ---- */

/** Decodes a header from an RLP list item (fields in the order of the
 *  Yellow Paper plus the fork additions, 15 to 20 of them) and hashes its
 *  raw encoding.
 *  Returns: 0, SEER_ERLP (malformed, a field of the wrong size, a number
 *           that does not fit; the detail names the field and the offset).
 *  Out:     *exception (may be NULL): the ethereum/tests name on failure. */
int seer_header_decode_item(seer_header *h, const seer_rlp_item *item, const char **exception);

/** As seer_header_decode_item over one whole RLP input. */
int seer_header_decode(seer_header *h, const uint8_t *raw, size_t len, const char **exception);

/** Appends the header's RLP encoding (extra_len must be <= 32).
 *  Returns: 0, SEER_EINVAL, SEER_ENOMEM. */
int seer_header_encode(seer_buf *out, const seer_header *h);

/** Recomputes h->hash from the encoding. Returns 0, SEER_EINVAL, SEER_ENOMEM. */
int seer_header_rehash(seer_header *h);

/** Reads a header from a JSON object: JSON-RPC names (miner, sha3Uncles,
 *  transactionsRoot, logsBloom, ...) or the BlockchainTests names
 *  (coinbase, uncleHash, transactionsTrie, receiptTrie, bloom). When
 *  `hash` is present it is kept, else the hash is computed.
 *  Returns: 0, SEER_EPARSE naming `label`.field, SEER_ENOMEM. */
int seer_header_from_json(seer_header *h, struct json_object *json_obj, const char *file, const char *label);

/* ---- blocks ---- */

/** Frees what a block owns and zeroes it (not the struct). */
void seer_block_clear(seer_block *b);

/** Decodes a block [header, transactions, uncles(, withdrawals)] from RLP.
 *  Transactions are decoded (a typed one is an RLP string holding its
 *  EIP-2718 envelope) but senders are not recovered.
 *  Returns: 0, SEER_ERLP / SEER_ETX / SEER_ENOMEM with detail.
 *  Out:     *exception (may be NULL): ethereum/tests name on failure. */
int seer_block_decode(seer_block *b, const uint8_t *raw, size_t len, const char **exception);

/** Reads a JSON-RPC block (eth_getBlockByNumber(N, true)): header fields,
 *  full transactions (with `from` and `hash` kept to check against),
 *  withdrawals. Each transaction's network encoding is rebuilt, so
 *  tx->hash is computed, not copied.
 *  Returns: 0, SEER_EPARSE (the detail names "transactions[i].field"),
 *           SEER_ETX, SEER_ENOMEM. */
int seer_block_from_json(seer_block *b, struct json_object *json_obj, const char *file);

/** Admits transaction `i` of `b` under `fork`: recovers its sender and
 *  applies the static rules of seer_block_admit_txs (type allowed, chain id,
 *  signature, fee cap against the block's base fee, intrinsic gas, ...).
 *  Safe to call for different `i` from several threads at once.
 *  Returns: 0, or SEER_ETX / SEER_ESIG with *exception the ethereum/tests
 *           name (NULL on success). */
int seer_block_admit_tx(const seer_block *b, size_t i, seer_fork fork, uint64_t chain_id,
                        const char **exception);

/** Recovers every transaction's sender under `fork` and applies the
 *  static admission rules (type allowed, chain id, signature, intrinsic
 *  gas, ...; vm/tx.h's seer_tx_admit).
 *  Returns: 0, or SEER_ETX / SEER_ESIG with *bad the index and
 *           *exception the ethereum/tests name. */
int seer_block_admit_txs(seer_block *b, seer_fork fork, uint64_t chain_id, size_t *bad,
                         const char **exception);

/** The transactions root of the block's transactions (index trie of the
 *  network encodings). */
int seer_block_tx_root(seer_bytes32 *out, const seer_block *b);

/** The withdrawals root (index trie of rlp([index, validator, address,
 *  amount])). */
int seer_block_withdrawals_root(seer_bytes32 *out, const seer_block *b);

/** keccak256(rlp(uncle headers)). */
int seer_block_ommers_hash(seer_bytes32 *out, const seer_block *b);

/* ---- forks and the block environment ---- */

/** The mainnet fork at a block (number before the Merge, timestamp for
 *  Shanghai and Cancun), as in fixtures/README.md. */
seer_fork seer_mainnet_fork(uint64_t number, uint64_t timestamp);

/** Fills the block environment of `h` under `fork`: prev_randao is the
 *  difficulty before Paris and mixHash from Paris (EIP-4399). */
void seer_block_env_from_header(seer_block_env *env, const seer_header *h, seer_fork fork, uint64_t chain_id);

/** The EIP-1559 base fee of the child of `parent` (London on; the first
 *  London block's base fee is 1 gwei, given by the caller). */
void seer_header_next_base_fee(u256 *out, const seer_header *parent);

/** EIP-4844: the excess blob gas of the child of `parent`. */
uint64_t seer_header_next_excess_blob_gas(const seer_header *parent);

/** Checks `h` against its parent under `fork`: number, timestamp, gas
 *  limit bounds (parent/1024, minimum 5000), gas used <= gas limit, extra
 *  data <= 32 bytes, EIP-1559 base fee, Paris rules (difficulty 0, nonce
 *  0, no uncles: EIP-3675), the presence of the fork's fields, EIP-4844
 *  excess blob gas.
 *  Returns: 0, or SEER_EBLOCK with *exception the ethereum/tests name. */
int seer_header_validate(const seer_header *h, const seer_header *parent, seer_fork fork,
                         const char **exception);

#endif
