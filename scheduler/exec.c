/* The parallel block executor: levels from predicted access sets, a thread
 * pool running each level's transactions in their own worlds over one
 * shared block overlay, validation of the recorded sets, and re-scheduling
 * of the suffix after a misprediction (DESIGN.md, "The correctness
 * invariant"). The target store sees nothing until the result is final. */
#include "analyzer/analyzer_internal.h"
#include "common/hashtab.h"
#include "common/util.h"
#include "scheduler/keymap.h"
#include "scheduler/sched.h"
#include "state/overlay.h"
#include "vm/analysis.h"
#include "vm/interp.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

unsigned seer_sched_cpus(void)
{
    /* sysconf reads a file each time: once per process */
    static atomic_uint cached;
    unsigned c = atomic_load_explicit(&cached, memory_order_relaxed);
    if (!c) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        c = n > 0 ? (unsigned)n : 1;
        atomic_store_explicit(&cached, c, memory_order_relaxed);
    }
    return c;
}

/* ------------------------------------------------------------------ */
/* a small thread pool: the caller is worker 0                         */

typedef struct pool pool;
typedef void (*pool_fn)(pool *p, unsigned wid, void *arg);

struct pool {
    unsigned n; /* threads including the caller */
    pthread_t *th;
    pthread_mutex_t mu;
    pthread_cond_t start, done;
    atomic_uint_fast64_t gen; /* bumped per run (release: fn and arg are set) */
    atomic_uint busy;         /* workers still in the current run */
    atomic_bool quit;
    pool_fn fn;
    void *arg;
    unsigned spin; /* POOL_SPIN, 0 with more threads than CPUs (a spinning
                      thread would take the CPU of one with work) */
};

/* How long a thread polls for the next run (or the end of one) before it
 * sleeps on a condition variable: a level of a few transactions takes tens
 * of microseconds, a futex wake-up about as long. */
#define POOL_SPIN 2000

static inline void cpu_relax(unsigned i)
{
    /* now and then let another process run: the CPUs may be shared */
    if ((i & 63) == 63)
        sched_yield();
#if defined(__x86_64__) || defined(__i386__)
    else
        __builtin_ia32_pause();
#endif
}

typedef struct pool_thread_arg {
    pool *p;
    unsigned wid;
} pool_thread_arg;

static void *pool_main(void *x)
{
    pool_thread_arg *ta = x;
    pool *p = ta->p;
    unsigned wid = ta->wid;
    free(ta);
    uint_fast64_t seen = 0;
    for (;;) {
        uint_fast64_t g = atomic_load_explicit(&p->gen, memory_order_acquire);
        for (unsigned i = 0;
             g == seen && i < POOL_SPIN && !atomic_load_explicit(&p->quit, memory_order_relaxed); i++) {
            cpu_relax(i);
            g = atomic_load_explicit(&p->gen, memory_order_acquire);
        }
        if (g == seen) {
            pthread_mutex_lock(&p->mu);
            while (!atomic_load(&p->quit) && (g = atomic_load(&p->gen)) == seen)
                pthread_cond_wait(&p->start, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
        if (atomic_load(&p->quit))
            break;
        seen = g;
        p->fn(p, wid, p->arg);
        if (atomic_fetch_sub_explicit(&p->busy, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
    }
    /* the interpreter keeps a per-thread stack pool (vm/interp.h) */
    seer_vm_thread_cleanup();
    return NULL;
}

static void pool_free(pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->quit, true);
    pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 1; i < p->n; i++)
        if (p->th[i])
            pthread_join(p->th[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->start);
    pthread_cond_destroy(&p->done);
    free(p->th);
    free(p);
}

static int pool_new(pool **out, unsigned n)
{
    pool *p = calloc(1, sizeof *p);
    if (!p)
        return SEER_ENOMEM;
    p->n = n ? n : 1;
    p->th = calloc(p->n, sizeof *p->th);
    if (!p->th) {
        free(p);
        return SEER_ENOMEM;
    }
    p->spin = p->n <= seer_sched_cpus() ? POOL_SPIN : 0;
    const char *e = getenv("SEER_SCHED_SPIN"); /* experiments: polls before sleeping */
    if (e && *e)
        p->spin = (unsigned)strtoul(e, NULL, 10);
    atomic_init(&p->gen, 0);
    atomic_init(&p->busy, 0);
    atomic_init(&p->quit, false);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->start, NULL);
    pthread_cond_init(&p->done, NULL);
    for (unsigned i = 1; i < p->n; i++) {
        pool_thread_arg *ta = malloc(sizeof *ta);
        if (ta) {
            ta->p = p;
            ta->wid = i;
        }
        if (!ta || pthread_create(&p->th[i], NULL, pool_main, ta) != 0) {
            free(ta);
            p->n = i;
            pool_free(p);
            return seer_err(SEER_ENOMEM, "scheduler: cannot start worker thread %u", i);
        }
    }
    *out = p;
    return 0;
}

/* Runs fn on every thread (the caller as worker 0) and waits for all. The
 * workers of the previous run have all read fn and arg (busy reached 0)
 * before they are replaced. */
static void pool_run(pool *p, pool_fn fn, void *arg, unsigned nthreads)
{
    if (nthreads > p->n)
        nthreads = p->n;
    if (nthreads <= 1) {
        fn(p, 0, arg);
        return;
    }
    p->fn = fn;
    p->arg = arg;
    atomic_store_explicit(&p->busy, p->n - 1, memory_order_relaxed);
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
    pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->mu);
    fn(p, 0, arg);
    for (unsigned i = 0; i < p->spin && atomic_load_explicit(&p->busy, memory_order_acquire); i++)
        cpu_relax(i);
    if (atomic_load_explicit(&p->busy, memory_order_acquire)) {
        pthread_mutex_lock(&p->mu);
        while (atomic_load(&p->busy))
            pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
}

/* ------------------------------------------------------------------ */
/* admission and prediction in parallel                                */

typedef struct admit_job {
    seer_block *b;
    seer_fork fork;
    uint64_t chain_id;
    atomic_size_t next;
    atomic_size_t bad; /* lowest failing index, SIZE_MAX none */
} admit_job;

static void admit_worker(pool *p, unsigned wid, void *arg)
{
    admit_job *j = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->b->ntxs)
            break;
        const char *ex = NULL;
        if (seer_block_admit_tx(j->b, i, j->fork, j->chain_id, &ex) < 0) {
            size_t cur = atomic_load(&j->bad);
            while (i < cur && !atomic_compare_exchange_weak(&j->bad, &cur, i))
                ;
        }
    }
}

int seer_sched_admit_txs(seer_block *b, seer_fork fork, uint64_t chain_id, unsigned threads, size_t *bad,
                         const char **exception)
{
    if (exception)
        *exception = NULL;
    if (!b)
        return SEER_EINVAL;
    if (!threads)
        threads = seer_sched_cpus();
    if (threads > b->ntxs / 8 + 1)
        threads = (unsigned)(b->ntxs / 8 + 1);
    pool *p = NULL;
    int rc = pool_new(&p, threads);
    if (rc < 0)
        return rc;
    admit_job j = {.b = b, .fork = fork, .chain_id = chain_id};
    atomic_init(&j.next, 0);
    atomic_init(&j.bad, SIZE_MAX);
    pool_run(p, admit_worker, &j, threads);
    pool_free(p);
    size_t k = atomic_load(&j.bad);
    if (k == SIZE_MAX)
        return 0;
    /* again on this thread, for the detail message and the exception of
     * the lowest failing transaction (what the serial check reports) */
    const char *ex = NULL;
    rc = seer_block_admit_tx(b, k, fork, chain_id, &ex);
    if (bad)
        *bad = k;
    if (exception)
        *exception = ex;
    return rc < 0 ? rc : seer_err(SEER_EINTERNAL, "transaction %zu: admission not repeatable", k);
}

typedef struct predict_job {
    seer_access_set *sets;
    const seer_block *b;
    const size_t *order;
    const size_t *pick; /* NULL: positions 0..n-1, else these n positions */
    size_t n;
    const seer_block_env *env;
    const seer_state_reader *reader;
    seer_analyzer *a;
    atomic_size_t next;
    atomic_int err;
    /* admission in the same pass (the worker predicts a transaction right
     * after recovering its sender: one barrier less); order must be NULL */
    bool admit, predict;
    seer_fork fork;
    uint64_t chain_id;
    atomic_size_t bad;            /* lowest position failing admission, SIZE_MAX none */
    atomic_uint_fast64_t pred_ns; /* with admit: time spent predicting, all workers */
} predict_job;

static void predict_worker(pool *p, unsigned wid, void *arg)
{
    predict_job *j = arg;
    seer_prediction pr;
    memset(&pr, 0, sizeof pr);
    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->n || atomic_load(&j->err))
            break;
        size_t pos = j->pick ? j->pick[i] : i;
        if (j->admit) {
            const char *ex = NULL;
            if (seer_block_admit_tx(j->b, pos, j->fork, j->chain_id, &ex) < 0) {
                size_t cur = atomic_load(&j->bad);
                while (pos < cur && !atomic_compare_exchange_weak(&j->bad, &cur, pos))
                    ;
                continue;
            }
            if (!j->predict)
                continue;
        }
        const seer_tx *tx = &j->b->txs[j->order ? j->order[pos] : pos];
        seer_access_set *s = &j->sets[pos];
        double tp = j->admit ? now_s() : 0;
        int rc = seer_access_set_tx_implied(s, tx, &j->env->coinbase);
        if (rc == 0 && j->a) {
            rc = seer_analyzer_predict_tx(j->a, &pr, tx, j->env, j->reader);
            if (rc == 0)
                rc = seer_access_set_add_prediction(s, &pr);
            seer_prediction_clear(&pr);
        }
        if (j->admit)
            atomic_fetch_add_explicit(&j->pred_ns, (uint_fast64_t)((now_s() - tp) * 1e9),
                                      memory_order_relaxed);
        if (rc < 0) {
            int z = 0;
            atomic_compare_exchange_strong(&j->err, &z, rc);
        }
    }
}

