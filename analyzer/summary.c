/* Per-contract analysis: abstract interpretation of EVM bytecode into
 * access templates.
 *
 * Paths are explored depth first from pc 0. Jump targets are resolved by
 * constant propagation (every value is an expression node; constants fold),
 * so the control-flow graph is discovered as it is walked; a conditional
 * jump whose condition is not constant forks. Two devices keep this
 * bounded:
 * - at every JUMPDEST the state (pc, stack, memory) is looked up in a
 *   visited table: an identical state has an identical continuation, so the
 *   path stops and its guard is linked into the first arrival's merge
 *   point (the guard graph is a DAG with merges, so a template reached by
 *   several paths holds when any of them holds);
 * - a loop head visited `loop_unroll` times on one path is widened: the
 *   stack slots and memory words that changed since the previous visit
 *   become loop variables (never evaluated), and iteration goes on until
 *   the widened state repeats. A revisit whose stack differs in a
 *   constant jump destination (a return address) is an internal function
 *   called again, not a loop, and is not widened.
 * Whatever a budget cuts (steps per contract and per entry point, nodes,
 * pending paths) or cannot be followed (a symbolic jump target) becomes an
 * AT_UNKNOWN template under the path's guard: instantiation turns it into
 * the "unknown" wildcard, so nothing is silently dropped. */
#include "analyzer/analyzer_internal.h"

#include "common/keccak.h"
#include "common/util.h"
#include "vm/analysis.h"
#include "vm/opcodes.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEMCAP         96
#define SNAPCAP        48
#define NVISITS        256 /* visit counters per path, hashed by pc */
#define STACK_MAX      1024
#define MAX_DEPTH      200                /* expression height */
#define MAX_HASH_WORDS 32                 /* keccak / call-argument words tracked */
#define MAX_TEMPLATES  200000             /* per contract */
#define MAX_REDEPTH    512                /* per path: re-entries of a head at another stack height */
#define SNAP_BYTES     ((size_t)64 << 20) /* loop-head snapshots per build */
#define NRECS          32                 /* call records remembered per path */

/* A memory entry: the 32-byte word at base + off holding v, or a region
 * [base + off, base + off + rlen) (rlen a node) that holds unknown bytes
 * (MEM_RUNK) or a copy of the calldata from v on (MEM_RCD). base 0: off
 * is absolute; else base is a stable node (see us_get) and off a small
 * signed displacement from it. */
enum { MEM_WORD = 0, MEM_RUNK, MEM_RCD, MEM_RRD };

typedef struct mem_ent {
    uint32_t base;
    uint32_t v;
    int64_t off;
    uint32_t rlen; /* regions: the length node */
    uint32_t kind; /* MEM_* */
} mem_ent;

/* What this path learned about value ranges: node < hi + 1 (from a
 * condition it took, or a memory access that succeeded: gas bounds
 * memory, so an offset or length used is below MEM_BOUND). */
#define NFACTS    24
#define MEM_BOUND ((u128)1 << 42)

typedef unsigned __int128 u128;

typedef struct fact {
    uint32_t node;
    uint32_t pad;
    u128 lo, hi;
} fact;

typedef struct astate {
    uint32_t pc;
    uint32_t guard;
    uint32_t bucket; /* budget bucket: 0 = before dispatch, else selector index + 1 */
    uint32_t height;
    uint32_t nmem;
    uint32_t clobbered;
    /* Memory from fwd_base + fwd_off on holds this frame's whole
     * calldata (CALLDATACOPY(fwd_off, 0, CALLDATASIZE), as proxies
     * forward it; fwd_base a stable node or 0, as a memory entry's base:
     * Solidity's `impl.delegatecall(msg.data)` copies it at the free-memory
     * pointer). */
    uint32_t fwd, fwd_off, fwd_base;
    uint32_t called; /* a call that may change state (not STATICCALL) or a create happened */
    /* Whose return data RETURNDATASIZE/RETURNDATACOPY see: 0 none yet
     * (empty), call index + 1, or UINT32_MAX (not derivable: a create) */
    uint32_t rdcall;
    /* The call records this path made (see call_record): a record is made
     * at most once per path, so its return-data nodes name one value on
     * it. Past NRECS every call gets a record of its own. */
    uint32_t nrecs;
    uint32_t recs[NRECS];
    /* Slots written on this path and their values: a later SLOAD of the
     * same slot is the written value, not the pre-state's (tier 2 must
     * not read a value the transaction itself replaced). */
    uint32_t nsw, sw_over;
    struct {
        uint32_t slot, val;
    } sw[16];
    mem_ent mem[MEMCAP];
    uint32_t nfacts;
    fact facts[NFACTS];
    uint8_t visits[NVISITS];
    struct {
        uint32_t pc, snap;
        uint32_t fn; /* re-entered as an internal function, not widened */
    } snaps[SNAPCAP];
    uint32_t nsnaps;
    uint32_t redepth; /* loop heads re-entered at another stack height */
    uint32_t stack[STACK_MAX];
} astate;

/* A loop head's reference state: what widening compares (stack and
 * memory), in one allocation of its own size. */
typedef struct snap {
    uint32_t height, nmem, clobbered;
    mem_ent *mem;     /* nmem entries, after the stack (8-byte aligned) */
    uint32_t stack[]; /* height entries */
} snap;
_Static_assert(offsetof(snap, stack) % _Alignof(mem_ent) == 0, "snapshot memory entries stay aligned");

typedef struct vent {
    uint64_t key;
    uint32_t pc;
    uint32_t guard; /* 0: empty slot (guard 0 is the root, never a merge) */
} vent;

typedef struct builder {
    an_summary *s;
    const seer_code *code;
    const seer_analyzer_options *o;
    uint32_t *htab; /* node ids, open addressing */
    uint32_t hcap;
    uint64_t *ttab; /* template dedupe: hash values, 0 empty */
    uint32_t tcap, tcount;
    vent *vtab;
    uint32_t vcap, vcount;
    astate **work;
    uint32_t nwork;
    snap **snaps;
    uint32_t nsnaps, snaps_cap;
    size_t snap_bytes; /* bounded by SNAP_BYTES */
    astate **pool;     /* freed path states, for reuse */
    uint32_t npool, pool_cap;
    uint64_t *bucket_steps; /* per selector bucket */
    uint32_t nbuckets;
    uint8_t *block_seen; /* bitmap over pcs of reached JUMPDESTs */
    uint32_t unk;        /* the generic unknown node */
    /* Per-entry-point builds: the calldata is assumed to be at least 4
     * bytes long and to start with `sel` (-1: no assumption). Nodes known
     * to tell nothing under it, a bitmap by node id. */
    int64_t sel;
    uint8_t *sk_none;
    uint32_t sk_cap; /* bits */
    /* Nodes whose value depends on return data (a bitmap by node id): a
     * call's result may reflect what earlier calls of the transaction
     * changed, so it may name keys (like a storage value, tier 2) but never
     * decides a guard: a stale value would prune the path taken. */
    uint8_t *rd_bits;
    uint32_t rd_cap; /* bits */
    /* Nodes that do not name one value per frame (a bitmap by node id):
     * unknowns, loop variables and return data, or built over them. Only
     * stable nodes carry facts or serve as memory bases. */
    uint8_t *us_bits;
    uint32_t us_cap; /* bits */
    /* Select nodes made at diamonds (see "diamonds"): their nesting, by
     * node id (0: not a select). */
    uint8_t *ite_lv;
    uint32_t ite_cap;
    /* Nodes that never evaluate (a bitmap by node id): unknowns and loop
     * variables, or built over them (predict.c's never_evaluates). */
    uint8_t *nv_bits;
    uint32_t nv_cap; /* bits */
    bool oom;
    bool incomplete;
} builder;

