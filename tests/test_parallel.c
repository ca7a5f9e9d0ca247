/* Parallel execution equals serial execution: every mainnet fixture block
 * and generated adversarial blocks, at 1, 2, 4 and 8 threads, with the
 * analyzer's predictions, with transaction-implied predictions only, and
 * with no prediction at all (every conflict is then found by validation).
 * Compared: gas used, every receipt (status, gas, cumulative gas, logs),
 * the receipts root, the logs bloom and the post-state root.
 *
 * SEER_ROUNDS=N repeats every parallel run N times (the ThreadSanitizer
 * job runs 100); SEER_PARALLEL_BLOCKS=K limits the mainnet blocks to the
 * first K (sorted by number) to keep such runs short; SEER_PARALLEL_ONLY=N
 * runs mainnet block N alone. */
#include "chain/block.h"
#include "chain/exec.h"
#include "conformance/json.h"
#include "scheduler/sched.h"
#include "seer.h"
#include "state/memstore.h"
#include "state/overlay.h"
#include "test_util.h"

#include <dirent.h>
#include <json-c/json.h>
#include <sys/stat.h>

static unsigned rounds(void)
{
    const char *e = getenv("SEER_ROUNDS");
    unsigned r = e && *e ? (unsigned)strtoul(e, NULL, 10) : 1;
    return r ? r : 1;
}

/* What a run produced, for comparison. */
typedef struct outcome {
    int rc;
    const char *exception;
    uint64_t gas;
    size_t nreceipts;
    seer_bytes32 receipts_root;
    uint8_t bloom[256];
    seer_bytes32 state_root;
    uint8_t *status;
    uint64_t *cum;
    size_t *nlogs;
} outcome;

static void outcome_clear(outcome *o)
{
    free(o->status);
    free(o->cum);
    free(o->nlogs);
    memset(o, 0, sizeof *o);
}

static int ov_apply(void *ctx, const seer_changeset *cs)
{
    return seer_overlay_apply(ctx, cs);
}

/* mode: 0 serial, 1 parallel with the analyzer, 2 implied keys only, 3 blind */
/* A successful run's outcome: receipts, bloom and the post-state root of
 * the pre-state with the overlay's changes applied (r is cleared). */
static void outcome_take(outcome *o, seer_block_result *r, const seer_prestate *ps, seer_overlay *ov)
{
    o->exception = r->exception;
    o->gas = r->gas_used;
    o->nreceipts = r->nreceipts;
    memcpy(o->bloom, r->bloom, 256);
    ck_assert_int_eq(seer_receipts_root(&o->receipts_root, r->receipts, r->nreceipts), 0);
    o->status = calloc(r->nreceipts + 1, 1);
    o->cum = calloc(r->nreceipts + 1, sizeof *o->cum);
    o->nlogs = calloc(r->nreceipts + 1, sizeof *o->nlogs);
    for (size_t i = 0; i < r->nreceipts; i++) {
        o->status[i] = r->receipts[i].status;
        o->cum[i] = r->receipts[i].cumulative_gas;
        o->nlogs[i] = r->receipts[i].nlogs;
    }
    seer_memstore *m = NULL;
    seer_changeset cs;
    ck_assert_int_eq(seer_memstore_clone(&m, ps->mem), 0);
    ck_assert_int_eq(seer_overlay_changeset(ov, &cs), 0);
    ck_assert_int_eq(seer_memstore_apply(m, &cs), 0);
    ck_assert_int_eq(seer_memstore_state_root(m, &o->state_root), 0);
    seer_memstore_free(m);
    seer_block_result_clear(r);
}

static void run(outcome *o, const seer_prestate *ps, const seer_block *b, int mode, unsigned threads,
                seer_analyzer *an, seer_par_stats *stats)
{
    memset(o, 0, sizeof *o);
    seer_overlay *ov = NULL;
    ck_assert_int_eq(seer_overlay_new(&ov, ps->reader), 0);
    seer_exec_target t = {seer_overlay_reader(ov), ov_apply, NULL, ov};
    seer_exec_options eo = SEER_EXEC_OPTIONS_TXS_ONLY;
    seer_fork fork = seer_mainnet_fork(b->header.number, b->header.timestamp);
    seer_block_result r;
    if (mode == 0) {
        o->rc = seer_exec_block(&r, &t, &eo, b, fork, 1);
    } else {
        seer_par_options po = SEER_PAR_OPTIONS_INIT;
        po.threads = threads;
        po.analyzer = mode == 1 ? an : NULL;
        /* the parallel machinery always, except at 8 threads with the
         * analyzer: the default policy (sampled analysis, serial when the
         * schedule allows too little) must equal serial too */
        po.min_parallelism = mode == 1 && threads == 8 ? 1.15 : 0;
        po.blind = mode == 3;
        o->rc = seer_par_exec_block(&r, stats, &t, &eo, b, NULL, b->ntxs, fork, 1, &po, NULL);
    }
    if (o->rc == 0) {
        outcome_take(o, &r, ps, ov);
    }
    seer_overlay_free(ov);
}

/* The pipeline (po.pipeline): senders cleared first, so that only the
 * pipeline's own admission gives them; `lane_max` stops the lane there
 * (SIZE_MAX: where it meets the predictions or the end). */
typedef struct pipe_cfg {
    unsigned threads;
    bool blind;
    double min_par;
    size_t lane_max;
} pipe_cfg;

