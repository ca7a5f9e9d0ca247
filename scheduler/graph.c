/* The conflict graph: a dependency DAG from per-key access groups, levels,
 * the critical path, a modeled list schedule, hot keys, and build-mode
 * coloring into batches. */
#include "common/hashtab.h"
#include "common/util.h"
#include "scheduler/keymap.h"
#include "scheduler/sched.h"

#include <stdlib.h>
#include <string.h>

/* A transaction's accesses including the pseudo keys that model wildcards
 * (sched.h: S on "A:*" for each slot of A, W for "every slot of A"; S on
 * the global key, W for "unknown"). Sorted, one entry per key. */
typedef struct wild {
    seer_address *addrs; /* sorted: addresses with an "every slot" wildcard somewhere */
    size_t n;
    bool unknown; /* some set is "unknown" */
} wild;

static int cmp_addr20(const void *x, const void *y)
{
    return memcmp(x, y, 20);
}

static bool wild_has(const wild *w, const uint8_t *addr)
{
    size_t lo = 0, hi = w->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = memcmp(w->addrs[mid].bytes, addr, 20);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Which pseudo keys the block needs at all: without wildcards a set is its
 * own expansion (the common case, and no sort). */
static int wild_scan(wild *w, const seer_access_set *sets, size_t n, const bool *include)
{
    memset(w, 0, sizeof *w);
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++)
        if (!include || include[i]) {
            cnt += sets[i].nall;
            w->unknown |= sets[i].unknown;
        }
    if (!cnt)
        return 0;
    w->addrs = malloc(cnt * sizeof *w->addrs);
    if (!w->addrs)
        return SEER_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (!include || include[i])
            for (size_t j = 0; j < sets[i].nall; j++)
                w->addrs[w->n++] = sets[i].all_slots[j];
    seer_qsort(w->addrs, w->n, sizeof *w->addrs, cmp_addr20);
    return 0;
}

/* A transaction's accesses including the pseudo keys that model wildcards
 * (sched.h: S on "A:*" for each slot of A, W for "every slot of A"; S on
 * the global key, W for "unknown"), only where the block has such
 * wildcards. Sorted, one entry per key. */
static int expand(seer_access_set *out, const seer_access_set *s, const wild *w)
{
    int rc;
    out->n = 0;
    out->nall = 0;
    out->unknown = false;
    seer_key k;
    bool extra = false;
    for (size_t i = 0; i < s->n; i++) {
        if ((rc = seer_access_set_add(out, &s->acc[i].key, s->acc[i].mode)) < 0)
            return rc;
        if (s->acc[i].key.field == SEER_KEY_STORAGE && w->n && wild_has(w, s->acc[i].key.addr)) {
            memset(&k, 0, sizeof k);
            memcpy(k.addr, s->acc[i].key.addr, 20);
            k.field = SEER_KEY_ALL_SLOTS;
            if ((rc = seer_access_set_add(out, &k, SEER_ACC_S)) < 0)
                return rc;
            extra = true;
        }
    }
    for (size_t i = 0; i < s->nall; i++) {
        memset(&k, 0, sizeof k);
        memcpy(k.addr, s->all_slots[i].bytes, 20);
        k.field = SEER_KEY_ALL_SLOTS;
        if ((rc = seer_access_set_add(out, &k, SEER_ACC_W)) < 0)
            return rc;
        extra = true;
    }
    if (w->unknown) {
        memset(&k, 0, sizeof k);
        k.field = SEER_KEY_GLOBAL;
        if ((rc = seer_access_set_add(out, &k, s->unknown ? SEER_ACC_W : SEER_ACC_S)) < 0)
            return rc;
        extra = true;
    }
    if (extra)
        seer_access_set_normalize(out);
    return 0;
}

typedef struct u32vec {
    uint32_t *p;
    size_t n, cap;
} u32vec;

static int u32_push(u32vec *v, uint32_t x)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 4;
        uint32_t *p = realloc(v->p, nc * sizeof *p);
        if (!p)
            return SEER_ENOMEM;
        v->p = p;
        v->cap = nc;
    }
    v->p[v->n++] = x;
    return 0;
}

