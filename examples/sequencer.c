/* A sequencer's use of libseer, through the public API only: generate a
 * block (standing in for the sequencer's own), keep the state in an LMDB
 * store, execute the block in parallel, check it against serial execution,
 * commit it; then let build mode choose an order for the same transactions
 * as a pool. Exits 0 when every check holds (run by `make check`). */
#include <seer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what, int rc)
{
    fprintf(stderr, "sequencer: %s: %s: %s\n", what, seer_strerror(rc), seer_error_detail());
    return 1;
}

static void rm_rf(const char *dir)
{
    static const char *const files[] = {"block.json", "pre_state.json", "bytecodes.json", "data.mdb",
                                        "lock.mdb"};
    char p[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        remove(p);
    }
    snprintf(p, sizeof p, "%s/db", dir);
    for (size_t i = 3; i < 5; i++) {
        char q[600];
        snprintf(q, sizeof q, "%s/%s", p, files[i]);
        remove(q);
    }
    rmdir(p);
    rmdir(dir);
}

int main(void)
{
    char dir[] = "/tmp/seer-example-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char blk[256], pre[256], codes[256], dbdir[256];
    snprintf(blk, sizeof blk, "%s/block.json", dir);
    snprintf(pre, sizeof pre, "%s/pre_state.json", dir);
    snprintf(codes, sizeof codes, "%s/bytecodes.json", dir);
    snprintf(dbdir, sizeof dbdir, "%s/db", dir);
    int ret = 1, rc;
    seer_gen_block *g = NULL;
    seer_block *block = NULL, *pool = NULL;
    seer_state *st = NULL;
    seer_prestate *ps = NULL;
    seer_analyzer *an = NULL;
    seer_sched_result *par = NULL, *ser = NULL, *built = NULL;

    /* 1. a block and its pre-state (a sequencer has its own) */
    seer_gen_options go = SEER_GEN_OPTIONS_INIT;
    go.workload = "mix";
    go.txs = 200;
    go.senders = 60;
    go.contention = 0.1;
    if ((rc = seer_gen_block_new(&g, &go)) < 0 || (rc = seer_gen_block_write(g, dir)) < 0) {
        ret = fail("generate", rc);
        goto out;
    }
    if ((rc = seer_block_from_json_file(&block, blk)) < 0 ||
        (rc = seer_block_from_json_file(&pool, blk)) < 0) {
        ret = fail("block", rc);
        goto out;
    }

    /* 2. the state store */
    if ((rc = seer_state_open(&st, dbdir, NULL)) < 0 ||
        (rc = seer_state_import_json(st, NULL, pre, codes)) < 0) {
        ret = fail("state store", rc);
        goto out;
    }
    if ((rc = seer_prestate_from_state(&ps, st)) < 0 || (rc = seer_analyzer_new(&an, NULL)) < 0) {
        ret = fail("pre-state", rc);
        goto out;
    }

    /* 3. replay in parallel, and serially for comparison */
    seer_sched_options o = SEER_SCHED_OPTIONS_INIT;
    o.analyzer = an;
    o.threads = 4;
    o.min_parallelism = 0; /* show the parallel path even on a small block */
    if ((rc = seer_sched_execute(&par, ps, block, &o)) < 0) {
        ret = fail("parallel execution", rc);
        goto out;
    }
    seer_sched_options os = o;
    os.mode = SEER_SCHED_SERIAL;
    if ((rc = seer_sched_execute(&ser, ps, block, &os)) < 0) {
        ret = fail("serial execution", rc);
        goto out;
    }
    seer_sched_summary sp, ss;
    seer_sched_stats stats;
    seer_sched_result_summary(par, &sp);
    seer_sched_result_summary(ser, &ss);
    seer_sched_result_stats(par, &stats);
    int same = sp.gas_used == ss.gas_used && !memcmp(&sp.receipts_root, &ss.receipts_root, 32) &&
               !memcmp(sp.logs_bloom, ss.logs_bloom, 256) && !seer_sched_result_exception(par);
    printf("replay: %zu txs, gas %llu, %u levels, critical path %llu gas, %zu mispredicted: %s serial\n",
           seer_sched_result_count(par), (unsigned long long)sp.gas_used, stats.levels,
           (unsigned long long)stats.critical_gas, stats.mispredicted, same ? "equals" : "DIFFERS FROM");
    if (!same)
        goto out;

    /* 4. commit the parallel result (one write transaction) */
    seer_prestate_free(ps);
    ps = NULL;
    if ((rc = seer_sched_result_commit(par, st)) < 0) {
        ret = fail("commit", rc);
        goto out;
    }
    seer_state_stat info;
    if ((rc = seer_state_stat_get(st, &info)) < 0) {
        ret = fail("stat", rc);
        goto out;
    }
    printf("committed: store at block %llu\n", (unsigned long long)info.block_number);
    if (!info.has_block || info.block_number != seer_block_number(block))
        goto out;

    /* 5. build mode: the same transactions as a pool, over the same
     *    pre-state (from the files this time) */
    seer_prestate *ps2 = NULL;
    if ((rc = seer_prestate_from_files(&ps2, pre, codes, NULL)) < 0) {
        ret = fail("pre-state files", rc);
        goto out;
    }
    /* the committed store's root equals the root of serial execution over
     * the files (the generated pre-state is complete) */
    seer_sched_result *ser2 = NULL;
    seer_bytes32 r_store, r_serial;
    if ((rc = seer_sched_execute(&ser2, ps2, block, &os)) < 0 ||
        (rc = seer_sched_result_state_root(ser2, &r_serial)) < 0 ||
        (rc = seer_state_root(st, &r_store)) < 0) {
        seer_sched_result_free(ser2);
        seer_prestate_free(ps2);
        ret = fail("roots", rc);
        goto out;
    }
    seer_sched_result_free(ser2);
    same = !memcmp(&r_store, &r_serial, 32);
    printf("state root after commit %s serial execution's\n", same ? "equals" : "DIFFERS FROM");
    if (!same) {
        seer_prestate_free(ps2);
        goto out;
    }
    o.mode = SEER_SCHED_BUILD;
    rc = seer_sched_execute(&built, ps2, pool, &o);
    seer_prestate_free(ps2);
    if (rc < 0) {
        ret = fail("build", rc);
        goto out;
    }
    seer_sched_result_stats(built, &stats);
    size_t n = seer_sched_result_count(built);
    printf("build: %zu of %zu txs in %u batches%s; first positions:", n, seer_block_tx_count(pool),
           stats.levels, seer_sched_result_exception(built) ? " (invalid)" : "");
    for (size_t i = 0; i < n && i < 8; i++) {
        seer_sched_receipt r;
        seer_sched_result_receipt(built, &r, i);
        printf(" %zu(b%u)", r.tx_index, r.level);
    }
    printf("\n");
    if (seer_sched_result_exception(built) || n == 0)
        goto out;
    ret = 0;
out:
    seer_sched_result_free(par);
    seer_sched_result_free(ser);
    seer_sched_result_free(built);
    seer_prestate_free(ps);
    seer_analyzer_free(an);
    seer_block_free(block);
    seer_block_free(pool);
    seer_state_close(st);
    seer_gen_block_free(g);
    rm_rf(dir);
    return ret;
}
