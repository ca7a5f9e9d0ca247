/* seer gen: writes a synthetic block (block.json, pre_state.json,
 * bytecodes.json) in the mainnet fixtures' formats, deterministic from a
 * seed. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void gen_usage(FILE *f)
{
    fprintf(f, "usage: seer gen --out DIR [--workload NAME] [--txs N] [--senders N]\n"
               "                [--contention P] [--seed S] [--weights T,E,S,N]\n\n"
               "Generates a Cancun block, executes it serially to fill the header, and\n"
               "writes DIR/block.json, DIR/pre_state.json and DIR/bytecodes.json.\n"
               "The same options and seed give byte-identical files.\n\n"
               "  --workload NAME   one of:");
    for (const char *const *w = seer_gen_workloads(); *w; w++)
        fprintf(f, " %s", *w);
    fprintf(f, "\n                    (default mix)\n"
               "  --txs N           transactions (default 100)\n"
               "  --senders N       sending accounts (default 16, at most txs)\n"
               "  --contention P    share 0..1 of transactions touching the one hot\n"
               "                    account, pool or collection (default 0)\n"
               "  --seed S          the seed (default 1)\n"
               "  --weights T,E,S,N mix weights of transfer, erc20, swap, nft-mint\n"
               "                    (default 1,1,1,1)\n");
}

static int parse_u64(uint64_t *out, const char *s, const char *what)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-') {
        fprintf(stderr, "seer gen: %s: not a non-negative integer: '%s'\n", what, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cmd_gen(int argc, char **argv)
{
    static const struct option longopts[] = {{"out", required_argument, NULL, 'o'},
                                             {"workload", required_argument, NULL, 'w'},
                                             {"txs", required_argument, NULL, 'n'},
                                             {"senders", required_argument, NULL, 's'},
                                             {"contention", required_argument, NULL, 'c'},
                                             {"seed", required_argument, NULL, 'S'},
                                             {"weights", required_argument, NULL, 'W'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    seer_gen_options opts = SEER_GEN_OPTIONS_INIT;
    const char *out = NULL;
    bool senders_given = false;
    uint64_t v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:w:n:s:c:S:W:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'w': opts.workload = optarg; break;
        case 'n':
            if (parse_u64(&v, optarg, "--txs") < 0)
                return 2;
            opts.txs = (size_t)v;
            break;
        case 's':
            if (parse_u64(&v, optarg, "--senders") < 0)
                return 2;
            opts.senders = (size_t)v;
            senders_given = true;
            break;
        case 'S':
            if (parse_u64(&v, optarg, "--seed") < 0)
                return 2;
            opts.seed = v;
            break;
        case 'c': {
            char *end;
            opts.contention = strtod(optarg, &end);
            if (end == optarg || *end) {
                fprintf(stderr, "seer gen: --contention: not a number: '%s'\n", optarg);
                return 2;
            }
            break;
        }
        case 'W': {
            const char *p = optarg;
            for (int i = 0; i < 4; i++) {
                char *end;
                errno = 0;
                unsigned long w = strtoul(p, &end, 10);
                if (errno || end == p || w > 1000000 || (i < 3 ? *end != ',' : *end != 0)) {
                    fprintf(stderr, "seer gen: --weights: expected four integers T,E,S,N: '%s'\n", optarg);
                    return 2;
                }
                opts.weights[i] = (unsigned)w;
                p = end + 1;
            }
            break;
        }
        case 'h': gen_usage(stdout); return 0;
        default: gen_usage(stderr); return 2;
        }
    }
    if (!out || optind != argc) {
        gen_usage(stderr);
        return 2;
    }
    /* A smaller sender count than asked would be a silent surprise;
     * clamping only the default keeps --txs 4 working without --senders. */
    if (!senders_given && opts.senders > opts.txs)
        opts.senders = opts.txs;
    seer_gen_block *b = NULL;
    int rc = seer_gen_block_new(&b, &opts);
    if (rc < 0) {
        cli_error("gen", rc);
        return rc == SEER_EINVAL ? 2 : 3;
    }
    if ((rc = seer_gen_block_write(b, out)) < 0) {
        cli_error(out, rc);
        seer_gen_block_free(b);
        return 3;
    }
    seer_gen_info info;
    seer_gen_block_info(b, &info);
    fprintf(stderr, "seer gen: %s, seed %" PRIu64 ": %zu txs, %zu senders, gasUsed %" PRIu64, opts.workload,
            opts.seed, info.txs, opts.senders, info.gas_used);
    if (info.has_hot) {
        fprintf(stderr, ", %zu touch the hot object 0x", info.hot_txs);
        for (int i = 0; i < 20; i++)
            fprintf(stderr, "%02x", info.hot.bytes[i]);
    }
    fprintf(stderr, "; written to %s\n", out);
    seer_gen_block_free(b);
    return 0;
}
