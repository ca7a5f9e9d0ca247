/* Reports: one contract's entry points and templates (seer analyze --code)
 * and a block's predictions, optionally compared with the access sets that
 * serial execution records (seer analyze BLOCK --compare).
 *
 * Blocks are read with chain/ as every other command reads them
 * (seer_block_from_json: the JSON-RPC form; senders recovered and the
 * static rules applied by seer_block_admit_txs; the environment from the
 * header under the mainnet fork schedule), and the comparison executes
 * each transaction with chain/exec.h's seer_exec_tx over the pre-state.
 * It applies no block reward, withdrawals or system calls (the fixtures'
 * pre-state holds the transactions' reads only). */
#include "analyzer/analyzer_internal.h"

#include "chain/block.h"
#include "chain/exec.h"
#include "chain/receipt.h"

#include "common/hex.h"
#include "common/keccak.h"
#include "common/util.h"
#include "conformance/json.h"
#include "state/lmdb.h"
#include "state/memstore.h"
#include "state/overlay.h"
#include "vm/opcodes.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *tkind_name(uint8_t k)
{
    switch (k) {
    case AT_SLOAD: return "sload";
    case AT_SSTORE: return "sstore";
    case AT_BALANCE: return "balance";
    case AT_SELFBALANCE: return "selfbalance";
    case AT_CODE: return "code";
    case AT_CODEHASH: return "codehash";
    case AT_CALL: return "call";
    case AT_CREATE: return "create";
    case AT_SELFDESTRUCT: return "selfdestruct";
    case AT_UNKNOWN: return "unknown";
    default: return "?";
    }
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* One template as text: "sstore storage[keccak(caller, 0x0)]". */
static void tpl_text(const an_summary *s, const an_template *t, char *buf, size_t cap)
{
    char x[512], y[512];
    switch (t->kind) {
    case AT_SLOAD:
    case AT_SSTORE:
        an_node_format(s, t->a, x, sizeof x);
        snprintf(buf, cap, "%s storage[%s]", tkind_name(t->kind), x);
        break;
    case AT_BALANCE:
    case AT_CODE:
    case AT_CODEHASH:
    case AT_SELFDESTRUCT:
        an_node_format(s, t->a, x, sizeof x);
        snprintf(buf, cap, "%s %s", tkind_name(t->kind), x);
        break;
    case AT_CALL:
    case AT_CREATE: {
        const an_call *c = &s->calls[t->call];
        const char *nm = seer_opcode_name(c->op);
        if (c->target)
            an_node_format(s, c->target, x, sizeof x);
        else
            snprintf(x, sizeof x, "new");
        size_t o = (size_t)snprintf(y, sizeof y, "(");
        if (c->args == AN_ARGS_FORWARD) {
            snprintf(y + o, sizeof y - o, "calldata)");
        } else if (c->args == AN_ARGS_UNKNOWN) {
            snprintf(y + o, sizeof y - o, "?)");
        } else {
            for (uint32_t i = 0; i < c->nargs && i < 6 && o < sizeof y - 1; i++) {
                char w[160];
                an_node_format(s, s->args[c->args + i], w, sizeof w);
                o += (size_t)snprintf(y + o, sizeof y - o, "%s%s", i ? ", " : "", w);
            }
            if (o < sizeof y - 1)
                snprintf(y + o, sizeof y - o, "%s)", c->nargs > 6 ? ", ..." : "");
        }
        snprintf(buf, cap, "%s %s%s", nm ? nm : "call", x, y);
        break;
    }
    default: snprintf(buf, cap, "%s", tkind_name(t->kind)); break;
    }
}

/* Entry points: templates grouped by the selector their guard enforces
 * (first-parent chain), -1 for those outside any selector. */
int seer_analyzer_describe_code(seer_analyzer *a, FILE *f, const uint8_t *code, size_t len,
                                seer_analyzer_format format)
{
    if (!a || !f || (!code && len))
        return SEER_EINVAL;
    seer_bytes32 h;
    seer_keccak256(h.bytes, code, len);
    const an_summary *s;
    int rc = seer_analyzer_summary(a, &s, &h, code, len);
    if (rc < 0)
        return rc;
    int64_t *sel = malloc(((size_t)s->ntpl + 1) * sizeof *sel);
    char *seen = NULL;
    if (!sel)
        return seer_err(SEER_ENOMEM, "describe");
    for (uint32_t i = 0; i < s->ntpl; i++)
        sel[i] = an_guard_selector(s, s->tpl[i].guard);
    /* Entry list: -1 then each selector. */
    size_t nent = s->nselectors + 1;
    bool json = format == SEER_ANALYZER_JSON;
    char hex[67];
    seer_hex_encode(hex, h.bytes, 32, true);
    if (json) {
        fprintf(f,
                "{\"code_hash\":\"%s\",\"size\":%zu,\"blocks\":%u,\"edges\":%u,\"steps\":%llu,"
                "\"nodes\":%u,\"paths_cut\":%u,\"loops_widened\":%u,\"budget_hit\":%s,\"build_us\":%.0f,"
                "\"entries\":[",
                hex, len, s->nblocks, s->nedges, (unsigned long long)s->steps, s->nnodes, s->truncated,
                s->widened, s->budget_hit ? "true" : "false", s->build_us);
    } else {
        fprintf(f, "code %s (%zu bytes)\n", hex, len);
        fprintf(
            f,
            "  %u basic blocks reached, %u jump edges resolved, %llu abstract steps, %u nodes, %u paths cut, "
            "%u loops widened%s, %.0f us\n",
            s->nblocks, s->nedges, (unsigned long long)s->steps, s->nnodes, s->truncated, s->widened,
            s->budget_hit ? ", BUDGET HIT" : "", s->build_us);
    }
    seen = calloc(s->ntpl + 1, 1);
    if (!seen) {
        free(sel);
        return seer_err(SEER_ENOMEM, "describe");
    }
    for (size_t e = 0; e < nent; e++) {
        int64_t want = e == 0 ? -1 : (int64_t)s->selectors[e - 1];
        if (json) {
            fprintf(f, "%s{\"selector\":", e ? "," : "");
            if (want < 0)
                fprintf(f, "null");
            else
                fprintf(f, "\"0x%08llx\"", (unsigned long long)want);
            fprintf(f, ",\"templates\":[");
        }
        if (!json)
            fprintf(f, want < 0 ? "  entry (any / fallback):\n" : "  entry 0x%08llx:\n",
                    (unsigned long long)want);
        /* Print each distinct text once per entry. */
        unsigned printed = 0;
        char **texts = NULL;
        for (uint32_t i = 0; i < s->ntpl; i++) {
            if (sel[i] != want)
                continue;
            char buf[1200];
            tpl_text(s, &s->tpl[i], buf, sizeof buf);
            bool dup = false;
            for (unsigned j = 0; j < printed && !dup; j++)
                dup = !strcmp(texts[j], buf);
            if (dup)
                continue;
            char **nt = realloc(texts, (printed + 1) * sizeof *nt);
            if (!nt)
                break;
            texts = nt;
            texts[printed] = strdup(buf);
            if (!texts[printed])
                break;
            if (json) {
                fprintf(f, "%s", printed ? "," : "");
                json_str(f, buf);
            } else {
                fprintf(f, "    %s\n", buf);
            }
            printed++;
        }
        for (unsigned j = 0; j < printed; j++)
            free(texts[j]);
        free(texts);
        if (json)
            fprintf(f, "]}");
    }
    if (json)
        fprintf(f, "]}\n");
    free(seen);
    free(sel);
    return ferror(f) ? seer_err(SEER_EIO, "describe: write failed") : 0;
}

/* ---- blocks ---- */

static int memstore_apply_cb(void *ctx, const seer_changeset *cs)
{
    return seer_memstore_apply(ctx, cs);
}

static int overlay_apply_cb(void *ctx, const seer_changeset *cs)
{
    return seer_overlay_apply(ctx, cs);
}

static void print_key(FILE *f, const seer_key *k)
{
    static const char *names[] = {"balance", "nonce", "code", "", "exists"};
    char a[43];
    seer_hex_encode(a, k->addr, 20, true);
    if (k->field == SEER_KEY_STORAGE) {
        char sl[67];
        seer_hex_encode(sl, k->slot, 32, true);
        fprintf(f, "%s:%s", a, sl);
    } else {
        fprintf(f, "%s:%s", a, k->field < 5 ? names[k->field] : "?");
    }
}

typedef struct tx_cmp {
    size_t actual, predicted, hit, missed, over;
    bool covered, exact;
} tx_cmp;

/* Distinct keys of the prediction (read or write). */
static size_t pred_distinct(const seer_prediction *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nkeys; i++)
        if (i == 0 || memcmp(&p->keys[i].key, &p->keys[i - 1].key, sizeof(seer_key)))
            n++;
    return n;
}

