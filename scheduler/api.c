/* The public scheduler API (include/seer/scheduler.h): pre-states, one
 * call per block in replay, build or serial mode, results, and the
 * conflict-graph report. */
#include "seer/scheduler.h"

#include "chain/block.h"
#include "chain/exec.h"
#include "common/hex.h"
#include "common/util.h"
#include "conformance/json.h"
#include "scheduler/sched.h"
#include "state/lmdb.h"
#include "state/memstore.h"
#include "state/overlay.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int seer_prestate_from_files(seer_prestate **out, const char *pre_path, const char *codes_path,
                             const char *hashes_path)
{
    if (!out || !pre_path)
        return SEER_EINVAL;
    *out = NULL;
    json_object *pre = NULL, *codes = NULL, *hashes = NULL;
    seer_prestate *ps = calloc(1, sizeof *ps);
    int rc = SEER_ENOMEM;
    if (!ps)
        goto fail;
    if ((rc = seer_memstore_new(&ps->mem)) < 0 || (rc = seer_json_parse_file(&pre, pre_path)) < 0)
        goto fail;
    if (codes_path && (rc = seer_json_parse_file(&codes, codes_path)) < 0)
        goto fail;
    if ((rc = seer_json_load_mainnet_pre(ps->mem, pre, pre_path, codes, codes_path ? codes_path : "")) < 0)
        goto fail;
    if (hashes_path && ((rc = seer_json_parse_file(&hashes, hashes_path)) < 0 ||
                        (rc = seer_json_load_block_hashes(ps->mem, hashes, hashes_path)) < 0))
        goto fail;
    ps->reader = seer_memstore_reader(ps->mem);
    *out = ps;
    rc = 0;
    goto out;
fail:
    seer_prestate_free(ps);
out:
    if (pre)
        json_object_put(pre);
    if (codes)
        json_object_put(codes);
    if (hashes)
        json_object_put(hashes);
    return rc;
}

int seer_prestate_from_state(seer_prestate **out, seer_state *st)
{
    if (!out || !st)
        return SEER_EINVAL;
    *out = NULL;
    seer_prestate *ps = calloc(1, sizeof *ps);
    if (!ps)
        return SEER_ENOMEM;
    int rc = seer_lmdb_snapshot_begin(seer_state_lmdb(st), &ps->snap);
    if (rc < 0) {
        free(ps);
        return rc;
    }
    ps->reader = seer_lmdb_snapshot_reader(ps->snap);
    *out = ps;
    return 0;
}

void seer_prestate_free(seer_prestate *ps)
{
    if (!ps)
        return;
    seer_memstore_free(ps->mem);
    seer_lmdb_snapshot_end(ps->snap);
    free(ps);
}

/* ---- execution ---- */

struct seer_sched_result {
    const seer_prestate *ps;
    seer_overlay *ov;   /* the post-state changes over the pre-state */
    seer_overlay *post; /* NULL, or the executor's overlay over ov (ov stays empty): the changes */
    seer_block_result br;
    seer_sched_stats stats;
    size_t n;
    size_t *order;   /* position -> block index */
    uint32_t *level; /* per position */
    seer_bytes32 *hashes;
    uint64_t number;
    seer_bytes32 block_hash;
    /* for the modeled speedups, computed when the statistics are asked
     * for (they are not part of executing the block) */
    seer_sched_graph model_graph;
    uint64_t *model_weight;
    uint64_t model_gas;
};

/* The overlay holding the post-state changes. */
static seer_overlay *post_ov(const seer_sched_result *r)
{
    return r->post ? r->post : r->ov;
}

static int ov_apply(void *ctx, const seer_changeset *cs)
{
    return seer_overlay_apply(ctx, cs);
}

void seer_sched_result_free(seer_sched_result *r)
{
    if (!r)
        return;
    seer_block_result_clear(&r->br);
    seer_overlay_free(r->post);
    seer_overlay_free(r->ov);
    free(r->order);
    free(r->level);
    free(r->hashes);
    seer_sched_graph_clear(&r->model_graph);
    free(r->model_weight);
    free(r);
}

