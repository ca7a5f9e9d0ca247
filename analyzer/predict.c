/* The analyzer handle (summary cache keyed by code hash) and per-
 * transaction instantiation of summaries into predicted access sets.
 *
 * Instantiation never runs bytecode: it walks a summary's guard graph from
 * the root with the frame's concrete inputs (calldata, caller, value, the
 * pre-block state for tier-2 values), keeps the templates whose guard may
 * hold, and evaluates their expressions. A guard whose condition does not
 * evaluate is taken as possibly true; an expression that does not evaluate
 * becomes a wildcard ("all slots of the context" for a storage key,
 * "unknown" for an address). Calls recurse into the callee's summary with
 * the argument words the caller passes, up to max_call_depth. */
#include "analyzer/analyzer_internal.h"

#include "common/buf.h"
#include "common/hashtab.h"
#include "common/keccak.h"
#include "common/rlp.h"
#include "common/util.h"
#include "vm/opcodes.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cache_ent {
    seer_bytes32 hash; /* key */
    UT_hash_handle hh;
    an_summary *s;
} cache_ent;

struct seer_analyzer {
    seer_analyzer_options opts;
    pthread_mutex_t lock;
    cache_ent *cache;
    size_t count;
};

int seer_analyzer_new(seer_analyzer **out, const seer_analyzer_options *opts)
{
    if (!out)
        return SEER_EINVAL;
    *out = NULL;
    seer_analyzer_options def = SEER_ANALYZER_OPTIONS_INIT;
    if (opts && opts->version != SEER_ANALYZER_OPTIONS_VERSION)
        return seer_err(SEER_EINVAL, "analyzer options: version %d, expected %d", opts->version,
                        SEER_ANALYZER_OPTIONS_VERSION);
    seer_analyzer *a = calloc(1, sizeof *a);
    if (!a)
        return seer_err(SEER_ENOMEM, "analyzer");
    a->opts = opts ? *opts : def;
    if (a->opts.max_paths < 1)
        a->opts.max_paths = 1;
    if (a->opts.max_nodes < 16)
        a->opts.max_nodes = 16;
    pthread_mutex_init(&a->lock, NULL);
    *out = a;
    return 0;
}

void seer_analyzer_cache_clear(seer_analyzer *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    cache_ent *e, *tmp;
    HASH_ITER(hh, a->cache, e, tmp)
    {
        HASH_DEL(a->cache, e);
        an_summary_free(e->s);
        free(e);
    }
    a->count = 0;
    pthread_mutex_unlock(&a->lock);
}