static bool pred_has_key(const seer_prediction *p, const seer_key *k)
{
    size_t lo = 0, hi = p->nkeys;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = memcmp(&p->keys[mid].key, k, sizeof *k);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Where predictions first turned "unknown": a code address (zero with
 * `in` false: the transaction as a whole) and a reason, with the number of
 * transactions. For the analyst: which contracts and patterns cost the
 * most. */
typedef struct unk_site {
    seer_address addr;
    bool in;
    const char *why;
    size_t txs;
} unk_site;

static int unk_count(unk_site **v, size_t *n, const seer_prediction *p)
{
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i].in == p->unknown_in_known && (*v)[i].why == p->unknown_why &&
            !memcmp(&(*v)[i].addr, &p->unknown_in, sizeof p->unknown_in)) {
            (*v)[i].txs++;
            return 0;
        }
    unk_site *q = realloc(*v, (*n + 1) * sizeof *q);
    if (!q)
        return seer_err(SEER_ENOMEM, "unknown sites");
    *v = q;
    q[*n] = (unk_site){p->unknown_in, p->unknown_in_known, p->unknown_why, 1};
    (*n)++;
    return 0;
}

static int unk_cmp(const void *a, const void *b)
{
    const unk_site *x = a, *y = b;
    if (x->txs != y->txs)
        return x->txs < y->txs ? 1 : -1;
    int c = memcmp(&x->addr, &y->addr, sizeof x->addr);
    return c ? c : strcmp(x->why, y->why);
}