int seer_sched_execute(seer_sched_result **out, const seer_prestate *ps, seer_block *b,
                       const seer_sched_options *opts)
{
    static const seer_sched_options defaults = SEER_SCHED_OPTIONS_INIT;
    if (!out || !ps || !b)
        return SEER_EINVAL;
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (opts->version != SEER_SCHED_OPTIONS_VERSION || opts->mode > SEER_SCHED_SERIAL)
        return seer_err(SEER_EINVAL, "seer_sched_execute: unknown options version or mode");
    double t0 = now_s(), c0 = cpu_s();
    seer_sched_result *r = calloc(1, sizeof *r);
    if (!r)
        return SEER_ENOMEM;
    r->ps = ps;
    r->number = b->header.number;
    r->block_hash = b->header.hash;
    size_t n = b->ntxs;
    seer_access_set *pool_sets = NULL, *pos_sets = NULL;
    uint32_t *batch = NULL;
    seer_par_stats pst;
    memset(&pst, 0, sizeof pst);
    int rc = SEER_ENOMEM;
    r->order = malloc((n ? n : 1) * sizeof *r->order);
    r->level = calloc(n ? n : 1, sizeof *r->level);
    r->hashes = malloc((n ? n : 1) * sizeof *r->hashes);
    if (!r->order || !r->level || !r->hashes)
        goto fail;
    if ((rc = seer_overlay_new(&r->ov, ps->reader)) < 0)
        goto fail;
    seer_exec_target tgt = {seer_overlay_reader(r->ov), ov_apply, NULL, r->ov};
    seer_exec_options eo_txs = SEER_EXEC_OPTIONS_TXS_ONLY, eo_all = SEER_EXEC_OPTIONS_ALL;
    const seer_exec_options *eo = opts->txs_only ? &eo_txs : &eo_all;
    seer_fork fork = seer_mainnet_fork(b->header.number, b->header.timestamp);
    unsigned threads = opts->threads ? opts->threads : seer_sched_cpus();
    seer_sched_stats *st = &r->stats;
    /* one thread cannot win anything: the plain serial path, no analysis */
    seer_sched_mode mode = opts->mode;
    if (mode == SEER_SCHED_REPLAY && threads == 1 && opts->min_parallelism > 0)
        mode = SEER_SCHED_SERIAL;
    st->mode = opts->mode;
    st->threads = mode == SEER_SCHED_SERIAL ? 1 : threads;
    st->txs = n;
    size_t bad = 0;
    const char *ex = NULL;
    double ta = now_s();
    /* replay: senders are recovered in the executor's prediction pass
     * (one parallel pass, no barrier between recovery and analysis) */
    bool admit_in_exec = mode == SEER_SCHED_REPLAY;
    if (mode == SEER_SCHED_SERIAL)
        rc = seer_block_admit_txs(b, fork, opts->chain_id, &bad, &ex);
    else if (!admit_in_exec)
        rc = seer_sched_admit_txs(b, fork, opts->chain_id, threads, &bad, &ex);
    if (rc < 0)
        goto fail;
    st->admit_s = now_s() - ta;
    for (size_t i = 0; i < n; i++)
        r->order[i] = i;
    r->n = n;
    if (mode == SEER_SCHED_SERIAL) {
        double te = now_s();
        if ((rc = seer_exec_block(&r->br, &tgt, eo, b, fork, opts->chain_id)) < 0)
            goto fail;
        st->exec_s = now_s() - te;
        st->rounds = 1;
        st->levels = (uint32_t)n;
        st->serial_fallback = opts->mode != SEER_SCHED_SERIAL;
    } else {
        seer_par_options po = SEER_PAR_OPTIONS_INIT;
        po.threads = threads;
        po.analyzer = opts->analyzer;
        po.min_parallelism = opts->min_parallelism;
        po.max_rounds = opts->max_rounds;
        po.admit = admit_in_exec;
        /* replay: the calling thread executes in block order while the
         * others recover senders and predict the rest */
        po.pipeline = mode == SEER_SCHED_REPLAY;
        po.defer_model = true;
        po.adopt = &r->post;
        const size_t *order = NULL;
        if (mode == SEER_SCHED_BUILD) {
            double tp = now_s();
            seer_block_env env;
            seer_block_env_from_header(&env, &b->header, fork, opts->chain_id);
            rc = SEER_ENOMEM;
            pool_sets = calloc(n ? n : 1, sizeof *pool_sets);
            pos_sets = calloc(n ? n : 1, sizeof *pos_sets);
            batch = malloc((n ? n : 1) * sizeof *batch);
            if (!pool_sets || !pos_sets || !batch)
                goto fail;
            if ((rc = seer_sched_predict(pool_sets, b, NULL, n, &env, &ps->reader, opts->analyzer, threads)) <
                0)
                goto fail;
            double tq = now_s();
            st->predict_s = tq - tp;
            uint32_t nb = 0;
            size_t norder = 0;
            if ((rc = seer_sched_build_order(r->order, &norder, batch, &nb, pool_sets, b->txs, n,
                                             b->header.gas_limit)) < 0)
                goto fail;
            r->n = norder;
            for (size_t i = 0; i < norder; i++) {
                pos_sets[i] = pool_sets[r->order[i]]; /* shallow: pool_sets owns */
                r->level[i] = batch[r->order[i]];
            }
            st->schedule_s = now_s() - tq;
            order = r->order;
        }
        if ((rc = seer_par_exec_block(&r->br, &pst, &tgt, eo, b, order, r->n, fork, opts->chain_id, &po,
                                      order ? pos_sets : NULL)) < 0)
            goto fail;
        if (admit_in_exec)
            st->admit_s = pst.admit_s;
        st->predict_s += pst.predict_s;
        st->schedule_s += pst.schedule_s;
        st->exec_s = pst.exec_s;
        st->commit_s = pst.commit_s;
        st->exec_run_s = pst.exec_run_s;
        st->exec_validate_s = pst.exec_validate_s;
        st->exec_merge_s = pst.exec_merge_s;
        st->levels = mode == SEER_SCHED_BUILD ? 0 : pst.levels;
        if (mode == SEER_SCHED_BUILD) {
            for (size_t i = 0; i < r->n; i++)
                if (r->level[i] + 1 > st->levels)
                    st->levels = r->level[i] + 1;
        } else if (pst.tx_level) {
            for (size_t i = 0; i < n; i++)
                r->level[i] = pst.tx_level[i];
        }
        st->critical_gas = pst.critical_gas;
        st->level_gas = pst.level_gas;
        for (int k = 0; k < 5; k++)
            st->modeled_speedup[k] = 1.0;
        r->model_graph = pst.graph;
        memset(&pst.graph, 0, sizeof pst.graph);
        r->model_weight = pst.weight;
        pst.weight = NULL;
        r->model_gas = pst.gas;
        st->ideal_speedup = pst.critical_gas ? (double)pst.gas / (double)pst.critical_gas : 1.0;
        st->mispredicted = pst.mispredicted;
        st->reexecuted = pst.reexecuted;
        st->reexecuted_gas = pst.reexecuted_gas;
        st->rounds = pst.rounds;
        st->serial_fallback = pst.serial_fallback;
        st->pipelined = pst.pipelined;
        st->lane_txs = pst.lane_txs;
        st->sched_txs = pst.sched_txs;
        st->predicted_txs = pst.predicted_txs;
        st->lane_s = pst.lane_s;
        st->suffix_parallelism = pst.suffix_parallelism;
        st->pipeline_cpu_max_s = pst.pipe_cpu_max_s;
    }
    for (size_t i = 0; i < r->n; i++)
        r->hashes[i] = b->txs[r->order[i]].hash;
    st->gas = r->br.gas_used;
    st->total_s = now_s() - t0;
    st->cpu_s = cpu_s() - c0;
    *out = r;
    rc = 0;
    goto out;
fail:
    seer_sched_result_free(r);
out:
    seer_par_stats_clear(&pst);
    if (pool_sets) {
        for (size_t i = 0; i < n; i++)
            seer_access_set_clear(&pool_sets[i]);
        free(pool_sets);
    }
    free(pos_sets);
    free(batch);
    return rc;
}

