/* seer demo: the main job end to end on a generated block. Generates a
 * block (a mix of ETH transfers, ERC-20 transfers, swaps and mints),
 * imports its pre-state into the embedded LMDB store, executes it serially
 * and in parallel from the same snapshot, compares the two results and
 * commits the parallel one. */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void help(FILE *f)
{
    fprintf(f, "usage: seer demo [options]\n\n"
               "Generates a block, imports its pre-state into the embedded LMDB store,\n"
               "executes it serially and in parallel, compares the results (gas, receipts\n"
               "root, logs bloom, every post-state change) and commits the parallel one.\n\n"
               "  --workload NAME   mix (default), transfer, erc20, swap, nft-mint, adversarial-*\n"
               "  --txs N           transactions (default 2000)\n"
               "  --senders N       sending accounts (default 1000)\n"
               "  --contention P    share of transactions touching one hot object (default 0)\n"
               "  --seed S          generator seed (default 1)\n"
               "  --threads N       worker threads (default: the number of cores)\n"
               "  --db DIR          store root (default $SEER_DB or ./seer-data); the demo\n"
               "                    writes DIR/demo/block (the JSON files) and DIR/demo/state\n"
               "                    (the LMDB store), both recreated on every run\n\n"
               "Exit status: 0 when serial and parallel agree, 1 when they differ, 3 on an error.\n");
}

/* Collects a result's post-state changes as text, to compare two runs. */
static int dump_change(void *ctx, const seer_sched_change *c)
{
    FILE *f = ctx;
    fwrite(c->address.bytes, 1, 20, f);
    fprintf(f, "|%d%d|%" PRIu64 "|", c->exists, c->storage_cleared, c->nonce);
    fwrite(c->balance.bytes, 1, 32, f);
    fwrite(c->code_hash.bytes, 1, 32, f);
    for (size_t i = 0; i < c->nslots; i++) {
        fwrite(c->slot_keys[i].bytes, 1, 32, f);
        fwrite(c->slot_values[i].bytes, 1, 32, f);
    }
    fputc('\n', f);
    return 0;
}

typedef struct changes_text {
    char *p;
    size_t len;
    size_t accounts;
} changes_text;

static int count_change(void *ctx, const seer_sched_change *c)
{
    (void)c;
    (*(size_t *)ctx)++;
    return 0;
}

static int changes_of(changes_text *out, const seer_sched_result *r)
{
    memset(out, 0, sizeof *out);
    FILE *f = open_memstream(&out->p, &out->len);
    if (!f)
        return SEER_ENOMEM;
    int rc = seer_sched_result_changes(r, dump_change, f);
    fclose(f);
    if (rc == 0)
        rc = seer_sched_result_changes(r, count_change, &out->accounts);
    return rc;
}

static void hex32(char out[67], const seer_bytes32 *h)
{
    static const char d[] = "0123456789abcdef";
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 32; i++) {
        out[2 + 2 * i] = d[h->bytes[i] >> 4];
        out[3 + 2 * i] = d[h->bytes[i] & 15];
    }
    out[66] = 0;
}

static int run(seer_sched_result **out, const seer_prestate *ps, const char *block_path, seer_sched_mode mode,
               unsigned threads, seer_analyzer *an)
{
    seer_block *block = NULL;
    int rc = seer_block_from_json_file(&block, block_path);
    if (rc < 0) {
        cli_error(block_path, rc);
        return rc;
    }
    seer_sched_options o = SEER_SCHED_OPTIONS_INIT;
    o.mode = mode;
    o.threads = threads;
    o.analyzer = an;
    rc = seer_sched_execute(out, ps, block, &o);
    if (rc < 0)
        cli_error(mode == SEER_SCHED_SERIAL ? "serial execution" : "parallel execution", rc);
    seer_block_free(block);
    return rc;
}

