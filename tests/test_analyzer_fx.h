/* The analyzer suites' world: accounts at 0xaa..00NN, contracts written in
 * EVM assembly, storage slots, mapping slots (test_analyzer.c,
 * test_analyzer_calls.c). */
#ifndef SEER_TESTS_ANALYZER_FX_H
#define SEER_TESTS_ANALYZER_FX_H

#include "analyzer/analyzer_internal.h"
#include "common/keccak.h"
#include "common/u256.h"
#include "state/memstore.h"
#include "test_util.h"
#include "vm/world.h"

static seer_address addr(unsigned n)
{
    seer_address a;
    memset(&a, 0, sizeof a);
    a.bytes[0] = 0xaa;
    a.bytes[19] = (uint8_t)n;
    return a;
}

static u256 word_of(const seer_address *a)
{
    uint8_t be[32] = {0};
    memcpy(be + 12, a->bytes, 20);
    u256 v;
    u256_from_be32(&v, be);
    return v;
}

static u256 map_slot(const u256 *key, const u256 *slot)
{
    uint8_t buf[64], h[32];
    u256_to_be32(buf, key);
    u256_to_be32(buf + 32, slot);
    seer_keccak256(h, buf, 64);
    u256 r;
    u256_from_be32(&r, h);
    return r;
}

typedef struct world_fx {
    seer_memstore *ms;
    seer_state_reader reader;
    seer_block_env env;
    seer_analyzer *an;
} world_fx;

static void put_contract(world_fx *fx, unsigned n, const char *src)
{
    uint8_t code[4096];
    size_t len = test_assemble(code, sizeof code, src);
    seer_address a = addr(n);
    seer_account acct = {.exists = true, .nonce = 1};
    ck_assert_int_eq(seer_memstore_set_account(fx->ms, &a, &acct), 0);
    ck_assert_int_eq(seer_memstore_set_code(fx->ms, &a, code, len), 0);
}

static void put_slot(world_fx *fx, unsigned n, const u256 *k, const u256 *v)
{
    seer_address a = addr(n);
    ck_assert_int_eq(seer_memstore_set_storage(fx->ms, &a, k, v), 0);
}

static void fx_free(world_fx *fx)
{
    seer_analyzer_free(fx->an);
    seer_memstore_free(fx->ms);
}

/* A type-2 transaction from account `from` to `to` (gas 1M, fee 10). */
static void mk_tx(seer_tx *tx, unsigned from, unsigned to, const uint8_t *data, size_t len, uint64_t nonce)
{
    memset(tx, 0, sizeof *tx);
    tx->type = 2;
    tx->has_chain_id = true;
    tx->chain_id = 1;
    tx->nonce = nonce;
    tx->gas_limit = 1000000;
    tx->max_fee = tx->gas_price = u256_from_u64(10);
    tx->max_priority_fee = u256_from_u64(1);
    tx->has_to = true;
    tx->to = addr(to);
    tx->data = malloc(len + 1);
    if (len) /* data may be NULL for none */
        memcpy(tx->data, data, len);
    tx->data_len = len;
    tx->has_sender = true;
    tx->sender = addr(from);
}

/* calldata: selector then 32-byte words */
static size_t calldata(uint8_t *out, uint32_t sel, const u256 *words, size_t n)
{
    out[0] = (uint8_t)(sel >> 24);
    out[1] = (uint8_t)(sel >> 16);
    out[2] = (uint8_t)(sel >> 8);
    out[3] = (uint8_t)sel;
    for (size_t i = 0; i < n; i++)
        u256_to_be32(out + 4 + 32 * i, &words[i]);
    return 4 + 32 * n;
}

/* The rest of a world: the coinbase exists (as on mainnet: a fee credit
 * to an absent one would create it, which no bytecode predicts), the
 * reader, a Cancun block and an analyzer. */
