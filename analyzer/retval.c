/* Return data: the value a call returns, derived from the callee's summary.
 *
 * A caller's summary names "word k of the return data of call c" as an
 * AN_RETDATA node (a router's factory.getPair(a, b), a pair's token0(), a
 * proxy's implementation()). It evaluates when the callee is known: its
 * summary is instantiated with the arguments the caller passes, the guards
 * that may hold are found, and every feasible end of a successful path
 * must be a RETURN whose word at that offset evaluates, to one and the
 * same value. A feasible cut (AT_UNKNOWN), a STOP or a RETURN of
 * underivable data makes it not evaluate. Failing ends (REVERT, INVALID)
 * are left out: after a failed call the caller reverts (Solidity checks
 * success) and does not go on with this data; where a caller does go on,
 * the value may be wrong, which the scheduler's validation of the actual
 * access sets catches like any stale tier-2 value.
 *
 * Bounded: each callee instantiation takes one unit of rc->budget and one
 * level of rc->max_depth; expressions are as shallow as the builder made
 * them. */
#include "analyzer/analyzer_internal.h"

#include "common/keccak.h"
#include "vm/opcodes.h"

#include <stdlib.h>
#include <string.h>

typedef struct rmemo {
    uint32_t id; /* 0: empty */
    uint8_t ok;
    u256 v;
} rmemo;

typedef struct reval {
    an_rctx *c;
    const an_summary *s;
    const an_rframe *f;
    rmemo *m;
    uint32_t mcap, mcount;
} reval;

static bool rv_eval(reval *e, uint32_t id, u256 *out);
static bool rv_retdata(reval *e, uint32_t call, uint32_t off, u256 *out);

static u256 addr_word(const seer_address *a)
{
    uint8_t be[32] = {0};
    memcpy(be + 12, a->bytes, 20);
    u256 v;
    u256_from_be32(&v, be);
    return v;
}

static void addr_of(seer_address *out, const u256 *v)
{
    uint8_t be[32];
    u256_to_be32(be, v);
    memcpy(out->bytes, be + 12, 20);
}

static rmemo *memo_slot(rmemo *m, uint32_t cap, uint32_t id)
{
    uint32_t i = (id * 2654435761u) & (cap - 1);
    while (m[i].id && m[i].id != id)
        i = (i + 1) & (cap - 1);
    return &m[i];
}

static bool memo_put(reval *e, uint32_t id, bool ok, const u256 *v)
{
    if ((e->mcount + 1) * 2 > e->mcap) {
        uint32_t nc = e->mcap * 2;
        rmemo *t = calloc(nc, sizeof *t);
        if (!t) {
            e->c->err = SEER_ENOMEM;
            return false;
        }
        for (uint32_t i = 0; i < e->mcap; i++)
            if (e->m[i].id)
                *memo_slot(t, nc, e->m[i].id) = e->m[i];
        free(e->m);
        e->m = t;
        e->mcap = nc;
    }
    rmemo *s = memo_slot(e->m, e->mcap, id);
    s->id = id;
    s->ok = ok;
    s->v = *v;
    e->mcount++;
    return true;
}

static bool rv_calldata(const an_rframe *f, const u256 *off, u256 *out)
{
    uint8_t w[32] = {0};
    if (!u256_fits_u64(off) || off->w[0] > ((uint64_t)1 << 40)) {
        *out = U256_ZERO;
        return f->cd_len_known; /* far beyond: zeros */
    }
    for (uint64_t i = 0; i < 32; i++) {
        uint64_t pos = off->w[0] + i;
        if (pos < f->cd_len) {
            if (f->cd_known && !f->cd_known[pos])
                return false;
            w[i] = f->cd[pos];
        } else if (!f->cd_len_known) {
            return false;
        }
    }
    u256_from_be32(out, w);
    return true;
}

