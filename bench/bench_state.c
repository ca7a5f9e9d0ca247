/* The LMDB state store: bulk write throughput (accounts/s, slots/s), the
 * cost of a full state-root recomputation per 100,000 accounts, and read
 * latency through a snapshot, uncached (first touch: LMDB B-tree lookup
 * under the snapshot's lock) and cached (the sharded cache), and a mainnet
 * JSON import end to end (JSON parsing included).
 *
 * Run: ./bench/bench_state [accounts, default 100000] [dir, default a
 *      mkdtemp under /tmp]; SEER_FIXTURES for the JSON import.
 * The store uses MDB_NOSYNC for the bulk write (an import is one
 * transaction; its single fsync is timed separately). Figures vary with
 * the machine and its load: compare ratios from one run. */
#define _GNU_SOURCE
#include "common/keccak.h"
#include "common/util.h"
#include "seer/state.h"
#include "state/lmdb.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of this thread: the machine is shared, and wall time there
 * mostly measures other processes. */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int cmp_change(const void *x, const void *y)
{
    return memcmp(((const seer_account_change *)x)->addr.bytes, ((const seer_account_change *)y)->addr.bytes,
                  20);
}

static seer_address account_addr(size_t i)
{
    /* keccak-spread addresses, as mainnet's are */
    uint8_t h[32];
    uint64_t v = i;
    seer_keccak256(h, &v, sizeof v);
    seer_address a;
    memcpy(a.bytes, h, 20);
    return a;
}