/* Admission of the positions in `pick` (NULL: 0..n-1) of b (block order),
 * with their prediction when `predict` (analyzer `a`, may be NULL), in one
 * parallel pass. A failing admission is reported for the lowest failing
 * position, checked again on this thread for its message (what the serial
 * check reports). Returns 0 or an error. */
static int admit_predict_pick(pool *p, unsigned threads, seer_access_set *sets, const seer_block *b,
                              const size_t *pick, size_t n, const seer_block_env *env,
                              const seer_state_reader *reader, seer_analyzer *a, bool predict, seer_fork fork,
                              uint64_t chain_id, double *pred_s)
{
    predict_job j = {.sets = sets,
                     .b = b,
                     .pick = pick,
                     .n = n,
                     .env = env,
                     .reader = reader,
                     .a = a,
                     .admit = true,
                     .predict = predict,
                     .fork = fork,
                     .chain_id = chain_id};
    atomic_init(&j.next, 0);
    atomic_init(&j.err, 0);
    atomic_init(&j.bad, SIZE_MAX);
    atomic_init(&j.pred_ns, 0);
    pool_run(p, predict_worker, &j, threads);
    /* the analysis' share of the pass's wall time: its time over all
     * workers divided by the workers */
    unsigned used = threads > 1 ? p->n : 1;
    *pred_s = (double)atomic_load(&j.pred_ns) * 1e-9 / used;
    int rc = atomic_load(&j.err);
    size_t k = atomic_load(&j.bad);
    if (rc < 0 || k == SIZE_MAX)
        return rc;
    const char *ex = NULL;
    rc = seer_block_admit_tx(b, k, fork, chain_id, &ex);
    return rc < 0 ? rc : seer_err(SEER_EINTERNAL, "transaction %zu: admission not repeatable", k);
}

static int predict_pick(pool *p, unsigned threads, seer_access_set *sets, const seer_block *b,
                        const size_t *order, const size_t *pick, size_t n, const seer_block_env *env,
                        const seer_state_reader *reader, seer_analyzer *a)
{
    predict_job j = {
        .sets = sets, .b = b, .order = order, .pick = pick, .n = n, .env = env, .reader = reader, .a = a};
    atomic_init(&j.next, 0);
    atomic_init(&j.err, 0);
    atomic_init(&j.bad, SIZE_MAX);
    atomic_init(&j.pred_ns, 0);
    pool_run(p, predict_worker, &j, threads);
    return atomic_load(&j.err);
}

static int predict_with_pool(pool *p, unsigned threads, seer_access_set *sets, const seer_block *b,
                             const size_t *order, size_t n, const seer_block_env *env,
                             const seer_state_reader *reader, seer_analyzer *a)
{
    predict_job j = {.sets = sets, .b = b, .order = order, .n = n, .env = env, .reader = reader, .a = a};
    atomic_init(&j.next, 0);
    atomic_init(&j.err, 0);
    atomic_init(&j.bad, SIZE_MAX);
    atomic_init(&j.pred_ns, 0);
    pool_run(p, predict_worker, &j, threads);
    return atomic_load(&j.err);
}

int seer_sched_predict(seer_access_set *sets, const seer_block *b, const size_t *order, size_t n,
                       const seer_block_env *env, const seer_state_reader *reader, seer_analyzer *a,
                       unsigned threads)
{
    if (!sets || !b || !env || !reader)
        return SEER_EINVAL;
    if (!threads)
        threads = seer_sched_cpus();
    pool *p = NULL;
    int rc = pool_new(&p, threads);
    if (rc < 0)
        return rc;
    rc = predict_with_pool(p, threads, sets, b, order, n, env, reader, a);
    pool_free(p);
    return rc;
}

/* ------------------------------------------------------------------ */
/* per-transaction effects as patches over whatever state merges them  */

enum {
    P_DELETE = 1,  /* the account ends deleted */
    P_CREATE = 2,  /* the account came into existence: every field absolute */
    P_BAL_ABS = 4, /* balance read and written: the new value */
    P_BAL_ADD = 8, /* balance credited blind: add the difference */
    P_NONCE = 16,
    P_CODE = 32,
    P_CLEAR = 64, /* storage cleared before the slots apply */
};

typedef struct patch_acct {
    seer_address addr;
    uint8_t flags;
    u256 balance; /* the value (P_BAL_ABS, P_CREATE) or the difference (P_BAL_ADD) */
    uint64_t nonce;
    seer_bytes32 code_hash;
    uint8_t *code; /* owned copy when code_changed */
    size_t code_len;
    bool code_changed;
    seer_slot_change *slots; /* owned */
    size_t nslots;
} patch_acct;

typedef struct txslot {
    seer_tx_result res;
    seer_receipt rcpt; /* built by the worker (logs and bloom); cumulative gas set at the end */
    bool executed;     /* res, patch and actual belong to the latest execution */
    bool ever_executed;
    int err;
    patch_acct *patch;
    size_t npatch;
    seer_access_set actual;
    bool covered; /* the actual set was inside the prediction */
    bool lane;    /* executed in block order directly on the block overlay (no patch, no actual set) */
} txslot;

static void slot_discard(txslot *s)
{
    seer_tx_result_clear(&s->res);
    seer_receipt_clear(&s->rcpt);
    for (size_t i = 0; i < s->npatch; i++) {
        free(s->patch[i].code);
        free(s->patch[i].slots);
    }
    free(s->patch);
    s->patch = NULL;
    s->npatch = 0;
    s->executed = false;
}