size_t seer_sched_result_count(const seer_sched_result *r)
{
    return r ? r->br.nreceipts : 0;
}

const char *seer_sched_result_exception(const seer_sched_result *r)
{
    return r ? r->br.exception : NULL;
}

int seer_sched_result_receipt(const seer_sched_result *r, seer_sched_receipt *out, size_t i)
{
    if (!r || !out || i >= r->br.nreceipts)
        return SEER_EINVAL;
    const seer_receipt *rc = &r->br.receipts[i];
    memset(out, 0, sizeof *out);
    out->tx_index = r->order[i];
    out->tx_hash = r->hashes[i];
    out->status = rc->has_status ? rc->status : 1;
    out->gas_used = rc->gas_used;
    out->cumulative_gas = rc->cumulative_gas;
    out->nlogs = rc->nlogs;
    out->level = r->level[i];
    return 0;
}

int seer_sched_result_summary(const seer_sched_result *r, seer_sched_summary *out)
{
    if (!r || !out)
        return SEER_EINVAL;
    memset(out, 0, sizeof *out);
    out->gas_used = r->br.gas_used;
    out->blob_gas_used = r->br.blob_gas_used;
    memcpy(out->logs_bloom, r->br.bloom, 256);
    return seer_receipts_root(&out->receipts_root, r->br.receipts, r->br.nreceipts);
}

