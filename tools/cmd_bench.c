/* seer bench: serial and parallel execution of the same blocks in one run,
 * with a thread sweep. Per block and in total: Mgas/s, speedup over seer's
 * own serial execution, CPU seconds, the analysis and scheduling shares,
 * levels, the critical path, mispredictions and re-executed gas, and the
 * speedup the predicted schedule would allow at 4..64 threads. */
#include "cli.h"

#include <dirent.h>
#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_sched_load(seer_block **b, seer_prestate **ps, const char *path, const char *pre, const char *codes,
                   const char *hashes, seer_state *db);
int cli_sched_threads(unsigned *out, size_t max, size_t *n, const char *list);

#define MAX_T 16

typedef struct run_stat {
    double s, cpu_s;
    seer_sched_stats st;
    bool equal;
} run_stat;

typedef struct bench_ctx {
    unsigned threads[MAX_T];
    size_t nthreads;
    unsigned repeat;
    bool json, cold, use_an;
    size_t min_txs;
    double min_par;
    /* totals */
    uint64_t gas;
    double serial_s, serial_cpu;
    double par_s[MAX_T], par_cpu[MAX_T];
    /* what a run needs on free cores: the pipeline's busiest thread's CPU
     * time in place of its wall time (the 2-core build machine is shared:
     * its wall times say little) */
    double par_est[MAX_T];
    size_t blocks;
    bool mismatch;
    bool first_json;
} bench_ctx;

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Runs one configuration `repeat` times; keeps the median time and the
 * statistics of that run. */
static int measure(run_stat *out, const seer_prestate *ps, seer_block *b, seer_sched_options *o,
                   unsigned repeat, seer_sched_summary *ref, seer_sched_summary *sum_out)
{
    double times[32];
    seer_sched_stats sts[32];
    if (repeat > 32)
        repeat = 32;
    out->equal = true;
    for (unsigned r = 0; r < repeat; r++) {
        seer_sched_result *res = NULL;
        int rc = seer_sched_execute(&res, ps, b, o);
        if (rc < 0) {
            cli_error("bench: execute", rc);
            return rc;
        }
        seer_sched_result_stats(res, &sts[r]);
        times[r] = sts[r].total_s;
        seer_sched_summary sum;
        if ((rc = seer_sched_result_summary(res, &sum)) < 0) {
            seer_sched_result_free(res);
            return rc;
        }
        if (ref &&
            (sum.gas_used != ref->gas_used || memcmp(&sum.receipts_root, &ref->receipts_root, 32) != 0 ||
             memcmp(sum.logs_bloom, ref->logs_bloom, 256) != 0))
            out->equal = false;
        if (sum_out)
            *sum_out = sum;
        seer_sched_result_free(res);
    }
    double sorted[32];
    memcpy(sorted, times, repeat * sizeof *times);
    qsort(sorted, repeat, sizeof *sorted, cmp_double);
    double med = sorted[repeat / 2];
    for (unsigned r = 0; r < repeat; r++)
        if (times[r] == med) {
            out->st = sts[r];
            break;
        }
    out->s = med;
    out->cpu_s = out->st.cpu_s;
    return 0;
}

/* A parallel run's time on free cores: the pipeline's wall time replaced
 * by its busiest thread's CPU time. */
static double free_core_s(const seer_sched_stats *s)
{
    return s->pipelined ? s->total_s - s->admit_s + s->pipeline_cpu_max_s : s->total_s;
}

