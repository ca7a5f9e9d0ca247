/* Serial block execution: system call, transactions, receipts,
 * withdrawals and rewards over an abstract {reader, apply} target. */
#include "chain/exec.h"

#include "common/util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const seer_address SEER_BEACON_ROOTS_ADDRESS = {{0x00, 0x0F, 0x3d, 0xf6, 0xD7, 0x32, 0x80, 0x7E, 0xf1, 0x31,
                                                 0x9f, 0xB7, 0xB8, 0xbB, 0x85, 0x22, 0xd0, 0xBe, 0xac, 0x02}};
const seer_address SEER_SYSTEM_ADDRESS = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                           0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}};

/* EIP-4788's HISTORY_BUFFER_LENGTH */

void seer_block_result_clear(seer_block_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nreceipts; i++)
        seer_receipt_clear(&r->receipts[i]);
    free(r->receipts);
    memset(r, 0, sizeof *r);
}

int seer_exec_beacon_root(const seer_exec_target *t, const seer_header *h)
{
    if (!t || !h)
        return SEER_EINVAL;
    /* EIP-4788: the beacon-roots contract runs from SYSTEM_ADDRESS with
     * 30,000,000 gas and the parent beacon block root as input, outside
     * the block's gas accounting. Called from Cancun on. */
    static const seer_address system_address = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}};
    seer_block_env env;
    seer_block_env_from_header(&env, h, SEER_FORK_CANCUN, 1);
    seer_world *w = NULL;
    int rc = seer_world_create(&w, &t->reader, &env);
    if (rc < 0)
        return rc;
    seer_tx_result res;
    const seer_changeset *cs = NULL;
    rc = seer_world_system_call(w, &res, &system_address, &SEER_BEACON_ROOTS_ADDRESS,
                                h->parent_beacon_root.bytes, 32, 30000000);
    if (rc == 0)
        rc = seer_world_changeset(w, &cs);
    if (rc == 0 && cs->naccounts)
        rc = t->apply(t->ctx, cs);
    seer_tx_result_clear(&res);
    seer_world_free(w);
    return rc;
}

int seer_exec_tx(seer_world *w, const seer_exec_target *t, seer_receipt *rcpt, const char **exception,
                 const seer_tx *tx, seer_fork fork, uint64_t *gas_used, uint64_t *blob_gas_used)
{
    *exception = NULL;
    memset(rcpt, 0, sizeof *rcpt);
    uint64_t blob = tx->type == 3 ? (uint64_t)tx->nblob_hashes * 131072u : 0;
    if (blob && *blob_gas_used + blob > SEER_MAX_BLOB_GAS_PER_BLOCK) {
        *exception = seer_txex_blob_gas_allowance_exceeded;
        return 0;
    }
    seer_tx_result res;
    int rc = seer_world_execute_tx(w, &res, tx, *gas_used);
    if (rc < 0)
        return rc;
    if (res.exception) {
        *exception = res.exception;
        seer_tx_result_clear(&res);
        return 0;
    }
    const seer_changeset *cs;
    if ((rc = seer_world_changeset(w, &cs)) < 0 || (rc = t->apply(t->ctx, cs)) < 0) {
        seer_tx_result_clear(&res);
        return rc;
    }
    *gas_used += res.gas_used;
    *blob_gas_used += res.blob_gas_used;
    seer_receipt_from_result(rcpt, &res, tx->type, fork, *gas_used);
    seer_tx_result_clear(&res);
    /* Before Byzantium the receipt commits to the state after the tx. */
    if (!rcpt->has_status && t->state_root && (rc = t->state_root(t->ctx, &rcpt->post_state)) < 0)
        return rc;
    return 0;
}

static int apply_world(seer_world *w, const seer_exec_target *t)
{
    const seer_changeset *cs;
    int rc = seer_world_changeset(w, &cs);
    if (rc == 0)
        rc = t->apply(t->ctx, cs);
    seer_world_reset(w);
    return rc;
}

