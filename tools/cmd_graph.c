/* seer graph: a block's conflict graph (Graphviz dot or JSON): each
 * transaction's level (or build batch) and gas, the key behind each edge,
 * and the hottest keys. */
#include "cli.h"

#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_sched_load(seer_block **b, seer_prestate **ps, const char *path, const char *pre, const char *codes,
                   const char *hashes, seer_state *db);

static void usage(FILE *f)
{
    fprintf(f, "usage: seer graph BLOCK [--format dot|json] [--predicted] [--build] [--hot N] [-o FILE]\n"
               "                  [--pre FILE] [--codes FILE] [--hashes FILE] [--no-analyzer]\n"
               "  Edges come from the access sets recorded by a serial run (default) or from the\n"
               "  predicted ones (--predicted); --build shows build mode's batches instead of levels.\n");
}

int cmd_graph(int argc, char **argv)
{
    const char *block = NULL, *pre = NULL, *codes = NULL, *hashes = NULL, *outp = NULL;
    seer_sched_graph_options o = SEER_SCHED_GRAPH_OPTIONS_INIT;
    bool use_an = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--format") && i + 1 < argc) {
            const char *f = argv[++i];
            if (!strcmp(f, "dot"))
                o.format = SEER_SCHED_GRAPH_DOT;
            else if (!strcmp(f, "json"))
                o.format = SEER_SCHED_GRAPH_JSON;
            else {
                usage(stderr);
                return 2;
            }
        } else if (!strcmp(a, "--predicted")) {
            o.actual = false;
        } else if (!strcmp(a, "--build")) {
            o.build = true;
        } else if (!strcmp(a, "--hot") && i + 1 < argc) {
            o.hot_keys = strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(a, "-o") && i + 1 < argc) {
            outp = argv[++i];
        } else if (!strcmp(a, "--pre") && i + 1 < argc) {
            pre = argv[++i];
        } else if (!strcmp(a, "--codes") && i + 1 < argc) {
            codes = argv[++i];
        } else if (!strcmp(a, "--hashes") && i + 1 < argc) {
            hashes = argv[++i];
        } else if (!strcmp(a, "--no-analyzer")) {
            use_an = false;
        } else if (a[0] != '-' && !block) {
            block = a;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!block) {
        usage(stderr);
        return 2;
    }
    seer_block *b = NULL;
    seer_prestate *ps = NULL;
    seer_analyzer *an = NULL;
    FILE *f = stdout;
    int ret = 3, rc;
    if (cli_sched_load(&b, &ps, block, pre, codes, hashes, NULL) < 0)
        goto out;
    if (use_an && !o.actual && (rc = seer_analyzer_new(&an, NULL)) < 0) {
        cli_error("analyzer", rc);
        goto out;
    }
    o.analyzer = an;
    if (outp && !(f = fopen(outp, "w"))) {
        fprintf(stderr, "seer graph: cannot write %s\n", outp);
        f = stdout;
        goto out;
    }
    if ((rc = seer_sched_graph_write(f, ps, b, &o)) < 0) {
        cli_error("graph", rc);
        goto out;
    }
    ret = 0;
out:
    if (f != stdout && fclose(f) != 0 && ret == 0) {
        fprintf(stderr, "seer graph: write to %s failed\n", outp);
        ret = 3;
    }
    seer_analyzer_free(an);
    seer_prestate_free(ps);
    seer_block_free(b);
    return ret;
}