static int bench_block(bench_ctx *c, const char *label, const char *path)
{
    seer_block *b = NULL;
    seer_prestate *ps = NULL;
    seer_analyzer *an = NULL;
    int rc = cli_sched_load(&b, &ps, path, NULL, NULL, NULL, NULL);
    if (rc < 0)
        return rc;
    if (seer_block_tx_count(b) < c->min_txs) {
        seer_block_free(b);
        seer_prestate_free(ps);
        return 0;
    }
    if (c->use_an && (rc = seer_analyzer_new(&an, NULL)) < 0) {
        cli_error("analyzer", rc);
        goto out;
    }
    seer_sched_options o = SEER_SCHED_OPTIONS_INIT;
    o.analyzer = an;
    o.min_parallelism = c->min_par;
    run_stat ser, par[MAX_T];
    seer_sched_summary ref;
    o.mode = SEER_SCHED_SERIAL;
    if ((rc = measure(&ser, ps, b, &o, c->repeat, NULL, &ref)) < 0)
        goto out;
    o.mode = SEER_SCHED_REPLAY;
    if (!c->cold && an) {
        /* a running node has the contracts analyzed already: warm the
         * summary cache with untimed runs, one in build mode (it predicts
         * every transaction; replay predicts only what it may hand to
         * the schedule) and one in replay */
        o.threads = c->threads[c->nthreads - 1];
        for (int w = 0; w < 2; w++) {
            seer_sched_result *res = NULL;
            o.mode = w == 0 ? SEER_SCHED_BUILD : SEER_SCHED_REPLAY;
            if ((rc = seer_sched_execute(&res, ps, b, &o)) < 0) {
                cli_error("bench: warm-up", rc);
                goto out;
            }
            seer_sched_result_free(res);
        }
    }
    for (size_t k = 0; k < c->nthreads; k++) {
        o.threads = c->threads[k];
        if (c->cold && an)
            seer_analyzer_cache_clear(an);
        if ((rc = measure(&par[k], ps, b, &o, c->repeat, &ref, NULL)) < 0)
            goto out;
        if (!par[k].equal)
            c->mismatch = true;
    }
    /* the whole block's predicted DAG, untimed: replay's pipeline
     * predicts only what it may hand over, so its own run models at most
     * that part */
    seer_sched_stats model;
    o.threads = c->threads[c->nthreads - 1];
    if ((rc = seer_sched_model(&model, ps, b, &o)) < 0) {
        cli_error("bench: model", rc);
        goto out;
    }
    uint64_t gas = ref.gas_used;
    c->gas += gas;
    c->serial_s += ser.s;
    c->serial_cpu += ser.cpu_s;
    for (size_t k = 0; k < c->nthreads; k++) {
        c->par_s[k] += par[k].s;
        c->par_cpu[k] += par[k].cpu_s;
        c->par_est[k] += free_core_s(&par[k].st);
    }
    c->blocks++;
    size_t ntx = seer_block_tx_count(b);
    if (c->json) {
        printf("%s{\"block\":\"%s\",\"number\":%llu,\"txs\":%zu,\"gas\":%llu,\"serial\":{\"s\":%.6f,\"cpu_"
               "s\":%.6f,"
               "\"mgas_s\":%.2f},\"parallel\":[",
               c->first_json ? "" : ",", label, (unsigned long long)seer_block_number(b), ntx,
               (unsigned long long)gas, ser.s, ser.cpu_s, ser.s > 0 ? gas / ser.s / 1e6 : 0.0);
        c->first_json = false;
        for (size_t k = 0; k < c->nthreads; k++) {
            const seer_sched_stats *s = &par[k].st;
            printf(
                "%s{\"threads\":%u,\"s\":%.6f,\"cpu_s\":%.6f,\"mgas_s\":%.2f,\"speedup\":%.3f,\"equal_"
                "serial\":%s,"
                "\"analysis_share\":%.4f,\"schedule_share\":%.4f,\"levels\":%u,\"critical_path_gas\":%llu,"
                "\"ideal_speedup\":%.3f,\"modeled_speedup\":{\"4\":%.3f,\"8\":%.3f,\"16\":%.3f,\"32\":%.3f,"
                "\"64\":%.3f},\"mispredicted\":%zu,\"reexecuted\":%zu,\"reexecuted_gas_share\":%.4f,"
                "\"rounds\":%u,\"serial_fallback\":%s,\"lane_txs\":%zu,\"sched_txs\":%zu,\"predicted_txs\":%"
                "zu,"
                "\"lane_s\":%.6f,\"suffix_parallelism\":%.3f,\"pipeline_cpu_max_s\":%.6f,\"free_core_s\":%."
                "6f}",
                k ? "," : "", c->threads[k], par[k].s, par[k].cpu_s,
                par[k].s > 0 ? gas / par[k].s / 1e6 : 0.0, par[k].s > 0 ? ser.s / par[k].s : 0.0,
                par[k].equal ? "true" : "false", s->total_s > 0 ? s->predict_s / s->total_s : 0.0,
                s->total_s > 0 ? s->schedule_s / s->total_s : 0.0, s->levels,
                (unsigned long long)s->critical_gas, s->ideal_speedup, s->modeled_speedup[0],
                s->modeled_speedup[1], s->modeled_speedup[2], s->modeled_speedup[3], s->modeled_speedup[4],
                s->mispredicted, s->reexecuted, gas ? (double)s->reexecuted_gas / (double)gas : 0.0,
                s->rounds, s->serial_fallback ? "true" : "false", s->lane_txs, s->sched_txs, s->predicted_txs,
                s->lane_s, s->suffix_parallelism, s->pipeline_cpu_max_s, free_core_s(s));
        }
        printf("],\"model\":{\"levels\":%u,\"critical_path_gas\":%llu,\"ideal_speedup\":%.3f,"
               "\"modeled_speedup\":{\"4\":%.3f,\"8\":%.3f,\"16\":%.3f,\"32\":%.3f,\"64\":%.3f}}}",
               model.levels, (unsigned long long)model.critical_gas, model.ideal_speedup,
               model.modeled_speedup[0], model.modeled_speedup[1], model.modeled_speedup[2],
               model.modeled_speedup[3], model.modeled_speedup[4]);
    } else {
        printf("%-12s %5zu txs %8.2f Mgas  serial %8.2f ms %7.1f Mgas/s cpu %7.2f ms\n", label, ntx,
               gas / 1e6, ser.s * 1e3, ser.s > 0 ? gas / ser.s / 1e6 : 0.0, ser.cpu_s * 1e3);
        for (size_t k = 0; k < c->nthreads; k++) {
            const seer_sched_stats *s = &par[k].st;
            printf("  %2u thr %8.2f ms %7.1f Mgas/s %5.2fx cpu %7.2f ms  analysis %4.1f%% sched %4.1f%%  "
                   "levels %u "
                   "crit %llu  mispred %zu  reexec %.1f%%  rounds %u%s%s\n",
                   c->threads[k], par[k].s * 1e3, par[k].s > 0 ? gas / par[k].s / 1e6 : 0.0,
                   par[k].s > 0 ? ser.s / par[k].s : 0.0, par[k].cpu_s * 1e3,
                   s->total_s > 0 ? 100.0 * s->predict_s / s->total_s : 0.0,
                   s->total_s > 0 ? 100.0 * s->schedule_s / s->total_s : 0.0, s->levels,
                   (unsigned long long)s->critical_gas, s->mispredicted,
                   gas ? 100.0 * (double)s->reexecuted_gas / (double)gas : 0.0, s->rounds,
                   s->serial_fallback ? " serial-fallback" : "", par[k].equal ? "" : "  DIFFERS FROM SERIAL");
        }
        printf("  phases ms (admit predict schedule exec commit): serial %.1f %.1f %.1f %.1f %.1f",
               ser.st.admit_s * 1e3, ser.st.predict_s * 1e3, ser.st.schedule_s * 1e3, ser.st.exec_s * 1e3,
               ser.st.commit_s * 1e3);
        for (size_t k = 0; k < c->nthreads; k++) {
            const seer_sched_stats *s = &par[k].st;
            printf("; %u thr %.1f %.1f %.1f %.1f (run %.1f validate %.1f merge %.1f) %.1f", c->threads[k],
                   s->admit_s * 1e3, s->predict_s * 1e3, s->schedule_s * 1e3, s->exec_s * 1e3,
                   s->exec_run_s * 1e3, s->exec_validate_s * 1e3, s->exec_merge_s * 1e3, s->commit_s * 1e3);
        }
        printf("\n");
        for (size_t k = 0; k < c->nthreads; k++) {
            const seer_sched_stats *s = &par[k].st;
            if (!s->pipelined)
                continue;
            printf("  %u thr pipeline: lane %zu txs (%.1f ms executing), predicted schedule %zu txs (suffix "
                   "levels %.2fx), predicted %zu; busiest thread %.1f ms CPU: %.1f ms on free cores, %.2fx "
                   "the serial CPU\n",
                   c->threads[k], s->lane_txs, s->lane_s * 1e3, s->sched_txs, s->suffix_parallelism,
                   s->predicted_txs, s->pipeline_cpu_max_s * 1e3, free_core_s(s) * 1e3,
                   free_core_s(s) > 0 ? ser.cpu_s / free_core_s(s) : 0.0);
        }
        const seer_sched_stats *s = &model;
        printf(
            "  modeled (the whole block's predicted DAG, no barriers): levels %u, ideal %.2fx; 4/8/16/32/64 "
            "threads %.2f %.2f %.2f %.2f %.2f\n",
            s->levels, s->ideal_speedup, s->modeled_speedup[0], s->modeled_speedup[1], s->modeled_speedup[2],
            s->modeled_speedup[3], s->modeled_speedup[4]);
    }
    fflush(stdout);
    rc = 0;
out:
    seer_analyzer_free(an);
    seer_prestate_free(ps);
    seer_block_free(b);
    return rc;
}