static uint64_t mix64(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

static bool grow(void **p, uint32_t *cap, uint32_t need, size_t elt)
{
    if (need <= *cap)
        return true;
    uint32_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    void *q = realloc(*p, (size_t)nc * elt);
    if (!q)
        return false;
    *p = q;
    *cap = nc;
    return true;
}

/* ---- nodes ---- */

static uint64_t node_hash(const an_node *n, const uint32_t *args)
{
    uint64_t h = mix64(n->kind, ((uint64_t)n->op << 32) | n->a);
    h = mix64(h, ((uint64_t)n->b << 32) | n->c);
    for (int i = 0; i < 4; i++)
        h = mix64(h, n->k.w[i]);
    if (n->kind == AN_KECCAK)
        for (uint32_t i = 0; i < n->b; i++)
            h = mix64(h, args[n->a + i]);
    return h;
}

static bool node_eq(const an_summary *s, const an_node *x, const an_node *y, const uint32_t *yargs)
{
    if (x->kind != y->kind || x->op != y->op || !u256_eq(&x->k, &y->k))
        return false;
    if (x->kind == AN_KECCAK)
        return x->b == y->b && x->c == y->c &&
               (y->b == 0 || memcmp(&s->args[x->a], yargs + y->a, y->b * sizeof(uint32_t)) == 0);
    return x->a == y->a && x->b == y->b && x->c == y->c;
}

static bool htab_rehash(builder *b, uint32_t ncap)
{
    uint32_t *t = calloc(ncap, sizeof *t);
    if (!t)
        return false;
    an_summary *s = b->s;
    for (uint32_t id = 1; id < s->nnodes; id++) {
        uint64_t h = node_hash(&s->nodes[id], s->args);
        uint32_t i = (uint32_t)h & (ncap - 1);
        while (t[i])
            i = (i + 1) & (ncap - 1);
        t[i] = id;
    }
    free(b->htab);
    b->htab = t;
    b->hcap = ncap;
    return true;
}

/* Which nodes depend on return data, a bitmap by node id. */
static bool rd_get(const builder *b, uint32_t id)
{
    return id < b->rd_cap && (b->rd_bits[id >> 3] >> (id & 7)) & 1;
}

static void rd_note(builder *b, uint32_t id)
{
    const an_node *n = &b->s->nodes[id];
    bool rd = n->kind == AN_RETDATA;
    if (n->kind == AN_KECCAK)
        for (uint32_t i = 0; i < n->b && !rd; i++)
            rd = rd_get(b, b->s->args[n->a + i]);
    else if (n->kind == AN_CALLDATA || n->kind == AN_SLOAD || n->kind == AN_OP)
        rd = rd_get(b, n->a) || rd_get(b, n->b) || rd_get(b, n->c);
    if (!rd)
        return;
    if (id >= b->rd_cap) {
        uint32_t nc = b->rd_cap ? b->rd_cap : 4096;
        while (nc <= id)
            nc *= 2;
        uint8_t *t = realloc(b->rd_bits, nc / 8);
        if (!t) {
            b->oom = true;
            return;
        }
        memset(t + b->rd_cap / 8, 0, (nc - b->rd_cap) / 8);
        b->rd_bits = t;
        b->rd_cap = nc;
    }
    b->rd_bits[id >> 3] |= (uint8_t)(1u << (id & 7));
}

static bool us_get(const builder *b, uint32_t id)
{
    return id < b->us_cap && (b->us_bits[id >> 3] >> (id & 7)) & 1;
}

/* Whether call record c's inputs (target, value, size, argument words)
 * are stable: then call_record gives a repeated call a record of its
 * own, so its return data names one value per path. A call over loop
 * variables repeats with the same record in every widened iteration:
 * its return data is not stable. */
static bool rec_stable(const builder *b, uint32_t c)
{
    const an_call *k = &b->s->calls[c];
    if (us_get(b, k->target) || us_get(b, k->value) || us_get(b, k->argsize) || k->args == AN_ARGS_UNKNOWN)
        return false;
    for (uint32_t i = 0; k->args < AN_ARGS_FORWARD && i < k->nargs; i++)
        if (us_get(b, b->s->args[k->args + i]))
            return false;
    return true;
}

static void us_note(builder *b, uint32_t id)
{
    const an_node *n = &b->s->nodes[id];
    bool us = n->kind == AN_UNKNOWN || n->kind == AN_LOOPVAR ||
              (n->kind == AN_RETDATA && !rec_stable(b, n->a)) ||
              (n->kind == AN_SLOAD && n->op); /* a read after a call: may differ per read */
    if (n->kind == AN_KECCAK)
        for (uint32_t i = 0; i < n->b && !us; i++)
            us = us_get(b, b->s->args[n->a + i]);
    else if (n->kind == AN_CALLDATA || n->kind == AN_SLOAD || n->kind == AN_OP)
        us = us_get(b, n->a) || us_get(b, n->b) || us_get(b, n->c);
    else if (n->kind == AN_RETDATA && n->b == AN_RETDATA_DYN)
        us = us || us_get(b, n->c);
    if (!us)
        return;
    if (id >= b->us_cap) {
        uint32_t nc = b->us_cap ? b->us_cap : 4096;
        while (nc <= id)
            nc *= 2;
        uint8_t *t = realloc(b->us_bits, nc / 8);
        if (!t) {
            b->oom = true;
            return;
        }
        memset(t + b->us_cap / 8, 0, (nc - b->us_cap) / 8);
        b->us_bits = t;
        b->us_cap = nc;
    }
    b->us_bits[id >> 3] |= (uint8_t)(1u << (id & 7));
}

static bool nv_get(const builder *b, uint32_t id)
{
    return id < b->nv_cap && (b->nv_bits[id >> 3] >> (id & 7)) & 1;
}

static void nv_note(builder *b, uint32_t id)
{
    const an_node *n = &b->s->nodes[id];
    bool nv = n->kind == AN_UNKNOWN || n->kind == AN_LOOPVAR;
    if (n->kind == AN_KECCAK)
        for (uint32_t i = 0; i < n->b && !nv; i++)
            nv = nv_get(b, b->s->args[n->a + i]);
    else if (n->kind == AN_CALLDATA || n->kind == AN_SLOAD || n->kind == AN_OP)
        nv = nv_get(b, n->a) || nv_get(b, n->b) || nv_get(b, n->c);
    if (!nv)
        return;
    if (id >= b->nv_cap) {
        uint32_t nc = b->nv_cap ? b->nv_cap : 4096;
        while (nc <= id)
            nc *= 2;
        uint8_t *t = realloc(b->nv_bits, nc / 8);
        if (!t) {
            b->oom = true;
            return;
        }
        memset(t + b->nv_cap / 8, 0, (nc - b->nv_cap) / 8);
        b->nv_bits = t;
        b->nv_cap = nc;
    }
    b->nv_bits[id >> 3] |= (uint8_t)(1u << (id & 7));
}

/* Interns a node; `args` holds the KECCAK words (n->a indexes into it). */
static uint32_t intern(builder *b, an_node n, const uint32_t *args)
{
    an_summary *s = b->s;
    if (b->oom)
        return b->unk;
    uint64_t h = node_hash(&n, args);
    uint32_t i = (uint32_t)h & (b->hcap - 1);
    while (b->htab[i]) {
        if (node_eq(s, &s->nodes[b->htab[i]], &n, args))
            return b->htab[i];
        i = (i + 1) & (b->hcap - 1);
    }
    if (s->nnodes >= b->o->max_nodes) {
        b->incomplete = true; /* later nodes collapse into the unknown */
        return b->unk;
    }
    if (n.kind == AN_KECCAK) {
        if (!grow((void **)&s->args, &s->args_cap, s->nargs + n.b, sizeof *s->args)) {
            b->oom = true;
            return b->unk;
        }
        if (n.b) /* keccak of zero bytes has no words (args may be NULL) */
            memcpy(&s->args[s->nargs], args + n.a, n.b * sizeof(uint32_t));
        n.a = s->nargs;
        s->nargs += n.b;
    }
    if (!grow((void **)&s->nodes, &s->nodes_cap, s->nnodes + 1, sizeof *s->nodes)) {
        b->oom = true;
        return b->unk;
    }
    uint32_t id = s->nnodes++;
    s->nodes[id] = n;
    b->htab[i] = id;
    rd_note(b, id);
    us_note(b, id);
    nv_note(b, id);
    if ((uint64_t)s->nnodes * 2 > b->hcap && !htab_rehash(b, b->hcap * 2))
        b->oom = true;
    return id;
}

static uint32_t mk(builder *b, an_kind kind, unsigned op, uint32_t x, uint32_t y, uint32_t z, const u256 *k)
{
    an_node n;
    memset(&n, 0, sizeof n);
    n.kind = (uint8_t)kind;
    n.op = (uint8_t)op;
    n.a = x;
    n.b = y;
    n.c = z;
    if (k)
        n.k = *k;
    if (kind != AN_KECCAK) {
        unsigned d = 0;
        uint32_t ch[3] = {x, y, z};
        if (kind == AN_CALLDATA || kind == AN_SLOAD || kind == AN_OP)
            for (int i = 0; i < 3; i++)
                if (ch[i] && b->s->nodes[ch[i]].depth > d)
                    d = b->s->nodes[ch[i]].depth;
        if (kind == AN_RETDATA && y == AN_RETDATA_DYN)
            d = b->s->nodes[z].depth;
        if (d + 1 > MAX_DEPTH)
            return b->unk;
        n.depth = (uint16_t)(d + 1);
    }
    return intern(b, n, NULL);
}

static uint32_t mk_const(builder *b, const u256 *v)
{
    return mk(b, AN_CONST, 0, 0, 0, 0, v);
}

static uint32_t mk_const64(builder *b, uint64_t v)
{
    u256 k = u256_from_u64(v);
    return mk_const(b, &k);
}

static uint32_t mk_unknown(builder *b, uint64_t tag)
{
    u256 k = u256_from_u64(tag);
    return mk(b, AN_UNKNOWN, 0, 0, 0, 0, &k);
}

static uint32_t mk_keccak(builder *b, const uint32_t *words, uint32_t n, uint32_t len)
{
    an_node nd;
    memset(&nd, 0, sizeof nd);
    nd.kind = AN_KECCAK;
    nd.a = 0;
    nd.b = n;
    nd.c = len;
    unsigned d = 0;
    for (uint32_t i = 0; i < n; i++)
        if (b->s->nodes[words[i]].depth > d)
            d = b->s->nodes[words[i]].depth;
    if (d + 1 > MAX_DEPTH)
        return b->unk;
    nd.depth = (uint16_t)(d + 1);
    return intern(b, nd, words);
}

static const u256 *cval(const builder *b, uint32_t id)
{
    const an_node *n = &b->s->nodes[id];
    return n->kind == AN_CONST ? &n->k : NULL;
}

static bool cval_u32(const builder *b, uint32_t id, uint32_t *out)
{
    const u256 *v = cval(b, id);
    if (!v || !u256_fits_u64(v) || v->w[0] > UINT32_MAX)
        return false;
    *out = (uint32_t)v->w[0];
    return true;
}

bool an_apply_op(u256 *r, unsigned op, const u256 *a, const u256 *b, const u256 *c)
{
    switch (op) {
    case SEER_OP_ADD: u256_add(r, a, b); return true;
    case SEER_OP_MUL: u256_mul(r, a, b); return true;
    case SEER_OP_SUB: u256_sub(r, a, b); return true;
    case SEER_OP_DIV: u256_div(r, a, b); return true;
    case SEER_OP_SDIV: u256_sdiv(r, a, b); return true;
    case SEER_OP_MOD: u256_mod(r, a, b); return true;
    case SEER_OP_SMOD: u256_smod(r, a, b); return true;
    case SEER_OP_ADDMOD: u256_addmod(r, a, b, c); return true;
    case SEER_OP_MULMOD: u256_mulmod(r, a, b, c); return true;
    case SEER_OP_EXP: u256_exp(r, a, b); return true;
    case SEER_OP_SIGNEXTEND: u256_signextend(r, a, b); return true;
    case SEER_OP_LT: *r = u256_from_u64(u256_lt(a, b)); return true;
    case SEER_OP_GT: *r = u256_from_u64(u256_gt(a, b)); return true;
    case SEER_OP_SLT: *r = u256_from_u64(u256_slt(a, b)); return true;
    case SEER_OP_SGT: *r = u256_from_u64(u256_sgt(a, b)); return true;
    case SEER_OP_EQ: *r = u256_from_u64(u256_eq(a, b)); return true;
    case SEER_OP_ISZERO: *r = u256_from_u64(u256_is_zero(a)); return true;
    case SEER_OP_AND: u256_and(r, a, b); return true;
    case SEER_OP_OR: u256_or(r, a, b); return true;
    case SEER_OP_XOR: u256_xor(r, a, b); return true;
    case SEER_OP_NOT: u256_not(r, a); return true;
    case SEER_OP_BYTE: u256_byte(r, a, b); return true;
    case SEER_OP_SHL: u256_shl(r, a, b); return true;
    case SEER_OP_SHR: u256_shr(r, a, b); return true;
    case SEER_OP_SAR: u256_sar(r, a, b); return true;
    default: return false;
    }
}

/* An arithmetic node; folds constants and a few identities so that
 * equal values get equal nodes. */
static uint32_t mk_op(builder *b, unsigned op, uint32_t x, uint32_t y, uint32_t z)
{
    const u256 *cx = cval(b, x), *cy = y ? cval(b, y) : NULL, *cz = z ? cval(b, z) : NULL;
    unsigned nin = (op == SEER_OP_ADDMOD || op == SEER_OP_MULMOD) ? 3
                   : (op == SEER_OP_ISZERO || op == SEER_OP_NOT)  ? 1
                                                                  : 2;
    if (cx && (nin < 2 || cy) && (nin < 3 || cz)) {
        u256 r;
        an_apply_op(&r, op, cx, cy ? cy : &U256_ZERO, cz ? cz : &U256_ZERO);
        return mk_const(b, &r);
    }
    if (nin == 2) {
        if ((op == SEER_OP_ADD || op == SEER_OP_OR || op == SEER_OP_XOR) && cx && u256_is_zero(cx))
            return y;
        if ((op == SEER_OP_ADD || op == SEER_OP_OR || op == SEER_OP_XOR || op == SEER_OP_SUB) && cy &&
            u256_is_zero(cy))
            return x;
        if (op == SEER_OP_MUL && cx && u256_eq(cx, &U256_ONE))
            return y;
        if (op == SEER_OP_AND && cx && u256_eq(cx, &U256_MAX))
            return y;
        if (op == SEER_OP_AND && cy && u256_eq(cy, &U256_MAX))
            return x;
        /* Sums as add(constant, rest): nested constants fold, so an
         * offset moved by a symbolic amount keeps one base (memory). */
        if (op == SEER_OP_SUB && cy) {
            u256 neg;
            u256_sub(&neg, &U256_ZERO, cy);
            return mk_op(b, SEER_OP_ADD, mk_const(b, &neg), x, 0);
        }
        if (op == SEER_OP_SUB && !cx) {
            const an_node *nx = &b->s->nodes[x], *ny = &b->s->nodes[y];
            u256 c1 = U256_ZERO, c2 = U256_ZERO, d;
            uint32_t bx = x, by = y;
            if (nx->kind == AN_OP && nx->op == SEER_OP_ADD && cval(b, nx->a)) {
                c1 = *cval(b, nx->a);
                bx = nx->b;
            }
            if (ny->kind == AN_OP && ny->op == SEER_OP_ADD && cval(b, ny->a)) {
                c2 = *cval(b, ny->a);
                by = ny->b;
            }
            if (bx == by && !us_get(b, bx)) { /* (c1 + X) - (c2 + X) */
                u256_sub(&d, &c1, &c2);
                return mk_const(b, &d);
            }
            const an_node *nb = &b->s->nodes[bx];
            if (nb->kind == AN_OP && nb->op == SEER_OP_ADD && !cval(b, nb->a) && !us_get(b, by) &&
                (nb->a == by || nb->b == by)) { /* (c1 + P + Q) - (c2 + Q) */
                uint32_t rest = nb->a == by ? nb->b : nb->a;
                u256_sub(&d, &c1, &c2);
                return mk_op(b, SEER_OP_ADD, mk_const(b, &d), rest, 0);
            }
        }
        if (op == SEER_OP_ADD && !(cx && cy)) {
            uint32_t c = cx ? x : cy ? y : 0, o = cx ? y : x;
            const an_node *no = &b->s->nodes[o];
            if (c && no->kind == AN_OP && no->op == SEER_OP_ADD && cval(b, no->a)) {
                u256 t; /* c1 + (c2 + X) */
                u256_add(&t, cval(b, c), cval(b, no->a));
                uint32_t rest = no->b;
                return mk_op(b, SEER_OP_ADD, mk_const(b, &t), rest, 0);
            }
            if (!c) {
                const an_node *nx = &b->s->nodes[x], *ny = &b->s->nodes[y];
                if (nx->kind == AN_OP && nx->op == SEER_OP_ADD && cval(b, nx->a)) {
                    uint32_t k = nx->a, rest = mk_op(b, SEER_OP_ADD, nx->b, y, 0);
                    return mk_op(b, SEER_OP_ADD, k, rest, 0); /* (c + X) + Y */
                }
                if (ny->kind == AN_OP && ny->op == SEER_OP_ADD && cval(b, ny->a)) {
                    uint32_t k = ny->a, rest = mk_op(b, SEER_OP_ADD, x, ny->b, 0);
                    return mk_op(b, SEER_OP_ADD, k, rest, 0); /* X + (c + Y) */
                }
            }
        }
        if (op == SEER_OP_ADD && !cx && !cy && x < y) { /* x + y and y + x: one node */
            uint32_t t = x;
            x = y;
            y = t;
        }
        /* Commutative ops: constants first, so x+1 and 1+x are one node. */
        if ((op == SEER_OP_ADD || op == SEER_OP_MUL || op == SEER_OP_AND || op == SEER_OP_OR ||
             op == SEER_OP_XOR || op == SEER_OP_EQ) &&
            cy && !cx) {
            uint32_t t = x;
            x = y;
            y = t;
        }
    }
    return mk(b, AN_OP, op, x, nin >= 2 ? y : 0, nin >= 3 ? z : 0, NULL);
}

/* ---- templates ---- */

static void emit(builder *b, an_tkind kind, uint32_t a, uint32_t call, uint32_t guard)
{
    an_summary *s = b->s;
    if (b->oom)
        return;
    if (kind != AT_CALL && kind != AT_CREATE) {
        uint64_t h = mix64(mix64(kind, a), guard) | 1;
        uint32_t i = (uint32_t)h & (b->tcap - 1);
        while (b->ttab[i]) {
            if (b->ttab[i] == h)
                return; /* a 64-bit hash of (kind, a, guard): duplicates only */
            i = (i + 1) & (b->tcap - 1);
        }
        b->ttab[i] = h;
        if (++b->tcount * 2 > b->tcap) {
            uint32_t nc = b->tcap * 2;
            uint64_t *t = calloc(nc, sizeof *t);
            if (!t) {
                b->oom = true;
                return;
            }
            for (uint32_t j = 0; j < b->tcap; j++)
                if (b->ttab[j]) {
                    uint32_t k = (uint32_t)b->ttab[j] & (nc - 1);
                    while (t[k])
                        k = (k + 1) & (nc - 1);
                    t[k] = b->ttab[j];
                }
            free(b->ttab);
            b->ttab = t;
            b->tcap = nc;
        }
    }
    if (s->ntpl >= MAX_TEMPLATES) {
        b->incomplete = true;
        return;
    }
    if (!grow((void **)&s->tpl, &s->tpl_cap, s->ntpl + 1, sizeof *s->tpl)) {
        b->oom = true;
        return;
    }
    an_template *t = &s->tpl[s->ntpl++];
    memset(t, 0, sizeof *t);
    t->kind = (uint8_t)kind;
    t->a = a;
    t->call = call;
    t->guard = guard;
}

static uint32_t new_guard(builder *b, uint32_t cond, bool polarity, uint32_t parent)
{
    an_summary *s = b->s;
    if (!grow((void **)&s->guards, &s->guards_cap, s->nguards + 1, sizeof *s->guards)) {
        b->oom = true;
        return parent;
    }
    an_guard *g = &s->guards[s->nguards];
    memset(g, 0, sizeof *g);
    g->cond = cond;
    g->polarity = polarity;
    g->parent = parent;
    return s->nguards++;
}

static void link_guard(builder *b, uint32_t merge, uint32_t parent)
{
    an_summary *s = b->s;
    if (s->guards[merge].parent == parent)
        return;
    if (!grow((void **)&s->links, &s->links_cap, s->nlinks + 1, sizeof *s->links)) {
        b->oom = true;
        return;
    }
    uint32_t l = s->nlinks++;
    s->links[l].parent = parent;
    s->links[l].next = s->guards[merge].extra;
    s->guards[merge].extra = l;
}

/* ---- memory ---- */

static void mem_clobber(astate *st)
{
    st->nmem = 0;
    st->clobbered = 1;
    st->fwd = 0;
}

/* ---- value ranges ---- */

#define U128_INF (~(u128)0)

static u128 sat_add(u128 x, u128 y)
{
    return x > U128_INF - y ? U128_INF : x + y;
}

static void range(const builder *b, const astate *st, uint32_t id, u128 *lo, u128 *hi, int depth);

static void fact_add(builder *b, astate *st, uint32_t node, u128 lo, u128 hi)
{
    if (!node || cval(b, node) || us_get(b, node))
        return;
    u128 clo, chi;
    range(b, st, node, &clo, &chi, 0);
    if (lo <= clo && hi >= chi)
        return; /* nothing new: keep the room for facts that tell */
    for (uint32_t i = 0; i < st->nfacts; i++)
        if (st->facts[i].node == node) {
            if (hi < st->facts[i].hi)
                st->facts[i].hi = hi;
            if (lo > st->facts[i].lo)
                st->facts[i].lo = lo;
            return;
        }
    if (st->nfacts == NFACTS)
        return; /* not learning it is sound; the set only grows, so loops converge */
    memset(&st->facts[st->nfacts], 0, sizeof st->facts[0]);
    st->facts[st->nfacts].node = node;
    st->facts[st->nfacts].lo = lo;
    st->facts[st->nfacts].hi = hi;
    st->nfacts++;
}

/* Whether node x occurs in expression id (depth-limited). */
static bool occurs(const builder *b, uint32_t id, uint32_t x, int depth)
{
    if (id == x)
        return true;
    const an_node *n = &b->s->nodes[id];
    if (depth > 6 || n->kind != AN_OP)
        return false;
    return (n->a && occurs(b, n->a, x, depth + 1)) || (n->b && occurs(b, n->b, x, depth + 1)) ||
           (n->c && occurs(b, n->c, x, depth + 1));
}

/* Whether a range of x can tell memory entries apart: x occurs in a
 * symbolic base or region length. Facts that cannot are not kept, so
 * paths that differ only in them still merge. */
static bool fact_useful(const builder *b, const astate *st, uint32_t x)
{
    /* a word of return data that abi.decode checks (an offset, a
     * length) before it allocates by it */
    if (b->s->nodes[x].kind == AN_RETDATA && b->s->nodes[x].b != AN_RETDATA_SIZE)
        return true;
    for (uint32_t i = 0; i < st->nmem; i++)
        if ((st->mem[i].base && occurs(b, st->mem[i].base, x, 0)) ||
            (st->mem[i].kind != MEM_WORD && occurs(b, st->mem[i].rlen, x, 0)))
            return true;
    return false;
}

/* A fact from a condition the path took (`pol`: its truth). */
static void fact_cond_at(builder *b, astate *st, uint32_t cond, bool pol, int depth)
{
    const an_node *n = &b->s->nodes[cond];
    for (int i = 0; i < 8 && n->kind == AN_OP && n->op == SEER_OP_ISZERO; i++) {
        pol = !pol;
        cond = n->a;
        n = &b->s->nodes[cond];
    }
    /* or(p, q) == 0: both are (abi.decode's `length > 2^32 || end > size`
     * revert); and(p, q) != 0: both are not */
    if (n->kind == AN_OP && ((n->op == SEER_OP_OR && !pol) || (n->op == SEER_OP_AND && pol)) && depth < 2) {
        uint32_t p = n->a, q = n->b;
        fact_cond_at(b, st, p, pol, depth + 1);
        fact_cond_at(b, st, q, pol, depth + 1);
        return;
    }
    if (n->kind != AN_OP || (n->op != SEER_OP_LT && n->op != SEER_OP_GT))
        return;
    /* LT: a < b; GT: a > b. As x < y (strict) or x <= y. */
    bool strict = pol;
    bool swap = (n->op == SEER_OP_LT) != pol; /* LT false: b <= a; GT true: b < a */
    uint32_t x = swap ? n->b : n->a, y = swap ? n->a : n->b;
    if (!fact_useful(b, st, cval(b, y) ? x : y))
        return;
    const u256 *c = cval(b, y), *d = cval(b, x);
    if (c && u256_fits_u64(c) && !(strict && u256_is_zero(c)))
        fact_add(b, st, x, 0, (u128)c->w[0] - (strict ? 1 : 0));
    else if (d && u256_fits_u64(d))
        fact_add(b, st, y, (u128)d->w[0] + (strict ? 1 : 0), U128_INF);
}

static void fact_cond(builder *b, astate *st, uint32_t cond, bool pol)
{
    fact_cond_at(b, st, cond, pol, 0);
}

/* Whether r is x rounded up to a multiple of 32, as Solidity pads a
 * copied bytes value and moves the free-memory pointer past it:
 * mul(0x20, div(add(0x1f, x), 0x20)) (older solc) or
 * and(add(0x1f, x), not(0x1f)). */
static bool roundup32_of(const builder *b, uint32_t r, uint32_t x)
{
    const an_node *n = &b->s->nodes[r];
    if (n->kind != AN_OP || (n->op != SEER_OP_MUL && n->op != SEER_OP_AND))
        return false;
    const u256 *k = cval(b, n->a);
    uint32_t inner = n->b;
    if (!k)
        return false;
    if (n->op == SEER_OP_MUL) {
        const an_node *d = &b->s->nodes[inner];
        const u256 *dk = d->kind == AN_OP && d->op == SEER_OP_DIV ? cval(b, d->b) : NULL;
        if (!u256_eq(k, &(u256){{32, 0, 0, 0}}) || !dk || !u256_eq(dk, k))
            return false;
        inner = d->a;
    } else if (!u256_eq(k, &(u256){{~(uint64_t)31, UINT64_MAX, UINT64_MAX, UINT64_MAX}})) {
        return false;
    }
    const an_node *a = &b->s->nodes[inner];
    const u256 *c = a->kind == AN_OP && a->op == SEER_OP_ADD ? cval(b, a->a) : NULL;
    return c && u256_eq(c, &(u256){{31, 0, 0, 0}}) && a->b == x;
}

/* [lo, hi] holding the value of a node on this path (hi U128_INF: any). */
static void range(const builder *b, const astate *st, uint32_t id, u128 *lo, u128 *hi, int depth)
{
    const an_node *n = &b->s->nodes[id];
    *lo = 0;
    *hi = U128_INF;
    if (n->kind == AN_CONST) {
        if (n->k.w[2] == 0 && n->k.w[3] == 0)
            *lo = *hi = ((u128)n->k.w[1] << 64) | n->k.w[0];
        else
            *lo = U128_INF;
        return;
    }
    u128 flo = 0;
    for (uint32_t i = 0; i < st->nfacts; i++)
        if (st->facts[i].node == id) {
            *hi = st->facts[i].hi;
            flo = st->facts[i].lo;
        }
    *lo = flo;
    if (n->kind == AN_RETDATA && n->b == AN_RETDATA_SIZE && *hi > MEM_BOUND)
        *hi = MEM_BOUND; /* the callee's memory: gas bounds it as it bounds ours */
    if (n->kind != AN_OP || depth > 10)
        return;
    u128 al, ah, bl, bh;
    switch (n->op) {
    case SEER_OP_ADD:
        range(b, st, n->a, &al, &ah, depth + 1);
        range(b, st, n->b, &bl, &bh, depth + 1);
        if (ah < ((u128)1 << 126) && bh < ((u128)1 << 126)) {
            *lo = al + bl > flo ? al + bl : flo;
            if (ah + bh < *hi)
                *hi = ah + bh;
        }
        break;
    case SEER_OP_MUL:
        range(b, st, n->a, &al, &ah, depth + 1);
        range(b, st, n->b, &bl, &bh, depth + 1);
        if (ah <= UINT64_MAX && bh <= UINT64_MAX) {
            *lo = al * bl > flo ? al * bl : flo;
            if (ah * bh < *hi)
                *hi = ah * bh;
        }
        break;
    case SEER_OP_SUB:
        /* roundup32(x) - x: the padding, below 32, where x + 31 does not
         * wrap (the gap between a copied bytes value's end and the
         * free-memory pointer Solidity moves past it) */
        if (!roundup32_of(b, n->a, n->b))
            break;
        range(b, st, n->b, &bl, &bh, depth + 1);
        if (bh < ((u128)1 << 100) && *hi > 31)
            *hi = 31;
        break;
    case SEER_OP_AND:
        range(b, st, n->a, &al, &ah, depth + 1);
        range(b, st, n->b, &bl, &bh, depth + 1);
        if (ah < *hi)
            *hi = ah;
        if (bh < *hi)
            *hi = bh;
        break;
    case SEER_OP_SHR:
    case SEER_OP_DIV: {
        /* SHR(shift, x) and DIV(x, d) with a constant shift or divisor */
        uint32_t xs = n->op == SEER_OP_SHR ? n->b : n->a, ks = n->op == SEER_OP_SHR ? n->a : n->b;
        const u256 *k = cval(b, ks);
        if (!k || !u256_fits_u64(k) || (n->op == SEER_OP_SHR && k->w[0] > 127) || k->w[0] == 0)
            break;
        range(b, st, xs, &al, &ah, depth + 1);
        if (ah == U128_INF)
            break;
        u128 h = n->op == SEER_OP_SHR ? ah >> k->w[0] : ah / k->w[0];
        u128 l = n->op == SEER_OP_SHR ? al >> k->w[0] : al / k->w[0];
        *lo = l > flo ? l : flo;
        if (h < *hi)
            *hi = h;
        break;
    }
    case SEER_OP_SHL: {
        const u256 *k = cval(b, n->a);
        if (!k || !u256_fits_u64(k) || k->w[0] > 60)
            break;
        range(b, st, n->b, &al, &ah, depth + 1);
        if (ah < ((u128)1 << 64)) {
            *lo = (al << k->w[0]) > flo ? al << k->w[0] : flo;
            if ((ah << k->w[0]) < *hi)
                *hi = ah << k->w[0];
        }
        break;
    }
    case SEER_OP_LT:
    case SEER_OP_GT:
    case SEER_OP_SLT:
    case SEER_OP_SGT:
    case SEER_OP_EQ:
    case SEER_OP_ISZERO:
        if (*hi > 1)
            *hi = 1;
        break;
    default: break;
    }
    if (*lo > *hi)
        *lo = *hi; /* a contradiction: the path cannot run; any range holds */
}

/* An address as base + off (see mem_ent). False when neither a small
 * constant nor a stable node plus a small constant. */
static bool maddr(const builder *b, uint32_t n, uint32_t *base, int64_t *off)
{
    const u256 *c = cval(b, n);
    if (c) {
        if (!u256_fits_u64(c) || c->w[0] > UINT32_MAX - 2048)
            return false;
        *base = 0;
        *off = (int64_t)c->w[0];
        return true;
    }
    const an_node *nd = &b->s->nodes[n];
    *base = n;
    *off = 0;
    if (nd->kind == AN_OP && nd->op == SEER_OP_ADD && (c = cval(b, nd->a)) != NULL) {
        if (c->w[1] == 0 && c->w[2] == 0 && c->w[3] == 0 && c->w[0] < ((uint64_t)1 << 31))
            *off = (int64_t)c->w[0];
        else if (c->w[1] == UINT64_MAX && c->w[2] == UINT64_MAX && c->w[3] == UINT64_MAX &&
                 c->w[0] >= UINT64_MAX - ((uint64_t)1 << 31))
            *off = -(int64_t)(UINT64_MAX - c->w[0]) - 1;
        else
            return false;
        *base = nd->b;
    }
    return !us_get(b, *base);
}

/* The byte range [lo, hi) an address range may cover: base's range plus
 * off, `len` bytes long (len U128_INF: to the end). */
static void addr_range(const builder *b, const astate *st, uint32_t base, int64_t off, u128 len, u128 *lo,
                       u128 *hi)
{
    u128 bl = 0, bh = 0;
    if (base)
        range(b, st, base, &bl, &bh, 0);
    if (bh >= ((u128)1 << 100) || (off < 0 && bl < (u128)(-off))) {
        *lo = 0;
        *hi = U128_INF;
        return;
    }
    *lo = off < 0 ? bl - (u128)(-off) : bl + (u128)off;
    u128 h = off < 0 ? bh - (u128)(-off) : bh + (u128)off;
    *hi = sat_add(h, len);
}

static u128 ent_len(const builder *b, const astate *st, const mem_ent *e)
{
    if (e->kind == MEM_WORD)
        return 32;
    u128 lo, hi;
    range(b, st, e->rlen, &lo, &hi, 0);
    return hi;
}

/* A small signed constant. */
static bool small_signed(const builder *b, uint32_t id, int64_t *out)
{
    const u256 *c = cval(b, id);
    if (!c)
        return false;
    if (c->w[1] == 0 && c->w[2] == 0 && c->w[3] == 0 && c->w[0] < ((uint64_t)1 << 40)) {
        *out = (int64_t)c->w[0];
        return true;
    }
    if (c->w[1] == UINT64_MAX && c->w[2] == UINT64_MAX && c->w[3] == UINT64_MAX &&
        c->w[0] >= UINT64_MAX - ((uint64_t)1 << 40)) {
        *out = -(int64_t)(UINT64_MAX - c->w[0]) - 1;
        return true;
    }
    return false;
}

static bool bounded(const builder *b, const astate *st, uint32_t id)
{
    u128 lo, hi;
    if (!id)
        return true;
    range(b, st, id, &lo, &hi, 0);
    return hi < ((u128)1 << 100);
}

/* The least value of a difference of two bounded sums: a small signed
 * constant, or a bounded range (the sums do not wrap, so the difference
 * is the integer one). */
static bool gap_min(const builder *b, const astate *st, uint32_t id, int64_t *out)
{
    if (small_signed(b, id, out))
        return true;
    u128 lo, hi;
    range(b, st, id, &lo, &hi, 0);
    if (hi >= ((u128)1 << 100))
        return false;
    *out = lo < ((u128)1 << 40) ? (int64_t)lo : (int64_t)1 << 40;
    return true;
}

/* Entry e and the nb bytes at base + off are disjoint by their
 * difference: bases and lengths bounded (so the sums do not wrap) and a
 * constant gap between the end of one and the start of the other. */
static bool disjoint_sym(builder *b, const astate *st, const mem_ent *e, uint32_t base, int64_t off, int nb)
{
    if (!bounded(b, st, base) || !bounded(b, st, e->base) ||
        (e->kind != MEM_WORD && !bounded(b, st, e->rlen)))
        return false;
    uint32_t zero = mk_const64(b, 0);
    uint32_t rb = base ? base : zero, eb = e->base ? e->base : zero;
    /* the read starts at or after the entry's end */
    uint32_t eend = e->kind == MEM_WORD ? eb : mk_op(b, SEER_OP_ADD, eb, e->rlen, 0);
    int64_t g;
    if (gap_min(b, st, mk_op(b, SEER_OP_SUB, rb, eend, 0), &g) &&
        g + off - (e->off + (e->kind == MEM_WORD ? 32 : 0)) >= 0)
        return true;
    /* the read ends at or before the entry's start */
    if (gap_min(b, st, mk_op(b, SEER_OP_SUB, eb, rb, 0), &g) && g + e->off - (off + nb) >= 0)
        return true;
    return false;
}

/* The word at d bytes into calldata region e (MEM_RCD): rlen > d: the
 * region's first (rlen - d) bytes there, the other bytes zero (*mask_out,
 * when not NULL, the mask of the region's bytes). */
static uint32_t rcd_word(builder *b, const mem_ent *e, uint64_t d, uint32_t *mask_out)
{
    uint32_t dn = mk_const64(b, d);
    uint32_t w = mk(b, AN_CALLDATA, 0, mk_op(b, SEER_OP_ADD, dn, e->v, 0), 0, 0, NULL);
    uint32_t left = mk_op(b, SEER_OP_SUB, e->rlen, dn, 0);
    uint32_t mask = mk_op(b, SEER_OP_NOT,
                          mk_op(b, SEER_OP_SHR, mk_op(b, SEER_OP_MUL, mk_const64(b, 8), left, 0),
                                mk_op(b, SEER_OP_NOT, mk_const64(b, 0), 0, 0), 0),
                          0, 0);
    uint32_t m = mk_op(b, SEER_OP_MUL, mk_op(b, SEER_OP_GT, e->rlen, dn, 0), mask, 0);
    if (mask_out)
        *mask_out = m;
    return mk_op(b, SEER_OP_AND, w, m, 0);
}

/* Entry i is the zero word Solidity stores right past a calldata copy
 * (`calldatacopy(p, src, n) mstore(add(p, n), 0)`: the copy of msg.data
 * or of a `bytes calldata` into memory): a MEM_WORD of constant 0 at the
 * end of the region just older than it. A word read that starts inside
 * the region at d <= rlen then ends inside the two: its bytes past the
 * region are the zero word's. */
static bool mem_is_pad(const builder *b, const astate *st, uint32_t i)
{
    if (i == 0)
        return false;
    const mem_ent *z = &st->mem[i], *r = &st->mem[i - 1];
    if (z->kind != MEM_WORD || r->kind != MEM_RCD || z->off != r->off || !z->base)
        return false;
    const u256 *zv = cval(b, z->v);
    if (!zv || !u256_is_zero(zv))
        return false;
    if (!r->base)
        return z->base == r->rlen;
    const an_node *n = &b->s->nodes[z->base];
    return n->kind == AN_OP && n->op == SEER_OP_ADD &&
           ((n->a == r->base && n->b == r->rlen) || (n->a == r->rlen && n->b == r->base));
}

/* A word read at base + off (nb 32) that entry i, newer than any entry
 * owning its bytes, may overlap: inside the copy of a call's whole return
 * data (RETURNDATACOPY(p, 0, RETURNDATASIZE), a MEM_RRD region) at an
 * offset that is not a constant, it is that call's word there (Solidity's
 * abi.decode of a dynamic array reads its length at p + the offset the
 * first word gives). Every entry newer than the region must be disjoint
 * from the read or one of the copy's own words; the AN_RETDATA_DYN node
 * evaluates only where the data reaches the word's end, where the copy
 * holds it. Else unknown. */
static uint32_t mem_load_rrd(builder *b, const astate *st, uint32_t base, int64_t off, int i)
{
    int r = i;
    while (r >= 0 && st->mem[r].kind != MEM_RRD)
        r--;
    if (r < 0)
        return b->unk;
    const mem_ent *rg = &st->mem[r];
    if (base == rg->base || !base || us_get(b, base))
        return b->unk;
    /* The node evaluates only at an offset below 2^31 (predict.c): the
     * read lies within that much of the region's start. */
    u128 rlo, rhi;
    addr_range(b, st, rg->base, rg->off, 0, &rlo, &rhi);
    if (rhi >= ((u128)1 << 100))
        return b->unk;
    rhi += ((u128)1 << 31) + 32;
    uint32_t end = 0;
    for (int j = i; j > r; j--) {
        const mem_ent *e = &st->mem[j];
        const an_node *v = &b->s->nodes[e->v];
        if (e->kind == MEM_WORD && e->base == rg->base && e->off >= rg->off && (e->off - rg->off) % 32 == 0 &&
            v->kind == AN_RETDATA && v->a == rg->v && (int64_t)v->b == e->off - rg->off)
            continue; /* the copy's own word */
        u128 elo, ehi, len = ent_len(b, st, e);
        if (e->base == base) {
            if (e->off < off + 32 && (e->off >= off || (u128)(off - e->off) < len))
                return b->unk; /* it owns some of the read's bytes */
            continue;
        }
        addr_range(b, st, e->base, e->off, len, &elo, &ehi);
        if (ehi <= rlo || rhi <= elo || disjoint_sym(b, st, e, base, off, 32))
            continue;
        /* it starts at or past the copy's end (the free-memory pointer
         * moved past the data), which the read does not pass */
        if (!end)
            end = rg->base ? mk_op(b, SEER_OP_ADD, rg->base, rg->rlen, 0) : rg->rlen;
        int64_t g;
        uint32_t eb = e->base ? e->base : mk_const64(b, 0);
        if (!bounded(b, st, end) || !bounded(b, st, e->base) ||
            !gap_min(b, st, mk_op(b, SEER_OP_SUB, eb, end, 0), &g) || g + e->off - rg->off < 0)
            return b->unk;
    }
    /* the read's offset in the data: base + off - (region base + region off) */
    u256 k = u256_from_u64((uint64_t)(off >= rg->off ? off - rg->off : rg->off - off));
    if (off < rg->off) {
        u256 z = U256_ZERO;
        u256_sub(&k, &z, &k);
    }
    uint32_t d = mk_op(b, SEER_OP_ADD, mk_const(b, &k), base, 0);
    if (rg->base)
        d = mk_op(b, SEER_OP_SUB, d, rg->base, 0);
    if (d == b->unk)
        return b->unk;
    return mk(b, AN_RETDATA, 0, rg->v, AN_RETDATA_DYN, d, NULL);
}

/* Memory is a list of entries in write order; a later entry takes
 * precedence where entries overlap, so Solidity's unaligned argument
 * encoding (selector at p, arguments from p+4) stays exact. */
static void mem_push(astate *st, const mem_ent *e)
{
    if (st->fwd && (e->base || st->fwd_base || e->off + 32 > (int64_t)st->fwd_off || e->kind != MEM_WORD))
        st->fwd = 0;
    uint32_t o = 0;
    for (uint32_t i = 0; i < st->nmem; i++)
        if (!(e->kind == MEM_WORD && st->mem[i].kind == MEM_WORD && st->mem[i].base == e->base &&
              st->mem[i].off == e->off))
            st->mem[o++] = st->mem[i]; /* an equal word is wholly replaced */
    st->nmem = o;
    if (st->nmem == MEMCAP) {
        mem_clobber(st);
        return;
    }
    st->mem[st->nmem++] = *e;
}

static void mem_store_at(astate *st, uint32_t base, int64_t off, uint32_t v)
{
    mem_ent e;
    memset(&e, 0, sizeof e);
    e.base = base;
    e.off = off;
    e.v = v;
    mem_push(st, &e);
}

/* The word at base + off from the first `top` entries (older ones), of
 * which only the first nb bytes (1..32) are read: the others are zero in
 * the result (KECCAK256 over a length that is not a multiple of 32, as
 * `abi.encodePacked(token0, token1)` in Uniswap's pairFor: 40 bytes,
 * whose second word's tail is whatever an earlier call left there). */
static uint32_t mem_load_top(builder *b, const astate *st, uint32_t base, int64_t off, uint32_t top,
                             int depth, int nb)
{
    int owner[32];
    int nown = 0;
    for (int k = 0; k < 32; k++)
        owner[k] = -1;
    u128 rlo = 0, rhi = 0;
    bool have_r = false;
    for (int i = (int)top - 1; i >= 0 && nown < nb; i--) {
        const mem_ent *e = &st->mem[i];
        if (e->base == base) {
            u128 len = ent_len(b, st, e);
            for (int k = 0; k < nb; k++) {
                int64_t a = off + k;
                if (owner[k] < 0 && a >= e->off && (u128)(a - e->off) < len) {
                    owner[k] = i;
                    nown++;
                }
            }
            continue;
        }
        if (!have_r) {
            addr_range(b, st, base, off, (u128)nb, &rlo, &rhi);
            have_r = true;
        }
        u128 elo, ehi;
        addr_range(b, st, e->base, e->off, ent_len(b, st, e), &elo, &ehi);
        if (ehi <= rlo || rhi <= elo || disjoint_sym(b, st, e, base, off, nb))
            continue; /* disjoint */
        if (nown == 0 && nb == 32 && depth == 0) {
            uint32_t v = mem_load_rrd(b, st, base, off, i);
            if (v != b->unk)
                return v;
        }
        if (nown == 0 && nb == 32 && depth < 2 && mem_is_pad(b, st, (uint32_t)i)) {
            /* A calldata copy and the zero word Solidity stores right
             * past its end: a read inside them that starts in the copy. */
            const mem_ent *r = &st->mem[i - 1];
            int64_t d = off - r->off;
            u128 llo, lhi;
            range(b, st, r->rlen, &llo, &lhi, 0);
            if (r->base == base && d >= 0 && (d == 0 || (llo >= (u128)d && llo <= lhi)))
                return rcd_word(b, r, (uint64_t)d, NULL);
        }
        return b->unk;
    }
    bool any = false;
    for (int k = 0; k < nb; k++) {
        if (owner[k] < 0 && st->clobbered)
            return b->unk;
        any |= owner[k] >= 0;
    }
    if (!any)
        return mk_const64(b, 0);
    if (owner[0] >= 0 && st->mem[owner[0]].kind != MEM_WORD) {
        /* A calldata region: whole, or its end inside this word over
         * older memory (zeros where never written). */
        const mem_ent *e = &st->mem[owner[0]];
        bool whole = e->kind == MEM_RCD && depth < 2;
        for (int k = 1; k < nb && whole; k++)
            whole = owner[k] == owner[0];
        if (!whole)
            return b->unk;
        uint32_t d = mk_const64(b, (uint64_t)(off - e->off));
        uint32_t w = mk(b, AN_CALLDATA, 0, mk_op(b, SEER_OP_ADD, d, e->v, 0), 0, 0, NULL);
        const u256 *rl = cval(b, e->rlen);
        if (rl && u256_fits_u64(rl) && rl->w[0] >= (uint64_t)(off - e->off) + 32)
            return w;
        /* a length the path bounded from below (`require(path.length >=
         * 2)` before path[0], path[1] are read) */
        u128 llo, lhi;
        range(b, st, e->rlen, &llo, &lhi, 0);
        if (llo >= (u128)(off - e->off) + 32 && llo <= lhi)
            return w;
        uint32_t older = mem_load_top(b, st, base, off, (uint32_t)owner[0], depth + 1, nb);
        if (older == b->unk || b->s->nodes[older].kind == AN_UNKNOWN)
            return b->unk;
        /* Solidity copies a calldata array to memory (`address[]
         * calldata` passed to an internal function) at the free-memory
         * pointer, over the words an earlier call's arguments left there. */
        uint32_t m;
        uint32_t v = rcd_word(b, e, (uint64_t)(off - e->off), &m);
        const u256 *oc = cval(b, older);
        if (oc && u256_is_zero(oc))
            return v;
        return mk_op(b, SEER_OP_OR, v, mk_op(b, SEER_OP_AND, older, mk_op(b, SEER_OP_NOT, m, 0, 0), 0), 0);
    }
    if (owner[0] >= 0 && st->mem[owner[0]].off == off) {
        bool whole = true;
        for (int k = 1; k < nb; k++)
            whole &= owner[k] == owner[0];
        if (whole)
            return st->mem[owner[0]].v;
    }
    uint32_t acc = mk_const64(b, 0);
    for (int k = 0; k < nb;) {
        int e = owner[k], k1 = k;
        while (k1 + 1 < nb && owner[k1 + 1] == e)
            k1++;
        if (e >= 0) {
            if (st->mem[e].kind != MEM_WORD)
                return b->unk;
            uint32_t v = st->mem[e].v;
            if (v == b->unk || b->s->nodes[v].kind == AN_UNKNOWN)
                return b->unk;
            int64_t shift = off - st->mem[e].off; /* bytes */
            uint32_t piece = shift > 0   ? mk_op(b, SEER_OP_SHL, mk_const64(b, (uint64_t)(8 * shift)), v, 0)
                             : shift < 0 ? mk_op(b, SEER_OP_SHR, mk_const64(b, (uint64_t)(-8 * shift)), v, 0)
                                         : v;
            uint8_t mb[32] = {0};
            memset(mb + k, 0xff, (size_t)(k1 - k + 1));
            u256 mask;
            u256_from_be32(&mask, mb);
            acc = mk_op(b, SEER_OP_OR, acc, mk_op(b, SEER_OP_AND, mk_const(b, &mask), piece, 0), 0);
        }
        k = k1 + 1;
    }
    return acc;
}

static uint32_t mem_load_at(builder *b, const astate *st, uint32_t base, int64_t off)
{
    return mem_load_top(b, st, base, off, st->nmem, 0, 32);
}

/* Marks [off, off+len) unknown (a region when len is not a small
 * constant); an offset not derivable clobbers all. */
static void mem_region(builder *b, astate *st, uint32_t offn, uint32_t lenn, unsigned kind, uint32_t src)
{
    uint32_t len, base;
    int64_t off;
    if (cval_u32(b, lenn, &len) && len == 0)
        return;
    if (!maddr(b, offn, &base, &off)) {
        mem_clobber(st);
        return;
    }
    if (cval_u32(b, lenn, &len) && len <= 32 * 16) {
        for (uint32_t i = 0; i < len; i += 32)
            mem_store_at(st, base, off + i, b->unk);
        return;
    }
    if (cval(b, lenn) && !cval_u32(b, lenn, &len)) {
        mem_clobber(st); /* no such copy succeeds */
        return;
    }
    /* A length not stable (return data) has no facts: the region then
     * reaches to the end of memory (ent_len). */
    mem_ent e;
    memset(&e, 0, sizeof e);
    e.base = base;
    e.off = off;
    e.rlen = lenn;
    e.kind = kind;
    e.v = src;
    mem_push(st, &e);
}

static void mem_unknown(builder *b, astate *st, uint32_t offn, uint32_t lenn)
{
    mem_region(b, st, offn, lenn, MEM_RUNK, 0);
}

/* Reads the words of a region of constant length; false when not
 * derivable. */
static bool mem_words(builder *b, const astate *st, uint32_t offn, uint32_t lenn, uint32_t *words,
                      uint32_t *n, bool partial)
{
    uint32_t len, base;
    int64_t off;
    if (!maddr(b, offn, &base, &off) || !cval_u32(b, lenn, &len) || len > 32 * MAX_HASH_WORDS)
        return false;
    *n = (len + 31) / 32;
    for (uint32_t i = 0; i < *n; i++)
        words[i] = mem_load_top(b, st, base, off + 32 * i, st->nmem, 0,
                                (partial && len - 32 * i < 32) ? (int)(len - 32 * i) : 32);
    return true;
}

/* The first words of a region whose length is not a constant (a call's
 * arguments with a dynamic part): at most MAX_HASH_WORDS, fewer when the
 * length's range is smaller. Instantiation takes the size from its own
 * node; where it is larger than the words, the length stays unknown. */
static bool mem_words_var(builder *b, const astate *st, uint32_t offn, uint32_t lenn, uint32_t *words,
                          uint32_t *n)
{
    uint32_t base;
    int64_t off;
    if (cval(b, lenn) || !maddr(b, offn, &base, &off))
        return false;
    u128 lo, hi;
    range(b, st, lenn, &lo, &hi, 0);
    *n = hi < 32 * MAX_HASH_WORDS ? (uint32_t)(hi + 31) / 32 : MAX_HASH_WORDS;
    for (uint32_t i = 0; i < *n; i++)
        words[i] = mem_load_at(b, st, base, off + 32 * i);
    return true;
}

/* ---- selectors ---- */

static bool is_cd0(const builder *b, uint32_t id)
{
    const an_node *n = &b->s->nodes[id];
    if (n->kind != AN_CALLDATA)
        return false;
    const u256 *o = cval(b, n->a);
    return o && u256_is_zero(o);
}

static bool is_selector_expr(const builder *b, uint32_t id, int depth)
{
    const an_node *n = &b->s->nodes[id];
    if (depth > 3 || n->kind != AN_OP)
        return false;
    const u256 *ca = cval(b, n->a), *cb = n->b ? cval(b, n->b) : NULL;
    switch (n->op) {
    case SEER_OP_SHR: return ca && u256_fits_u64(ca) && ca->w[0] == 224 && is_cd0(b, n->b);
    case SEER_OP_DIV: return cb && is_cd0(b, n->a);
    case SEER_OP_AND:
        return (ca && is_selector_expr(b, n->b, depth + 1)) || (cb && is_selector_expr(b, n->a, depth + 1)) ||
               (ca && is_cd0(b, n->b));
    default: return false;
    }
}

/* If cond is EQ(selector, C) returns true with *sel = C. */
static bool cond_selector(const builder *b, uint32_t cond, uint32_t *sel)
{
    const an_node *n = &b->s->nodes[cond];
    if (n->kind != AN_OP || n->op != SEER_OP_EQ)
        return false;
    const u256 *c = cval(b, n->a);
    uint32_t other = n->b;
    if (!c) {
        c = cval(b, n->b);
        other = n->a;
    }
    if (!c || !u256_fits_u64(c) || c->w[0] > UINT32_MAX || !is_selector_expr(b, other, 0))
        return false;
    *sel = (uint32_t)c->w[0];
    return true;
}

static uint32_t selector_bucket(builder *b, uint32_t sel)
{
    an_summary *s = b->s;
    for (uint32_t i = 0; i < s->nselectors; i++)
        if (s->selectors[i] == sel)
            return i + 1;
    uint32_t *p = realloc(s->selectors, (s->nselectors + 1) * sizeof *p);
    uint64_t *q = realloc(b->bucket_steps, (s->nselectors + 2) * sizeof *q);
    if (p)
        s->selectors = p;
    if (q)
        b->bucket_steps = q;
    if (!p || !q) {
        b->oom = true;
        return 0;
    }
    s->selectors[s->nselectors] = sel;
    b->bucket_steps[s->nselectors + 1] = 0;
    return ++s->nselectors;
}

/* After a whole-contract build that a budget cut, the dispatcher's
 * comparisons not reached yet: each `PUSH4 c [DUPn] EQ PUSHn JUMPI` in
 * the code (Solidity's dispatcher) names an entry point. The cache serves
 * a selector that a whole-contract summary does not list with that
 * summary (the dispatcher would not know it), so a cut list would hand a
 * later frame a summary that holds "unknown" where its own entry point's
 * build may fit the budget. Listing too many only costs builds. */
static void selectors_scan(builder *b)
{
    const uint8_t *code = b->code->code;
    size_t n = b->code->size;
    for (size_t pc = 0; pc < n && !b->oom;) {
        unsigned op = code[pc];
        size_t next = pc + 1 + seer_opcode_immediate(op);
        if (op == SEER_OP_PUSH4 && next + 3 <= n) {
            size_t q = next;
            if (code[q] >= SEER_OP_DUP1 && code[q] <= SEER_OP_DUP16)
                q++;
            if (q + 2 < n && code[q] == SEER_OP_EQ && code[q + 1] >= SEER_OP_PUSH1 &&
                code[q + 1] <= SEER_OP_PUSH4) {
                size_t j = q + 2 + seer_opcode_immediate(code[q + 1]);
                if (j < n && code[j] == SEER_OP_JUMPI) {
                    uint32_t sel = (uint32_t)code[pc + 1] << 24 | (uint32_t)code[pc + 2] << 16 |
                                   (uint32_t)code[pc + 3] << 8 | code[pc + 4];
                    selector_bucket(b, sel);
                }
            }
        }
        pc = next;
    }
}

int64_t an_guard_selector(const an_summary *s, uint32_t guard)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.s = (an_summary *)s;
    for (uint32_t steps = 0; guard != 0 && steps < 100000; steps++) {
        const an_guard *g = &s->guards[guard];
        uint32_t sel;
        if (g->cond && g->polarity && cond_selector(&b, g->cond, &sel))
            return sel;
        guard = g->parent;
    }
    return -1;
}

