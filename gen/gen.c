/* The block generator: seed -> pre-state + signed transactions, executed
 * serially to fill the header, written in the mainnet fixtures' JSON. */
#include "gen/gen.h"

#include "common/buf.h"
#include "common/hex.h"
#include "common/keccak.h"
#include "common/rlp.h"
#include "common/state_iface.h"
#include "common/u256.h"
#include "common/util.h"
#include "gen/asm.h"
#include "state/memstore.h"
#include "state/mpt.h"
#include "vm/tx.h"
#include "vm/world.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A Cancun block: the timestamp is after Cancun's activation on mainnet
 * (1,710,338,135), so readers that pick the fork by number and timestamp
 * pick Cancun. */
#define GEN_NUMBER     20000000u
#define GEN_TIMESTAMP  1720000000u
#define GEN_CHAIN_ID   1u
#define GEN_BASE_FEE   7000000000u /* 7 gwei */
#define GEN_MIN_GASLIM 30000000u
#define GEN_MAX_TXS    100000u

typedef struct plan {
    size_t sender;
    seer_address to;
    u256 value;
    uint8_t data[4 + 4 * 32];
    size_t data_len;
    uint64_t gas;
    bool hot;
} plan;

typedef struct gen {
    const seer_gen_options *o;
    uint64_t rng;
    uint64_t addr_counter;
    seer_memstore *pre;
    secp256k1_context *secp;
    size_t nsenders;
    uint8_t (*keys)[32];
    seer_address *senders;
    uint64_t *nonces;
    plan *plans;
    size_t nplans, capplans;
    seer_address coinbase;
    bool has_hot;
    seer_address hot;
    /* contracts shared by several workload parts */
    bool have_erc20_code, have_pair_code;
    uint8_t *erc20_code, *pair_code;
    size_t erc20_len, pair_len;
} gen;

struct seer_gen_block {
    char *json[3];
    size_t len[3];
    seer_gen_info info;
};

static const char *const workloads[] = {"transfer",
                                        "erc20",
                                        "swap",
                                        "nft-mint",
                                        "mix",
                                        "adversarial-storage",
                                        "adversarial-create2",
                                        "adversarial-selfdestruct",
                                        "adversarial-coinbase",
                                        "adversarial-nonce-chain",
                                        "adversarial-hot-key",
                                        "adversarial-mix",
                                        NULL};

const char *const *seer_gen_workloads(void)
{
    return workloads;
}

/* ---- deterministic randomness (splitmix64: tiny, and its output is fixed
 * by the seed on every platform) ---- */
static uint64_t rng_next(gen *g)
{
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rng_below(gen *g, uint64_t n)
{
    return n ? rng_next(g) % n : 0;
}

static void rng_bytes(gen *g, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = rng_next(g);
        for (size_t j = 0; j < 8 && i + j < n; j++)
            out[i + j] = (uint8_t)(v >> (8 * j));
    }
}

/* Addresses and keys come from keccak of (tag, seed, counter), not from
 * the RNG stream, so adding a draw somewhere does not move every address. */
static void derive(uint8_t out[32], const char *tag, uint64_t seed, uint64_t i)
{
    uint8_t buf[64];
    size_t n = strlen(tag);
    memcpy(buf, tag, n);
    for (int k = 0; k < 8; k++) {
        buf[n + k] = (uint8_t)(seed >> (8 * k));
        buf[n + 8 + k] = (uint8_t)(i >> (8 * k));
    }
    seer_keccak256(out, buf, n + 16);
}

static seer_address new_address(gen *g)
{
    uint8_t h[32];
    derive(h, "seer-gen/address", g->o->seed, g->addr_counter++);
    seer_address a;
    memcpy(a.bytes, h + 12, 20);
    return a;
}

static u256 u256_pow10(unsigned e)
{
    u256 r = U256_ONE, ten = u256_from_u64(10);
    while (e--)
        u256_mul(&r, &r, &ten);
    return r;
}

static u256 u256_from_addr(const seer_address *a)
{
    u256 r;
    u256_from_be(&r, a->bytes, 20);
    return r;
}

/* ---- pre-state ---- */
static int put_account(gen *g, const seer_address *a, const u256 *balance, uint64_t nonce)
{
    seer_account acct;
    memset(&acct, 0, sizeof acct);
    acct.balance = *balance;
    acct.nonce = nonce;
    acct.code_hash = SEER_EMPTY_CODE_HASH;
    acct.exists = true;
    return seer_memstore_set_account(g->pre, a, &acct);
}

/* A contract account: nonce 1, as EIP-161 gives every contract. */
static int deploy(gen *g, seer_address *out, const uint8_t *code, size_t len)
{
    *out = new_address(g);
    u256 zero = U256_ZERO;
    int rc = put_account(g, out, &zero, 1);
    if (rc == 0)
        rc = seer_memstore_set_code(g->pre, out, code, len);
    return rc;
}

static int set_slot(gen *g, const seer_address *a, const uint8_t slot[32], const u256 *v)
{
    u256 k;
    u256_from_be32(&k, slot);
    return seer_memstore_set_storage(g->pre, a, &k, v);
}

static int set_slot_u64(gen *g, const seer_address *a, uint64_t slot, const u256 *v)
{
    u256 k = u256_from_u64(slot);
    return seer_memstore_set_storage(g->pre, a, &k, v);
}

static int assemble(uint8_t **code, size_t *len, const char *src, const char *what)
{
    int rc = seer_asm_assemble(code, len, src);
    if (rc < 0)
        return seer_err_wrap(rc, "contract %s: ", what);
    return 0;
}

static int deploy_src(gen *g, seer_address *out, const char *src, const char *what)
{
    uint8_t *code;
    size_t len;
    int rc = assemble(&code, &len, src, what);
    if (rc < 0)
        return rc;
    rc = deploy(g, out, code, len);
    free(code);
    return rc;
}

/* An ERC-20 with every sender holding `each` and `extra` holders given by
 * the caller afterwards (the supply is kept as the sum). */
static int deploy_erc20(gen *g, seer_address *out, const u256 *each, u256 *supply)
{
    int rc;
    if (!g->have_erc20_code) {
        if ((rc = assemble(&g->erc20_code, &g->erc20_len, seer_gen_src_erc20, "erc20")) < 0)
            return rc;
        g->have_erc20_code = true;
    }
    if ((rc = deploy(g, out, g->erc20_code, g->erc20_len)) < 0)
        return rc;
    *supply = U256_ZERO;
    for (size_t i = 0; i < g->nsenders; i++) {
        uint8_t slot[32];
        seer_gen_map_slot_addr(slot, &g->senders[i], SEER_ERC20_SLOT_BALANCES);
        if ((rc = set_slot(g, out, slot, each)) < 0)
            return rc;
        u256_add(supply, supply, each);
    }
    return set_slot_u64(g, out, SEER_ERC20_SLOT_SUPPLY, supply);
}