int cmd_demo(int argc, char **argv)
{
    seer_gen_options g = SEER_GEN_OPTIONS_INIT;
    g.txs = 2000;
    g.senders = 1000;
    unsigned threads = 0;
    const char *db = NULL;
    static const struct option longopts[] = {
        {"workload", required_argument, 0, 'w'},
        {"txs", required_argument, 0, 'n'},
        {"senders", required_argument, 0, 's'},
        {"contention", required_argument, 0, 'c'},
        {"seed", required_argument, 0, 'S'},
        {"threads", required_argument, 0, 't'},
        {"db", required_argument, 0, 'd'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "w:n:s:c:S:t:d:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'w': g.workload = optarg; break;
        case 'n': g.txs = strtoull(optarg, NULL, 10); break;
        case 's': g.senders = strtoull(optarg, NULL, 10); break;
        case 'c': g.contention = strtod(optarg, NULL); break;
        case 'S': g.seed = strtoull(optarg, NULL, 0); break;
        case 't': threads = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'd': db = optarg; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return 2;
        }
    }
    if (g.senders > g.txs)
        g.senders = g.txs;
    if (!db)
        db = seer_state_default_dir();

    char top[4096], dir[4200], blockdir[4200], path[4300], pre[4300], codes[4300];
    snprintf(top, sizeof top, "%s/demo", db);
    snprintf(dir, sizeof dir, "%s/state", top);
    snprintf(blockdir, sizeof blockdir, "%s/block", top);
    int status = 3, rc;
    seer_gen_block *gb = NULL;
    seer_state *st = NULL;
    seer_prestate *ps = NULL;
    seer_analyzer *an = NULL;
    seer_sched_result *rs = NULL, *rp = NULL;
    changes_text cs = {0}, cp = {0};

    /* 1. Generate the block and write its JSON files. */
    if ((rc = seer_gen_block_new(&gb, &g)) < 0) {
        cli_error("generating the block", rc);
        goto out;
    }
    seer_gen_info info;
    seer_gen_block_info(gb, &info);
    mkdir(db, 0755);
    mkdir(top, 0755);
    if ((rc = seer_gen_block_write(gb, blockdir)) < 0) {
        cli_error(blockdir, rc);
        goto out;
    }
    printf("seer demo: block #%" PRIu64 ", %zu transactions (%s, seed %" PRIu64 "), %" PRIu64 " gas\n",
           info.number, info.txs, g.workload, g.seed, info.gas_used);
    printf("  block files: %s/{block,pre_state,bytecodes}.json\n", blockdir);

    /* 2. A fresh store holding the pre-state. */
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/lock.mdb", dir);
    unlink(path);
    if ((rc = seer_state_open(&st, dir, NULL)) < 0) {
        cli_error(dir, rc);
        goto out;
    }
    snprintf(pre, sizeof pre, "%s/pre_state.json", blockdir);
    snprintf(codes, sizeof codes, "%s/bytecodes.json", blockdir);
    seer_state_import_stats is;
    if ((rc = seer_state_import_json(st, &is, pre, codes)) < 0) {
        cli_error("importing the pre-state", rc);
        goto out;
    }
    printf("  LMDB store %s: imported %" PRIu64 " accounts, %" PRIu64 " slots, %" PRIu64 " codes (%.2f s)\n",
           dir, is.accounts, is.slots, is.codes, is.seconds);

    /* 3. Serial and parallel from the same snapshot. */
    snprintf(path, sizeof path, "%s/block.json", blockdir);
    if ((rc = seer_prestate_from_state(&ps, st)) < 0) {
        cli_error("snapshot", rc);
        goto out;
    }
    if ((rc = seer_analyzer_new(&an, NULL)) < 0) {
        cli_error("analyzer", rc);
        goto out;
    }
    if ((rc = run(&rs, ps, path, SEER_SCHED_SERIAL, 1, NULL)) < 0)
        goto out;
    if ((rc = run(&rp, ps, path, SEER_SCHED_REPLAY, threads, an)) < 0)
        goto out;

    seer_sched_summary ss, sp;
    seer_sched_stats ts, tp;
    seer_sched_result_summary(rs, &ss);
    seer_sched_result_summary(rp, &sp);
    seer_sched_result_stats(rs, &ts);
    seer_sched_result_stats(rp, &tp);
    if ((rc = changes_of(&cs, rs)) < 0 || (rc = changes_of(&cp, rp)) < 0) {
        cli_error("reading the post-state changes", rc);
        goto out;
    }
    bool same_gas = ss.gas_used == sp.gas_used;
    bool same_root = memcmp(&ss.receipts_root, &sp.receipts_root, 32) == 0;
    bool same_bloom = memcmp(ss.logs_bloom, sp.logs_bloom, 256) == 0;
    bool same_changes = cs.len == cp.len && memcmp(cs.p, cp.p, cs.len) == 0;
    bool same_count = seer_sched_result_count(rs) == seer_sched_result_count(rp);
    char h1[67], h2[67];
    hex32(h1, &ss.receipts_root);
    hex32(h2, &sp.receipts_root);
    printf("\n  %-16s %-24s %-24s\n", "", "serial", "parallel");
    printf("  %-16s %-24u %-24u\n", "threads", 1u, tp.threads);
    printf("  %-16s %-24.3f %-24.3f\n", "time (s)", ts.total_s, tp.total_s);
    printf("  %-16s %-24.1f %-24.1f\n", "Mgas/s", ts.total_s > 0 ? ts.gas / ts.total_s / 1e6 : 0,
           tp.total_s > 0 ? tp.gas / tp.total_s / 1e6 : 0);
    printf("  %-16s %-24" PRIu64 " %-24" PRIu64 " %s\n", "gas used", ss.gas_used, sp.gas_used,
           same_gas ? "same" : "DIFFERENT");
    printf("  %-16s %.18s... %.18s... %s\n", "receipts root", h1, h2, same_root ? "same" : "DIFFERENT");
    printf("  %-16s %-24s %-24s %s\n", "logs bloom", "", "", same_bloom ? "same" : "DIFFERENT");
    printf("  %-16s %-24zu %-24zu %s\n", "changed accounts", cs.accounts, cp.accounts,
           same_changes ? "same" : "DIFFERENT");
    if (tp.pipelined)
        printf("\n  parallel: %zu txs executed in block order by the calling thread while the other threads "
               "recovered senders,\n  %zu predicted, %zu run on the predicted schedule (%u levels), %zu "
               "mispredicted, %zu re-executed\n",
               tp.lane_txs, tp.predicted_txs, tp.sched_txs, tp.levels, tp.mispredicted, tp.reexecuted);
    else
        printf("\n  parallel schedule: %u levels, predicted parallelism %.2fx, %zu mispredicted, "
               "%zu re-executed, analysis %.1f%% of the time\n",
               tp.levels, tp.ideal_speedup, tp.mispredicted, tp.reexecuted,
               tp.total_s > 0 ? 100.0 * tp.predict_s / tp.total_s : 0.0);
    printf("  speedup: %.2fx at %u threads (wall time, analysis included)\n",
           tp.total_s > 0 ? ts.total_s / tp.total_s : 0.0, tp.threads);
    if (!(same_gas && same_root && same_bloom && same_changes && same_count)) {
        printf("\nseer demo: serial and parallel results DIFFER\n");
        status = 1;
        goto out;
    }

    /* 4. Commit the parallel result in one write transaction. */
    seer_prestate_free(ps);
    ps = NULL;
    if ((rc = seer_sched_result_commit(rp, st)) < 0) {
        cli_error("commit", rc);
        goto out;
    }
    seer_bytes32 root;
    if ((rc = seer_state_root(st, &root)) < 0) {
        cli_error("state root", rc);
        goto out;
    }
    hex32(h1, &root);
    printf("  committed the parallel result: state root %s\n", h1);
    printf("\nseer demo: serial and parallel results are identical\n");
    status = 0;
out:
    free(cs.p);
    free(cp.p);
    seer_sched_result_free(rs);
    seer_sched_result_free(rp);
    seer_analyzer_free(an);
    seer_prestate_free(ps);
    seer_state_close(st);
    seer_gen_block_free(gb);
    return status;
}