typedef struct kgroup {
    int mode; /* of the current group; 0 before the first access */
    u32vec cur, prev;
} kgroup;

typedef struct edge {
    uint32_t from;
    seer_key key;
} edge;

static int cmp_edge(const void *x, const void *y)
{
    const edge *a = x, *b = y;
    return a->from < b->from ? -1 : a->from > b->from;
}

void seer_sched_graph_clear(seer_sched_graph *g)
{
    if (!g)
        return;
    free(g->level);
    free(g->pred_start);
    free(g->pred);
    free(g->pred_key);
    memset(g, 0, sizeof *g);
}

int seer_sched_graph_build(seer_sched_graph *g, const seer_access_set *sets, size_t n, const uint64_t *weight,
                           const bool *include)
{
    memset(g, 0, sizeof *g);
    g->n = n;
    int rc = SEER_ENOMEM;
    seer_keymap km;
    memset(&km, 0, sizeof km);
    kgroup *groups = NULL, *kg;
    size_t gcap = 0;
    seer_access_set ex;
    memset(&ex, 0, sizeof ex);
    wild wl;
    memset(&wl, 0, sizeof wl);
    edge *tmpe = NULL;
    size_t ntmpe = 0, captmpe = 0;
    size_t edge_cap = 0;
    uint64_t *cp = calloc(n ? n : 1, sizeof *cp);
    g->level = calloc(n ? n : 1, sizeof *g->level);
    g->pred_start = calloc(n + 1, sizeof *g->pred_start);
    if (!cp || !g->level || !g->pred_start || wild_scan(&wl, sets, n, include) < 0)
        goto fail;
    for (size_t b = 0; b < n; b++) {
        g->pred_start[b] = (uint32_t)g->nedges;
        if (include && !include[b]) {
            g->level[b] = UINT32_MAX;
            continue;
        }
        /* without wildcards in the block a set is its own expansion */
        const seer_access_set *xs = &sets[b];
        if (wl.n || wl.unknown || sets[b].nall) {
            if ((rc = expand(&ex, &sets[b], &wl)) < 0)
                goto fail;
            xs = &ex;
        }
        rc = SEER_ENOMEM;
        ntmpe = 0;
        for (size_t i = 0; i < xs->n; i++) {
            const seer_acc *a = &xs->acc[i];
            uint32_t id;
            bool fresh;
            if (seer_keymap_get(&km, &a->key, &id, &fresh) < 0)
                goto fail;
            if (fresh) {
                if (id == gcap) {
                    size_t nc = gcap ? gcap * 2 : 256;
                    kgroup *q = realloc(groups, nc * sizeof *q);
                    if (!q)
                        goto fail;
                    groups = q;
                    gcap = nc;
                }
                memset(&groups[id], 0, sizeof groups[id]);
            }
            kg = &groups[id];
            u32vec *from;
            if (kg->mode == a->mode && a->mode != SEER_ACC_W) {
                from = &kg->prev;
            } else {
                /* a new group: the old current one becomes its predecessor */
                u32vec t = kg->prev;
                kg->prev = kg->cur;
                kg->cur = t;
                kg->cur.n = 0;
                kg->mode = a->mode;
                from = &kg->prev;
            }
            for (size_t j = 0; j < from->n; j++) {
                if (ntmpe == captmpe) {
                    size_t nc = captmpe ? captmpe * 2 : 16;
                    edge *p = realloc(tmpe, nc * sizeof *p);
                    if (!p)
                        goto fail;
                    tmpe = p;
                    captmpe = nc;
                }
                tmpe[ntmpe].from = from->p[j];
                tmpe[ntmpe].key = a->key;
                ntmpe++;
            }
            if (u32_push(&kg->cur, (uint32_t)b) < 0)
                goto fail;
        }
        /* one edge per predecessor, the first key (in key order) behind it;
         * qsort is not stable, so pick the smallest key explicitly */
        seer_qsort(tmpe, ntmpe, sizeof *tmpe, cmp_edge);
        uint32_t lvl = 0;
        uint64_t best = 0;
        for (size_t i = 0; i < ntmpe;) {
            size_t j = i;
            size_t pick = i;
            while (j < ntmpe && tmpe[j].from == tmpe[i].from) {
                if (memcmp(&tmpe[j].key, &tmpe[pick].key, sizeof(seer_key)) < 0)
                    pick = j;
                j++;
            }
            if (g->nedges == edge_cap) {
                size_t nc = edge_cap ? edge_cap * 2 : 64;
                uint32_t *p = realloc(g->pred, nc * sizeof *p);
                if (!p)
                    goto fail;
                g->pred = p;
                seer_key *q = realloc(g->pred_key, nc * sizeof *q);
                if (!q)
                    goto fail;
                g->pred_key = q;
                edge_cap = nc;
            }
            uint32_t a = tmpe[i].from;
            g->pred[g->nedges] = a;
            g->pred_key[g->nedges] = tmpe[pick].key;
            g->nedges++;
            if (g->level[a] + 1 > lvl)
                lvl = g->level[a] + 1;
            if (cp[a] > best)
                best = cp[a];
            i = j;
        }
        g->level[b] = lvl;
        if (lvl + 1 > g->nlevels)
            g->nlevels = lvl + 1;
        uint64_t w = weight ? weight[b] : 1;
        cp[b] = best + w;
        g->total_gas += w;
        if (cp[b] > g->critical_gas)
            g->critical_gas = cp[b];
    }
    g->pred_start[n] = (uint32_t)g->nedges;
    {
        uint64_t *lmax = calloc(g->nlevels ? g->nlevels : 1, sizeof *lmax);
        if (!lmax)
            goto fail;
        for (size_t b = 0; b < n; b++) {
            if (g->level[b] == UINT32_MAX)
                continue;
            uint64_t w = weight ? weight[b] : 1;
            if (w > lmax[g->level[b]])
                lmax[g->level[b]] = w;
        }
        for (uint32_t l = 0; l < g->nlevels; l++)
            g->level_gas += lmax[l];
        free(lmax);
    }
    rc = 0;
    goto out;
fail:
    seer_sched_graph_clear(g);
out:
    for (size_t i = 0; i < km.n && i < gcap; i++) {
        free(groups[i].cur.p);
        free(groups[i].prev.p);
    }
    free(groups);
    seer_keymap_clear(&km);
    seer_access_set_clear(&ex);
    free(wl.addrs);
    free(tmpe);
    free(cp);
    return rc;
}