static bool has_block_json(const char *dir)
{
    char p[4300];
    struct stat st;
    snprintf(p, sizeof p, "%.4200s/block.json", dir);
    return stat(p, &st) == 0;
}

static int cmp_name(const void *x, const void *y)
{
    const char *a = *(char *const *)x, *b = *(char *const *)y;
    unsigned long long na = strtoull(a, NULL, 10), nb = strtoull(b, NULL, 10);
    if (na != nb)
        return na < nb ? -1 : 1;
    return strcmp(a, b);
}

/* A block directory, a block.json, or a directory of block directories. */
static int bench_path(bench_ctx *c, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "seer bench: %s: no such file or directory\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode) || has_block_json(path)) {
        const char *base = strrchr(path, '/');
        return bench_block(c, base && base[1] ? base + 1 : path, path);
    }
    DIR *d = opendir(path);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **q = realloc(names, cap * sizeof *q);
            if (!q)
                break;
            names = q;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_name);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%.3900s/%.255s", path, names[i]);
        if (rc == 0 && has_block_json(p))
            rc = bench_block(c, names[i], p);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int bench_workload(bench_ctx *c, const seer_gen_options *go)
{
    seer_gen_block *g = NULL;
    int rc = seer_gen_block_new(&g, go);
    if (rc < 0) {
        cli_error("bench: generate", rc);
        return rc;
    }
    char dir[] = "/tmp/seer-bench-XXXXXX";
    if (!mkdtemp(dir)) {
        seer_gen_block_free(g);
        fprintf(stderr, "seer bench: cannot create a temporary directory\n");
        return -1;
    }
    if ((rc = seer_gen_block_write(g, dir)) < 0)
        cli_error("bench: write the generated block", rc);
    else {
        char label[64];
        snprintf(label, sizeof label, "%s", go->workload);
        rc = bench_block(c, label, dir);
    }
    char p[300];
    static const char *const files[] = {"block.json", "pre_state.json", "bytecodes.json"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        remove(p);
    }
    rmdir(dir);
    seer_gen_block_free(g);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: seer bench [BLOCK|DIR ...] [--workload NAME [--txs N] [--senders N] [--contention X] "
            "[--seed S]]\n"
            "                  [--threads 1,2,4,8] [--repeat R] [--min-txs K] [--cold] [--no-analyzer]\n"
            "                  [--min-parallelism X] [--json]\n"
            "  Serial and parallel execution of the same blocks in one run; times are the median of R runs,\n"
            "  sender recovery and analysis included. The analyzer's cache is warmed by one untimed run per\n"
            "  block unless --cold. DIR: a directory of block directories (e.g. fixtures/mainnet/blocks).\n"
            "       seer bench vm --help: the interpreter benchmark.\n");
}

