/* seer bench vm: the interpreter benchmark (seer_bench_vm, <seer/bench.h>).
 * One line per contract as it finishes, then the total; --json prints one
 * JSON object instead. Figures only: the exit code says whether the run
 * worked, never whether it was fast. */
#include "cli.h"

#include <getopt.h>
#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: seer bench vm [--gas N] [--tx-gas N] [--only NAME[,NAME...]] [--json]\n"
               "       seer bench vm --dump NAME\n\n"
               "Runs compute-heavy EVM contracts through the world and the interpreter and\n"
               "reports Mgas/s per contract (gas used / CPU seconds of the thread).\n\n"
               "  --gas N      gas budget per contract (default 200000000)\n"
               "  --tx-gas N   gas limit of each transaction (default 30000000)\n"
               "  --only LIST  run only these contracts:");
    for (const char *const *n = seer_bench_vm_names(); *n; n++)
        fprintf(f, " %s", *n);
    fprintf(f, "\n  --json       print the report as one JSON object\n"
               "  --dump NAME  print contract NAME's runtime bytecode as hex and exit\n");
}

static void print_row(void *arg, const seer_bench_vm_result *r)
{
    (void)arg;
    printf("%-8s %5zu B %12llu gas %5llu txs %8.3f s cpu %8.3f s wall %9.1f Mgas/s  %s\n", r->name,
           r->code_size, (unsigned long long)r->gas, (unsigned long long)r->txs, r->cpu_s, r->wall_s,
           r->mgas_per_s, r->description);
    fflush(stdout);
}

static bool parse_u64(uint64_t *out, const char *s)
{
    char *end;
    if (!s || !*s || *s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 0);
    if (*end)
        return false;
    *out = v;
    return true;
}

static void print_json(const seer_bench_vm_report *rep)
{
    printf("{\"contracts\": [");
    for (size_t i = 0; i < rep->ncontracts; i++) {
        const seer_bench_vm_result *r = &rep->contracts[i];
        printf("%s\n  {\"name\": \"%s\", \"code_size\": %zu, \"gas\": %llu, \"txs\": %llu, \"cpu_s\": %.6f, "
               "\"wall_s\": %.6f, \"mgas_per_s\": %.2f}",
               i ? "," : "", r->name, r->code_size, (unsigned long long)r->gas, (unsigned long long)r->txs,
               r->cpu_s, r->wall_s, r->mgas_per_s);
    }
    printf("],\n \"total\": {\"gas\": %llu, \"cpu_s\": %.6f, \"wall_s\": %.6f, \"mgas_per_s\": %.2f}}\n",
           (unsigned long long)rep->total_gas, rep->total_cpu_s, rep->total_wall_s, rep->total_mgas_per_s);
}

/* Prints a contract's code as hex, to run it in another EVM. */
static int dump_code(const char *name)
{
    uint8_t code[4096];
    size_t len = 0;
    int rc = seer_bench_vm_code(code, sizeof code, &len, name);
    if (rc < 0) {
        cli_error("bench vm --dump", rc);
        return rc == SEER_EINVAL ? 2 : 3;
    }
    for (size_t i = 0; i < len; i++)
        printf("%02x", code[i]);
    printf("\n");
    return 0;
}

int cmd_bench_vm(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"gas", required_argument, NULL, 'g'},
        {"tx-gas", required_argument, NULL, 't'},
        {"only", required_argument, NULL, 'o'},
        {"json", no_argument, NULL, 'j'},
        {"dump", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    seer_bench_vm_options opts = SEER_BENCH_VM_OPTIONS_INIT;
    bool json = false;
    const char *dump = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "g:t:o:jd:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'g':
            if (!parse_u64(&opts.gas, optarg) || opts.gas == 0) {
                fprintf(stderr, "seer bench vm: --gas wants a positive integer, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 't':
            if (!parse_u64(&opts.tx_gas, optarg) || opts.tx_gas == 0) {
                fprintf(stderr, "seer bench vm: --tx-gas wants a positive integer, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'o': opts.only = optarg; break;
        case 'j': json = true; break;
        case 'd': dump = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "seer bench vm: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if (dump)
        return dump_code(dump);
    if (!json)
        opts.progress = print_row;
    seer_bench_vm_report rep;
    int rc = seer_bench_vm(&rep, &opts);
    if (rc < 0) {
        cli_error("bench vm", rc);
        return rc == SEER_EINVAL ? 2 : 3;
    }
    if (json)
        print_json(&rep);
    else
        printf("%-8s %20llu gas %15s %8.3f s cpu %8.3f s wall %9.1f Mgas/s\n", "total",
               (unsigned long long)rep.total_gas, "", rep.total_cpu_s, rep.total_wall_s,
               rep.total_mgas_per_s);
    return 0;
}
