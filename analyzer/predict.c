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

/* The summary cache: keyed by (code hash, selector), -1 for a summary of
 * every entry point. Bounded by CACHE_MAX_ENTRIES summaries and
 * CACHE_MAX_BYTES of summary memory, least recently used first out. A
 * prediction pins the entries it instantiates (refs) until it ends, so an
 * eviction or a cache_clear by another thread never frees a summary in
 * use: a pinned entry is unlinked and freed by its last release. */
#define CACHE_MAX_ENTRIES 4096
#define CACHE_MAX_BYTES   ((size_t)256 << 20)

typedef struct cache_key {
    seer_bytes32 hash;
    int64_t sel;
} cache_key;
_Static_assert(sizeof(cache_key) == 40, "cache_key must have no padding");

typedef struct cache_ent {
    cache_key key;
    UT_hash_handle hh;
    an_summary *s;
    size_t bytes;
    uint32_t refs;        /* predictions holding it (under the lock) */
    bool linked;          /* in the table and the LRU list */
    bool any_sel;         /* a build for a selector came back for every entry point:
                             serves the code's other selectors too */
    uint8_t *create_loop; /* per call: a CREATE whose guard lies on a cycle
                             (may run more than once), NULL when none */
    /* The guard graph reduced to its decision points (reduce_guards): for
     * the root and each guard whose condition may evaluate ("key"), the
     * guards holding templates (kt) and the key guards from which a
     * template is reachable (kf), reached from it through guards that are
     * always entered. NULL: walk the full graph. */
    uint32_t *kt_start, *kt, *kf_start, *kf;
    /* For return data (ret_walk), the same for the guards holding an end
     * of path (s->rets) or an AT_UNKNOWN template (kr, and kfr: the key
     * guards from which one is reachable); and the guards holding an
     * AT_UNKNOWN template (ug[0 .. nug)). */
    uint32_t *kr_start, *kr, *kfr_start, *kfr;
    uint32_t *ug, nug;
    /* Its stores (index_unknown): writes, an AT_SSTORE template; wany, one
     * at a slot that is not a constant, else wslots[0 .. nwslots) the
     * constant slots stored to. */
    bool writes, wany;
    u256 *wslots;
    uint32_t nwslots;
    struct cache_ent *prev, *next; /* LRU: most recent at the head */
} cache_ent;

struct scratch;

struct seer_analyzer {
    seer_analyzer_options opts;
    pthread_mutex_t lock;
    cache_ent *cache;
    cache_ent *lru_head, *lru_tail;
    size_t count, bytes;
    size_t max_entries, max_bytes;
    struct scratch *pool; /* idle per-thread scratch */
    /* The frame memo (see "frame memo" below): buckets, entries, bytes;
     * under mlock (lookups and replays shared, inserts exclusive). */
    pthread_rwlock_t mlock;
    struct fmemo **mb;
    size_t mcount, mbytes;
    uint32_t gen;      /* bumped when a summary leaves the cache (atomic) */
    uint64_t *hint;    /* FMEMO_HINTS keys of frames walked (low 2 bits: walks; atomic) */
    bool stop_unknown; /* seer_analyzer_set_stop_at_unknown */
    uint64_t tabver;   /* bumped (under lock) whenever cache_find's answers may change */
};

static void pool_free(struct scratch *sc);
/* Frame memo: a frame is recorded the third time its key is walked (most
 * frames never come back, or once only; recording costs more than a
 * walk). */
#define FMEMO_HINTS 65536
static void fmemo_clear(seer_analyzer *a);

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
    if (a->opts.max_call_depth > 64)
        a->opts.max_call_depth = 64;
    a->max_entries = CACHE_MAX_ENTRIES;
    a->max_bytes = CACHE_MAX_BYTES;
    a->stop_unknown = true;
    pthread_mutex_init(&a->lock, NULL);
    pthread_rwlock_init(&a->mlock, NULL);
    a->hint = calloc(FMEMO_HINTS, sizeof *a->hint); /* NULL: every frame is recorded */
    *out = a;
    return 0;
}

/* The indexes of an entry (mark_create_loops, reduce_guards,
 * index_unknown), not its summary. */
static void ent_free_index(cache_ent *e)
{
    free(e->create_loop);
    free(e->kt_start);
    free(e->kt);
    free(e->kf_start);
    free(e->kf);
    free(e->kr_start);
    free(e->kr);
    free(e->kfr_start);
    free(e->kfr);
    free(e->ug);
    free(e->wslots);
}

static void ent_free(cache_ent *e)
{
    an_summary_free(e->s);
    ent_free_index(e);
    free(e);
}

/* Unlinks e from the table and the LRU list (lock held); frees it unless
 * a prediction holds it. */
static void ent_unlink(seer_analyzer *a, cache_ent *e)
{
    HASH_DEL(a->cache, e);
    if (e->prev)
        e->prev->next = e->next;
    else
        a->lru_head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        a->lru_tail = e->prev;
    e->prev = e->next = NULL;
    e->linked = false;
    a->tabver++;
    /* Memoized frames may have used it: they no longer hold. */
    __atomic_add_fetch(&a->gen, 1, __ATOMIC_RELAXED);
    a->count--;
    a->bytes -= e->bytes;
    if (e->refs == 0)
        ent_free(e);
}

static void lru_front(seer_analyzer *a, cache_ent *e)
{
    if (a->lru_head == e)
        return;
    if (e->prev)
        e->prev->next = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else if (a->lru_tail == e)
        a->lru_tail = e->prev;
    e->prev = NULL;
    e->next = a->lru_head;
    if (a->lru_head)
        a->lru_head->prev = e;
    a->lru_head = e;
    if (!a->lru_tail)
        a->lru_tail = e;
}

void seer_analyzer_cache_clear(seer_analyzer *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    while (a->lru_head)
        ent_unlink(a, a->lru_head);
    pthread_mutex_unlock(&a->lock);
    fmemo_clear(a); /* stale already (gen): their memory goes too */
}

void seer_analyzer_free(seer_analyzer *a)
{
    if (!a)
        return;
    seer_analyzer_cache_clear(a);
    pool_free(a->pool);
    fmemo_clear(a);
    free(a->mb);
    free(a->hint);
    pthread_rwlock_destroy(&a->mlock);
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

void an_cache_set_limits(seer_analyzer *a, size_t max_entries, size_t max_bytes)
{
    pthread_mutex_lock(&a->lock);
    a->max_entries = max_entries ? max_entries : 1;
    a->max_bytes = max_bytes;
    /* Down to the bounds now; the most recent entry stays. */
    while ((a->count > a->max_entries || a->bytes > a->max_bytes) && a->lru_tail &&
           a->lru_tail != a->lru_head)
        ent_unlink(a, a->lru_tail);
    pthread_mutex_unlock(&a->lock);
}

size_t an_cache_bytes(const seer_analyzer *a)
{
    seer_analyzer *m = (seer_analyzer *)a;
    pthread_mutex_lock(&m->lock);
    size_t n = m->bytes;
    pthread_mutex_unlock(&m->lock);
    return n;
}

bool an_cache_has(const seer_analyzer *a, const seer_bytes32 *code_hash, int64_t selector)
{
    seer_analyzer *m = (seer_analyzer *)a;
    cache_key k;
    memset(&k, 0, sizeof k);
    k.hash = *code_hash;
    k.sel = selector;
    cache_ent *e;
    pthread_mutex_lock(&m->lock);
    HASH_FIND(hh, m->cache, &k, sizeof k, e);
    pthread_mutex_unlock(&m->lock);
    return e != NULL;
}

static size_t summary_bytes(const an_summary *s)
{
    size_t n = sizeof *s + (size_t)s->nodes_cap * sizeof *s->nodes + (size_t)s->args_cap * sizeof *s->args +
               (size_t)s->tpl_cap * sizeof *s->tpl + (size_t)s->calls_cap * sizeof *s->calls +
               (size_t)s->guards_cap * sizeof *s->guards + (size_t)s->links_cap * sizeof *s->links +
               (size_t)s->nselectors * sizeof *s->selectors;
    if (s->gchild_start)
        n += ((size_t)s->nguards + 1 + s->gchild_start[s->nguards]) * sizeof(uint32_t);
    if (s->gtpl_start)
        n += ((size_t)s->nguards + 1 + s->ntpl) * sizeof(uint32_t);
    return n;
}

/* Guards from which `g` is reachable again over the forward edges: a
 * template there may run more than once (a loop). */
static bool guard_on_cycle(const an_summary *s, uint32_t g, uint8_t *seen, uint32_t *stack)
{
    memset(seen, 0, s->nguards);
    uint32_t sp = 0;
    stack[sp++] = g;
    while (sp) {
        uint32_t x = stack[--sp];
        for (uint32_t i = s->gchild_start[x]; i < s->gchild_start[x + 1]; i++) {
            uint32_t c = s->gchild[i];
            if (c == g)
                return true;
            if (!seen[c]) {
                seen[c] = 1;
                stack[sp++] = c;
            }
        }
    }
    return false;
}

/* Marks the CREATE/CREATE2 calls whose guard lies on a cycle. */
static int mark_create_loops(cache_ent *e)
{
    const an_summary *s = e->s;
    bool any = false;
    for (uint32_t i = 0; i < s->ntpl && !any; i++)
        any = s->tpl[i].kind == AT_CREATE;
    if (!any || !s->gchild_start)
        return 0;
    e->create_loop = calloc(s->ncalls + 1, 1);
    uint8_t *seen = malloc(s->nguards + 1);
    uint32_t *stack = malloc(((size_t)s->nguards + 1) * sizeof *stack);
    if (!e->create_loop || !seen || !stack) {
        free(seen);
        free(stack);
        return seer_err(SEER_ENOMEM, "analyzer cache: create loops");
    }
    for (uint32_t i = 0; i < s->ntpl; i++)
        if (s->tpl[i].kind == AT_CREATE && s->tpl[i].call < s->ncalls)
            e->create_loop[s->tpl[i].call] = guard_on_cycle(s, s->tpl[i].guard, seen, stack);
    free(seen);
    free(stack);
    return 0;
}

/* Nodes that never evaluate whatever the frame: an unknown or a loop
 * variable, or an operation over one. Operands precede their node (the
 * builder makes them first); an operand that does not is taken as one
 * that may evaluate. */
static uint8_t *never_evaluates(const an_summary *s)
{
    uint8_t *nv = calloc((size_t)s->nnodes + 1, 1);
    if (!nv)
        return NULL;
    for (uint32_t i = 1; i < s->nnodes; i++) {
        const an_node *n = &s->nodes[i];
#define NV(x) ((x) < i && nv[(x)])
        switch (n->kind) {
        case AN_UNKNOWN:
        case AN_LOOPVAR: nv[i] = 1; break;
        case AN_CALLDATA:
        case AN_SLOAD: nv[i] = NV(n->a); break;
        case AN_OP: nv[i] = NV(n->a) || (n->b && NV(n->b)) || (n->c && NV(n->c)); break;
        case AN_KECCAK:
            for (uint32_t j = 0; j < n->b && n->a + j < s->nargs && !nv[i]; j++)
                nv[i] = NV(s->args[n->a + j]);
            break;
        default: break;
        }
#undef NV
    }
    return nv;
}

static bool push_u32(uint32_t **v, size_t *n, size_t *cap, uint32_t x)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 1024;
        uint32_t *q = realloc(*v, nc * sizeof *q);
        if (!q)
            return false;
        *v = q;
        *cap = nc;
    }
    (*v)[(*n)++] = x;
    return true;
}

/* Which guards reach (are or precede) a guard holding a template (bit 0)
 * or an end of path or AT_UNKNOWN template (bit 1), over the reversed
 * forward edges from those guards; bit 2: holds the latter itself. NULL
 * on OOM. */
static uint8_t *guards_reaching(const an_summary *s)
{
    uint32_t ng = s->nguards, ne = s->gchild_start[ng];
    uint8_t *r = calloc(ng, 1);
    uint32_t *ps = calloc((size_t)ng + 1, sizeof *ps), *par = malloc(((size_t)ne + 1) * sizeof *par),
             *stack = malloc(((size_t)ng * 2 + 1) * sizeof *stack);
    if (!r || !ps || !par || !stack) {
        free(r);
        r = NULL;
        goto done;
    }
    /* parents by child (CSR) */
    for (uint32_t i = 0; i < ne; i++)
        ps[s->gchild[i] + 1]++;
    for (uint32_t g = 0; g < ng; g++)
        ps[g + 1] += ps[g];
    for (uint32_t g = 0; g < ng; g++)
        for (uint32_t i = s->gchild_start[g]; i < s->gchild_start[g + 1]; i++)
            par[ps[s->gchild[i]]++] = g;
    for (uint32_t g = ng; g > 0; g--)
        ps[g] = ps[g - 1];
    ps[0] = 0;
    uint32_t sp = 0;
    for (uint32_t g = 0; g < ng; g++)
        if (s->gtpl_start[g] != s->gtpl_start[g + 1])
            r[g] |= 1;
    for (uint32_t i = 0; i < s->nrets; i++)
        if (s->rets[i].guard < ng)
            r[s->rets[i].guard] |= 2 | 4;
    for (uint32_t i = 0; i < s->ntpl; i++)
        if (s->tpl[i].kind == AT_UNKNOWN && s->tpl[i].guard < ng)
            r[s->tpl[i].guard] |= 2 | 4;
    for (uint8_t bit = 1; bit <= 2; bit++) {
        for (uint32_t g = 0; g < ng; g++)
            if (r[g] & bit)
                stack[sp++] = g;
        while (sp) {
            uint32_t g = stack[--sp];
            for (uint32_t i = ps[g]; i < ps[g + 1]; i++)
                if (!(r[par[i]] & bit)) {
                    r[par[i]] |= bit;
                    stack[sp++] = par[i];
                }
        }
    }
done:
    free(ps);
    free(par);
    free(stack);
    return r;
}

/* Builds the reduced guard graph of e (see cache_ent). A guard with no
 * condition, or one that never evaluates, is entered whenever a parent is,
 * so a walk needs to decide only at the other guards; and only where a
 * template (or, for return data, an end of path) lies ahead: the guards
 * entered that hold one are the same as the full walk's. Left NULL (the
 * full walk) when the closures would cost more than a few times the
 * graph. */
static int reduce_guards(cache_ent *e)
{
    const an_summary *s = e->s;
    uint32_t ng = s->nguards;
    if (ng == 0 || !s->gchild_start || !s->gtpl_start)
        return 0;
    uint8_t *nv = never_evaluates(s);
    uint8_t *key = calloc(ng, 1), *rch = guards_reaching(s);
    uint32_t *mark = calloc(ng, sizeof *mark), *stack = malloc((size_t)ng * sizeof *stack);
    uint32_t *kt_start = calloc((size_t)ng + 1, sizeof *kt_start),
             *kf_start = calloc((size_t)ng + 1, sizeof *kf_start),
             *kr_start = calloc((size_t)ng + 1, sizeof *kr_start),
             *kfr_start = calloc((size_t)ng + 1, sizeof *kfr_start);
    uint32_t *kt = NULL, *kf = NULL, *kr = NULL, *kfr = NULL;
    size_t nkt = 0, nkf = 0, nkr = 0, nkfr = 0, ckt = 0, ckf = 0, ckr = 0, ckfr = 0;
    size_t budget = 8 * ((size_t)ng + s->gchild_start[ng]) + 65536, work = 0;
    int rc = 0;
    if (!nv || !key || !rch || !mark || !stack || !kt_start || !kf_start || !kr_start || !kfr_start) {
        rc = seer_err(SEER_ENOMEM, "analyzer cache: guard index");
        goto done;
    }
    key[0] = 1;
    for (uint32_t g = 1; g < ng; g++) {
        uint32_t c = s->guards[g].cond;
        key[g] = c != 0 && !(c < s->nnodes && nv[c]);
    }
    for (uint32_t k = 0; k < ng; k++) {
        kt_start[k] = (uint32_t)nkt;
        kf_start[k] = (uint32_t)nkf;
        kr_start[k] = (uint32_t)nkr;
        kfr_start[k] = (uint32_t)nkfr;
        if (!key[k] || !rch[k])
            continue;
        /* Guards reached from k through always-entered guards. */
        uint32_t sp = 0, stamp = k + 1;
        stack[sp++] = k;
        mark[k] = stamp;
        while (sp) {
            uint32_t g = stack[--sp];
            if ((s->gtpl_start[g] != s->gtpl_start[g + 1] && !push_u32(&kt, &nkt, &ckt, g)) ||
                ((rch[g] & 4) && !push_u32(&kr, &nkr, &ckr, g))) {
                rc = seer_err(SEER_ENOMEM, "analyzer cache: guard index");
                goto done;
            }
            for (uint32_t i = s->gchild_start[g]; i < s->gchild_start[g + 1]; i++) {
                uint32_t c = s->gchild[i];
                if (++work > budget)
                    goto done; /* too costly: the full walk */
                if (mark[c] == stamp || !rch[c])
                    continue;
                mark[c] = stamp;
                if (!key[c]) {
                    stack[sp++] = c;
                } else if (((rch[c] & 1) && !push_u32(&kf, &nkf, &ckf, c)) ||
                           ((rch[c] & 2) && !push_u32(&kfr, &nkfr, &ckfr, c))) {
                    rc = seer_err(SEER_ENOMEM, "analyzer cache: guard index");
                    goto done;
                }
            }
        }
    }
    kt_start[ng] = (uint32_t)nkt;
    kf_start[ng] = (uint32_t)nkf;
    kr_start[ng] = (uint32_t)nkr;
    kfr_start[ng] = (uint32_t)nkfr;
    if ((!kt && !push_u32(&kt, &nkt, &ckt, 0)) || (!kf && !push_u32(&kf, &nkf, &ckf, 0)) ||
        (!kr && !push_u32(&kr, &nkr, &ckr, 0)) || (!kfr && !push_u32(&kfr, &nkfr, &ckfr, 0))) {
        rc = seer_err(SEER_ENOMEM, "analyzer cache: guard index");
        goto done;
    }
    e->bytes += ((size_t)ng + 1) * 4 * sizeof(uint32_t) + (ckt + ckf + ckr + ckfr) * sizeof(uint32_t);
    e->kt_start = kt_start;
    e->kf_start = kf_start;
    e->kr_start = kr_start;
    e->kfr_start = kfr_start;
    e->kt = kt;
    e->kf = kf;
    e->kr = kr;
    e->kfr = kfr;
    kt_start = kf_start = kr_start = kfr_start = kt = kf = kr = kfr = NULL;
done:
    free(kt_start);
    free(kf_start);
    free(kr_start);
    free(kfr_start);
    free(kt);
    free(kf);
    free(kr);
    free(kfr);
    free(nv);
    free(key);
    free(rch);
    free(mark);
    free(stack);
    return rc;
}