static bool read_field(const seer_key *reads, size_t nreads, const seer_address *a, int field)
{
    seer_key k;
    memset(&k, 0, sizeof k);
    memcpy(k.addr, a->bytes, 20);
    k.field = (uint8_t)field;
    size_t lo = 0, hi = nreads;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = memcmp(&reads[mid], &k, sizeof k);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* The effect of a change set relative to `view`, the state the
 * transaction ran against: only what it changed, balances it never read as
 * differences (DESIGN.md: credits are deltas). */
static int make_patch(txslot *s, const seer_changeset *cs, const seer_state_reader *view,
                      const seer_key *reads, size_t nreads)
{
    s->patch = calloc(cs->naccounts ? cs->naccounts : 1, sizeof *s->patch);
    if (!s->patch)
        return SEER_ENOMEM;
    for (size_t i = 0; i < cs->naccounts; i++) {
        const seer_account_change *c = &cs->accounts[i];
        patch_acct *p = &s->patch[s->npatch++];
        p->addr = c->addr;
        seer_account v;
        int rc = view->vt->get_account(view->ctx, &c->addr, &v);
        if (rc < 0)
            return rc;
        if (!c->account.exists) {
            p->flags = P_DELETE;
            continue;
        }
        if (!v.exists && !c->storage_cleared && !c->code_changed && !c->nslots && c->account.nonce == 0 &&
            memcmp(&c->account.code_hash, &SEER_EMPTY_CODE_HASH, 32) == 0 &&
            !read_field(reads, nreads, &c->addr, SEER_KEY_BALANCE) &&
            !read_field(reads, nreads, &c->addr, SEER_KEY_EXISTS)) {
            /* created by a blind credit alone: "create if absent, add"
             * (access.c classifies its existence write as a credit too) */
            p->flags = P_BAL_ADD;
            p->balance = c->account.balance;
            continue;
        }
        if (!v.exists) {
            p->flags = P_CREATE;
            p->balance = c->account.balance;
            p->nonce = c->account.nonce;
            p->code_hash = c->account.code_hash;
        } else {
            if (!u256_eq(&c->account.balance, &v.balance)) {
                if (read_field(reads, nreads, &c->addr, SEER_KEY_BALANCE)) {
                    p->flags |= P_BAL_ABS;
                    p->balance = c->account.balance;
                } else {
                    p->flags |= P_BAL_ADD;
                    u256_sub(&p->balance, &c->account.balance, &v.balance);
                }
            }
            if (c->account.nonce != v.nonce) {
                p->flags |= P_NONCE;
                p->nonce = c->account.nonce;
            }
            if (memcmp(&c->account.code_hash, &v.code_hash, 32) != 0) {
                p->flags |= P_CODE;
                p->code_hash = c->account.code_hash;
            }
        }
        if (c->storage_cleared)
            p->flags |= P_CLEAR;
        if (c->code_changed) {
            p->code_changed = true;
            p->code_hash = c->account.code_hash;
            p->flags |= P_CODE;
            if (c->code_len) {
                p->code = malloc(c->code_len);
                if (!p->code)
                    return SEER_ENOMEM;
                memcpy(p->code, c->code, c->code_len);
            }
            p->code_len = c->code_len;
        }
        if (c->nslots) {
            p->slots = malloc(c->nslots * sizeof *p->slots);
            if (!p->slots)
                return SEER_ENOMEM;
            memcpy(p->slots, c->slots, c->nslots * sizeof *p->slots);
            p->nslots = c->nslots;
        }
    }
    return 0;
}

/* Turns a patch into a change set against `cur` (the state it merges
 * into). `buf` has room for s->npatch changes. */
static int resolve_patch(seer_changeset *out, seer_account_change *buf, const txslot *s,
                         const seer_state_reader *cur)
{
    for (size_t i = 0; i < s->npatch; i++) {
        const patch_acct *p = &s->patch[i];
        seer_account_change *c = &buf[i];
        memset(c, 0, sizeof *c);
        c->addr = p->addr;
        if (p->flags & P_DELETE) {
            c->account.exists = false;
            c->account.code_hash = SEER_EMPTY_CODE_HASH;
            c->storage_cleared = true;
            continue;
        }
        seer_account a;
        int rc = cur->vt->get_account(cur->ctx, &p->addr, &a);
        if (rc < 0)
            return rc;
        if (!a.exists) {
            memset(&a, 0, sizeof a);
            a.code_hash = SEER_EMPTY_CODE_HASH;
        }
        if (p->flags & P_CREATE) {
            a.balance = p->balance;
            a.nonce = p->nonce;
            a.code_hash = p->code_hash;
        } else {
            if (p->flags & P_BAL_ABS)
                a.balance = p->balance;
            else if (p->flags & P_BAL_ADD)
                u256_add(&a.balance, &a.balance, &p->balance);
            if (p->flags & P_NONCE)
                a.nonce = p->nonce;
            if (p->flags & P_CODE)
                a.code_hash = p->code_hash;
        }
        a.exists = true;
        c->account = a;
        c->storage_cleared = (p->flags & P_CLEAR) != 0;
        c->code_changed = p->code_changed;
        c->code = p->code;
        c->code_len = p->code_len;
        c->slots = p->slots;
        c->nslots = p->nslots;
    }
    out->accounts = buf;
    out->naccounts = s->npatch;
    return 0;
}

/* ------------------------------------------------------------------ */
/* validation: executed accesses per key                               */

typedef struct vkey {
    uint32_t max_done[4]; /* per mode: 1 + the highest position executed in earlier levels */
    uint32_t *cur;        /* (position << 2) | mode, for the level being validated */
    size_t ncur, capcur;
    uint32_t cur_first[4]; /* per mode: the lowest position of the level with it (valid in cur_modes) */
    uint32_t cur_last[4];  /* per mode: the highest */
    uint8_t cur_modes;     /* bit per mode seen in the level so far */
    bool touched;
} vkey;

/* Per key: ids from a keymap, the data in an array by id (a vkey pointer
 * is valid until the next vindex_get). */
typedef struct vindex {
    seer_keymap km;
    vkey *keys;
    size_t kcap;
    uint32_t *touched; /* ids */
    size_t ntouched, cap;
} vindex;

static void vindex_clear(vindex *vx)
{
    for (size_t i = 0; i < vx->km.n && i < vx->kcap; i++)
        free(vx->keys[i].cur);
    free(vx->keys);
    seer_keymap_clear(&vx->km);
    free(vx->touched);
    memset(vx, 0, sizeof *vx);
}

static vkey *vindex_get(vindex *vx, const seer_key *key, uint32_t *idp)
{
    uint32_t id;
    bool fresh;
    if (seer_keymap_get(&vx->km, key, &id, &fresh) < 0)
        return NULL;
    if (fresh) {
        if (id == vx->kcap) {
            size_t nc = vx->kcap ? vx->kcap * 2 : 256;
            vkey *q = realloc(vx->keys, nc * sizeof *q);
            if (!q)
                return NULL;
            vx->keys = q;
            vx->kcap = nc;
        }
        memset(&vx->keys[id], 0, sizeof vx->keys[id]);
    }
    if (idp)
        *idp = id;
    return &vx->keys[id];
}

static int vindex_add_done(vindex *vx, const seer_access_set *a, size_t pos)
{
    for (size_t i = 0; i < a->n; i++) {
        vkey *k = vindex_get(vx, &a->acc[i].key, NULL);
        if (!k)
            return SEER_ENOMEM;
        int m = a->acc[i].mode & 3;
        if (k->max_done[m] < pos + 1)
            k->max_done[m] = (uint32_t)(pos + 1);
    }
    return 0;
}

/* SEER_SCHED_DEBUG=1 prints each broken pair (development aid). */
static void debug_break(uint32_t a, uint32_t b, const seer_key *k, int ma, int mb)
{
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("SEER_SCHED_DEBUG");
        on = e && *e && *e != '0';
    }
    if (!on)
        return;
    fprintf(stderr, "sched: broken pair %u (mode %d) / %u (mode %d) on ", a, ma, b, mb);
    for (int i = 0; i < 20; i++)
        fprintf(stderr, "%02x", k->addr[i]);
    fprintf(stderr, " field %u slot ", k->field);
    for (int i = 0; i < 32; i++)
        fprintf(stderr, "%02x", k->slot[i]);
    fprintf(stderr, "\n");
}

/* Doubles a uint32_t array's capacity (first: `first` entries); false when
 * out of memory, the array unchanged. */
static bool grow_u32(uint32_t **a, size_t *cap, size_t first)
{
    size_t nc = *cap ? *cap * 2 : first;
    uint32_t *p = realloc(*a, nc * sizeof *p);
    if (!p)
        return false;
    *a = p;
    *cap = nc;
    return true;
}

/* Checks transaction b of the level being run against the level's
 * transactions checked before it (any order: the workers check each one
 * right after running it) and against what earlier levels executed: a
 * conflicting pair must have its lower position in an earlier level.
 * Lowers *m (SIZE_MAX: none) so that every position below it saw exactly
 * the state serial execution gives it, as far as the executed transactions
 * go (DESIGN.md's induction, with a pair's innocent member kept): of a
 * pair in one level the higher one is wrong (it missed the lower one's
 * effects; the lower one saw the right state), of a lower position run
 * after a higher one the lower one. When b meets a higher conflicting
 * position of the level checked earlier, *m drops to b + 1 (at most that
 * higher one: b itself is innocent there). Per key and mode the lowest and
 * highest positions seen suffice: no scan of the level's entries (a key
 * every transaction touches made that quadratic). */
static int validate_tx(vindex *vx, const txslot *slots, uint32_t b, size_t *m)
{
    const seer_access_set *a = &slots[b].actual;
    for (size_t i = 0; i < a->n; i++) {
        int mode = a->acc[i].mode;
        uint32_t kid;
        vkey *k = vindex_get(vx, &a->acc[i].key, &kid);
        if (!k)
            return SEER_ENOMEM;
        const seer_key *key = &vx->km.keys[kid];
        for (int pm = SEER_ACC_R; pm <= SEER_ACC_W; pm++) {
            if (!seer_acc_modes_conflict(pm, mode))
                continue;
            if (k->max_done[pm] > b + 1 && b < *m) {
                *m = b;
                debug_break(b, k->max_done[pm] - 1, key, mode, pm);
            }
            if (!(k->cur_modes & (1u << pm)))
                continue;
            if (k->cur_first[pm] < b && b < *m) {
                *m = b;
                debug_break(k->cur_first[pm], b, key, pm, mode);
            }
            if (k->cur_last[pm] > b && b + 1 < *m) {
                *m = b + 1;
                debug_break(b, k->cur_last[pm], key, mode, pm);
            }
        }
        int md = mode & 3;
        if (!(k->cur_modes & (1u << md))) {
            k->cur_modes |= (uint8_t)(1u << md);
            k->cur_first[md] = k->cur_last[md] = b;
        } else {
            if (b < k->cur_first[md])
                k->cur_first[md] = b;
            if (b > k->cur_last[md])
                k->cur_last[md] = b;
        }
        if (k->ncur == k->capcur && !grow_u32(&k->cur, &k->capcur, 4))
            return SEER_ENOMEM;
        k->cur[k->ncur++] = (b << 2) | (uint32_t)mode;
        if (!k->touched) {
            if (vx->ntouched == vx->cap && !grow_u32(&vx->touched, &vx->cap, 64))
                return SEER_ENOMEM;
            vx->touched[vx->ntouched++] = kid;
            k->touched = true;
        }
    }
    return 0;
}

/* The level's end: what stays (below m) becomes "done" for the next
 * levels. */
static void validate_finish(vindex *vx, size_t m)
{
    for (size_t t = 0; t < vx->ntouched; t++) {
        vkey *k = &vx->keys[vx->touched[t]];
        for (size_t c = 0; c < k->ncur; c++) {
            uint32_t x = k->cur[c] >> 2;
            int md = (int)(k->cur[c] & 3);
            if (x < m && k->max_done[md] < x + 1)
                k->max_done[md] = x + 1;
        }
        k->ncur = 0;
        k->cur_modes = 0;
        k->touched = false;
    }
    vx->ntouched = 0;
}

/* ------------------------------------------------------------------ */
/* the executor                                                        */

/* Transactions analyzed first to judge whether the block is worth it. */
#define PREDICT_SAMPLE 32

