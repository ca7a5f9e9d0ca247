/* Serial block execution (internal): the pieces a block's result is made
 * of, as separate functions so that the parallel scheduler produces
 * byte-identical receipts from the same pieces.
 *
 * The executor is abstract over its state: a seer_exec_target gives the
 * reader transactions run against and the callback that applies each
 * transaction's change set (seer_memstore_apply for the conformance runners
 * and the mainnet replay; an LMDB block overlay later). The reader must
 * show every change set applied so far.
 *
 * Order within a block: the EIP-4788 beacon-root system call (Cancun),
 * then the transactions, then withdrawals (Shanghai, EIP-4895), then the
 * block and uncle rewards (before Paris); the DAO balance move happens
 * before the transactions of block 1,920,000. */
#ifndef SEER_CHAIN_EXEC_H
#define SEER_CHAIN_EXEC_H

#include "chain/block.h"
#include "chain/receipt.h"
#include "common/state_iface.h"
#include "vm/world.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int (*seer_exec_apply_fn)(void *ctx, const seer_changeset *cs);
typedef int (*seer_exec_root_fn)(void *ctx, seer_bytes32 *out);

typedef struct seer_exec_target {
    seer_state_reader reader;
    seer_exec_apply_fn apply;
    /** The state root of what the reader shows, for pre-Byzantium receipts;
     *  NULL when the state is partial (their post_state stays zero). */
    seer_exec_root_fn state_root;
    void *ctx; /* passed to apply and state_root */
} seer_exec_target;

typedef struct seer_exec_options {
    bool beacon_root; /* EIP-4788 system call from Cancun */
    bool withdrawals; /* EIP-4895 credits from Shanghai */
    bool rewards;     /* block and uncle rewards before Paris */
    bool dao;         /* the DAO-fork balance move at mainnet block 1,920,000 (EIP-779) */
} seer_exec_options;

/** Everything applied: what the conformance runners want. */
#define SEER_EXEC_OPTIONS_ALL                                                                                \
    {                                                                                                        \
        true, true, true, true                                                                               \
    }
/** Nothing beyond the transactions: the mainnet fixtures (their partial
 *  pre-state holds the transactions' reads only). */
#define SEER_EXEC_OPTIONS_TXS_ONLY                                                                           \
    {                                                                                                        \
        false, false, false, false                                                                           \
    }

typedef struct seer_block_result {
    seer_receipt *receipts; /* ntx receipts (fewer when a tx was invalid) */
    size_t nreceipts;
    uint64_t gas_used;
    uint64_t blob_gas_used;
    uint8_t bloom[SEER_BLOOM_SIZE];
    /** NULL for a valid block; else the ethereum/tests exception name of
     *  the first invalid transaction (index bad_tx). The target then holds
     *  the changes of the transactions before it: discard it. */
    const char *exception;
    size_t bad_tx;
} seer_block_result;

void seer_block_result_clear(seer_block_result *r);

/** EIP-4844: the most blob gas a block may use (6 blobs of 131072). */
#define SEER_MAX_BLOB_GAS_PER_BLOCK 786432u

/** EIP-4788 addresses. */
extern const seer_address SEER_BEACON_ROOTS_ADDRESS; /* 0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02 */
extern const seer_address SEER_SYSTEM_ADDRESS;       /* 0xff..fe */

/** The EIP-4788 system call: stores the parent beacon block root in the
 *  beacon-roots contract's ring buffer (timestamp % 8191 -> timestamp,
 *  + 8191 -> root), outside the block's gas, with no nonce or fee. Does
 *  nothing when the contract has no code (the EIP's rule).
 *  Returns: 0, or the reader's / apply's error. */
int seer_exec_beacon_root(const seer_exec_target *t, const seer_header *h);

/** Executes one transaction (sender set) as the next of the block and
 *  applies its effects: checks the block's blob gas (EIP-4844), runs it in
 *  `w` (whose reader is t->reader), applies the change set, and fills the
 *  receipt (cumulative gas, bloom, status or intermediate root).
 *  *gas_used and *blob_gas_used are the block's totals, updated.
 *  Returns: 0 (with *exception set to a name when the transaction is
 *           invalid: nothing was applied then), or a store error. */
int seer_exec_tx(seer_world *w, const seer_exec_target *t, seer_receipt *rcpt, const char **exception,
                 const seer_tx *tx, seer_fork fork, uint64_t *gas_used, uint64_t *blob_gas_used);

/** Credits the block's withdrawals (amount in gwei * 10^9, EIP-4895), in
 *  one change set; zero amounts are skipped. */
int seer_exec_withdrawals(seer_world *w, const seer_exec_target *t, const seer_block *b);

/** The proof-of-work rewards: 5 ETH (Frontier), 3 (Byzantium, EIP-649),
 *  2 (Constantinople, EIP-1234) to the coinbase plus 1/32 per uncle, and
 *  (8 + uncle.number - number) / 8 of it to each uncle's coinbase. None
 *  from Paris. */
int seer_exec_rewards(seer_world *w, const seer_exec_target *t, const seer_block *b, seer_fork fork);

/** The block reward under `fork` in wei (zero from Paris). */
void seer_block_reward(u256 *out, seer_fork fork);

/** EIP-779, the DAO fork: moves the whole balance of each of the 116
 *  drain-list accounts to the refund contract, in one change set. Run at
 *  the start of mainnet block 1,920,000, before its transactions.
 *  Returns: 0, or the reader's / apply's error. */
int seer_exec_dao(const seer_exec_target *t);

/** The drain list (data from go-ethereum's params/dao.go): its length, the
 *  i-th address, and the refund contract. */
size_t seer_dao_drain_count(void);
void seer_dao_drain_address(seer_address *out, size_t i);
void seer_dao_refund_address(seer_address *out);

/** Runs a whole block: the system call, every transaction (each block's
 *  senders already recovered, e.g. by seer_block_admit_txs), withdrawals,
 *  rewards, as `opts` allow.
 *  Returns: 0 with *out filled (read out->exception), or a store error. */
int seer_exec_block(seer_block_result *out, const seer_exec_target *t, const seer_exec_options *opts,
                    const seer_block *b, seer_fork fork, uint64_t chain_id);

#endif