/* Whether a summary may write storage: an AT_SSTORE template anywhere,
 * whatever its guard (see "re-entrancy" at an_instantiate). */
static bool summary_writes(const an_summary *s)
{
    for (uint32_t i = 0; i < s->ntpl; i++)
        if (s->tpl[i].kind == AT_SSTORE)
            return true;
    return false;
}

/* The constant slots stored to, at most this many (more: wany). */
#define MAX_WSLOTS 16

/* The guards holding an AT_UNKNOWN template, once each (e->ug); and the
 * stores (e->writes, e->wany, e->wslots). */
static int index_unknown(cache_ent *e)
{
    const an_summary *s = e->s;
    uint32_t n = 0;
    e->writes = summary_writes(s);
    for (uint32_t i = 0; i < s->ntpl && e->writes && !e->wany; i++) {
        const an_template *t = &s->tpl[i];
        if (t->kind != AT_SSTORE)
            continue;
        if (t->a >= s->nnodes || s->nodes[t->a].kind != AN_CONST || e->nwslots == MAX_WSLOTS) {
            e->wany = true;
            break;
        }
        const u256 *k = &s->nodes[t->a].k;
        bool dup = false;
        for (uint32_t j = 0; j < e->nwslots && !dup; j++)
            dup = u256_eq(&e->wslots[j], k);
        if (dup)
            continue;
        if (!e->wslots && !(e->wslots = malloc(MAX_WSLOTS * sizeof *e->wslots)))
            return seer_err(SEER_ENOMEM, "analyzer cache: stored slots");
        e->wslots[e->nwslots++] = *k;
    }
    if (e->wany) {
        free(e->wslots);
        e->wslots = NULL;
        e->nwslots = 0;
    }
    e->bytes += e->wslots ? MAX_WSLOTS * sizeof *e->wslots : 0;
    for (uint32_t i = 0; i < s->ntpl; i++)
        n += s->tpl[i].kind == AT_UNKNOWN;
    if (n == 0)
        return 0;
    e->ug = malloc((size_t)n * sizeof *e->ug);
    uint8_t *seen = calloc((size_t)s->nguards + 1, 1);
    if (!e->ug || !seen) {
        free(seen);
        return seer_err(SEER_ENOMEM, "analyzer cache: unknown guards");
    }
    for (uint32_t i = 0; i < s->ntpl; i++) {
        uint32_t g = s->tpl[i].guard;
        if (s->tpl[i].kind == AT_UNKNOWN && g < s->nguards && !seen[g]) {
            seen[g] = 1;
            e->ug[e->nug++] = g;
        }
    }
    free(seen);
    e->bytes += (size_t)n * sizeof *e->ug;
    return 0;
}

/* Finds (hash, sel) or, for a selector, the code's summary of every entry
 * point when that serves it: a build for a selector came back for every
 * entry point, or the dispatcher does not know the selector. Lock held. */
static cache_ent *cache_find(seer_analyzer *a, const seer_bytes32 *hash, int64_t sel)
{
    cache_key k;
    memset(&k, 0, sizeof k);
    k.hash = *hash;
    k.sel = sel;
    cache_ent *e;
    HASH_FIND(hh, a->cache, &k, sizeof k, e);
    if (e || sel == -1)
        return e;
    k.sel = -1;
    HASH_FIND(hh, a->cache, &k, sizeof k, e);
    if (!e)
        return NULL;
    if (__atomic_load_n(&e->any_sel, __ATOMIC_RELAXED))
        return e;
    if (sel < 0)
        return NULL; /* AN_SEL_EMPTY: a summary of its own */
    for (uint32_t i = 0; i < e->s->nselectors; i++)
        if ((int64_t)e->s->selectors[i] == sel)
            return NULL; /* an entry point of its own: build it */
    return e;
}

/* Looks up or builds the summary for (code hash, selector) and pins it
 * (refs + 1); the caller releases it with cache_release. */
static int cache_acquire(seer_analyzer *a, cache_ent **out, const seer_bytes32 *hash, int64_t sel,
                         const uint8_t *code, size_t len)
{
    pthread_mutex_lock(&a->lock);
    cache_ent *e = cache_find(a, hash, sel);
    if (e) {
        e->refs++;
        lru_front(a, e);
        pthread_mutex_unlock(&a->lock);
        *out = e;
        return 0;
    }
    pthread_mutex_unlock(&a->lock);
    /* Built outside the lock: two threads may build the same code; the
     * second insert loses and frees its copy. */
    an_summary *s = NULL;
    int rc = an_summary_build_sel(&s, code, len, &a->opts, sel);
    if (rc < 0)
        return rc;
    s->code_hash = *hash;
    cache_ent *n = calloc(1, sizeof *n);
    if (!n) {
        an_summary_free(s);
        return seer_err(SEER_ENOMEM, "analyzer cache");
    }
    n->key.hash = *hash;
    /* Keyed by what the builder made: a build for a selector (or for
     * empty calldata) that came back for every entry point serves them all. */
    n->key.sel = s->selector;
    n->any_sel = sel != -1 && s->selector == -1;
    n->s = s;
    n->bytes = summary_bytes(s);
    if ((rc = mark_create_loops(n)) < 0 || (rc = reduce_guards(n)) < 0 || (rc = index_unknown(n)) < 0) {
        ent_free(n);
        return rc;
    }
    pthread_mutex_lock(&a->lock);
    HASH_FIND(hh, a->cache, &n->key, sizeof n->key, e);
    if (e) {
        if (n->any_sel) /* read by pinning threads without the lock */
        {
            __atomic_store_n(&e->any_sel, true, __ATOMIC_RELAXED);
            a->tabver++;
        }
        e->refs++;
        lru_front(a, e);
        pthread_mutex_unlock(&a->lock);
        ent_free(n);
        *out = e;
        return 0;
    }
    bool oom = false;
    SEER_HASH_ADD(hh, a->cache, &n->key, sizeof n->key, n, &oom);
    if (oom) {
        pthread_mutex_unlock(&a->lock);
        ent_free(n);
        return seer_err(SEER_ENOMEM, "analyzer cache");
    }
    n->linked = true;
    n->refs = 1;
    a->tabver++;
    a->count++;
    a->bytes += n->bytes;
    lru_front(a, n);
    /* The newest entry stays even when it alone is over the bounds. */
    while ((a->count > a->max_entries || a->bytes > a->max_bytes) && a->lru_tail && a->lru_tail != n)
        ent_unlink(a, a->lru_tail);
    pthread_mutex_unlock(&a->lock);
    *out = n;
    return 0;
}

static void cache_release(seer_analyzer *a, cache_ent *e)
{
    pthread_mutex_lock(&a->lock);
    SEER_VERIFY(e->refs > 0);
    e->refs--;
    bool dead = e->refs == 0 && !e->linked;
    pthread_mutex_unlock(&a->lock);
    if (dead)
        ent_free(e);
}

int seer_analyzer_summary(seer_analyzer *a, const an_summary **out, const seer_bytes32 *code_hash,
                          const uint8_t *code, size_t len)
{
    cache_ent *e;
    int rc = cache_acquire(a, &e, code_hash, -1, code, len);
    if (rc < 0)
        return rc;
    *out = e->s;
    /* Unpinned: valid until the cache evicts it (a bound reached by later
     * builds) or is cleared. */
    cache_release(a, e);
    return 0;
}

/* ---- per-thread scratch ----
 * Everything an instantiation needs besides the summary, kept across
 * frames and transactions: one level per call depth (the evaluation memo
 * and the guard marks of the frame running at that depth, and the calldata
 * it was given), the key set of the prediction being built, and the cache
 * entries pinned by it. Marks are epoch-stamped, so a new frame or
 * transaction clears nothing. A thread takes a scratch from the analyzer's
 * pool for one prediction and gives it back. */

typedef struct memo_ent {
    u256 v;
    uint8_t ok;
    uint8_t t2;
} memo_ent;

typedef struct level {
    uint32_t epoch;
    /* The evaluation memo, indexed by node: mslot[id] is the epoch (high
     * half) and the index in memo (low half) of id's value. */
    uint64_t *mslot;
    uint32_t ncap; /* nodes mslot covers */
    memo_ent *memo;
    uint32_t mcap, mcount;
    uint32_t *gmark; /* guard visited when == epoch */
    uint32_t *queue;
    uint32_t gcap;
    uint8_t *cd, *known; /* the calldata of the frame at this depth */
    size_t cdcap;
    /* The frame running at this depth (an_instantiate, ret_walk): its
     * storage context, and whether its summary may write storage. The
     * levels below a frame's depth are its ancestors. */
    seer_address ctx;
    bool writes;
    const struct cache_ent *wce; /* its entry (its stores); NULL: any slot */
} level;

/* One key of the prediction being built, its read and its write: one
 * probe serves both (most keys are added as a read and a write). */
typedef struct kslot {
    uint32_t stamp;  /* == kepoch: used */
    uint32_t hash;   /* key_hash of the key */
    uint32_t ri, wi; /* 1 + index into the prediction's keys of the read,
                        the write; 0: not added */
} kslot;

/* Frames per transaction: calls fan out, so without a bound the walk is
 * exponential in the call depth. Identical frames are instantiated once. */
#define MAX_FRAMES 256
/* Creations per transaction followed to their addresses; more become
 * "unknown". */
#define MAX_CREATES 16
/* Callee instantiations per transaction spent on return data (retval.c). */
#define RET_BUDGET 256

typedef struct pending_create {
    seer_address creator;
    uint8_t op;
    bool value_known;
    bool init_known;
    u256 value;
    u256 salt;
    uint8_t *init; /* owned */
    size_t init_len;
    unsigned depth;
    /* The creator's ancestors and itself (levels 0 .. depth - 1) as they
     * were at the CREATE: the init code runs at the end (finish_creates),
     * when the levels hold other frames. Owned. */
    struct anc_ent *anc;
} pending_create;

typedef struct anc_ent {
    seer_address ctx;
    bool writes;
    const cache_ent *wce; /* pinned for the prediction */
} anc_ent;

/* One addition to the prediction, as a replay makes it again. */
enum { EV_KEY = 1, EV_ALL, EV_UNKNOWN };
typedef struct fev {
    uint8_t kind, field, write, tier, has_slot;
    seer_address addr;
    u256 slot;
    const char *why; /* EV_UNKNOWN: a static string */
} fev;

/* One read of the state, as a replay checks it again. */
enum { RD_ACCOUNT = 1, RD_STORAGE };
typedef struct frd {
    uint8_t kind;
    seer_address addr;
    u256 key;       /* RD_STORAGE: the slot */
    u256 value;     /* RD_STORAGE: the value; RD_ACCOUNT: the balance */
    uint64_t nonce; /* RD_ACCOUNT */
    seer_bytes32 code_hash;
    bool exists;
} frd;

/* A frame being recorded (an_instantiate): where its part of the logs
 * starts, and what makes it unfit for reuse. */
typedef struct frec {
    struct frec *up;
    uint32_t ev0, rd0, seen0;
    uint32_t tr0, tw0; /* the storage logs (see "earlier writes") */
    uint32_t budget0, origin0, untracked0, creates0;
    uint32_t gen0;
    unsigned depth;
    bool tainted;      /* depends on frames of the transaction before it */
    bool caller_dep;   /* its caller took part */
    uint64_t cmask[4]; /* storage contexts of the frames walked in it (ctx_bit) */
} frec;

#define LOOK_SIZE 1024

typedef struct scratch {
    struct scratch *next; /* the pool's list: first member */
    level *lv;
    unsigned nlv;
    kslot *kset;
    uint32_t kcap, kepoch;
    cache_ent **pins;
    uint32_t npins, pins_cap;
    uint64_t seen[MAX_FRAMES]; /* signatures of the frames instantiated */
    uint8_t seen_creates[MAX_FRAMES];
    uint32_t nseen;
    pending_create creates[MAX_CREATES];
    uint32_t ncreates;
    /* The frame memo's logs while a frame is recorded (rec not NULL):
     * what the walk adds to the prediction and the state it reads. */
    struct fev *ev;
    uint32_t nev, evcap;
    struct frd *rd;
    uint32_t nrd, rdcap;
    struct frec *rec;      /* innermost frame being recorded */
    uint32_t origin_reads; /* evaluations that may have read ORIGIN */
    uint32_t untracked;    /* what a replay could not reproduce (log full, ...) */
    uint32_t create_calls; /* CREATE/CREATE2 templates instantiated */
    /* fmemo_record's compaction: the distinct additions and reads */
    struct fev *evc;
    struct frd *rdc;
    uint32_t evccap, rdccap;
    uint32_t *dh;      /* open addressing: index + 1 into evc or rdc */
    uint32_t dhalloc;  /* entries allocated (dhcap: the mask in use + 1) */
    struct kc_ent *kc; /* keccak_cached: KC_SIZE entries, NULL until used */
    /* frame_summary's recent answers of cache_find, direct-mapped: valid
     * while the analyzer's tabver is the one recorded (no entry added,
     * unlinked or widened since, so the entry is alive and the answer the
     * same). */
    struct {
        seer_bytes32 hash;
        int64_t sel;
        cache_ent *e;
        uint64_t ver;
    } look[LOOK_SIZE];
    uint32_t dhcap;
    /* The storage the transaction's frames read and write, by unit, and
     * the slots whose reads do not evaluate (see "earlier writes"). */
    struct tacc *tr, *tw, *taint;
    uint32_t ntr, trcap, ntw, twcap, ntaint, taintcap;
    uint32_t *tab; /* tacc_conflicts: open addressing, index + 1 into tw */
    uint32_t tabcap;
    uint32_t unit, nunits; /* the unit walking or replaying; units so far */
    uint32_t *uparent;     /* per unit: the unit that called it (0: the transaction) */
    uint64_t *usig;        /* per unit: its frame's signature */
    uint32_t ucap;
    uint32_t seen_unit[MAX_FRAMES];
    uint32_t *rep; /* units a frame repeated (skipped as seen) */
    uint32_t nrep, repcap;
    struct seer_pred_key *sortbuf; /* pred_finish's merges */
    size_t sortcap;
    bool tfail;      /* a log could not grow: every read counts as a conflict */
    bool after_read; /* the storage read being made comes after a call */
    /* The code whose templates are being instantiated (NULL: none, the
     * transaction itself): where a prediction's first "unknown" arose. */
    seer_address where;
    bool where_set;
} scratch;

/* The hashes of short inputs (mapping keys: a key word and a slot word)
 * a thread has computed, direct-mapped: the same balances and allowances
 * come back in transaction after transaction. */
#define KC_SIZE 4096
#define KC_MAX  64

typedef struct kc_ent {
    uint8_t in[KC_MAX];
    uint8_t out[32];
    uint32_t len; /* 0: empty (an empty input is not cached) */
} kc_ent;

static void keccak_cached(scratch *sc, uint8_t out[32], const uint8_t *in, size_t len)
{
    if (len == 0 || len > KC_MAX || (!sc->kc && !(sc->kc = calloc(KC_SIZE, sizeof *sc->kc)))) {
        seer_keccak256(out, in, len);
        return;
    }
    uint64_t h = len;
    for (size_t i = 0; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, in + i, 8);
        h = (h ^ x) * 0xff51afd7ed558ccdULL;
    }
    for (size_t i = len & ~(size_t)7; i < len; i++)
        h = (h ^ in[i]) * 0xff51afd7ed558ccdULL;
    h ^= h >> 31;
    kc_ent *k = &sc->kc[(h ^ (h >> 17)) & (KC_SIZE - 1)];
    if (k->len == len && !memcmp(k->in, in, len)) {
        memcpy(out, k->out, 32);
        return;
    }
    seer_keccak256(out, in, len);
    memcpy(k->in, in, len);
    memcpy(k->out, out, 32);
    k->len = (uint32_t)len;
}

static void scratch_free(scratch *sc)
{
    if (!sc)
        return;
    for (unsigned i = 0; i < sc->nlv; i++) {
        free(sc->lv[i].memo);
        free(sc->lv[i].mslot);
        free(sc->lv[i].gmark);
        free(sc->lv[i].queue);
        free(sc->lv[i].cd);
        free(sc->lv[i].known);
    }
    free(sc->lv);
    free(sc->kset);
    free(sc->pins);
    free(sc->ev);
    free(sc->rd);
    free(sc->evc);
    free(sc->rdc);
    free(sc->dh);
    free(sc->kc);
    free(sc->tr);
    free(sc->tw);
    free(sc->taint);
    free(sc->tab);
    free(sc->rep);
    free(sc->uparent);
    free(sc->usig);
    free(sc->sortbuf);
    free(sc);
}

static void pool_free(scratch *sc)
{
    while (sc) {
        scratch *n = sc->next;
        scratch_free(sc);
        sc = n;
    }
}

/* A scratch with nlv levels (call depths 0 .. nlv - 1). */
static scratch *scratch_new(unsigned nlv)
{
    scratch *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    sc->nlv = nlv;
    sc->lv = calloc(sc->nlv, sizeof *sc->lv);
    if (!sc->lv) {
        free(sc);
        return NULL;
    }
    return sc;
}

static scratch *scratch_get(seer_analyzer *a)
{
    pthread_mutex_lock(&a->lock);
    scratch *sc = a->pool;
    if (sc)
        a->pool = sc->next;
    pthread_mutex_unlock(&a->lock);
    if (!sc && !(sc = scratch_new(a->opts.max_call_depth + 2)))
        return NULL;
    sc->next = NULL;
    return sc;
}