/* " in 0x..." for a prediction's first unknown, into buf (43+4 bytes). */
static const char *unk_where(char *buf, const seer_prediction *p)
{
    if (!p->unknown_in_known)
        return "";
    memcpy(buf, " in ", 4);
    seer_hex_encode(buf + 4, p->unknown_in.bytes, 20, true);
    return buf;
}

static void compare_tx(tx_cmp *c, const seer_prediction *p, const seer_key *rd, size_t nr, const seer_key *wr,
                       size_t nw, FILE *f, bool show_missed)
{
    memset(c, 0, sizeof *c);
    c->covered = true;
    c->predicted = pred_distinct(p);
    /* actual distinct keys: merge of the two sorted lists */
    size_t i = 0, j = 0;
    while (i < nr || j < nw) {
        const seer_key *k;
        bool is_w = false, is_r = false;
        int cmp = i < nr && j < nw ? memcmp(&rd[i], &wr[j], sizeof *rd) : (i < nr ? -1 : 1);
        if (cmp == 0) {
            k = &rd[i++];
            j++;
            is_r = is_w = true;
        } else if (cmp < 0) {
            k = &rd[i++];
            is_r = true;
        } else {
            k = &wr[j++];
            is_w = true;
        }
        c->actual++;
        if (pred_has_key(p, k))
            c->hit++;
        bool ok =
            (!is_r || seer_prediction_covers(p, k, false)) && (!is_w || seer_prediction_covers(p, k, true));
        if (!ok) {
            c->covered = false;
            c->missed++;
            if (f && show_missed) {
                fprintf(f, "      missed %s ", is_w ? "write" : "read");
                print_key(f, k);
                fputc('\n', f);
            }
        }
    }
    c->over = c->predicted - c->hit;
    c->exact = c->covered && !p->unknown && p->nall_slots == 0 && c->over == 0;
}