/* ---- the entry-point assumption ----
 *
 * A per-entry-point build knows the first 4 calldata bytes (the selector)
 * and that CALLDATASIZE >= 4. Values are evaluated bitwise under that
 * knowledge: `v` holds the value of the bits set in `m` (the known bits).
 * Only the shapes a dispatcher uses are modelled (shifts, DIV by a power of
 * two, AND/OR masks, comparisons of known values, CALLDATASIZE against
 * small constants); anything else tells nothing, which is always sound. */

typedef struct pk {
    u256 v, m;
} pk;

#define SK_DEPTH 8

static bool pk_full(const pk *x)
{
    return u256_eq(&x->m, &U256_MAX);
}

static bool sk_none_get(const builder *b, uint32_t id)
{
    return id < b->sk_cap && (b->sk_none[id >> 3] >> (id & 7)) & 1;
}

static void sk_none_set(builder *b, uint32_t id)
{
    if (id >= b->sk_cap) {
        uint32_t nc = b->sk_cap ? b->sk_cap : 4096;
        while (nc <= id)
            nc *= 2;
        uint8_t *t = realloc(b->sk_none, nc / 8);
        if (!t)
            return; /* only a cache: evaluating again is correct */
        memset(t + b->sk_cap / 8, 0, (nc - b->sk_cap) / 8);
        b->sk_none = t;
        b->sk_cap = nc;
    }
    b->sk_none[id >> 3] |= (uint8_t)(1u << (id & 7));
}

