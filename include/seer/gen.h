/* seer — public API: synthetic workloads.
 *
 * Generates a block deterministically from a seed, in the mainnet fixtures'
 * JSON formats (block.json as eth_getBlockByNumber(N, true) returns it,
 * pre_state.json, bytecodes.json), so every command that reads the
 * fixtures reads these too. The block is Cancun (number 20,000,000,
 * timestamp 1,720,000,000), its transactions EIP-1559 (type 2), signed
 * with keys derived from the seed. The generator executes the block
 * serially to fill the header: gasUsed, stateRoot (the pre-state is
 * complete, so the post-state root is the real one), transactionsRoot,
 * receiptsRoot, logsBloom, and the hash of that header. No withdrawals;
 * no beacon-roots contract exists, so EIP-4788's system call changes
 * nothing. Every transaction of a generated block succeeds (status 1).
 *
 * Workloads ("--workload" names):
 *   transfer          ETH transfers
 *   erc20             ERC-20 transfer()
 *   swap              Uniswap-V2-style swaps through a router
 *   nft-mint          ERC-721-style mints
 *   mix               the four above, weighted by `weights`
 *   adversarial-storage    keys that depend on storage an earlier
 *                          transaction of the block wrote
 *   adversarial-create2    contracts CREATE2-deployed in the block, called
 *                          later in it
 *   adversarial-selfdestruct  create + self-destruct in one transaction,
 *                          recreate at the same address later, then call
 *   adversarial-coinbase   contracts that read the coinbase balance
 *   adversarial-nonce-chain  one sender, one long nonce chain
 *   adversarial-hot-key    every transaction increments one slot
 *   adversarial-mix        the six adversarial patterns interleaved
 *
 * Contention (transfer, erc20, swap, nft-mint): exactly
 * round(contention * txs) transactions, at seeded positions, touch the one
 * hot object (the hot recipient account, whose ERC-20 balance slot is the
 * hot key for erc20; the hot pool; the hot NFT collection); the others
 * each touch their own fresh one. mix applies the rule to each kind's
 * share (round(contention * n_kind) each, so the total may differ from
 * round(contention * txs) by rounding) and has no single hot object.
 * Note that ETH sent to the hot account is a blind credit (DESIGN.md):
 * under delta credits it is no conflict; the hot pool, the hot collection
 * (its counter) and adversarial-hot-key are real ones. */
#ifndef SEER_GEN_PUBLIC_H
#define SEER_GEN_PUBLIC_H

#include "seer/common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SEER_GEN_OPTIONS_VERSION 1

/** What to generate. Initialise with SEER_GEN_OPTIONS_INIT. */
typedef struct seer_gen_options {
    unsigned version;     /**< SEER_GEN_OPTIONS_VERSION */
    const char *workload; /**< a name above */
    uint64_t seed;        /**< same seed and options: byte-identical output */
    size_t txs;           /**< transactions, 1..100000 */
    size_t senders;       /**< distinct sending accounts, 1..txs (the
                               nonce-chain workload uses one) */
    double contention;    /**< 0..1, the share of transactions touching
                               the hot object */
    /** mix: relative weights of transfer, erc20, swap, nft-mint (all zero
     *  is refused). */
    unsigned weights[4];
} seer_gen_options;

#define SEER_GEN_OPTIONS_INIT                                                                                \
    {                                                                                                        \
        SEER_GEN_OPTIONS_VERSION, "mix", 1, 100, 16, 0.0,                                                    \
        {                                                                                                    \
            1, 1, 1, 1                                                                                       \
        }                                                                                                    \
    }

/** A generated block: its three JSON files and a summary. Opaque. */
typedef struct seer_gen_block seer_gen_block;

/** The files of a generated block. */
typedef enum seer_gen_file {
    SEER_GEN_BLOCK_JSON = 0,     /**< block.json */
    SEER_GEN_PRE_STATE_JSON = 1, /**< pre_state.json */
    SEER_GEN_BYTECODES_JSON = 2, /**< bytecodes.json */
} seer_gen_file;

/** A summary of a generated block. */
typedef struct seer_gen_info {
    size_t txs;        /**< transactions in the block */
    size_t hot_txs;    /**< of which touch the hot object */
    bool has_hot;      /**< false for workloads without a hot object */
    seer_address hot;  /**< the hot account, pool or collection */
    uint64_t gas_used; /**< the header's gasUsed */
    uint64_t number;   /**< the block number */
    seer_bytes32 hash; /**< the header's hash */
} seer_gen_info;

/** Generates a block.
 *  Returns: 0, SEER_EINVAL (NULL, an unknown workload, a knob out of
 *           range, an unknown options version), SEER_ENOMEM,
 *           SEER_EINTERNAL (a generated transaction failed when executed:
 *           a bug in the generator; the detail names it).
 *  Out:     *out: the block, freed with seer_gen_block_free.
 *  In:      opts: the options (borrowed for the call only). */
SEER_API int seer_gen_block_new(seer_gen_block **out, const seer_gen_options *opts);

/** Frees a block (NULL is a no-op). */
SEER_API void seer_gen_block_free(seer_gen_block *b);

/** Returns one of the block's files as JSON text (NUL-terminated, *len
 *  bytes without the NUL when len is not NULL), borrowed until
 *  seer_gen_block_free; NULL for an unknown `which`. */
SEER_API const char *seer_gen_block_json(const seer_gen_block *b, seer_gen_file which, size_t *len);

/** Writes block.json, pre_state.json and bytecodes.json into `dir`
 *  (created with its parents if missing, files replaced).
 *  Returns: 0, SEER_EINVAL, SEER_EIO (naming the file). */
SEER_API int seer_gen_block_write(const seer_gen_block *b, const char *dir);

/** Fills *out with the block's summary. Returns 0 or SEER_EINVAL. */
SEER_API int seer_gen_block_info(const seer_gen_block *b, seer_gen_info *out);

/** Returns the workload names, NULL-terminated (static). */
SEER_API const char *const *seer_gen_workloads(void);

/** Assembles EVM assembly (the syntax of gen/asm.h: mnemonics, PUSH with
 *  automatic width, labels `name:` and `@name`, `db 0x..`, `;` comments).
 *  Returns: 0, SEER_EINVAL, SEER_EPARSE (the detail names the line),
 *           SEER_ELIMIT, SEER_ENOMEM.
 *  Out:     *out: the code, freed with seer_gen_bytes_free; *out_len.
 *  In:      src: NUL-terminated source; initcode: when true, wrap the
 *           code as the runtime of initcode that returns it. */
SEER_API int seer_gen_assemble(uint8_t **out, size_t *out_len, const char *src, bool initcode);

/** Frees bytes returned by seer_gen_assemble (NULL is a no-op). */
SEER_API void seer_gen_bytes_free(uint8_t *p);

#ifdef __cplusplus
}
#endif
#endif