typedef struct par_ctx {
    size_t n;
    const seer_tx **txs; /* per position */
    seer_block_env env;
    seer_overlay *ov;
    seer_state_reader view;
    seer_world **worlds;
    txslot *slots;
    const seer_access_set *pred;
    bool have_beacon;
    const seer_header *header;
    seer_account_change *buf;
    size_t bufcap;
    /* the level being run */
    const uint32_t *job;
    size_t njob;
    atomic_size_t next;
    atomic_int err;
    /* validation by the workers, each transaction right after its run */
    pthread_mutex_t vmu;
    vindex *vx;
    size_t vm; /* lowest wrong position of the level so far (under vmu) */
    /* a suffix handed over after the lane: the lane's overlay, under ov
     * (ov then holds the suffix only, so that a re-schedule can rebuild it
     * from the patches without the lane's transactions, which have none) */
    seer_overlay *base;
    seer_overlay *spent; /* the suffix's overlay after its merge into base (freed last) */
} par_ctx;

static bool covers(const seer_access_set *p, const seer_access_set *a)
{
    if (p->unknown)
        return true;
    size_t j = 0;
    for (size_t i = 0; i < a->n; i++) {
        const seer_acc *x = &a->acc[i];
        while (j < p->n && memcmp(&p->acc[j].key, &x->key, sizeof x->key) < 0)
            j++;
        if (j < p->n && memcmp(&p->acc[j].key, &x->key, sizeof x->key) == 0 &&
            (p->acc[j].mode == x->mode || p->acc[j].mode == SEER_ACC_W))
            continue;
        if (x->key.field == SEER_KEY_STORAGE) {
            bool hit = false;
            for (size_t k = 0; k < p->nall && !hit; k++)
                hit = memcmp(p->all_slots[k].bytes, x->key.addr, 20) == 0;
            if (hit)
                continue;
        }
        return false;
    }
    return true;
}

static int run_tx(par_ctx *c, unsigned wid, uint32_t pos)
{
    seer_world *w = c->worlds[wid];
    txslot *s = &c->slots[pos];
    slot_discard(s);
    int rc = seer_world_execute_tx(w, &s->res, c->txs[pos], 0);
    if (rc < 0)
        return rc;
    const seer_key *r, *wr;
    size_t nr, nw;
    if ((rc = seer_world_access_set(w, &r, &nr, &wr, &nw)) < 0)
        return rc;
    s->actual.n = 0;
    s->actual.nall = 0;
    s->actual.unknown = false;
    if ((rc = seer_access_set_from_actual(&s->actual, r, nr, wr, nw, &c->env.coinbase)) < 0)
        return rc;
    if (!s->res.exception) {
        const seer_changeset *cs;
        if ((rc = seer_world_changeset(w, &cs)) < 0 || (rc = make_patch(s, cs, &c->view, r, nr)) < 0)
            return rc;
        /* the bloom costs a keccak per log address and topic: here, in
         * parallel, rather than at the end */
        seer_receipt_from_result(&s->rcpt, &s->res, c->txs[pos]->type, c->env.fork, 0);
    }
    s->executed = true;
    if (!s->ever_executed) {
        s->ever_executed = true;
        s->covered = covers(&c->pred[pos], &s->actual);
    }
    return 0;
}

static void level_worker(pool *p, unsigned wid, void *arg)
{
    par_ctx *c = arg;
    for (;;) {
        if (atomic_load(&c->err))
            break;
        size_t i = atomic_fetch_add(&c->next, 1);
        if (i >= c->njob)
            break;
        int rc = run_tx(c, wid, c->job[i]);
        if (rc == 0) {
            pthread_mutex_lock(&c->vmu);
            rc = validate_tx(c->vx, c->slots, c->job[i], &c->vm);
            pthread_mutex_unlock(&c->vmu);
        }
        if (rc < 0) {
            int z = 0;
            atomic_compare_exchange_strong(&c->err, &z, rc);
        }
    }
}

static int ov_apply_cb(void *ctx, const seer_changeset *cs)
{
    return seer_overlay_apply(ctx, cs);
}

static int merge_tx(par_ctx *c, size_t pos)
{
    txslot *s = &c->slots[pos];
    if (!s->npatch)
        return 0;
    if (s->npatch > c->bufcap) {
        seer_account_change *p = realloc(c->buf, s->npatch * sizeof *p);
        if (!p)
            return SEER_ENOMEM;
        c->buf = p;
        c->bufcap = s->npatch;
    }
    seer_changeset cs;
    int rc = resolve_patch(&cs, c->buf, s, &c->view);
    if (rc == 0)
        rc = seer_overlay_apply(c->ov, &cs);
    return rc;
}

/* The overlay again from scratch: the beacon-root write, then every
 * executed transaction in block order (all of them commute or are in
 * order: they passed validation). */
static int rebuild_overlay(par_ctx *c)
{
    seer_overlay_reset(c->ov);
    int rc;
    if (c->have_beacon) {
        seer_exec_target ot = {c->view, ov_apply_cb, NULL, c->ov};
        if ((rc = seer_exec_beacon_root(&ot, c->header)) < 0)
            return rc;
    }
    for (size_t i = 0; i < c->n; i++)
        if (c->slots[i].executed && (rc = merge_tx(c, i)) < 0)
            return rc;
    return 0;
}

/* ------------------------------------------------------------------ */
/* the in-order lane and the pipeline                                  */

/* Executes position pos as the next transaction of the block directly on
 * c->ov, as serial execution does (chain/exec.c's seer_exec_tx: the
 * world's validity checks with the block's gas so far, one apply, the
 * receipt): no patch, no recorded set, no validation. The caller has
 * checked the blob gas; an invalid transaction leaves res.exception and
 * changes nothing. */
static int lane_tx(par_ctx *c, unsigned wid, uint32_t pos, uint64_t gas_before)
{
    seer_world *w = c->worlds[wid];
    txslot *s = &c->slots[pos];
    slot_discard(s);
    const seer_tx *tx = c->txs[pos];
    int rc = seer_world_execute_tx(w, &s->res, tx, gas_before);
    if (rc < 0)
        return rc;
    s->lane = true;
    if (s->res.exception)
        return 0;
    const seer_changeset *cs;
    if ((rc = seer_world_changeset(w, &cs)) < 0 || (rc = seer_overlay_apply(c->ov, cs)) < 0)
        return rc;
    seer_receipt_from_result(&s->rcpt, &s->res, tx->type, c->env.fork, 0);
    return 0;
}

/* The blob gas a transaction needs (EIP-4844), 0 for other types. */
static uint64_t tx_blob_gas(const seer_tx *tx)
{
    return tx->type == 3 ? (uint64_t)tx->nblob_hashes * 131072u : 0;
}

/* The lane from *pos up to `end` (exclusive): stops early at an invalid
 * transaction (*bad_pos = its position; the caller leaves the block to
 * the serial path, which reports it exactly). Totals in *gas, *blob. */
static int lane_run(par_ctx *c, size_t *pos, size_t end, uint64_t *gas, uint64_t *blob, size_t *bad_pos)
{
    for (; *pos < end; (*pos)++) {
        uint64_t nb = tx_blob_gas(c->txs[*pos]);
        if (nb && *blob + nb > SEER_MAX_BLOB_GAS_PER_BLOCK) {
            *bad_pos = *pos;
            return 0;
        }
        int rc = lane_tx(c, 0, (uint32_t)*pos, *gas);
        if (rc < 0)
            return rc;
        const txslot *s = &c->slots[*pos];
        if (s->res.exception) {
            *bad_pos = *pos;
            return 0;
        }
        *gas += s->res.gas_used;
        *blob += s->res.blob_gas_used;
    }
    return 0;
}

/* Admission states per position. */
enum { ADM_NONE = 0, ADM_OK = 1, ADM_BAD = 2 };

typedef struct pipe_job {
    par_ctx *c;
    seer_block *b; /* the block as executed (its transactions get their senders) */
    size_t n;
    seer_fork fork;
    uint64_t chain_id;
    _Atomic unsigned char *adm; /* per position, ADM_* (release: the sender is set) */
    atomic_size_t next;         /* admission counter (n on: every position taken) */
    atomic_size_t bad;          /* lowest refused position, SIZE_MAX none */
    atomic_size_t lane_next;    /* the position the lane executes next (or stopped at) */
    atomic_bool lane_done;      /* the lane stopped: lane_next is final */
    atomic_size_t top;          /* predictions claimed [top, n), from the end downwards */
    atomic_size_t npred;        /* predictions finished */
    atomic_int err;
    atomic_bool stop; /* no prediction (the lane met an invalid transaction) */
    atomic_uint_fast64_t pred_ns;
    atomic_uint_fast64_t cpu_max_ns; /* the busiest thread's CPU time in the pipeline */
    size_t lane_max;
    size_t min_suffix; /* the shortest rest worth handing over */
    bool predict;
    seer_access_set *sets;
    seer_analyzer *an;
    const seer_block_env *env;
    const seer_state_reader *reader; /* the pre-block state, for predictions (the lane writes c->ov) */
    /* the lane's (worker 0's) */
    uint64_t gas, blob;
    size_t lane_bad; /* an invalid transaction met by the lane, SIZE_MAX none */
    double lane_s;
} pipe_job;

static void pipe_fail(pipe_job *j, int rc)
{
    int z = 0;
    atomic_compare_exchange_strong(&j->err, &z, rc);
}