/* The known bits of CALLDATALOAD(off) for a constant off: the bytes that
 * fall in [0, 4) are the selector's. */
static void sk_calldata(const builder *b, const u256 *off, pk *r)
{
    uint8_t v[32] = {0}, m[32] = {0};
    if (u256_fits_u64(off) && off->w[0] < 4) {
        for (uint64_t i = 0; off->w[0] + i < 4; i++) {
            v[i] = (uint8_t)(b->sel >> (8 * (3 - (off->w[0] + i))));
            m[i] = 0xff;
        }
    }
    u256_from_be32(&r->v, v);
    u256_from_be32(&r->m, m);
}

/* Is x (fully known) such that CALLDATASIZE `op` x, or x `op` CALLDATASIZE
 * (cd_first false), is false for every CALLDATASIZE >= 4? Returns 0 when it
 * is surely false, 1 surely true, -1 when it depends. */
static int sk_cdsize_cmp(unsigned op, bool cd_first, const u256 *x)
{
    u256 four = u256_from_u64(4);
    bool le4 = !u256_gt(x, &four); /* x <= 4 */
    bool lt4 = u256_lt(x, &four);
    switch (op) {
    case SEER_OP_LT: /* cds < x: false when x <= 4; x < cds: true when x < 4 */
        if (cd_first)
            return le4 ? 0 : -1;
        return lt4 ? 1 : -1;
    case SEER_OP_GT: /* cds > x: true when x < 4; x > cds: false when x <= 4 */
        if (cd_first)
            return lt4 ? 1 : -1;
        return le4 ? 0 : -1;
    case SEER_OP_EQ: return lt4 ? 0 : -1;
    default: return -1;
    }
}

static void sk_eval(builder *b, uint32_t id, pk *r, int depth)
{
    r->v = U256_ZERO;
    r->m = U256_ZERO;
    const an_node *n = &b->s->nodes[id];
    if (n->kind == AN_CONST) {
        r->v = n->k;
        r->m = U256_MAX;
        return;
    }
    if (depth > SK_DEPTH || sk_none_get(b, id))
        return;
    /* Copy what is needed: evaluation may not add nodes, but stay safe. */
    an_node nd = *n;
    if (b->sel == AN_SEL_EMPTY && (nd.kind == AN_CALLDATA || nd.kind == AN_CDSIZE)) {
        r->m = U256_MAX; /* no calldata: its size and every word are 0 */
    } else if (nd.kind == AN_CALLDATA) {
        const an_node *o = &b->s->nodes[nd.a];
        if (o->kind == AN_CONST) {
            u256 off = o->k;
            sk_calldata(b, &off, r);
        }
    } else if (nd.kind == AN_OP) {
        pk x, y, z;
        memset(&y, 0, sizeof y);
        memset(&z, 0, sizeof z);
        sk_eval(b, nd.a, &x, depth + 1);
        if (nd.b)
            sk_eval(b, nd.b, &y, depth + 1);
        if (nd.c)
            sk_eval(b, nd.c, &z, depth + 1);
        bool fx = pk_full(&x), fy = nd.b ? pk_full(&y) : true, fz = nd.c ? pk_full(&z) : true;
        if (fx && fy && fz) {
            if (an_apply_op(&r->v, nd.op, &x.v, &y.v, &z.v))
                r->m = U256_MAX;
        } else {
            u256 t;
            switch (nd.op) {
            case SEER_OP_SHR:
            case SEER_OP_SHL:
                if (fx && u256_fits_u64(&x.v) && x.v.w[0] < 256) {
                    unsigned sh = (unsigned)x.v.w[0];
                    u256 fill;
                    if (nd.op == SEER_OP_SHR) {
                        u256_shr_bits(&r->v, &y.v, sh);
                        u256_shr_bits(&r->m, &y.m, sh);
                        u256_shr_bits(&fill, &U256_MAX, sh);
                    } else {
                        u256_shl_bits(&r->v, &y.v, sh);
                        u256_shl_bits(&r->m, &y.m, sh);
                        u256_shl_bits(&fill, &U256_MAX, sh);
                    }
                    u256_not(&fill, &fill); /* the bits shifted in are zeros */
                    u256_or(&r->m, &r->m, &fill);
                }
                break;
            case SEER_OP_DIV:
                /* by a power of two: a right shift */
                if (fy && !u256_is_zero(&y.v)) {
                    u256 ym1;
                    u256_sub(&ym1, &y.v, &U256_ONE);
                    u256_and(&t, &ym1, &y.v);
                    if (u256_is_zero(&t)) {
                        unsigned sh = 0;
                        while (sh < 255) {
                            u256 p;
                            u256_shr_bits(&p, &y.v, sh);
                            if (u256_eq(&p, &U256_ONE))
                                break;
                            sh++;
                        }
                        u256 fill;
                        u256_shr_bits(&r->v, &x.v, sh);
                        u256_shr_bits(&r->m, &x.m, sh);
                        u256_shr_bits(&fill, &U256_MAX, sh);
                        u256_not(&fill, &fill);
                        u256_or(&r->m, &r->m, &fill);
                    }
                }
                break;
            case SEER_OP_AND: {
                /* known where both are known, or where either is a known 0 */
                u256 zx, zy;
                u256_not(&zx, &x.v);
                u256_and(&zx, &zx, &x.m);
                u256_not(&zy, &y.v);
                u256_and(&zy, &zy, &y.m);
                u256_and(&r->m, &x.m, &y.m);
                u256_or(&r->m, &r->m, &zx);
                u256_or(&r->m, &r->m, &zy);
                u256_and(&r->v, &x.v, &y.v);
                break;
            }
            case SEER_OP_OR: {
                u256 ox, oy;
                u256_and(&ox, &x.v, &x.m);
                u256_and(&oy, &y.v, &y.m);
                u256_and(&r->m, &x.m, &y.m);
                u256_or(&r->m, &r->m, &ox);
                u256_or(&r->m, &r->m, &oy);
                u256_or(&r->v, &x.v, &y.v);
                break;
            }
            case SEER_OP_EQ: {
                /* differing known bits: surely unequal */
                u256 both, d;
                u256_and(&both, &x.m, &y.m);
                u256_xor(&d, &x.v, &y.v);
                u256_and(&d, &d, &both);
                if (!u256_is_zero(&d))
                    r->m = U256_MAX; /* v stays 0 */
                break;
            }
            default: break;
            }
            /* CALLDATASIZE against a known value */
            if (!pk_full(r) && (nd.op == SEER_OP_LT || nd.op == SEER_OP_GT || nd.op == SEER_OP_EQ)) {
                int c = -1;
                if (b->sel == AN_SEL_EMPTY)
                    c = -1; /* CALLDATASIZE is the constant 0 there */
                else if (b->s->nodes[nd.a].kind == AN_CDSIZE && fy)
                    c = sk_cdsize_cmp(nd.op, true, &y.v);
                else if (nd.b && b->s->nodes[nd.b].kind == AN_CDSIZE && fx)
                    c = sk_cdsize_cmp(nd.op, false, &x.v);
                if (c >= 0) {
                    r->v = u256_from_u64((uint64_t)c);
                    r->m = U256_MAX;
                }
            }
            if (!pk_full(r) && nd.op == SEER_OP_ISZERO && b->s->nodes[nd.a].kind == AN_CDSIZE &&
                b->sel != AN_SEL_EMPTY) {
                r->v = U256_ZERO;
                r->m = U256_MAX;
            }
        }
    }
    u256_and(&r->v, &r->v, &r->m);
    if (u256_is_zero(&r->m))
        sk_none_set(b, id);
}