int seer_sched_graph_reweight(seer_sched_graph *g, const uint64_t *weight)
{
    size_t n = g->n;
    uint64_t *cp = calloc(n ? n : 1, sizeof *cp);
    uint64_t *lmax = calloc(g->nlevels ? g->nlevels : 1, sizeof *lmax);
    if (!cp || !lmax) {
        free(cp);
        free(lmax);
        return SEER_ENOMEM;
    }
    g->total_gas = g->critical_gas = g->level_gas = 0;
    for (size_t b = 0; b < n; b++) {
        if (g->level[b] == UINT32_MAX)
            continue;
        uint64_t best = 0;
        for (uint32_t e = g->pred_start[b]; e < g->pred_start[b + 1]; e++)
            if (cp[g->pred[e]] > best)
                best = cp[g->pred[e]];
        cp[b] = best + weight[b];
        g->total_gas += weight[b];
        if (cp[b] > g->critical_gas)
            g->critical_gas = cp[b];
        if (weight[b] > lmax[g->level[b]])
            lmax[g->level[b]] = weight[b];
    }
    for (uint32_t l = 0; l < g->nlevels; l++)
        g->level_gas += lmax[l];
    free(cp);
    free(lmax);
    return 0;
}

/* ---- a modeled list schedule ---- */

typedef struct hitem {
    uint64_t k;
    uint32_t v;
} hitem;