int seer_analyzer_block_report(seer_analyzer *a, seer_analyzer_block_stats *stats, FILE *f,
                               const seer_analyzer_block_options *o)
{
    if (!a || !o || !o->block || (!o->db && (!o->pre || !o->codes)) ||
        o->version != SEER_ANALYZER_BLOCK_OPTIONS_VERSION)
        return SEER_EINVAL;
    json_object *blk = NULL, *pre = NULL, *codes = NULL, *hashes = NULL;
    seer_block blkd;
    memset(&blkd, 0, sizeof blkd);
    seer_memstore *ms = NULL;
    seer_lmdb *db = NULL;
    seer_lmdb_snapshot *snap = NULL;
    seer_overlay *ov = NULL;
    seer_world *w = NULL;
    const seer_tx *txs = NULL;
    seer_prediction *preds = NULL;
    unk_site *unk = NULL;
    size_t nunk = 0;
    size_t ntx = 0;
    seer_analyzer_block_stats st;
    memset(&st, 0, sizeof st);
    int rc = seer_json_parse_file(&blk, o->block);
    if (o->db) {
        /* The store's snapshot is the pre-state; the serial comparison
         * runs into an overlay over it, so nothing reaches the store. */
        seer_lmdb_options lo = SEER_LMDB_OPTIONS_INIT;
        lo.read_only = true;
        lo.create = false;
        if (rc == 0)
            rc = seer_lmdb_open(&db, o->db, &lo);
        if (rc == 0)
            rc = seer_lmdb_snapshot_begin(db, &snap);
        if (rc == 0)
            rc = seer_overlay_new(&ov, seer_lmdb_snapshot_reader(snap));
    } else {
        if (rc == 0)
            rc = seer_json_parse_file(&pre, o->pre);
        if (rc == 0)
            rc = seer_json_parse_file(&codes, o->codes);
        if (rc == 0 && o->hashes)
            rc = seer_json_parse_file(&hashes, o->hashes);
        if (rc == 0)
            rc = seer_memstore_new(&ms);
        if (rc == 0)
            rc = seer_json_load_mainnet_pre(ms, pre, o->pre, codes, o->codes);
        if (rc == 0 && hashes)
            rc = seer_json_load_block_hashes(ms, hashes, o->hashes);
    }
    if (rc < 0)
        goto cleanup;
    /* The JSON-RPC response or its result object. */
    json_object *b = json_object_object_get(blk, "result") ? json_object_object_get(blk, "result") : blk;
    if ((rc = seer_block_from_json(&blkd, b, o->block)) < 0)
        goto cleanup;
    seer_fork fork = seer_mainnet_fork(blkd.header.number, blkd.header.timestamp);
    seer_block_env env;
    seer_block_env_from_header(&env, &blkd.header, fork, 1);
    size_t bad = 0;
    const char *ex = NULL;
    double a0 = now_s();
    rc = seer_block_admit_txs(&blkd, fork, 1, &bad, &ex);
    st.admission_s = now_s() - a0;
    if (rc < 0) {
        seer_err_wrap(rc, "%s: transaction %zu (%s): ", o->block, bad, ex ? ex : "not admitted");
        goto cleanup;
    }
    ntx = blkd.ntxs;
    txs = blkd.txs;
    preds = calloc(ntx + 1, sizeof *preds);
    if (!preds) {
        rc = seer_err(SEER_ENOMEM, "block report");
        goto cleanup;
    }
    seer_state_reader reader = ms ? seer_memstore_reader(ms) : seer_overlay_reader(ov);
    seer_exec_target tgt = {reader, ms ? memstore_apply_cb : overlay_apply_cb, NULL,
                            ms ? (void *)ms : (void *)ov};
    /* Cold: empty cache; warm: the same predictions again. */
    seer_analyzer_cache_clear(a);
    double t0 = now_s();
    for (size_t i = 0; i < ntx && rc == 0; i++)
        rc = seer_analyzer_predict_tx(a, &preds[i], &txs[i], &env, &reader);
    st.analysis_cold_s = now_s() - t0;
    for (size_t i = 0; i < ntx && rc == 0; i++) {
        seer_prediction tmp;
        if (i == 0)
            t0 = now_s();
        rc = seer_analyzer_predict_tx(a, &tmp, &txs[i], &env, &reader);
        seer_prediction_clear(&tmp);
    }
    st.analysis_warm_s = ntx ? now_s() - t0 : 0;
    if (rc < 0)
        goto cleanup;
    st.txs = ntx;
    bool json = o->format == SEER_ANALYZER_JSON;
    if (f && json)
        fprintf(f, "{\"block\":%llu,\"fork\":\"%s\",\"txs\":[", (unsigned long long)env.number,
                seer_fork_name(fork));
    else if (f)
        fprintf(f, "block %llu (%s), %zu transactions%s\n", (unsigned long long)env.number,
                seer_fork_name(fork), ntx,
                o->compare ? "; executed serially without block reward, withdrawals or system calls" : "");
    if (o->compare) {
        rc = seer_world_create(&w, &reader, &env);
        if (rc < 0)
            goto cleanup;
    }
    uint64_t gas_used = 0, blob_gas_used = 0;
    for (size_t i = 0; i < ntx; i++) {
        seer_prediction *p = &preds[i];
        tx_cmp c;
        memset(&c, 0, sizeof c);
        c.predicted = pred_distinct(p);
        if (p->unknown) {
            st.with_unknown++;
            if ((rc = unk_count(&unk, &nunk, p)) < 0)
                goto cleanup;
        }
        char wbuf[48];
        if (p->nall_slots)
            st.with_all_slots++;
        if (o->compare) {
            /* The same prediction against the state right before this tx:
             * a miss here is the analyzer's, not a stale tier-2 value. */
            seer_prediction fresh;
            rc = seer_analyzer_predict_tx(a, &fresh, &txs[i], &env, &reader);
            if (rc < 0)
                goto cleanup;
            seer_world_reset(w);
            double e0 = now_s();
            seer_receipt rcpt;
            const char *tex = NULL;
            rc = seer_exec_tx(w, &tgt, &rcpt, &tex, &txs[i], fork, &gas_used, &blob_gas_used);
            st.execution_s += now_s() - e0;
            seer_receipt_clear(&rcpt);
            if (rc == 0 && tex)
                rc = seer_err(SEER_EBLOCK, "%s: transaction %zu invalid: %s", o->block, i, tex);
            const seer_key *rd, *wr;
            size_t nr, nw;
            if (rc == 0)
                rc = seer_world_access_set(w, &rd, &nr, &wr, &nw);
            if (rc < 0) {
                seer_prediction_clear(&fresh);
                goto cleanup;
            }
            tx_cmp cf;
            compare_tx(&cf, &fresh, rd, nr, wr, nw, NULL, false);
            st.covered_fresh += cf.covered;
            if (f && o->per_tx && !json && !cf.covered) {
                fprintf(f, "  tx %zu: MISSED even against the state right before it%s\n", i,
                        fresh.unknown ? " (unknown)" : "");
                compare_tx(&cf, &fresh, rd, nr, wr, nw, f, true);
            }
            seer_prediction_clear(&fresh);
            bool show = f && o->per_tx && !json;
            if (show)
                fprintf(f, "  tx %zu:", i);
            compare_tx(&c, p, rd, nr, wr, nw, NULL, false);
            if (show) {
                fprintf(f, " %s%s actual %zu predicted %zu hit %zu over %zu missed %zu frames %u%s%s%s%s%s\n",
                        c.covered ? "covered" : "MISSED", c.exact ? " exact" : "", c.actual, c.predicted,
                        c.hit, c.over, c.missed, p->frames, p->nall_slots ? " all-slots" : "",
                        p->unknown ? " UNKNOWN(" : "", p->unknown ? p->unknown_why : "",
                        p->unknown ? unk_where(wbuf, p) : "", p->unknown ? ")" : "");
                if (!c.covered)
                    compare_tx(&c, p, rd, nr, wr, nw, f, true);
            }
            st.covered += c.covered;
            st.covered_no_unknown += c.covered && !p->unknown;
            st.exact += c.exact;
            st.actual_keys += c.actual;
            st.hit_keys += c.hit;
            st.missed_keys += c.missed;
        } else if (f && o->per_tx && !json) {
            fprintf(f, "  tx %zu: predicted %zu keys%s%s%s%s\n", i, c.predicted,
                    p->nall_slots ? " all-slots" : "", p->unknown ? " UNKNOWN: " : "",
                    p->unknown ? p->unknown_why : "", p->unknown ? unk_where(wbuf, p) : "");
        }
        st.predicted_keys += c.predicted;
        if (f && json) {
            fprintf(f, "%s{\"index\":%zu,\"keys\":[", i ? "," : "", i);
            for (size_t k = 0; k < p->nkeys; k++) {
                fprintf(f, "%s{\"key\":\"", k ? "," : "");
                print_key(f, &p->keys[k].key);
                fprintf(f, "\",\"write\":%s,\"tier\":%u}", p->keys[k].write ? "true" : "false",
                        p->keys[k].tier);
            }
            fprintf(f, "],\"all_slots\":[");
            for (size_t k = 0; k < p->nall_slots; k++) {
                char hx[43];
                seer_hex_encode(hx, p->all_slots[k].bytes, 20, true);
                fprintf(f, "%s\"%s\"", k ? "," : "", hx);
            }
            fprintf(f, "],\"unknown\":%s", p->unknown ? "true" : "false");
            if (p->unknown) {
                fprintf(f, ",\"unknown_reason\":");
                json_str(f, p->unknown_why);
                if (p->unknown_in_known)
                    fprintf(f, ",\"unknown_in\":\"%s\"", unk_where(wbuf, p) + 4);
            }
            if (o->compare)
                fprintf(f, ",\"covered\":%s,\"exact\":%s,\"actual\":%zu,\"hit\":%zu,\"missed\":%zu",
                        c.covered ? "true" : "false", c.exact ? "true" : "false", c.actual, c.hit, c.missed);
            fprintf(f, "}");
        }
    }
    qsort(unk, nunk, sizeof *unk, unk_cmp);
    st.precision = st.predicted_keys ? (double)st.hit_keys / (double)st.predicted_keys : 1.0;
    st.recall = st.actual_keys ? (double)st.hit_keys / (double)st.actual_keys : 1.0;
    if (f && json) {
        fprintf(f,
                "],\"summary\":{\"txs\":%llu,\"with_unknown\":%llu,\"with_all_slots\":%llu,"
                "\"analysis_cold_s\":%.6f,\"analysis_warm_s\":%.6f",
                (unsigned long long)st.txs, (unsigned long long)st.with_unknown,
                (unsigned long long)st.with_all_slots, st.analysis_cold_s, st.analysis_warm_s);
        if (o->compare)
            fprintf(f,
                    ",\"covered\":%llu,\"covered_no_unknown\":%llu,\"exact\":%llu,\"precision\":%.4f,"
                    "\"recall\":%.4f,\"missed_keys\":%llu,\"execution_s\":%.6f,\"admission_s\":%.6f",
                    (unsigned long long)st.covered, (unsigned long long)st.covered_no_unknown,
                    (unsigned long long)st.exact, st.precision, st.recall, (unsigned long long)st.missed_keys,
                    st.execution_s, st.admission_s);
        fprintf(f, ",\"unknown_sites\":[");
        for (size_t i = 0; i < nunk; i++) {
            char hx[43];
            seer_hex_encode(hx, unk[i].addr.bytes, 20, true);
            fprintf(f, "%s{\"in\":", i ? "," : "");
            if (unk[i].in)
                fprintf(f, "\"%s\"", hx);
            else
                fprintf(f, "null");
            fprintf(f, ",\"reason\":");
            json_str(f, unk[i].why);
            fprintf(f, ",\"txs\":%zu}", unk[i].txs);
        }
        fprintf(f, "]}}\n");
    } else if (f) {
        fprintf(f,
                "total: %llu txs, %llu with unknown, %llu with all-slots wildcards; analysis %.3f ms cold, "
                "%.3f ms "
                "warm",
                (unsigned long long)st.txs, (unsigned long long)st.with_unknown,
                (unsigned long long)st.with_all_slots, st.analysis_cold_s * 1e3, st.analysis_warm_s * 1e3);
        if (o->compare)
            fprintf(
                f,
                "\n  covered %llu (against the state right before each tx: %llu), covered without unknown "
                "%llu "
                "(%.1f%%), exact %llu; keys: actual %llu, "
                "predicted %llu, hit %llu, missed %llu; precision %.3f recall %.3f; serial execution %.3f ms "
                "(analysis %.1f%% cold, %.1f%% warm)",
                (unsigned long long)st.covered, (unsigned long long)st.covered_fresh,
                (unsigned long long)st.covered_no_unknown,
                st.txs ? 100.0 * (double)st.covered_no_unknown / (double)st.txs : 0.0,
                (unsigned long long)st.exact, (unsigned long long)st.actual_keys,
                (unsigned long long)st.predicted_keys, (unsigned long long)st.hit_keys,
                (unsigned long long)st.missed_keys, st.precision, st.recall, st.execution_s * 1e3,
                st.execution_s > 0 ? 100.0 * st.analysis_cold_s / st.execution_s : 0.0,
                st.execution_s > 0 ? 100.0 * st.analysis_warm_s / st.execution_s : 0.0);
        if (o->compare) {
            /* The serial block as seer executes it: admission (sender
             * recovery, nonce and fee checks) and then the EVM. */
            double blk_s = st.admission_s + st.execution_s;
            fprintf(f, "\n  serial block with admission (sender recovery) %.3f ms (analysis %.1f%% warm)",
                    blk_s * 1e3, blk_s > 0 ? 100.0 * st.analysis_warm_s / blk_s : 0.0);
        }
        fprintf(f, "\n");
        if (nunk)
            fprintf(f, "  first \"unknown\" by code and reason (%zu sites%s):\n", nunk,
                    nunk > 10 ? ", the 10 with most transactions" : "");
        for (size_t i = 0; i < nunk && i < 10; i++) {
            char hx[43];
            seer_hex_encode(hx, unk[i].addr.bytes, 20, true);
            fprintf(f, "    %5zu tx  %s  %s\n", unk[i].txs, unk[i].in ? hx : "(the transaction)", unk[i].why);
        }
    }
    if (stats)
        *stats = st;
cleanup:
    for (size_t i = 0; i < ntx && preds; i++)
        seer_prediction_clear(&preds[i]);
    free(preds);
    free(unk);
    seer_block_clear(&blkd);
    seer_world_free(w);
    seer_memstore_free(ms);
    seer_overlay_free(ov);
    if (snap)
        seer_lmdb_snapshot_end(snap);
    if (db)
        seer_lmdb_close(db);
    json_object_put(blk);
    json_object_put(pre);
    json_object_put(codes);
    json_object_put(hashes);
    return rc;
}