static volatile uint64_t sink;

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 100000;
    char tmpl[] = "/tmp/seer_bench_state_XXXXXX";
    const char *dir = argc > 2 ? argv[2] : mkdtemp(tmpl);
    if (!dir || n == 0) {
        fprintf(stderr, "bench_state: bad arguments\n");
        return 2;
    }
    /* A state like mainnet's mix: most accounts plain, one in eight a
     * contract with 1..64 slots. */
    seer_account_change *ch = calloc(n, sizeof *ch);
    size_t nslots = 0;
    for (size_t i = 0; i < n; i++) {
        ch[i].addr = account_addr(i);
        ch[i].account.exists = true;
        ch[i].account.nonce = rnd() % 100;
        ch[i].account.balance = u256_from_u64(rnd());
        ch[i].account.code_hash = SEER_EMPTY_CODE_HASH;
        if (i % 8 == 0) {
            size_t ns = 1 + rnd() % 64;
            ch[i].slots = calloc(ns, sizeof *ch[i].slots);
            for (size_t j = 0; j < ns; j++) {
                ch[i].slots[j].key = u256_from_u64(j);
                ch[i].slots[j].value = u256_from_u64(1 + rnd());
            }
            ch[i].nslots = ns;
            nslots += ns;
        }
    }
    qsort(ch, n, sizeof *ch, cmp_change);
    seer_changeset cs = {ch, n};

    seer_lmdb *db;
    seer_lmdb_options o = SEER_LMDB_OPTIONS_INIT;
    o.no_sync = true;
    o.map_size = 64 << 20; /* let it grow: growth is part of the cost */
    int err = seer_lmdb_open(&db, dir, &o);
    if (err) {
        fprintf(stderr, "bench_state: open %s: %s: %s\n", dir, seer_strerror(err), seer_error_detail());
        return 1;
    }
    double t0 = now(), c0 = cpu();
    err = seer_lmdb_commit(db, &cs, 1, NULL);
    double t1 = now(), c1 = cpu();
    if (err) {
        fprintf(stderr, "bench_state: commit: %s: %s\n", seer_strerror(err), seer_error_detail());
        return 1;
    }
    printf("bulk write (one transaction, no sync): %zu accounts + %zu slots in %.3f s wall, %.3f s CPU: "
           "%.0f accounts/s, %.0f slots/s (%.0f entries/s, by CPU time), map size now %zu MiB\n",
           n, nslots, t1 - t0, c1 - c0, (double)n / (c1 - c0), (double)nslots / (c1 - c0),
           (double)(n + nslots) / (c1 - c0), seer_lmdb_map_size(db) >> 20);

    seer_bytes32 root;
    t0 = cpu();
    err = seer_lmdb_state_root(db, &root);
    t1 = cpu();
    if (err) {
        fprintf(stderr, "bench_state: root: %s: %s\n", seer_strerror(err), seer_error_detail());
        return 1;
    }
    printf("state root, full recomputation: %.3f s CPU for %zu accounts + %zu slots = %.3f s per 100,000 "
           "accounts\n",
           t1 - t0, n, nslots, (t1 - t0) * 100000.0 / (double)n);

    /* read latency: random accounts and slots of the contracts */
    const size_t nreads = n < 200000 ? n : 200000;
    size_t *order = malloc(nreads * sizeof *order);
    for (size_t i = 0; i < nreads; i++)
        order[i] = rnd() % n;
    for (int pass = 0; pass < 2; pass++) {
        seer_lmdb_snapshot *snap;
        seer_lmdb_snapshot_begin(db, &snap);
        seer_state_reader rd = seer_lmdb_snapshot_reader(snap);
        for (int round = 0; round < 2; round++) {
            double ta = cpu();
            for (size_t i = 0; i < nreads; i++) {
                seer_account a;
                rd.vt->get_account(rd.ctx, &ch[order[i]].addr, &a);
                sink += a.nonce;
            }
            double tb = cpu();
            size_t sreads = 0;
            for (size_t i = 0; i < nreads; i++) {
                const seer_account_change *c = &ch[order[i]];
                if (!c->nslots)
                    continue;
                u256 v;
                rd.vt->get_storage(rd.ctx, &c->addr, &c->slots[i % c->nslots].key, &v);
                sink += v.w[0];
                sreads++;
            }
            double tc = cpu();
            if (pass == 1)
                printf("reads (%s, CPU time): account %.0f ns, slot %.0f ns (%zu + %zu reads)\n",
                       round == 0 ? "uncached, first touch" : "cached", (tb - ta) * 1e9 / (double)nreads,
                       sreads ? (tc - tb) * 1e9 / (double)sreads : 0.0, nreads, sreads);
        }
        seer_lmdb_snapshot_end(snap); /* pass 0 only warms the OS page cache */
    }
    free(order);

    /* one synced commit of a small block */
    seer_lmdb_close(db);
    o.no_sync = false;
    seer_lmdb_open(&db, dir, &o);
    seer_changeset small = {ch, n < 200 ? n : 200};
    t0 = now();
    err = seer_lmdb_commit(db, &small, 2, NULL);
    t1 = now();
    printf("synced commit of a 200-account block: %.2f ms%s\n", (t1 - t0) * 1e3, err ? " (failed)" : "");
    seer_lmdb_close(db);

    /* the same state as a pre_state.json, imported through the public API */
    char jpath[4200], jstore[4200];
    snprintf(jpath, sizeof jpath, "%s/synthetic_pre.json", dir);
    snprintf(jstore, sizeof jstore, "%s/synthetic", dir);
    FILE *jf = fopen(jpath, "w");
    if (jf) {
        fputc('{', jf);
        for (size_t i = 0; i < n; i++) {
            char bal[67];
            fprintf(jf, "%s\"0x", i ? "," : "");
            for (int b = 0; b < 20; b++)
                fprintf(jf, "%02x", ch[i].addr.bytes[b]);
            fprintf(jf, "\":{\"balance\":\"%s\",\"nonce\":%llu,\"storage\":{",
                    u256_to_hex(bal, &ch[i].account.balance), (unsigned long long)ch[i].account.nonce);
            for (size_t j = 0; j < ch[i].nslots; j++) {
                char k[67], v[67];
                fprintf(jf, "%s\"%s\":\"%s\"", j ? "," : "", u256_to_hex(k, &ch[i].slots[j].key),
                        u256_to_hex(v, &ch[i].slots[j].value));
            }
            fputs("}}", jf);
        }
        fputs("}\n", jf);
        fclose(jf);
        seer_state *sst;
        if (seer_state_open(&sst, jstore, NULL) == 0) {
            seer_state_import_stats s;
            c0 = cpu();
            err = seer_state_import_json(sst, &s, jpath, NULL);
            c1 = cpu();
            if (err)
                printf("synthetic json import: %s: %s\n", seer_strerror(err), seer_error_detail());
            else
                printf("json import (synthetic pre_state.json, parse + load + one synced commit): %llu "
                       "accounts, "
                       "%llu slots in %.3f s wall, %.3f s CPU: %.0f accounts/s, %.0f slots/s (by CPU time)\n",
                       (unsigned long long)s.accounts, (unsigned long long)s.slots, s.seconds, c1 - c0,
                       (double)s.accounts / (c1 - c0), (double)s.slots / (c1 - c0));
            seer_state_close(sst);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(ch[i].slots);
    free(ch);

    /* the JSON import end to end */
    const char *fx = getenv("SEER_FIXTURES");
    char pre[4096], codes[4096], jdir[4200];
    snprintf(pre, sizeof pre, "%s/mainnet/blocks/15538827/pre_state.json",
             fx && *fx ? fx : "../shared/fixtures");
    snprintf(codes, sizeof codes, "%s/mainnet/bytecodes.json", fx && *fx ? fx : "../shared/fixtures");
    snprintf(jdir, sizeof jdir, "%s/json", dir);
    seer_state *st;
    if (seer_state_open(&st, jdir, NULL) == 0) {
        seer_state_import_stats s;
        err = seer_state_import_json(st, &s, pre, codes);
        if (err)
            printf("json import: %s: %s\n", seer_strerror(err), seer_error_detail());
        else
            printf("json import (mainnet block 15538827, parsing the 45 MB bytecodes.json included): %llu "
                   "accounts, %llu slots in %.3f s\n",
                   (unsigned long long)s.accounts, (unsigned long long)s.slots, s.seconds);
        seer_state_close(st);
    }
    if (argc <= 2)
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