int seer_sched_result_state_root(const seer_sched_result *r, seer_bytes32 *out)
{
    if (!r || !out)
        return SEER_EINVAL;
    if (!r->ps->mem)
        return seer_err(SEER_EUNSUPPORTED, "state root of an LMDB pre-state: commit, then seer_state_root");
    seer_memstore *m = NULL;
    seer_changeset cs;
    int rc = seer_memstore_clone(&m, r->ps->mem);
    if (rc == 0 && (rc = seer_overlay_changeset(post_ov(r), &cs)) == 0 &&
        (rc = seer_memstore_apply(m, &cs)) == 0)
        rc = seer_memstore_state_root(m, out);
    seer_memstore_free(m);
    return rc;
}

int seer_sched_result_changes(const seer_sched_result *r, int (*fn)(void *ctx, const seer_sched_change *c),
                              void *ctx)
{
    if (!r || !fn)
        return SEER_EINVAL;
    seer_changeset cs;
    int rc = seer_overlay_changeset(post_ov(r), &cs);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < cs.naccounts; i++) {
        const seer_account_change *a = &cs.accounts[i];
        seer_sched_change c;
        memset(&c, 0, sizeof c);
        c.address = a->addr;
        c.exists = a->account.exists;
        c.storage_cleared = a->storage_cleared;
        u256_to_be32(c.balance.bytes, &a->account.balance);
        c.nonce = a->account.nonce;
        c.code_hash = a->account.code_hash;
        if (a->code_changed) {
            c.code = a->code ? a->code : (const uint8_t *)"";
            c.code_len = a->code_len;
        }
        seer_bytes32 *kv = NULL;
        if (a->nslots) {
            kv = malloc(2 * a->nslots * sizeof *kv);
            if (!kv)
                return SEER_ENOMEM;
            for (size_t j = 0; j < a->nslots; j++) {
                u256_to_be32(kv[j].bytes, &a->slots[j].key);
                u256_to_be32(kv[a->nslots + j].bytes, &a->slots[j].value);
            }
            c.slot_keys = kv;
            c.slot_values = kv + a->nslots;
            c.nslots = a->nslots;
        }
        rc = fn(ctx, &c);
        free(kv);
        if (rc)
            return rc;
    }
    return 0;
}

int seer_sched_result_commit(const seer_sched_result *r, seer_state *st)
{
    if (!r || !st)
        return SEER_EINVAL;
    seer_changeset cs;
    int rc = seer_overlay_changeset(post_ov(r), &cs);
    if (rc < 0)
        return rc;
    return seer_lmdb_commit(seer_state_lmdb(st), &cs, r->number, &r->block_hash);
}

int seer_sched_result_stats(const seer_sched_result *r, seer_sched_stats *out)
{
    if (!r || !out)
        return SEER_EINVAL;
    *out = r->stats;
    if (r->model_graph.n && r->model_weight) {
        /* a greedy list schedule of the predicted DAG per thread count */
        static const unsigned tp5[5] = {4, 8, 16, 32, 64};
        for (int k = 0; k < 5; k++) {
            uint64_t ms = seer_sched_graph_list_makespan(&r->model_graph, r->model_weight, tp5[k]);
            out->modeled_speedup[k] = ms ? (double)r->model_gas / (double)ms : 1.0;
            if (out->modeled_speedup[k] > tp5[k])
                out->modeled_speedup[k] = tp5[k];
        }
    }
    return 0;
}

/* ---- the conflict graph report ---- */

static void key_text(char *buf, size_t cap, const seer_key *k)
{
    char addr[43];
    if (k->field == SEER_KEY_GLOBAL) {
        snprintf(buf, cap, "unknown");
        return;
    }
    seer_hex_encode(addr, k->addr, 20, true);
    switch (k->field) {
    case SEER_KEY_BALANCE: snprintf(buf, cap, "%s:balance", addr); break;
    case SEER_KEY_NONCE: snprintf(buf, cap, "%s:nonce", addr); break;
    case SEER_KEY_CODE: snprintf(buf, cap, "%s:code", addr); break;
    case SEER_KEY_EXISTS: snprintf(buf, cap, "%s:exists", addr); break;
    case SEER_KEY_ALL_SLOTS: snprintf(buf, cap, "%s:storage*", addr); break;
    default: {
        char slot[67];
        seer_hex_encode(slot, k->slot, 32, true);
        snprintf(buf, cap, "%s:%s", addr, slot);
    }
    }
}