/* The value of a condition under the entry-point assumption: true with
 * *out set when it is known. */
static bool sk_cond(builder *b, uint32_t id, u256 *out)
{
    if (b->sel == -1 || b->s->nodes[id].depth > SK_DEPTH)
        return false;
    pk r;
    sk_eval(b, id, &r, 0);
    if (!pk_full(&r))
        return false;
    *out = r.v;
    return true;
}

/* ---- states ---- */

/* Path states are large (mostly stack) and made at every fork: freed ones
 * are kept for reuse rather than returned to malloc. */
static astate *state_new(builder *b)
{
    if (b->npool)
        return b->pool[--b->npool];
    return malloc(sizeof(astate));
}

static void state_free(builder *b, astate *st)
{
    if (!st)
        return;
    if (b->npool < 256 && grow((void **)&b->pool, &b->pool_cap, b->npool + 1, sizeof *b->pool))
        b->pool[b->npool++] = st;
    else
        free(st);
}

static astate *state_copy(builder *b, const astate *st)
{
    astate *c = state_new(b);
    if (!c)
        return NULL;
    size_t head = offsetof(astate, stack);
    memcpy(c, st, head + st->height * sizeof(uint32_t));
    return c;
}

static uint64_t state_hash(const astate *st)
{
    uint64_t h = mix64(st->pc, ((uint64_t)st->height << 32) | st->clobbered);
    h = mix64(h, ((uint64_t)st->fwd << 63) | ((uint64_t)st->called << 62) | ((uint64_t)st->fwd_base << 32) |
                     st->fwd_off);
    h = mix64(h, ((uint64_t)st->sw_over << 32) | st->nsw);
    for (uint32_t i = 0; i < st->nsw; i++)
        h = mix64(h, ((uint64_t)st->sw[i].slot << 32) | st->sw[i].val);
    for (uint32_t i = 0; i < st->height; i++)
        h = mix64(h, st->stack[i]);
    /* Memory as a set: order-independent combination of its entries. */
    uint64_t m = 0;
    for (uint32_t i = 0; i < st->nmem; i++) {
        const mem_ent *e = &st->mem[i];
        m += mix64(mix64((uint64_t)e->off, ((uint64_t)e->base << 32) | e->v),
                   ((uint64_t)e->rlen << 8) | e->kind);
    }
    h = mix64(h, m);
    for (uint32_t i = 0; i < st->nfacts; i++)
        h = mix64(
            mix64(mix64(h, st->facts[i].node), (uint64_t)st->facts[i].hi ^ (uint64_t)(st->facts[i].hi >> 64)),
            (uint64_t)st->facts[i].lo ^ (uint64_t)(st->facts[i].lo >> 64));
    return h; /* without rdcall: state_key adds it */
}

static uint64_t state_key(uint64_t base, uint32_t rdcall)
{
    return mix64(base, rdcall);
}

static uint32_t *visited_find(builder *b, uint32_t pc, uint64_t key, bool *found)
{
    uint32_t i = (uint32_t)(key ^ pc) & (b->vcap - 1);
    while (b->vtab[i].guard) {
        if (b->vtab[i].key == key && b->vtab[i].pc == pc) {
            *found = true;
            return &b->vtab[i].guard;
        }
        i = (i + 1) & (b->vcap - 1);
    }
    *found = false;
    b->vtab[i].key = key;
    b->vtab[i].pc = pc;
    return &b->vtab[i].guard;
}

static bool visited_grow(builder *b)
{
    if ((b->vcount + 1) * 2 <= b->vcap)
        return true;
    uint32_t nc = b->vcap * 2;
    vent *t = calloc(nc, sizeof *t);
    if (!t)
        return false;
    for (uint32_t j = 0; j < b->vcap; j++)
        if (b->vtab[j].guard) {
            uint32_t k = (uint32_t)(b->vtab[j].key ^ b->vtab[j].pc) & (nc - 1);
            while (t[k].guard)
                k = (k + 1) & (nc - 1);
            t[k] = b->vtab[j];
        }
    free(b->vtab);
    b->vtab = t;
    b->vcap = nc;
    return true;
}

/* Registers the state at a JUMPDEST. Returns false when an identical state
 * was explored already (its guard is linked there; the path stops).
 *
 * Return data: states that differ only in whose return data the next
 * RETURNDATASIZE/RETURNDATACOPY would see (the last call of each arm of a
 * command interpreter) go on twice at most: the first as it is, every
 * later one with that return data not derivable (UINT32_MAX: the size is
 * unknown, a copy writes unknown bytes), which stands for any of them, so
 * the ones after it merge there. A marker entry (the joined state's key
 * salted) records that one was explored. */
#define RD_MARK 0x5a17c0de9e11f00dULL

static bool visit(builder *b, astate *st)
{
    if (!visited_grow(b)) {
        b->oom = true;
        return false;
    }
    bool found;
    uint64_t base = state_hash(st), top = state_key(base, UINT32_MAX);
    uint32_t *slot;
    if (st->rdcall != UINT32_MAX) {
        slot = visited_find(b, st->pc, top, &found);
        if (found) {
            link_guard(b, *slot, st->guard); /* covered by the joined state */
            return false;
        }
        slot = visited_find(b, st->pc, state_key(base, st->rdcall), &found);
        if (found) {
            link_guard(b, *slot, st->guard);
            return false;
        }
        uint32_t *mark = visited_find(b, st->pc, top ^ RD_MARK, &found);
        if (found) {
            st->rdcall = UINT32_MAX; /* another arm's return data came here first */
        } else {
            *mark = 1; /* any nonzero guard: the slot is taken */
            b->vcount++;
            if (!visited_grow(b)) {
                b->oom = true;
                return false;
            }
        }
    }
    slot = visited_find(b, st->pc, state_key(base, st->rdcall), &found);
    if (found) { /* cannot happen: looked up above */
        link_guard(b, *slot, st->guard);
        return false;
    }
    uint32_t g = new_guard(b, 0, 1, st->guard);
    *slot = g;
    b->vcount++;
    st->guard = g;
    return true;
}

static int snap_find(const astate *st, uint32_t pc)
{
    for (uint32_t i = 0; i < st->nsnaps; i++)
        if (st->snaps[i].pc == pc)
            return (int)i;
    return -1;
}

static bool snap_save(builder *b, astate *st, int slot, bool fn)
{
    /* Paths save many: only what widening reads, at its size. */
    /* the memory entries after the stack words, at an even word count:
     * mem_ent holds 64-bit fields */
    uint32_t hpad = (st->height + 1) & ~1u;
    size_t sz = sizeof(snap) + hpad * sizeof(uint32_t) + st->nmem * sizeof(mem_ent);
    if (b->snap_bytes + sz > SNAP_BYTES)
        return false; /* no new reference: the loop unrolls on, to the step budget */
    b->snap_bytes += sz;
    snap *c = malloc(sz);
    if (c) {
        c->height = st->height;
        c->nmem = st->nmem;
        c->clobbered = st->clobbered;
        memcpy(c->stack, st->stack, st->height * sizeof(uint32_t));
        c->mem = (mem_ent *)(void *)(c->stack + hpad);
        memcpy(c->mem, st->mem, st->nmem * sizeof(mem_ent));
    }
    if (!c || !grow((void **)&b->snaps, &b->snaps_cap, b->nsnaps + 1, sizeof *b->snaps)) {
        free(c);
        b->oom = true;
        return false;
    }
    b->snaps[b->nsnaps] = c;
    if (slot < 0) {
        if (st->nsnaps == SNAPCAP) {
            /* Evict the oldest internal-function entry, else the oldest
             * head: it is re-snapshotted if visited again. Function
             * entries go first, so a loop whose body calls many
             * functions keeps its head and widens. */
            uint32_t v = 0;
            for (uint32_t i = 0; i < SNAPCAP; i++)
                if (st->snaps[i].fn) {
                    v = i;
                    break;
                }
            memmove(&st->snaps[v], &st->snaps[v + 1], (SNAPCAP - 1 - v) * sizeof st->snaps[0]);
            st->nsnaps--;
        }
        slot = (int)st->nsnaps++;
    }
    if (slot >= 0 && (uint32_t)slot + 1 < st->nsnaps) {
        /* Most recently saved last: eviction takes the least recent. */
        memmove(&st->snaps[slot], &st->snaps[slot + 1],
                (st->nsnaps - 1 - (uint32_t)slot) * sizeof st->snaps[0]);
        slot = (int)st->nsnaps - 1;
    }
    st->snaps[slot].pc = st->pc;
    st->snaps[slot].snap = b->nsnaps++;
    st->snaps[slot].fn = fn;
    return true;
}

/* A constant jump destination among the top stack slots: the state is
 * inside an internal function (its return address is on the stack). */
static bool has_return_address(const builder *b, const astate *st)
{
    for (uint32_t i = 0; i < 16 && i < st->height; i++) {
        const u256 *v = cval(b, st->stack[st->height - 1 - i]);
        if (v && u256_fits_u64(v) && v->w[0] != st->pc && seer_code_is_jumpdest(b->code, v->w[0]))
            return true;
    }
    return false;
}

/* Whether a value is the same to every reader as the generic unknown:
 * it never evaluates (an unknown or a loop variable under it) and no
 * range is known of it (a mask or a shift would bound it). */
static bool opaque(builder *b, const astate *st, uint32_t v)
{
    if (v == b->unk || !nv_get(b, v))
        return false;
    u128 lo, hi;
    range(b, st, v, &lo, &hi, 0);
    return lo == 0 && hi == U128_INF;
}

/* At a jump target, opaque values become the generic unknown: paths whose
 * states differ only in how such values were built (`loop.7 + 1` on one,
 * `?call@pc` on another) then meet in the visited table and go on once.
 * Sound because an opaque value already stands for any value: no
 * instantiation evaluates it, no memory base or fact is built on it, and
 * the builder never takes two unknown nodes for one value (sload_value
 * matches slots by identity only when they are stable). */
static void canon(builder *b, astate *st)
{
    for (uint32_t i = 0; i < st->height; i++)
        if (opaque(b, st, st->stack[i]))
            st->stack[i] = b->unk;
    for (uint32_t i = 0; i < st->nmem; i++)
        if (st->mem[i].kind == MEM_WORD && opaque(b, st, st->mem[i].v))
            st->mem[i].v = b->unk;
    for (uint32_t i = 0; i < st->nsw; i++)
        if (opaque(b, st, st->sw[i].val))
            st->sw[i].val = b->unk;
}

/* Loop handling at a JUMPDEST. Returns false when the path stops. The
 * visit counters are hashed by pc, so a count may belong to another head:
 * without a snapshot of this pc the count restarts here. */
static bool loop_head(builder *b, astate *st)
{
    canon(b, st);
    uint8_t *cnt = &st->visits[st->pc & (NVISITS - 1)];
    if (*cnt < 255)
        (*cnt)++;
    uint32_t unroll = b->o->loop_unroll < 2 ? 2 : b->o->loop_unroll;
    int si = snap_find(st, st->pc);
    if (*cnt < unroll || si < 0) {
        if (*cnt >= unroll - 1 || si < 0) {
            if (*cnt >= unroll)
                *cnt = (uint8_t)(unroll - 1);
            if (*cnt == unroll - 1)
                snap_save(b, st, si, false);
        }
        return true;
    }
    const snap *sn = b->snaps[st->snaps[si].snap];
    if (sn->height != st->height) {
        /* A function entered again from another call depth (a return
         * address near the top of the stack) is not a loop: it takes a
         * new reference. Bounded per path, so a recursion or a loop whose
         * stack grows still ends in unknown. */
        if (st->redepth < MAX_REDEPTH && has_return_address(b, st)) {
            st->redepth++;
            *cnt = (uint8_t)(unroll - 1);
            snap_save(b, st, si, true);
            return true;
        }
        emit(b, AT_UNKNOWN, AN_UNK_STACKLOOP, st->pc, st->guard); /* the stack grows per iteration */
        b->s->truncated++;
        return false;
    }
    for (uint32_t i = 0; i < st->height; i++) {
        const u256 *x = cval(b, sn->stack[i]), *y = cval(b, st->stack[i]);
        if (x && y && !u256_eq(x, y) &&
            ((u256_fits_u64(x) && seer_code_is_jumpdest(b->code, x->w[0])) ||
             (u256_fits_u64(y) && seer_code_is_jumpdest(b->code, y->w[0])))) {
            /* Another return address: a repeated internal call. */
            *cnt = (uint8_t)(unroll > 1 ? unroll - 1 : 0);
            snap_save(b, st, si, true);
            return true;
        }
    }
    /* Widen: whatever changed becomes a loop variable of this head. */
    for (uint32_t i = 0; i < st->height; i++)
        if (sn->stack[i] != st->stack[i])
            st->stack[i] = mk(b, AN_LOOPVAR, 0, 0, i, 0, NULL);
    mem_ent merged[MEMCAP];
    uint32_t nm = 0;
    bool clob = sn->clobbered || st->clobbered;
    for (uint32_t i = 0; i < st->nmem && !clob; i++) {
        const mem_ent *e = &st->mem[i];
        const mem_ent *o = NULL;
        for (uint32_t j = 0; j < sn->nmem; j++)
            if (sn->mem[j].base == e->base && sn->mem[j].off == e->off && sn->mem[j].kind == e->kind &&
                sn->mem[j].rlen == e->rlen)
                o = &sn->mem[j];
        merged[nm] = *e;
        if (!o || o->v != e->v) {
            if (e->kind == MEM_WORD)
                merged[nm].v = mk(b, AN_LOOPVAR, 1, 0, (uint32_t)e->off, e->base, NULL);
            else
                merged[nm].kind = MEM_RUNK, merged[nm].v = 0;
        }
        nm++;
    }
    for (uint32_t j = 0; j < sn->nmem && !clob; j++) {
        const mem_ent *o = &sn->mem[j];
        bool have = false;
        for (uint32_t i = 0; i < st->nmem; i++)
            have |= o->base == st->mem[i].base && o->off == st->mem[i].off && o->kind == st->mem[i].kind &&
                    o->rlen == st->mem[i].rlen;
        if (!have) {
            if (nm == MEMCAP) {
                clob = true;
                break;
            }
            merged[nm] = *o;
            if (o->kind == MEM_WORD)
                merged[nm].v = mk(b, AN_LOOPVAR, 1, 0, (uint32_t)o->off, o->base, NULL);
            else
                merged[nm].kind = MEM_RUNK, merged[nm].v = 0;
            nm++;
        }
    }
    if (clob) {
        mem_clobber(st);
    } else {
        if (nm)
            memcpy(st->mem, merged, nm * sizeof *merged);
        st->nmem = nm;
    }
    /* Values this path stored that may change per iteration (a counter
     * in storage): unknown from here, so the state repeats. */
    for (uint32_t i = 0; i < st->nsw; i++)
        if (!cval(b, st->sw[i].val))
            st->sw[i].val = b->unk;
    b->s->widened++;
    *cnt = (uint8_t)unroll; /* the widened state is the new reference */
    snap_save(b, st, si, false);
    return true;
}

/* ---- the abstract machine ---- */

static void push_work(builder *b, astate *st)
{
    if (b->nwork >= b->o->max_paths) {
        emit(b, AT_UNKNOWN, AN_UNK_PATHS, st->pc, st->guard);
        b->s->truncated++;
        state_free(b, st);
        return;
    }
    b->work[b->nwork++] = st;
}

static uint32_t op_in(unsigned op)
{
    switch (op) {
#define X_(name, code, in, out, imm, fork, gas)                                                              \
    case code: return in;
        SEER_OPCODES(X_)
#undef X_
    default: return UINT32_MAX;
    }
}

static uint32_t op_out(unsigned op)
{
    switch (op) {
#define X_(name, code, in, out, imm, fork, gas)                                                              \
    case code: return out;
        SEER_OPCODES(X_)
#undef X_
    default: return 0;
    }
}

static void mark_block(builder *b, uint32_t pc)
{
    if (!(b->block_seen[pc >> 3] & (1u << (pc & 7)))) {
        b->block_seen[pc >> 3] |= (uint8_t)(1u << (pc & 7));
        b->s->nblocks++;
    }
}

/* A call target that is a constant precompile address (1 .. 0x11): it
 * runs no code that could store (a value sent there moves a balance
 * only). Pre-Byzantium Solidity called ecrecover and sha256 by CALL. */
static bool precompile_target(const builder *b, uint32_t target)
{
    const u256 *t = cval(b, target);
    return t && !t->w[3] && !t->w[2] && !t->w[1] && t->w[0] >= 1 && t->w[0] <= 0x11;
}

/* Whether node id is keccak(...) + a constant below 2^32 (a field of a
 * mapping's struct value): *k the KECCAK node, *off the constant. */
static bool keccak_field(const builder *b, uint32_t id, uint32_t *k, uint64_t *off)
{
    const an_node *n = &b->s->nodes[id];
    *off = 0;
    if (n->kind == AN_OP && n->op == SEER_OP_ADD) {
        const u256 *c = cval(b, n->a);
        uint32_t other = n->b;
        if (!c) {
            c = cval(b, n->b);
            other = n->a;
        }
        if (!c || !u256_fits_u64(c) || c->w[0] >= ((uint64_t)1 << 32))
            return false;
        *off = c->w[0];
        n = &b->s->nodes[other];
        id = other;
    }
    if (n->kind != AN_KECCAK)
        return false;
    *k = id;
    return true;
}