static void run_pipe(outcome *o, const seer_prestate *ps, seer_block *b, const pipe_cfg *cfg,
                     seer_analyzer *an, seer_par_stats *stats)
{
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < b->ntxs; i++) {
        b->txs[i].has_sender = false;
        memset(&b->txs[i].sender, 0, sizeof b->txs[i].sender);
    }
    seer_overlay *ov = NULL;
    ck_assert_int_eq(seer_overlay_new(&ov, ps->reader), 0);
    seer_exec_target t = {seer_overlay_reader(ov), ov_apply, NULL, ov};
    seer_exec_options eo = SEER_EXEC_OPTIONS_TXS_ONLY;
    seer_fork fork = seer_mainnet_fork(b->header.number, b->header.timestamp);
    seer_par_options po = SEER_PAR_OPTIONS_INIT;
    po.threads = cfg->threads;
    po.analyzer = an;
    po.min_parallelism = cfg->min_par;
    po.blind = cfg->blind;
    po.admit = true;
    po.pipeline = true;
    po.lane_max = cfg->lane_max;
    seer_block_result r;
    o->rc = seer_par_exec_block(&r, stats, &t, &eo, b, NULL, b->ntxs, fork, 1, &po, NULL);
    if (o->rc == 0) {
        outcome_take(o, &r, ps, ov);
    } else {
        /* nothing of a refused block reaches the target or the result */
        ck_assert_uint_eq(seer_overlay_account_count(ov), 0);
        ck_assert_ptr_null(r.receipts);
        ck_assert_uint_eq(r.nreceipts, 0);
    }
    seer_overlay_free(ov);
}

static bool same(const outcome *a, const outcome *b, char *why, size_t cap)
{
    if (a->rc != b->rc)
        return snprintf(why, cap, "rc %d vs %d", a->rc, b->rc), false;
    if ((a->exception == NULL) != (b->exception == NULL) ||
        (a->exception && strcmp(a->exception, b->exception) != 0))
        return snprintf(why, cap, "exception %s vs %s", a->exception ? a->exception : "-",
                        b->exception ? b->exception : "-"),
               false;
    if (a->gas != b->gas)
        return snprintf(why, cap, "gas %llu vs %llu", (unsigned long long)a->gas, (unsigned long long)b->gas),
               false;
    if (a->nreceipts != b->nreceipts)
        return snprintf(why, cap, "receipts %zu vs %zu", a->nreceipts, b->nreceipts), false;
    for (size_t i = 0; i < a->nreceipts; i++)
        if (a->status[i] != b->status[i] || a->cum[i] != b->cum[i] || a->nlogs[i] != b->nlogs[i])
            return snprintf(why, cap, "receipt %zu differs", i), false;
    if (memcmp(&a->receipts_root, &b->receipts_root, 32) != 0)
        return snprintf(why, cap, "receipts root"), false;
    if (memcmp(a->bloom, b->bloom, 256) != 0)
        return snprintf(why, cap, "bloom"), false;
    if (memcmp(&a->state_root, &b->state_root, 32) != 0)
        return snprintf(why, cap, "state root"), false;
    return true;
}

/* Runs one block every way and counts the runs that equal serial. */
typedef struct tally {
    unsigned runs, equal, mispredicted_blocks, reexec_blocks;
    unsigned pipe_runs, pipe_handed, pipe_suffix_reexec;
} tally;

static void check_block(tally *t, const char *label, const seer_prestate *ps, seer_block *b,
                        seer_analyzer *an)
{
    static const unsigned thr[4] = {1, 2, 4, 8};
    seer_fork fork = seer_mainnet_fork(b->header.number, b->header.timestamp);
    size_t bad = 0;
    const char *ex = NULL;
    ck_assert_msg(seer_block_admit_txs(b, fork, 1, &bad, &ex) == 0, "%s: admission failed at %zu: %s", label,
                  bad, seer_error_detail());
    outcome ser;
    run(&ser, ps, b, 0, 1, an, NULL);
    ck_assert_msg(ser.rc == 0, "%s: serial run failed: %s", label, seer_error_detail());
    unsigned nr = rounds();
    for (unsigned r = 0; r < nr; r++)
        for (int mode = 1; mode <= 3; mode++)
            for (int k = 0; k < 4; k++) {
                /* the blind and implied modes at 1 and 8 threads only after
                 * the first round: they are the slow ones */
                if (r > 0 && mode > 1 && k != 1)
                    continue;
                outcome par;
                seer_par_stats st;
                run(&par, ps, b, mode, thr[k], an, &st);
                char why[128];
                bool ok = same(&ser, &par, why, sizeof why);
                t->runs++;
                t->equal += ok;
                if (mode == 3 && k == 0 && r == 0) {
                    t->mispredicted_blocks += st.mispredicted > 0;
                    t->reexec_blocks += st.reexecuted > 0;
                }
                seer_par_stats_clear(&st);
                ck_assert_msg(ok, "%s: parallel (mode %d, %u threads, round %u) differs from serial: %s",
                              label, mode, thr[k], r, why);
                outcome_clear(&par);
            }
    /* the pipeline: a handed-over suffix after a lane prefix (with the
     * analyzer, and blind: mispredictions in the suffix), the whole block
     * handed over, the lane alone, and the default policy */
    size_t n = b->ntxs;
    const pipe_cfg cfgs[] = {
        {1, false, 0, n / 3},       {2, false, 0, n / 3},       {4, false, 0, n / 3},
        {8, false, 0, n / 3},       {2, true, 0, n / 3},        {8, true, 0, n / 3},
        {2, false, 0, 0},           {1, false, 0, SIZE_MAX},    {2, false, 0, SIZE_MAX},
        {2, false, 1.15, SIZE_MAX}, {4, false, 1.15, SIZE_MAX},
    };
    for (unsigned r = 0; r < nr; r++)
        for (size_t c = 0; c < sizeof cfgs / sizeof cfgs[0]; c++) {
            const pipe_cfg *cf = &cfgs[c];
            if (r > 0 && cf->threads != 2)
                continue;
            outcome par;
            seer_par_stats st;
            run_pipe(&par, ps, b, cf, an, &st);
            char why[128];
            bool ok = same(&ser, &par, why, sizeof why);
            t->runs++;
            t->equal += ok;
            t->pipe_runs++;
            ck_assert_msg(ok,
                          "%s: pipeline (%u threads, blind %d, min_parallelism %.2f, lane up to %zd) differs "
                          "from serial: %s",
                          label, cf->threads, cf->blind, cf->min_par, (ssize_t)cf->lane_max, why);
            ck_assert(st.pipelined || n == 0);
            ck_assert_uint_le(st.lane_txs, cf->lane_max);
            if (!ser.exception) {
                ck_assert_uint_eq(st.lane_txs + st.sched_txs, n);
                /* blind: nothing predicted, the lane stops at lane_max
                 * exactly; one thread: nobody predicts ahead of it */
                if (cf->blind || cf->threads == 1)
                    ck_assert_uint_eq(st.lane_txs, cf->lane_max < n ? cf->lane_max : n);
                if (cf->lane_max == 0)
                    ck_assert_uint_eq(st.sched_txs, n);
                if (cf->min_par == 0 && cf->lane_max < n)
                    ck_assert_uint_gt(st.sched_txs, 0);
            }
            t->pipe_handed += st.lane_txs > 0 && st.sched_txs > 0;
            t->pipe_suffix_reexec += st.lane_txs > 0 && st.reexecuted > 0;
            seer_par_stats_clear(&st);
            outcome_clear(&par);
        }
    outcome_clear(&ser);
}