static void pipe_admit(pipe_job *j, size_t i)
{
    /* above a refused position nothing matters: only the lowest one is
     * reported (and every position below it is still admitted) */
    if (i > atomic_load(&j->bad))
        return;
    const char *ex = NULL;
    if (seer_block_admit_tx(j->b, i, j->fork, j->chain_id, &ex) < 0) {
        size_t cur = atomic_load(&j->bad);
        while (i < cur && !atomic_compare_exchange_weak(&j->bad, &cur, i))
            ;
        atomic_store_explicit(&j->adm[i], ADM_BAD, memory_order_release);
    } else {
        atomic_store_explicit(&j->adm[i], ADM_OK, memory_order_release);
    }
}

/* Claims the highest position not yet claimed for prediction, if the lane
 * will not have executed it first (strictly ahead of a running lane) and
 * the rest is long enough to be handed over at all. */
static bool pred_claim(pipe_job *j, size_t *pos)
{
    size_t h = atomic_load(&j->top);
    for (;;) {
        bool done = atomic_load_explicit(&j->lane_done, memory_order_acquire);
        size_t ln = atomic_load(&j->lane_next);
        if (h == 0 || h - 1 < ln + (done ? 0 : 1) || j->n - ln < j->min_suffix)
            return false;
        if (atomic_compare_exchange_weak(&j->top, &h, h - 1)) {
            *pos = h - 1;
            return true;
        }
    }
}

/* A helper: admission while there is any, then prediction from the
 * block's end downwards until the lane is met. */
static void pipe_helper(pipe_job *j)
{
    seer_prediction pr;
    memset(&pr, 0, sizeof pr);
    for (;;) {
        if (atomic_load(&j->err))
            break;
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i < j->n) {
            pipe_admit(j, i);
            continue;
        }
        size_t k;
        if (!j->predict || atomic_load(&j->stop) || atomic_load(&j->bad) != SIZE_MAX || !pred_claim(j, &k))
            break;
        /* its admission may still run on another thread */
        unsigned a;
        for (unsigned spin = 0; (a = atomic_load_explicit(&j->adm[k], memory_order_acquire)) == ADM_NONE &&
                                atomic_load(&j->bad) == SIZE_MAX;
             spin++)
            cpu_relax(spin);
        if (a != ADM_OK)
            break;
        double tp = now_s();
        const seer_tx *tx = &j->b->txs[k];
        int rc = seer_access_set_tx_implied(&j->sets[k], tx, &j->env->coinbase);
        if (rc == 0 && j->an) {
            rc = seer_analyzer_predict_tx(j->an, &pr, tx, j->env, j->reader);
            if (rc == 0)
                rc = seer_access_set_add_prediction(&j->sets[k], &pr);
            seer_prediction_clear(&pr);
        }
        atomic_fetch_add_explicit(&j->pred_ns, (uint_fast64_t)((now_s() - tp) * 1e9), memory_order_relaxed);
        atomic_fetch_add_explicit(&j->npred, 1, memory_order_release);
        if (rc < 0) {
            pipe_fail(j, rc);
            break;
        }
    }
}

/* The lane (worker 0, the calling thread): executes the next position as
 * soon as it is admitted, admits itself when it has caught up, and stops
 * where everything after it is predicted (the rest can be handed over), at
 * lane_max, at a refused position or at an invalid transaction; then it
 * helps the others. It never waits for a prediction. */
static void pipe_lane(pipe_job *j)
{
    par_ctx *c = j->c;
    unsigned spin = 0;
    size_t pos = 0;
    for (;;) {
        if (atomic_load(&j->err))
            break;
        if (pos >= j->n || pos >= j->lane_max || pos >= atomic_load(&j->bad))
            break;
        size_t h = atomic_load(&j->top);
        if (h <= pos && j->n - pos >= j->min_suffix &&
            atomic_load_explicit(&j->npred, memory_order_acquire) == j->n - h)
            break; /* [pos, n) predicted, nothing in flight */
        unsigned a = atomic_load_explicit(&j->adm[pos], memory_order_acquire);
        if (a == ADM_OK) {
            spin = 0;
            uint64_t nb = tx_blob_gas(c->txs[pos]);
            if (nb && j->blob + nb > SEER_MAX_BLOB_GAS_PER_BLOCK) {
                j->lane_bad = pos;
                atomic_store(&j->stop, true);
                break;
            }
            double t0 = now_s();
            int rc = lane_tx(c, 0, (uint32_t)pos, j->gas);
            j->lane_s += now_s() - t0;
            if (rc < 0) {
                pipe_fail(j, rc);
                break;
            }
            const txslot *s = &c->slots[pos];
            if (s->res.exception) {
                j->lane_bad = pos;
                atomic_store(&j->stop, true);
                break;
            }
            j->gas += s->res.gas_used;
            j->blob += s->res.blob_gas_used;
            atomic_store(&j->lane_next, ++pos);
            continue;
        }
        if (a == ADM_BAD)
            break;
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i < j->n) {
            pipe_admit(j, i);
            continue;
        }
        cpu_relax(spin++); /* pos is being admitted on another thread */
    }
    atomic_store(&j->lane_next, pos);
    atomic_store_explicit(&j->lane_done, true, memory_order_release);
    pipe_helper(j);
}

static uint_fast64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint_fast64_t)ts.tv_sec * 1000000000u + (uint_fast64_t)ts.tv_nsec;
}

static void pipe_worker(pool *p, unsigned wid, void *arg)
{
    (void)p;
    pipe_job *j = arg;
    uint_fast64_t c0 = thread_cpu_ns();
    if (wid == 0)
        pipe_lane(j);
    else
        pipe_helper(j);
    /* statistics: on a loaded machine the wall time says little about
     * what two free cores would give; the busiest thread's CPU time does */
    uint_fast64_t used = thread_cpu_ns() - c0, cur = atomic_load(&j->cpu_max_ns);
    while (used > cur && !atomic_compare_exchange_weak(&j->cpu_max_ns, &cur, used))
        ;
}

void seer_par_stats_clear(seer_par_stats *s)
{
    if (!s)
        return;
    free(s->tx_level);
    seer_sched_graph_clear(&s->graph);
    free(s->weight);
    memset(s, 0, sizeof *s);
}

/* What the level schedule can give on `threads` threads: each level takes
 * at least its heaviest transaction and at least its share per thread
 * (cost = gas limit, the only cost known before execution). */
static double levels_speedup(const seer_sched_graph *g, const uint64_t *weight, unsigned threads)
{
    if (!g->nlevels || !threads)
        return 1.0;
    uint64_t *sum = calloc(g->nlevels, sizeof *sum), *mx = calloc(g->nlevels, sizeof *mx);
    double sp = 1.0;
    if (sum && mx) {
        uint64_t total = 0;
        for (size_t i = 0; i < g->n; i++) {
            uint32_t l = g->level[i];
            if (l == UINT32_MAX)
                continue;
            sum[l] += weight[i];
            total += weight[i];
            if (weight[i] > mx[l])
                mx[l] = weight[i];
        }
        double span = 0;
        for (uint32_t l = 0; l < g->nlevels; l++) {
            double share = (double)sum[l] / threads;
            span += share > (double)mx[l] ? share : (double)mx[l];
        }
        sp = span > 0 ? (double)total / span : 1.0;
    }
    free(sum);
    free(mx);
    return sp;
}

/* The pipeline's model of the predicted schedule against the lane: per
 * transaction, the level executor costs PIPE_LEVEL_COST times the lane's
 * execution on a worker (its own world over the shared overlay, the
 * recorded set, the patch, the validation) plus PIPE_MERGE_COST times it
 * on the calling thread (the merge), so a suffix whose predicted levels
 * allow speedup S on the threads takes (PIPE_LEVEL_COST / S +
 * PIPE_MERGE_COST) of the lane's time. Measured on the 10k-transfer ERC-20
 * block at 2 threads (levels of 1000, S = 2): serial execution 98 ms, the
 * levels' run 83 ms (83 * 2 / 98 = 1.7), merges 18 ms (0.18). The suffix
 * goes to the schedule when that is at least min_parallelism times
 * faster than the lane: S >= PIPE_LEVEL_COST / (1 / min_parallelism -
 * PIPE_MERGE_COST), 2.46 for 1.15. At 2 threads (S <= 2) the lane always
 * finishes, so nothing is predicted then. */
#define PIPE_LEVEL_COST 1.7
#define PIPE_MERGE_COST 0.18

/* The level speedup a handed-over suffix needs (see above); HUGE_VAL when
 * none suffices. */
static double pipe_needed_speedup(double min_parallelism)
{
    double room = 1.0 / min_parallelism - PIPE_MERGE_COST;
    return room > 0 ? PIPE_LEVEL_COST / room : HUGE_VAL;
}

static int run_serial(seer_block_result *out, const seer_exec_target *t, const seer_exec_options *opts,
                      const seer_block *vb, seer_fork fork, uint64_t chain_id)
{
    return seer_exec_block(out, t, opts, vb, fork, chain_id);
}

