/* seer exec: execute one block in parallel (replay or build mode) over a
 * fixture pre-state or an LMDB store, optionally checked against serial
 * execution. */
#include "cli.h"

#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Shared with cmd_bench.c and cmd_graph.c (declared there). */
int cli_sched_load(seer_block **b, seer_prestate **ps, const char *path, const char *pre, const char *codes,
                   const char *hashes, seer_state *db);
int cli_sched_threads(unsigned *out, size_t max, size_t *n, const char *list);

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* BLOCK is a directory holding block.json (and pre_state.json; the codes
 * and block hashes next to it, as `seer gen` writes them, or two levels up,
 * as in the mainnet fixtures) or a block.json file. */
int cli_sched_load(seer_block **b, seer_prestate **ps, const char *path, const char *pre, const char *codes,
                   const char *hashes, seer_state *db)
{
    char dir[4096], blk[4200], p1[4200], p2[4200], p3[4200];
    if (is_dir(path)) {
        snprintf(dir, sizeof dir, "%s", path);
        snprintf(blk, sizeof blk, "%s/block.json", path);
    } else {
        snprintf(blk, sizeof blk, "%s", path);
        snprintf(dir, sizeof dir, "%s", path);
        char *s = strrchr(dir, '/');
        if (s)
            *s = 0;
        else
            snprintf(dir, sizeof dir, ".");
    }
    int rc = seer_block_from_json_file(b, blk);
    if (rc < 0) {
        cli_error(blk, rc);
        return rc;
    }
    if (db)
        rc = seer_prestate_from_state(ps, db);
    else {
        if (!pre) {
            snprintf(p1, sizeof p1, "%s/pre_state.json", dir);
            pre = p1;
        }
        if (!codes) {
            snprintf(p2, sizeof p2, "%s/bytecodes.json", dir);
            if (!is_file(p2))
                snprintf(p2, sizeof p2, "%s/../../bytecodes.json", dir);
            codes = is_file(p2) ? p2 : NULL;
        }
        if (!hashes) {
            snprintf(p3, sizeof p3, "%s/block_hashes.json", dir);
            if (!is_file(p3))
                snprintf(p3, sizeof p3, "%s/../../block_hashes.json", dir);
            hashes = is_file(p3) ? p3 : NULL;
        }
        rc = seer_prestate_from_files(ps, pre, codes, hashes);
    }
    if (rc < 0) {
        cli_error(db ? "pre-state from the store" : pre, rc);
        seer_block_free(*b);
        *b = NULL;
    }
    return rc;
}

/* "1,2,4,8" -> {1,2,4,8} */
int cli_sched_threads(unsigned *out, size_t max, size_t *n, const char *list)
{
    *n = 0;
    const char *p = list;
    while (*p && *n < max) {
        char *end;
        unsigned long v = strtoul(p, &end, 10);
        if (end == p || v == 0 || v > 1024)
            return -1;
        out[(*n)++] = (unsigned)v;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -1;
    }
    return *n ? 0 : -1;
}

static void hex32(char *out, const seer_bytes32 *b)
{
    static const char d[] = "0123456789abcdef";
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 32; i++) {
        out[2 + 2 * i] = d[b->bytes[i] >> 4];
        out[3 + 2 * i] = d[b->bytes[i] & 15];
    }
    out[66] = 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: seer exec BLOCK [--threads N] [--mode replay|build|serial] [--compare-serial]\n"
               "                 [--db DIR [--commit] | --pre FILE [--codes FILE] [--hashes FILE]]\n"
               "                 [--no-analyzer] [--full] [--quiet]\n"
               "  BLOCK: a directory with block.json (pre_state.json beside it) or a block.json file.\n"
               "  --full applies the beacon-root call, withdrawals and rewards (a complete state);\n"
               "  by default only the transactions run (the fixtures' pre-states are partial).\n");
}