static int cmp_num(const void *x, const void *y)
{
    unsigned long long a = strtoull(*(char *const *)x, NULL, 10), b = strtoull(*(char *const *)y, NULL, 10);
    return a < b ? -1 : a > b;
}

START_TEST(test_mainnet_blocks)
{
    char dir[8192], pre[8500], codes[8192], hashes[8192], blk[8500];
    snprintf(dir, sizeof dir, "%s", test_fixture_path("mainnet/blocks"));
    snprintf(codes, sizeof codes, "%s", test_fixture_path("mainnet/bytecodes.json"));
    snprintf(hashes, sizeof hashes, "%s", test_fixture_path("mainnet/block_hashes.json"));
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    char *names[256];
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(d)) && nn < 256)
        if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
            names[nn++] = strdup(e->d_name);
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_num);
    const char *lim = getenv("SEER_PARALLEL_BLOCKS");
    size_t limit = lim && *lim ? strtoul(lim, NULL, 10) : nn;
    seer_analyzer *an = NULL;
    ck_assert_int_eq(seer_analyzer_new(&an, NULL), 0);
    tally t = {0};
    size_t blocks = 0, txs = 0;
    const char *only = getenv("SEER_PARALLEL_ONLY");
    for (size_t i = 0; i < nn && i < limit; i++) {
        if (only && *only && strcmp(only, names[i]) != 0)
            continue;
        snprintf(pre, sizeof pre, "%s/%s/pre_state.json", dir, names[i]);
        snprintf(blk, sizeof blk, "%s/%s/block.json", dir, names[i]);
        seer_prestate *ps = NULL;
        seer_block *b = NULL;
        ck_assert_msg(seer_prestate_from_files(&ps, pre, codes, hashes) == 0, "%s: %s", pre,
                      seer_error_detail());
        ck_assert_msg(seer_block_from_json_file(&b, blk) == 0, "%s: %s", blk, seer_error_detail());
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        check_block(&t, names[i], ps, b, an);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        printf("  block %s: %zu txs, %.2f s\n", names[i], b->ntxs,
               (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
        fflush(stdout);
        blocks++;
        txs += b->ntxs;
        seer_block_free(b);
        seer_prestate_free(ps);
    }
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    seer_analyzer_free(an);
    printf("mainnet: %zu blocks (%zu txs): %u/%u parallel runs equal serial (threads 1,2,4,8; analyzer, "
           "implied, "
           "blind); blind runs that mispredicted: %u blocks, re-executed: %u blocks\n",
           blocks, txs, t.equal, t.runs, t.mispredicted_blocks, t.reexec_blocks);
    printf("mainnet pipeline: %u runs; a lane prefix then a handed-over suffix: %u, of which re-scheduled in "
           "the "
           "suffix: %u\n",
           t.pipe_runs, t.pipe_handed, t.pipe_suffix_reexec);
    ck_assert_uint_eq(t.equal, t.runs);
    ck_assert_uint_gt(blocks, 0);
    /* the whole fixture set has blocks whose suffix conflicts (a few
     * blocks, SEER_PARALLEL_BLOCKS, need not) */
    if (!(lim && *lim) && !(only && *only)) {
        ck_assert_uint_gt(t.pipe_handed, 0);
        ck_assert_uint_gt(t.pipe_suffix_reexec, 0);
    }
}
END_TEST

/* Build mode: the chosen order keeps nonce chains and the gas limit (unit
 * tested in test_scheduler), and its parallel execution equals serial
 * execution of exactly that order. */
static void check_build(const char *label, const seer_prestate *ps, const seer_block *b, seer_analyzer *an)
{
    size_t n = b->ntxs;
    seer_fork fork = seer_mainnet_fork(b->header.number, b->header.timestamp);
    seer_block_env env;
    seer_block_env_from_header(&env, &b->header, fork, 1);
    seer_access_set *sets = calloc(n + 1, sizeof *sets), *pos = calloc(n + 1, sizeof *pos);
    size_t *order = calloc(n + 1, sizeof *order), norder = 0;
    uint32_t *batch = calloc(n + 1, sizeof *batch), nb = 0;
    ck_assert_int_eq(seer_sched_predict(sets, b, NULL, n, &env, &ps->reader, an, 2), 0);
    ck_assert_int_eq(seer_sched_build_order(order, &norder, batch, &nb, sets, b->txs, n, b->header.gas_limit),
                     0);
    ck_assert_uint_gt(norder, 0);
    for (size_t i = 0; i < norder; i++)
        pos[i] = sets[order[i]];
    /* serial execution of the emitted order */
    seer_block sb = *b;
    sb.txs = malloc(norder * sizeof *sb.txs);
    for (size_t i = 0; i < norder; i++)
        sb.txs[i] = b->txs[order[i]];
    sb.ntxs = norder;
    outcome ser;
    run(&ser, ps, &sb, 0, 1, an, NULL);
    ck_assert_int_eq(ser.rc, 0);
    for (unsigned thr = 1; thr <= 8; thr *= 2) {
        seer_overlay *ov = NULL;
        ck_assert_int_eq(seer_overlay_new(&ov, ps->reader), 0);
        seer_exec_target t = {seer_overlay_reader(ov), ov_apply, NULL, ov};
        seer_exec_options eo = SEER_EXEC_OPTIONS_TXS_ONLY;
        seer_par_options po = SEER_PAR_OPTIONS_INIT;
        po.threads = thr;
        po.min_parallelism = 0;
        seer_block_result r;
        ck_assert_int_eq(seer_par_exec_block(&r, NULL, &t, &eo, b, order, norder, fork, 1, &po, pos), 0);
        seer_bytes32 rr;
        ck_assert_int_eq(seer_receipts_root(&rr, r.receipts, r.nreceipts), 0);
        ck_assert_msg(
            r.gas_used == ser.gas && !memcmp(&rr, &ser.receipts_root, 32) && !r.exception == !ser.exception,
            "%s: build order at %u threads differs from serial execution of that order", label, thr);
        seer_block_result_clear(&r);
        seer_overlay_free(ov);
    }
    outcome_clear(&ser);
    free(sb.txs);
    for (size_t i = 0; i < n; i++)
        seer_access_set_clear(&sets[i]);
    free(sets);
    free(pos);
    free(order);
    free(batch);
}

/* The public API (seer_sched_execute: senders recovered in the prediction
 * pass, the executor's overlay kept as the result) equals its serial mode:
 * gas, receipts root, bloom and the post-state root, at 1, 2 and 4 threads,
 * with the parallel machinery forced and with the default policy; a bad
 * signature is refused with the serial mode's code. */
static void api_outcome(seer_sched_summary *sum, seer_bytes32 *root, const seer_prestate *ps, seer_block *b,
                        seer_sched_mode mode, unsigned thr, double min_par, seer_analyzer *an)
{
    seer_sched_options o = SEER_SCHED_OPTIONS_INIT;
    o.mode = mode;
    o.threads = thr;
    o.min_parallelism = min_par;
    o.analyzer = an;
    seer_sched_result *r = NULL;
    ck_assert_msg(seer_sched_execute(&r, ps, b, &o) == 0, "api: %s", seer_error_detail());
    ck_assert_int_eq(seer_sched_result_summary(r, sum), 0);
    ck_assert_int_eq(seer_sched_result_state_root(r, root), 0);
    seer_sched_stats st;
    ck_assert_int_eq(seer_sched_result_stats(r, &st), 0);
    ck_assert(st.txs == seer_block_tx_count(b));
    seer_sched_result_free(r);
}

static void check_api(const char *label, const seer_prestate *ps, seer_block *b, seer_analyzer *an)
{
    seer_sched_summary ser, par;
    seer_bytes32 rs, rp;
    api_outcome(&ser, &rs, ps, b, SEER_SCHED_SERIAL, 1, 1.15, NULL);
    static const unsigned thr[3] = {1, 2, 4};
    for (int k = 0; k < 3; k++)
        for (int forced = 0; forced < 2; forced++) {
            api_outcome(&par, &rp, ps, b, SEER_SCHED_REPLAY, thr[k], forced ? 0 : 1.15, an);
            ck_assert_msg(par.gas_used == ser.gas_used &&
                              !memcmp(&par.receipts_root, &ser.receipts_root, 32) &&
                              !memcmp(par.logs_bloom, ser.logs_bloom, 256) && !memcmp(&rp, &rs, 32),
                          "%s: seer_sched_execute at %u threads (min_parallelism %s) differs from serial",
                          label, thr[k], forced ? "0" : "default");
        }
    size_t n = seer_block_tx_count(b);
    if (n < 2)
        return;
    /* a transaction that cannot be admitted: the same refusal */
    seer_tx *tx = &b->txs[n / 2];
    u256 keep = tx->s;
    tx->s = U256_ZERO;
    seer_sched_options o = SEER_SCHED_OPTIONS_INIT;
    seer_sched_result *r = NULL;
    o.mode = SEER_SCHED_SERIAL;
    int rs_rc = seer_sched_execute(&r, ps, b, &o);
    seer_sched_result_free(r);
    r = NULL;
    o.mode = SEER_SCHED_REPLAY;
    o.threads = 2;
    o.min_parallelism = 0;
    o.analyzer = an;
    int rp_rc = seer_sched_execute(&r, ps, b, &o);
    seer_sched_result_free(r);
    tx->s = keep;
    ck_assert_msg(rs_rc < 0 && rp_rc == rs_rc, "%s: bad signature: serial %d, replay %d", label, rs_rc,
                  rp_rc);
}

/* A generated block written in the fixtures' formats and read back (the
 * path every command takes); gen_close removes the files. */
typedef struct gen_files {
    seer_gen_block *g;
    seer_prestate *ps;
    seer_block *b;
    char dir[256], pre[300], codes[300], blk[300];
} gen_files;

static void gen_open(gen_files *f, const seer_gen_options *go, const char *tag)
{
    memset(f, 0, sizeof *f);
    ck_assert_msg(seer_gen_block_new(&f->g, go) == 0, "gen %s: %s", go->workload, seer_error_detail());
    snprintf(f->dir, sizeof f->dir, "/tmp/seer_test_parallel_%d_%s", (int)getpid(), tag);
    ck_assert_int_eq(seer_gen_block_write(f->g, f->dir), 0);
    snprintf(f->pre, sizeof f->pre, "%s/pre_state.json", f->dir);
    snprintf(f->codes, sizeof f->codes, "%s/bytecodes.json", f->dir);
    snprintf(f->blk, sizeof f->blk, "%s/block.json", f->dir);
    ck_assert_msg(seer_prestate_from_files(&f->ps, f->pre, f->codes, NULL) == 0, "%s: %s", f->pre,
                  seer_error_detail());
    ck_assert_msg(seer_block_from_json_file(&f->b, f->blk) == 0, "%s: %s", f->blk, seer_error_detail());
}

static void gen_close(gen_files *f)
{
    seer_block_free(f->b);
    seer_prestate_free(f->ps);
    seer_gen_block_free(f->g);
    remove(f->pre);
    remove(f->codes);
    remove(f->blk);
    rmdir(f->dir);
}

/* Generated blocks: the adversarial workloads and contended ones. */
static void gen_case(tally *t, seer_analyzer *an, const char *workload, size_t ntx, size_t senders,
                     double cont, uint64_t seed)
{
    seer_gen_options go = SEER_GEN_OPTIONS_INIT;
    go.workload = workload;
    go.txs = ntx;
    go.senders = senders;
    go.contention = cont;
    go.seed = seed;
    gen_files f;
    gen_open(&f, &go, workload);
    char label[128];
    snprintf(label, sizeof label, "gen %s (%zu txs, seed %llu)", workload, ntx, (unsigned long long)seed);
    check_block(t, label, f.ps, f.b, an);
    check_build(label, f.ps, f.b, an);
    check_api(label, f.ps, f.b, an);
    gen_close(&f);
}

START_TEST(test_generated_blocks)
{
    uint64_t seed = test_seed("test_parallel");
    seer_analyzer *an = NULL;
    ck_assert_int_eq(seer_analyzer_new(&an, NULL), 0);
    static const char *const adv[] = {
        "adversarial-storage",     "adversarial-create2", "adversarial-selfdestruct", "adversarial-coinbase",
        "adversarial-nonce-chain", "adversarial-hot-key", "adversarial-mix"};
    tally t = {0};
    unsigned cases = 0;
    for (size_t i = 0; i < sizeof adv / sizeof adv[0]; i++) {
        gen_case(&t, an, adv[i], 40, 8, 0.0, seed + i);
        cases++;
    }
    gen_case(&t, an, "erc20", 80, 40, 0.25, seed);
    gen_case(&t, an, "swap", 40, 20, 1.0, seed);
    gen_case(&t, an, "mix", 80, 30, 0.1, seed);
    gen_case(&t, an, "transfer", 60, 10, 0.5, seed);
    cases += 4;
    seer_analyzer_free(an);
    printf(
        "generated: %u blocks: %u/%u parallel runs equal serial; blind runs that mispredicted: %u blocks\n",
        cases, t.equal, t.runs, t.mispredicted_blocks);
    printf(
        "generated pipeline: %u runs; a lane prefix then a handed-over suffix: %u, of which re-scheduled in "
        "the suffix: %u\n",
        t.pipe_runs, t.pipe_handed, t.pipe_suffix_reexec);
    ck_assert_uint_eq(t.equal, t.runs);
    ck_assert_uint_gt(t.pipe_handed, 0);
}
END_TEST

/* The pipeline and invalid transactions: a refused transaction (bad
 * signature) admitted late while the lane runs is reported exactly as
 * the serial admission reports it (the lowest refused index, the same
 * message) and nothing of the block reaches the result; a transaction
 * that is valid statically but not on the state (its sender changed by
 * a changed nonce: no funds) gives serial execution's exception and
 * receipts, met by the lane or in the handed-over suffix. */
START_TEST(test_pipeline_invalid)
{
    uint64_t seed = test_seed("test_parallel");
    seer_gen_options go = SEER_GEN_OPTIONS_INIT;
    go.workload = "erc20";
    go.txs = 150;
    go.senders = 75;
    go.seed = seed;
    gen_files f;
    gen_open(&f, &go, "invalid");
    seer_prestate *ps = f.ps;
    seer_block *b = f.b;
    seer_analyzer *an = NULL;
    ck_assert_int_eq(seer_analyzer_new(&an, NULL), 0);
    size_t n = b->ntxs;
    seer_fork fork = seer_mainnet_fork(b->header.number, b->header.timestamp);
    const pipe_cfg cfgs[] = {{2, false, 0, SIZE_MAX}, {2, false, 1.15, SIZE_MAX}, {4, false, 0, n / 3},
                             {2, true, 0, 0},         {1, false, 0, SIZE_MAX},    {8, false, 0, SIZE_MAX}};
    size_t ncfg = sizeof cfgs / sizeof cfgs[0];

    /* refused: one late, two (the lower one reported), one early */
    const size_t refuse[3][2] = {{n - 1, SIZE_MAX}, {n - 2, n / 2}, {3, n - 1}};
    for (int c = 0; c < 3; c++) {
        u256 keep[2];
        for (int k = 0; k < 2; k++)
            if (refuse[c][k] != SIZE_MAX) {
                keep[k] = b->txs[refuse[c][k]].s;
                b->txs[refuse[c][k]].s = U256_ZERO;
            }
        size_t bad = SIZE_MAX;
        int rs = seer_block_admit_txs(b, fork, 1, &bad, NULL);
        char msg[512];
        snprintf(msg, sizeof msg, "%s", seer_error_detail());
        size_t low = refuse[c][1] < refuse[c][0] ? refuse[c][1] : refuse[c][0];
        ck_assert_int_lt(rs, 0);
        ck_assert_uint_eq(bad, low);
        for (size_t k = 0; k < ncfg; k++) {
            outcome par;
            run_pipe(&par, ps, b, &cfgs[k], an, NULL);
            ck_assert_msg(par.rc == rs && strcmp(seer_error_detail(), msg) == 0,
                          "refused tx %zu: pipeline at %u threads gave %d (%s), serial admission %d (%s)",
                          low, cfgs[k].threads, par.rc, seer_error_detail(), rs, msg);
            outcome_clear(&par);
        }
        for (int k = 0; k < 2; k++)
            if (refuse[c][k] != SIZE_MAX)
                b->txs[refuse[c][k]].s = keep[k];
    }

    /* refused for a fee cap below the block's base fee: serial admission's
     * rule, which the parallel admission once skipped (the block then ran
     * with an exception where serial mode refuses it) */
    ck_assert_int_ge(fork, SEER_FORK_LONDON);
    ck_assert(!u256_is_zero(&b->header.base_fee));
    for (int c = 0; c < 2; c++) {
        seer_tx *tx = &b->txs[c ? n - 1 : n / 2];
        u256 kf = tx->max_fee, kg = tx->gas_price, kp = tx->max_priority_fee, one = u256_from_u64(1);
        u256_sub(&tx->max_fee, &b->header.base_fee, &one);
        tx->gas_price = tx->max_priority_fee = tx->max_fee;
        size_t bad = SIZE_MAX;
        const char *ex = NULL;
        int rs = seer_block_admit_txs(b, fork, 1, &bad, &ex);
        char msg[512];
        snprintf(msg, sizeof msg, "%s", seer_error_detail());
        ck_assert_int_lt(rs, 0);
        ck_assert_uint_eq(bad, c ? n - 1 : n / 2);
        ck_assert_str_eq(ex, seer_txex_insufficient_max_fee_per_gas);
        for (size_t k = 0; k < ncfg; k++) {
            outcome par;
            run_pipe(&par, ps, b, &cfgs[k], an, NULL);
            ck_assert_msg(
                par.rc == rs && strcmp(seer_error_detail(), msg) == 0,
                "fee cap below base fee at tx %zu: pipeline at %u threads gave %d (%s), serial %d (%s)", bad,
                cfgs[k].threads, par.rc, seer_error_detail(), rs, msg);
            outcome_clear(&par);
        }
        tx->max_fee = kf;
        tx->gas_price = kg;
        tx->max_priority_fee = kp;
    }

    /* invalid on the state: early (the lane meets it) and late */
    const size_t invalid[3] = {2, n / 2, n - 2};
    for (int c = 0; c < 3; c++) {
        seer_tx *tx = &b->txs[invalid[c]];
        uint64_t keep = tx->nonce;
        tx->nonce += 1000;
        size_t bad;
        ck_assert_int_eq(seer_block_admit_txs(b, fork, 1, &bad, NULL), 0);
        outcome ser;
        run(&ser, ps, b, 0, 1, an, NULL);
        ck_assert_int_eq(ser.rc, 0);
        ck_assert_ptr_nonnull(ser.exception);
        ck_assert_uint_eq(ser.nreceipts, invalid[c]);
        for (size_t k = 0; k < ncfg; k++) {
            outcome par;
            run_pipe(&par, ps, b, &cfgs[k], an, NULL);
            char why[128];
            ck_assert_msg(same(&ser, &par, why, sizeof why),
                          "invalid tx %zu: pipeline at %u threads (lane up to %zd) differs from serial: %s",
                          invalid[c], cfgs[k].threads, (ssize_t)cfgs[k].lane_max, why);
            outcome_clear(&par);
        }
        outcome_clear(&ser);
        tx->nonce = keep;
    }
    seer_analyzer_free(an);
    gen_close(&f);
}
END_TEST

/* seer_sched_model: the whole block's predicted DAG. ERC-20 transfers from
 * fresh recipients are nearly independent (each thread count's list
 * schedule within its bounds); every transaction on the
 * hot adversarial key is a chain (one level per transaction, no speedup). */
static void model_of(seer_sched_stats *st, const char *workload, size_t txs, size_t senders,
                     double contention)
{
    seer_gen_options go = SEER_GEN_OPTIONS_INIT;
    go.workload = workload;
    go.txs = txs;
    go.senders = senders;
    go.contention = contention;
    go.seed = 7;
    gen_files f;
    gen_open(&f, &go, "model");
    seer_analyzer *an = NULL;
    ck_assert_int_eq(seer_analyzer_new(&an, NULL), 0);
    seer_sched_options o = SEER_SCHED_OPTIONS_INIT;
    o.analyzer = an;
    ck_assert_int_eq(seer_sched_model(st, f.ps, f.b, &o), 0);
    ck_assert_uint_eq(st->txs, txs);
    ck_assert_uint_gt(st->gas, 0);
    ck_assert_uint_gt(st->critical_gas, 0);
    ck_assert(st->ideal_speedup >= 1.0 &&
              st->ideal_speedup * (double)st->critical_gas <= 1.0001 * (double)st->gas);
    seer_analyzer_free(an);
    gen_close(&f);
}

START_TEST(test_model)
{
    static const double tp5[5] = {4, 8, 16, 32, 64};
    seer_sched_stats st;
    /* senders are drawn at random, so a few short nonce chains */
    model_of(&st, "erc20", 256, 256, 0);
    ck_assert_uint_ge(st.levels, 1);
    ck_assert_uint_lt(st.levels, 16);
    for (int k = 0; k < 5; k++) {
        /* a greedy list schedule is within Graham's bound: makespan at most
         * work / threads + critical path */
        double lo = 1.0 / (1.0 / tp5[k] + 1.0 / st.ideal_speedup);
        double hi = tp5[k] < st.ideal_speedup ? tp5[k] : st.ideal_speedup;
        ck_assert_msg(st.modeled_speedup[k] >= lo - 1e-6 && st.modeled_speedup[k] <= hi + 1e-6,
                      "transfers at %g threads: modeled %.2f outside [%.2f, %.2f]", tp5[k],
                      st.modeled_speedup[k], lo, hi);
    }
    ck_assert(st.modeled_speedup[0] > 3.5);
    model_of(&st, "adversarial-hot-key", 64, 64, 0);
    ck_assert_uint_eq(st.levels, 64);
    for (int k = 0; k < 5; k++)
        ck_assert_msg(st.modeled_speedup[k] < 1.01, "one hot key at %g threads: modeled %.2f", tp5[k],
                      st.modeled_speedup[k]);
}
END_TEST

/* ---- BlockchainTests: every block's transactions, serial vs parallel,
 * with withdrawals, rewards and (before Byzantium) per-receipt state roots ---- */

static int ms_apply(void *ctx, const seer_changeset *cs)
{
    return seer_memstore_apply(ctx, cs);
}
static int ms_root(void *ctx, seer_bytes32 *out)
{
    return seer_memstore_state_root(ctx, out);
}

typedef struct bt_tally {
    unsigned tests, skipped, blocks, runs, equal;
} bt_tally;

static void bt_run(const seer_memstore *pre, const seer_block *b, seer_fork fork, int mode, unsigned thr,
                   seer_block_result *r, seer_bytes32 *root, int *rc, seer_memstore **keep)
{
    seer_memstore *m = NULL;
    ck_assert_int_eq(seer_memstore_clone(&m, pre), 0);
    seer_exec_target t = {seer_memstore_reader(m), ms_apply, ms_root, m};
    seer_exec_options eo = SEER_EXEC_OPTIONS_ALL;
    if (mode == 0) {
        *rc = seer_exec_block(r, &t, &eo, b, fork, 1);
    } else {
        seer_par_options po = SEER_PAR_OPTIONS_INIT;
        po.threads = thr;
        po.min_parallelism = 0;
        po.blind = mode == 2;
        /* 3: the pipeline, the lane stopping half-way (a suffix handed
         * over); 4: the pipeline with the default policy */
        po.pipeline = mode >= 3;
        po.admit = mode >= 3;
        po.lane_max = mode == 3 ? b->ntxs / 2 : SIZE_MAX;
        if (mode == 4)
            po.min_parallelism = 1.15;
        *rc = seer_par_exec_block(r, NULL, &t, &eo, b, NULL, b->ntxs, fork, 1, &po, NULL);
    }
    memset(root, 0, sizeof *root);
    if (*rc == 0)
        ck_assert_int_eq(seer_memstore_state_root(m, root), 0);
    if (keep)
        *keep = m;
    else
        seer_memstore_free(m);
}

static bool bt_same(const seer_block_result *a, const seer_bytes32 *ra, const seer_block_result *b,
                    const seer_bytes32 *rb)
{
    if ((a->exception == NULL) != (b->exception == NULL) ||
        (a->exception && strcmp(a->exception, b->exception)))
        return false;
    if (a->exception)
        return a->bad_tx == b->bad_tx; /* the state is discarded then */
    seer_bytes32 x, y;
    ck_assert_int_eq(seer_receipts_root(&x, a->receipts, a->nreceipts), 0);
    ck_assert_int_eq(seer_receipts_root(&y, b->receipts, b->nreceipts), 0);
    return a->gas_used == b->gas_used && a->nreceipts == b->nreceipts && !memcmp(&x, &y, 32) &&
           !memcmp(a->bloom, b->bloom, 256) && !memcmp(ra, rb, 32);
}

static void bt_file(bt_tally *t, const char *path)
{
    json_object *doc = NULL;
    ck_assert_msg(seer_json_parse_file(&doc, path) == 0, "%s: %s", path, seer_error_detail());
    json_object_object_foreach(doc, name, test)
    {
        t->tests++;
        json_object *net = seer_json_get_opt(test, "network"), *pre = seer_json_get_opt(test, "pre"),
                    *blocks = seer_json_get_opt(test, "blocks"),
                    *gen = seer_json_get_opt(test, "genesisBlockHeader");
        seer_fork fork;
        if (!net || !pre || !blocks || !gen || seer_fork_from_name(&fork, json_object_get_string(net)) < 0) {
            t->skipped++; /* transition networks: one fork per block would be needed */
            continue;
        }
        seer_memstore *store = NULL;
        ck_assert_int_eq(seer_memstore_new(&store), 0);
        ck_assert_msg(seer_json_load_pre(store, pre, path) == 0, "%s %s: %s", path, name,
                      seer_error_detail());
        seer_header gh;
        if (seer_header_from_json(&gh, gen, path, "genesisBlockHeader") == 0)
            seer_memstore_set_block_hash(store, 0, &gh.hash);
        size_t nb = json_object_array_length(blocks);
        for (size_t i = 0; i < nb; i++) {
            json_object *bj = json_object_array_get_idx(blocks, i);
            json_object *rlp = seer_json_get_opt(bj, "rlp");
            uint8_t *raw = NULL;
            size_t len = 0;
            if (!rlp || seer_json_bytes(&raw, &len, rlp, path, "rlp") < 0)
                continue;
            seer_block b;
            memset(&b, 0, sizeof b);
            int drc = seer_block_decode(&b, raw, len, NULL);
            free(raw);
            if (drc < 0)
                continue;
            size_t bad;
            if (seer_block_admit_txs(&b, fork, 1, &bad, NULL) < 0) {
                seer_block_clear(&b);
                continue;
            }
            t->blocks++;
            seer_block_result rs;
            seer_bytes32 root_s;
            int rcs;
            seer_memstore *next = NULL;
            bt_run(store, &b, fork, 0, 1, &rs, &root_s, &rcs, &next);
            static const unsigned thr[4] = {1, 2, 4, 8};
            for (int mode = 1; mode <= 4; mode++)
                for (int k = 0; k < 4; k++) {
                    if ((mode == 2 && k != 2) || (mode >= 3 && k != 1 && k != 2))
                        continue;
                    seer_block_result rp;
                    seer_bytes32 root_p;
                    int rcp;
                    bt_run(store, &b, fork, mode, thr[k], &rp, &root_p, &rcp, NULL);
                    bool ok = rcs == rcp && (rcs < 0 || bt_same(&rs, &root_s, &rp, &root_p));
                    t->runs++;
                    t->equal += ok;
                    ck_assert_msg(ok, "%s %s block %zu: parallel (mode %d, %u threads) differs from serial",
                                  path, name, i, mode, thr[k]);
                    if (rcp == 0)
                        seer_block_result_clear(&rp);
                }
            /* the chain goes on from a valid block */
            bool expect_bad = seer_json_get_opt(bj, "expectException") != NULL;
            if (rcs == 0 && !rs.exception && !expect_bad) {
                seer_memstore_set_block_hash(next, b.header.number, &b.header.hash);
                seer_memstore_free(store);
                store = next;
            } else {
                seer_memstore_free(next);
            }
            if (rcs == 0)
                seer_block_result_clear(&rs);
            seer_block_clear(&b);
        }
        seer_memstore_free(store);
    }
    json_object_put(doc);
}

static void bt_walk(bt_tally *t, const char *dir, unsigned *files)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char *names[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        char p[8192];
        snprintf(p, sizeof p, "%.4000s/%.255s", dir, names[i]);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            bt_walk(t, p, files);
        else if (strstr(names[i], ".json")) {
            bt_file(t, p);
            (*files)++;
        }
        free(names[i]);
    }
}