int seer_par_exec_block(seer_block_result *out, seer_par_stats *stats, const seer_exec_target *t,
                        const seer_exec_options *opts, const seer_block *b, const size_t *order, size_t n,
                        seer_fork fork, uint64_t chain_id, const seer_par_options *po,
                        const seer_access_set *predicted)
{
    static const seer_par_options defaults = SEER_PAR_OPTIONS_INIT;
    if (!out || !t || !opts || !b || (!order && n != b->ntxs))
        return SEER_EINVAL;
    if (!po)
        po = &defaults;
    memset(out, 0, sizeof *out);
    seer_par_stats st_local;
    seer_par_stats *st = stats ? stats : &st_local;
    memset(st, 0, sizeof *st);
    double t0 = now_s();
    int rc = SEER_ENOMEM;

    /* the block as executed: b's transactions in `order` */
    seer_block vb = *b;
    seer_tx *vtx = NULL;
    if (order) {
        vtx = malloc((n ? n : 1) * sizeof *vtx);
        if (!vtx)
            return SEER_ENOMEM;
        for (size_t i = 0; i < n; i++)
            vtx[i] = b->txs[order[i]];
        vb.txs = vtx;
        vb.ntxs = n;
    }
    unsigned threads = po->threads ? po->threads : seer_sched_cpus();
    if (threads > n)
        threads = n ? (unsigned)n : 1;
    st->threads = threads;
    st->ntx = n;

    par_ctx c;
    memset(&c, 0, sizeof c);
    c.n = n;
    pool *p = NULL;
    seer_code_cache *cache = NULL;
    seer_access_set *own_pred = NULL, *sched = NULL;
    uint64_t *weight = NULL;
    bool *pending = NULL;
    uint32_t *lvl_pos = NULL, *lvl_start = NULL;
    seer_sched_graph g, g0;
    memset(&g, 0, sizeof g);
    memset(&g0, 0, sizeof g0);
    vindex vx;
    memset(&vx, 0, sizeof vx);
    c.vx = &vx;
    pthread_mutex_init(&c.vmu, NULL);
    seer_world *pw = NULL;

    /* senders recovered here, in the prediction pass (replay order only) */
    bool admit = po->admit && !order;
    if (po->admit && order) {
        seer_block ab = *b; /* shares the transactions: they get their senders */
        double ta = now_s();
        rc = seer_sched_admit_txs(&ab, fork, chain_id, threads, NULL, NULL);
        st->admit_s = now_s() - ta;
        if (rc < 0)
            goto done;
    }
    if (n == 0 || (opts->dao && b->header.number == 1920000 && fork >= SEER_FORK_HOMESTEAD)) {
        /* nothing to schedule (or a rule the serial path refuses) */
        if (admit) {
            seer_block ab = vb;
            double ta = now_s();
            rc = seer_sched_admit_txs(&ab, fork, chain_id, threads, NULL, NULL);
            st->admit_s = now_s() - ta;
            if (rc < 0)
                goto done;
        }
        rc = run_serial(out, t, opts, &vb, fork, chain_id);
        st->serial_fallback = true;
        goto done;
    }
    seer_block_env_from_header(&c.env, &b->header, fork, chain_id);
    c.header = &b->header;
    c.txs = malloc(n * sizeof *c.txs);
    c.slots = calloc(n, sizeof *c.slots);
    c.worlds = calloc(threads, sizeof *c.worlds);
    weight = malloc(n * sizeof *weight);
    pending = malloc(n * sizeof *pending);
    st->tx_level = calloc(n, sizeof *st->tx_level);
    lvl_pos = malloc(n * sizeof *lvl_pos);
    if (!c.txs || !c.slots || !c.worlds || !weight || !pending || !st->tx_level || !lvl_pos)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        c.txs[i] = &vb.txs[i];
        weight[i] = vb.txs[i].gas_limit;
        pending[i] = true;
    }
    if ((rc = seer_overlay_new(&c.ov, t->reader)) < 0)
        goto fail;
    c.view = seer_overlay_reader(c.ov);
    c.have_beacon = opts->beacon_root && fork >= SEER_FORK_CANCUN;
    if (c.have_beacon && (rc = rebuild_overlay(&c)) < 0)
        goto fail;
    if ((rc = seer_code_cache_new(&cache)) < 0)
        goto fail;
    for (unsigned i = 0; i < threads; i++) {
        if ((rc = seer_world_create(&c.worlds[i], &c.view, &c.env)) < 0)
            goto fail;
        seer_world_set_code_cache(c.worlds[i], cache);
    }
    if ((rc = pool_new(&p, threads)) < 0)
        goto fail;

    /* the pipeline: the lane executes a prefix while the others admit and
     * predict the rest */
    bool per_tx_roots = fork < SEER_FORK_BYZANTIUM && t->state_root;
    bool pipe = po->pipeline && !order && !predicted && !per_tx_roots;
    /* min_parallelism 0: always hand the rest over (tests) */
    double pipe_need = po->min_parallelism > 0 ? pipe_needed_speedup(po->min_parallelism) : 0;
    size_t lane_end = 0; /* the lane executed [0, lane_end) */
    uint64_t lane_gas = 0, lane_blob = 0;
    if (pipe) {
        rc = SEER_ENOMEM;
        own_pred = calloc(n, sizeof *own_pred);
        _Atomic unsigned char *adm = calloc(n, sizeof *adm);
        if (!own_pred || !adm) {
            free(adm);
            goto fail;
        }
        predicted = own_pred;
        pipe_job j = {.c = &c,
                      .b = &vb,
                      .n = n,
                      .fork = fork,
                      .chain_id = chain_id,
                      .adm = adm,
                      .lane_max = po->lane_max,
                      .min_suffix = po->min_parallelism > 0 ? SEER_PIPE_MIN_SUFFIX : 1,
                      /* levels cannot beat the threads' count: when even
                       * that is too little, nothing is predicted */
                      .predict = !po->blind && (double)threads >= pipe_need,
                      .sets = own_pred,
                      .an = po->analyzer,
                      .env = &c.env,
                      .reader = &t->reader,
                      .lane_bad = SIZE_MAX};
        atomic_init(&j.next, admit ? 0 : n);
        for (size_t i = 0; !admit && i < n; i++)
            atomic_init(&adm[i], ADM_OK);
        atomic_init(&j.bad, SIZE_MAX);
        atomic_init(&j.lane_next, 0);
        atomic_init(&j.lane_done, false);
        atomic_init(&j.top, n);
        atomic_init(&j.err, 0);
        atomic_init(&j.stop, false);
        atomic_init(&j.npred, 0);
        atomic_init(&j.pred_ns, 0);
        atomic_init(&j.cpu_max_ns, 0);
        double tp = now_s();
        pool_run(p, pipe_worker, &j, threads);
        free(adm);
        st->pipelined = true;
        st->admit_s = now_s() - tp;
        st->predict_s = (double)atomic_load(&j.pred_ns) * 1e-9 / (threads > 1 ? p->n : 1);
        st->predicted_txs = atomic_load(&j.npred);
        st->lane_s = j.lane_s;
        st->pipe_cpu_max_s = (double)atomic_load(&j.cpu_max_ns) * 1e-9;
        lane_end = atomic_load(&j.lane_next);
        lane_gas = j.gas;
        lane_blob = j.blob;
        if ((rc = atomic_load(&j.err)) < 0)
            goto fail;
        size_t k = atomic_load(&j.bad);
        if (k != SIZE_MAX) {
            /* again on this thread, for the message of the lowest refused
             * transaction (what the serial check reports); nothing of the
             * lane reaches the target */
            const char *ex = NULL;
            rc = seer_block_admit_tx(&vb, k, fork, chain_id, &ex);
            if (rc >= 0)
                rc = seer_err(SEER_EINTERNAL, "transaction %zu: admission not repeatable", k);
            goto fail;
        }
        st->lane_txs = j.lane_bad != SIZE_MAX ? j.lane_bad : lane_end;
        if (j.lane_bad != SIZE_MAX) {
            /* an invalid transaction: the serial path reports it exactly */
            double te = now_s();
            rc = run_serial(out, t, opts, &vb, fork, chain_id);
            st->exec_s = now_s() - te;
            st->serial_fallback = true;
            goto done;
        }
        for (size_t i = 0; i < lane_end; i++)
            pending[i] = false;
    }

    /* predicted sets */
    rc = SEER_ENOMEM;
    if (pipe) {
        /* predicted in the pipeline */
    } else if (!predicted) {
        own_pred = calloc(n, sizeof *own_pred);
        if (!own_pred)
            goto fail;
        predicted = own_pred;
        if (!po->blind && po->min_parallelism > 0 && n >= 4 * PREDICT_SAMPLE) {
            /* Analysis costs about half an execution: a strided sample
             * first, and when even the sample leaves nothing to run in
             * parallel (every transaction on one pool), the rest is not
             * analyzed but run serially. A sample has fewer pairs than the
             * block, so it errs towards trying the parallel path. */
            rc = SEER_ENOMEM;
            size_t *pick = malloc(n * sizeof *pick);
            seer_access_set *ss = malloc(PREDICT_SAMPLE * sizeof *ss);
            uint64_t *ws = malloc(PREDICT_SAMPLE * sizeof *ws);
            size_t stride = n / PREDICT_SAMPLE;
            double sp = 0;
            if (pick && ss && ws) {
                for (size_t j = 0; j < PREDICT_SAMPLE; j++)
                    pick[j] = j * stride;
                if (admit) {
                    double ta = now_s(), pred = 0;
                    rc = admit_predict_pick(p, threads, own_pred, &vb, pick, PREDICT_SAMPLE, &c.env, &c.view,
                                            po->analyzer, true, fork, chain_id, &pred);
                    st->admit_s += now_s() - ta - pred;
                } else {
                    rc = predict_pick(p, threads, own_pred, &vb, NULL, pick, PREDICT_SAMPLE, &c.env, &c.view,
                                      po->analyzer);
                }
                seer_sched_graph gs;
                if (rc == 0) {
                    for (size_t j = 0; j < PREDICT_SAMPLE; j++) {
                        ss[j] = own_pred[pick[j]]; /* shallow */
                        ws[j] = weight[pick[j]];
                    }
                    if ((rc = seer_sched_graph_build(&gs, ss, PREDICT_SAMPLE, ws, NULL)) == 0) {
                        sp = levels_speedup(&gs, ws, threads);
                        seer_sched_graph_clear(&gs);
                    }
                }
                size_t m = 0;
                for (size_t i = 0; i < n; i++)
                    if (i % stride != 0 || i / stride >= PREDICT_SAMPLE)
                        pick[m++] = i;
                bool par = sp >= po->min_parallelism;
                if (rc == 0 && admit) {
                    /* the rest: recovered, and predicted right after when
                     * the block is worth it */
                    double ta = now_s(), pred = 0;
                    rc = admit_predict_pick(p, threads, own_pred, &vb, pick, m, &c.env, &c.view, po->analyzer,
                                            par, fork, chain_id, &pred);
                    st->admit_s += now_s() - ta - pred;
                } else if (rc == 0 && par) {
                    rc =
                        predict_pick(p, threads, own_pred, &vb, NULL, pick, m, &c.env, &c.view, po->analyzer);
                }
            }
            free(pick);
            free(ss);
            free(ws);
            if (rc < 0)
                goto fail;
            if (sp < po->min_parallelism) {
                st->predict_s = now_s() - t0 - st->admit_s;
                double te = now_s();
                rc = run_serial(out, t, opts, &vb, fork, chain_id);
                st->exec_s = now_s() - te;
                st->serial_fallback = true;
                st->rounds = 1;
                goto done;
            }
        } else if (admit) {
            double ta = now_s(), pred = 0;
            rc = admit_predict_pick(p, threads, own_pred, &vb, NULL, n, &c.env, &c.view, po->analyzer,
                                    !po->blind, fork, chain_id, &pred);
            st->admit_s += now_s() - ta - pred;
            if (rc < 0)
                goto fail;
        } else if (!po->blind && (rc = predict_with_pool(p, threads, own_pred, &vb, NULL, n, &c.env, &c.view,
                                                         po->analyzer)) < 0) {
            goto fail;
        }
    } else if (admit) {
        double ta = now_s(), pred = 0;
        rc = admit_predict_pick(p, threads, NULL, &vb, NULL, n, &c.env, &c.view, NULL, false, fork, chain_id,
                                &pred);
        st->admit_s += now_s() - ta - pred;
        if (rc < 0)
            goto fail;
    }
    c.pred = predicted;
    double t1 = now_s();
    st->predict_s = t1 - t0 - st->admit_s;
    /* the scheduling sets: the predictions, and once a misprediction
     * happened, a copy that learns the recorded sets */
    const seer_access_set *cur_sets = predicted;
    size_t npending = n - lane_end;
    if (pipe && npending && po->min_parallelism > 0 && npending < SEER_PIPE_MIN_SUFFIX) {
        /* too short to pay for a schedule: the lane finishes */
        npending = 0;
    }
    for (unsigned round = 0; npending; round++) {
        double ts = now_s();
        seer_sched_graph_clear(&g);
        if ((rc = seer_sched_graph_build(&g, cur_sets, n, weight, round || pipe ? pending : NULL)) < 0)
            goto fail;
        st->rounds = round + 1;
        if (round == 0) {
            st->levels = g.nlevels;
            for (size_t i = 0; i < n; i++)
                st->tx_level[i] = g.level[i] == UINT32_MAX ? 0 : g.level[i];
            double par = levels_speedup(&g, weight, threads);
            if (pipe)
                st->suffix_parallelism = par;
            if (pipe && po->min_parallelism > 0 && (par < pipe_need || threads == 1)) {
                /* the schedule cannot win: the lane goes on (the
                 * predictions were made on otherwise idle threads) */
                st->schedule_s += now_s() - ts;
                npending = 0;
                break;
            }
            if (po->min_parallelism > 0 && (par < po->min_parallelism || threads == 1)) {
                /* too little to win: plain serial execution, nothing else */
                st->schedule_s += now_s() - ts;
                double te = now_s();
                rc = run_serial(out, t, opts, &vb, fork, chain_id);
                st->exec_s = now_s() - te;
                st->serial_fallback = true;
                goto done;
            }
        }
        if (round == 0 && pipe && lane_end) {
            /* the suffix runs in an overlay of its own over the lane's */
            c.base = c.ov;
            c.ov = NULL;
            if ((rc = seer_overlay_new(&c.ov, seer_overlay_reader(c.base))) < 0)
                goto fail;
            c.view = seer_overlay_reader(c.ov);
            for (unsigned i = 0; i < threads; i++)
                seer_world_set_reader(c.worlds[i], &c.view);
            c.have_beacon = false; /* in the lane's overlay */
        }
        if (round == 0 && pipe)
            st->sched_txs = npending;
        if (round >= po->max_rounds) {
            /* serial from the lowest pending position on */
            size_t m = 0;
            while (m < n && !pending[m])
                m++;
            bool rebuild = false;
            for (size_t i = m; i < n; i++)
                if (c.slots[i].executed) {
                    st->reexecuted++;
                    st->reexecuted_gas += c.slots[i].res.gas_used;
                    slot_discard(&c.slots[i]);
                    rebuild = true;
                }
            if (rebuild && (rc = rebuild_overlay(&c)) < 0)
                goto fail;
            st->serial_fallback = true;
            st->schedule_s += now_s() - ts;
            double te = now_s();
            /* in block order on the overlay, as serial execution does
             * (no patch, no recorded set), unless the receipts need the
             * state root after each transaction (the patches give it) */
            uint64_t gas_before = 0;
            for (size_t i = 0; i < m; i++)
                gas_before += c.slots[i].res.gas_used;
            for (size_t i = m; i < n; i++) {
                if (per_tx_roots) {
                    if ((rc = run_tx(&c, 0, (uint32_t)i)) < 0 || (rc = merge_tx(&c, i)) < 0)
                        goto fail;
                } else {
                    if ((rc = lane_tx(&c, 0, (uint32_t)i, gas_before)) < 0)
                        goto fail;
                    gas_before += c.slots[i].res.gas_used;
                }
                pending[i] = false;
            }
            st->exec_s += now_s() - te;
            npending = 0;
            break;
        }
        /* positions by level, ascending within a level */
        free(lvl_start);
        lvl_start = calloc((size_t)g.nlevels + 1, sizeof *lvl_start);
        if (!lvl_start) {
            rc = SEER_ENOMEM;
            goto fail;
        }
        for (size_t i = 0; i < n; i++)
            if (pending[i])
                lvl_start[g.level[i] + 1]++;
        for (uint32_t l = 0; l < g.nlevels; l++)
            lvl_start[l + 1] += lvl_start[l];
        {
            uint32_t *fill = calloc((size_t)g.nlevels + 1, sizeof *fill);
            if (!fill) {
                rc = SEER_ENOMEM;
                goto fail;
            }
            for (size_t i = 0; i < n; i++)
                if (pending[i]) {
                    uint32_t l = g.level[i];
                    lvl_pos[lvl_start[l] + fill[l]++] = (uint32_t)i;
                }
            free(fill);
        }
        st->schedule_s += now_s() - ts;
        double te = now_s();
        bool broke = false;
        for (uint32_t l = 0; l < g.nlevels && !broke; l++) {
            c.job = &lvl_pos[lvl_start[l]];
            c.njob = lvl_start[l + 1] - lvl_start[l];
            atomic_store(&c.next, 0);
            atomic_store(&c.err, 0);
            /* one transaction: no wake-up of the other threads */
            double tr = now_s();
            c.vm = SIZE_MAX;
            pool_run(p, level_worker, &c, c.njob > 1 ? threads : 1);
            if ((rc = atomic_load(&c.err)) < 0)
                goto fail;
            double tv = now_s();
            st->exec_run_s += tv - tr;
            size_t m = c.vm;
            validate_finish(&vx, m);
            double tm = now_s();
            st->exec_validate_s += tm - tv;
            for (size_t j = 0; j < c.njob; j++) {
                uint32_t pos = c.job[j];
                if (pos >= m)
                    break;
                if ((rc = merge_tx(&c, pos)) < 0)
                    goto fail;
                pending[pos] = false;
                npending--;
            }
            st->exec_merge_s += now_s() - tm;
            if (m == SIZE_MAX)
                continue;
            /* a misprediction: everything from m on goes back to the
             * schedule with what it was seen to touch */
            broke = true;
            if (!sched) {
                rc = SEER_ENOMEM;
                sched = calloc(n, sizeof *sched);
                if (!sched)
                    goto fail;
                for (size_t i = 0; i < n; i++)
                    if ((rc = seer_access_set_union(&sched[i], &predicted[i])) < 0)
                        goto fail;
                cur_sets = sched;
            }
            bool merged_discard = false;
            for (size_t i = m; i < n; i++) {
                txslot *s = &c.slots[i];
                if (!s->executed)
                    continue;
                if (!pending[i]) {
                    merged_discard = true;
                    pending[i] = true;
                    npending++;
                }
                st->reexecuted++;
                st->reexecuted_gas += s->res.gas_used;
                if ((rc = seer_access_set_union(&sched[i], &s->actual)) < 0)
                    goto fail;
                slot_discard(s);
            }
            if (merged_discard) {
                if ((rc = rebuild_overlay(&c)) < 0)
                    goto fail;
                vindex_clear(&vx);
                for (size_t i = 0; i < n; i++)
                    if (c.slots[i].executed && (rc = vindex_add_done(&vx, &c.slots[i].actual, i)) < 0)
                        goto fail;
            }
        }
        st->exec_s += now_s() - te;
        if (round == 0) {
            /* keep the predicted schedule's graph for the statistics */
            g0 = g;
            memset(&g, 0, sizeof g);
        }
    }

    if (pipe && !st->sched_txs && lane_end < n) {
        /* the lane finishes the block */
        double te = now_s();
        size_t pos = lane_end, bad_pos = SIZE_MAX;
        rc = lane_run(&c, &pos, n, &lane_gas, &lane_blob, &bad_pos);
        st->lane_s += now_s() - te;
        st->exec_s += now_s() - te;
        st->lane_txs = pos;
        if (rc < 0)
            goto fail;
        if (bad_pos != SIZE_MAX) {
            rc = run_serial(out, t, opts, &vb, fork, chain_id);
            st->serial_fallback = true;
            goto done;
        }
    }

    /* assemble: the block-level rules that depend on the running totals,
     * checked in block order; an invalid block is left to the serial path,
     * which reports it exactly */
    double tc = now_s();
    {
        uint64_t gas = 0, blob = 0;
        bool valid = true;
        for (size_t i = 0; i < n && valid; i++) {
            const txslot *s = &c.slots[i];
            const seer_tx *tx = c.txs[i];
            uint64_t nb = tx->type == 3 ? (uint64_t)tx->nblob_hashes * 131072u : 0;
            uint64_t left = c.env.gas_limit - (gas < c.env.gas_limit ? gas : c.env.gas_limit);
            if (s->res.exception || (nb && blob + nb > SEER_MAX_BLOB_GAS_PER_BLOCK) || tx->gas_limit > left)
                valid = false;
            gas += s->res.gas_used;
            blob += s->res.blob_gas_used;
        }
        if (!valid) {
            rc = run_serial(out, t, opts, &vb, fork, chain_id);
            st->serial_fallback = true;
            goto done_timed;
        }
    }
    if (c.base) {
        /* the suffix's changes onto the lane's: one overlay again */
        seer_changeset cs;
        if ((rc = seer_overlay_changeset(c.ov, &cs)) < 0 || (rc = seer_overlay_apply(c.base, &cs)) < 0)
            goto fail;
        c.spent = c.ov;
        c.ov = c.base;
        c.base = NULL;
    }
    rc = SEER_ENOMEM;
    out->receipts = calloc(n, sizeof *out->receipts);
    if (!out->receipts)
        goto fail;
    if (per_tx_roots) {
        /* each receipt commits to the state after its transaction */
        if (c.have_beacon) {
            if ((rc = seer_exec_beacon_root(t, &b->header)) < 0)
                goto fail;
        }
    } else if (po->adopt && !(opts->withdrawals && fork >= SEER_FORK_SHANGHAI) && !opts->rewards) {
        /* the caller takes the overlay itself: no copy of every change */
        *po->adopt = c.ov;
        c.ov = NULL;
    } else {
        seer_changeset all;
        if ((rc = seer_overlay_changeset(c.ov, &all)) < 0 || (rc = t->apply(t->ctx, &all)) < 0)
            goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        txslot *s = &c.slots[i];
        if (per_tx_roots) {
            if (s->npatch > c.bufcap) {
                seer_account_change *q = realloc(c.buf, s->npatch * sizeof *q);
                if (!q) {
                    rc = SEER_ENOMEM;
                    goto fail;
                }
                c.buf = q;
                c.bufcap = s->npatch;
            }
            seer_changeset cs;
            if ((rc = resolve_patch(&cs, c.buf, s, &t->reader)) < 0 || (rc = t->apply(t->ctx, &cs)) < 0)
                goto fail;
        }
        out->gas_used += s->res.gas_used;
        out->blob_gas_used += s->res.blob_gas_used;
        out->receipts[i] = s->rcpt;
        memset(&s->rcpt, 0, sizeof s->rcpt);
        out->receipts[i].cumulative_gas = out->gas_used;
        out->nreceipts = i + 1;
        if (per_tx_roots && !out->receipts[i].has_status &&
            (rc = t->state_root(t->ctx, &out->receipts[i].post_state)) < 0)
            goto fail;
        seer_bloom_or(out->bloom, out->receipts[i].bloom);
    }
    if ((opts->withdrawals && fork >= SEER_FORK_SHANGHAI) || opts->rewards) {
        if ((rc = seer_world_create(&pw, &t->reader, &c.env)) < 0)
            goto fail;
        if (opts->withdrawals && fork >= SEER_FORK_SHANGHAI && (rc = seer_exec_withdrawals(pw, t, &vb)) < 0)
            goto fail;
        if (opts->rewards && (rc = seer_exec_rewards(pw, t, &vb, fork)) < 0)
            goto fail;
    }
    rc = 0;