static void hpush(hitem *h, size_t *n, hitem x)
{
    size_t i = (*n)++;
    while (i) {
        size_t p = (i - 1) / 2;
        if (h[p].k < x.k || (h[p].k == x.k && h[p].v <= x.v))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = x;
}

static hitem hpop(hitem *h, size_t *n)
{
    hitem top = h[0], x = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        hitem best = x;
        if (l < *n && (h[l].k < best.k || (h[l].k == best.k && h[l].v < best.v))) {
            m = l;
            best = h[l];
        }
        if (r < *n && (h[r].k < best.k || (h[r].k == best.k && h[r].v < best.v)))
            m = r;
        if (m == i)
            break;
        h[i] = h[m];
        i = m;
    }
    if (*n)
        h[i] = x;
    return top;
}

uint64_t seer_sched_graph_list_makespan(const seer_sched_graph *g, const uint64_t *weight, unsigned threads)
{
    size_t n = g->n;
    if (!n)
        return 0;
    if (!threads)
        threads = 1;
    uint32_t *indeg = calloc(n, sizeof *indeg);
    uint32_t *succ_start = calloc(n + 1, sizeof *succ_start);
    uint32_t *succ = malloc((g->nedges ? g->nedges : 1) * sizeof *succ);
    uint32_t *fill = calloc(n, sizeof *fill);
    hitem *ready = malloc(n * sizeof *ready);
    hitem *run = malloc((threads + 1) * sizeof *run);
    uint64_t makespan = 0;
    if (!indeg || !succ_start || !succ || !fill || !ready || !run)
        goto out;
    for (size_t b = 0; b < n; b++)
        for (uint32_t e = g->pred_start[b]; e < g->pred_start[b + 1]; e++) {
            succ_start[g->pred[e] + 1]++;
            indeg[b]++;
        }
    for (size_t i = 0; i < n; i++)
        succ_start[i + 1] += succ_start[i];
    for (size_t b = 0; b < n; b++)
        for (uint32_t e = g->pred_start[b]; e < g->pred_start[b + 1]; e++) {
            uint32_t a = g->pred[e];
            succ[succ_start[a] + fill[a]++] = (uint32_t)b;
        }
    size_t nready = 0, nrun = 0, done = 0, total = 0;
    uint64_t now = 0;
    for (size_t i = 0; i < n; i++) {
        if (g->level[i] == UINT32_MAX)
            continue;
        total++;
        if (!indeg[i])
            hpush(ready, &nready, (hitem){i, (uint32_t)i});
    }
    while (done < total) {
        while (nrun < threads && nready) {
            hitem r = hpop(ready, &nready);
            uint64_t w = weight ? weight[r.v] : 1;
            hpush(run, &nrun, (hitem){now + w, r.v});
        }
        if (!nrun)
            break; /* a cycle: cannot happen, edges go forward */
        hitem f = hpop(run, &nrun);
        now = f.k;
        done++;
        for (uint32_t e = succ_start[f.v]; e < succ_start[f.v + 1]; e++)
            if (--indeg[succ[e]] == 0)
                hpush(ready, &nready, (hitem){succ[e], succ[e]});
    }
    makespan = now;
out:
    free(indeg);
    free(succ_start);
    free(succ);
    free(fill);
    free(ready);
    free(run);
    return makespan;
}

/* ---- hot keys ---- */

typedef struct kcount {
    seer_key key;
    uint32_t txs, writers;
    UT_hash_handle hh;
} kcount;

static int cmp_hot(const void *x, const void *y)
{
    const seer_hot_key *a = x, *b = y;
    if (a->txs != b->txs)
        return a->txs > b->txs ? -1 : 1;
    return memcmp(&a->key, &b->key, sizeof a->key);
}