START_TEST(test_blockchain_tests)
{
    bt_tally t = {0};
    unsigned files = 0;
    char dir[8192];
    snprintf(dir, sizeof dir, "%s", test_fixture_path("ethereum-tests/BlockchainTests"));
    bt_walk(&t, dir, &files);
    printf("BlockchainTests: %u files, %u tests (%u skipped: transition networks), %u blocks: %u/%u parallel "
           "runs "
           "equal serial (threads 1,2,4,8 implied; 4 blind; 2,4 pipeline, lane to half, and default)\n",
           files, t.tests, t.skipped, t.blocks, t.equal, t.runs);
    ck_assert_uint_gt(t.blocks, 0);
    ck_assert_uint_eq(t.equal, t.runs);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("parallel");
    TCase *tc = tcase_create("mainnet");
    tcase_set_timeout(tc, 3600);
    tcase_add_test(tc, test_mainnet_blocks);
    suite_add_tcase(s, tc);
    tc = tcase_create("generated");
    tcase_set_timeout(tc, 3600);
    tcase_add_test(tc, test_generated_blocks);
    suite_add_tcase(s, tc);
    tc = tcase_create("pipeline");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_pipeline_invalid);
    tcase_add_test(tc, test_model);
    suite_add_tcase(s, tc);
    tc = tcase_create("blockchain");
    tcase_set_timeout(tc, 3600);
    tcase_add_test(tc, test_blockchain_tests);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(suite());
}
