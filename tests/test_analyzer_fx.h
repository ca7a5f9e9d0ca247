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

#endif