int seer_exec_withdrawals(seer_world *w, const seer_exec_target *t, const seer_block *b)
{
    seer_world_reset(w);
    u256 gwei = u256_from_u64(1000000000u);
    for (size_t i = 0; i < b->nwithdrawals; i++) {
        if (b->withdrawals[i].amount_gwei == 0)
            continue; /* a zero credit must not create an empty account (EIP-161) */
        u256 amt = u256_from_u64(b->withdrawals[i].amount_gwei);
        u256_mul(&amt, &amt, &gwei);
        int rc = seer_world_credit(w, &b->withdrawals[i].address, &amt);
        if (rc < 0)
            return rc;
    }
    return apply_world(w, t);
}

void seer_block_reward(u256 *out, seer_fork fork)
{
    static const uint64_t eth = 1000000000000000000ull;
    uint64_t n = fork >= SEER_FORK_PARIS            ? 0
                 : fork >= SEER_FORK_CONSTANTINOPLE ? 2
                 : fork >= SEER_FORK_BYZANTIUM      ? 3
                                                    : 5;
    u256 e = u256_from_u64(eth), k = u256_from_u64(n);
    u256_mul(out, &e, &k);
}

int seer_exec_rewards(seer_world *w, const seer_exec_target *t, const seer_block *b, seer_fork fork)
{
    if (fork >= SEER_FORK_PARIS)
        return 0;
    seer_world_reset(w);
    u256 r, total, part, k, eight = u256_from_u64(8), n32 = u256_from_u64(32);
    seer_block_reward(&r, fork);
    total = r;
    int rc;
    for (size_t i = 0; i < b->nuncles; i++) {
        const seer_header *u = &b->uncles[i];
        /* The uncle's coinbase: (8 + uncle - number) / 8 of the reward. */
        uint64_t num = 8 + u->number - b->header.number;
        k = u256_from_u64(num);
        u256_mul(&part, &r, &k);
        u256_div(&part, &part, &eight);
        if ((rc = seer_world_credit(w, &u->coinbase, &part)) < 0)
            return rc;
        u256_div(&part, &r, &n32); /* the nephew bonus */
        u256_add(&total, &total, &part);
    }
    if ((rc = seer_world_credit(w, &b->header.coinbase, &total)) < 0)
        return rc;
    return apply_world(w, t);
}

int seer_exec_block(seer_block_result *out, const seer_exec_target *t, const seer_exec_options *opts,
                    const seer_block *b, seer_fork fork, uint64_t chain_id)
{
    if (!out || !t || !opts || !b)
        return SEER_EINVAL;
    memset(out, 0, sizeof *out);
    seer_block_env env;
    seer_block_env_from_header(&env, &b->header, fork, chain_id);
    seer_world *w = NULL;
    int rc = SEER_ENOMEM;
    out->receipts = calloc(b->ntxs ? b->ntxs : 1, sizeof *out->receipts);
    if (!out->receipts)
        goto fail;
    if ((rc = seer_world_create(&w, &t->reader, &env)) < 0)
        goto fail;
    /* EIP-779: the DAO fork is mainnet's (chain id 1) irregular change. */
    if (opts->dao && chain_id == 1 && b->header.number == 1920000 && (rc = seer_exec_dao(t)) < 0)
        goto fail;
    if (opts->beacon_root && fork >= SEER_FORK_CANCUN && (rc = seer_exec_beacon_root(t, &b->header)) < 0)
        goto fail;
    for (size_t i = 0; i < b->ntxs; i++) {
        const char *ex = NULL;
        if ((rc = seer_exec_tx(w, t, &out->receipts[i], &ex, &b->txs[i], fork, &out->gas_used,
                               &out->blob_gas_used)) < 0)
            goto fail;
        if (ex) {
            out->exception = ex;
            out->bad_tx = i;
            seer_world_free(w);
            return 0;
        }
        out->nreceipts = i + 1;
        seer_bloom_or(out->bloom, out->receipts[i].bloom);
    }
    if (opts->withdrawals && fork >= SEER_FORK_SHANGHAI && (rc = seer_exec_withdrawals(w, t, b)) < 0)
        goto fail;
    if (opts->rewards && (rc = seer_exec_rewards(w, t, b, fork)) < 0)
        goto fail;
    seer_world_free(w);
    return 0;
fail:
    seer_world_free(w);
    seer_block_result_clear(out);
    return rc;
}