done_timed:
    st->commit_s = now_s() - tc;
    goto done;
fail:
    seer_block_result_clear(out);
done:
    if (rc == 0 && c.slots) {
        /* the schedule's figures with the real costs */
        for (size_t i = 0; i < n; i++) {
            weight[i] = i < out->nreceipts ? out->receipts[i].gas_used : vb.txs[i].gas_limit;
            if (c.slots[i].ever_executed && !c.slots[i].covered)
                st->mispredicted++;
        }
    } else if (rc == 0 && weight) {
        for (size_t i = 0; i < n; i++)
            weight[i] = i < out->nreceipts ? out->receipts[i].gas_used : vb.txs[i].gas_limit;
    }
    if (rc == 0 && weight) {
        /* the predicted schedule's figures with the real gas */
        seer_sched_graph *gs = g0.n ? &g0 : g.n ? &g : NULL;
        if (gs && seer_sched_graph_reweight(gs, weight) == 0) {
            static const unsigned tp[5] = {4, 8, 16, 32, 64};
            st->critical_gas = gs->critical_gas;
            st->level_gas = gs->level_gas;
            st->gas = gs->total_gas;
            if (po->defer_model && stats) {
                st->graph = *gs;
                memset(gs, 0, sizeof *gs);
                st->weight = weight;
                weight = NULL;
            } else {
                for (int k = 0; k < 5; k++)
                    st->modeled_makespan[k] = seer_sched_graph_list_makespan(gs, weight, tp[k]);
            }
        }
    }
    seer_sched_graph_clear(&g);
    seer_sched_graph_clear(&g0);
    if (rc == 0 && !st->gas)
        st->gas = out->gas_used;
    pool_free(p);
    for (unsigned i = 0; c.worlds && i < threads; i++)
        seer_world_free(c.worlds[i]);
    seer_world_free(pw);
    free(c.worlds);
    if (c.slots) {
        for (size_t i = 0; i < n; i++) {
            slot_discard(&c.slots[i]);
            seer_access_set_clear(&c.slots[i].actual);
        }
        free(c.slots);
    }
    seer_code_cache_free(cache);
    seer_overlay_free(c.spent);
    seer_overlay_free(c.ov);
    seer_overlay_free(c.base);
    pthread_mutex_destroy(&c.vmu);
    free(c.buf);
    free(c.txs);
    if (own_pred) {
        for (size_t i = 0; i < n; i++)
            seer_access_set_clear(&own_pred[i]);
        free(own_pred);
    }
    if (sched) {
        for (size_t i = 0; i < n; i++)
            seer_access_set_clear(&sched[i]);
        free(sched);
    }
    vindex_clear(&vx);
    free(weight);
    free(pending);
    free(lvl_pos);
    free(lvl_start);
    free(vtx);
    st->total_s = now_s() - t0;
    if (!stats)
        seer_par_stats_clear(st);
    return rc;
}

/* ------------------------------------------------------------------ */
/* serial execution that records each transaction's actual set         */

int seer_sched_record_actual(seer_access_set *actual, seer_block_result *out, const seer_exec_target *t,
                             const seer_block *b, seer_fork fork, uint64_t chain_id)
{
    if (!actual || !out || !t || !b)
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
    for (size_t i = 0; i < b->ntxs; i++) {
        const char *ex = NULL;
        if ((rc = seer_exec_tx(w, t, &out->receipts[i], &ex, &b->txs[i], fork, &out->gas_used,
                               &out->blob_gas_used)) < 0)
            goto fail;
        const seer_key *r, *wr;
        size_t nr, nw;
        if ((rc = seer_world_access_set(w, &r, &nr, &wr, &nw)) < 0 ||
            (rc = seer_access_set_from_actual(&actual[i], r, nr, wr, nw, &env.coinbase)) < 0)
            goto fail;
        if (ex) {
            out->exception = ex;
            out->bad_tx = i;
            break;
        }
        out->nreceipts = i + 1;
        seer_bloom_or(out->bloom, out->receipts[i].bloom);
    }
    seer_world_free(w);
    return 0;
fail:
    seer_world_free(w);
    seer_block_result_clear(out);
    return rc;
}