/* Whether two words certainly differ: distinct constants; a constant
 * and keccak(..) + i (Solidity's layout rests on keccak never landing on
 * a small fixed slot: no one finds an input whose hash is that close to
 * a given value); keccak(A) + i and keccak(B) + j with i != j, or with
 * inputs of different lengths, or whose inputs certainly differ in a
 * whole word (hashes of inputs that differ lie apart for the same
 * reason). i, j constants below 2^32 (the fields of a mapping's struct
 * values). So keccak(k, 3) and keccak(k', keccak(m, 5) + 5) (a mapping
 * at slot 3 and a nested mapping in a struct) differ whatever k, k'. */
static bool words_differ(const builder *b, uint32_t x, uint32_t y, int depth)
{
    if (x == y)
        return false;
    const u256 *cx = cval(b, x), *cy = cval(b, y);
    if (cx && cy)
        return !u256_eq(cx, cy);
    uint32_t kx, ky;
    uint64_t ox, oy;
    bool fx = keccak_field(b, x, &kx, &ox), fy = keccak_field(b, y, &ky, &oy);
    if ((cx && fy) || (fx && cy))
        return true;
    if (!fx || !fy)
        return false;
    if (ox != oy)
        return true;
    if (kx == ky)
        return false;
    const an_node *hx = &b->s->nodes[kx], *hy = &b->s->nodes[ky];
    if (hx->c != hy->c)
        return true;
    if (depth >= 3)
        return false;
    for (uint32_t i = 0; i < hx->b && i < hy->b && (uint64_t)32 * (i + 1) <= hx->c; i++)
        if (words_differ(b, b->s->args[hx->a + i], b->s->args[hy->a + i], depth + 1))
            return true;
    return false;
}

/* Two slot expressions that may name the same slot: unless they
 * certainly differ (words_differ). */
static bool may_alias(const builder *b, uint32_t x, uint32_t y)
{
    return !words_differ(b, x, y, 0);
}

/* The value an SLOAD sees: a value this path stored, the pre-state's
 * (AN_SLOAD, tier 2) when no earlier store or call can have changed it,
 * else unknown. After a call that may change state, a slot this path did
 * not store to is AN_SLOAD with op 1 (tagged with the pc, so reads at two
 * places stay apart): the pre-state value once instantiation has checked
 * that nothing the transaction may do writes it (predict.c, "reads after
 * a call"); to the builder it is as unstable as an unknown. */
static uint32_t sload_value(builder *b, const astate *st, uint32_t slot, uint32_t pc)
{
    if (st->sw_over)
        return mk_unknown(b, ((uint64_t)SEER_OP_SLOAD << 32) | pc);
    for (uint32_t i = st->nsw; i-- > 0;) {
        if (st->sw[i].slot == slot && !st->called && !us_get(b, slot))
            return st->sw[i].val;
        if (may_alias(b, st->sw[i].slot, slot))
            return mk_unknown(b, ((uint64_t)SEER_OP_SLOAD << 32) | pc);
    }
    if (st->called) {
        u256 tag = u256_from_u64(pc);
        return mk(b, AN_SLOAD, 1, slot, 0, 0, &tag);
    }
    return mk(b, AN_SLOAD, 0, slot, 0, 0, NULL);
}

/* Records how a path ends, for the callers that read its return data. */
static void emit_ret(builder *b, const astate *st, an_rkind kind, uint32_t offn, uint32_t lenn)
{
    an_summary *s = b->s;
    if (b->oom || s->rets_incomplete)
        return;
    if (s->nrets >= MAX_TEMPLATES) {
        s->rets_incomplete = true;
        return;
    }
    an_ret r;
    memset(&r, 0, sizeof r);
    r.kind = (uint8_t)kind;
    r.guard = st->guard;
    if (kind == AN_RET_DATA) {
        uint32_t words[MAX_HASH_WORDS], n = 0;
        if (!mem_words(b, st, offn, lenn, words, &n, true) && !mem_words_var(b, st, offn, lenn, words, &n)) {
            r.kind = AN_RET_OPAQUE;
        } else {
            if (!grow((void **)&s->args, &s->args_cap, s->nargs + n, sizeof *s->args)) {
                b->oom = true;
                return;
            }
            if (n)
                memcpy(&s->args[s->nargs], words, n * sizeof *words);
            r.words = s->nargs;
            r.nwords = n;
            r.size = lenn;
            s->nargs += n;
        }
    }
    if (!grow((void **)&s->rets, &s->rets_cap, s->nrets + 1, sizeof *s->rets)) {
        b->oom = true;
        return;
    }
    s->rets[s->nrets++] = r;
}

/* The call record for c and its argument words, made by path st: an
 * identical earlier one (same opcode, target, value, size and words) is
 * reused, so paths that made the same call see the same return-data
 * nodes and still merge; but never one this path made already (a call
 * repeated in a loop or an internal function called twice): the second
 * call may return other data, and the first one's nodes may still be in
 * the path's state, so a record's nodes name one value per path (return
 * data is then a stable memory base: Solidity's free-memory pointer after
 * `bytes memory data = ...call(...)` moves by RETURNDATASIZE). The oldest
 * match first, so paths that repeat a call pick the same records in the
 * same order. Returns the index, or UINT32_MAX on OOM. */
static uint32_t call_record(builder *b, astate *st, const an_call *c, const uint32_t *words, uint32_t n)
{
    an_summary *s = b->s;
    uint32_t lo = s->ncalls > 64 ? s->ncalls - 64 : 0;
    bool stable =
        !us_get(b, c->target) && !us_get(b, c->value) && !us_get(b, c->argsize) && c->args != AN_ARGS_UNKNOWN;
    for (uint32_t i = 0; stable && c->args < AN_ARGS_FORWARD && i < n; i++)
        stable = !us_get(b, words[i]);
    for (uint32_t i = !stable || st->nrecs < NRECS ? lo : s->ncalls; i < s->ncalls; i++) {
        bool made = false;
        for (uint32_t j = 0; stable && j < st->nrecs && !made; j++)
            made = st->recs[j] == i;
        if (made)
            continue;
        const an_call *o = &s->calls[i];
        if (o->op != c->op || o->target != c->target || o->value != c->value || o->salt != c->salt ||
            o->argsize != c->argsize || o->nargs != n)
            continue;
        bool same_args = (o->args >= AN_ARGS_FORWARD || c->args >= AN_ARGS_FORWARD)
                             ? o->args == c->args
                             : (n == 0 || memcmp(&s->args[o->args], words, n * sizeof *words) == 0);
        if (same_args) {
            if (stable)
                st->recs[st->nrecs++] = i;
            return i;
        }
    }
    an_call nc = *c;
    if (c->args < AN_ARGS_FORWARD) {
        if (!grow((void **)&s->args, &s->args_cap, s->nargs + n, sizeof *s->args)) {
            b->oom = true;
            return UINT32_MAX;
        }
        if (n) /* s->args may still be NULL: no memcpy to NULL (UB) */
            memcpy(&s->args[s->nargs], words, n * sizeof *words);
        nc.args = s->nargs;
        nc.nargs = n;
        s->nargs += n;
    }
    if (!grow((void **)&s->calls, &s->calls_cap, s->ncalls + 1, sizeof *s->calls)) {
        b->oom = true;
        return UINT32_MAX;
    }
    s->calls[s->ncalls] = nc;
    if (stable && st->nrecs < NRECS)
        st->recs[st->nrecs++] = s->ncalls;
    return s->ncalls++;
}

/* Memory [off, off+len) holds the return data of call `c` from byte `src`
 * on: whole words become AN_RETDATA nodes, a partial one is unknown.
 * RETURNDATACOPY(p, 0, RETURNDATASIZE) of that call (a proxy passing its
 * callee's answer on) has no constant length: the region is unknown bytes
 * and its first RETCOPY_WORDS words are AN_RETDATA nodes (where memory
 * has room for them). Where the data
 * is shorter than a word's end the word is older memory (or part of it),
 * but then that AN_RETDATA node does not evaluate either (an_retdata_eval
 * needs the callee's data to reach the word's end), so no value is
 * wrong. */
#define RETCOPY_WORDS 8

static void mem_retdata(builder *b, astate *st, uint32_t c, uint32_t offn, uint32_t srcn, uint32_t lenn)
{
    uint32_t base, src, len;
    int64_t off;
    if (!maddr(b, offn, &base, &off) || !cval_u32(b, srcn, &src)) {
        mem_unknown(b, st, offn, lenn);
        return;
    }
    const an_node *ln = &b->s->nodes[lenn];
    if (src == 0 && ln->kind == AN_RETDATA && ln->a == c && ln->b == AN_RETDATA_SIZE &&
        st->nmem + RETCOPY_WORDS + 1 < MEMCAP) {
        mem_region(b, st, offn, lenn, MEM_RRD, c);
        for (uint32_t i = 0; i < RETCOPY_WORDS; i++)
            mem_store_at(st, base, off + 32 * i, mk(b, AN_RETDATA, 0, c, 32 * i, 0, NULL));
        return;
    }
    if (!cval_u32(b, lenn, &len) || len > 32 * 16 || src > UINT32_MAX - 1024) {
        mem_unknown(b, st, offn, lenn);
        return;
    }
    for (uint32_t i = 0; i < len; i += 32)
        mem_store_at(st, base, off + i, len - i >= 32 ? mk(b, AN_RETDATA, 0, c, src + i, 0, NULL) : b->unk);
}

/* ---- diamonds ----
 *
 * A conditional jump whose two arms only move values around and meet
 * again a few instructions later (`c ? (a, b) : (b, a)`, as in Uniswap's
 * sortTokens) would otherwise fork two paths that never merge again:
 * they differ in the values the arms chose, so each later fork doubles
 * them (every iteration of a loop over pairs). Both arms are run ahead
 * (pure instructions only, no template, fork or end of path); when they
 * reach one JUMPDEST with states that differ in at most ITE_DIFF stack or
 * memory words, the path goes on from there once, under the fork's own
 * guard, with each differing word the select ite(c, taken, fallthrough),
 * as an arithmetic node (y ^ (c' * (x ^ y)), c' the condition as 0 or 1)
 * that evaluates exactly where c and both values do. Sound because the
 * merged state is reached whenever the jump is, and c names one value per
 * frame (a stable condition: no unknown, loop variable or return data),
 * so it picks the word the path took. A select is never a jump
 * destination (a differing return address fails the merge), and selects
 * nest at most ITE_NEST deep. */
#define ARM_STEPS 64
#define ARM_MARKS 16
#define ITE_DIFF  4
#define ITE_NEST  3

/* The node of an instruction that only reads its stack operands and the
 * frame's inputs (arithmetic, comparisons, bit operations, ADDRESS,
 * CALLER, CALLVALUE, CALLDATASIZE, CALLDATALOAD): the interpreter's and
 * a diamond arm's. False when op is not one. */
static bool pure_node(builder *b, unsigned op, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t *r)
{
    switch (op) {
    case SEER_OP_ADD:
    case SEER_OP_MUL:
    case SEER_OP_SUB:
    case SEER_OP_DIV:
    case SEER_OP_SDIV:
    case SEER_OP_MOD:
    case SEER_OP_SMOD:
    case SEER_OP_EXP:
    case SEER_OP_SIGNEXTEND:
    case SEER_OP_LT:
    case SEER_OP_GT:
    case SEER_OP_SLT:
    case SEER_OP_SGT:
    case SEER_OP_EQ:
    case SEER_OP_AND:
    case SEER_OP_OR:
    case SEER_OP_XOR:
    case SEER_OP_BYTE:
    case SEER_OP_SHL:
    case SEER_OP_SHR:
    case SEER_OP_SAR: *r = mk_op(b, op, a0, a1, 0); return true;
    case SEER_OP_ADDMOD:
    case SEER_OP_MULMOD: *r = mk_op(b, op, a0, a1, a2); return true;
    case SEER_OP_ISZERO:
    case SEER_OP_NOT: *r = mk_op(b, op, a0, 0, 0); return true;
    case SEER_OP_ADDRESS: *r = mk(b, AN_SELF, 0, 0, 0, 0, NULL); return true;
    case SEER_OP_CALLER: *r = mk(b, AN_CALLER, 0, 0, 0, 0, NULL); return true;
    case SEER_OP_CALLVALUE: *r = mk(b, AN_CALLVALUE, 0, 0, 0, 0, NULL); return true;
    case SEER_OP_CALLDATASIZE: *r = mk(b, AN_CDSIZE, 0, 0, 0, 0, NULL); return true;
    case SEER_OP_CALLDATALOAD: *r = mk(b, AN_CALLDATA, 0, a0, 0, 0, NULL); return true;
    default: return false;
    }
}

/* One instruction of an arm: false when the arm stops here (st is then a
 * scratch copy left as it is). */
static bool arm_step(builder *b, astate *st)
{
    uint32_t pc = st->pc;
    if (pc >= b->code->size)
        return false;
    unsigned op = b->code->code[pc];
    uint32_t in = op_in(op);
    if (in == UINT32_MAX || st->height < in || st->height - in + op_out(op) > STACK_MAX)
        return false;
    uint32_t *sp = st->stack + st->height;
    if (op == SEER_OP_PUSH0 || (op >= SEER_OP_PUSH1 && op <= SEER_OP_PUSH32)) {
        unsigned n = seer_opcode_immediate(op);
        u256 v;
        u256_from_be(&v, b->code->code + pc + 1, n);
        st->stack[st->height++] = mk_const(b, &v);
        st->pc = pc + 1 + n;
        return true;
    }
    if (op >= SEER_OP_DUP1 && op <= SEER_OP_DUP16) {
        st->stack[st->height++] = sp[-(int)(op - SEER_OP_DUP1 + 1)];
        st->pc = pc + 1;
        return true;
    }
    if (op >= SEER_OP_SWAP1 && op <= SEER_OP_SWAP16) {
        int n = (int)(op - SEER_OP_SWAP1 + 1);
        uint32_t t = sp[-1];
        sp[-1] = sp[-1 - n];
        sp[-1 - n] = t;
        st->pc = pc + 1;
        return true;
    }
    uint32_t a0 = in > 0 ? sp[-1] : 0, a1 = in > 1 ? sp[-2] : 0, a2 = in > 2 ? sp[-3] : 0;
    uint32_t r = 0, base;
    int64_t off;
    switch (op) {
    case SEER_OP_POP:
    case SEER_OP_JUMPDEST: break;
    case SEER_OP_MLOAD:
        if (!maddr(b, a0, &base, &off))
            return false;
        r = mem_load_at(b, st, base, off);
        break;
    case SEER_OP_MSTORE:
        if (!maddr(b, a0, &base, &off))
            return false;
        break;
    case SEER_OP_JUMP: {
        const u256 *t = cval(b, a0);
        if (!t || !u256_fits_u64(t) || !seer_code_is_jumpdest(b->code, t->w[0]))
            return false;
        st->height -= in;
        st->pc = (uint32_t)t->w[0];
        return true;
    }
    default:
        if (!pure_node(b, op, a0, a1, a2, &r))
            return false;
        break;
    }
    st->height -= in;
    if (op == SEER_OP_MSTORE)
        mem_store_at(st, base, off, a1);
    if (op_out(op))
        st->stack[st->height++] = r ? r : b->unk;
    st->pc = pc + 1;
    return true;
}

/* Runs an arm until it stands on a JUMPDEST listed in `pcs` (returns its
 * index, *steps the instructions run) or stops (-1). With `note`, every
 * JUMPDEST it stands on is appended to pcs/at instead (up to ARM_MARKS),
 * and the result is -1. */
static int arm_run(builder *b, astate *st, uint32_t *pcs, uint32_t *at, uint32_t *npcs, bool note,
                   uint32_t max_steps, uint32_t *steps)
{
    for (uint32_t k = 0;; k++) {
        if (seer_code_is_jumpdest(b->code, st->pc)) {
            if (note) {
                bool dup = false;
                for (uint32_t i = 0; i < *npcs && !dup; i++)
                    dup = pcs[i] == st->pc;
                if (!dup && *npcs < ARM_MARKS) {
                    pcs[*npcs] = st->pc;
                    at[(*npcs)++] = k;
                }
            } else {
                for (uint32_t i = 0; i < *npcs; i++)
                    if (pcs[i] == st->pc) {
                        *steps = k;
                        return (int)i;
                    }
            }
        }
        if (k >= max_steps || b->oom || !arm_step(b, st)) {
            *steps = k;
            return -1;
        }
    }
}

static uint8_t ite_get(const builder *b, uint32_t id)
{
    return id < b->ite_cap ? b->ite_lv[id] : 0;
}

/* The select nesting of a value: its own, or that of a select it masks or
 * shifts (Solidity cleans addresses with AND). */
static uint8_t ite_level(const builder *b, uint32_t id)
{
    uint8_t l = ite_get(b, id);
    const an_node *n = &b->s->nodes[id];
    if (!l && n->kind == AN_OP) {
        uint8_t x = ite_get(b, n->a), y = n->b ? ite_get(b, n->b) : 0;
        l = x > y ? x : y;
    }
    return l;
}

/* ite(cond, x, y): x where cond != 0, else y. UINT32_MAX when the nesting
 * bound is reached or on OOM. */