/* The block's conflict graph for reports: admitted, run serially once for
 * each transaction's gas (and, with actual, its recorded set), then the
 * predicted sets unless actual. On success the caller owns sets[0..n),
 * w, br and g; on failure too (clear them either way). */
static int report_graph(seer_sched_graph *g, seer_access_set *sets, uint64_t *w, seer_block_result *br,
                        const seer_prestate *ps, seer_block *b, bool actual, seer_analyzer *an,
                        uint64_t chain_id)
{
    size_t n = b->ntxs;
    seer_fork fork = seer_mainnet_fork(b->header.number, b->header.timestamp);
    size_t bad;
    const char *ex;
    int rc = seer_sched_admit_txs(b, fork, chain_id, 0, &bad, &ex);
    if (rc < 0)
        return rc;
    seer_overlay *ov = NULL;
    if ((rc = seer_overlay_new(&ov, ps->reader)) < 0)
        return rc;
    seer_exec_target tgt = {seer_overlay_reader(ov), ov_apply, NULL, ov};
    rc = seer_sched_record_actual(sets, br, &tgt, b, fork, chain_id);
    seer_overlay_free(ov);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        w[i] = i < br->nreceipts ? br->receipts[i].gas_used : b->txs[i].gas_limit;
    if (!actual) {
        seer_block_env env;
        seer_block_env_from_header(&env, &b->header, fork, chain_id);
        for (size_t i = 0; i < n; i++)
            seer_access_set_clear(&sets[i]);
        if ((rc = seer_sched_predict(sets, b, NULL, n, &env, &ps->reader, an, 0)) < 0)
            return rc;
    }
    return seer_sched_graph_build(g, sets, n, w, NULL);
}

static void sets_free(seer_access_set *sets, size_t n)
{
    if (sets) {
        for (size_t i = 0; i < n; i++)
            seer_access_set_clear(&sets[i]);
        free(sets);
    }
}

int seer_sched_model(seer_sched_stats *out, const seer_prestate *ps, seer_block *b,
                     const seer_sched_options *opts)
{
    static const seer_sched_options defaults = SEER_SCHED_OPTIONS_INIT;
    if (!out || !ps || !b)
        return SEER_EINVAL;
    if (!opts)
        opts = &defaults;
    memset(out, 0, sizeof *out);
    size_t n = b->ntxs;
    seer_access_set *sets = calloc(n ? n : 1, sizeof *sets);
    uint64_t *w = calloc(n ? n : 1, sizeof *w);
    seer_block_result br;
    memset(&br, 0, sizeof br);
    seer_sched_graph g;
    memset(&g, 0, sizeof g);
    int rc = SEER_ENOMEM;
    if (sets && w &&
        (rc = report_graph(&g, sets, w, &br, ps, b, false, opts->analyzer, opts->chain_id)) == 0) {
        static const unsigned tp5[5] = {4, 8, 16, 32, 64};
        out->mode = SEER_SCHED_REPLAY;
        out->txs = n;
        out->gas = g.total_gas;
        out->levels = g.nlevels;
        out->critical_gas = g.critical_gas;
        out->ideal_speedup = g.critical_gas ? (double)g.total_gas / (double)g.critical_gas : 1.0;
        for (int k = 0; k < 5; k++) {
            uint64_t ms = seer_sched_graph_list_makespan(&g, w, tp5[k]);
            out->modeled_speedup[k] = ms ? (double)g.total_gas / (double)ms : 1.0;
            if (out->modeled_speedup[k] > tp5[k])
                out->modeled_speedup[k] = tp5[k];
        }
    }
    sets_free(sets, n);
    free(w);
    seer_sched_graph_clear(&g);
    seer_block_result_clear(&br);
    return rc;
}