int cmd_bench(int argc, char **argv)
{
    /* `seer bench vm ...`: the interpreter benchmark (tools/cmd_bench_vm.c) */
    if (argc > 1 && !strcmp(argv[1], "vm"))
        return cmd_bench_vm(argc - 1, argv + 1);
    bench_ctx c;
    memset(&c, 0, sizeof c);
    c.repeat = 3;
    c.use_an = true;
    c.first_json = true;
    c.min_par = 1.15;
    cli_sched_threads(c.threads, MAX_T, &c.nthreads, "1,2,4,8");
    seer_gen_options go = SEER_GEN_OPTIONS_INIT;
    bool gen = false;
    const char *paths[64];
    size_t npaths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--threads") && i + 1 < argc) {
            if (cli_sched_threads(c.threads, MAX_T, &c.nthreads, argv[++i]) < 0) {
                usage(stderr);
                return 2;
            }
        } else if (!strcmp(a, "--repeat") && i + 1 < argc) {
            c.repeat = (unsigned)strtoul(argv[++i], NULL, 10);
            if (!c.repeat)
                c.repeat = 1;
        } else if (!strcmp(a, "--min-txs") && i + 1 < argc) {
            c.min_txs = strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(a, "--min-parallelism") && i + 1 < argc) {
            c.min_par = strtod(argv[++i], NULL);
        } else if (!strcmp(a, "--json")) {
            c.json = true;
        } else if (!strcmp(a, "--cold")) {
            c.cold = true;
        } else if (!strcmp(a, "--no-analyzer")) {
            c.use_an = false;
        } else if (!strcmp(a, "--workload") && i + 1 < argc) {
            go.workload = argv[++i];
            gen = true;
        } else if (!strcmp(a, "--txs") && i + 1 < argc) {
            go.txs = strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(a, "--senders") && i + 1 < argc) {
            go.senders = strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(a, "--contention") && i + 1 < argc) {
            go.contention = strtod(argv[++i], NULL);
        } else if (!strcmp(a, "--seed") && i + 1 < argc) {
            go.seed = strtoull(argv[++i], NULL, 0);
        } else if (a[0] != '-' && npaths < 64) {
            paths[npaths++] = a;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!gen && !npaths) {
        usage(stderr);
        return 2;
    }
    if (c.json)
        printf("{\"cpus\":%ld,\"repeat\":%u,\"analyzer\":\"%s\",\"blocks\":[", sysconf(_SC_NPROCESSORS_ONLN),
               c.repeat,
               !c.use_an ? "none"
               : c.cold  ? "cold"
                         : "warm");
    else
        printf(
            "seer bench: %ld CPUs, median of %u runs, analyzer %s, sender recovery and analysis included\n",
            sysconf(_SC_NPROCESSORS_ONLN), c.repeat,
            !c.use_an ? "off"
            : c.cold  ? "cold"
                      : "warm");
    int rc = 0;
    if (gen)
        rc = bench_workload(&c, &go);
    for (size_t i = 0; i < npaths && rc == 0; i++)
        rc = bench_path(&c, paths[i]);
    if (c.json) {
        printf(
            "],\"total\":{\"blocks\":%zu,\"gas\":%llu,\"serial\":{\"s\":%.6f,\"cpu_s\":%.6f,\"mgas_s\":%.2f},"
            "\"parallel\":[",
            c.blocks, (unsigned long long)c.gas, c.serial_s, c.serial_cpu,
            c.serial_s > 0 ? c.gas / c.serial_s / 1e6 : 0.0);
        for (size_t k = 0; k < c.nthreads; k++)
            printf("%s{\"threads\":%u,\"s\":%.6f,\"cpu_s\":%.6f,\"mgas_s\":%.2f,\"speedup\":%.3f,"
                   "\"free_core_s\":%.6f,\"free_core_speedup\":%.3f}",
                   k ? "," : "", c.threads[k], c.par_s[k], c.par_cpu[k],
                   c.par_s[k] > 0 ? c.gas / c.par_s[k] / 1e6 : 0.0,
                   c.par_s[k] > 0 ? c.serial_s / c.par_s[k] : 0.0, c.par_est[k],
                   c.par_est[k] > 0 ? c.serial_cpu / c.par_est[k] : 0.0);
        printf("]},\"equal_serial\":%s}\n", c.mismatch ? "false" : "true");
    } else if (c.blocks) {
        printf("total: %zu blocks, %.2f Mgas; serial %.2f ms (%.1f Mgas/s, cpu %.2f ms)\n", c.blocks,
               c.gas / 1e6, c.serial_s * 1e3, c.serial_s > 0 ? c.gas / c.serial_s / 1e6 : 0.0,
               c.serial_cpu * 1e3);
        for (size_t k = 0; k < c.nthreads; k++)
            printf("  %2u thr %8.2f ms %7.1f Mgas/s %5.2fx cpu %8.2f ms; on free cores (busiest pipeline "
                   "thread's CPU) %.2f ms, %.2fx the serial CPU\n",
                   c.threads[k], c.par_s[k] * 1e3, c.par_s[k] > 0 ? c.gas / c.par_s[k] / 1e6 : 0.0,
                   c.par_s[k] > 0 ? c.serial_s / c.par_s[k] : 0.0, c.par_cpu[k] * 1e3, c.par_est[k] * 1e3,
                   c.par_est[k] > 0 ? c.serial_cpu / c.par_est[k] : 0.0);
        if (c.mismatch)
            printf("ERROR: a parallel run differed from serial\n");
    }
    if (rc < 0)
        return 3;
    return c.mismatch ? 1 : 0;
}