static bool rv_eval(reval *e, uint32_t id, u256 *out)
{
    const an_node *n = &e->s->nodes[id];
    const an_rframe *f = e->f;
    switch (n->kind) {
    case AN_CONST: *out = n->k; return true;
    case AN_SELF: *out = addr_word(&f->ctx); return true;
    case AN_CALLER: *out = addr_word(&f->caller); return true;
    case AN_ORIGIN: *out = addr_word(&e->c->origin); return true;
    case AN_CALLVALUE: *out = f->value; return f->value_known;
    case AN_CDSIZE: *out = u256_from_u64(f->cd_len); return f->cd_len_known;
    case AN_UNKNOWN:
    case AN_LOOPVAR: return false;
    case AN_ENV:
        switch (n->op) {
        case SEER_OP_COINBASE: *out = addr_word(&e->c->env->coinbase); return true;
        case SEER_OP_TIMESTAMP: *out = u256_from_u64(e->c->env->timestamp); return true;
        case SEER_OP_NUMBER: *out = u256_from_u64(e->c->env->number); return true;
        case SEER_OP_GASLIMIT: *out = u256_from_u64(e->c->env->gas_limit); return true;
        case SEER_OP_CHAINID: *out = u256_from_u64(e->c->env->chain_id); return true;
        case SEER_OP_BASEFEE: *out = e->c->env->base_fee; return true;
        default: return false;
        }
    default: break;
    }
    if (e->c->err)
        return false;
    const rmemo *m = memo_slot(e->m, e->mcap, id);
    if (m->id) {
        *out = m->v;
        return m->ok;
    }
    bool ok = false;
    u256 v = U256_ZERO;
    switch (n->kind) {
    case AN_CALLDATA: {
        u256 off;
        ok = rv_eval(e, n->a, &off) && rv_calldata(f, &off, &v);
        break;
    }
    case AN_SLOAD: {
        u256 slot;
        if (!rv_eval(e, n->a, &slot))
            break;
        int rc = e->c->r->vt->get_storage(e->c->r->ctx, &f->ctx, &slot, &v);
        if (rc < 0) {
            e->c->err = rc;
            break;
        }
        ok = true;
        break;
    }
    case AN_OP: {
        u256 x = U256_ZERO, y = U256_ZERO, z = U256_ZERO;
        ok = rv_eval(e, n->a, &x) && (!n->b || rv_eval(e, n->b, &y)) && (!n->c || rv_eval(e, n->c, &z)) &&
             an_apply_op(&v, n->op, &x, &y, &z);
        break;
    }
    case AN_KECCAK: {
        uint8_t buf[32 * 32];
        ok = n->b <= 32;
        for (uint32_t i = 0; i < n->b && ok; i++) {
            u256 w;
            ok = rv_eval(e, e->s->args[n->a + i], &w);
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
    case AN_RETDATA: ok = rv_retdata(e, n->a, n->b, &v); break;
    default: break;
    }
    if (!memo_put(e, id, ok, &v))
        return false;
    *out = v;
    return ok;
}

static bool is_precompile(const seer_address *a)
{
    for (int i = 0; i < 18; i++)
        if (a->bytes[i])
            return false;
    unsigned v = ((unsigned)a->bytes[18] << 8) | a->bytes[19];
    return v >= 1 && v <= 0x11;
}

/* The guards of s that may hold in frame e (a walk from the root, as
 * instantiation does). NULL on OOM. */
static uint8_t *rv_feasible(reval *e)
{
    const an_summary *s = e->s;
    uint32_t ng = s->nguards ? s->nguards : 1;
    uint8_t *ok = calloc(ng, 1);
    uint32_t *queue = malloc(ng * sizeof *queue);
    if (!ok || !queue) {
        free(ok);
        free(queue);
        e->c->err = SEER_ENOMEM;
        return NULL;
    }
    uint32_t qh = 0, qt = 0;
    ok[0] = 1;
    queue[qt++] = 0;
    while (qh < qt && !e->c->err) {
        uint32_t g = queue[qh++];
        for (uint32_t i = s->gchild_start[g]; i < s->gchild_start[g + 1]; i++) {
            uint32_t ch = s->gchild[i];
            if (ok[ch])
                continue;
            const an_guard *gd = &s->guards[ch];
            if (gd->cond) {
                u256 v;
                if (rv_eval(e, gd->cond, &v) && (!u256_is_zero(&v)) != (gd->polarity != 0))
                    continue;
            }
            ok[ch] = 1;
            queue[qt++] = ch;
        }
    }
    free(queue);
    return ok;
}

/* The word at `off` (or the size) of what the callee frame g returns. */
static bool rv_returns(an_rctx *c, const an_summary *s, const an_rframe *g, uint32_t off, u256 *out)
{
    if (s->rets_incomplete)
        return false;
    reval e;
    memset(&e, 0, sizeof e);
    e.c = c;
    e.s = s;
    e.f = g;
    e.mcap = 64;
    e.m = calloc(e.mcap, sizeof *e.m);
    if (!e.m) {
        c->err = SEER_ENOMEM;
        return false;
    }
    bool ok = false, have = false;
    uint8_t *feas = rv_feasible(&e);
    if (!feas)
        goto done;
    /* A feasible cut path may end anywhere, returning anything. */
    for (uint32_t gi = 0; gi < s->nguards; gi++) {
        if (!feas[gi])
            continue;
        for (uint32_t i = s->gtpl_start[gi]; i < s->gtpl_start[gi + 1]; i++)
            if (s->tpl[s->gtpl[i]].kind == AT_UNKNOWN)
                goto done;
    }
    u256 val = U256_ZERO;
    for (uint32_t i = 0; i < s->nrets && !c->err; i++) {
        const an_ret *r = &s->rets[i];
        if (!feas[r->guard] || r->kind == AN_RET_FAIL)
            continue;
        if (r->kind != AN_RET_DATA)
            goto done;
        u256 size, v;
        if (!rv_eval(&e, r->size, &size))
            goto done;
        if (off == AN_RETDATA_SIZE) {
            v = size;
        } else {
            /* Shorter data leaves the caller's memory as it was. */
            u256 end = u256_from_u64((uint64_t)off + 32);
            if (off % 32 || off / 32 >= r->nwords || u256_lt(&size, &end) ||
                !rv_eval(&e, s->args[r->words + off / 32], &v))
                goto done;
        }
        if (have && !u256_eq(&v, &val))
            goto done;
        val = v;
        have = true;
    }
    ok = have && !c->err;
    if (ok)
        *out = val;
done:
    free(feas);
    free(e.m);
    return ok;
}

static bool rv_retdata(reval *e, uint32_t call, uint32_t off, u256 *out)
{
    an_rctx *c = e->c;
    const an_rframe *f = e->f;
    if (call >= e->s->ncalls || c->budget == 0 || f->depth + 1 > c->max_depth || !c->summary)
        return false;
    const an_call *cl = &e->s->calls[call];
    if (cl->op == SEER_OP_CREATE || cl->op == SEER_OP_CREATE2 || cl->args == AN_ARGS_UNKNOWN)
        return false;
    u256 tv;
    if (!rv_eval(e, cl->target, &tv))
        return false;
    an_rframe g;
    memset(&g, 0, sizeof g);
    g.depth = f->depth + 1;
    addr_of(&g.code_addr, &tv);
    if (is_precompile(&g.code_addr))
        return false;
    g.value_known = true;
    if (cl->op == SEER_OP_CALL || cl->op == SEER_OP_CALLCODE) {
        g.value_known = rv_eval(e, cl->value, &g.value);
    } else if (cl->op == SEER_OP_DELEGATECALL) {
        g.value = f->value;
        g.value_known = f->value_known;
    }
    if (cl->op == SEER_OP_DELEGATECALL) {
        g.ctx = f->ctx;
        g.caller = f->caller;
    } else if (cl->op == SEER_OP_CALLCODE) {
        g.ctx = f->ctx;
        g.caller = f->ctx;
    } else {
        g.ctx = g.code_addr;
        g.caller = f->ctx;
    }
    uint8_t *cd = NULL, *known = NULL;
    if (cl->args == AN_ARGS_FORWARD) {
        g.cd = f->cd;
        g.cd_known = f->cd_known;
        g.cd_len = f->cd_len;
        g.cd_len_known = f->cd_len_known;
    } else {
        size_t n = (size_t)cl->nargs * 32;
        cd = calloc(n + 1, 1);
        known = calloc(n + 1, 1);
        if (!cd || !known) {
            free(cd);
            free(known);
            c->err = SEER_ENOMEM;
            return false;
        }
        for (uint32_t i = 0; i < cl->nargs; i++) {
            u256 w;
            if (rv_eval(e, e->s->args[cl->args + i], &w)) {
                u256_to_be32(cd + 32 * i, &w);
                memset(known + 32 * i, 1, 32);
            }
        }
        u256 sz;
        g.cd_len = n;
        if (rv_eval(e, cl->argsize, &sz) && u256_fits_u64(&sz) && sz.w[0] <= n) {
            g.cd_len = (size_t)sz.w[0];
            g.cd_len_known = true;
        }
        g.cd = cd;
        g.cd_known = known;
    }
    bool ok = false;
    int64_t sel = -1;
    if (g.cd_len_known && g.cd_len >= 4 && g.cd &&
        (!g.cd_known || (g.cd_known[0] && g.cd_known[1] && g.cd_known[2] && g.cd_known[3])))
        sel = ((int64_t)g.cd[0] << 24) | ((int64_t)g.cd[1] << 16) | ((int64_t)g.cd[2] << 8) | g.cd[3];
    else if (g.cd_len_known && g.cd_len == 0)
        sel = AN_SEL_EMPTY;
    const an_summary *cs = NULL;
    if (!c->err) {
        c->budget--;
        int rc = c->summary(c->summary_ctx, &cs, &g.code_addr, sel);
        if (rc < 0)
            c->err = rc;
        /* No code: the call succeeds with no data; the caller's memory
         * keeps what it held. */
        else if (cs)
            ok = rv_returns(c, cs, &g, off, out);
    }
    free(cd);
    free(known);
    return ok;
}

bool an_retdata_eval(an_rctx *rc, const an_summary *s, const an_rframe *f, uint32_t node, u256 *out)
{
    if (!rc || !s || !f || node == 0 || node >= s->nnodes || s->nodes[node].kind != AN_RETDATA)
        return false;
    reval e;
    memset(&e, 0, sizeof e);
    e.c = rc;
    e.s = s;
    e.f = f;
    e.mcap = 64;
    e.m = calloc(e.mcap, sizeof *e.m);
    if (!e.m) {
        rc->err = SEER_ENOMEM;
        return false;
    }
    bool ok = rv_retdata(&e, s->nodes[node].a, s->nodes[node].b, out);
    free(e.m);
    return ok && !rc->err;
}