/* A transaction's state but its pins and taint: before another pass. */
static void scratch_reset_pass(scratch *sc)
{
    for (uint32_t i = 0; i < sc->ncreates; i++) {
        free(sc->creates[i].init);
        free(sc->creates[i].anc);
    }
    sc->ncreates = 0;
    sc->nseen = 0;
    sc->nev = sc->nrd = 0;
    sc->rec = NULL;
    sc->ntr = sc->ntw = 0;
    sc->unit = sc->nunits = 0;
    sc->nrep = 0;
    sc->tfail = false;
    sc->where_set = false;
}

static void scratch_put(seer_analyzer *a, scratch *sc)
{
    for (uint32_t i = 0; i < sc->npins; i++)
        cache_release(a, sc->pins[i]);
    sc->npins = 0;
    scratch_reset_pass(sc);
    sc->ntaint = 0;
    pthread_mutex_lock(&a->lock);
    sc->next = a->pool;
    a->pool = sc;
    pthread_mutex_unlock(&a->lock);
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

static uint64_t fmix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

/* One multiply per word, the high half folded in (the table takes the low
 * bits). */
static inline uint32_t key_hash(const seer_key *k)
{
    const uint64_t m = 0xff51afd7ed558ccdULL;
    uint64_t w[7];
    memcpy(w, k, sizeof w);
    uint64_t h = w[0] * m;
    h = (h ^ w[1]) * m;
    h = (h ^ w[2]) * m;
    h = (h ^ w[3]) * m;
    h = (h ^ w[4]) * m;
    h = (h ^ w[5]) * m;
    h = (h ^ w[6]) * m;
    h ^= h >> 29;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return (uint32_t)(h ^ (h >> 32));
}

static inline bool key_eq(const seer_key *a, const seer_key *b)
{
    uint64_t x[7], y[7];
    memcpy(x, a, sizeof x);
    memcpy(y, b, sizeof y);
    return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4]) | (x[5] ^ y[5]) |
            (x[6] ^ y[6])) == 0;
}
_Static_assert(sizeof(seer_key) == 56, "key_hash reads 7 words");

/* Starts a prediction's key set (a new epoch). */
static int kset_begin(scratch *sc)
{
    if (!sc->kset) {
        sc->kcap = 256;
        sc->kset = calloc(sc->kcap, sizeof *sc->kset);
        if (!sc->kset)
            return seer_err(SEER_ENOMEM, "prediction key set");
    }
    if (++sc->kepoch == 0) {
        memset(sc->kset, 0, sc->kcap * sizeof *sc->kset);
        sc->kepoch = 1;
    }
    return 0;
}

/* The slot of key k: in use when its stamp is the epoch, else a free one
 * (stamped, nothing added) where it goes. */
static inline __attribute__((always_inline)) kslot *kset_slot(scratch *sc, const seer_prediction *p,
                                                              const seer_key *k)
{
    uint32_t h = key_hash(k), i = h & (sc->kcap - 1);
    while (sc->kset[i].stamp == sc->kepoch) {
        const kslot *ks = &sc->kset[i];
        if (ks->hash == h && key_eq(&p->keys[(ks->ri ? ks->ri : ks->wi) - 1].key, k))
            return &sc->kset[i];
        i = (i + 1) & (sc->kcap - 1);
    }
    kslot *ks = &sc->kset[i];
    ks->stamp = sc->kepoch;
    ks->hash = h;
    ks->ri = ks->wi = 0;
    return ks;
}

static int kset_grow(scratch *sc, const seer_prediction *p)
{
    uint32_t nc = sc->kcap * 2;
    kslot *n = calloc(nc, sizeof *n);
    if (!n)
        return seer_err(SEER_ENOMEM, "prediction key set");
    free(sc->kset);
    sc->kset = n;
    sc->kcap = nc;
    for (size_t j = 0; j < p->nkeys; j++) {
        kslot *ks = kset_slot(sc, p, &p->keys[j].key);
        if (p->keys[j].write)
            ks->wi = (uint32_t)j + 1;
        else
            ks->ri = (uint32_t)j + 1;
    }
    return 0;
}

/* ---- earlier writes ----
 * A storage read evaluates to the pre-state value, which is what the
 * frame reads only when no other frame of the transaction wrote the slot
 * before it: an earlier sibling (B.set then B.get), a caller (see also
 * "re-entrancy"), or the same frame repeated (skipped as seen). The walk
 * is breadth first over guards, not in execution order, so the rule is
 * order-free: every evaluated read and every predicted write of storage
 * is logged with its unit (a walked frame, or a replayed record as a
 * whole), and a read of a slot that another unit may write (or its own
 * unit, when that frame repeats) is a conflict. A prediction with a
 * conflict is made again with those slots tainted: their reads do not
 * evaluate, as a stale frame's, and a record that read one is not
 * replayed. The new paths may write more, so this repeats until no
 * conflict is left (at most TAINT_PASSES passes, then "unknown"). A frame
 * with a conflict inside it is not recorded, so a replay (one unit) hides
 * none.
 * Reads after a call: summary.c gives a storage read after a call that may
 * change state (not a STATICCALL, not a precompile) of a slot its path did
 * not store to as AN_SLOAD with op 1. It evaluates to the pre-state value
 * like any other read, but it may come after the writes of units inside
 * the reader's own calls too, so those meet it as well. */
#define TAINT_PASSES 4

typedef struct tacc {
    seer_address addr;
    uint8_t any;   /* every slot of addr (an all-slots wildcard) */
    uint8_t after; /* a read after a call (see "reads after a call") */
    uint32_t unit;
    u256 slot;
} tacc;

static void tacc_log(scratch *sc, bool write, const seer_address *addr, const u256 *slot)
{
    tacc **v = write ? &sc->tw : &sc->tr;
    uint32_t *n = write ? &sc->ntw : &sc->ntr, *cap = write ? &sc->twcap : &sc->trcap;
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 64;
        tacc *q = realloc(*v, (size_t)nc * sizeof *q);
        if (!q) {
            sc->tfail = true;
            return;
        }
        *v = q;
        *cap = nc;
    }
    tacc *t = &(*v)[(*n)++];
    t->addr = *addr;
    t->any = slot == NULL;
    t->after = !write && sc->after_read;
    t->unit = sc->unit;
    t->slot = slot ? *slot : U256_ZERO;
}

static uint64_t tacc_hash(const seer_address *a, const u256 *slot, bool any)
{
    uint64_t x, y;
    memcpy(&x, a->bytes, 8);
    memcpy(&y, a->bytes + 12, 8);
    uint64_t h = fmix(x, y ^ any);
    if (!any)
        for (int i = 0; i < 4; i++)
            h = fmix(h, slot->w[i]);
    return h;
}

static bool tacc_is(const tacc *t, const seer_address *a, const u256 *slot, bool any)
{
    return t->any == any && !memcmp(&t->addr, a, sizeof *a) && (any || u256_eq(&t->slot, slot));
}

/* Whether a read of (a, slot) does not evaluate: tainted by a conflict;
 * with any, whether every slot of a is. */
static bool taint_has(const scratch *sc, const seer_address *a, const u256 *slot, bool any)
{
    for (uint32_t i = 0; i < sc->ntaint; i++)
        if (!memcmp(&sc->taint[i].addr, a, sizeof *a) &&
            (sc->taint[i].any || (!any && u256_eq(&sc->taint[i].slot, slot))))
            return true;
    return false;
}

static bool tainted(const scratch *sc, const seer_address *a, const u256 *slot)
{
    return taint_has(sc, a, slot, false);
}

static bool unit_repeated(const scratch *sc, uint32_t u)
{
    for (uint32_t i = 0; i < sc->nrep; i++)
        if (sc->rep[i] == u)
            return true;
    return false;
}

static void unit_repeat(scratch *sc, uint32_t u)
{
    if (unit_repeated(sc, u))
        return;
    if (sc->nrep == sc->repcap) {
        uint32_t nc = sc->repcap ? sc->repcap * 2 : 8;
        uint32_t *q = realloc(sc->rep, (size_t)nc * sizeof *q);
        if (!q) {
            sc->tfail = true;
            return;
        }
        sc->rep = q;
        sc->repcap = nc;
    }
    sc->rep[sc->nrep++] = u;
}

/* The unit of a frame with signature sig called by the current unit: the
 * same as a walk of its return data (or the frame itself) had, else a new
 * one. */
static uint32_t unit_enter(scratch *sc, uint64_t sig)
{
    for (uint32_t u = 1; u <= sc->nunits; u++)
        if (sc->usig[u] == sig && sc->uparent[u] == sc->unit)
            return u;
    if (sc->nunits + 1 >= sc->ucap) {
        uint32_t nc = sc->ucap ? sc->ucap * 2 : 64;
        uint32_t *q = realloc(sc->uparent, (size_t)nc * sizeof *q);
        if (q)
            sc->uparent = q;
        uint64_t *g = q ? realloc(sc->usig, (size_t)nc * sizeof *g) : NULL;
        if (!g) {
            sc->tfail = true;
            return sc->unit;
        }
        sc->usig = g;
        sc->ucap = nc;
    }
    uint32_t u = ++sc->nunits;
    sc->usig[u] = sig;
    sc->uparent[u] = sc->unit;
    return u;
}

/* Whether unit d runs inside a call that unit a made. */
static bool unit_below(const scratch *sc, uint32_t a, uint32_t d)
{
    while (d != 0) {
        d = sc->uparent[d];
        if (d == a)
            return true;
    }
    return false;
}

/* Whether write w meets read r of (r's address, with any every slot of
 * it, else r's slot): see tacc_conflicts. */
static inline bool tacc_meets(const scratch *sc, const tacc *w, const tacc *r, bool any)
{
    return tacc_is(w, &r->addr, &r->slot, any) &&
           (w->unit == r->unit ? unit_repeated(sc, r->unit) : r->after || !unit_below(sc, r->unit, w->unit));
}

/* Adds r's slot (every slot of its address with any) to the taint. */
static int taint_add(scratch *sc, const tacc *r, bool any)
{
    if (sc->ntaint == sc->taintcap) {
        uint32_t nc = sc->taintcap ? sc->taintcap * 2 : 16;
        tacc *q = realloc(sc->taint, (size_t)nc * sizeof *q);
        if (!q)
            return seer_err(SEER_ENOMEM, "prediction: storage log");
        sc->taint = q;
        sc->taintcap = nc;
    }
    tacc *x = &sc->taint[sc->ntaint++];
    *x = *r;
    x->any = (uint8_t)any;
    return 0;
}

/* Pairs of reads and writes below which tacc_conflicts compares each
 * pair instead of hashing the writes (most recorded frames log a few). */
#define TACC_SCAN 64

/* Whether read r meets a write logged from w0 on: by comparing each
 * write (cap 0) or through the writes' hash table of cap slots. */
static bool tacc_hit(const scratch *sc, const tacc *r, int any, uint32_t w0, uint32_t cap)
{
    if (!cap) {
        for (uint32_t j = w0; j < sc->ntw; j++)
            if (tacc_meets(sc, &sc->tw[j], r, any))
                return true;
        return false;
    }
    for (uint32_t j = (uint32_t)tacc_hash(&r->addr, &r->slot, any) & (cap - 1); sc->tab[j];
         j = (j + 1) & (cap - 1))
        if (tacc_meets(sc, &sc->tw[sc->tab[j] - 1], r, any))
            return true;
    return false;
}

/* Whether a read logged from r0 on meets a write logged from w0 on by a
 * unit that may run before the read: another unit, but for one inside a
 * call the reader made (a frame's reads that evaluate come before its
 * calls: after one they are unknown), or the reader's own when that frame
 * repeats. With taint, the read's slot (every slot of its address, for an
 * all-slots write) joins the taint, in the same order either way (each
 * read, its slot before its address). 1: a conflict, 0: none, or
 * SEER_ENOMEM. */
static int tacc_conflicts(scratch *sc, uint32_t r0, uint32_t w0, bool taint)
{
    if (sc->tfail)
        return 1;
    uint32_t nw = sc->ntw - w0;
    if (nw == 0 || sc->ntr == r0)
        return 0;
    uint32_t cap = 0;
    if ((uint64_t)nw * (sc->ntr - r0) > TACC_SCAN) {
        cap = 16;
        while (cap < 2 * nw)
            cap *= 2;
        if (cap > sc->tabcap) {
            uint32_t *q = realloc(sc->tab, (size_t)cap * sizeof *q);
            if (!q)
                return seer_err(SEER_ENOMEM, "prediction: storage log");
            sc->tab = q;
            sc->tabcap = cap;
        }
        memset(sc->tab, 0, (size_t)cap * sizeof *sc->tab);
        for (uint32_t i = w0; i < sc->ntw; i++) {
            const tacc *w = &sc->tw[i];
            uint32_t j = (uint32_t)tacc_hash(&w->addr, &w->slot, w->any) & (cap - 1);
            while (sc->tab[j])
                j = (j + 1) & (cap - 1);
            sc->tab[j] = i + 1;
        }
    }
    int found = 0;
    for (uint32_t i = r0; i < sc->ntr; i++) {
        const tacc *r = &sc->tr[i];
        for (int any = 0; any < 2; any++) {
            if (!tacc_hit(sc, r, any, w0, cap))
                continue;
            found = 1;
            if (!taint)
                return 1;
            if (taint_has(sc, &r->addr, &r->slot, any))
                break;
            int rc = taint_add(sc, r, any);
            if (rc < 0)
                return rc;
            break;
        }
    }
    return found;
}

/* Adds key to the prediction, once each as a read (rd) and a write (wr)
 * as asked: a key added again keeps the lower tier. */
static inline __attribute__((always_inline)) int
kset_put(scratch *sc, seer_prediction *p, const seer_key *key, bool rd, bool wr, seer_pred_tier tier)
{
    kslot *ks = kset_slot(sc, p, key);
    for (int w = 0; w < 2; w++) {
        if (!(w ? wr : rd))
            continue;
        uint32_t *ix = w ? &ks->wi : &ks->ri;
        if (*ix) {
            seer_pred_key *q = &p->keys[*ix - 1];
            if (tier < q->tier)
                q->tier = (uint8_t)tier;
            continue;
        }
        if (p->nkeys == p->keys_cap) {
            size_t nc = p->keys_cap ? p->keys_cap * 2 : 32;
            seer_pred_key *k = realloc(p->keys, nc * sizeof *k);
            if (!k)
                return seer_err(SEER_ENOMEM, "prediction keys");
            p->keys = k;
            p->keys_cap = nc;
        }
        seer_pred_key *k = &p->keys[p->nkeys];
        memset(k, 0, sizeof *k);
        k->key = *key;
        k->write = (uint8_t)w;
        k->tier = (uint8_t)tier;
        *ix = (uint32_t)++p->nkeys;
    }
    if ((p->nkeys + 1) * 2 > sc->kcap)
        return kset_grow(sc, p);
    return 0;
}

/* Adds a key once: a duplicate keeps the lower tier. */
static void ev_log(scratch *sc, uint8_t kind, const seer_address *addr, seer_key_field f, const u256 *slot,
                   bool write, seer_pred_tier tier, const char *why);

static inline void key_make(seer_key *key, const seer_address *addr, seer_key_field f, const u256 *slot)
{
    memset(key, 0, sizeof *key);
    memcpy(key->addr, addr->bytes, 20);
    key->field = (uint8_t)f;
    if (slot)
        u256_to_be32(key->slot, slot);
}

static int pred_add(scratch *sc, seer_prediction *p, const seer_address *addr, seer_key_field f,
                    const u256 *slot, bool write, seer_pred_tier tier)
{
    if (sc->rec)
        ev_log(sc, EV_KEY, addr, f, slot, write, tier, NULL);
    if (write && f == SEER_KEY_STORAGE)
        tacc_log(sc, true, addr, slot);
    seer_key key;
    key_make(&key, addr, f, slot);
    return kset_put(sc, p, &key, !write, write, tier);
}

/* A read of the key and, when `write`, a write: one probe. */
static int pred_rw(scratch *sc, seer_prediction *p, const seer_address *addr, seer_key_field f,
                   const u256 *slot, bool write, seer_pred_tier tier)
{
    if (sc->rec) {
        ev_log(sc, EV_KEY, addr, f, slot, false, tier, NULL);
        if (write)
            ev_log(sc, EV_KEY, addr, f, slot, true, tier, NULL);
    }
    if (write && f == SEER_KEY_STORAGE)
        tacc_log(sc, true, addr, slot);
    seer_key key;
    key_make(&key, addr, f, slot);
    return kset_put(sc, p, &key, true, write, tier);
}

/* "Every slot of addr"; write: as a write (see "earlier writes"). */
static int pred_all_slots(scratch *sc, seer_prediction *p, const seer_address *addr, bool write)
{
    if (sc->rec)
        ev_log(sc, EV_ALL, addr, SEER_KEY_STORAGE, NULL, write, SEER_PRED_TX, NULL);
    if (write)
        tacc_log(sc, true, addr, NULL);
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

static void pred_unknown(scratch *sc, seer_prediction *p, const char *why)
{
    if (sc->rec)
        ev_log(sc, EV_UNKNOWN, sc->where_set ? &sc->where : NULL, SEER_KEY_BALANCE, NULL, false, SEER_PRED_TX,
               why);
    if (!p->unknown) {
        p->unknown_why = why;
        p->unknown_in_known = sc->where_set;
        p->unknown_in = sc->where;
    }
    p->unknown = true;
}

/* memcmp of the keys, then the write flag, by big-endian words (only the
 * first word that differs is converted). */
static inline int pkey_order(const seer_pred_key *a, const seer_pred_key *b)
{
    const uint8_t *x = (const uint8_t *)&a->key, *y = (const uint8_t *)&b->key;
    for (int i = 0; i < 7; i++) {
        uint64_t u, v;
        memcpy(&u, x + 8 * i, 8);
        memcpy(&v, y + 8 * i, 8);
        if (u != v) {
            u = u256_load_be64(x + 8 * i);
            v = u256_load_be64(y + 8 * i);
            return u < v ? -1 : 1;
        }
    }
    return (int)a->write - (int)b->write;
}

static int cmp_pkey(const void *x, const void *y)
{
    return pkey_order(x, y);
}

static void pred_insertion_sort(seer_pred_key *k, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (pkey_order(&k[i - 1], &k[i]) <= 0)
            continue;
        seer_pred_key t = k[i];
        size_t j = i;
        for (; j > 0 && pkey_order(&k[j - 1], &t) > 0; j--)
            k[j] = k[j - 1];
        k[j] = t;
    }
}