static int erc20_credit(gen *g, const seer_address *token, const seer_address *holder, const u256 *amount,
                        u256 *supply)
{
    uint8_t slot[32];
    seer_gen_map_slot_addr(slot, holder, SEER_ERC20_SLOT_BALANCES);
    int rc = set_slot(g, token, slot, amount);
    if (rc < 0)
        return rc;
    u256_add(supply, supply, amount);
    return set_slot_u64(g, token, SEER_ERC20_SLOT_SUPPLY, supply);
}

/* ---- transaction plans ---- */
static plan *add_plan(gen *g)
{
    if (g->nplans == g->capplans) {
        size_t n = g->capplans ? 2 * g->capplans : 256;
        plan *p = realloc(g->plans, n * sizeof *p);
        if (!p)
            return NULL;
        g->plans = p;
        g->capplans = n;
    }
    plan *p = &g->plans[g->nplans++];
    memset(p, 0, sizeof *p);
    return p;
}

static void put_selector(plan *p, uint32_t sel)
{
    p->data[0] = (uint8_t)(sel >> 24);
    p->data[1] = (uint8_t)(sel >> 16);
    p->data[2] = (uint8_t)(sel >> 8);
    p->data[3] = (uint8_t)sel;
    p->data_len = 4;
}

static void put_word(plan *p, const u256 *v)
{
    u256_to_be32(p->data + p->data_len, v);
    p->data_len += 32;
}

static void put_addr(plan *p, const seer_address *a)
{
    u256 v = u256_from_addr(a);
    put_word(p, &v);
}

static size_t pick_sender(gen *g)
{
    return (size_t)rng_below(g, g->nsenders);
}

/* Exactly round(contention * n) of n flags set, at seeded positions. */
static int hot_flags(gen *g, bool **out, size_t n)
{
    bool *f = calloc(n ? n : 1, sizeof *f);
    if (!f)
        return seer_err(SEER_ENOMEM, "gen: hot flags");
    size_t k = (size_t)llround(g->o->contention * (double)n);
    if (k > n)
        k = n;
    for (size_t i = 0; i < k; i++)
        f[i] = true;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(g, i);
        bool t = f[i - 1];
        f[i - 1] = f[j];
        f[j] = t;
    }
    *out = f;
    return 0;
}

#define NEW_PLAN(p)                                                                                          \
    do {                                                                                                     \
        if (!((p) = add_plan(g))) {                                                                          \
            rc = seer_err(SEER_ENOMEM, "gen: plans");                                                        \
            goto cleanup;                                                                                    \
        }                                                                                                    \
    } while (0)

static void note_hot(gen *g, const seer_address *a)
{
    if (!g->has_hot) {
        g->has_hot = true;
        g->hot = *a;
    }
}

/* ETH transfers: the hot recipient, or a fresh one. */
static int wl_transfer(gen *g, size_t n)
{
    bool *hot = NULL;
    int rc = hot_flags(g, &hot, n);
    if (rc < 0)
        return rc;
    seer_address h = new_address(g);
    if (n)
        note_hot(g, &h);
    for (size_t i = 0; i < n; i++) {
        plan *p;
        NEW_PLAN(p);
        p->sender = pick_sender(g);
        p->to = hot[i] ? h : new_address(g);
        p->value = u256_from_u64(1000000000000ull + rng_below(g, 1000000000000000ull));
        p->gas = 21000;
        p->hot = hot[i];
    }
cleanup:
    free(hot);
    return rc;
}

/* ERC-20 transfer(): to the hot holder, or to a fresh one. */
static int wl_erc20(gen *g, size_t n)
{
    bool *hot = NULL;
    int rc = hot_flags(g, &hot, n);
    if (rc < 0)
        return rc;
    seer_address token, h = new_address(g);
    u256 each = u256_pow10(24), supply;
    if ((rc = deploy_erc20(g, &token, &each, &supply)) < 0)
        goto cleanup;
    if (n)
        note_hot(g, &h);
    for (size_t i = 0; i < n; i++) {
        plan *p;
        NEW_PLAN(p);
        p->sender = pick_sender(g);
        p->to = token;
        put_selector(p, SEER_SEL_TRANSFER);
        seer_address to = hot[i] ? h : new_address(g);
        put_addr(p, &to);
        u256 amt = u256_from_u64(1 + rng_below(g, 1000000000000000000ull));
        put_word(p, &amt);
        p->gas = 100000;
        p->hot = hot[i];
    }
cleanup:
    free(hot);
    return rc;
}

/* One pair of tokens a/b with reserves funded in the tokens' storage. */
static int deploy_pair(gen *g, seer_address *out, const seer_address *a, const seer_address *b, u256 *sa,
                       u256 *sb)
{
    int rc;
    if (!g->have_pair_code) {
        if ((rc = assemble(&g->pair_code, &g->pair_len, seer_gen_src_pair, "pair")) < 0)
            return rc;
        g->have_pair_code = true;
    }
    if ((rc = deploy(g, out, g->pair_code, g->pair_len)) < 0)
        return rc;
    u256 r0 = u256_pow10(24), r1 = u256_pow10(24), j0 = u256_from_u64(rng_next(g)),
         j1 = u256_from_u64(rng_next(g)), two = u256_from_u64(2);
    u256_mul(&r1, &r1, &two);
    u256_add(&r0, &r0, &j0);
    u256_add(&r1, &r1, &j1);
    u256 ta = u256_from_addr(a), tb = u256_from_addr(b);
    if ((rc = set_slot_u64(g, out, SEER_PAIR_SLOT_TOKEN0, &ta)) < 0 ||
        (rc = set_slot_u64(g, out, SEER_PAIR_SLOT_TOKEN1, &tb)) < 0 ||
        (rc = set_slot_u64(g, out, SEER_PAIR_SLOT_RESERVE0, &r0)) < 0 ||
        (rc = set_slot_u64(g, out, SEER_PAIR_SLOT_RESERVE1, &r1)) < 0 ||
        (rc = erc20_credit(g, a, out, &r0, sa)) < 0 || (rc = erc20_credit(g, b, out, &r1, sb)) < 0)
        return rc;
    return 0;
}