int seer_sched_hot_keys(seer_hot_key **out, size_t *nout, const seer_access_set *sets, size_t n, size_t k)
{
    *out = NULL;
    *nout = 0;
    kcount *table = NULL, *c, *tmp;
    size_t count = 0;
    int rc = SEER_ENOMEM;
    seer_hot_key *all = NULL;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < sets[i].n; j++) {
            const seer_acc *a = &sets[i].acc[j];
            HASH_FIND(hh, table, &a->key, sizeof a->key, c);
            if (!c) {
                c = calloc(1, sizeof *c);
                if (!c)
                    goto out;
                c->key = a->key;
                bool oom = false;
                SEER_HASH_ADD(hh, table, &c->key, sizeof c->key, c, &oom);
                if (oom) {
                    free(c);
                    goto out;
                }
                count++;
            }
            c->txs++;
            if (a->mode != SEER_ACC_R)
                c->writers++;
        }
    all = malloc((count ? count : 1) * sizeof *all);
    if (!all)
        goto out;
    size_t i = 0;
    HASH_ITER(hh, table, c, tmp)
    {
        all[i].key = c->key;
        all[i].txs = c->txs;
        all[i].writers = c->writers;
        i++;
    }
    seer_qsort(all, count, sizeof *all, cmp_hot);
    *nout = count < k ? count : k;
    *out = all;
    all = NULL;
    rc = 0;
out:
    free(all);
    HASH_ITER(hh, table, c, tmp)
    {
        HASH_DEL(table, c);
        free(c);
    }
    return rc;
}

/* ---- build mode: first-fit coloring ---- */

typedef struct kbatch {
    seer_key key;
    uint8_t *bits; /* per batch: 1 << mode for each mode present */
    size_t cap;
    UT_hash_handle hh;
} kbatch;

typedef struct chain_ent {
    seer_address sender;
    uint64_t nonce;
    size_t idx;
} chain_ent;