static uint32_t mk_ite(builder *b, uint32_t cond, uint32_t x, uint32_t y)
{
    uint8_t lx = ite_level(b, x), ly = ite_level(b, y), lv = (uint8_t)((lx > ly ? lx : ly) + 1);
    if (lv > ITE_NEST)
        return UINT32_MAX;
    const an_node *c = &b->s->nodes[cond];
    bool boolean =
        c->kind == AN_OP && (c->op == SEER_OP_LT || c->op == SEER_OP_GT || c->op == SEER_OP_SLT ||
                             c->op == SEER_OP_SGT || c->op == SEER_OP_EQ || c->op == SEER_OP_ISZERO);
    uint32_t bit = boolean ? cond : mk_op(b, SEER_OP_ISZERO, mk_op(b, SEER_OP_ISZERO, cond, 0, 0), 0, 0);
    uint32_t r = mk_op(b, SEER_OP_XOR, y, mk_op(b, SEER_OP_MUL, bit, mk_op(b, SEER_OP_XOR, x, y, 0), 0), 0);
    if (r == b->unk || b->oom)
        return UINT32_MAX;
    if (r >= b->ite_cap) {
        uint32_t nc = b->ite_cap ? b->ite_cap : 4096;
        while (nc <= r)
            nc *= 2;
        uint8_t *t = realloc(b->ite_lv, nc);
        if (!t) {
            b->oom = true;
            return UINT32_MAX;
        }
        memset(t + b->ite_cap, 0, nc - b->ite_cap);
        b->ite_lv = t;
        b->ite_cap = nc;
    }
    if (b->ite_lv[r] < lv)
        b->ite_lv[r] = lv;
    return r;
}

/* Whether two values may be selected between: not jump destinations,
 * and under a condition that is not stable only values that never
 * evaluate (so the select loses nothing and is never evaluated). */
static bool ite_ok(const builder *b, bool stable, uint32_t x, uint32_t y)
{
    const u256 *cx = cval(b, x), *cy = cval(b, y);
    if (!stable && !(nv_get(b, x) && nv_get(b, y)))
        return false;
    return !(cx && u256_fits_u64(cx) && seer_code_is_jumpdest(b->code, cx->w[0])) &&
           !(cy && u256_fits_u64(cy) && seer_code_is_jumpdest(b->code, cy->w[0]));
}

/* Tries the diamond at a conditional jump of st (at the JUMPI, operands
 * popped) to `target` on stable condition `cond`. True when st now stands
 * at the meeting JUMPDEST with the merged state (steps counted); false
 * leaves st as it was. */
static bool diamond(builder *b, astate *st, uint32_t target, uint32_t cond, bool stable)
{
    uint32_t pcs[ARM_MARKS], at[ARM_MARKS], n = 0, sa = 0, sb = 0;
    uint64_t *bs = &b->bucket_steps[st->bucket];
    uint64_t cap = st->bucket && b->sel == -1 ? b->o->max_entry_steps : b->o->max_steps;
    if (b->s->steps + 2 * ARM_STEPS >= b->o->max_steps || *bs + 2 * ARM_STEPS >= cap)
        return false;
    astate *fa = state_copy(b, st), *tb = state_copy(b, st);
    bool ok = false;
    if (!fa || !tb) {
        b->oom = true;
        goto done;
    }
    fa->pc = st->pc + 1;
    arm_run(b, fa, pcs, at, &n, true, ARM_STEPS, &sa);
    tb->pc = target;
    int hit = n ? arm_run(b, tb, pcs, at, &n, false, ARM_STEPS, &sb) : -1;
    if (hit < 0)
        goto done;
    /* the fallthrough arm again, to the meeting point */
    memcpy(fa, st, offsetof(astate, stack) + st->height * sizeof(uint32_t));
    fa->pc = st->pc + 1;
    for (uint32_t k = 0; k < at[hit]; k++)
        if (!arm_step(b, fa))
            goto done; /* cannot happen: the same steps again */
    sa = at[hit];
    if (fa->pc != tb->pc || fa->height != tb->height || fa->nmem != tb->nmem ||
        fa->clobbered != tb->clobbered || fa->fwd != tb->fwd || fa->fwd_off != tb->fwd_off ||
        fa->fwd_base != tb->fwd_base)
        goto done;
    uint32_t ndiff = 0;
    for (uint32_t i = 0; i < fa->height; i++)
        if (fa->stack[i] != tb->stack[i] &&
            (++ndiff > ITE_DIFF || !ite_ok(b, stable, tb->stack[i], fa->stack[i])))
            goto done;
    for (uint32_t i = 0; i < fa->nmem; i++) {
        const mem_ent *x = &tb->mem[i], *y = &fa->mem[i];
        if (x->base != y->base || x->off != y->off || x->kind != y->kind || x->rlen != y->rlen ||
            (x->v != y->v && (x->kind != MEM_WORD || ++ndiff > ITE_DIFF || !ite_ok(b, stable, x->v, y->v))))
            goto done;
    }
    for (uint32_t i = 0; i < fa->height; i++)
        if (fa->stack[i] != tb->stack[i] &&
            (fa->stack[i] = mk_ite(b, cond, tb->stack[i], fa->stack[i])) == UINT32_MAX)
            goto done;
    for (uint32_t i = 0; i < fa->nmem; i++)
        if (fa->mem[i].v != tb->mem[i].v &&
            (fa->mem[i].v = mk_ite(b, cond, tb->mem[i].v, fa->mem[i].v)) == UINT32_MAX)
            goto done;
    memcpy(st, fa, offsetof(astate, stack) + fa->height * sizeof(uint32_t));
    b->s->steps += sa + sb;
    *bs += sa + sb;
    ok = true;
done:
    state_free(b, fa);
    state_free(b, tb);
    return ok;
}

/* Runs one path until it ends or forks. Frees st when it ends. */
static void run_path(builder *b, astate *st)
{
    an_summary *s = b->s;
    const uint8_t *code = b->code->code;
    for (;;) {
        if (b->oom) {
            state_free(b, st);
            return;
        }
        uint64_t *bs = &b->bucket_steps[st->bucket];
        /* One entry point per build: it gets the whole budget. */
        uint64_t cap = st->bucket && b->sel == -1 ? b->o->max_entry_steps : b->o->max_steps;
        if (s->steps >= b->o->max_steps || *bs >= cap) {
            s->budget_hit = true;
            s->truncated++;
            emit(b, AT_UNKNOWN, AN_UNK_BUDGET, st->pc, st->guard);
            state_free(b, st);
            return;
        }
        s->steps++;
        (*bs)++;
        uint32_t pc = st->pc;
        if (pc >= b->code->size) {
            emit_ret(b, st, AN_RET_OPAQUE, 0, 0); /* STOP: empty return data */
            state_free(b, st);
            return;
        }
        unsigned op = code[pc];
        uint32_t in = op_in(op);
        if (in == UINT32_MAX || st->height < in || st->height - in + op_out(op) > STACK_MAX) {
            emit_ret(b, st, AN_RET_FAIL, 0, 0);
            state_free(b, st); /* undefined opcode or stack fault: the frame halts */
            return;
        }
        uint32_t *sp = st->stack + st->height; /* sp[-1] is the top */
        uint32_t r = 0;
        uint32_t next = pc + 1;
        if (op == SEER_OP_PUSH0 || (op >= SEER_OP_PUSH1 && op <= SEER_OP_PUSH32)) {
            unsigned n = seer_opcode_immediate(op);
            u256 v;
            u256_from_be(&v, code + pc + 1, n); /* the padding reads zeros past the end */
            r = mk_const(b, &v);
            next = pc + 1 + n;
            st->stack[st->height++] = r;
            st->pc = next;
            continue;
        }
        if (op >= SEER_OP_DUP1 && op <= SEER_OP_DUP16) {
            r = sp[-(int)(op - SEER_OP_DUP1 + 1)];
            st->stack[st->height++] = r;
            st->pc = next;
            continue;
        }
        if (op >= SEER_OP_SWAP1 && op <= SEER_OP_SWAP16) {
            int n = (int)(op - SEER_OP_SWAP1 + 1);
            uint32_t t = sp[-1];
            sp[-1] = sp[-1 - n];
            sp[-1 - n] = t;
            st->pc = next;
            continue;
        }
        uint32_t a0 = in > 0 ? sp[-1] : 0, a1 = in > 1 ? sp[-2] : 0, a2 = in > 2 ? sp[-3] : 0;
        st->height -= in;
        switch (op) {
        case SEER_OP_STOP:
            emit_ret(b, st, AN_RET_OPAQUE, 0, 0);
            state_free(b, st);
            return;
        case SEER_OP_RETURN:
            emit_ret(b, st, AN_RET_DATA, a0, a1);
            state_free(b, st);
            return;
        case SEER_OP_REVERT:
        case SEER_OP_INVALID:
            emit_ret(b, st, AN_RET_FAIL, 0, 0);
            state_free(b, st);
            return;
        case SEER_OP_SELFDESTRUCT:
            emit_ret(b, st, AN_RET_OPAQUE, 0, 0);
            emit(b, AT_SELFDESTRUCT, a0, 0, st->guard);
            state_free(b, st);
            return;
        case SEER_OP_KECCAK256: {
            uint32_t words[MAX_HASH_WORDS], n = 0, len;
            fact_add(b, st, a1, 0, MEM_BOUND);
            if (cval_u32(b, a1, &len) && mem_words(b, st, a0, a1, words, &n, true))
                r = mk_keccak(b, words, n, len);
            else
                r = mk_unknown(b, pc);
            break;
        }
        case SEER_OP_ORIGIN: r = mk(b, AN_ORIGIN, 0, 0, 0, 0, NULL); break;
        case SEER_OP_CODESIZE: r = mk_const64(b, b->code->size); break;
        case SEER_OP_PC: r = mk_const64(b, pc); break;
        case SEER_OP_GASPRICE:
        case SEER_OP_COINBASE:
        case SEER_OP_TIMESTAMP:
        case SEER_OP_NUMBER:
        case SEER_OP_GASLIMIT:
        case SEER_OP_CHAINID:
        case SEER_OP_BASEFEE: r = mk(b, AN_ENV, op, 0, 0, 0, NULL); break;
        case SEER_OP_DIFFICULTY:
        case SEER_OP_BLOBBASEFEE:
        case SEER_OP_BLOBHASH:
        case SEER_OP_BLOCKHASH:
        case SEER_OP_GAS:
        case SEER_OP_MSIZE:
        case SEER_OP_TLOAD: r = mk_unknown(b, ((uint64_t)op << 32) | pc); break;
        case SEER_OP_RETURNDATASIZE:
            /* Zero before any call: EIP-1167 proxies use it as a cheap PUSH0. */
            r = st->rdcall == 0            ? mk_const64(b, 0)
                : st->rdcall == UINT32_MAX ? mk_unknown(b, ((uint64_t)op << 32) | pc)
                                           : mk(b, AN_RETDATA, 0, st->rdcall - 1, AN_RETDATA_SIZE, 0, NULL);
            break;
        case SEER_OP_BALANCE:
            emit(b, AT_BALANCE, a0, 0, st->guard);
            r = mk_unknown(b, ((uint64_t)op << 32) | pc);
            break;
        case SEER_OP_SELFBALANCE:
            emit(b, AT_SELFBALANCE, 0, 0, st->guard);
            r = mk_unknown(b, ((uint64_t)op << 32) | pc);
            break;
        case SEER_OP_EXTCODESIZE:
            emit(b, AT_CODE, a0, 0, st->guard);
            r = mk_unknown(b, ((uint64_t)op << 32) | pc);
            break;
        case SEER_OP_EXTCODEHASH:
            emit(b, AT_CODEHASH, a0, 0, st->guard);
            r = mk_unknown(b, ((uint64_t)op << 32) | pc);
            break;
        case SEER_OP_EXTCODECOPY:
            emit(b, AT_CODE, a0, 0, st->guard);
            mem_unknown(b, st, a1, sp[-4]);
            break;
        case SEER_OP_SLOAD:
            emit(b, AT_SLOAD, a0, 0, st->guard);
            r = sload_value(b, st, a0, pc);
            break;
        case SEER_OP_SSTORE: {
            emit(b, AT_SSTORE, a0, 0, st->guard);
            /* in store order (sload_value picks the newest): a slot stored
             * again moves to the end */
            uint32_t i = 0;
            while (i < st->nsw && st->sw[i].slot != a0)
                i++;
            if (i < st->nsw) {
                memmove(&st->sw[i], &st->sw[i + 1], (st->nsw - i - 1) * sizeof st->sw[0]);
                st->sw[st->nsw - 1].slot = a0;
                st->sw[st->nsw - 1].val = a1;
            } else if (st->nsw < SEER_ARRAY_LEN(st->sw)) {
                st->sw[st->nsw].slot = a0;
                st->sw[st->nsw++].val = a1;
            } else {
                st->sw_over = 1;
            }
            break;
        }
        case SEER_OP_TSTORE:
        case SEER_OP_POP:
        case SEER_OP_JUMPDEST: break;
        case SEER_OP_LOG0:
        case SEER_OP_LOG1:
        case SEER_OP_LOG2:
        case SEER_OP_LOG3:
        case SEER_OP_LOG4: break;
        case SEER_OP_MLOAD: {
            uint32_t base;
            int64_t off;
            r = maddr(b, a0, &base, &off) ? mem_load_at(b, st, base, off) : b->unk;
            fact_add(b, st, a0, 0, MEM_BOUND);
            break;
        }
        case SEER_OP_MSTORE:
        case SEER_OP_MSTORE8: {
            uint32_t base;
            int64_t off;
            if (maddr(b, a0, &base, &off)) {
                uint32_t fwd = st->fwd;
                mem_store_at(st, base, off, op == SEER_OP_MSTORE ? a1 : b->unk);
                /* the zero word past a forwarded copy of the calldata
                 * leaves the copy whole */
                if (fwd && op == SEER_OP_MSTORE && st->nmem && mem_is_pad(b, st, st->nmem - 1))
                    st->fwd = fwd;
            } else
                mem_clobber(st);
            fact_add(b, st, a0, 0, MEM_BOUND);
            break;
        }
        case SEER_OP_CALLDATACOPY:
        case SEER_OP_CODECOPY: {
            uint32_t len, dbase;
            int64_t doff;
            fact_add(b, st, a2, 0, MEM_BOUND);
            if (!maddr(b, a0, &dbase, &doff) || !cval_u32(b, a2, &len) || len > 32 * 16) {
                mem_region(b, st, a0, a2, op == SEER_OP_CALLDATACOPY ? MEM_RCD : MEM_RUNK, a1);
                const u256 *src0 = cval(b, a1);
                uint32_t fbase;
                int64_t foff;
                if (op == SEER_OP_CALLDATACOPY && maddr(b, a0, &fbase, &foff) && foff >= 0 &&
                    foff <= UINT32_MAX && src0 && u256_is_zero(src0) && b->s->nodes[a2].kind == AN_CDSIZE) {
                    st->fwd = 1;
                    st->fwd_base = fbase;
                    st->fwd_off = (uint32_t)foff;
                }
                break;
            }
            /* A copy: mk_const below may grow (move) the node array that
             * cval points into. */
            const u256 *src_node = cval(b, a1);
            u256 src_val = src_node ? *src_node : U256_ZERO;
            const u256 *src = src_node ? &src_val : NULL;
            for (uint32_t i = 0; i < len; i += 32) {
                uint32_t v = b->unk;
                if (len - i >= 32 && op == SEER_OP_CALLDATACOPY) {
                    v = mk(b, AN_CALLDATA, 0, mk_op(b, SEER_OP_ADD, mk_const64(b, i), a1, 0), 0, 0, NULL);
                } else if (op == SEER_OP_CODECOPY && src) {
                    uint8_t w[32] = {0};
                    uint32_t n = len - i < 32 ? len - i : 32;
                    for (uint32_t j = 0; j < n; j++) {
                        u256 p = u256_from_u64(i + j);
                        u256_add(&p, &p, src);
                        if (u256_fits_u64(&p) && p.w[0] < b->code->size)
                            w[j] = code[p.w[0]];
                    }
                    u256 cv;
                    u256_from_be32(&cv, w);
                    v = mk_const(b, &cv);
                }
                mem_store_at(st, dbase, doff + i, v);
            }
            break;
        }
        case SEER_OP_RETURNDATACOPY:
            fact_add(b, st, a2, 0, MEM_BOUND);
            if (st->rdcall == 0 || st->rdcall == UINT32_MAX)
                mem_unknown(b, st, a0, a2);
            else
                mem_retdata(b, st, st->rdcall - 1, a0, a1, a2);
            break;
        case SEER_OP_MCOPY: mem_unknown(b, st, a0, a2); break;
        case SEER_OP_CALL:
        case SEER_OP_CALLCODE:
        case SEER_OP_DELEGATECALL:
        case SEER_OP_STATICCALL: {
            bool hasv = op == SEER_OP_CALL || op == SEER_OP_CALLCODE;
            uint32_t value = hasv ? sp[-3] : 0;
            uint32_t inoff = hasv ? sp[-4] : sp[-3], insz = hasv ? sp[-5] : sp[-4];
            uint32_t outoff = hasv ? sp[-6] : sp[-5], outsz = hasv ? sp[-7] : sp[-6];
            an_call c;
            memset(&c, 0, sizeof c);
            c.op = (uint8_t)op;
            c.target = a1;
            c.value = value;
            c.argsize = insz;
            uint32_t words[MAX_HASH_WORDS], n = 0;
            fact_add(b, st, insz, 0, MEM_BOUND);
            fact_add(b, st, outsz, 0, MEM_BOUND);
            uint32_t fb;
            int64_t fo;
            if (st->fwd && maddr(b, inoff, &fb, &fo) && fb == st->fwd_base && fo == (int64_t)st->fwd_off &&
                b->s->nodes[insz].kind == AN_CDSIZE) {
                c.args = AN_ARGS_FORWARD;
            } else if (mem_words(b, st, inoff, insz, words, &n, false) ||
                       mem_words_var(b, st, inoff, insz, words, &n)) {
                c.args = 0; /* call_record places the words */
            } else {
                c.args = AN_ARGS_UNKNOWN;
                n = 0;
            }
            uint32_t ci = call_record(b, st, &c, words, n);
            if (ci == UINT32_MAX)
                break;
            emit(b, AT_CALL, 0, ci, st->guard);
            /* A STATICCALL changes no state (EIP-214): storage reads after
             * it still see this transaction's values. */
            if (op != SEER_OP_STATICCALL && !precompile_target(b, a1))
                st->called = 1;
            st->rdcall = ci + 1;
            mem_retdata(b, st, ci, outoff, mk_const64(b, 0), outsz);
            r = mk_unknown(b, ((uint64_t)op << 32) | pc);
            break;
        }
        case SEER_OP_CREATE:
        case SEER_OP_CREATE2: {
            an_call c;
            memset(&c, 0, sizeof c);
            c.op = (uint8_t)op;
            c.value = a0;
            c.salt = op == SEER_OP_CREATE2 ? sp[-4] : 0;
            c.argsize = a2;
            c.args = AN_ARGS_UNKNOWN;
            if (!grow((void **)&s->calls, &s->calls_cap, s->ncalls + 1, sizeof *s->calls)) {
                b->oom = true;
                break;
            }
            s->calls[s->ncalls] = c;
            emit(b, AT_CREATE, 0, s->ncalls++, st->guard);
            st->called = 1;
            st->rdcall = UINT32_MAX;
            r = mk_unknown(b, ((uint64_t)op << 32) | pc);
            break;
        }
        case SEER_OP_JUMP: {
            const u256 *t = cval(b, a0);
            if (!t) {
                emit(b, AT_UNKNOWN, AN_UNK_JUMP, pc, st->guard);
                s->truncated++;
                state_free(b, st);
                return;
            }
            if (!u256_fits_u64(t) || !seer_code_is_jumpdest(b->code, t->w[0])) {
                emit_ret(b, st, AN_RET_FAIL, 0, 0);
                state_free(b, st); /* a bad jump halts the frame */
                return;
            }
            s->nedges++;
            next = (uint32_t)t->w[0];
            st->pc = next;
            mark_block(b, next);
            if (!loop_head(b, st) || !visit(b, st)) {
                state_free(b, st);
                return;
            }
            continue;
        }
        case SEER_OP_JUMPI: {
            /* copies: cval points into the node array, which grows (and
             * moves) when the branches below make nodes */
            const u256 *tp = cval(b, a0), *cp = cval(b, a1);
            u256 tv = tp ? *tp : U256_ZERO, cv = cp ? *cp : U256_ZERO;
            const u256 *t = tp ? &tv : NULL, *c = cp ? &cv : NULL;
            u256 cfold;
            if (!c && sk_cond(b, a1, &cfold))
                c = &cfold; /* decided by the entry point: one branch */
            bool can_jump = t && u256_fits_u64(t) && seer_code_is_jumpdest(b->code, t->w[0]);
            if (c) {
                if (u256_is_zero(c)) {
                    st->pc = next;
                    continue;
                }
                if (!t) {
                    emit(b, AT_UNKNOWN, AN_UNK_JUMP, pc, st->guard);
                    s->truncated++;
                }
                if (!can_jump) {
                    emit_ret(b, st, AN_RET_FAIL, 0, 0);
                    state_free(b, st);
                    return;
                }
                s->nedges++;
                st->pc = (uint32_t)t->w[0];
                mark_block(b, st->pc);
                if (!loop_head(b, st) || !visit(b, st)) {
                    state_free(b, st);
                    return;
                }
                continue;
            }
            uint32_t g = st->guard;
            uint32_t gc = rd_get(b, a1) ? mk_unknown(b, ((uint64_t)SEER_OP_RETURNDATASIZE << 32) | pc) : a1;
            if (!t) {
                emit(b, AT_UNKNOWN, AN_UNK_JUMP, pc, new_guard(b, gc, 1, g));
                s->truncated++;
            } else if (can_jump && !cond_selector(b, a1, &(uint32_t){0}) &&
                       diamond(b, st, (uint32_t)t->w[0], gc, gc == a1 && !us_get(b, a1))) {
                /* one path on, under g: the arms' values are selects */
                s->nedges++;
                mark_block(b, st->pc);
                if (!loop_head(b, st) || !visit(b, st)) {
                    state_free(b, st);
                    return;
                }
                continue;
            } else if (can_jump) {
                astate *tk = state_copy(b, st);
                if (!tk) {
                    b->oom = true;
                    state_free(b, st);
                    return;
                }
                tk->guard = new_guard(b, gc, 1, g);
                tk->pc = (uint32_t)t->w[0];
                if (gc == a1 || !us_get(b, a1)) /* a stable condition over return data too */
                    fact_cond(b, tk, a1, true);
                uint32_t sel;
                if (cond_selector(b, a1, &sel))
                    tk->bucket = selector_bucket(b, sel);
                s->nedges++;
                mark_block(b, tk->pc);
                if (loop_head(b, tk) && visit(b, tk))
                    push_work(b, tk);
                else
                    state_free(b, tk);
            }
            st->guard = new_guard(b, gc, 0, g);
            if (gc == a1 || !us_get(b, a1))
                fact_cond(b, st, a1, false);
            st->pc = next;
            continue;
        }
        default:
            if (pure_node(b, op, a0, a1, a2, &r))
                break;
            /* Every opcode of vm/opcodes.h is handled above or by
             * pure_node; a new one lands here and is treated as unknown,
             * soundly. */
            emit(b, AT_UNKNOWN, AN_UNK_OPCODE, pc, st->guard);
            s->truncated++;
            state_free(b, st);
            return;
        }
        if (op_out(op)) {
            st->stack[st->height++] = r ? r : b->unk;
        }
        st->pc = next;
    }
}