#define SORT_RUN 16

/* Keys are distinct already (the key set): one sort, a total order, so
 * any sort gives the same array. Most predictions are short (insertion);
 * longer ones: runs of SORT_RUN by insertion, then merges through the
 * scratch's buffer (no allocation once warm, no comparison callback). */
static void pred_finish(scratch *sc, seer_prediction *p)
{
    seer_pred_key *k = p->keys;
    size_t n = p->nkeys;
    if (n <= 24) {
        pred_insertion_sort(k, n);
        return;
    }
    if (n > sc->sortcap) {
        seer_pred_key *q = realloc(sc->sortbuf, n * sizeof *q);
        if (!q) {
            seer_qsort(k, n, sizeof *k, cmp_pkey);
            return;
        }
        sc->sortbuf = q;
        sc->sortcap = n;
    }
    for (size_t i = 0; i < n; i += SORT_RUN)
        pred_insertion_sort(k + i, n - i < SORT_RUN ? n - i : SORT_RUN);
    seer_pred_key *src = k, *dst = sc->sortbuf;
    for (size_t w = SORT_RUN; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                dst[o++] = pkey_order(&src[j], &src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[o++] = src[i++];
            while (j < hi)
                dst[o++] = src[j++];
        }
        seer_pred_key *t = src;
        src = dst;
        dst = t;
    }
    if (src != k)
        memcpy(k, src, n * sizeof *k);
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

/* A frame's inputs (the header's an_rframe); the tier of the frame's
 * existence (its target's) goes beside it (frame, an_instantiate). */
typedef an_rframe frame_in;

typedef struct pctx {
    seer_analyzer *a;
    seer_prediction *p;
    scratch *sc;
    const seer_tx *tx;
    const seer_block_env *env;
    const seer_state_reader *r; /* &wr */
    int err;
    unsigned max_depth;            /* opts.max_call_depth */
    uint32_t ret_budget;           /* callee instantiations left for return data */
    uint32_t ret_walks;            /* return-data walks so far (eval_args) */
    const seer_state_reader *base; /* the caller's reader */
    seer_state_reader wr;          /* base, logging reads for the frame memo */
    bool stop;                     /* stop once the prediction is "unknown" */
    bool txcd_have;                /* txcd holds cd_digest of the transaction's data */
    uint64_t txcd;
    an_rctx *ext;       /* an_retdata_eval: summaries from its callback */
    cache_ent **shells; /* an_retdata_eval: entries wrapping them */
    uint32_t nshells, shells_cap;
} pctx;

typedef struct evalctx {
    pctx *pc;
    const cache_ent *ce;
    const an_summary *s;
    const frame_in *f;
    level *lv;
    frec *rec;           /* this frame's recording, NULL when not recorded */
    frec *dep;           /* the recording that depends on this frame's caller, if any */
    seer_pred_tier tier; /* of the frame's existence */
    bool stale;          /* re-entrant: storage reads do not evaluate (frame_enter) */
} evalctx;

/* ---- re-entrancy ----
 * A frame whose storage context is that of an ancestor frame whose summary
 * may write storage (a call back into a contract that wrote before
 * calling out; a DELEGATECALL/CALLCODE frame below such a one) is stale:
 * it may read what the ancestor wrote, not the pre-state value. Its
 * storage reads of a slot such an ancestor may store to do not evaluate
 * (a guard over one may hold, a key over one becomes the context's
 * all-slots wildcard, an address over one is unknown): any slot when one
 * of the ancestor's stores is at a slot that is not a constant, else its
 * constant slots (a proxy's admin slots, a lock). What an earlier sibling
 * frame wrote: see "earlier writes". For the frame memo, every frame being
 * recorded collects the contexts of the frames walked in it (cmask); one
 * whose walk saw a context that an ancestor above it may write is not
 * recorded, and a record is replayed only where no ancestor that may
 * write has a context of the record's cmask: then the staleness of every
 * frame in it comes from the record's own frames alone. A stale frame is
 * neither recorded nor replayed, and its signature (one walk per
 * transaction) names its writers. */

/* The bit of a storage context in a cmask. */
static void ctx_bit(uint64_t m[4], const seer_address *a)
{
    uint64_t x, y;
    memcpy(&x, a->bytes, 8);
    memcpy(&y, a->bytes + 12, 8);
    uint64_t h = (x ^ (y * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
    m[(h >> 6) & 3] |= (uint64_t)1 << (h & 63);
}

/* The shallowest ancestor level (below `depth`) that may write storage
 * context `ctx`, or `depth` when none: the frame is stale when it is
 * below depth. *wsig: the writers (for the frame's signature: which slots
 * do not evaluate depends on them). */
static unsigned writer_above(const scratch *sc, const seer_address *ctx, unsigned depth, uint64_t *wsig)
{
    unsigned w = depth;
    uint64_t h = 0;
    for (unsigned i = 0; i < depth; i++)
        if (sc->lv[i].writes && !memcmp(&sc->lv[i].ctx, ctx, sizeof *ctx)) {
            if (w == depth)
                w = i;
            h = fmix(h, (uint64_t)(uintptr_t)sc->lv[i].wce);
        }
    *wsig = h;
    return w;
}

/* Whether an ancestor (below `depth`) whose context is `ctx` may have
 * stored to `slot`: a stale frame's read of it does not evaluate. */
static bool written_above(const scratch *sc, const seer_address *ctx, unsigned depth, const u256 *slot)
{
    for (unsigned i = 0; i < depth; i++) {
        const level *l = &sc->lv[i];
        if (!l->writes || memcmp(&l->ctx, ctx, sizeof *ctx))
            continue;
        if (!l->wce || l->wce->wany)
            return true;
        for (uint32_t j = 0; j < l->wce->nwslots; j++)
            if (u256_eq(&l->wce->wslots[j], slot))
                return true;
    }
    return false;
}

/* A frame at depth `depth` with context `ctx`, running entry ce, starts
 * walking: its level says so for its descendants, and the frames being
 * recorded around it learn its context (tainted when an ancestor above
 * them may write it). `w`: the writer_above of the frame. */
static void frame_enter(scratch *sc, unsigned depth, const seer_address *ctx, const cache_ent *ce, unsigned w)
{
    sc->lv[depth].ctx = *ctx;
    sc->lv[depth].writes = ce->writes;
    sc->lv[depth].wce = ce;
    for (frec *r = sc->rec; r; r = r->up) {
        ctx_bit(r->cmask, ctx);
        if (w < r->depth)
            r->tainted = true;
    }
}

/* id's memo entry at this level, NULL when not evaluated in this frame. */
static inline memo_ent *memo_get(const level *lv, uint32_t id)
{
    uint64_t ms = lv->mslot[id];
    return (uint32_t)(ms >> 32) == lv->epoch ? &lv->memo[(uint32_t)ms] : NULL;
}

/* A new memo entry for id (valid until the next one is made), or NULL. */
static memo_ent *memo_new(level *lv, uint32_t id)
{
    if (lv->mcount == lv->mcap) {
        uint32_t nc = lv->mcap * 2;
        memo_ent *q = realloc(lv->memo, (size_t)nc * sizeof *q);
        if (!q)
            return NULL;
        lv->memo = q;
        lv->mcap = nc;
    }
    lv->mslot[id] = ((uint64_t)lv->epoch << 32) | lv->mcount;
    return &lv->memo[lv->mcount++];
}

/* Starts a frame at this level: a new epoch, marks for nguards guards, a
 * memo for nnodes nodes. */
static int level_begin(level *lv, uint32_t nguards, uint32_t nnodes)
{
    if (!lv->memo) {
        lv->mcap = 256;
        lv->memo = malloc(lv->mcap * sizeof *lv->memo);
        if (!lv->memo)
            return seer_err(SEER_ENOMEM, "prediction scratch");
    }
    if (nnodes > lv->ncap) {
        uint32_t nc = nnodes < 1024 ? 1024 : nnodes;
        uint64_t *m = realloc(lv->mslot, (size_t)nc * sizeof *m);
        if (!m)
            return seer_err(SEER_ENOMEM, "prediction scratch");
        lv->mslot = m;
        memset(m + lv->ncap, 0, (size_t)(nc - lv->ncap) * sizeof *m);
        lv->ncap = nc;
    }
    if (nguards > lv->gcap) {
        uint32_t nc = nguards < 1024 ? 1024 : nguards;
        uint32_t *m = realloc(lv->gmark, (size_t)nc * sizeof *m);
        if (!m)
            return seer_err(SEER_ENOMEM, "prediction scratch");
        lv->gmark = m;
        memset(m + lv->gcap, 0, (size_t)(nc - lv->gcap) * sizeof *m);
        uint32_t *q = realloc(lv->queue, (size_t)nc * sizeof *q);
        if (!q)
            return seer_err(SEER_ENOMEM, "prediction scratch");
        lv->queue = q;
        lv->gcap = nc;
    }
    if (++lv->epoch == 0) {
        memset(lv->mslot, 0, lv->ncap * sizeof *lv->mslot);
        memset(lv->gmark, 0, lv->gcap * sizeof *lv->gmark);
        lv->epoch = 1;
    }
    lv->mcount = 0;
    return 0;
}

static int level_cd(level *lv, size_t n)
{
    if (n + 1 > lv->cdcap) {
        size_t nc = n + 1 < 256 ? 256 : n + 1;
        uint8_t *c = realloc(lv->cd, nc), *k = c ? realloc(lv->known, nc) : NULL;
        if (c)
            lv->cd = c;
        if (!k)
            return seer_err(SEER_ENOMEM, "callee calldata");
        lv->known = k;
        lv->cdcap = nc;
    }
    memset(lv->cd, 0, n + 1);
    memset(lv->known, 0, n + 1);
    return 0;
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

static bool retdata_eval(evalctx *e, uint32_t call, uint32_t off, u256 *out);

static bool eval_node(evalctx *e, uint32_t id, u256 *out, bool *t2);

/* Evaluates node id. Returns false when it does not evaluate; *t2 is set
 * when a stored value took part. Depth is bounded by the builder. Each
 * node is evaluated once per frame (the level's memo). Inline: constants
 * and memo hits (most operands) cost no call. */
static inline bool eval(evalctx *e, uint32_t id, u256 *out, bool *t2)
{
    const an_node *n = &e->s->nodes[id];
    if (n->kind == AN_CONST) {
        *out = n->k;
        return true;
    }
    const memo_ent *m = memo_get(e->lv, id);
    if (m) {
        *out = m->v;
        *t2 |= m->t2;
        return m->ok;
    }
    return eval_node(e, id, out, t2);
}

/* AN_CALLDATA: the 32-byte word at `off` of the frame's calldata. */
static bool eval_calldata(const frame_in *f, const u256 *off, u256 *v)
{
    uint8_t w[32] = {0};
    bool ok = true;
    if (u256_fits_u64(off) && off->w[0] <= f->cd_len && f->cd_len - off->w[0] >= 32 &&
        (!f->cd_known || !memchr(f->cd_known + off->w[0], 0, 32))) {
        u256_from_be32(v, f->cd + off->w[0]); /* the whole word is there and known */
        return true;
    }
    if (!u256_fits_u64(off) || off->w[0] > ((uint64_t)1 << 40)) {
        ok = f->cd_len_known; /* far beyond: zeros */
    } else {
        for (uint64_t i = 0; i < 32 && ok; i++) {
            uint64_t pos = off->w[0] + i;
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
        u256_from_be32(v, w);
    return ok;
}

/* AN_KECCAK (its buffer kept off eval_node's frame). */
__attribute__((noinline)) static bool eval_keccak(evalctx *e, const an_node *n, u256 *v, bool *mt2)
{
    uint8_t buf[32 * 32];
    bool ok = n->b <= 32;
    for (uint32_t i = 0; i < n->b && ok; i++) {
        u256 w;
        ok = eval(e, e->s->args[n->a + i], &w, mt2);
        if (ok)
            u256_to_be32(buf + 32 * i, &w);
    }
    if (ok) {
        uint8_t h[32];
        keccak_cached(e->pc->sc, h, buf, n->c <= 32 * (size_t)n->b ? n->c : 32 * (size_t)n->b);
        u256_from_be32(v, h);
    }
    return ok;
}

/* eval past its fast paths (id is not in the memo). */
static bool eval_node(evalctx *e, uint32_t id, u256 *out, bool *t2)
{
    const an_node *n = &e->s->nodes[id];
    switch (n->kind) {
    case AN_SELF: *out = addr_word(&e->f->ctx); return true;
    case AN_CALLER:
        if (e->dep)
            e->dep->caller_dep = true;
        *out = addr_word(&e->f->caller);
        return true;
    case AN_ORIGIN:
        e->pc->sc->origin_reads++;
        *out = addr_word(&e->pc->tx->sender);
        return true;
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
    level *lv = e->lv;
    bool ok = false, mt2 = false;
    u256 v = U256_ZERO;
    switch (n->kind) {
    case AN_CALLDATA: {
        u256 off;
        if (eval(e, n->a, &off, &mt2))
            ok = eval_calldata(e->f, &off, &v);
        break;
    }
    case AN_SLOAD: {
        u256 slot;
        if (!eval(e, n->a, &slot, &mt2) ||
            (e->stale && written_above(e->pc->sc, &e->f->ctx, e->f->depth, &slot)))
            break;
        if (e->pc->sc->ntaint && tainted(e->pc->sc, &e->f->ctx, &slot)) {
            if (e->pc->sc->rec)
                e->pc->sc->untracked++; /* a replay elsewhere would evaluate it */
            break;
        }
        /* A read after a call (summary.c: op 1) evaluates to the pre-state
         * value only under the check of "earlier writes", which
         * an_retdata_eval does not make. */
        if (n->op && e->pc->ext)
            break;
        e->pc->sc->after_read = n->op != 0;
        int rc = e->pc->r->vt->get_storage(e->pc->r->ctx, &e->f->ctx, &slot, &v);
        e->pc->sc->after_read = false;
        if (rc < 0) {
            e->pc->err = rc;
            break;
        }
        ok = true;
        mt2 = true;
        break;
    }
    case AN_OP: {
        u256 x, y = U256_ZERO, z = U256_ZERO;
        ok = eval(e, n->a, &x, &mt2) && (!n->b || eval(e, n->b, &y, &mt2)) &&
             (!n->c || eval(e, n->c, &z, &mt2));
        if (ok)
            ok = an_apply_op(&v, n->op, &x, &y, &z);
        break;
    }
    case AN_KECCAK: ok = eval_keccak(e, n, &v, &mt2); break;
    case AN_RETDATA: {
        uint32_t off = n->b;
        if (off == AN_RETDATA_DYN) {
            /* a word at an offset that evaluates, inside the data */
            u256 d;
            ok = eval(e, n->c, &d, &mt2) && u256_fits_u64(&d) && d.w[0] < ((uint64_t)1 << 31);
            off = ok ? (uint32_t)d.w[0] : 0;
        } else
            ok = true;
        if (ok)
            ok = retdata_eval(e, n->a, off, &v);
        mt2 = true; /* it reads the callee's storage */
        break;
    }
    default: break;
    }
    memo_ent *m = memo_new(lv, id);
    if (!m) {
        e->pc->err = SEER_ENOMEM;
        return false;
    }
    m->ok = ok;
    m->t2 = mt2;
    m->v = v;
    *out = v;
    *t2 |= mt2;
    return ok;
}

/* Whether guard c may hold given that a parent does: its condition does
 * not evaluate to the opposite of its polarity. */
static inline __attribute__((always_inline)) bool guard_may_hold(evalctx *e, uint32_t c)
{
    const an_guard *gd = &e->s->guards[c];
    if (!gd->cond)
        return true;
    u256 v;
    bool t2 = false;
    return !(eval(e, gd->cond, &v, &t2) && (!u256_is_zero(&v)) != (gd->polarity != 0));
}

/* Whether the rest of the prediction's work can go (seer_analyzer_set_stop_at_unknown). */
static inline bool cut(const pctx *pc)
{
    return pc->stop && pc->p->unknown;
}

static seer_pred_tier tier_of(const evalctx *e, bool t2)
{
    return t2 || e->tier == SEER_PRED_STATE ? SEER_PRED_STATE : SEER_PRED_STATIC;
}

static bool is_precompile(const seer_address *a)
{
    for (int i = 0; i < 18; i++)
        if (a->bytes[i])
            return false;
    unsigned v = ((unsigned)a->bytes[18] << 8) | a->bytes[19];
    return v >= 1 && v <= 0x11;
}

static int frame(pctx *pc, const frame_in *f, seer_pred_tier tier, const seer_account *acct);
static int an_instantiate(pctx *pc, cache_ent *ce, const frame_in *f, seer_pred_tier tier);

#define PADD(addr, f, slot, w, tier) pred_add(pc->sc, pc->p, addr, f, slot, w, tier)
#define PRW(addr, f, slot, w, tier)  pred_rw(pc->sc, pc->p, addr, f, slot, w, tier)

/* The keys of a value transfer from `from` to `to` (value may be unknown);
 * *to_acct: `to`'s account, read for its existence (the call's frame
 * reads it again for its code). */
/* Whether a CALL (or the transaction's own call), whose target's account
 * is `acct`, changes its existence (vm/world.c): one that has none comes
 * into existence with value, and before EIP-161 with none too (a
 * precompile that comes into existence with none goes again); from EIP-161
 * a call touches its target, and an empty account touched goes at the end
 * of the transaction (unless the value left it not empty: with has_value,
 * taken as possible). */
static bool call_writes_exists(const seer_block_env *env, bool has_value, const seer_account *acct)
{
    bool eip161 = env->fork >= SEER_FORK_SPURIOUS_DRAGON;
    if (!acct->exists)
        return has_value || !eip161;
    return eip161 && acct->nonce == 0 && u256_is_zero(&acct->balance) &&
           !memcmp(&acct->code_hash, &SEER_EMPTY_CODE_HASH, 32);
}

/* The bytes of a word that does not evaluate whole but whose pieces may:
 * the builder composes a word read across memory entries as
 * or(and(mask, piece), ...) (summary.c, mem_load_top), as Solidity's
 * argument encoding puts the selector and the first argument's high bytes
 * in one word (`pair.swap(amount0Out, ...)`, an amount from return data
 * that does not evaluate). A byte is known when every piece's byte is:
 * evaluated, or zero under its constant mask. */
static void eval_bytes(evalctx *e, uint32_t id, uint8_t val[32], uint8_t known[32], int depth)
{
    const an_node *n = &e->s->nodes[id];
    u256 w;
    bool t2 = false;
    memset(val, 0, 32);
    memset(known, 0, 32);
    if (eval(e, id, &w, &t2)) {
        u256_to_be32(val, &w);
        memset(known, 1, 32);
        return;
    }
    if (depth > 8 || n->kind != AN_OP)
        return;
    if (n->op == SEER_OP_AND && e->s->nodes[n->a].kind == AN_CONST) {
        uint8_t m[32];
        u256_to_be32(m, &e->s->nodes[n->a].k);
        for (int k = 0; k < 32; k++)
            if (!m[k]) {
                val[k] = 0;
                known[k] = 1;
            }
        return;
    }
    if (n->op == SEER_OP_OR) {
        uint8_t va[32], ka[32], vb[32], kb[32];
        eval_bytes(e, n->a, va, ka, depth + 1);
        eval_bytes(e, n->b, vb, kb, depth + 1);
        for (int k = 0; k < 32; k++)
            if (ka[k] && kb[k]) {
                val[k] = va[k] | vb[k];
                known[k] = 1;
            }
    }
}

/* The argument words a call or creation passes, into the next level's
 * calldata buffer. *len_known when the size evaluates. A return-data walk
 * during the evaluation uses the next level too (ret_walk): then the
 * words are written again, from the memo. */
static int eval_args(evalctx *e, const an_call *c, level *next, size_t *len, bool *len_known)
{
    size_t n = (size_t)c->nargs * 32;
    for (;;) {
        uint32_t walks = e->pc->ret_walks;
        int rc = level_cd(next, n);
        if (rc < 0)
            return rc;
        for (uint32_t i = 0; i < c->nargs; i++) {
            u256 w;
            bool wt2 = false;
            if (eval(e, e->s->args[c->args + i], &w, &wt2)) {
                u256_to_be32(next->cd + 32 * i, &w);
                memset(next->known + 32 * i, 1, 32);
            } else {
                /* some bytes may still be known: the selector (frame_selector) */
                eval_bytes(e, e->s->args[c->args + i], next->cd + 32 * i, next->known + 32 * i, 0);
            }
        }
        u256 sz;
        bool st2 = false;
        *len = n;
        *len_known = false;
        if (eval(e, c->argsize, &sz, &st2) && u256_fits_u64(&sz) && sz.w[0] <= n) {
            *len = (size_t)sz.w[0];
            *len_known = true;
        }
        if (e->pc->ret_walks == walks || e->pc->err)
            return 0;
    }
}

/* The value a call passes: *known when it evaluates (*t2 when a stored
 * value took part). */
static u256 call_value(evalctx *e, const an_call *c, bool *known, bool *t2)
{
    u256 value = U256_ZERO;
    *known = true;
    if (c->op == SEER_OP_CALL || c->op == SEER_OP_CALLCODE)
        *known = eval(e, c->value, &value, t2);
    else if (c->op == SEER_OP_DELEGATECALL) {
        value = e->f->value;
        *known = e->f->value_known;
    }
    return value;
}

/* The frame a call (not a creation) from e's frame to `target` runs:
 * storage context, caller, value, and the argument words as calldata (in
 * the next level's buffer). */
static int callee_frame(evalctx *e, const an_call *c, const seer_address *target, const u256 *value,
                        bool value_known, frame_in *g)
{
    const frame_in *f = e->f;
    memset(g, 0, sizeof *g);
    g->depth = f->depth + 1;
    g->code_addr = *target;
    if (c->op == SEER_OP_DELEGATECALL) {
        g->ctx = f->ctx;
        g->caller = f->caller;
    } else if (c->op == SEER_OP_CALLCODE) {
        g->ctx = f->ctx;
        g->caller = f->ctx;
    } else {
        g->ctx = *target;
        g->caller = f->ctx;
    }
    g->value = *value;
    g->value_known = value_known;
    if (c->args == AN_ARGS_FORWARD) {
        g->cd = f->cd;
        g->cd_known = f->cd_known;
        g->cd_len = f->cd_len;
        g->cd_len_known = f->cd_len_known;
    } else if (c->args != AN_ARGS_UNKNOWN) {
        level *next = &e->pc->sc->lv[g->depth];
        int rc = eval_args(e, c, next, &g->cd_len, &g->cd_len_known);
        if (rc < 0)
            return rc;
        g->cd = next->cd;
        g->cd_known = next->known;
    }
    return 0;
}

static int inst_call(pctx *pc, evalctx *e, const an_call *c)
{
    const frame_in *f = e->f;
    bool t2 = false;
    u256 tv;
    if (!eval(e, c->target, &tv, &t2)) {
        pred_unknown(pc->sc, pc->p, "call target not derivable");
        return 0;
    }
    seer_pred_tier tier = tier_of(e, t2);
    seer_address target;
    addr_of(&target, &tv);
    bool vt2 = false, value_known;
    u256 value = call_value(e, c, &value_known, &vt2);
    bool has_value =
        (c->op == SEER_OP_CALL || c->op == SEER_OP_CALLCODE) && (!value_known || !u256_is_zero(&value));
    int rc = 0;
    seer_account tacct; /* the target's, read once (CALL) */
    bool have_acct = false;
    if (c->op == SEER_OP_CALL || c->op == SEER_OP_STATICCALL) {
        /* STATICCALL is a CALL with the static flag (EVMC): the world
         * checks the target's existence for both. */
        rc = PADD(&target, SEER_KEY_EXISTS, NULL, false, tier);
        if (rc == 0 && has_value) {
            rc = PRW(&f->ctx, SEER_KEY_BALANCE, NULL, true, tier);
            if (rc == 0)
                rc = PADD(&target, SEER_KEY_BALANCE, NULL, true, tier);
        }
        if (rc == 0 && c->op == SEER_OP_CALL) {
            rc = pc->r->vt->get_account(pc->r->ctx, &target, &tacct);
            have_acct = true;
            if (rc == 0 && call_writes_exists(pc->env, has_value, &tacct))
                rc = PADD(&target, SEER_KEY_EXISTS, NULL, true, tier);
        }
    } else if (c->op == SEER_OP_CALLCODE && has_value) {
        rc = PRW(&f->ctx, SEER_KEY_BALANCE, NULL, false, tier);
    }
    if (rc < 0 || is_precompile(&target))
        return rc;
    rc = PADD(&target, SEER_KEY_CODE, NULL, false, tier);
    if (rc < 0)
        return rc;
    if (f->depth + 1 > pc->max_depth) {
        pred_unknown(pc->sc, pc->p, "call depth limit");
        return 0;
    }
    /* The callee's calldata: the argument words the caller passes. */
    if (c->op == SEER_OP_DELEGATECALL && e->rec)
        e->rec->caller_dep = true; /* the callee runs with this frame's caller */
    frame_in g;
    if ((rc = callee_frame(e, c, &target, &value, value_known, &g)) < 0)
        return rc;
    return frame(pc, &g, tier, have_acct ? &tacct : NULL);
}

/* A CREATE/CREATE2 in a running frame: its creator's nonce and balance now;
 * the new address (and the init code's accesses there) at the end of the
 * transaction, when every creation by the same creator is known, since
 * the address of a CREATE depends on how many creations came before it. */
static int inst_create(pctx *pc, evalctx *e, const an_call *c, uint32_t call)
{
    const frame_in *f = e->f;
    scratch *sc = pc->sc;
    sc->create_calls++; /* creations depend on the transaction's others */
    if (e->ce->create_loop && e->ce->create_loop[call]) {
        pred_unknown(pc->sc, pc->p, "CREATE/CREATE2 in a loop");
        return 0;
    }
    if (sc->ncreates == MAX_CREATES) {
        pred_unknown(pc->sc, pc->p, "CREATE/CREATE2: too many in one transaction");
        return 0;
    }
    bool vt2 = false;
    u256 value = U256_ZERO;
    bool value_known = eval(e, c->value, &value, &vt2);
    int rc = PRW(&f->ctx, SEER_KEY_NONCE, NULL, true, tier_of(e, false));
    if (rc == 0 && (!value_known || !u256_is_zero(&value)))
        rc = PRW(&f->ctx, SEER_KEY_BALANCE, NULL, true, tier_of(e, vt2));
    if (rc < 0)
        return rc;
    pending_create *pcr = &sc->creates[sc->ncreates];
    memset(pcr, 0, sizeof *pcr);
    pcr->creator = f->ctx;
    pcr->op = c->op;
    pcr->value = value;
    pcr->value_known = value_known;
    pcr->depth = f->depth + 1;
    if (c->op == SEER_OP_CREATE2) {
        bool st2 = false;
        if (!eval(e, c->salt, &pcr->salt, &st2)) {
            pred_unknown(pc->sc, pc->p, "CREATE2 salt not derivable");
            return 0;
        }
    }
    if (c->args != AN_ARGS_UNKNOWN && c->args != AN_ARGS_FORWARD) {
        level *next = &sc->lv[f->depth + 1];
        size_t len;
        bool len_known;
        if ((rc = eval_args(e, c, next, &len, &len_known)) < 0)
            return rc;
        bool all = len_known;
        for (size_t i = 0; i < len && all; i++)
            all = next->known[i];
        if (all) {
            pcr->init = malloc(len + 1);
            if (!pcr->init)
                return seer_err(SEER_ENOMEM, "init code");
            memcpy(pcr->init, next->cd, len);
            pcr->init_len = len;
            pcr->init_known = true;
            pcr->anc = malloc(pcr->depth * sizeof *pcr->anc);
            if (!pcr->anc) {
                free(pcr->init);
                pcr->init = NULL;
                return seer_err(SEER_ENOMEM, "init code");
            }
            for (unsigned i = 0; i < pcr->depth; i++) {
                pcr->anc[i].ctx = sc->lv[i].ctx;
                pcr->anc[i].writes = sc->lv[i].writes;
                pcr->anc[i].wce = sc->lv[i].wce;
            }
        }
    }
    if (!pcr->init_known) {
        /* The init code may do anything: the new address alone would not
         * make the prediction usable. */
        pred_unknown(pc->sc, pc->p, "CREATE/CREATE2 in a called contract (init code not derivable)");
        return 0;
    }
    sc->ncreates++;
    return 0;
}

void an_create_address(seer_address *out, const seer_address *sender, uint64_t nonce)
{
    seer_create_address(out, sender, nonce);
}

void an_create2_address(seer_address *out, const seer_address *sender, const u256 *salt, const uint8_t *init,
                        size_t len)
{
    seer_create2_address(out, sender, salt, init, len);
}

/* Keeps a cache entry for the rest of the prediction (released by
 * scratch_put); on failure releases it. */
static int pin(pctx *pc, cache_ent *ce)
{
    scratch *sc = pc->sc;
    if (sc->npins == sc->pins_cap) {
        uint32_t nc = sc->pins_cap ? sc->pins_cap * 2 : 16;
        cache_ent **q = realloc(sc->pins, nc * sizeof *q);
        if (!q) {
            cache_release(pc->a, ce);
            return seer_err(SEER_ENOMEM, "prediction pins");
        }
        sc->pins = q;
        sc->pins_cap = nc;
    }
    sc->pins[sc->npins++] = ce;
    return 0;
}

/* The keys of creating an account at `na` and running its init code (when
 * known) there. */
static int create_at(pctx *pc, const pending_create *cr, const seer_address *na)
{
    seer_key_field fl[] = {SEER_KEY_NONCE, SEER_KEY_CODE, SEER_KEY_EXISTS, SEER_KEY_BALANCE};
    int rc = 0;
    for (size_t i = 0; i < SEER_ARRAY_LEN(fl) && rc == 0; i++)
        rc = PRW(na, fl[i], NULL, true, SEER_PRED_STATE);
    if (rc < 0 || !cr->init_known)
        return rc;
    if (cr->depth > pc->max_depth) {
        pred_unknown(pc->sc, pc->p, "call depth limit");
        return 0;
    }
    frame_in g;
    memset(&g, 0, sizeof g);
    g.ctx = g.code_addr = *na;
    g.caller = cr->creator;
    g.value = cr->value;
    g.value_known = cr->value_known;
    g.cd_len_known = true; /* init code runs with empty calldata */
    g.depth = cr->depth;
    seer_bytes32 h;
    seer_keccak256(h.bytes, cr->init, cr->init_len);
    cache_ent *ce;
    rc = cache_acquire(pc->a, &ce, &h, -1, cr->init, cr->init_len);
    if (rc == 0)
        rc = pin(pc, ce);
    if (rc < 0)
        return rc;
    /* Its ancestors (see "re-entrancy"): the creator's frames. */
    for (unsigned i = 0; i < cr->depth; i++) {
        pc->sc->lv[i].ctx = cr->anc[i].ctx;
        pc->sc->lv[i].writes = cr->anc[i].writes;
        pc->sc->lv[i].wce = cr->anc[i].wce;
    }
    return an_instantiate(pc, ce, &g, SEER_PRED_STATE);
}

/* The creations of the transaction, once all are known: a CREATE by A is
 * at one of A's nonces from its pre-state nonce (tier 2) up to the number
 * of creations by A that may run before it; every such address is
 * predicted. A creator absent from the pre-state (created in this same
 * transaction) or an underivable init code leaves "unknown". */
static int finish_creates(pctx *pc)
{
    scratch *sc = pc->sc;
    int rc = 0;
    uint32_t used[MAX_CREATES] = {0}; /* creations by the creator counted for each */
    /* Creations run init code, which may create again: a bounded worklist. */
    for (uint32_t i = 0; i < sc->ncreates && rc == 0; i++) {
        pending_create cr = sc->creates[i];
        seer_account acct;
        if ((rc = pc->r->vt->get_account(pc->r->ctx, &cr.creator, &acct)) < 0)
            break;
        if (cr.op == SEER_OP_CREATE2) {
            seer_address na;
            an_create2_address(&na, &cr.creator, &cr.salt, cr.init, cr.init_len);
            rc = create_at(pc, &cr, &na);
            continue;
        }
        if (!acct.exists) {
            pred_unknown(pc->sc, pc->p, "CREATE by an account created in the same transaction");
            continue;
        }
        uint32_t by = 0; /* creations by the same creator in this transaction */
        for (uint32_t j = 0; j < sc->ncreates; j++)
            by += !memcmp(&sc->creates[j].creator, &cr.creator, sizeof cr.creator);
        used[i] = by;
        for (uint32_t k = 0; k < by && rc == 0; k++) {
            seer_address na;
            an_create_address(&na, &cr.creator, acct.nonce + k);
            rc = create_at(pc, &cr, &na);
        }
    }
    /* An init code that made its creator create again after the count was
     * taken: the nonces counted are too few. */
    for (uint32_t i = 0; i < sc->ncreates && rc == 0; i++) {
        if (!used[i])
            continue;
        uint32_t by = 0;
        for (uint32_t j = 0; j < sc->ncreates; j++)
            by += !memcmp(&sc->creates[j].creator, &sc->creates[i].creator, sizeof(seer_address));
        if (by != used[i])
            pred_unknown(pc->sc, pc->p, "CREATE: nested creations by one creator");
    }
    return rc;
}

/* The selector a frame's calldata starts with, when it is known to be at
 * least 4 bytes long; AN_SEL_EMPTY for calldata known to be empty; else
 * -1. */
static int64_t frame_selector(const frame_in *f)
{
    if (f->cd_len_known && f->cd_len == 0)
        return AN_SEL_EMPTY;
    if (!f->cd_len_known || f->cd_len < 4 || !f->cd)
        return -1;
    if (f->cd_known)
        for (int i = 0; i < 4; i++)
            if (!f->cd_known[i])
                return -1;
    return (int64_t)(((uint32_t)f->cd[0] << 24) | ((uint32_t)f->cd[1] << 16) | ((uint32_t)f->cd[2] << 8) |
                     f->cd[3]);
}

/* The summary of (code hash, selector) for this prediction: from its pins
 * first, else from the cache (pinned until the prediction ends). */
static int frame_summary(pctx *pc, cache_ent **out, const seer_bytes32 *hash, int64_t sel)
{
    scratch *sc = pc->sc;
    for (uint32_t i = 0; i < sc->npins; i++) {
        cache_ent *e = sc->pins[i];
        if ((e->key.sel == sel ||
             (sel != -1 && e->key.sel == -1 && __atomic_load_n(&e->any_sel, __ATOMIC_RELAXED))) &&
            !memcmp(&e->key.hash, hash, sizeof *hash)) {
            if (e->key.sel != sel)
                for (frec *r = sc->rec; r; r = r->up)
                    r->tainted = true; /* chosen by this transaction's pins */
            *out = e;
            return 0;
        }
    }
    const uint8_t *code = NULL;
    size_t len = 0;
    uint64_t h0;
    memcpy(&h0, hash->bytes, 8);
    h0 = (h0 ^ (uint64_t)sel) * 0xff51afd7ed558ccdULL;
    __typeof__(sc->look[0]) *lk = &sc->look[(h0 >> 40) & (LOOK_SIZE - 1)];
    pthread_mutex_lock(&pc->a->lock);
    cache_ent *e;
    if (lk->e && lk->ver == pc->a->tabver && lk->sel == sel && !memcmp(&lk->hash, hash, sizeof *hash)) {
        e = lk->e;
    } else {
        e = cache_find(pc->a, hash, sel);
        lk->hash = *hash;
        lk->sel = sel;
        lk->e = e;
        lk->ver = pc->a->tabver;
    }
    if (e) {
        e->refs++;
        lru_front(pc->a, e);
    }
    pthread_mutex_unlock(&pc->a->lock);
    int rc = 0;
    if (!e) {
        rc = pc->r->vt->get_code(pc->r->ctx, hash, &code, &len);
        if (rc == 0)
            rc = cache_acquire(pc->a, &e, hash, sel, code, len);
        if (rc < 0)
            return rc;
    }
    if ((rc = pin(pc, e)) < 0)
        return rc;
    *out = e;
    return 0;
}

/* ---- return data ----
 * "Word k of the return data of call c" (AN_RETDATA: a router's
 * factory.getPair(a, b), a pair's token0(), a proxy's implementation())
 * evaluates when the callee is known: its summary is walked with the
 * arguments the caller passes (the same evaluator, one level down in the
 * scratch), the guards that may hold are found, and every feasible end of
 * a successful path must be a RETURN whose word at that offset evaluates,
 * to one and the same value. A feasible cut (AT_UNKNOWN), a STOP or a
 * RETURN of underivable data makes it not evaluate. Failing ends (REVERT,
 * INVALID) are left out: after a failed call the caller reverts (Solidity
 * checks success) and does not go on with this data; where a caller does
 * go on, the value may be wrong, which the scheduler's validation of the
 * actual access sets catches like any stale tier-2 value. Each walk takes
 * one unit of the transaction's budget (RET_BUDGET) and one call level. */

/* an_retdata_eval's summaries, from its callback: wrapped in entries of
 * their own, indexed as the cache's are, freed when it ends. */
static int shell_entry(pctx *pc, cache_ent **out, const seer_address *code_addr, int64_t sel)
{
    const an_summary *s = NULL;
    int rc = pc->ext->summary(pc->ext->summary_ctx, &s, code_addr, sel);
    if (rc < 0 || !s)
        return rc;
    for (uint32_t i = 0; i < pc->nshells; i++)
        if (pc->shells[i]->s == s) {
            *out = pc->shells[i];
            return 0;
        }
    if (pc->nshells == pc->shells_cap) {
        uint32_t nc = pc->shells_cap ? pc->shells_cap * 2 : 8;
        cache_ent **q = realloc(pc->shells, nc * sizeof *q);
        if (!q)
            return seer_err(SEER_ENOMEM, "return data: summaries");
        pc->shells = q;
        pc->shells_cap = nc;
    }
    cache_ent *n = calloc(1, sizeof *n);
    if (!n)
        return seer_err(SEER_ENOMEM, "return data: summaries");
    n->s = (an_summary *)s;
    pc->shells[pc->nshells++] = n;
    if ((rc = reduce_guards(n)) < 0 || (rc = index_unknown(n)) < 0)
        return rc;
    *out = n;
    return 0;
}

/* The entry of the code at an address (pinned for the rest of the
 * prediction); *out NULL when the account has no code. */
static int ret_entry(pctx *pc, cache_ent **out, const seer_address *code_addr, int64_t sel)
{
    *out = NULL;
    if (pc->ext)
        return shell_entry(pc, out, code_addr, sel);
    seer_account acct;
    int rc = pc->r->vt->get_account(pc->r->ctx, code_addr, &acct);
    if (rc < 0)
        return rc;
    if (!acct.exists || !memcmp(&acct.code_hash, &SEER_EMPTY_CODE_HASH, 32))
        return 0;
    return frame_summary(pc, out, &acct.code_hash, sel);
}

/* The word at `off` (or the size, AN_RETDATA_SIZE) of the data the frame
 * g, running ce's summary, returns. `dep`: the recording that depends on
 * g's caller. Marks at g's level the guards that may hold (the root, the
 * key guards entered and, through the reduced graph's kr lists, the
 * guards holding an end of path or an AT_UNKNOWN template). */
static bool ret_walk(pctx *pc, const cache_ent *ce, const frame_in *g, frec *dep, uint32_t off, u256 *out)
{
    const an_summary *s = ce->s;
    if (s->rets_incomplete)
        return false;
    level *lv = &pc->sc->lv[g->depth];
    int rc = level_begin(lv, s->nguards ? s->nguards : 1, s->nnodes);
    if (rc < 0) {
        pc->err = rc;
        return false;
    }
    pc->ret_walks++;
    uint64_t wsig;
    unsigned w = writer_above(pc->sc, &g->ctx, g->depth, &wsig);
    frame_enter(pc->sc, g->depth, &g->ctx, ce, w);
    evalctx ge = {pc, ce, s, g, lv, NULL, dep, SEER_PRED_STATE, w < g->depth};
    uint32_t *queue = lv->queue, *mark = lv->gmark, ep = lv->epoch, qh = 0, qt = 0;
    mark[0] = ep;
    queue[qt++] = 0;
    if (ce->kr_start) {
        while (qh < qt && pc->err == 0) {
            uint32_t k = queue[qh++];
            for (uint32_t j = ce->kr_start[k]; j < ce->kr_start[k + 1]; j++)
                mark[ce->kr[j]] = ep;
            for (uint32_t j = ce->kfr_start[k]; j < ce->kfr_start[k + 1] && pc->err == 0; j++) {
                uint32_t c = ce->kfr[j];
                if (mark[c] == ep || !guard_may_hold(&ge, c))
                    continue;
                mark[c] = ep;
                queue[qt++] = c;
            }
        }
    } else {
        while (qh < qt && pc->err == 0) {
            uint32_t x = queue[qh++];
            for (uint32_t i = s->gchild_start[x]; i < s->gchild_start[x + 1] && pc->err == 0; i++) {
                uint32_t c = s->gchild[i];
                if (mark[c] == ep || !guard_may_hold(&ge, c))
                    continue;
                mark[c] = ep;
                queue[qt++] = c;
            }
        }
    }
    if (pc->err)
        return false;
    /* A feasible cut path may end anywhere, returning anything. */
    for (uint32_t i = 0; i < ce->nug; i++)
        if (mark[ce->ug[i]] == ep)
            return false;
    u256 val = U256_ZERO;
    bool have = false;
    for (uint32_t i = 0; i < s->nrets && pc->err == 0; i++) {
        const an_ret *r = &s->rets[i];
        if (mark[r->guard] != ep || r->kind == AN_RET_FAIL)
            continue;
        if (r->kind != AN_RET_DATA)
            return false;
        u256 size, v;
        bool t2 = false;
        if (!eval(&ge, r->size, &size, &t2))
            return false;
        if (off == AN_RETDATA_SIZE) {
            v = size;
        } else {
            /* Shorter data leaves the caller's memory as it was. */
            u256 end = u256_from_u64((uint64_t)off + 32);
            if (off % 32 || off / 32 >= r->nwords || u256_lt(&size, &end) ||
                !eval(&ge, s->args[r->words + off / 32], &v, &t2))
                return false;
        }
        if (have && !u256_eq(&v, &val))
            return false;
        val = v;
        have = true;
    }
    if (!have || pc->err)
        return false;
    *out = val;
    return true;
}

static uint64_t cd_digest(const frame_in *f);
static uint64_t frame_cd_digest(pctx *pc, const frame_in *f);
static uint64_t frame_base(const an_summary *s, const frame_in *f, uint64_t cdh);
static uint64_t frame_sig(uint64_t base, const frame_in *f);

/* AN_RETDATA: word `off` of the return data of call `call` of e's frame
 * (see "return data" above). */
static bool retdata_eval(evalctx *e, uint32_t call, uint32_t off, u256 *out)
{
    pctx *pc = e->pc;
    const an_summary *s = e->s;
    if (call >= s->ncalls || pc->ret_budget == 0 || e->f->depth + 1 > pc->max_depth)
        return false;
    const an_call *c = &s->calls[call];
    if (c->op == SEER_OP_CREATE || c->op == SEER_OP_CREATE2 || c->args == AN_ARGS_UNKNOWN)
        return false;
    u256 tv;
    bool t2 = false;
    if (!eval(e, c->target, &tv, &t2))
        return false;
    seer_address target;
    addr_of(&target, &tv);
    if (is_precompile(&target))
        return false;
    bool value_known;
    u256 value = call_value(e, c, &value_known, &t2);
    frame_in g;
    int rc = callee_frame(e, c, &target, &value, value_known, &g);
    if (rc < 0)
        pc->err = rc;
    if (pc->err)
        return false;
    pc->ret_budget--;
    cache_ent *ce;
    if ((rc = ret_entry(pc, &ce, &g.code_addr, frame_selector(&g))) < 0) {
        pc->err = rc;
        return false;
    }
    /* No code: the call succeeds with no data; the caller's memory keeps
     * what it held. A DELEGATECALL's callee runs with this frame's
     * caller. */
    if (!ce)
        return false;
    /* Its reads are the callee frame's (see "earlier writes"). */
    scratch *sc = pc->sc;
    uint32_t unit0 = sc->unit;
    sc->unit = unit_enter(sc, frame_sig(frame_base(ce->s, &g, frame_cd_digest(pc, &g)), &g));
    bool ok = ret_walk(pc, ce, &g, c->op == SEER_OP_DELEGATECALL ? e->dep : NULL, off, out);
    sc->unit = unit0;
    return ok;
}

/* Instantiates the summary of f->code_addr's code; `acct`: its account
 * when read already, else NULL. An account with no code costs no more. */
static int frame(pctx *pc, const frame_in *f, seer_pred_tier tier, const seer_account *acct)
{
    seer_account a;
    int rc;
    if (!acct) {
        if ((rc = pc->r->vt->get_account(pc->r->ctx, &f->code_addr, &a)) < 0)
            return rc;
        acct = &a;
    }
    if (!acct->exists || !memcmp(&acct->code_hash, &SEER_EMPTY_CODE_HASH, 32))
        return 0;
    cache_ent *ce;
    rc = frame_summary(pc, &ce, &acct->code_hash, frame_selector(f));
    if (rc < 0)
        return rc;
    return an_instantiate(pc, ce, f, tier);
}

static uint64_t hash_words(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, b + i, 8);
        h = fmix(h, x);
    }
    for (size_t i = n & ~(size_t)7; i < n; i++)
        h = fmix(h, b[i]);
    return h;
}

static inline uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/* A frame's calldata bytes as 64 bits, computed once per frame for its
 * signature and its memo key (calldata runs to kilobytes): four lanes of
 * 8-byte words, then the rest word by word. 0 for none. */
static uint64_t cd_digest(const frame_in *f)
{
    const uint64_t P1 = 0x9e3779b185ebca87ULL, P2 = 0xc2b2ae3d27d4eb4fULL;
    const uint8_t *p = f->cd;
    size_t n = f->cd_len, i = 0;
    if (!p || n == 0)
        return 0;
    uint64_t a[4] = {P1 + P2, P2, 0, 0 - P1};
    for (; i + 32 <= n; i += 32)
        for (int l = 0; l < 4; l++) {
            uint64_t x;
            memcpy(&x, p + i + 8 * l, 8);
            a[l] = rotl64(a[l] + x * P2, 31) * P1;
        }
    uint64_t h = fmix(fmix(fmix(fmix(n, a[0]), a[1]), a[2]), a[3]);
    return hash_words(h, p + i, n - i);
}

/* cd_digest of f: computed once per prediction for the transaction's own
 * data (constant while it is predicted), which the top frame and the
 * frames it forwards its calldata to (proxies) run with; a rollup's batch
 * is kilobytes. */
static uint64_t frame_cd_digest(pctx *pc, const frame_in *f)
{
    if (!f->cd || f->cd != pc->tx->data || f->cd_len != pc->tx->data_len)
        return cd_digest(f);
    if (!pc->txcd_have) {
        pc->txcd = cd_digest(f);
        pc->txcd_have = true;
    }
    return pc->txcd;
}

/* What a frame's signature and its memo key both hash: the summary, the
 * storage context, the call value and the calldata (cdh: cd_digest). */
static uint64_t frame_base(const an_summary *s, const frame_in *f, uint64_t cdh)
{
    uint64_t h = (uint64_t)s->selector;
    uint64_t w[4];
    memcpy(w, s->code_hash.bytes, 32);
    for (int i = 0; i < 4; i++)
        h = fmix(h, w[i]);
    uint8_t a[24] = {0};
    memcpy(a, f->ctx.bytes, 20);
    a[20] = f->value_known;
    a[21] = f->cd_len_known;
    for (int i = 0; i < 3; i++) {
        uint64_t x;
        memcpy(&x, a + 8 * i, 8);
        h = fmix(h, x);
    }
    for (int i = 0; i < 4; i++)
        h = fmix(h, f->value.w[i]);
    h = fmix(h, (uint64_t)f->cd_len);
    return fmix(h, cdh);
}

/* A frame's inputs as one 64-bit signature (base: frame_base): the base,
 * the caller, and which calldata bytes are known when some are not. */
static uint64_t frame_sig(uint64_t base, const frame_in *f)
{
    uint8_t a[24] = {0};
    memcpy(a, f->caller.bytes, 20);
    uint64_t h = base;
    for (int i = 0; i < 3; i++) {
        uint64_t x;
        memcpy(&x, a + 8 * i, 8);
        h = fmix(h, x);
    }
    if (f->cd_known && memchr(f->cd_known, 0, f->cd_len))
        h = hash_words(fmix(h, 1), f->cd_known, f->cd_len);
    return h;
}

/* ---- frame memo ----
 * The transactions of a block repeat frames (a router called the same way
 * by each swap). An instantiation is recorded as what it added to the
 * prediction, in order (keys with their tiers, wildcards, "unknown"
 * reasons), the frames it registered and the state it read, and keyed by
 * everything else its walk reads: the summary, the storage context, code
 * address, depth, tier, call value, calldata and block fields, and the
 * caller and origin when they took part. A later frame with the same key
 * whose recorded state reads still give the same values replays the
 * additions instead of walking: the same pred_add calls in the same order,
 * so the prediction equals the walk's. Not recorded: a frame whose walk
 * depends on the rest of its transaction (a sub-frame skipped as seen
 * before it, a creation, the frame or return-data budget running out, a
 * summary chosen by this transaction's pins, a read that is not checked
 * again) or that failed. Replayed only where the walk would go the same
 * way: none of its frames is seen already in this transaction, and the
 * budgets it used are left. A summary leaving the cache makes every entry
 * stale (gen); the memo is emptied when over FMEMO_MAX_BYTES. */
#define FMEMO_BUCKETS   16384
#define FMEMO_MAX_BYTES ((size_t)64 << 20)

typedef struct fmemo {
    struct fmemo *next;
    uint64_t h;
    uint32_t gen;
    seer_bytes32 code_hash;
    int64_t sel;
    seer_address ctx, code_addr, caller, origin, coinbase;
    uint64_t number, timestamp, gas_limit, chain_id;
    u256 base_fee, value;
    unsigned depth;
    uint8_t tier, value_known, cd_len_known, caller_dep, origin_dep;
    size_t cd_len;
    uint32_t ret_used, nsub, nev, nrd;
    size_t bytes;
    fev *ev;
    frd *rd;
    uint64_t *sub;
    uint8_t *cd, *cdk; /* cdk NULL: every byte known */
    uint64_t cmask[4]; /* the storage contexts of its frames (frec) */
} fmemo;

static void ev_log(scratch *sc, uint8_t kind, const seer_address *addr, seer_key_field f, const u256 *slot,
                   bool write, seer_pred_tier tier, const char *why)
{
    if (sc->nev == sc->evcap) {
        uint32_t nc = sc->evcap ? sc->evcap * 2 : 256;
        fev *q = realloc(sc->ev, (size_t)nc * sizeof *q);
        if (!q) {
            sc->untracked++;
            return;
        }
        sc->ev = q;
        sc->evcap = nc;
    }
    fev *v = &sc->ev[sc->nev++];
    memset(v, 0, sizeof *v);
    v->kind = kind;
    v->field = (uint8_t)f;
    v->write = write;
    v->tier = (uint8_t)tier;
    if (addr)
        v->addr = *addr;
    if (slot) {
        v->has_slot = 1;
        v->slot = *slot;
    }
    v->why = why;
}

static frd *rd_log(scratch *sc)
{
    if (sc->nrd == sc->rdcap) {
        uint32_t nc = sc->rdcap ? sc->rdcap * 2 : 256;
        frd *q = realloc(sc->rd, (size_t)nc * sizeof *q);
        if (!q) {
            sc->untracked++;
            return NULL;
        }
        sc->rd = q;
        sc->rdcap = nc;
    }
    frd *r = &sc->rd[sc->nrd++];
    memset(r, 0, sizeof *r);
    return r;
}

/* The reader a prediction uses: the caller's, logging what a recorded
 * frame reads. Code is addressed by its hash, so it is not logged. */
static int wr_account(void *ctx, const seer_address *addr, seer_account *out)
{
    pctx *pc = ctx;
    int rc = pc->base->vt->get_account(pc->base->ctx, addr, out);
    frd *r;
    if (rc == 0 && pc->sc->rec && (r = rd_log(pc->sc))) {
        r->kind = RD_ACCOUNT;
        r->addr = *addr;
        r->value = out->balance;
        r->nonce = out->nonce;
        r->code_hash = out->code_hash;
        r->exists = out->exists;
    }
    return rc;
}

static int wr_storage(void *ctx, const seer_address *addr, const u256 *key, u256 *out)
{
    pctx *pc = ctx;
    int rc = pc->base->vt->get_storage(pc->base->ctx, addr, key, out);
    if (rc == 0)
        tacc_log(pc->sc, false, addr, key); /* see "earlier writes" */
    frd *r;
    if (rc == 0 && pc->sc->rec && (r = rd_log(pc->sc))) {
        r->kind = RD_STORAGE;
        r->addr = *addr;
        r->key = *key;
        r->value = *out;
    }
    return rc;
}

static int wr_has_storage(void *ctx, const seer_address *addr, bool *out)
{
    pctx *pc = ctx;
    if (pc->sc->rec)
        pc->sc->untracked++;
    return pc->base->vt->has_storage(pc->base->ctx, addr, out);
}

static int wr_code(void *ctx, const seer_bytes32 *code_hash, const uint8_t **code, size_t *len)
{
    pctx *pc = ctx;
    return pc->base->vt->get_code(pc->base->ctx, code_hash, code, len);
}

static int wr_block_hash(void *ctx, uint64_t number, seer_bytes32 *out)
{
    pctx *pc = ctx;
    if (pc->sc->rec)
        pc->sc->untracked++;
    return pc->base->vt->get_block_hash(pc->base->ctx, number, out);
}

static const seer_state_reader_vt wr_vt = {wr_account, wr_storage, wr_has_storage, wr_code, wr_block_hash};

static uint64_t fmemo_hash(uint64_t base, const frame_in *f, seer_pred_tier tier, const seer_block_env *env)
{
    uint8_t a[24] = {0};
    memcpy(a, f->code_addr.bytes, 20);
    a[20] = (uint8_t)tier;
    a[21] = (uint8_t)f->depth;
    uint64_t h = fmix(base, env->number);
    for (int i = 0; i < 3; i++) {
        uint64_t x;
        memcpy(&x, a + 8 * i, 8);
        h = fmix(h, x);
    }
    return h;
}

static bool cd_known_at(const frame_in *f, size_t i)
{
    return !f->cd_known || f->cd_known[i];
}

/* Whether m was recorded for these inputs (its state reads aside). */
static bool fmemo_match(const fmemo *m, const pctx *pc, const cache_ent *ce, const frame_in *f,
                        seer_pred_tier tier)
{
    const seer_block_env *env = pc->env;
    if (m->depth != f->depth || m->tier != (uint8_t)tier || m->value_known != f->value_known ||
        m->cd_len_known != f->cd_len_known || m->cd_len != f->cd_len || m->sel != ce->key.sel ||
        memcmp(&m->code_hash, &ce->key.hash, 32) || memcmp(&m->ctx, &f->ctx, 20) ||
        memcmp(&m->code_addr, &f->code_addr, 20) || u256_cmp(&m->value, &f->value) != 0 ||
        m->number != env->number || m->timestamp != env->timestamp || m->gas_limit != env->gas_limit ||
        m->chain_id != env->chain_id || memcmp(&m->coinbase, &env->coinbase, 20) ||
        u256_cmp(&m->base_fee, &env->base_fee) != 0)
        return false;
    if (m->caller_dep && memcmp(&m->caller, &f->caller, 20))
        return false;
    if (m->origin_dep && memcmp(&m->origin, &pc->tx->sender, 20))
        return false;
    size_t n = f->cd_len;
    if (n == 0)
        return true;
    /* The bytes (f->cd NULL: zeros), then which are known (m->cdk NULL:
     * all; the record's flags are 0/1, f's any nonzero byte). */
    if (f->cd ? memcmp(m->cd, f->cd, n) != 0 : m->cd[0] != 0 || memcmp(m->cd, m->cd + 1, n - 1) != 0)
        return false;
    if (!m->cdk)
        return !f->cd_known || !memchr(f->cd_known, 0, n);
    if (!f->cd_known)
        return false; /* m has an unknown byte */
    if (memcmp(m->cdk, f->cd_known, n) == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (m->cdk[i] != (f->cd_known[i] != 0))
            return false;
    return true;
}

/* Whether the state still gives m's reads (through pc->r, so a frame
 * being recorded around this one logs them). */
static int fmemo_reads_hold(pctx *pc, const fmemo *m, bool *hold)
{
    *hold = false;
    for (uint32_t i = 0; i < m->nrd; i++) {
        const frd *r = &m->rd[i];
        int rc;
        if (r->kind == RD_STORAGE) {
            u256 v;
            if (pc->sc->ntaint && tainted(pc->sc, &r->addr, &r->key))
                return 0; /* a walk would not evaluate it */
            if ((rc = pc->r->vt->get_storage(pc->r->ctx, &r->addr, &r->key, &v)) < 0)
                return rc;
            if (u256_cmp(&v, &r->value) != 0)
                return 0;
        } else {
            seer_account ac;
            if ((rc = pc->r->vt->get_account(pc->r->ctx, &r->addr, &ac)) < 0)
                return rc;
            if (ac.exists != r->exists || ac.nonce != r->nonce || u256_cmp(&ac.balance, &r->value) != 0 ||
                memcmp(&ac.code_hash, &r->code_hash, 32))
                return 0;
        }
    }
    *hold = true;
    return 0;
}

/* Replays a recorded frame whose frame (registered at sc->nseen - 1) has
 * the inputs of f: 1 when replayed, 0 when none fits, or an error. */
static int fmemo_lookup(pctx *pc, const cache_ent *ce, const frame_in *f, seer_pred_tier tier, uint64_t h)
{
    seer_analyzer *a = pc->a;
    scratch *sc = pc->sc;
    uint32_t gen = __atomic_load_n(&a->gen, __ATOMIC_RELAXED);
    /* The contexts the ancestors may write (see "re-entrancy"). */
    uint64_t wmask[4] = {0};
    for (unsigned i = 0; i < f->depth; i++)
        if (sc->lv[i].writes)
            ctx_bit(wmask, &sc->lv[i].ctx);
    int res = 0;
    pthread_rwlock_rdlock(&a->mlock);
    for (const fmemo *m = a->mb ? a->mb[h & (FMEMO_BUCKETS - 1)] : NULL; m && res == 0; m = m->next) {
        if (m->h != h || m->gen != gen || pc->ret_budget <= m->ret_used ||
            sc->nseen + m->nsub >= MAX_FRAMES || !fmemo_match(m, pc, ce, f, tier) ||
            ((m->cmask[0] & wmask[0]) | (m->cmask[1] & wmask[1]) | (m->cmask[2] & wmask[2]) |
             (m->cmask[3] & wmask[3])))
            continue;
        bool fresh = true; /* a walk would skip a frame seen already */
        for (uint32_t j = 0; j < m->nsub && fresh; j++)
            for (uint32_t i = 0; i < sc->nseen && fresh; i++)
                fresh = !(sc->seen[i] == m->sub[j] && !sc->seen_creates[i]);
        if (!fresh)
            continue;
        bool hold;
        int rc = fmemo_reads_hold(pc, m, &hold);
        if (rc < 0) {
            res = rc;
            break;
        }
        if (!hold)
            continue;
        for (uint32_t i = 0; i < m->nev && rc == 0; i++) {
            const fev *v = &m->ev[i];
            switch (v->kind) {
            case EV_KEY:
                rc = pred_add(sc, pc->p, &v->addr, (seer_key_field)v->field, v->has_slot ? &v->slot : NULL,
                              v->write, (seer_pred_tier)v->tier);
                break;
            case EV_ALL: rc = pred_all_slots(sc, pc->p, &v->addr, v->write); break;
            default: {
                seer_address w = sc->where; /* the code the record's walk was in */
                bool ws = sc->where_set;
                sc->where = v->addr;
                sc->where_set = true;
                pred_unknown(sc, pc->p, v->why);
                sc->where = w;
                sc->where_set = ws;
                break;
            }
            }
        }
        for (uint32_t j = 0; j < m->nsub; j++) {
            sc->seen_unit[sc->nseen] = sc->unit;
            sc->seen[sc->nseen] = m->sub[j];
            sc->seen_creates[sc->nseen++] = 0;
        }
        pc->p->frames += m->nsub;
        pc->ret_budget -= m->ret_used;
        for (frec *r = sc->rec; r; r = r->up)
            for (int w = 0; w < 4; w++)
                r->cmask[w] |= m->cmask[w];
        if (m->origin_dep)
            sc->origin_reads++;
        res = rc < 0 ? rc : 1;
    }
    pthread_rwlock_unlock(&a->mlock);
    return res;
}

static void fmemo_clear_locked(seer_analyzer *a)
{
    if (!a->mb)
        return;
    for (size_t b = 0; b < FMEMO_BUCKETS; b++) {
        fmemo *m = a->mb[b];
        while (m) {
            fmemo *n = m->next;
            free(m);
            m = n;
        }
        a->mb[b] = NULL;
    }
    a->mcount = a->mbytes = 0;
}

static void fmemo_clear(seer_analyzer *a)
{
    pthread_rwlock_wrlock(&a->mlock);
    fmemo_clear_locked(a);
    pthread_rwlock_unlock(&a->mlock);
}

static size_t align16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

static bool dh_reset(scratch *sc, uint32_t n)
{
    uint32_t cap = 64;
    while (cap < 2 * n + 2)
        cap *= 2;
    if (cap > sc->dhalloc) {
        uint32_t *q = malloc((size_t)cap * sizeof *q); /* cleared below: nothing to copy */
        if (!q)
            return false;
        free(sc->dh);
        sc->dh = q;
        sc->dhalloc = cap;
    }
    memset(sc->dh, 0, (size_t)cap * sizeof *sc->dh);
    sc->dhcap = cap; /* the mask in use: a smaller table is faster to clear */
    return true;
}

/* Room for n elements of `size` in *buf (at least doubling), its old
 * contents dropped: the compactions rebuild it from scratch. */
static bool buf_reserve(void **buf, uint32_t *cap, uint32_t n, size_t size)
{
    if (n <= *cap)
        return true;
    uint32_t nc = n < 2 * *cap ? 2 * *cap : n;
    void *q = malloc((size_t)nc * size);
    if (!q)
        return false;
    free(*buf);
    *buf = q;
    *cap = nc;
    return true;
}

/* The additions of ev[0..n) with the same effect on any prediction: a key
 * once, at its first place, with the lowest tier it was added with (the
 * key set keeps the lowest); a wildcard once; the first "unknown" reason
 * only (the later ones are not kept). Into sc->evc; the count, or -1. */
static int64_t ev_compact(scratch *sc, const fev *ev, uint32_t n)
{
    if (!buf_reserve((void **)&sc->evc, &sc->evccap, n, sizeof *sc->evc) || !dh_reset(sc, n))
        return -1;
    uint32_t m = 0, mask = sc->dhcap - 1;
    bool unk = false;
    for (uint32_t i = 0; i < n; i++) {
        const fev *v = &ev[i];
        if (v->kind == EV_UNKNOWN) {
            if (!unk)
                sc->evc[m++] = *v;
            unk = true;
            continue;
        }
        uint64_t h = fmix(((uint64_t)v->kind << 24) | ((uint64_t)v->field << 16) | ((uint64_t)v->write << 8) |
                              v->has_slot,
                          0);
        h = hash_words(h, &v->addr, sizeof v->addr);
        for (int w = 0; w < 4; w++)
            h = fmix(h, v->slot.w[w]);
        uint32_t slot = (uint32_t)h & mask;
        fev *u = NULL;
        while (sc->dh[slot]) {
            u = &sc->evc[sc->dh[slot] - 1];
            if (u->kind == v->kind && u->field == v->field && u->write == v->write &&
                u->has_slot == v->has_slot && !memcmp(&u->addr, &v->addr, sizeof v->addr) &&
                u256_cmp(&u->slot, &v->slot) == 0)
                break;
            u = NULL;
            slot = (slot + 1) & mask;
        }
        if (u) {
            if (v->tier < u->tier)
                u->tier = v->tier;
            continue;
        }
        sc->evc[m] = *v;
        sc->dh[slot] = ++m;
    }
    return m;
}

/* The distinct reads of rd[0..n) (within one prediction a read gives one
 * value) into sc->rdc; the count, or -1. */
static int64_t rd_compact(scratch *sc, const frd *rd, uint32_t n)
{
    if (!buf_reserve((void **)&sc->rdc, &sc->rdccap, n, sizeof *sc->rdc) || !dh_reset(sc, n))
        return -1;
    uint32_t m = 0, mask = sc->dhcap - 1;
    for (uint32_t i = 0; i < n; i++) {
        const frd *r = &rd[i];
        uint64_t h = hash_words(r->kind, &r->addr, sizeof r->addr);
        for (int w = 0; w < 4; w++)
            h = fmix(h, r->key.w[w]);
        uint32_t slot = (uint32_t)h & mask;
        bool dup = false;
        while (sc->dh[slot] && !dup) {
            const frd *u = &sc->rdc[sc->dh[slot] - 1];
            dup = u->kind == r->kind && !memcmp(&u->addr, &r->addr, sizeof r->addr) &&
                  u256_cmp(&u->key, &r->key) == 0;
            if (!dup)
                slot = (slot + 1) & mask;
        }
        if (dup)
            continue;
        sc->rdc[m] = *r;
        sc->dh[slot] = ++m;
    }
    return m;
}

/* Stores the frame just walked (rec) when it is fit for reuse. A failed
 * allocation only loses the entry. */
static void fmemo_record(pctx *pc, const cache_ent *ce, const frame_in *f, seer_pred_tier tier, uint64_t h,
                         const frec *rec)
{
    seer_analyzer *a = pc->a;
    scratch *sc = pc->sc;
    if (rec->tainted || sc->create_calls != rec->creates0 || sc->untracked != rec->untracked0 ||
        pc->ret_budget == 0 || sc->nseen >= MAX_FRAMES ||
        __atomic_load_n(&a->gen, __ATOMIC_RELAXED) != rec->gen0)
        return;
    int64_t cev = ev_compact(sc, sc->ev ? sc->ev + rec->ev0 : NULL, sc->nev - rec->ev0);
    int64_t crd = cev < 0 ? -1 : rd_compact(sc, sc->rd ? sc->rd + rec->rd0 : NULL, sc->nrd - rec->rd0);
    if (crd < 0)
        return;
    uint32_t nev = (uint32_t)cev, nrd = (uint32_t)crd, nsub = sc->nseen - rec->seen0 - 1;
    bool all_known = !f->cd_known || !f->cd_len || !memchr(f->cd_known, 0, f->cd_len);
    size_t o_ev = align16(sizeof(fmemo)), o_rd = o_ev + align16((size_t)nev * sizeof(fev)),
           o_sub = o_rd + align16((size_t)nrd * sizeof(frd)), o_cd = o_sub + align16((size_t)nsub * 8),
           o_cdk = o_cd + align16(f->cd_len), total = o_cdk + (all_known ? 0 : f->cd_len);
    uint8_t *blk = malloc(total);
    if (!blk)
        return;
    fmemo *m = (fmemo *)blk;
    memset(m, 0, sizeof *m);
    m->h = h;
    m->gen = rec->gen0;
    m->code_hash = ce->key.hash;
    m->sel = ce->key.sel;
    m->ctx = f->ctx;
    m->code_addr = f->code_addr;
    m->caller_dep = rec->caller_dep;
    if (rec->caller_dep)
        m->caller = f->caller;
    m->origin_dep = sc->origin_reads != rec->origin0;
    if (m->origin_dep)
        m->origin = pc->tx->sender;
    m->coinbase = pc->env->coinbase;
    m->number = pc->env->number;
    m->timestamp = pc->env->timestamp;
    m->gas_limit = pc->env->gas_limit;
    m->chain_id = pc->env->chain_id;
    m->base_fee = pc->env->base_fee;
    m->value = f->value;
    m->depth = f->depth;
    m->tier = (uint8_t)tier;
    m->value_known = f->value_known;
    m->cd_len_known = f->cd_len_known;
    m->cd_len = f->cd_len;
    memcpy(m->cmask, rec->cmask, sizeof m->cmask);
    m->ret_used = rec->budget0 - pc->ret_budget;
    m->nsub = nsub;
    m->nev = nev;
    m->nrd = nrd;
    m->bytes = total;
    m->ev = (fev *)(blk + o_ev);
    m->rd = (frd *)(blk + o_rd);
    m->sub = (uint64_t *)(blk + o_sub);
    m->cd = blk + o_cd;
    m->cdk = all_known ? NULL : blk + o_cdk;
    if (nev)
        memcpy(m->ev, sc->evc, (size_t)nev * sizeof(fev));
    if (nrd)
        memcpy(m->rd, sc->rdc, (size_t)nrd * sizeof(frd));
    if (nsub)
        memcpy(m->sub, sc->seen + rec->seen0 + 1, (size_t)nsub * 8);
    if (f->cd_len) {
        if (f->cd)
            memcpy(m->cd, f->cd, f->cd_len);
        else
            memset(m->cd, 0, f->cd_len);
    }
    if (m->cdk)
        for (size_t i = 0; i < f->cd_len; i++)
            m->cdk[i] = cd_known_at(f, i);
    pthread_rwlock_wrlock(&a->mlock);
    if (!a->mb && !(a->mb = calloc(FMEMO_BUCKETS, sizeof *a->mb))) {
        pthread_rwlock_unlock(&a->mlock);
        free(blk);
        return;
    }
    if (a->mbytes + total > FMEMO_MAX_BYTES)
        fmemo_clear_locked(a);
    fmemo **b = &a->mb[h & (FMEMO_BUCKETS - 1)];
    m->next = *b;
    *b = m;
    a->mcount++;
    a->mbytes += total;
    pthread_rwlock_unlock(&a->mlock);
}

/* Instantiates the templates of guard g. */
static int guard_templates(evalctx *e, uint32_t g)
{
    pctx *pc = e->pc;
    const an_summary *s = e->s;
    const frame_in *f = e->f;
    seer_prediction *p = pc->p;
    int rc = 0;
    if (s->gtpl_start[g] < s->gtpl_start[g + 1]) {
        pc->sc->where = f->code_addr; /* for pred_unknown */
        pc->sc->where_set = true;
    }
    for (uint32_t ti = s->gtpl_start[g]; ti < s->gtpl_start[g + 1] && rc == 0 && pc->err == 0 && !cut(pc);
         ti++) {
        const an_template *t = &s->tpl[s->gtpl[ti]];
        u256 v;
        bool t2 = false;
        seer_address addr;
        switch (t->kind) {
        case AT_SLOAD:
        case AT_SSTORE:
            if (eval(e, t->a, &v, &t2))
                rc = PRW(&f->ctx, SEER_KEY_STORAGE, &v, t->kind == AT_SSTORE, tier_of(e, t2));
            else
                rc = pred_all_slots(pc->sc, p, &f->ctx, t->kind == AT_SSTORE);
            break;
        case AT_BALANCE:
        case AT_CODE:
        case AT_CODEHASH:
            if (!eval(e, t->a, &v, &t2)) {
                pred_unknown(pc->sc, p,
                             t->kind == AT_BALANCE ? "BALANCE of an address not derivable"
                                                   : "EXTCODE* of an address not derivable");
                break;
            }
            addr_of(&addr, &v);
            if (t->kind == AT_BALANCE) {
                rc = PADD(&addr, SEER_KEY_BALANCE, NULL, false, tier_of(e, t2));
            } else {
                rc = PADD(&addr, SEER_KEY_CODE, NULL, false, tier_of(e, t2));
                if (rc == 0 && t->kind == AT_CODEHASH)
                    rc = PADD(&addr, SEER_KEY_EXISTS, NULL, false, tier_of(e, t2));
            }
            break;
        case AT_SELFBALANCE: rc = PADD(&f->ctx, SEER_KEY_BALANCE, NULL, false, tier_of(e, false)); break;
        case AT_SELFDESTRUCT:
            if (!eval(e, t->a, &v, &t2)) {
                pred_unknown(pc->sc, p, "SELFDESTRUCT beneficiary not derivable");
                break;
            }
            addr_of(&addr, &v);
            rc = PRW(&f->ctx, SEER_KEY_BALANCE, NULL, true, tier_of(e, t2));
            if (rc == 0)
                rc = PRW(&addr, SEER_KEY_EXISTS, NULL, true, tier_of(e, t2));
            if (rc == 0)
                rc = PADD(&addr, SEER_KEY_BALANCE, NULL, true, tier_of(e, t2));
            if (rc == 0)
                rc = pred_all_slots(pc->sc, p, &f->ctx, true); /* pre-Cancun: the storage goes */
            if (rc == 0)
                rc = PRW(&f->ctx, SEER_KEY_NONCE, NULL, true, tier_of(e, t2));
            if (rc == 0)
                rc = PRW(&f->ctx, SEER_KEY_CODE, NULL, true, tier_of(e, t2));
            if (rc == 0)
                rc = PRW(&f->ctx, SEER_KEY_EXISTS, NULL, true, tier_of(e, t2));
            break;
        case AT_CALL:
        case AT_CREATE:
            rc = t->kind == AT_CALL ? inst_call(pc, e, &s->calls[t->call])
                                    : inst_create(pc, e, &s->calls[t->call], t->call);
            pc->sc->where = f->code_addr; /* the callee's walk changed it */
            break;
        case AT_UNKNOWN:
        default: pred_unknown(pc->sc, p, "analysis incomplete (budget, loop or symbolic jump)"); break;
        }
    }
    return rc;
}

/* Walks the guard graph from the root over the forward edges, entering a
 * guard when it may hold (iterative, so cyclic merges are fine), and
 * instantiates the templates of each guard entered: only the feasible
 * part is visited. With the entry's reduced graph the walk decides only
 * at guards whose condition may evaluate, and visits of the others are
 * replaced by their precomputed lists. */
static int an_instantiate(pctx *pc, cache_ent *ce, const frame_in *f, seer_pred_tier tier)
{
    if (cut(pc))
        return 0;
    const an_summary *s = ce->s;
    scratch *sc = pc->sc;
    uint64_t wsig;
    unsigned wa = writer_above(sc, &f->ctx, f->depth, &wsig);
    bool stale = wa < f->depth; /* see "re-entrancy" */
    uint64_t base = frame_base(s, f, frame_cd_digest(pc, f)), sig = frame_sig(base, f);
    if (stale)
        sig = fmix(sig, wsig ^ 0x5eadULL); /* not the frame with pre-state reads */
    for (uint32_t i = 0; i < sc->nseen; i++)
        if (sc->seen[i] == sig && !sc->seen_creates[i]) {
            /* Frames being recorded that started after it depend on this
             * transaction; the one it is (the same inputs but perhaps the
             * caller) on its caller. */
            for (frec *r = sc->rec; r; r = r->up) {
                if (r->seen0 > i)
                    r->tainted = true;
                else if (r->seen0 == i)
                    r->caller_dep = true;
            }
            unit_repeat(sc, sc->seen_unit[i]); /* it may read what it wrote */
            return 0;                          /* the same keys again (a creation must be counted again) */
        }
    if (sc->nseen == MAX_FRAMES) {
        pred_unknown(pc->sc, pc->p, "frame budget per transaction");
        return 0;
    }
    uint32_t me = sc->nseen++;
    sc->seen[me] = sig;
    sc->seen_creates[me] = 0;
    uint32_t creates0 = sc->ncreates, unit0 = sc->unit;
    sc->unit = sc->seen_unit[me] = unit_enter(sc, sig); /* see "earlier writes" */
    pc->p->frames++;
    uint64_t mh = fmemo_hash(base, f, tier, pc->env);
    int rc = stale ? 0 : fmemo_lookup(pc, ce, f, tier, mh);
    level *lv = &sc->lv[f->depth];
    if (rc == 0)
        rc = level_begin(lv, s->nguards ? s->nguards : 1, s->nnodes);
    if (rc != 0) {
        sc->unit = unit0;
        return rc < 0 ? rc : 0;
    }
    frame_enter(sc, f->depth, &f->ctx, ce, wa);
    /* Recorded when its key was walked twice before (a hint, racy by
     * design: it only decides whether to record). */
    bool record = !stale; /* a stale frame depends on its ancestors */
    if (record && pc->a->hint) {
        uint64_t *hs = &pc->a->hint[mh & (FMEMO_HINTS - 1)];
        uint64_t v = __atomic_load_n(hs, __ATOMIC_RELAXED), tag = mh & ~(uint64_t)3;
        uint64_t walks = (v & ~(uint64_t)3) == tag ? v & 3 : 0;
        record = walks >= 2;
        if (!record)
            __atomic_store_n(hs, tag | (walks + 1), __ATOMIC_RELAXED);
    }
    if (!sc->rec)
        sc->nev = sc->nrd = 0; /* the logs of a finished outermost recording */
    frec rec;
    memset(&rec, 0, sizeof rec);
    rec.up = sc->rec;
    rec.ev0 = sc->nev;
    rec.rd0 = sc->nrd;
    rec.seen0 = me;
    rec.budget0 = pc->ret_budget;
    rec.origin0 = sc->origin_reads;
    rec.untracked0 = sc->untracked;
    rec.tr0 = sc->ntr;
    rec.tw0 = sc->ntw;
    rec.creates0 = sc->create_calls;
    rec.gen0 = __atomic_load_n(&pc->a->gen, __ATOMIC_RELAXED);
    rec.depth = f->depth;
    ctx_bit(rec.cmask, &f->ctx);
    if (record)
        sc->rec = &rec;
    evalctx e = {pc, ce, s, f, lv, record ? &rec : NULL, record ? &rec : NULL, tier, stale};
    uint32_t *queue = lv->queue, *mark = lv->gmark, ep = lv->epoch, qh = 0, qt = 0;
    mark[0] = ep;
    queue[qt++] = 0;
    if (ce->kt_start) {
        /* Marks: a key guard when entered, any other when its templates
         * were instantiated (the two sets are apart but for the key
         * itself, first in its own list). */
        while (qh < qt && rc == 0 && pc->err == 0 && !cut(pc)) {
            uint32_t k = queue[qh++];
            /* (the bounds read once: the entry does not change during a walk) */
            for (uint32_t j = ce->kt_start[k], jn = ce->kt_start[k + 1]; j < jn && rc == 0; j++) {
                uint32_t g = ce->kt[j];
                if (g != k) {
                    if (mark[g] == ep)
                        continue;
                    mark[g] = ep;
                }
                rc = guard_templates(&e, g);
            }
            for (uint32_t j = ce->kf_start[k], jn = ce->kf_start[k + 1]; j < jn && rc == 0 && pc->err == 0;
                 j++) {
                uint32_t c = ce->kf[j];
                if (mark[c] == ep || !guard_may_hold(&e, c))
                    continue;
                mark[c] = ep;
                queue[qt++] = c;
            }
        }
    } else {
        while (qh < qt && rc == 0 && pc->err == 0 && !cut(pc)) {
            uint32_t g = queue[qh++];
            rc = guard_templates(&e, g);
            for (uint32_t i = s->gchild_start[g]; i < s->gchild_start[g + 1] && rc == 0 && pc->err == 0;
                 i++) {
                uint32_t c = s->gchild[i];
                if (mark[c] == ep || !guard_may_hold(&e, c))
                    continue;
                mark[c] = ep;
                queue[qt++] = c;
            }
        }
    }
    sc->rec = rec.up;
    if (sc->ncreates != creates0)
        sc->seen_creates[me] = 1;
    if (rc == 0 && pc->err)
        rc = pc->err;
    if (rc == 0 && record && tacc_conflicts(sc, rec.tr0, rec.tw0, false) == 0)
        fmemo_record(pc, ce, f, tier, mh, &rec);
    sc->unit = unit0;
    return rc;
}

void seer_analyzer_set_stop_at_unknown(seer_analyzer *a, bool on)
{
    if (!a || a->stop_unknown == on)
        return;
    a->stop_unknown = on;
    /* Frames recorded in one mode would replay differently in the other. */
    __atomic_add_fetch(&a->gen, 1, __ATOMIC_RELAXED);
    fmemo_clear(a);
}

/* The prediction of a transaction to another account that runs no code
 * (no code there, or a precompile): the transaction's own keys, which the
 * general path below would add and sort, written in order at once (no
 * scratch, key set or sort). exists_w: the call writes the recipient's
 * existence (call_writes_exists). */
static int predict_plain(seer_prediction *out, const seer_tx *tx, bool has_value, bool exists_w)
{
    typedef struct {
        const seer_address *addr;
        seer_key_field f;
        bool write;
    } pk;
    pk ks[9], from[5] = {{&tx->sender, SEER_KEY_BALANCE, false},
                         {&tx->sender, SEER_KEY_BALANCE, true},
                         {&tx->sender, SEER_KEY_NONCE, false},
                         {&tx->sender, SEER_KEY_NONCE, true},
                         {&tx->sender, SEER_KEY_CODE, false}};
    pk to[4];
    size_t nto = 0, n = 0;
    if (has_value)
        to[nto++] = (pk){&tx->to, SEER_KEY_BALANCE, true};
    to[nto++] = (pk){&tx->to, SEER_KEY_CODE, false};
    to[nto++] = (pk){&tx->to, SEER_KEY_EXISTS, false};
    if (exists_w)
        to[nto++] = (pk){&tx->to, SEER_KEY_EXISTS, true};
    /* By address (the key's first bytes), then field, then write. */
    bool from_first = memcmp(tx->sender.bytes, tx->to.bytes, 20) < 0;
    for (int part = 0; part < 2; part++) {
        bool f = (part == 0) == from_first;
        for (size_t i = 0; i < (f ? 5 : nto); i++)
            ks[n++] = f ? from[i] : to[i];
    }
    out->keys = malloc(32 * sizeof *out->keys);
    if (!out->keys)
        return seer_err(SEER_ENOMEM, "prediction keys");
    out->keys_cap = 32;
    for (size_t i = 0; i < n; i++) {
        seer_pred_key *k = &out->keys[i];
        memset(k, 0, sizeof *k);
        key_make(&k->key, ks[i].addr, ks[i].f, NULL);
        k->write = ks[i].write;
        k->tier = SEER_PRED_TX;
    }
    out->nkeys = n;
    return 0;
}

/* One pass of a prediction (see "earlier writes"): the transaction's own
 * keys, then its frames. to_acct: the recipient's account. */
static int predict_pass(pctx *pc, const seer_account *to_acct)
{
    seer_analyzer *a = pc->a;
    const seer_tx *tx = pc->tx;
    bool has_value = !u256_is_zero(&tx->value), pre = tx->has_to && is_precompile(&tx->to);
    int rc = kset_begin(pc->sc);
    const seer_address *from = &tx->sender;
    if (rc == 0)
        rc = PRW(from, SEER_KEY_NONCE, NULL, true, SEER_PRED_TX);
    if (rc == 0)
        rc = PRW(from, SEER_KEY_BALANCE, NULL, true, SEER_PRED_TX);
    if (rc == 0)
        rc = PADD(from, SEER_KEY_CODE, NULL, false, SEER_PRED_TX);
    frame_in f;
    memset(&f, 0, sizeof f);
    f.caller = *from;
    f.value = tx->value;
    f.value_known = true;
    f.cd = tx->data;
    f.cd_len = tx->data_len;
    f.cd_len_known = true;
    if (rc == 0 && tx->has_to) {
        f.ctx = f.code_addr = tx->to;
        rc = PADD(&tx->to, SEER_KEY_EXISTS, NULL, false, SEER_PRED_TX);
        if (rc == 0)
            rc = PADD(&tx->to, SEER_KEY_CODE, NULL, false, SEER_PRED_TX);
        if (rc == 0 && has_value)
            rc = PADD(&tx->to, SEER_KEY_BALANCE, NULL, true, SEER_PRED_TX);
        if (rc == 0 && call_writes_exists(pc->env, has_value, to_acct))
            rc = PADD(&tx->to, SEER_KEY_EXISTS, NULL, true, SEER_PRED_TX);
        if (rc == 0 && !pre)
            rc = frame(pc, &f, SEER_PRED_STATIC, to_acct);
    } else if (rc == 0) {
        /* Creation: the address is the sender's and the tx nonce's; the
         * init code is the data, run with empty calldata. */
        seer_address na;
        an_create_address(&na, from, tx->nonce);
        f.ctx = f.code_addr = na;
        f.cd = NULL;
        f.cd_len = 0;
        seer_key_field fl[] = {SEER_KEY_NONCE, SEER_KEY_CODE, SEER_KEY_EXISTS};
        for (size_t i = 0; i < SEER_ARRAY_LEN(fl) && rc == 0; i++)
            rc = PRW(&na, fl[i], NULL, true, SEER_PRED_TX);
        if (rc == 0)
            rc = PADD(&na, SEER_KEY_BALANCE, NULL, true, SEER_PRED_TX);
        seer_bytes32 h;
        seer_keccak256(h.bytes, tx->data, tx->data_len);
        cache_ent *ce = NULL;
        if (rc == 0)
            rc = cache_acquire(a, &ce, &h, -1, tx->data, tx->data_len);
        if (rc == 0)
            rc = pin(pc, ce);
        if (rc == 0)
            rc = an_instantiate(pc, ce, &f, SEER_PRED_STATIC);
    }
    if (rc == 0 && !cut(pc))
        rc = finish_creates(pc);
    return rc;
}

int seer_analyzer_predict_tx(seer_analyzer *a, seer_prediction *out, const seer_tx *tx,
                             const seer_block_env *env, const seer_state_reader *reader)
{
    if (!a || !out || !tx || !env || !reader || !tx->has_sender)
        return SEER_EINVAL;
    memset(out, 0, sizeof *out);
    bool has_value = !u256_is_zero(&tx->value);
    /* One read of the recipient: its existence and its code. */
    seer_account acct;
    memset(&acct, 0, sizeof acct);
    bool pre = tx->has_to && is_precompile(&tx->to);
    if (tx->has_to) {
        int rc = reader->vt->get_account(reader->ctx, &tx->to, &acct);
        if (rc < 0)
            return rc;
    }
    bool exists_w = tx->has_to && call_writes_exists(env, has_value, &acct);
    if (tx->has_to && memcmp(&tx->to, &tx->sender, sizeof tx->to) &&
        (pre || !acct.exists || !memcmp(&acct.code_hash, &SEER_EMPTY_CODE_HASH, 32)))
        return predict_plain(out, tx, has_value, exists_w);
    pctx pcx;
    memset(&pcx, 0, sizeof pcx);
    pctx *pc = &pcx;
    pc->a = a;
    pc->p = out;
    pc->tx = tx;
    pc->env = env;
    pc->base = reader;
    pc->wr.vt = &wr_vt;
    pc->wr.ctx = pc;
    pc->r = &pc->wr;
    pc->ret_budget = RET_BUDGET;
    pc->max_depth = a->opts.max_call_depth;
    pc->stop = a->stop_unknown;
    pc->sc = scratch_get(a);
    if (!pc->sc)
        return seer_err(SEER_ENOMEM, "prediction scratch");
    int rc = 0;
    for (unsigned pass = 1;; pass++) {
        if ((rc = predict_pass(pc, &acct)) < 0 || out->unknown)
            break;
        scratch *sc = pc->sc;
        if (sc->nunits <= 1 && !sc->nrep && !sc->tfail)
            break; /* one frame: nothing it reads was written before it */
        if ((rc = tacc_conflicts(sc, 0, 0, true)) <= 0)
            break;
        rc = 0;
        if (pass == TAINT_PASSES) {
            sc->where_set = false; /* the transaction as a whole */
            pred_unknown(sc, out, "storage written earlier in the transaction");
            break;
        }
        seer_prediction_clear(out);
        scratch_reset_pass(sc);
        pc->err = 0;
        pc->ret_budget = RET_BUDGET;
        pc->ret_walks = 0;
    }
    if (rc >= 0)
        pred_finish(pc->sc, out);
    scratch_put(a, pc->sc);
    if (rc < 0) {
        seer_prediction_clear(out);
        return rc;
    }
    return 0;
}

bool an_retdata_eval(an_rctx *rc, const an_summary *s, const an_rframe *f, uint32_t node, u256 *out)
{
    if (!rc || !s || !f || node == 0 || node >= s->nnodes || s->nodes[node].kind != AN_RETDATA ||
        f->depth > rc->max_depth || rc->max_depth > 64 || !rc->summary)
        return false;
    pctx pcx;
    memset(&pcx, 0, sizeof pcx);
    pctx *pc = &pcx;
    seer_tx tx; /* its sender is the origin */
    memset(&tx, 0, sizeof tx);
    tx.sender = rc->origin;
    tx.has_sender = true;
    pc->tx = &tx;
    pc->env = rc->env;
    pc->r = pc->base = rc->r;
    pc->max_depth = rc->max_depth;
    pc->ret_budget = rc->budget;
    pc->ext = rc;
    pc->sc = scratch_new(rc->max_depth + 2);
    bool ok = false;
    int err =
        pc->sc ? level_begin(&pc->sc->lv[f->depth], 1, s->nnodes) : seer_err(SEER_ENOMEM, "return data");
    if (err == 0) {
        /* Its ancestors are not known: none is taken to write. */
        pc->sc->lv[f->depth].ctx = f->ctx;
        pc->sc->lv[f->depth].writes = summary_writes(s);
        pc->sc->lv[f->depth].wce = NULL; /* any slot */
        evalctx e = {pc, NULL, s, f, &pc->sc->lv[f->depth], NULL, NULL, SEER_PRED_STATE, false};
        ok = retdata_eval(&e, s->nodes[node].a, s->nodes[node].b, out);
        err = pc->err;
    }
    rc->budget = pc->ret_budget;
    if (err < 0) {
        rc->err = err;
        ok = false;
    }
    for (uint32_t i = 0; i < pc->nshells; i++) {
        ent_free_index(pc->shells[i]);
        free(pc->shells[i]);
    }
    free(pc->shells);
    scratch_free(pc->sc);
    return ok;
}