/* Swaps through the router: on the hot pool, or each on its own pool. */
static int wl_swap(gen *g, size_t n)
{
    bool *hot = NULL;
    int rc = hot_flags(g, &hot, n);
    if (rc < 0)
        return rc;
    seer_address ta, tb, router, hot_pool;
    u256 each = u256_pow10(24), sa, sb;
    if ((rc = deploy_erc20(g, &ta, &each, &sa)) < 0 || (rc = deploy_erc20(g, &tb, &each, &sb)) < 0 ||
        (rc = deploy_src(g, &router, seer_gen_src_router, "router")) < 0 ||
        (rc = deploy_pair(g, &hot_pool, &ta, &tb, &sa, &sb)) < 0)
        goto cleanup;
    /* Every sender has approved the router for both tokens (2^255, so the
     * allowance never runs out). */
    u256 big = U256_ZERO;
    big.w[3] = 1ull << 63;
    for (size_t i = 0; i < g->nsenders; i++) {
        uint8_t slot[32];
        seer_gen_allowance_slot(slot, &g->senders[i], &router);
        if ((rc = set_slot(g, &ta, slot, &big)) < 0 || (rc = set_slot(g, &tb, slot, &big)) < 0)
            goto cleanup;
    }
    if (n)
        note_hot(g, &hot_pool);
    for (size_t i = 0; i < n; i++) {
        seer_address pool = hot_pool;
        if (!hot[i] && (rc = deploy_pair(g, &pool, &ta, &tb, &sa, &sb)) < 0)
            goto cleanup;
        plan *p;
        NEW_PLAN(p);
        p->sender = pick_sender(g);
        p->to = router;
        put_selector(p, SEER_SEL_SWAP_EXACT_IN);
        put_addr(p, &pool);
        put_addr(p, rng_below(g, 2) ? &ta : &tb);
        u256 amt = u256_from_u64(1000000000000000ull + rng_below(g, 1000000000000000000ull)), min = U256_ONE;
        put_word(p, &amt);
        put_word(p, &min);
        p->gas = 300000;
        p->hot = hot[i];
    }
cleanup:
    free(hot);
    return rc;
}

/* Mints: on the hot collection, or each on its own collection. */
static int wl_nft(gen *g, size_t n)
{
    bool *hot = NULL;
    uint8_t *code = NULL;
    size_t len;
    int rc = hot_flags(g, &hot, n);
    if (rc < 0)
        return rc;
    seer_address hot_nft;
    if ((rc = assemble(&code, &len, seer_gen_src_nft, "nft")) < 0 ||
        (rc = deploy(g, &hot_nft, code, len)) < 0)
        goto cleanup;
    if (n)
        note_hot(g, &hot_nft);
    for (size_t i = 0; i < n; i++) {
        seer_address nft = hot_nft;
        if (!hot[i] && (rc = deploy(g, &nft, code, len)) < 0)
            goto cleanup;
        plan *p;
        NEW_PLAN(p);
        p->sender = pick_sender(g);
        p->to = nft;
        put_selector(p, SEER_SEL_MINT);
        put_addr(p, &g->senders[p->sender]);
        p->gas = 150000;
        p->hot = hot[i];
    }
cleanup:
    free(hot);
    free(code);
    return rc;
}

static int plan_call(gen *g, plan **out, const seer_address *to, uint32_t sel, uint64_t gas)
{
    plan *p = add_plan(g);
    if (!p)
        return seer_err(SEER_ENOMEM, "gen: plans");
    p->sender = pick_sender(g);
    p->to = *to;
    put_selector(p, sel);
    p->gas = gas;
    *out = p;
    return 0;
}

static int plan_transfer(gen *g, size_t sender)
{
    plan *p = add_plan(g);
    if (!p)
        return seer_err(SEER_ENOMEM, "gen: plans");
    p->sender = sender;
    p->to = new_address(g);
    p->value = u256_from_u64(1000000000000ull + rng_below(g, 1000000000000ull));
    p->gas = 21000;
    return 0;
}

/* bump() first (its key is the pre-state's pointer: a state-assisted
 * prediction is right), set(p) second, bump() third (so even a short part
 * of adversarial-mix has a moved key), then set() with probability 1/3
 * and bump() otherwise: every bump after the first set() has the key the
 * latest set() wrote, which the pre-block state does not show. */
static int adv_storage(gen *g, size_t n)
{
    seer_address c;
    int rc = deploy_src(g, &c, seer_gen_src_indirect, "indirect");
    if (rc < 0)
        return rc;
    uint8_t p0[32];
    rng_bytes(g, p0, 32);
    p0[0] |= 0x80; /* never slot 0, the pointer itself */
    u256 v;
    u256_from_be32(&v, p0);
    if ((rc = set_slot_u64(g, &c, 0, &v)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        plan *p;
        if (i == 1 || (i > 2 && rng_below(g, 3) == 0)) {
            if ((rc = plan_call(g, &p, &c, SEER_SEL_SET, 100000)) < 0)
                return rc;
            uint8_t np[32];
            rng_bytes(g, np, 32);
            np[0] |= 0x80;
            u256_from_be32(&v, np);
            put_word(p, &v);
        } else if ((rc = plan_call(g, &p, &c, SEER_SEL_BUMP, 100000)) < 0) {
            return rc;
        }
    }
    return 0;
}

static seer_address create2_address(const seer_address *factory, const u256 *salt, const uint8_t *init,
                                    size_t init_len)
{
    uint8_t buf[85], h[32];
    buf[0] = 0xff;
    memcpy(buf + 1, factory->bytes, 20);
    u256_to_be32(buf + 21, salt);
    seer_keccak256(buf + 53, init, init_len);
    seer_keccak256(h, buf, sizeof buf);
    seer_address a;
    memcpy(a.bytes, h + 12, 20);
    return a;
}

/* Factory patterns. selfdestruct == false: deploy(salt), then calls to
 * children deployed earlier in the block. selfdestruct == true: triples of
 * cycle(salt) (create + self-destruct, deleted: EIP-6780), deploy(salt)
 * (the same address again), a call to it. */
static int adv_factory(gen *g, size_t n, bool selfdestruct)
{
    uint8_t *fcode = NULL, *init = NULL;
    size_t flen, ilen;
    seer_address *kids = NULL;
    size_t nkids = 0;
    seer_address f;
    int rc = seer_gen_factory_code(&fcode, &flen, &init, &ilen);
    if (rc < 0)
        return rc;
    if ((rc = deploy(g, &f, fcode, flen)) < 0)
        goto cleanup;
    kids = calloc(n + 1, sizeof *kids);
    if (!kids) {
        rc = seer_err(SEER_ENOMEM, "gen: children");
        goto cleanup;
    }
    uint64_t salt_base = rng_next(g) >> 8;
    for (size_t i = 0; i < n; i++) {
        plan *p;
        u256 salt = u256_from_u64(salt_base + nkids);
        if (selfdestruct) {
            if (i % 3 == 0 && i + 2 < n) {
                if ((rc = plan_call(g, &p, &f, SEER_SEL_CYCLE, 300000)) < 0)
                    goto cleanup;
                put_word(p, &salt);
            } else if (i % 3 == 1 && i + 1 < n) {
                if ((rc = plan_call(g, &p, &f, SEER_SEL_DEPLOY, 300000)) < 0)
                    goto cleanup;
                put_word(p, &salt);
                kids[nkids++] = create2_address(&f, &salt, init, ilen);
            } else if (nkids) {
                if ((rc = plan_call(g, &p, &kids[nkids - 1], 0, 60000)) < 0)
                    goto cleanup;
                p->data_len = 0;
            } else if ((rc = plan_transfer(g, pick_sender(g))) < 0) {
                goto cleanup;
            }
            continue;
        }
        if (i % 2 == 0 || nkids == 0) {
            if ((rc = plan_call(g, &p, &f, SEER_SEL_DEPLOY, 300000)) < 0)
                goto cleanup;
            put_word(p, &salt);
            kids[nkids++] = create2_address(&f, &salt, init, ilen);
        } else {
            if ((rc = plan_call(g, &p, &kids[rng_below(g, nkids)], 0, 60000)) < 0)
                goto cleanup;
            p->data_len = 0;
        }
    }
cleanup:
    free(fcode);
    free(init);
    free(kids);
    return rc;
}

/* Transfers (fees accrue to the coinbase) alternating with record(), which
 * reads the coinbase balance. */
static int adv_coinbase(gen *g, size_t n)
{
    seer_address c;
    int rc = deploy_src(g, &c, seer_gen_src_coinbase_reader, "coinbase reader");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        plan *p;
        if (i % 2)
            rc = plan_call(g, &p, &c, SEER_SEL_RECORD, 60000);
        else
            rc = plan_transfer(g, pick_sender(g));
    }
    return rc;
}