static void build_csr(builder *b)
{
    an_summary *s = b->s;
    uint32_t n = s->nguards;
    s->gchild_start = calloc((size_t)n + 1, sizeof(uint32_t));
    uint32_t total = 0;
    if (!s->gchild_start) {
        b->oom = true;
        return;
    }
    for (uint32_t g = 1; g < n; g++) {
        s->gchild_start[s->guards[g].parent]++;
        total++;
        for (uint32_t l = s->guards[g].extra; l; l = s->links[l].next) {
            s->gchild_start[s->links[l].parent]++;
            total++;
        }
    }
    s->gchild = malloc(((size_t)total + 1) * sizeof(uint32_t));
    if (!s->gchild) {
        b->oom = true;
        return;
    }
    uint32_t acc = 0;
    for (uint32_t g = 0; g <= n; g++) {
        uint32_t c = s->gchild_start[g];
        s->gchild_start[g] = acc;
        acc += c;
    }
    /* Fill using a moving cursor: start[g+1] is the end of g's range. */
    uint32_t *cur = malloc(((size_t)n + 1) * sizeof(uint32_t));
    if (!cur) {
        b->oom = true;
        return;
    }
    memcpy(cur, s->gchild_start, ((size_t)n + 1) * sizeof(uint32_t));
    s->gtpl_start = calloc((size_t)n + 1, sizeof(uint32_t));
    s->gtpl = malloc(((size_t)s->ntpl + 1) * sizeof(uint32_t));
    if (!s->gtpl_start || !s->gtpl) {
        free(cur);
        b->oom = true;
        return;
    }
    for (uint32_t i = 0; i < s->ntpl; i++)
        s->gtpl_start[s->tpl[i].guard]++;
    uint32_t tacc = 0;
    for (uint32_t g = 0; g <= n; g++) {
        uint32_t c = s->gtpl_start[g];
        s->gtpl_start[g] = tacc;
        tacc += c;
    }
    {
        uint32_t *tcur = malloc(((size_t)n + 1) * sizeof(uint32_t));
        if (!tcur) {
            free(cur);
            b->oom = true;
            return;
        }
        memcpy(tcur, s->gtpl_start, ((size_t)n + 1) * sizeof(uint32_t));
        for (uint32_t i = 0; i < s->ntpl; i++)
            s->gtpl[tcur[s->tpl[i].guard]++] = i;
        free(tcur);
    }
    for (uint32_t g = 1; g < n; g++) {
        s->gchild[cur[s->guards[g].parent]++] = g;
        for (uint32_t l = s->guards[g].extra; l; l = s->links[l].next)
            s->gchild[cur[s->links[l].parent]++] = g;
    }
    free(cur);
}

void an_summary_free(an_summary *s)
{
    if (!s)
        return;
    free(s->nodes);
    free(s->args);
    free(s->tpl);
    free(s->calls);
    free(s->guards);
    free(s->links);
    free(s->gchild_start);
    free(s->gchild);
    free(s->gtpl_start);
    free(s->gtpl);
    free(s->selectors);
    free(s->rets);
    free(s);
}

static int build(an_summary **out, const uint8_t *code, size_t len, const seer_analyzer_options *opts,
                 int64_t selector)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = 0;
    *out = NULL;
    builder b;
    memset(&b, 0, sizeof b);
    b.o = opts;
    b.sel = (selector >= 0 && selector <= UINT32_MAX) || selector == AN_SEL_EMPTY ? selector : -1;
    seer_code *sc = NULL;
    an_summary *s = calloc(1, sizeof *s);
    if (!s)
        return seer_err(SEER_ENOMEM, "analyzer: summary");
    b.s = s;
    s->selector = b.sel;
    if (len > UINT32_MAX / 2) {
        len = 0; /* absurd sizes: analyzed as empty, and marked unknown below */
        b.incomplete = true;
    }
    rc = seer_code_analyze(&sc, code, len);
    if (rc < 0)
        goto cleanup;
    b.code = sc;
    b.hcap = 1024;
    b.htab = calloc(b.hcap, sizeof *b.htab);
    b.tcap = 1024;
    b.ttab = calloc(b.tcap, sizeof *b.ttab);
    b.vcap = 1024;
    b.vtab = calloc(b.vcap, sizeof *b.vtab);
    b.work = malloc((size_t)(opts->max_paths + 1) * sizeof *b.work);
    b.bucket_steps = calloc(1, sizeof *b.bucket_steps);
    b.block_seen = calloc(len / 8 + 1, 1);
    s->nnodes = 1; /* id 0 is "none" */
    if (!grow((void **)&s->nodes, &s->nodes_cap, 2, sizeof *s->nodes) || !b.htab || !b.ttab || !b.vtab ||
        !b.work || !b.bucket_steps || !b.block_seen) {
        rc = seer_err(SEER_ENOMEM, "analyzer: summary tables");
        goto cleanup;
    }
    memset(&s->nodes[0], 0, sizeof s->nodes[0]);
    b.unk = mk_unknown(&b, 0);
    new_guard(&b, 0, 1, 0); /* the root */
    /* Link 0 means "no further parent": reserve it. */
    if (!grow((void **)&s->links, &s->links_cap, 1, sizeof *s->links)) {
        rc = seer_err(SEER_ENOMEM, "analyzer: links");
        goto cleanup;
    }
    memset(&s->links[0], 0, sizeof s->links[0]);
    s->nlinks = 1;
    astate *st = state_new(&b);
    if (!st) {
        rc = seer_err(SEER_ENOMEM, "analyzer: state");
        goto cleanup;
    }
    memset(st, 0, offsetof(astate, stack));
    b.work[b.nwork++] = st;
    while (b.nwork && !b.oom) {
        astate *cur = b.work[--b.nwork];
        run_path(&b, cur);
    }
    while (b.nwork) /* after an OOM */
        state_free(&b, b.work[--b.nwork]);
    if (s->budget_hit && b.sel == -1)
        selectors_scan(&b);
    if (b.incomplete)
        emit(&b, AT_UNKNOWN, AN_UNK_LIMIT, 0, 0); /* a bound dropped something: unknown under the root */
    if (b.incomplete && s->ntpl >= MAX_TEMPLATES) {
        /* No room for the marker: replace the last template. */
        s->tpl[s->ntpl - 1].kind = AT_UNKNOWN;
        s->tpl[s->ntpl - 1].a = AN_UNK_LIMIT;
        s->tpl[s->ntpl - 1].guard = 0;
    }
    build_csr(&b);
    if (b.oom) {
        rc = seer_err(SEER_ENOMEM, "analyzer: out of memory analyzing %zu bytes of code", len);
        goto cleanup;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s->build_us = (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
    *out = s;
    s = NULL;
cleanup:
    for (uint32_t i = 0; i < b.nsnaps; i++)
        free(b.snaps[i]);
    free(b.snaps);
    for (uint32_t i = 0; i < b.npool; i++)
        free(b.pool[i]);
    free(b.pool);
    free(b.htab);
    free(b.ttab);
    free(b.vtab);
    free(b.work);
    free(b.bucket_steps);
    free(b.block_seen);
    free(b.sk_none);
    free(b.rd_bits);
    free(b.us_bits);
    free(b.ite_lv);
    free(b.nv_bits);
    seer_code_free(sc);
    an_summary_free(s);
    return rc;
}

/* ---- formatting ---- */

static const char *env_name(unsigned op)
{
    switch (op) {
    case SEER_OP_GASPRICE: return "gasprice";
    case SEER_OP_COINBASE: return "coinbase";
    case SEER_OP_TIMESTAMP: return "timestamp";
    case SEER_OP_NUMBER: return "number";
    case SEER_OP_GASLIMIT: return "gaslimit";
    case SEER_OP_CHAINID: return "chainid";
    case SEER_OP_BASEFEE: return "basefee";
    default: return "env";
    }
}

static size_t fmt_rec(const an_summary *s, uint32_t id, char *buf, size_t cap, int depth)
{
    if (cap == 0)
        return 0;
    const an_node *n = &s->nodes[id];
    char tmp[80];
    if (depth > 6)
        return (size_t)snprintf(buf, cap, "...");
    switch (n->kind) {
    case AN_CONST:
        if (u256_fits_u64(&n->k))
            return (size_t)snprintf(buf, cap, "0x%llx", (unsigned long long)n->k.w[0]);
        {
            uint8_t be[32];
            u256_to_be32(be, &n->k);
            size_t o = (size_t)snprintf(buf, cap, "0x");
            for (int i = 0; i < 32 && o + 2 < cap; i++)
                o += (size_t)snprintf(buf + o, cap - o, "%02x", be[i]);
            return o;
        }
    case AN_CALLDATA: {
        size_t o = (size_t)snprintf(buf, cap, "calldata[");
        if (o < cap)
            o += fmt_rec(s, n->a, buf + o, cap - o, depth + 1);
        if (o < cap)
            o += (size_t)snprintf(buf + o, cap - o, "]");
        return o;
    }
    case AN_CDSIZE: return (size_t)snprintf(buf, cap, "calldatasize");
    case AN_CALLER: return (size_t)snprintf(buf, cap, "caller");
    case AN_ORIGIN: return (size_t)snprintf(buf, cap, "origin");
    case AN_CALLVALUE: return (size_t)snprintf(buf, cap, "callvalue");
    case AN_SELF: return (size_t)snprintf(buf, cap, "self");
    case AN_ENV: return (size_t)snprintf(buf, cap, "%s", env_name(n->op));
    case AN_UNKNOWN: {
        /* tagged (op << 32 | pc): say which opcode made it */
        uint64_t tag = n->k.w[0];
        const char *nm = tag ? seer_opcode_name((unsigned)(tag >> 32) & 0xff) : NULL;
        if (!nm || !(tag >> 32))
            return (size_t)snprintf(buf, cap, "?");
        snprintf(tmp, sizeof tmp, "%s", nm);
        for (char *p = tmp; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        return (size_t)snprintf(buf, cap, "?%s@%u", tmp, (unsigned)(tag & 0xffffffffu));
    }
    case AN_LOOPVAR: return (size_t)snprintf(buf, cap, "loop@%u.%u", n->a, n->b);
    case AN_RETDATA:
        if (n->b == AN_RETDATA_SIZE)
            return (size_t)snprintf(buf, cap, "retsize(call%u)", n->a);
        if (n->b == AN_RETDATA_DYN) {
            size_t o = (size_t)snprintf(buf, cap, "ret(call%u)[", n->a);
            if (o < cap)
                o += fmt_rec(s, n->c, buf + o, cap - o, depth + 1);
            if (o < cap)
                o += (size_t)snprintf(buf + o, cap - o, "]");
            return o;
        }
        return (size_t)snprintf(buf, cap, "ret(call%u)[0x%x]", n->a, n->b);
    case AN_SLOAD: {
        size_t o = (size_t)snprintf(buf, cap, n->op ? "sload@%u(" : "sload(", (unsigned)n->k.w[0]);
        if (o < cap)
            o += fmt_rec(s, n->a, buf + o, cap - o, depth + 1);
        if (o < cap)
            o += (size_t)snprintf(buf + o, cap - o, ")");
        return o;
    }
    case AN_KECCAK: {
        size_t o = (size_t)snprintf(buf, cap, "keccak(");
        for (uint32_t i = 0; i < n->b && o < cap; i++) {
            if (i)
                o += (size_t)snprintf(buf + o, cap - o, ", ");
            if (o < cap)
                o += fmt_rec(s, s->args[n->a + i], buf + o, cap - o, depth + 1);
        }
        if (o < cap)
            o += (size_t)snprintf(buf + o, cap - o, ")");
        return o;
    }
    case AN_OP: {
        const char *nm = seer_opcode_name(n->op);
        snprintf(tmp, sizeof tmp, "%s", nm ? nm : "op");
        for (char *p = tmp; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        size_t o = (size_t)snprintf(buf, cap, "%s(", tmp);
        uint32_t ch[3] = {n->a, n->b, n->c};
        for (int i = 0; i < 3 && ch[i] && o < cap; i++) {
            if (i)
                o += (size_t)snprintf(buf + o, cap - o, ", ");
            if (o < cap)
                o += fmt_rec(s, ch[i], buf + o, cap - o, depth + 1);
        }
        if (o < cap)
            o += (size_t)snprintf(buf + o, cap - o, ")");
        return o;
    }
    default: return (size_t)snprintf(buf, cap, "?");
    }
}

void an_node_format(const an_summary *s, uint32_t id, char *buf, size_t cap)
{
    if (cap == 0)
        return;
    buf[0] = 0;
    size_t n = fmt_rec(s, id, buf, cap, 0);
    if (n >= cap)
        buf[cap - 1] = 0;
}

int an_summary_build(an_summary **out, const uint8_t *code, size_t len, const seer_analyzer_options *opts)
{
    return build(out, code, len, opts, -1);
}

int an_summary_build_sel(an_summary **out, const uint8_t *code, size_t len, const seer_analyzer_options *opts,
                         int64_t selector)
{
    return build(out, code, len, opts, selector);
}