int seer_sched_graph_write(FILE *f, const seer_prestate *ps, seer_block *b,
                           const seer_sched_graph_options *opts)
{
    static const seer_sched_graph_options defaults = SEER_SCHED_GRAPH_OPTIONS_INIT;
    if (!f || !ps || !b)
        return SEER_EINVAL;
    if (!opts)
        opts = &defaults;
    size_t n = b->ntxs;
    seer_access_set *sets = calloc(n ? n : 1, sizeof *sets);
    uint64_t *w = calloc(n ? n : 1, sizeof *w);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    uint32_t *batch = malloc((n ? n : 1) * sizeof *batch);
    seer_block_result br;
    memset(&br, 0, sizeof br);
    seer_sched_graph g;
    memset(&g, 0, sizeof g);
    seer_hot_key *hot = NULL;
    size_t nhot = 0;
    int rc = SEER_ENOMEM;
    if (!sets || !w || !order || !batch)
        goto out;
    if ((rc = report_graph(&g, sets, w, &br, ps, b, opts->actual, opts->analyzer, opts->chain_id)) < 0)
        goto out;
    uint32_t nb = 0;
    size_t norder = 0;
    if (opts->build &&
        (rc = seer_sched_build_order(order, &norder, batch, &nb, sets, b->txs, n, b->header.gas_limit)) < 0)
        goto out;
    if ((rc = seer_sched_hot_keys(&hot, &nhot, sets, n, opts->hot_keys)) < 0)
        goto out;
    char kbuf[160], hbuf[67];
    bool dot = opts->format == SEER_SCHED_GRAPH_DOT;
    const char *what = opts->build ? "batch" : "level";
    uint32_t nlev = opts->build ? nb : g.nlevels;
    if (dot) {
        fprintf(f,
                "digraph block_%llu {\n  // %s sets, %zu txs, %u %ss, %zu edges, critical path %llu of %llu "
                "gas\n",
                (unsigned long long)b->header.number, opts->actual ? "actual" : "predicted", n, nlev, what,
                g.nedges, (unsigned long long)g.critical_gas, (unsigned long long)g.total_gas);
        for (size_t i = 0; i < nhot; i++) {
            key_text(kbuf, sizeof kbuf, &hot[i].key);
            fprintf(f, "  // hot key %s: %u txs, %u writers\n", kbuf, hot[i].txs, hot[i].writers);
        }
        for (size_t i = 0; i < n; i++)
            fprintf(f, "  t%zu [label=\"%zu\\n%s %u\\n%llu gas\"];\n", i, i, what,
                    opts->build ? batch[i] : g.level[i], (unsigned long long)w[i]);
        for (size_t bx = 0; bx < n; bx++)
            for (uint32_t e = g.pred_start[bx]; e < g.pred_start[bx + 1]; e++) {
                key_text(kbuf, sizeof kbuf, &g.pred_key[e]);
                fprintf(f, "  t%u -> t%zu [label=\"%s\"];\n", g.pred[e], bx, kbuf);
            }
        fprintf(f, "}\n");
    } else {
        fprintf(f,
                "{\"block\":%llu,\"sets\":\"%s\",\"txs\":%zu,\"%ss\":%u,\"edges_count\":%zu,"
                "\"total_gas\":%llu,\"critical_path_gas\":%llu,\"transactions\":[",
                (unsigned long long)b->header.number, opts->actual ? "actual" : "predicted", n, what, nlev,
                g.nedges, (unsigned long long)g.total_gas, (unsigned long long)g.critical_gas);
        for (size_t i = 0; i < n; i++) {
            seer_hex_encode(hbuf, b->txs[i].hash.bytes, 32, true);
            fprintf(f, "%s{\"index\":%zu,\"hash\":\"%s\",\"%s\":%u,\"gas\":%llu}", i ? "," : "", i, hbuf,
                    what, opts->build ? batch[i] : g.level[i], (unsigned long long)w[i]);
        }
        fprintf(f, "],\"edges\":[");
        bool first = true;
        for (size_t bx = 0; bx < n; bx++)
            for (uint32_t e = g.pred_start[bx]; e < g.pred_start[bx + 1]; e++) {
                key_text(kbuf, sizeof kbuf, &g.pred_key[e]);
                fprintf(f, "%s{\"from\":%u,\"to\":%zu,\"key\":\"%s\"}", first ? "" : ",", g.pred[e], bx,
                        kbuf);
                first = false;
            }
        fprintf(f, "],\"hot_keys\":[");
        for (size_t i = 0; i < nhot; i++) {
            key_text(kbuf, sizeof kbuf, &hot[i].key);
            fprintf(f, "%s{\"key\":\"%s\",\"txs\":%u,\"writers\":%u}", i ? "," : "", kbuf, hot[i].txs,
                    hot[i].writers);
        }
        fprintf(f, "]}\n");
    }
    rc = ferror(f) ? seer_err(SEER_EIO, "graph: write failed") : 0;
out:
    sets_free(sets, n);
    free(w);
    free(order);
    free(batch);
    free(hot);
    seer_sched_graph_clear(&g);
    seer_block_result_clear(&br);
    return rc;
}