static int cmp_chain(const void *x, const void *y)
{
    const chain_ent *a = x, *b = y;
    int c = memcmp(&a->sender, &b->sender, 20);
    if (c)
        return c;
    if (a->nonce != b->nonce)
        return a->nonce < b->nonce ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static bool bits_conflict(uint8_t bits, int mode)
{
    for (int m = SEER_ACC_R; m <= SEER_ACC_S; m++)
        if ((bits & (1u << m)) && seer_acc_modes_conflict(m, mode))
            return true;
    return false;
}

int seer_sched_build_order(size_t *order, size_t *norder, uint32_t *batch, uint32_t *nbatches,
                           const seer_access_set *sets, const seer_tx *txs, size_t n,
                           uint64_t block_gas_limit)
{
    *norder = 0;
    *nbatches = 0;
    int rc = SEER_ENOMEM;
    chain_ent *ch = malloc((n ? n : 1) * sizeof *ch);
    size_t *prev_in_chain = malloc((n ? n : 1) * sizeof *prev_in_chain); /* SIZE_MAX: first */
    size_t *next_in_chain = malloc((n ? n : 1) * sizeof *next_in_chain);
    bool *dead = calloc(n ? n : 1, sizeof *dead);
    bool *closed = NULL; /* batches holding an "unknown" transaction */
    size_t closed_cap = 0;
    kbatch *table = NULL, *kb, *tmp;
    seer_access_set ex;
    memset(&ex, 0, sizeof ex);
    size_t *stack = malloc((n ? n : 1) * sizeof *stack);
    wild wl;
    memset(&wl, 0, sizeof wl);
    if (!ch || !prev_in_chain || !next_in_chain || !dead || !stack || wild_scan(&wl, sets, n, NULL) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        ch[i].sender = txs[i].sender;
        ch[i].nonce = txs[i].nonce;
        ch[i].idx = i;
        batch[i] = UINT32_MAX;
        prev_in_chain[i] = next_in_chain[i] = SIZE_MAX;
    }
    seer_qsort(ch, n, sizeof *ch, cmp_chain);
    for (size_t i = 1; i < n; i++)
        if (memcmp(&ch[i].sender, &ch[i - 1].sender, 20) == 0) {
            prev_in_chain[ch[i].idx] = ch[i - 1].idx;
            next_in_chain[ch[i - 1].idx] = ch[i].idx;
        }
    uint64_t gas = 0;
    uint32_t nb = 0;
    for (size_t v = 0; v < n; v++) {
        if (batch[v] != UINT32_MAX || dead[v])
            continue;
        /* place the unplaced head of v's chain first, in nonce order */
        size_t ns = 0;
        for (size_t x = v; x != SIZE_MAX && batch[x] == UINT32_MAX && !dead[x]; x = prev_in_chain[x])
            stack[ns++] = x;
        while (ns) {
            size_t i = stack[--ns];
            if (dead[i])
                continue;
            if (txs[i].gas_limit > block_gas_limit - gas) {
                for (size_t x = i; x != SIZE_MAX; x = next_in_chain[x])
                    dead[x] = true;
                continue;
            }
            uint32_t lo = 0;
            size_t p = prev_in_chain[i];
            if (p != SIZE_MAX) {
                if (batch[p] == UINT32_MAX) { /* its predecessor was left out */
                    dead[i] = true;
                    continue;
                }
                lo = batch[p] + 1;
            }
            if ((rc = expand(&ex, &sets[i], &wl)) < 0)
                goto out;
            rc = SEER_ENOMEM;
            uint32_t c = lo;
            if (sets[i].unknown) {
                c = nb > lo ? nb : lo;
            } else {
                for (;; c++) {
                    if (c >= nb)
                        break;
                    if (closed[c])
                        continue;
                    bool ok = true;
                    for (size_t j = 0; j < ex.n && ok; j++) {
                        HASH_FIND(hh, table, &ex.acc[j].key, sizeof(seer_key), kb);
                        if (kb && c < kb->cap && bits_conflict(kb->bits[c], ex.acc[j].mode))
                            ok = false;
                    }
                    if (ok)
                        break;
                }
            }
            if (c + 1 > nb) {
                if (c + 1 > closed_cap) {
                    size_t nc = closed_cap ? closed_cap * 2 : 16;
                    while (nc < c + 1)
                        nc *= 2;
                    bool *q = realloc(closed, nc * sizeof *q);
                    if (!q)
                        goto out;
                    memset(q + closed_cap, 0, (nc - closed_cap) * sizeof *q);
                    closed = q;
                    closed_cap = nc;
                }
                nb = c + 1;
            }
            if (sets[i].unknown)
                closed[c] = true;
            for (size_t j = 0; j < ex.n; j++) {
                HASH_FIND(hh, table, &ex.acc[j].key, sizeof(seer_key), kb);
                if (!kb) {
                    kb = calloc(1, sizeof *kb);
                    if (!kb)
                        goto out;
                    kb->key = ex.acc[j].key;
                    bool oom = false;
                    SEER_HASH_ADD(hh, table, &kb->key, sizeof kb->key, kb, &oom);
                    if (oom) {
                        free(kb);
                        goto out;
                    }
                }
                if (c >= kb->cap) {
                    size_t nc = kb->cap ? kb->cap * 2 : 8;
                    while (nc <= c)
                        nc *= 2;
                    uint8_t *q = realloc(kb->bits, nc);
                    if (!q)
                        goto out;
                    memset(q + kb->cap, 0, nc - kb->cap);
                    kb->bits = q;
                    kb->cap = nc;
                }
                kb->bits[c] |= (uint8_t)(1u << ex.acc[j].mode);
            }
            batch[i] = c;
            gas += txs[i].gas_limit;
        }
    }
    /* emit batch by batch, pool order within a batch */
    {
        size_t *cnt = calloc((size_t)nb + 1, sizeof *cnt);
        if (!cnt)
            goto out;
        for (size_t i = 0; i < n; i++)
            if (batch[i] != UINT32_MAX)
                cnt[batch[i] + 1]++;
        for (uint32_t c = 0; c < nb; c++)
            cnt[c + 1] += cnt[c];
        for (size_t i = 0; i < n; i++)
            if (batch[i] != UINT32_MAX)
                order[cnt[batch[i]]++] = i;
        *norder = nb ? cnt[nb - 1] : 0;
        free(cnt);
    }
    *nbatches = nb;
    rc = 0;
out:
    HASH_ITER(hh, table, kb, tmp)
    {
        HASH_DEL(table, kb);
        free(kb->bits);
        free(kb);
    }
    seer_access_set_clear(&ex);
    free(ch);
    free(prev_in_chain);
    free(next_in_chain);
    free(dead);
    free(closed);
    free(stack);
    free(wl.addrs);
    return rc;
}