static void fx_finish(world_fx *fx)
{
    seer_address cb = addr(0xcb);
    seer_account cba = {.exists = true, .balance = U256_ONE};
    ck_assert_int_eq(seer_memstore_set_account(fx->ms, &cb, &cba), 0);
    fx->reader = seer_memstore_reader(fx->ms);
    fx->env.fork = SEER_FORK_CANCUN;
    fx->env.chain_id = 1;
    fx->env.number = 1;
    fx->env.timestamp = 1;
    fx->env.gas_limit = 30000000;
    fx->env.coinbase = addr(0xcb);
    ck_assert_int_eq(seer_analyzer_new(&fx->an, NULL), 0);
}

static seer_key key(unsigned a, seer_key_field f, const u256 *slot)
{
    seer_key k;
    memset(&k, 0, sizeof k);
    seer_address ad = addr(a);
    memcpy(k.addr, ad.bytes, 20);
    k.field = (uint8_t)f;
    if (slot)
        u256_to_be32(k.slot, slot);
    return k;
}

static bool has(const seer_prediction *p, unsigned a, seer_key_field f, const u256 *slot, bool write)
{
    seer_key k = key(a, f, slot);
    for (size_t i = 0; i < p->nkeys; i++)
        if (!memcmp(&p->keys[i].key, &k, sizeof k) && p->keys[i].write == write)
            return true;
    return false;
}

/* Executes tx, applies its changes and checks that the prediction covers
 * every key the world recorded (trivially when it is "unknown"); with
 * must_succeed, that the transaction succeeded. Returns the number of keys
 * recorded. */
static size_t exec_check(world_fx *fx, const seer_tx *tx, const seer_prediction *p, bool must_succeed)
{
    seer_world *w;
    ck_assert_int_eq(seer_world_create(&w, &fx->reader, &fx->env), 0);
    seer_tx_result res;
    memset(&res, 0, sizeof res);
    ck_assert_int_eq(seer_world_execute_tx(w, &res, tx, 0), 0);
    ck_assert_msg(res.exception == NULL, "tx invalid: %s", res.exception ? res.exception : "");
    if (must_succeed)
        ck_assert_int_eq(res.status, SEER_STATUS_SUCCESS);
    const seer_key *rd, *wr;
    size_t nr, nw;
    ck_assert_int_eq(seer_world_access_set(w, &rd, &nr, &wr, &nw), 0);
    for (size_t i = 0; i < nr; i++)
        ck_assert_msg(seer_prediction_covers(p, &rd[i], false), "read %zu not covered (field %u, addr %02x)",
                      i, rd[i].field, rd[i].addr[19]);
    for (size_t i = 0; i < nw; i++)
        ck_assert_msg(seer_prediction_covers(p, &wr[i], true), "write %zu not covered (field %u, addr %02x)",
                      i, wr[i].field, wr[i].addr[19]);
    const seer_changeset *cs;
    ck_assert_int_eq(seer_world_changeset(w, &cs), 0);
    ck_assert_int_eq(seer_memstore_apply(fx->ms, cs), 0);
    seer_tx_result_clear(&res);
    seer_world_free(w);
    return nr + nw;
}

/* Each suite's prediction of tx into *p (its analyzer, and what it also
 * checks). */
static void predict(world_fx *fx, seer_prediction *p, const seer_tx *tx);

/* A transaction from `from` to `to` (calldata cd, len bytes; nonce),
 * predicted into *p and asserted resolved: no "unknown". */
static void predict_resolved(world_fx *fx, seer_tx *tx, seer_prediction *p, unsigned from, unsigned to,
                             const uint8_t *cd, size_t len, uint64_t nonce)
{
    mk_tx(tx, from, to, cd, len, nonce);
    predict(fx, p, tx);
    ck_assert_msg(!p->unknown, "nonce %llu: unknown (%s)", (unsigned long long)nonce,
                  p->unknown_why ? p->unknown_why : "");
}

/* exec_check, then frees the prediction and the transaction. */
static void check_done(world_fx *fx, seer_tx *tx, seer_prediction *p, bool must_succeed)
{
    ck_assert_uint_gt(exec_check(fx, tx, p, must_succeed), 0);
    seer_prediction_clear(p);
    seer_tx_clear(tx);
}

#endif