void seer_analyzer_free(seer_analyzer *a)
{
    if (!a)
        return;
    seer_analyzer_cache_clear(a);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

size_t seer_analyzer_cache_count(const seer_analyzer *a)
{
    if (!a)
        return 0;
    seer_analyzer *m = (seer_analyzer *)a;
    pthread_mutex_lock(&m->lock);
    size_t n = m->count;
    pthread_mutex_unlock(&m->lock);
    return n;
}

int seer_analyzer_summary(seer_analyzer *a, const an_summary **out, const seer_bytes32 *code_hash,
                          const uint8_t *code, size_t len)
{
    cache_ent *e;
    pthread_mutex_lock(&a->lock);
    HASH_FIND(hh, a->cache, code_hash, sizeof *code_hash, e);
    pthread_mutex_unlock(&a->lock);
    if (e) {
        *out = e->s;
        return 0;
    }
    /* Built outside the lock: two threads may build the same code; the
     * second insert loses and frees its copy. */
    an_summary *s = NULL;
    int rc = an_summary_build(&s, code, len, &a->opts);
    if (rc < 0)
        return rc;
    s->code_hash = *code_hash;
    cache_ent *n = calloc(1, sizeof *n);
    if (!n) {
        an_summary_free(s);
        return seer_err(SEER_ENOMEM, "analyzer cache");
    }
    n->hash = *code_hash;
    n->s = s;
    pthread_mutex_lock(&a->lock);
    HASH_FIND(hh, a->cache, code_hash, sizeof *code_hash, e);
    if (e) {
        pthread_mutex_unlock(&a->lock);
        an_summary_free(s);
        free(n);
        *out = e->s;
        return 0;
    }
    bool oom = false;
    SEER_HASH_ADD(hh, a->cache, &n->hash, sizeof n->hash, n, &oom);
    if (!oom)
        a->count++;
    pthread_mutex_unlock(&a->lock);
    if (oom) {
        an_summary_free(s);
        free(n);
        return seer_err(SEER_ENOMEM, "analyzer cache");
    }
    *out = s;
    return 0;
}

/* ---- prediction sets ---- */

void seer_prediction_clear(seer_prediction *p)
{
    if (!p)
        return;
    free(p->keys);
    free(p->all_slots);
    memset(p, 0, sizeof *p);
}

static int pred_add(seer_prediction *p, const seer_address *addr, seer_key_field f, const u256 *slot,
                    bool write, seer_pred_tier tier)
{
    if (p->nkeys == p->keys_cap) {
        size_t nc = p->keys_cap ? p->keys_cap * 2 : 32;
        seer_pred_key *k = realloc(p->keys, nc * sizeof *k);
        if (!k)
            return seer_err(SEER_ENOMEM, "prediction keys");
        p->keys = k;
        p->keys_cap = nc;
    }
    seer_pred_key *k = &p->keys[p->nkeys++];
    memset(k, 0, sizeof *k);
    memcpy(k->key.addr, addr->bytes, 20);
    k->key.field = (uint8_t)f;
    if (slot)
        u256_to_be32(k->key.slot, slot);
    k->write = write;
    k->tier = (uint8_t)tier;
    return 0;
}

static int pred_rw(seer_prediction *p, const seer_address *addr, seer_key_field f, const u256 *slot,
                   bool write, seer_pred_tier tier)
{
    int rc = pred_add(p, addr, f, slot, false, tier);
    if (rc == 0 && write)
        rc = pred_add(p, addr, f, slot, true, tier);
    return rc;
}

static int pred_all_slots(seer_prediction *p, const seer_address *addr)
{
    for (size_t i = 0; i < p->nall_slots; i++)
        if (!memcmp(&p->all_slots[i], addr, sizeof *addr))
            return 0;
    if (p->nall_slots == p->all_slots_cap) {
        size_t nc = p->all_slots_cap ? p->all_slots_cap * 2 : 4;
        seer_address *q = realloc(p->all_slots, nc * sizeof *q);
        if (!q)
            return seer_err(SEER_ENOMEM, "prediction wildcards");
        p->all_slots = q;
        p->all_slots_cap = nc;
    }
    p->all_slots[p->nall_slots++] = *addr;
    return 0;
}

static void pred_unknown(seer_prediction *p, const char *why)
{
    if (!p->unknown)
        p->unknown_why = why;
    p->unknown = true;
}

static int cmp_pkey(const void *x, const void *y)
{
    const seer_pred_key *a = x, *b = y;
    int c = memcmp(&a->key, &b->key, sizeof a->key);
    if (c)
        return c;
    return (int)a->write - (int)b->write;
}

static void pred_finish(seer_prediction *p)
{
    if (p->nkeys == 0)
        return;
    seer_qsort(p->keys, p->nkeys, sizeof *p->keys, cmp_pkey);
    size_t o = 0;
    for (size_t i = 0; i < p->nkeys; i++) {
        if (o && !cmp_pkey(&p->keys[o - 1], &p->keys[i])) {
            if (p->keys[i].tier < p->keys[o - 1].tier)
                p->keys[o - 1].tier = p->keys[i].tier;
            continue;
        }
        p->keys[o++] = p->keys[i];
    }
    p->nkeys = o;
}

static bool pred_has(const seer_prediction *p, const seer_key *k, bool write)
{
    seer_pred_key probe;
    memset(&probe, 0, sizeof probe);
    probe.key = *k;
    probe.write = write;
    return bsearch(&probe, p->keys, p->nkeys, sizeof *p->keys, cmp_pkey) != NULL;
}

bool seer_prediction_covers(const seer_prediction *p, const seer_key *k, bool write)
{
    if (p->unknown)
        return true;
    if (k->field == SEER_KEY_STORAGE)
        for (size_t i = 0; i < p->nall_slots; i++)
            if (!memcmp(p->all_slots[i].bytes, k->addr, 20))
                return true;
    if (write)
        return pred_has(p, k, true);
    return pred_has(p, k, false) || pred_has(p, k, true);
}

/* ---- evaluation ---- */

typedef struct frame_in {
    seer_address ctx; /* storage context and ADDRESS */
    seer_address code_addr;
    seer_address caller;
    bool value_known;
    u256 value;
    const uint8_t *cd;
    const uint8_t *cd_known; /* per byte, NULL: all known */
    size_t cd_len;
    bool cd_len_known;
    unsigned depth;
    seer_pred_tier tier; /* tier of the frame's existence (its target) */
} frame_in;

typedef struct memo_ent {
    uint32_t id; /* 0: empty */
    uint8_t ok;
    uint8_t t2;
    u256 v;
} memo_ent;

/* Frames per transaction: calls fan out, so without a bound the walk is
 * exponential in the call depth. Identical frames are instantiated once. */
#define MAX_FRAMES 256

typedef struct pctx {
    seer_analyzer *a;
    seer_prediction *p;
    const seer_tx *tx;
    const seer_block_env *env;
    const seer_state_reader *r;
    int err;
    uint64_t seen[MAX_FRAMES]; /* signatures of the frames instantiated */
    uint32_t nseen;
} pctx;

typedef struct evalctx {
    pctx *pc;
    const an_summary *s;
    const frame_in *f;
    memo_ent *memo;
    uint32_t mcap, mcount;
} evalctx;

static memo_ent *memo_slot(evalctx *e, uint32_t id)
{
    uint32_t i = (id * 2654435761u) & (e->mcap - 1);
    while (e->memo[i].id && e->memo[i].id != id)
        i = (i + 1) & (e->mcap - 1);
    return &e->memo[i];
}

static bool memo_grow(evalctx *e)
{
    if ((e->mcount + 1) * 2 <= e->mcap)
        return true;
    uint32_t nc = e->mcap * 2;
    memo_ent *old = e->memo;
    uint32_t ocap = e->mcap;
    e->memo = calloc(nc, sizeof *e->memo);
    if (!e->memo) {
        e->memo = old;
        return false;
    }
    e->mcap = nc;
    for (uint32_t i = 0; i < ocap; i++)
        if (old[i].id)
            *memo_slot(e, old[i].id) = old[i];
    free(old);
    return true;
}

static bool addr_of(seer_address *out, const u256 *v)
{
    uint8_t be[32];
    u256_to_be32(be, v);
    memcpy(out->bytes, be + 12, 20);
    return true;
}

static u256 addr_word(const seer_address *a)
{
    uint8_t be[32] = {0};
    memcpy(be + 12, a->bytes, 20);
    u256 v;
    u256_from_be32(&v, be);
    return v;
}

/* Evaluates node id. Returns false when it does not evaluate; *t2 is set
 * when a stored value took part. Depth is bounded by the builder. */
static bool eval(evalctx *e, uint32_t id, u256 *out, bool *t2)
{
    const an_node *n = &e->s->nodes[id];
    switch (n->kind) {
    case AN_CONST: *out = n->k; return true;
    case AN_SELF: *out = addr_word(&e->f->ctx); return true;
    case AN_CALLER: *out = addr_word(&e->f->caller); return true;
    case AN_ORIGIN: *out = addr_word(&e->pc->tx->sender); return true;
    case AN_CALLVALUE: *out = e->f->value; return e->f->value_known;
    case AN_CDSIZE: *out = u256_from_u64(e->f->cd_len); return e->f->cd_len_known;
    case AN_UNKNOWN:
    case AN_LOOPVAR: return false;
    case AN_ENV:
        switch (n->op) {
        case SEER_OP_COINBASE: *out = addr_word(&e->pc->env->coinbase); return true;
        case SEER_OP_TIMESTAMP: *out = u256_from_u64(e->pc->env->timestamp); return true;
        case SEER_OP_NUMBER: *out = u256_from_u64(e->pc->env->number); return true;
        case SEER_OP_GASLIMIT: *out = u256_from_u64(e->pc->env->gas_limit); return true;
        case SEER_OP_CHAINID: *out = u256_from_u64(e->pc->env->chain_id); return true;
        case SEER_OP_BASEFEE: *out = e->pc->env->base_fee; return true;
        default: return false;
        }
    default: break;
    }
    memo_ent *m = memo_slot(e, id);
    if (m->id) {
        *out = m->v;
        *t2 |= m->t2;
        return m->ok;
    }
    bool ok = false, mt2 = false;
    u256 v = U256_ZERO;
    switch (n->kind) {
    case AN_CALLDATA: {
        u256 off;
        if (!eval(e, n->a, &off, &mt2))
            break;
        const frame_in *f = e->f;
        uint8_t w[32] = {0};
        ok = true;
        if (!u256_fits_u64(&off) || off.w[0] > ((uint64_t)1 << 40)) {
            ok = f->cd_len_known; /* far beyond: zeros */
        } else {
            for (uint64_t i = 0; i < 32 && ok; i++) {
                uint64_t pos = off.w[0] + i;
                if (pos < f->cd_len) {
                    if (f->cd_known && !f->cd_known[pos])
                        ok = false;
                    else
                        w[i] = f->cd[pos];
                } else if (!f->cd_len_known) {
                    ok = false;
                }
            }
        }
        if (ok)
            u256_from_be32(&v, w);
        break;
    }
    case AN_SLOAD: {
        u256 slot;
        if (!eval(e, n->a, &slot, &mt2))
            break;
        int rc = e->pc->r->vt->get_storage(e->pc->r->ctx, &e->f->ctx, &slot, &v);
        if (rc < 0) {
            e->pc->err = rc;
            break;
        }
        ok = true;
        mt2 = true;
        break;
    }
    case AN_OP: {
        u256 x = U256_ZERO, y = U256_ZERO, z = U256_ZERO;
        ok = eval(e, n->a, &x, &mt2) && (!n->b || eval(e, n->b, &y, &mt2)) &&
             (!n->c || eval(e, n->c, &z, &mt2));
        if (ok)
            ok = an_apply_op(&v, n->op, &x, &y, &z);
        break;
    }
    case AN_KECCAK: {
        uint8_t buf[32 * 32];
        ok = n->b <= 32;
        for (uint32_t i = 0; i < n->b && ok; i++) {
            u256 w;
            ok = eval(e, e->s->args[n->a + i], &w, &mt2);
            if (ok)
                u256_to_be32(buf + 32 * i, &w);
        }
        if (ok) {
            uint8_t h[32];
            seer_keccak256(h, buf, n->c <= 32 * (size_t)n->b ? n->c : 32 * (size_t)n->b);
            u256_from_be32(&v, h);
        }
        break;
    }
    default: break;
    }
    if (!memo_grow(e)) {
        e->pc->err = SEER_ENOMEM;
        return false;
    }
    m = memo_slot(e, id);
    m->id = id;
    m->ok = ok;
    m->t2 = mt2;
    m->v = v;
    e->mcount++;
    *out = v;
    *t2 |= mt2;
    return ok;
}

static seer_pred_tier tier_of(const frame_in *f, bool t2)
{
    return t2 || f->tier == SEER_PRED_STATE ? SEER_PRED_STATE : SEER_PRED_STATIC;
}

static bool is_precompile(const seer_address *a)
{
    for (int i = 0; i < 18; i++)
        if (a->bytes[i])
            return false;
    unsigned v = ((unsigned)a->bytes[18] << 8) | a->bytes[19];
    return v >= 1 && v <= 0x11;
}

static int frame(pctx *pc, const frame_in *f);
static int an_instantiate(pctx *pc, const an_summary *s, const frame_in *f);

static int account_exists(pctx *pc, const seer_address *a, bool *exists)
{
    seer_account acct;
    int rc = pc->r->vt->get_account(pc->r->ctx, a, &acct);
    if (rc < 0)
        return rc;
    *exists = acct.exists;
    return 0;
}

/* The keys of a value transfer from `from` to `to` (value may be unknown). */
static int transfer(pctx *pc, const seer_address *from, const seer_address *to, seer_pred_tier tier)
{
    int rc = pred_rw(pc->p, from, SEER_KEY_BALANCE, NULL, true, tier);
    if (rc == 0)
        rc = pred_add(pc->p, to, SEER_KEY_BALANCE, NULL, true, tier);
    bool ex = true;
    if (rc == 0)
        rc = account_exists(pc, to, &ex);
    if (rc == 0 && !ex)
        rc = pred_add(pc->p, to, SEER_KEY_EXISTS, NULL, true, tier);
    return rc;
}

static int inst_call(pctx *pc, evalctx *e, const an_call *c)
{
    const frame_in *f = e->f;
    bool t2 = false;
    u256 tv;
    if (!eval(e, c->target, &tv, &t2)) {
        pred_unknown(pc->p, "call target not derivable");
        return 0;
    }
    seer_pred_tier tier = tier_of(f, t2);
    seer_address target;
    addr_of(&target, &tv);
    bool vt2 = false, has_value = false;
    u256 value = U256_ZERO;
    bool value_known = true;
    if (c->op == SEER_OP_CALL || c->op == SEER_OP_CALLCODE) {
        value_known = eval(e, c->value, &value, &vt2);
        has_value = !value_known || !u256_is_zero(&value);
    } else if (c->op == SEER_OP_DELEGATECALL) {
        value = f->value;
        value_known = f->value_known;
    }
    int rc = 0;
    if (c->op == SEER_OP_CALL || c->op == SEER_OP_STATICCALL) {
        /* STATICCALL is a CALL with the static flag (EVMC): the world
         * checks the target's existence for both. */
        rc = pred_add(pc->p, &target, SEER_KEY_EXISTS, NULL, false, tier);
        if (rc == 0 && has_value)
            rc = transfer(pc, &f->ctx, &target, tier);
    } else if (c->op == SEER_OP_CALLCODE && has_value) {
        rc = pred_rw(pc->p, &f->ctx, SEER_KEY_BALANCE, NULL, false, tier);
    }
    if (rc < 0 || is_precompile(&target))
        return rc;
    rc = pred_add(pc->p, &target, SEER_KEY_CODE, NULL, false, tier);
    if (rc < 0)
        return rc;
    if (f->depth + 1 > pc->a->opts.max_call_depth) {
        pred_unknown(pc->p, "call depth limit");
        return 0;
    }
    /* The callee's calldata: the argument words the caller passes. */
    frame_in g;
    memset(&g, 0, sizeof g);
    g.depth = f->depth + 1;
    g.tier = tier;
    g.code_addr = target;
    if (c->op == SEER_OP_DELEGATECALL) {
        g.ctx = f->ctx;
        g.caller = f->caller;
    } else if (c->op == SEER_OP_CALLCODE) {
        g.ctx = f->ctx;
        g.caller = f->ctx;
    } else {
        g.ctx = target;
        g.caller = f->ctx;
    }
    g.value = value;
    g.value_known = value_known;
    uint8_t *cd = NULL, *known = NULL;
    if (c->args == AN_ARGS_FORWARD) {
        g.cd = f->cd;
        g.cd_known = f->cd_known;
        g.cd_len = f->cd_len;
        g.cd_len_known = f->cd_len_known;
    } else if (c->args != AN_ARGS_UNKNOWN) {
        size_t n = (size_t)c->nargs * 32;
        cd = calloc(n + 1, 1);
        known = calloc(n + 1, 1);
        if (!cd || !known) {
            free(cd);
            free(known);
            return seer_err(SEER_ENOMEM, "callee calldata");
        }
        for (uint32_t i = 0; i < c->nargs; i++) {
            u256 w;
            bool wt2 = false;
            if (eval(e, e->s->args[c->args + i], &w, &wt2)) {
                u256_to_be32(cd + 32 * i, &w);
                memset(known + 32 * i, 1, 32);
            }
        }
        u256 sz;
        bool st2 = false;
        g.cd_len = n;
        if (eval(e, c->argsize, &sz, &st2) && u256_fits_u64(&sz) && sz.w[0] <= n) {
            g.cd_len = (size_t)sz.w[0];
            g.cd_len_known = true;
        }
        g.cd = cd;
        g.cd_known = known;
    } else {
        g.cd_len = 0;
        g.cd_len_known = false;
    }
    rc = frame(pc, &g);
    free(cd);
    free(known);
    return rc;
}

/* Instantiates the summary of f->code_addr's code. */
static int frame(pctx *pc, const frame_in *f)
{
    seer_account acct;
    int rc = pc->r->vt->get_account(pc->r->ctx, &f->code_addr, &acct);
    if (rc < 0)
        return rc;
    if (!acct.exists || !memcmp(&acct.code_hash, &SEER_EMPTY_CODE_HASH, 32))
        return 0;
    const uint8_t *code;
    size_t len;
    rc = pc->r->vt->get_code(pc->r->ctx, &acct.code_hash, &code, &len);
    if (rc < 0)
        return rc;
    const an_summary *s;
    rc = seer_analyzer_summary(pc->a, &s, &acct.code_hash, code, len);
    if (rc < 0)
        return rc;
    return an_instantiate(pc, s, f);
}

/* Which guards may hold: a walk from the root over the forward edges,
 * entering a guard when its condition does not evaluate to the opposite
 * of its polarity. Iterative, so cyclic merges (loops) are fine. */
static uint8_t *feasible_guards(evalctx *e, uint32_t **order, uint32_t *norder)
{
    const an_summary *s = e->s;
    uint8_t *ok = calloc(s->nguards ? s->nguards : 1, 1);
    uint32_t *queue = malloc((s->nguards ? s->nguards : 1) * sizeof *queue);
    if (!ok || !queue) {
        free(ok);
        free(queue);
        return NULL;
    }
    uint32_t qh = 0, qt = 0;
    ok[0] = 1;
    queue[qt++] = 0;
    while (qh < qt) {
        uint32_t g = queue[qh++];
        for (uint32_t i = s->gchild_start[g]; i < s->gchild_start[g + 1]; i++) {
            uint32_t c = s->gchild[i];
            if (ok[c])
                continue;
            const an_guard *gd = &s->guards[c];
            if (gd->cond) {
                u256 v;
                bool t2 = false;
                if (eval(e, gd->cond, &v, &t2) && (!u256_is_zero(&v)) != (gd->polarity != 0))
                    continue;
            }
            ok[c] = 1;
            queue[qt++] = c;
        }
    }
    *order = queue;
    *norder = qt;
    return ok;
}

static uint64_t fmix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

/* A frame's inputs as one 64-bit signature. */
static uint64_t frame_sig(const an_summary *s, const frame_in *f)
{
    uint64_t h = 0;
    uint64_t w[4];
    memcpy(w, s->code_hash.bytes, 32);
    for (int i = 0; i < 4; i++)
        h = fmix(h, w[i]);
    uint8_t a[64] = {0};
    memcpy(a, f->ctx.bytes, 20);
    memcpy(a + 20, f->caller.bytes, 20);
    a[40] = f->value_known;
    a[41] = f->cd_len_known;
    memcpy(a + 42, &f->cd_len, sizeof f->cd_len < 8 ? sizeof f->cd_len : 8);
    for (int i = 0; i < 8; i++) {
        uint64_t x;
        memcpy(&x, a + 8 * i, 8);
        h = fmix(h, x);
    }
    for (int i = 0; i < 4; i++)
        h = fmix(h, f->value.w[i]);
    for (size_t i = 0; i < f->cd_len; i++)
        h = fmix(h, ((uint64_t)(f->cd ? f->cd[i] : 0) << 1) | (f->cd_known ? f->cd_known[i] : 1));
    return h;
}

static int an_instantiate(pctx *pc, const an_summary *s, const frame_in *f)
{
    uint64_t sig = frame_sig(s, f);
    for (uint32_t i = 0; i < pc->nseen; i++)
        if (pc->seen[i] == sig)
            return 0; /* the same keys again */
    if (pc->nseen == MAX_FRAMES) {
        pred_unknown(pc->p, "frame budget per transaction");
        return 0;
    }
    pc->seen[pc->nseen++] = sig;
    pc->p->frames++;
    evalctx e;
    memset(&e, 0, sizeof e);
    e.pc = pc;
    e.s = s;
    e.f = f;
    e.mcap = 256;
    e.memo = calloc(e.mcap, sizeof *e.memo);
    uint32_t *order = NULL, norder = 0;
    uint8_t *ok = e.memo ? feasible_guards(&e, &order, &norder) : NULL;
    if (!ok) {
        free(e.memo);
        return seer_err(SEER_ENOMEM, "prediction scratch");
    }
    int rc = 0;
    seer_prediction *p = pc->p;
    /* Templates of the feasible guards only, in guard order. */
    uint32_t qi = 0, ti = 0, tend = 0;
    for (;;) {
        if (rc != 0 || pc->err != 0)
            break;
        if (ti == tend) {
            if (qi == norder)
                break;
            uint32_t g = order[qi++];
            ti = s->gtpl_start[g];
            tend = s->gtpl_start[g + 1];
            continue;
        }
        const an_template *t = &s->tpl[s->gtpl[ti++]];
        u256 v;
        bool t2 = false;
        seer_address addr;
        switch (t->kind) {
        case AT_SLOAD:
        case AT_SSTORE:
            if (eval(&e, t->a, &v, &t2))
                rc = pred_rw(p, &f->ctx, SEER_KEY_STORAGE, &v, t->kind == AT_SSTORE, tier_of(f, t2));
            else
                rc = pred_all_slots(p, &f->ctx);
            break;
        case AT_BALANCE:
        case AT_CODE:
        case AT_CODEHASH:
            if (!eval(&e, t->a, &v, &t2)) {
                pred_unknown(p, t->kind == AT_BALANCE ? "BALANCE of an address not derivable"
                                                      : "EXTCODE* of an address not derivable");
                break;
            }
            addr_of(&addr, &v);
            if (t->kind == AT_BALANCE) {
                rc = pred_add(p, &addr, SEER_KEY_BALANCE, NULL, false, tier_of(f, t2));
            } else {
                rc = pred_add(p, &addr, SEER_KEY_CODE, NULL, false, tier_of(f, t2));
                if (rc == 0 && t->kind == AT_CODEHASH)
                    rc = pred_add(p, &addr, SEER_KEY_EXISTS, NULL, false, tier_of(f, t2));
            }
            break;
        case AT_SELFBALANCE:
            rc = pred_add(p, &f->ctx, SEER_KEY_BALANCE, NULL, false, tier_of(f, false));
            break;
        case AT_SELFDESTRUCT:
            if (!eval(&e, t->a, &v, &t2)) {
                pred_unknown(p, "SELFDESTRUCT beneficiary not derivable");
                break;
            }
            addr_of(&addr, &v);
            rc = pred_rw(p, &f->ctx, SEER_KEY_BALANCE, NULL, true, tier_of(f, t2));
            if (rc == 0)
                rc = pred_rw(p, &addr, SEER_KEY_EXISTS, NULL, true, tier_of(f, t2));
            if (rc == 0)
                rc = pred_add(p, &addr, SEER_KEY_BALANCE, NULL, true, tier_of(f, t2));
            if (rc == 0)
                rc = pred_all_slots(p, &f->ctx); /* pre-Cancun: the storage goes */
            if (rc == 0)
                rc = pred_rw(p, &f->ctx, SEER_KEY_NONCE, NULL, true, tier_of(f, t2));
            if (rc == 0)
                rc = pred_rw(p, &f->ctx, SEER_KEY_CODE, NULL, true, tier_of(f, t2));
            if (rc == 0)
                rc = pred_rw(p, &f->ctx, SEER_KEY_EXISTS, NULL, true, tier_of(f, t2));
            break;
        case AT_CALL: rc = inst_call(pc, &e, &s->calls[t->call]); break;
        case AT_CREATE: pred_unknown(p, "CREATE/CREATE2 in a called contract"); break;
        case AT_UNKNOWN:
        default: pred_unknown(p, "analysis incomplete (budget, loop or symbolic jump)"); break;
        }
    }
    free(ok);
    free(order);
    free(e.memo);
    if (rc == 0 && pc->err)
        rc = pc->err;
    return rc;
}

static void create_address(seer_address *out, const seer_address *sender, uint64_t nonce)
{
    seer_buf b = SEER_BUF_INIT;
    size_t m = seer_rlp_list_begin(&b);
    seer_rlp_put_bytes(&b, sender->bytes, 20);
    seer_rlp_put_u64(&b, nonce);
    seer_rlp_list_end(&b, m);
    uint8_t h[32];
    seer_keccak256(h, b.p, b.len);
    seer_buf_free(&b);
    memcpy(out->bytes, h + 12, 20);
}

int seer_analyzer_predict_tx(seer_analyzer *a, seer_prediction *out, const seer_tx *tx,
                             const seer_block_env *env, const seer_state_reader *reader)
{
    if (!a || !out || !tx || !env || !reader || !tx->has_sender)
        return SEER_EINVAL;
    memset(out, 0, sizeof *out);
    pctx *pcp = calloc(1, sizeof *pcp);
    if (!pcp)
        return seer_err(SEER_ENOMEM, "prediction");
    pcp->a = a;
    pcp->p = out;
    pcp->tx = tx;
    pcp->env = env;
    pcp->r = reader;
    const seer_address *from = &tx->sender;
    int rc = pred_rw(out, from, SEER_KEY_NONCE, NULL, true, SEER_PRED_TX);
    if (rc == 0)
        rc = pred_rw(out, from, SEER_KEY_BALANCE, NULL, true, SEER_PRED_TX);
    if (rc == 0)
        rc = pred_add(out, from, SEER_KEY_CODE, NULL, false, SEER_PRED_TX);
    frame_in f;
    memset(&f, 0, sizeof f);
    f.caller = *from;
    f.value = tx->value;
    f.value_known = true;
    f.cd = tx->data;
    f.cd_len = tx->data_len;
    f.cd_len_known = true;
    f.tier = SEER_PRED_STATIC;
    bool has_value = !u256_is_zero(&tx->value);
    if (rc == 0 && tx->has_to) {
        f.ctx = f.code_addr = tx->to;
        rc = pred_add(out, &tx->to, SEER_KEY_EXISTS, NULL, false, SEER_PRED_TX);
        if (rc == 0)
            rc = pred_add(out, &tx->to, SEER_KEY_CODE, NULL, false, SEER_PRED_TX);
        if (rc == 0 && has_value) {
            bool ex = true;
            rc = pred_add(out, &tx->to, SEER_KEY_BALANCE, NULL, true, SEER_PRED_TX);
            if (rc == 0)
                rc = account_exists(pcp, &tx->to, &ex);
            if (rc == 0 && !ex)
                rc = pred_add(out, &tx->to, SEER_KEY_EXISTS, NULL, true, SEER_PRED_TX);
        }
        if (rc == 0 && !is_precompile(&tx->to))
            rc = frame(pcp, &f);
    } else if (rc == 0) {
        /* Creation: the address is the sender's and the tx nonce's; the
         * init code is the data, run with empty calldata. */
        seer_address na;
        create_address(&na, from, tx->nonce);
        f.ctx = f.code_addr = na;
        f.cd = NULL;
        f.cd_len = 0;
        seer_key_field fl[] = {SEER_KEY_NONCE, SEER_KEY_CODE, SEER_KEY_EXISTS};
        for (size_t i = 0; i < SEER_ARRAY_LEN(fl) && rc == 0; i++)
            rc = pred_rw(out, &na, fl[i], NULL, true, SEER_PRED_TX);
        if (rc == 0)
            rc = pred_add(out, &na, SEER_KEY_BALANCE, NULL, true, SEER_PRED_TX);
        seer_bytes32 h;
        seer_keccak256(h.bytes, tx->data, tx->data_len);
        const an_summary *s;
        if (rc == 0)
            rc = seer_analyzer_summary(a, &s, &h, tx->data, tx->data_len);
        if (rc == 0)
            rc = an_instantiate(pcp, s, &f);
    }
    free(pcp);
    if (rc < 0) {
        seer_prediction_clear(out);
        return rc;
    }
    pred_finish(out);
    return 0;
}