/* One sender, one nonce chain. */
static int adv_nonce_chain(gen *g, size_t n)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = plan_transfer(g, 0);
    return rc;
}

/* Every transaction increments the same slot. */
static int adv_hot_key(gen *g, size_t n)
{
    seer_address c;
    int rc = deploy_src(g, &c, seer_gen_src_counter, "counter");
    if (rc == 0)
        note_hot(g, &c);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        plan *p = NULL;
        rc = plan_call(g, &p, &c, SEER_SEL_INCREMENT, 60000);
        if (rc == 0)
            p->hot = true;
    }
    return rc;
}

typedef int (*wl_fn)(gen *g, size_t n);

static int adv_create2(gen *g, size_t n)
{
    return adv_factory(g, n, false);
}
static int adv_selfdestruct(gen *g, size_t n)
{
    return adv_factory(g, n, true);
}

/* Builds each part's plans one after the other, then interleaves them at
 * random, keeping each part's own order (its later transactions may depend
 * on its earlier ones: a call after its CREATE2). */
static int interleave(gen *g, wl_fn *fns, const size_t *counts, size_t nparts)
{
    size_t starts[8], ends[8], next[8];
    int rc;
    for (size_t k = 0; k < nparts; k++) {
        starts[k] = next[k] = g->nplans;
        if ((rc = fns[k](g, counts[k])) < 0)
            return rc;
        ends[k] = g->nplans;
    }
    size_t total = g->nplans - starts[0];
    plan *merged = malloc((total ? total : 1) * sizeof *merged);
    if (!merged)
        return seer_err(SEER_ENOMEM, "gen: interleave");
    for (size_t i = 0; i < total; i++) {
        uint64_t r = rng_below(g, total - i);
        size_t k = 0;
        for (;; k++) {
            size_t left = ends[k] - next[k];
            if (r < left)
                break;
            r -= left;
        }
        merged[i] = g->plans[next[k]++];
    }
    memcpy(g->plans + starts[0], merged, total * sizeof *merged);
    free(merged);
    return 0;
}

static int wl_mix(gen *g, size_t n)
{
    wl_fn fns[4] = {wl_transfer, wl_erc20, wl_swap, wl_nft};
    size_t counts[4] = {0, 0, 0, 0};
    unsigned sum = 0;
    for (int k = 0; k < 4; k++)
        sum += g->o->weights[k];
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rng_below(g, sum);
        int k = 0;
        while (r >= g->o->weights[k]) {
            r -= g->o->weights[k];
            k++;
        }
        counts[k]++;
    }
    int rc = interleave(g, fns, counts, 4);
    g->has_hot = false; /* one hot object per kind: none is "the" hot one */
    return rc;
}

static int adv_mix(gen *g, size_t n)
{
    wl_fn fns[6] = {adv_storage, adv_create2, adv_selfdestruct, adv_coinbase, adv_nonce_chain, adv_hot_key};
    size_t counts[6];
    for (size_t k = 0; k < 6; k++)
        counts[k] = n / 6 + (k < n % 6);
    int rc = interleave(g, fns, counts, 6);
    g->has_hot = false;
    return rc;
}

static const wl_fn wl_fns[] = {wl_transfer,  wl_erc20,        wl_swap,     wl_nft,
                               wl_mix,       adv_storage,     adv_create2, adv_selfdestruct,
                               adv_coinbase, adv_nonce_chain, adv_hot_key, adv_mix};
_Static_assert(sizeof wl_fns / sizeof wl_fns[0] == sizeof workloads / sizeof workloads[0] - 1,
               "one builder per workload name");