int cmd_exec(int argc, char **argv)
{
    const char *block = NULL, *pre = NULL, *codes = NULL, *hashes = NULL, *dbdir = NULL;
    seer_sched_options o = SEER_SCHED_OPTIONS_INIT;
    bool compare = false, use_an = true, quiet = false, commit = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--threads") && i + 1 < argc) {
            o.threads = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(a, "--mode") && i + 1 < argc) {
            const char *m = argv[++i];
            if (!strcmp(m, "replay"))
                o.mode = SEER_SCHED_REPLAY;
            else if (!strcmp(m, "build"))
                o.mode = SEER_SCHED_BUILD;
            else if (!strcmp(m, "serial"))
                o.mode = SEER_SCHED_SERIAL;
            else {
                usage(stderr);
                return 2;
            }
        } else if (!strcmp(a, "--compare-serial")) {
            compare = true;
        } else if (!strcmp(a, "--db") && i + 1 < argc) {
            dbdir = argv[++i];
        } else if (!strcmp(a, "--commit")) {
            commit = true;
        } else if (!strcmp(a, "--pre") && i + 1 < argc) {
            pre = argv[++i];
        } else if (!strcmp(a, "--codes") && i + 1 < argc) {
            codes = argv[++i];
        } else if (!strcmp(a, "--hashes") && i + 1 < argc) {
            hashes = argv[++i];
        } else if (!strcmp(a, "--no-analyzer")) {
            use_an = false;
        } else if (!strcmp(a, "--full")) {
            o.txs_only = false;
        } else if (!strcmp(a, "--quiet")) {
            quiet = true;
        } else if (a[0] != '-' && !block) {
            block = a;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!block || (commit && !dbdir)) {
        usage(stderr);
        return 2;
    }
    int ret = 3, rc;
    seer_state *db = NULL;
    seer_block *b = NULL;
    seer_prestate *ps = NULL;
    seer_analyzer *an = NULL;
    seer_sched_result *res = NULL, *ser = NULL;
    if (dbdir) {
        seer_state_options so = SEER_STATE_OPTIONS_INIT;
        so.create = false;
        so.read_only = !commit;
        if ((rc = seer_state_open(&db, dbdir, &so)) < 0) {
            cli_error(dbdir, rc);
            goto out;
        }
    }
    if (cli_sched_load(&b, &ps, block, pre, codes, hashes, db) < 0)
        goto out;
    if (use_an && (rc = seer_analyzer_new(&an, NULL)) < 0) {
        cli_error("analyzer", rc);
        goto out;
    }
    o.analyzer = an;
    if ((rc = seer_sched_execute(&res, ps, b, &o)) < 0) {
        cli_error("exec", rc);
        goto out;
    }
    seer_sched_stats st;
    seer_sched_summary sum;
    seer_sched_result_stats(res, &st);
    if ((rc = seer_sched_result_summary(res, &sum)) < 0) {
        cli_error("receipts root", rc);
        goto out;
    }
    static const char *const modes[] = {"replay", "build", "serial"};
    char h[67];
    if (!quiet) {
        printf("%-6s %-14s %-6s %-10s %-12s %s\n", "pos", "tx", "status", "gas", "cumulative",
               o.mode == SEER_SCHED_BUILD ? "batch" : "level");
        for (size_t i = 0; i < seer_sched_result_count(res); i++) {
            seer_sched_receipt r;
            seer_sched_result_receipt(res, &r, i);
            hex32(h, &r.tx_hash);
            h[14] = 0;
            printf("%-6zu %-14s %-6d %-10llu %-12llu %u", i, h, r.status, (unsigned long long)r.gas_used,
                   (unsigned long long)r.cumulative_gas, r.level);
            if (o.mode == SEER_SCHED_BUILD)
                printf("  (pool tx %zu)", r.tx_index);
            printf("\n");
        }
    }
    hex32(h, &sum.receipts_root);
    printf("block %llu: %s, %zu txs, %u threads, gas %llu, receipts root %s%s%s\n",
           (unsigned long long)seer_block_number(b), modes[o.mode], st.txs, st.threads,
           (unsigned long long)sum.gas_used, h, seer_sched_result_exception(res) ? ", invalid: " : "",
           seer_sched_result_exception(res) ? seer_sched_result_exception(res) : "");
    printf("time %.3f ms (admit %.3f, analysis %.3f, schedule %.3f, exec %.3f, commit %.3f), cpu %.3f ms, "
           "%.1f Mgas/s\n",
           st.total_s * 1e3, st.admit_s * 1e3, st.predict_s * 1e3, st.schedule_s * 1e3, st.exec_s * 1e3,
           st.commit_s * 1e3, st.cpu_s * 1e3, st.total_s > 0 ? (double)st.gas / st.total_s / 1e6 : 0.0);
    if (o.mode != SEER_SCHED_SERIAL)
        printf("schedule: %u %s, critical path %llu gas (ideal %.2fx; modeled 4/8/16/32/64 threads: %.2f "
               "%.2f %.2f "
               "%.2f %.2f), mispredicted %zu, re-executed %zu (%llu gas), rounds %u%s\n",
               st.levels, o.mode == SEER_SCHED_BUILD ? "batches" : "levels",
               (unsigned long long)st.critical_gas, st.ideal_speedup, st.modeled_speedup[0],
               st.modeled_speedup[1], st.modeled_speedup[2], st.modeled_speedup[3], st.modeled_speedup[4],
               st.mispredicted, st.reexecuted, (unsigned long long)st.reexecuted_gas, st.rounds,
               st.serial_fallback ? ", serial fallback" : "");
    if (o.txs_only)
        printf("note: transactions only (no beacon-root call, withdrawals or rewards)\n");
    ret = 0;
    if (compare) {
        seer_sched_options so = o;
        so.mode = SEER_SCHED_SERIAL;
        if (o.mode == SEER_SCHED_BUILD) {
            printf(
                "compare-serial: build mode's order is its own; the emitted order is checked by replaying it "
                "serially in the tests\n");
        } else if ((rc = seer_sched_execute(&ser, ps, b, &so)) < 0) {
            cli_error("serial exec", rc);
            ret = 3;
            goto out;
        } else {
            seer_sched_summary s2;
            seer_sched_result_summary(ser, &s2);
            bool ok = s2.gas_used == sum.gas_used && !memcmp(&s2.receipts_root, &sum.receipts_root, 32) &&
                      !memcmp(s2.logs_bloom, sum.logs_bloom, 256) &&
                      seer_sched_result_count(ser) == seer_sched_result_count(res);
            seer_bytes32 r1, r2;
            int a = seer_sched_result_state_root(res, &r1), c = seer_sched_result_state_root(ser, &r2);
            bool roots = a == 0 && c == 0;
            if (roots)
                ok = ok && !memcmp(&r1, &r2, 32);
            hex32(h, &r1);
            printf("compare-serial: %s (gas, receipts root, logs bloom%s)%s%s\n", ok ? "EQUAL" : "DIFFERENT",
                   roots ? ", post-state root" : "", roots ? " state root " : "", roots ? h : "");
            if (!ok)
                ret = 1;
        }
    }
    if (commit) {
        if ((rc = seer_sched_result_commit(res, db)) < 0) {
            cli_error("commit", rc);
            ret = 3;
        } else {
            printf("committed block %llu to %s\n", (unsigned long long)seer_block_number(b), dbdir);
        }
    }
out:
    seer_sched_result_free(res);
    seer_sched_result_free(ser);
    seer_analyzer_free(an);
    seer_prestate_free(ps);
    seer_block_free(b);
    seer_state_close(db);
    return ret;
}