/* ---- signing ---- */
static int make_senders(gen *g)
{
    size_t n = g->nsenders;
    g->keys = calloc(n, 32);
    g->senders = calloc(n, sizeof *g->senders);
    g->nonces = calloc(n, sizeof *g->nonces);
    if (!g->keys || !g->senders || !g->nonces)
        return seer_err(SEER_ENOMEM, "gen: senders");
    u256 balance = u256_pow10(21); /* 1000 ETH */
    for (size_t i = 0; i < n; i++) {
        secp256k1_pubkey pub;
        uint64_t attempt = 0;
        /* A keccak output is a valid key except with probability ~2^-128;
         * retry with another counter rather than assume. */
        do
            derive(g->keys[i], "seer-gen/key", g->o->seed, ((uint64_t)i << 8) | attempt++);
        while (!secp256k1_ec_seckey_verify(g->secp, g->keys[i]));
        if (!secp256k1_ec_pubkey_create(g->secp, &pub, g->keys[i]))
            return seer_err(SEER_EINTERNAL, "gen: public key of sender %zu", i);
        uint8_t ser[65], h[32];
        size_t len = sizeof ser;
        secp256k1_ec_pubkey_serialize(g->secp, ser, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
        seer_keccak256(h, ser + 1, 64);
        memcpy(g->senders[i].bytes, h + 12, 20);
        int rc = put_account(g, &g->senders[i], &balance, 0);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int sign_plan(gen *g, seer_tx *tx, uint8_t **raw, size_t *raw_len, const plan *p)
{
    memset(tx, 0, sizeof *tx);
    tx->type = 2;
    tx->has_chain_id = true;
    tx->chain_id = GEN_CHAIN_ID;
    tx->nonce = g->nonces[p->sender]++;
    tx->max_priority_fee = u256_from_u64(1000000000ull + rng_below(g, 1000000000ull));
    tx->max_fee = u256_from_u64(2ull * GEN_BASE_FEE + rng_below(g, 1000000000ull));
    tx->gas_price = tx->max_fee;
    tx->gas_limit = p->gas;
    tx->has_to = true;
    tx->to = p->to;
    tx->value = p->value;
    if (p->data_len) {
        tx->data = malloc(p->data_len);
        if (!tx->data)
            return seer_err(SEER_ENOMEM, "gen: tx data");
        memcpy(tx->data, p->data, p->data_len);
        tx->data_len = p->data_len;
    }
    seer_bytes32 sighash;
    int rc = seer_tx_signing_hash(&sighash, tx);
    if (rc < 0)
        return rc;
    secp256k1_ecdsa_recoverable_signature sig;
    if (!secp256k1_ecdsa_sign_recoverable(g->secp, &sig, sighash.bytes, g->keys[p->sender], NULL, NULL))
        return seer_err(SEER_EINTERNAL, "gen: signing failed");
    uint8_t rs[64];
    int recid;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(g->secp, rs, &recid, &sig);
    u256_from_be32(&tx->r, rs);
    u256_from_be32(&tx->s, rs + 32);
    tx->v = u256_from_u64((uint64_t)recid);
    tx->has_sender = true;
    tx->sender = g->senders[p->sender];
    if ((rc = seer_tx_encode(raw, raw_len, tx)) < 0)
        return rc;
    seer_keccak256(tx->hash.bytes, *raw, *raw_len);
    return 0;
}

/* ---- receipts (EIP-2718 typed receipt: type || rlp([status, cumulative
 * gas, bloom, logs])) ---- */
static void bloom_add(uint8_t bloom[256], const uint8_t *data, size_t len)
{
    uint8_t h[32];
    seer_keccak256(h, data, len);
    for (int i = 0; i < 6; i += 2) {
        unsigned bit = ((unsigned)h[i] << 8 | h[i + 1]) & 2047u;
        bloom[255 - bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
}

static void receipt_encode(seer_buf *b, uint8_t bloom[256], const seer_tx_result *r, uint64_t cumulative)
{
    memset(bloom, 0, 256);
    for (size_t i = 0; i < r->nlogs; i++) {
        bloom_add(bloom, r->logs[i].addr.bytes, 20);
        for (size_t t = 0; t < r->logs[i].ntopics; t++)
            bloom_add(bloom, r->logs[i].topics[t].bytes, 32);
    }
    seer_buf_push(b, 2);
    size_t m = seer_rlp_list_begin(b);
    seer_rlp_put_u64(b, r->status == SEER_STATUS_SUCCESS ? 1 : 0);
    seer_rlp_put_u64(b, cumulative);
    seer_rlp_put_bytes(b, bloom, 256);
    size_t ml = seer_rlp_list_begin(b);
    for (size_t i = 0; i < r->nlogs; i++) {
        const seer_log *l = &r->logs[i];
        size_t m1 = seer_rlp_list_begin(b);
        seer_rlp_put_bytes(b, l->addr.bytes, 20);
        size_t m2 = seer_rlp_list_begin(b);
        for (size_t t = 0; t < l->ntopics; t++)
            seer_rlp_put_bytes(b, l->topics[t].bytes, 32);
        seer_rlp_list_end(b, m2);
        seer_rlp_put_bytes(b, l->data, l->data_len);
        seer_rlp_list_end(b, m1);
    }
    seer_rlp_list_end(b, ml);
    seer_rlp_list_end(b, m);
}

/* ---- JSON output ---- */
static void hexs(FILE *f, const uint8_t *p, size_t n)
{
    fputs("\"0x", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
    fputc('"', f);
}

static void qty(FILE *f, uint64_t v)
{
    fprintf(f, "\"0x%" PRIx64 "\"", v);
}

static void qty256(FILE *f, const u256 *v)
{
    char s[67];
    fprintf(f, "\"%s\"", u256_to_hex(s, v));
}

typedef struct code_ref {
    seer_bytes32 hash;
    const uint8_t *code;
    size_t len;
} code_ref;

typedef struct dump_ctx {
    FILE *f;
    bool first;
    code_ref *codes;
    size_t ncodes, capcodes;
    bool oom;
} dump_ctx;

static int dump_account(void *arg, const seer_memstore_entry *e)
{
    dump_ctx *d = arg;
    FILE *f = d->f;
    fputs(d->first ? "{\n" : ",\n", f);
    d->first = false;
    hexs(f, e->addr->bytes, 20);
    fputs(":{\"balance\":", f);
    qty256(f, &e->account->balance);
    fprintf(f, ",\"nonce\":%" PRIu64, e->account->nonce);
    if (memcmp(&e->account->code_hash, &SEER_EMPTY_CODE_HASH, 32) != 0) {
        fputs(",\"code_hash\":", f);
        hexs(f, e->account->code_hash.bytes, 32);
        bool seen = false;
        for (size_t i = 0; i < d->ncodes && !seen; i++)
            seen = !memcmp(&d->codes[i].hash, &e->account->code_hash, 32);
        if (!seen) {
            if (d->ncodes == d->capcodes) {
                size_t n = d->capcodes ? 2 * d->capcodes : 16;
                code_ref *c = realloc(d->codes, n * sizeof *c);
                if (!c) {
                    d->oom = true;
                    return SEER_ENOMEM;
                }
                d->codes = c;
                d->capcodes = n;
            }
            d->codes[d->ncodes++] = (code_ref){e->account->code_hash, e->code, e->code_len};
        }
    }
    fputs(",\"storage\":{", f);
    for (size_t i = 0; i < e->nslots; i++) {
        if (i)
            fputc(',', f);
        qty256(f, &e->slots[i].key);
        fputc(':', f);
        qty256(f, &e->slots[i].value);
    }
    fputs("}}", f);
    return 0;
}

static int code_cmp(const void *a, const void *b)
{
    return memcmp(&((const code_ref *)a)->hash, &((const code_ref *)b)->hash, 32);
}

static int write_pre(seer_gen_block *blk, seer_memstore *pre)
{
    dump_ctx d;
    memset(&d, 0, sizeof d);
    d.first = true;
    FILE *f = open_memstream(&blk->json[SEER_GEN_PRE_STATE_JSON], &blk->len[SEER_GEN_PRE_STATE_JSON]);
    if (!f)
        return seer_err(SEER_ENOMEM, "gen: pre_state.json buffer");
    d.f = f;
    int rc = seer_memstore_foreach(pre, dump_account, &d);
    fputs(d.first ? "{}\n" : "\n}\n", f);
    if (fclose(f) != 0 && rc == 0)
        rc = seer_err(SEER_ENOMEM, "gen: pre_state.json buffer");
    if (rc < 0)
        goto cleanup;
    if (d.ncodes)
        seer_qsort(d.codes, d.ncodes, sizeof *d.codes, code_cmp);
    f = open_memstream(&blk->json[SEER_GEN_BYTECODES_JSON], &blk->len[SEER_GEN_BYTECODES_JSON]);
    if (!f) {
        rc = seer_err(SEER_ENOMEM, "gen: bytecodes.json buffer");
        goto cleanup;
    }
    fputs("{", f);
    for (size_t i = 0; i < d.ncodes; i++) {
        fputs(i ? ",\n" : "\n", f);
        hexs(f, d.codes[i].hash.bytes, 32);
        fputs(": ", f);
        hexs(f, d.codes[i].code, d.codes[i].len);
    }
    fputs("\n}\n", f);
    if (fclose(f) != 0)
        rc = seer_err(SEER_ENOMEM, "gen: bytecodes.json buffer");
cleanup:
    free(d.codes);
    return rc;
}

typedef struct header {
    seer_bytes32 parent, state_root, tx_root, receipts_root, mix, beacon_root, hash;
    uint8_t bloom[256];
    seer_address coinbase;
    uint64_t gas_limit, gas_used;
} header;

static void header_hash(header *h)
{
    static const uint8_t empty_ommers[32] = {0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5,
                                             0x67, 0xb6, 0xcc, 0xd4, 0x1a, 0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a,
                                             0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};
    static const uint8_t zero8[8] = {0};
    seer_buf b = SEER_BUF_INIT;
    size_t m = seer_rlp_list_begin(&b);
    seer_rlp_put_bytes(&b, h->parent.bytes, 32);
    seer_rlp_put_bytes(&b, empty_ommers, 32);
    seer_rlp_put_bytes(&b, h->coinbase.bytes, 20);
    seer_rlp_put_bytes(&b, h->state_root.bytes, 32);
    seer_rlp_put_bytes(&b, h->tx_root.bytes, 32);
    seer_rlp_put_bytes(&b, h->receipts_root.bytes, 32);
    seer_rlp_put_bytes(&b, h->bloom, 256);
    seer_rlp_put_u64(&b, 0); /* difficulty, 0 since Paris */
    seer_rlp_put_u64(&b, GEN_NUMBER);
    seer_rlp_put_u64(&b, h->gas_limit);
    seer_rlp_put_u64(&b, h->gas_used);
    seer_rlp_put_u64(&b, GEN_TIMESTAMP);
    seer_rlp_put_bytes(&b, NULL, 0); /* extraData */
    seer_rlp_put_bytes(&b, h->mix.bytes, 32);
    seer_rlp_put_bytes(&b, zero8, 8);
    seer_rlp_put_u64(&b, GEN_BASE_FEE);
    seer_rlp_put_bytes(&b, SEER_EMPTY_TRIE_ROOT.bytes, 32); /* withdrawalsRoot: none */
    seer_rlp_put_u64(&b, 0);                                /* blobGasUsed */
    seer_rlp_put_u64(&b, 0);                                /* excessBlobGas */
    seer_rlp_put_bytes(&b, h->beacon_root.bytes, 32);
    seer_rlp_list_end(&b, m);
    seer_keccak256(h->hash.bytes, b.p, b.len);
    seer_buf_free(&b);
}

static void write_tx(FILE *f, const header *h, const seer_tx *tx, const uint8_t *data, size_t index)
{
    u256 price = u256_from_u64(GEN_BASE_FEE), tip = tx->max_priority_fee, cap = tx->max_fee;
    u256_add(&price, &price, &tip);
    if (u256_gt(&price, &cap))
        price = cap;
    fputs(index ? ",\n  {" : "\n  {", f);
    fputs("\"hash\":", f);
    hexs(f, tx->hash.bytes, 32);
    fputs(",\"nonce\":", f);
    qty(f, tx->nonce);
    fputs(",\"blockHash\":", f);
    hexs(f, h->hash.bytes, 32);
    fputs(",\"blockNumber\":", f);
    qty(f, GEN_NUMBER);
    fputs(",\"transactionIndex\":", f);
    qty(f, index);
    fputs(",\"from\":", f);
    hexs(f, tx->sender.bytes, 20);
    fputs(",\"to\":", f);
    hexs(f, tx->to.bytes, 20);
    fputs(",\"value\":", f);
    qty256(f, &tx->value);
    fputs(",\"gasPrice\":", f);
    qty256(f, &price);
    fputs(",\"gas\":", f);
    qty(f, tx->gas_limit);
    fputs(",\"maxFeePerGas\":", f);
    qty256(f, &tx->max_fee);
    fputs(",\"maxPriorityFeePerGas\":", f);
    qty256(f, &tx->max_priority_fee);
    fputs(",\"input\":", f);
    hexs(f, data, tx->data_len);
    fputs(",\"r\":", f);
    qty256(f, &tx->r);
    fputs(",\"s\":", f);
    qty256(f, &tx->s);
    fputs(",\"v\":", f);
    qty256(f, &tx->v);
    fputs(",\"yParity\":", f);
    qty256(f, &tx->v);
    fputs(",\"chainId\":", f);
    qty(f, tx->chain_id);
    fputs(",\"accessList\":[],\"type\":\"0x2\"}", f);
}

static void write_header(FILE *f, const header *h)
{
    fputs("{\n \"hash\": ", f);
    hexs(f, h->hash.bytes, 32);
    fputs(",\n \"parentHash\": ", f);
    hexs(f, h->parent.bytes, 32);
    fputs(",\n \"sha3Uncles\": \"0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347\"", f);
    fputs(",\n \"miner\": ", f);
    hexs(f, h->coinbase.bytes, 20);
    fputs(",\n \"stateRoot\": ", f);
    hexs(f, h->state_root.bytes, 32);
    fputs(",\n \"transactionsRoot\": ", f);
    hexs(f, h->tx_root.bytes, 32);
    fputs(",\n \"receiptsRoot\": ", f);
    hexs(f, h->receipts_root.bytes, 32);
    fputs(",\n \"logsBloom\": ", f);
    hexs(f, h->bloom, 256);
    fputs(",\n \"difficulty\": \"0x0\",\n \"number\": ", f);
    qty(f, GEN_NUMBER);
    fputs(",\n \"gasLimit\": ", f);
    qty(f, h->gas_limit);
    fputs(",\n \"gasUsed\": ", f);
    qty(f, h->gas_used);
    fputs(",\n \"timestamp\": ", f);
    qty(f, GEN_TIMESTAMP);
    fputs(",\n \"extraData\": \"0x\",\n \"mixHash\": ", f);
    hexs(f, h->mix.bytes, 32);
    fputs(",\n \"nonce\": \"0x0000000000000000\",\n \"baseFeePerGas\": ", f);
    qty(f, GEN_BASE_FEE);
    fputs(",\n \"withdrawalsRoot\": ", f);
    hexs(f, SEER_EMPTY_TRIE_ROOT.bytes, 32);
    fputs(",\n \"blobGasUsed\": \"0x0\",\n \"excessBlobGas\": \"0x0\",\n \"parentBeaconBlockRoot\": ", f);
    hexs(f, h->beacon_root.bytes, 32);
    fputs(",\n \"uncles\": [],\n \"withdrawals\": [],\n \"transactions\": [", f);
}

/* ---- the whole block ---- */
static int execute_and_write(gen *g, seer_gen_block *blk)
{
    size_t n = g->nplans;
    seer_tx *txs = calloc(n ? n : 1, sizeof *txs);
    uint8_t **raws = calloc(n ? n : 1, sizeof *raws);
    size_t *raw_lens = calloc(n ? n : 1, sizeof *raw_lens);
    uint8_t **rcpts = calloc(n ? n : 1, sizeof *rcpts);
    size_t *rcpt_lens = calloc(n ? n : 1, sizeof *rcpt_lens);
    seer_memstore *post = NULL;
    seer_world *w = NULL;
    seer_tx_result res;
    memset(&res, 0, sizeof res);
    header h;
    memset(&h, 0, sizeof h);
    int rc = 0;
    if (!txs || !raws || !raw_lens || !rcpts || !rcpt_lens) {
        rc = seer_err(SEER_ENOMEM, "gen: transactions");
        goto cleanup;
    }
    uint64_t gas_sum = 0;
    for (size_t i = 0; i < n; i++) {
        if ((rc = sign_plan(g, &txs[i], &raws[i], &raw_lens[i], &g->plans[i])) < 0)
            goto cleanup;
        gas_sum += g->plans[i].gas;
    }
    h.coinbase = g->coinbase;
    h.gas_limit = gas_sum > GEN_MIN_GASLIM ? gas_sum : GEN_MIN_GASLIM;
    derive(h.parent.bytes, "seer-gen/parent", g->o->seed, 0);
    derive(h.mix.bytes, "seer-gen/randao", g->o->seed, 0);
    derive(h.beacon_root.bytes, "seer-gen/beacon", g->o->seed, 0);

    seer_block_env env;
    memset(&env, 0, sizeof env);
    env.fork = SEER_FORK_CANCUN;
    env.chain_id = GEN_CHAIN_ID;
    env.coinbase = g->coinbase;
    env.number = GEN_NUMBER;
    env.timestamp = GEN_TIMESTAMP;
    env.gas_limit = h.gas_limit;
    u256_from_be32(&env.prev_randao, h.mix.bytes);
    env.base_fee = u256_from_u64(GEN_BASE_FEE);
    if ((rc = seer_memstore_clone(&post, g->pre)) < 0)
        goto cleanup;
    seer_state_reader reader = seer_memstore_reader(post);
    if ((rc = seer_world_create(&w, &reader, &env)) < 0)
        goto cleanup;
    size_t nhot = 0;
    for (size_t i = 0; i < n; i++) {
        seer_world_reset(w);
        if ((rc = seer_world_execute_tx(w, &res, &txs[i], h.gas_used)) < 0)
            goto cleanup;
        if (res.exception || res.status != SEER_STATUS_SUCCESS) {
            rc = seer_err(SEER_EINTERNAL, "gen: %s transaction %zu failed: %s (status %d)", g->o->workload, i,
                          res.exception ? res.exception : "executed", (int)res.status);
            goto cleanup;
        }
        const seer_changeset *cs;
        if ((rc = seer_world_changeset(w, &cs)) < 0 || (rc = seer_memstore_apply(post, cs)) < 0)
            goto cleanup;
        h.gas_used += res.gas_used;
        uint8_t bloom[256];
        seer_buf b = SEER_BUF_INIT;
        receipt_encode(&b, bloom, &res, h.gas_used);
        if (b.oom) {
            seer_buf_free(&b);
            rc = seer_err(SEER_ENOMEM, "gen: receipt");
            goto cleanup;
        }
        rcpts[i] = b.p;
        rcpt_lens[i] = b.len;
        for (int k = 0; k < 256; k++)
            h.bloom[k] |= bloom[k];
        nhot += g->plans[i].hot;
        seer_tx_result_clear(&res);
    }
    if ((rc = seer_memstore_state_root(post, &h.state_root)) < 0 ||
        (rc = seer_mpt_index_root(&h.tx_root, (const uint8_t *const *)raws, raw_lens, n)) < 0 ||
        (rc = seer_mpt_index_root(&h.receipts_root, (const uint8_t *const *)rcpts, rcpt_lens, n)) < 0)
        goto cleanup;
    header_hash(&h);

    FILE *f = open_memstream(&blk->json[SEER_GEN_BLOCK_JSON], &blk->len[SEER_GEN_BLOCK_JSON]);
    if (!f) {
        rc = seer_err(SEER_ENOMEM, "gen: block.json buffer");
        goto cleanup;
    }
    write_header(f, &h);
    for (size_t i = 0; i < n; i++)
        write_tx(f, &h, &txs[i], txs[i].data, i);
    fputs("\n ]\n}\n", f);
    if (fclose(f) != 0) {
        rc = seer_err(SEER_ENOMEM, "gen: block.json buffer");
        goto cleanup;
    }
    if ((rc = write_pre(blk, g->pre)) < 0)
        goto cleanup;
    blk->info.txs = n;
    blk->info.hot_txs = nhot;
    blk->info.has_hot = g->has_hot;
    blk->info.hot = g->hot;
    blk->info.gas_used = h.gas_used;
    blk->info.number = GEN_NUMBER;
    blk->info.hash = h.hash;
cleanup:
    seer_tx_result_clear(&res);
    seer_world_free(w);
    seer_memstore_free(post);
    for (size_t i = 0; txs && i < n; i++)
        seer_tx_clear(&txs[i]);
    for (size_t i = 0; raws && i < n; i++)
        free(raws[i]);
    for (size_t i = 0; rcpts && i < n; i++)
        free(rcpts[i]);
    free(txs);
    free(raws);
    free(raw_lens);
    free(rcpts);
    free(rcpt_lens);
    return rc;
}

void seer_gen_block_free(seer_gen_block *b)
{
    if (!b)
        return;
    for (int i = 0; i < 3; i++)
        free(b->json[i]);
    free(b);
}

int seer_gen_block_new(seer_gen_block **out, const seer_gen_options *o)
{
    if (!out || !o)
        return seer_err(SEER_EINVAL, "seer_gen_block_new: NULL argument");
    *out = NULL;
    if (o->version != SEER_GEN_OPTIONS_VERSION)
        return seer_err(SEER_EINVAL, "seer_gen_block_new: options version %u, expected %u", o->version,
                        SEER_GEN_OPTIONS_VERSION);
    size_t wl = 0;
    while (workloads[wl] && (!o->workload || strcmp(workloads[wl], o->workload)))
        wl++;
    if (!workloads[wl])
        return seer_err(SEER_EINVAL, "gen: unknown workload '%s'", o->workload ? o->workload : "(null)");
    if (o->txs < 1 || o->txs > GEN_MAX_TXS)
        return seer_err(SEER_EINVAL, "gen: txs %zu out of range 1..%u", o->txs, GEN_MAX_TXS);
    if (o->senders < 1 || o->senders > o->txs)
        return seer_err(SEER_EINVAL, "gen: senders %zu out of range 1..txs (%zu)", o->senders, o->txs);
    if (!(o->contention >= 0.0 && o->contention <= 1.0))
        return seer_err(SEER_EINVAL, "gen: contention %g out of range 0..1", o->contention);
    if (!strcmp(o->workload, "mix") &&
        (uint64_t)o->weights[0] + o->weights[1] + o->weights[2] + o->weights[3] == 0)
        return seer_err(SEER_EINVAL, "gen: mix weights are all zero");
    if ((uint64_t)o->weights[0] + o->weights[1] + o->weights[2] + o->weights[3] > UINT32_MAX)
        return seer_err(SEER_EINVAL, "gen: mix weights sum above 2^32-1");

    gen g;
    memset(&g, 0, sizeof g);
    g.o = o;
    g.rng = o->seed ^ 0x5eed5eed5eed5eedull;
    g.nsenders = o->senders;
    seer_gen_block *blk = calloc(1, sizeof *blk);
    int rc = 0;
    if (!blk) {
        rc = seer_err(SEER_ENOMEM, "gen: block");
        goto cleanup;
    }
    g.secp = secp256k1_context_create(SECP256K1_CONTEXT_SIGN);
    if (!g.secp) {
        rc = seer_err(SEER_ENOMEM, "gen: secp256k1 context");
        goto cleanup;
    }
    if ((rc = seer_memstore_new(&g.pre)) < 0 || (rc = make_senders(&g)) < 0)
        goto cleanup;
    g.coinbase = new_address(&g);
    if ((rc = wl_fns[wl](&g, o->txs)) < 0 || (rc = execute_and_write(&g, blk)) < 0)
        goto cleanup;
    *out = blk;
    blk = NULL;
cleanup:
    seer_gen_block_free(blk);
    if (g.secp)
        secp256k1_context_destroy(g.secp);
    seer_memstore_free(g.pre);
    free(g.keys);
    free(g.senders);
    free(g.nonces);
    free(g.plans);
    free(g.erc20_code);
    free(g.pair_code);
    return rc;
}

const char *seer_gen_block_json(const seer_gen_block *b, seer_gen_file which, size_t *len)
{
    if (!b || (unsigned)which > SEER_GEN_BYTECODES_JSON)
        return NULL;
    if (len)
        *len = b->len[which];
    return b->json[which];
}

int seer_gen_block_info(const seer_gen_block *b, seer_gen_info *out)
{
    if (!b || !out)
        return seer_err(SEER_EINVAL, "seer_gen_block_info: NULL argument");
    *out = b->info;
    return 0;
}

/* mkdir -p: `seer gen --out runs/a/b` should not need the parents made
 * first. */
static int make_dirs(const char *dir)
{
    size_t n = strlen(dir);
    char *p = malloc(n + 1);
    if (!p)
        return seer_err(SEER_ENOMEM, "gen: path");
    memcpy(p, dir, n + 1);
    int rc = 0;
    for (size_t i = 1; i <= n && rc == 0; i++) {
        if (p[i] != '/' && p[i] != 0)
            continue;
        char c = p[i];
        p[i] = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = seer_err(SEER_EIO, "gen: cannot create directory %s: %s", p, strerror(errno));
        p[i] = c;
    }
    free(p);
    return rc;
}

int seer_gen_block_write(const seer_gen_block *b, const char *dir)
{
    static const char *const names[3] = {"block.json", "pre_state.json", "bytecodes.json"};
    if (!b || !dir)
        return seer_err(SEER_EINVAL, "seer_gen_block_write: NULL argument");
    int rc = make_dirs(dir);
    if (rc < 0)
        return rc;
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(n);
        if (!path)
            return seer_err(SEER_ENOMEM, "gen: path");
        snprintf(path, n, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "wb");
        rc = 0;
        if (!f)
            rc = seer_err(SEER_EIO, "gen: cannot open %s: %s", path, strerror(errno));
        else if (fwrite(b->json[i], 1, b->len[i], f) != b->len[i])
            rc = seer_err(SEER_EIO, "gen: cannot write %s: %s", path, strerror(errno));
        if (f && fclose(f) != 0 && rc == 0)
            rc = seer_err(SEER_EIO, "gen: cannot close %s: %s", path, strerror(errno));
        free(path);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int seer_gen_assemble(uint8_t **out, size_t *out_len, const char *src, bool initcode)
{
    if (!out || !out_len || !src)
        return seer_err(SEER_EINVAL, "seer_gen_assemble: NULL argument");
    uint8_t *code;
    size_t len;
    int rc = seer_asm_assemble(&code, &len, src);
    if (rc < 0 || !initcode) {
        if (rc == 0) {
            *out = code;
            *out_len = len;
        }
        return rc;
    }
    rc = seer_asm_initcode(out, out_len, code, len);
    free(code);
    return rc;
}

void seer_gen_bytes_free(uint8_t *p)
{
    free(p);
}
